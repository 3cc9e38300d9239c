import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFamilies, templatePattern } from './corpus';

/**
 * Brings published samples into bench/corpus/published.jsonl: the sample strings of
 * trufflehog's detector tests (pkg/detectors/<name>/*_test.go, AGPL-3.0) that match a family's
 * documented format whole. Only the strings are kept, reversed, with the file they come from.
 * A sample found anywhere in the trees given with --exclude (checkouts of the rulesets the
 * masker is built from: gitleaks, secretlint) is left out, so the corpus stays independent.
 *
 *   tsx src/masking/import-published.ts --git-dir /path/to/trufflehog/.git \
 *     --exclude /path/to/gitleaks --exclude /path/to/secretlint [--per-family 3]
 */
const { values: args } = parseArgs({
  options: {
    'git-dir': { type: 'string' },
    'per-family': { type: 'string', default: '3' },
    exclude: { type: 'string', multiple: true, default: [] },
    out: {
      type: 'string',
      default: new URL('../../corpus/published.jsonl', import.meta.url).pathname,
    },
  },
});
const gitDir = args['git-dir'];
if (!gitDir) throw new Error('--git-dir: the trufflehog repository to read');
const git = (...a: string[]) =>
  execFileSync('git', ['--git-dir', gitDir, ...a], { encoding: 'utf8', maxBuffer: 1 << 28 });

const commit = git('rev-parse', 'HEAD').trim();
const tests = git('ls-tree', '-r', '--name-only', 'HEAD', 'pkg/detectors')
  .split('\n')
  .filter((f) => f.endsWith('_test.go') && !f.includes('integration'));

// Go string literals, then the runs inside them that could be a whole value.
const LITERAL = /"((?:[^"\\\n]|\\.)*)"|`([^`]*)`/g;
const RUN = /[^\s"'`,;|<>()[\]{}]+/g;
/** Samples made to look fake, or of one repeated character, are placeholders, not secrets. */
const PLACEHOLDER = /fake|example|xxxx|(.)\1{5}/i;

const families = loadFamilies().filter((f) => f.kind === 'format');
const patterns = families.map((f) => ({ f, re: templatePattern(f.template) }));
const found = new Map<string, { value: string; source: string }[]>();
for (const file of tests) {
  const src = git('show', `HEAD:${file}`);
  for (const lit of src.matchAll(LITERAL)) {
    const text = lit[1] ?? lit[2] ?? '';
    for (const run of text.matchAll(RUN)) {
      const value = run[0];
      if (value.length < 16 || PLACEHOLDER.test(value)) continue;
      for (const { f, re } of patterns) {
        if (!re.test(value)) continue;
        const list = found.get(f.family) ?? [];
        if (!list.some((x) => x.value === value))
          list.push({ value, source: `trufflehog ${commit.slice(0, 12)} ${file} (AGPL-3.0)` });
        found.set(f.family, list);
      }
    }
  }
}

/** Every text file under the excluded trees, to drop the samples they contain. */
function texts(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== 'node_modules') texts(p, out);
    } else if (e.isFile() && statSync(p).size < 4 << 20) out.push(readFileSync(p, 'latin1'));
  }
  return out;
}
const excluded = (args.exclude ?? []).flatMap((d) => texts(d));
let dropped = 0;
for (const [family, list] of found) {
  const kept = list.filter((s) => !excluded.some((t) => t.includes(s.value)));
  dropped += list.length - kept.length;
  found.set(family, kept);
}

const perFamily = Number(args['per-family']);
const lines: string[] = [];
for (const f of families)
  for (const s of (found.get(f.family) ?? []).slice(0, perFamily))
    lines.push(
      JSON.stringify({
        family: f.family,
        reversed: [...s.value].reverse().join(''),
        source: s.source,
      }),
    );
writeFileSync(args.out as string, `${lines.join('\n')}\n`);
const covered = [...found.values()].filter((l) => l.length > 0).length;
console.log(
  `${lines.length} published samples for ${covered} of ${families.length} families (${dropped} left out: found in an excluded tree) → ${args.out}`,
);
