import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './corpus';

/**
 * Ordinary output that holds no secret: lines of output got by really running the commands
 * (git log of this repository, ls -l, sha256sum, ps, the CA bundle, the lockfile), values made
 * the way programs make them (UUIDs, base64 of the repository's screenshots), and, where the
 * tool is not on the machine (kubectl, docker, npm against the registry), output in the
 * tool's format from bench/corpus/ordinary/.
 */
export interface OrdinarySet {
  category: string;
  /** Where the lines come from. */
  source: string;
  lines: string[];
}

const REPO = new URL('../../../', import.meta.url).pathname;
const ORDINARY_DIR = new URL('../../corpus/ordinary/', import.meta.url).pathname;

function run(cmd: string, args: string[], cwd = REPO): string | null {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

function lines(text: string | null, max: number): string[] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, max);
}

function files(dir: string, ext: RegExp, max: number, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= max) break;
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      files(p, ext, max, out);
    else if (e.isFile() && ext.test(e.name)) out.push(p);
  }
  return out;
}

/** The sets, at most `max` lines each. */
export function ordinaryOutput(max = 300, seed = 14): OrdinarySet[] {
  const sets: OrdinarySet[] = [];
  const add = (category: string, source: string, ls: string[]) => {
    if (ls.length > 0) sets.push({ category, source, lines: ls.slice(0, max) });
  };

  add(
    'git-log',
    'git log --stat --format=fuller -n 80 (this repository)',
    lines(run('git', ['log', '--stat', '--format=fuller', '-n', '80']), max),
  );
  add(
    'git-log-oneline',
    'git log --oneline --graph --decorate -n 300',
    lines(run('git', ['log', '--oneline', '--graph', '--decorate', '-n', '300']), max),
  );
  add('ls-l', 'ls -l /usr/bin', lines(run('ls', ['-l', '/usr/bin']), max));
  add(
    'ls-la-pnpm-store',
    'ls -la node_modules/.pnpm (package directories with peer hashes)',
    lines(run('ls', ['-la', join(REPO, 'node_modules/.pnpm')]), max),
  );

  const uuids: string[] = [];
  for (let i = 0; i < max; i++) {
    const id = randomUUID();
    uuids.push(
      i % 3 === 0
        ? id
        : i % 3 === 1
          ? `request_id=${id} status=200 duration_ms=${(i * 7) % 300}`
          : `{"id":"${id}","traceId":"${randomUUID().replace(/-/g, '')}"}`,
    );
  }
  add('uuids', 'crypto.randomUUID() as printed by services (bare, in log fields, in JSON)', uuids);

  const sources = files(join(REPO, 'packages'), /\.(ts|tsx|json)$/, max);
  const sha256 = run('sha256sum', sources);
  add(
    'sha256sum',
    'sha256sum of the repository source files',
    lines(sha256, max).map((l) => l.replace(REPO, '')),
  );
  const sha1 = run('sha1sum', sources);
  add(
    'sha1sum',
    'sha1sum of the repository source files',
    lines(sha1, max).map((l) => l.replace(REPO, '')),
  );
  add(
    'git-objects',
    'git ls-tree -r HEAD (blob ids)',
    lines(run('git', ['ls-tree', '-r', 'HEAD']), max),
  );

  const pngs = files(join(REPO, 'examples'), /\.png$/, 3);
  const images: string[] = [];
  for (const p of pngs) {
    const b64 = readFileSync(p).toString('base64');
    // A data URL in a JSON tool output, and `base64` wrapped at 76 columns.
    images.push(`{"type":"image","mimeType":"image/png","data":"${b64.slice(0, 6000)}"}`);
    images.push(`<img src="data:image/png;base64,${b64.slice(0, 3000)}">`);
    for (let i = 0; i < Math.min(b64.length, 76 * 80); i += 76) images.push(b64.slice(i, i + 76));
  }
  add(
    'base64-images',
    'base64 of the repository PNG screenshots (data URLs, base64 -w 76)',
    images,
  );

  add(
    'certificates',
    'the public CA bundle (/etc/ssl/certs/ca-certificates.crt): PEM certificates',
    lines(
      existsSync('/etc/ssl/certs/ca-certificates.crt')
        ? readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')
        : null,
      max,
    ),
  );

  const lock = existsSync(join(REPO, 'pnpm-lock.yaml'))
    ? readFileSync(join(REPO, 'pnpm-lock.yaml'), 'utf8')
    : null;
  add(
    'lockfile-integrity',
    'pnpm-lock.yaml lines with integrity hashes',
    lines(lock, 1e9)
      .filter((l) => l.includes('integrity'))
      .slice(0, max),
  );
  add(
    'versions',
    'dpkg-query -W (Debian package versions), node -p process.versions',
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      ...lines(run('dpkg-query', ['-W', '-f', '${Package} ${Version} ${Architecture}\n']), max),
      ...Object.entries(process.versions).map(([k, v]) => `${k}: ${v}`),
    ].slice(0, max),
  );
  add('ps', 'ps aux', lines(run('ps', ['aux']), max));

  const next = rng(seed);
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
    return s;
  };
  const digests: string[] = [];
  for (const l of lines(sha256, max)) {
    const h = l.slice(0, 64);
    digests.push(`registry.example.com/team/api@sha256:${h}`);
    digests.push(
      `api   v2.${h.charCodeAt(0) % 9}.1   sha256:${h}   ${h.slice(0, 12)}   3 days ago   ${140 + (h.charCodeAt(1) % 60)}MB`,
    );
    digests.push(`${hex(12)}: Pull complete`);
    if (digests.length >= max) break;
  }
  add('docker-digests', 'docker pull / docker images --digests lines (digests from sha256sum)', [
    'REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE',
    ...digests,
  ]);

  if (existsSync(ORDINARY_DIR))
    for (const f of readdirSync(ORDINARY_DIR).sort()) {
      if (!f.endsWith('.txt')) continue;
      const text = readFileSync(join(ORDINARY_DIR, f), 'utf8');
      const [first, ...rest] = text.split('\n');
      add(f.replace(/\.txt$/, ''), (first ?? '').replace(/^#\s*/, ''), lines(rest.join('\n'), max));
    }
  return sets;
}
