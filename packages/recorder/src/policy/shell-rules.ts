import type { ShellWord, SimpleCommand } from './shell';

/**
 * What a command does, read from its parsed words (wrappers removed): the classes the built-in
 * rules and a policy's own `match.shell` conditions name.
 */
export const SHELL_ACTIONS = [
  'delete_root',
  'delete_recursive',
  'disk_write',
  'permission_root',
  'file_wipe',
  'remote_code',
  'history_rewrite',
  'discard_work',
  'cloud_destroy',
  'container_prune',
] as const;
export type ShellAction = (typeof SHELL_ACTIONS)[number];

/** What each class means (the README's list is generated from it). */
export const SHELL_ACTION_DESCRIPTIONS: Readonly<Record<ShellAction, string>> = {
  delete_root:
    'recursive delete of `/`, a system directory, a home (`~`, `$HOME`), the working directory (`.`, `*`, `./*`, `$PWD`), or a path that is `/` when its variable is empty (`"$BUILD_DIR"/`); `find` over a root deleting, or over a home or `.` deleting everything',
  delete_recursive: 'any recursive delete: `rm -r`, `find -delete`, `find -exec rm`',
  disk_write:
    'writes to or formats a disk device: `dd of=/dev/…`, `> /dev/sda`, `mkfs`, `wipefs`, `shred /dev/…`',
  permission_root: 'recursive `chmod`, `chown` or `chgrp` of `/` or a system directory',
  file_wipe: 'destroys file contents: `shred`, `truncate`',
  remote_code:
    'runs what it downloads: `curl … | sh`, `eval "$(curl …)"`, `bash <(curl …)`, `sh -c "$(wget -O- …)"`',
  history_rewrite:
    'rewrites or deletes shared history: `git push --force`, `-f`, `--force-with-lease`, `+ref`, `--delete`, `:ref`, `--mirror`',
  discard_work: 'throws away work in a checkout: `git reset --hard`, `git clean -f`',
  cloud_destroy:
    'destroys cloud, cluster or container data: `terraform destroy`, `aws s3 rm --recursive`, `aws s3 rb --force`, `aws … delete-*`, `gcloud … delete`, `az … delete`, `kubectl delete ns`, `docker volume rm`, `docker system prune --volumes`, `docker compose down -v`',
  container_prune: 'prunes containers and images: `docker system prune`, `docker image prune`',
};

type Command = Pick<SimpleCommand, 'argv' | 'words' | 'upstream' | 'writes'>;

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash', 'mksh']);
const INTERPRETERS = new Set(['python', 'python3', 'perl', 'ruby', 'node', 'php']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'lwp-request']);
/** Top-level directories whose loss breaks the system (depth one; `/usr/x` too). */
const SYSTEM_DIRS = new Set(
  'bin boot dev etc home lib lib32 lib64 libx32 media mnt opt proc root run sbin srv sys usr var snap nix Users Library System Applications Volumes private'.split(
    ' ',
  ),
);
const HARMLESS_DEVICES =
  /^\/dev\/(null|zero|full|random|urandom|stdout|stderr|stdin|tty\w*|fd\/.*|shm\/.*|pts\/.*)$/;

function name(program: string | null | undefined): string {
  return program ? program.slice(program.lastIndexOf('/') + 1) : '';
}

/** Options and positional words of a command, short option letters split out. */
function split(argv: (string | null)[]) {
  const letters = new Set<string>();
  const long = new Set<string>();
  const positional: number[] = [];
  let dashes = false;
  argv.forEach((a, i) => {
    if (i === 0) return;
    if (a === null) {
      positional.push(i);
      return;
    }
    if (!dashes && a === '--') dashes = true;
    else if (!dashes && a.startsWith('--')) long.add(a.split('=')[0] as string);
    else if (!dashes && /^-[a-zA-Z0-9]+$/.test(a)) for (const ch of a.slice(1)) letters.add(ch);
    else if (!dashes && a.startsWith('-') && a.length > 1) long.add(a.split('=')[0] as string);
    else positional.push(i);
  });
  return { letters, long, positional };
}

function normalize(path: string): string {
  let p = path.replace(/\/+/g, '/');
  while (p.length > 1 && (p.endsWith('/') || p.endsWith('/.')))
    p = p.endsWith('/') ? p.slice(0, -1) : p.slice(0, -2);
  return p === '' ? '' : p;
}

type Place = 'root' | 'home' | 'cwd';

/** Whether a literal path is a root or system directory, a home, or the working directory (or everything in one). */
function dangerousPath(path: string): Place | null {
  const p = normalize(path);
  if (['/', '/*', '/.*'].includes(p)) return 'root';
  if (['.', '*', './*', '.*', './.*', '..', '../*', '../..'].includes(p)) return 'cwd';
  if (/^~[\w.-]*(\/\*|\/\.\*)?$/.test(p)) return 'home';
  const top = /^\/([^/*]+)(\/\*)?$/.exec(p);
  if (top && SYSTEM_DIRS.has(top[1] as string)) return top[1] === 'root' ? 'home' : 'root';
  if (/^\/(usr|var)\/[^/*]+(\/\*)?$/.test(p)) return 'root';
  if (/^\/(home|Users)\/[^/*]+(\/\*)?$/.test(p)) return 'home';
  return null;
}

/** Whether a word names such a directory, as written or when its variables are empty. */
function dangerousWord(word: ShellWord): Place | null {
  if (word.value !== null) return dangerousPath(word.value);
  const t = word.template;
  // $HOME, ${HOME}/, "$HOME"/*
  if (/^\$\{HOME\}(\/\*?)?$/.test(t)) return 'home';
  // $PWD, "$(pwd)"/*: the working directory
  const pwd =
    word.substitutions.length === 1 &&
    word.substitutions[0]?.length === 1 &&
    word.substitutions[0][0] === 'pwd';
  if (/^\$\{PWD\}(\/\*?)?$/.test(t) || (pwd && /^\$\(…\)(\/\*?)?$/.test(t))) return 'cwd';
  // A variable or substitution that is empty at run time leaves the rest: "$BUILD_DIR"/ → /
  const emptied = t.replace(/\$\{\w+\}|\$\(…\)/g, '');
  if (emptied !== t && emptied.startsWith('/') && ['/', '/*', '/.*'].includes(normalize(emptied)))
    return 'root';
  return null;
}

function isDevice(path: string | null): boolean {
  return path?.startsWith('/dev/') === true && !HARMLESS_DEVICES.test(path);
}

/** Whether any of the commands downloads (`curl`, `sudo wget`, `echo "$(curl …)"`). */
function runsDownload(
  commands: readonly ((string | null)[] | SimpleCommand)[] | undefined,
): boolean {
  return (commands ?? []).some((c) => {
    const argv = Array.isArray(c) ? c : c.argv;
    if (
      argv.some((a, i) => a !== null && DOWNLOADERS.has(name(a)) && (i === 0 || !a.startsWith('-')))
    )
      return true;
    return !Array.isArray(c) && c.words.some((w) => runsDownload(w.substitutions));
  });
}

/** What one command (wrappers removed) does, by the classes above. */
export function classifyCommand(command: Command): ShellAction[] {
  const { argv, words } = command;
  const program = name(argv[0]);
  const out = new Set<ShellAction>();
  const { letters, long, positional } = split(argv);
  const at = (i: number) => argv[i] ?? null;
  const pos = positional.map((i) => at(i));
  const wordAt = (i: number): ShellWord =>
    words[i] ?? { value: at(i), template: at(i) ?? '', substitutions: [] };

  for (const w of command.writes ?? []) if (isDevice(w)) out.add('disk_write');

  // Remote code: a shell or interpreter running what a download produced.
  if (
    SHELLS.has(program) ||
    INTERPRETERS.has(program) ||
    ['eval', 'source', '.'].includes(program)
  ) {
    const readsStdin =
      !['eval', 'source', '.'].includes(program) &&
      !letters.has('c') &&
      !long.has('--command') &&
      (positional.length === 0 || letters.has('s') || at(positional[0] as number) === '-');
    if (readsStdin && runsDownload(command.upstream)) out.add('remote_code');
    for (let i = 1; i < argv.length; i++)
      if (runsDownload(wordAt(i).substitutions)) out.add('remote_code');
  }

  switch (program) {
    case 'rm': {
      const recursive = letters.has('r') || letters.has('R') || long.has('--recursive');
      if (!recursive) break;
      out.add('delete_recursive');
      if (long.has('--no-preserve-root') || positional.some((i) => dangerousWord(wordAt(i))))
        out.add('delete_root');
      break;
    }
    case 'find': {
      const starts: number[] = [];
      for (let i = 1; i < argv.length; i++) {
        const a = at(i);
        if (a !== null && (a.startsWith('-') || a === '(' || a === '!')) break;
        starts.push(i);
      }
      const exprs = argv.slice(1 + starts.length);
      let deletes = exprs.includes('-delete');
      exprs.forEach((a, k) => {
        if (a && ['-exec', '-execdir', '-ok', '-okdir'].includes(a)) {
          const run = name(exprs[k + 1]);
          if (['rm', 'shred', 'unlink'].includes(run)) deletes = true;
        }
      });
      if (!deletes) break;
      out.add('delete_recursive');
      // Everything under a root, home or the working directory; with tests, under a root.
      const onlyDelete = exprs.every((a) => a === '-delete' || a === '-depth');
      const places = starts.map((i) => dangerousWord(wordAt(i)));
      if (places.some((p) => p === 'root' || (onlyDelete && p !== null))) out.add('delete_root');
      if (starts.length === 0 && onlyDelete) out.add('delete_root');
      break;
    }
    case 'dd':
      for (const a of argv) if (a?.startsWith('of=') && isDevice(a.slice(3))) out.add('disk_write');
      break;
    case 'mke2fs':
    case 'mkswap':
    case 'wipefs':
    case 'blkdiscard':
      out.add('disk_write');
      break;
    case 'shred':
    case 'truncate':
      out.add(pos.some(isDevice) ? 'disk_write' : 'file_wipe');
      break;
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      if (!(letters.has('R') || long.has('--recursive'))) break;
      // The first positional word is the mode or owner, unless --reference gives it.
      const targets = argv.some((a) => a?.startsWith('--reference'))
        ? positional
        : positional.slice(1);
      if (targets.some((i) => dangerousWord(wordAt(i)) === 'root')) out.add('permission_root');
      break;
    }
    case 'git': {
      // Global options before the subcommand: -C path, -c key=value, --git-dir=...
      let i = 1;
      while (i < argv.length && at(i)?.startsWith('-'))
        i += ['-C', '-c'].includes(at(i) ?? '') ? 2 : 1;
      const sub = at(i);
      const rest = argv.slice(i + 1);
      const { letters: l, long: o, positional: p } = split([sub, ...rest]);
      const refs = p.map((k) => (k === 0 ? null : rest[k - 1]));
      if (sub === 'push') {
        if (
          l.has('f') ||
          l.has('d') ||
          [
            '--force',
            '--force-with-lease',
            '--force-if-includes',
            '--mirror',
            '--delete',
            '--prune',
          ].some((f) => o.has(f)) ||
          refs.some((r, k) => k > 0 && r != null && (r.startsWith('+') || r.startsWith(':')))
        )
          out.add('history_rewrite');
      } else if (sub === 'reset' && o.has('--hard')) out.add('discard_work');
      else if (sub === 'clean' && (l.has('f') || o.has('--force'))) out.add('discard_work');
      break;
    }
    case 'docker':
    case 'podman':
    case 'docker-compose': {
      const p = pos.filter((a): a is string => a !== null);
      const has = (...seq: string[]) => seq.every((s, k) => p[k] === s);
      if (
        has('system', 'prune') ||
        has('image', 'prune') ||
        has('container', 'prune') ||
        has('builder', 'prune') ||
        has('network', 'prune')
      )
        out.add(long.has('--volumes') ? 'cloud_destroy' : 'container_prune');
      if (has('volume', 'rm') || has('volume', 'remove') || has('volume', 'prune'))
        out.add('cloud_destroy');
      const down = program === 'docker-compose' ? has('down') : has('compose', 'down');
      if (down && (letters.has('v') || long.has('--volumes'))) out.add('cloud_destroy');
      break;
    }
    case 'aws': {
      const p = pos.filter((a): a is string => a !== null);
      const s3 = p.indexOf('s3');
      if (s3 >= 0 && p[s3 + 1] === 'rm' && long.has('--recursive')) out.add('cloud_destroy');
      if (s3 >= 0 && p[s3 + 1] === 'rb' && long.has('--force')) out.add('cloud_destroy');
      if (p.some((w) => /^(delete|terminate)-/.test(w))) out.add('cloud_destroy');
      break;
    }
    case 'gcloud':
    case 'az':
    case 'doctl':
    case 'eksctl':
      if (pos.some((w) => w === 'delete' || w === 'purge')) out.add('cloud_destroy');
      break;
    case 'gsutil':
      if ((pos[0] === 'rm' && (letters.has('r') || letters.has('R'))) || pos[0] === 'rb')
        out.add('cloud_destroy');
      break;
    case 'kubectl':
    case 'oc': {
      const p = pos.filter((a): a is string => a !== null);
      const del = p.indexOf('delete');
      if (del < 0) break;
      const kind = p[del + 1] ?? '';
      if (
        /^(ns|namespaces?)(\/|$)/.test(kind) ||
        kind.split(',').some((k) => /^(ns|namespaces?)$/.test(k))
      )
        out.add('cloud_destroy');
      if ((letters.has('A') || long.has('--all-namespaces')) && long.has('--all'))
        out.add('cloud_destroy');
      break;
    }
    case 'terraform':
    case 'tofu':
    case 'terragrunt': {
      const p = pos.filter((a): a is string => a !== null);
      const destroyFlag = argv.includes('-destroy') || argv.includes('--destroy');
      if (p[0] === 'destroy' || (p[0] === 'apply' && destroyFlag)) out.add('cloud_destroy');
      break;
    }
    case 'pulumi':
    case 'cdk':
      if (pos[0] === 'destroy') out.add('cloud_destroy');
      break;
    default:
      if (/^mkfs(\.\w+)?$/.test(program)) out.add('disk_write');
  }
  return [...out];
}
