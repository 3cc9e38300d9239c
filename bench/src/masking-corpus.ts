import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Masker } from '@auditlane/recorder';
import { loadFamilies } from './masking/corpus';
import { type FalsePositiveResult, measure, type Report } from './masking/measure';

/**
 * Masking recall per secret family in every context the recorder sees, and false positives on
 * ordinary output and on the corpus' negative examples. See bench/README.md.
 *
 *   pnpm --filter @auditlane/bench masking [--samples N] [--seed S] [--markdown FILE] [--json]
 */
const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '3' },
    seed: { type: 'string', default: '14' },
    markdown: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const SHORT: Record<string, string> = {
  terminal: 'term',
  'terminal-split': 'split',
  'json-input': 'j-in',
  'json-output': 'j-out',
  'sql-cell': 'sql',
  'cmd-export': 'expo',
  'cmd-stdin': 'stdin',
  'json-named': 'j-nam',
  'sql-named': 'sql-n',
  'terminal-named': 'term-n',
  'cmd-export-named': 'expo-n',
  'cmd-flag': 'flag',
  'cmd-bearer': 'bearer',
  'url-query': 'url',
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function familyTable(r: Report): string {
  const ids = r.contexts.map((c) => c.id);
  const heads = ids.map((id) => SHORT[id] ?? id);
  const width = Math.max(...r.families.map((f) => f.family.length), 6);
  const out = [`${'family'.padEnd(width)}  kind     ${heads.map((h) => h.padStart(6)).join(' ')}`];
  for (const f of r.families) {
    const cells = ids.map((id, i) => {
      const c = f.contexts[id];
      const w = Math.max(6, (heads[i] as string).length);
      if (!c) return '·'.padStart(w);
      return (c[0] === c[1] ? 'ok' : `${Math.round((100 * c[0]) / c[1])}%`).padStart(w);
    });
    out.push(`${f.family.padEnd(width)}  ${f.kind.padEnd(7)}  ${cells.join(' ')}`);
  }
  return out.join('\n');
}

function contextSummary(r: Report): string {
  return r.contexts
    .map((c) => {
      const applies = r.families.filter((f) => f.contexts[c.id]);
      const ok = applies.filter((f) => {
        const cell = f.contexts[c.id] as [number, number];
        return cell[0] === cell[1];
      });
      return `  ${c.id.padEnd(18)} ${c.naming.padEnd(8)} ${String(ok.length).padStart(4)}/${String(applies.length).padEnd(4)} families fully masked (${pct(ok.length / Math.max(1, applies.length))})`;
    })
    .join('\n');
}

/** Which of the masker's rules made the false positives, most first. */
function byRule(rows: FalsePositiveResult[]): string {
  const total: Record<string, number> = {};
  for (const r of rows)
    for (const [k, n] of Object.entries(r.rules)) total[k] = (total[k] ?? 0) + n;
  const list = Object.entries(total).sort((a, b) => b[1] - a[1]);
  return list.length ? list.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

function fpTable(rows: FalsePositiveResult[]): string {
  const width = Math.max(...rows.map((r) => r.category.length), 8);
  return rows
    .map(
      (r) =>
        `  ${r.category.padEnd(width)} ${String(r.altered).padStart(4)}/${String(r.lines).padEnd(5)} altered (${pct(r.altered / Math.max(1, r.lines))})${r.personal ? `, ${r.personal} more only for e-mail addresses` : ''}  — ${r.source}`,
    )
    .join('\n');
}

/** A line for a Markdown code span: escaped, clipped. */
function shown(line: string): string {
  const clipped = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return JSON.stringify(clipped).slice(1, -1).replace(/`/g, "'");
}

/** Family names and failing contexts only: never a sample value. */
export function markdown(r: Report, note: string): string {
  const failing = r.families.filter((f) => f.failing.length > 0);
  const lines = [
    '# Masking corpus results',
    '',
    note,
    '',
    `- Families fully masked in every context: ${r.families.length - failing.length}/${r.families.length} (${pct(r.recall)}); aim ≥ 98%`,
    `- Held-out families (not listed here): ${pct(holdout.recall)} fully masked in every context`,
    `- False positives on ordinary output: ${pct(r.ordinaryRate)} of lines; on the corpus negatives: ${pct(r.negativeRate)} of placements; aim ≤ 2% each`,
    '',
    '## Families not fully masked (contexts that fail)',
    '',
    'Contexts (bench/src/masking/contexts.ts): terminal = `text()` of a coloured log line `… response body: X (200, 12 ms)`; terminal-split = the same through `stream()` cut inside X; json-input = `value({method, url, body: {data: X, items: [{id, note: X}]}})`; json-output = `value({content: [{type: "text", text: "Created.\\nX\\n"}]})`; sql-cell = `rows()` with columns id, value, note (`rotated to X yesterday`); cmd-export = `export FOO=X`; cmd-stdin = `echo X | gh auth login --with-token`; json-named = `value({env: {NAME: X}, settings: {api_key: X}})`; sql-named = a column named NAME; terminal-named = `WARN loaded NAME=X from .env`; cmd-export-named = `export NAME=X`; cmd-flag = `deploy-tool push --api-key X --region eu-west-1`; cmd-bearer = `curl -sS -H "Authorization: Bearer X" https://…`; url-query = `GET https://api.example.com/v1/status?key=<X URL-encoded>&verbose=1`. Keyword families (bare hex/UUID values) are placed only in the named contexts; NAME is the family\'s variable name (e.g. TWILIO_AUTH_TOKEN), API_TOKEN for the others.',
    '',
    '| family | kind | failing contexts |',
    '| --- | --- | --- |',
    ...failing.map((f) => `| ${f.family} | ${f.kind} | ${f.failing.join(', ')} |`),
    '',
    '## URL credentials: host masked along with the password',
    '',
    ...r.families
      .filter((f) => f.kept && f.kept[0] < f.kept[1])
      .map((f) => `- ${f.family}: host kept in ${f.kept?.[0]}/${f.kept?.[1]} neutral placements`),
    '',
    '## False positives',
    '',
    `Masker rules behind them: ordinary output: ${byRule(r.ordinary)}; negatives: ${byRule(r.negatives)}.`,
    '',
    '| set | altered / lines |',
    '| --- | --- |',
    ...[
      ...r.ordinary,
      ...r.negatives.map((n) => ({ ...n, category: `negatives: ${n.category}` })),
    ].map((o) => `| ${o.category} | ${o.altered}/${o.lines} |`),
    '',
    '## Altered lines (ordinary output and negatives hold no secret)',
    '',
    ...[...r.ordinary, ...r.negatives.map((n) => ({ ...n, category: `negatives: ${n.category}` }))]
      .filter((o) => o.examples.length > 0)
      .flatMap((o) => [`- ${o.category}:`, ...o.examples.map((e) => `  - \`${shown(e)}\``)]),
    '',
  ];
  return lines.join('\n');
}

const perFamily = Number(args.samples);
const seed = Number(args.seed);
const started = performance.now();
const report = measure(() => new Masker(), { perFamily, seed });
const ms = performance.now() - started;
// Families added after the masker's formats were last written from the results: how it does on
// formats it was not tuned to. Printed here only; the results file gets the figure alone.
const holdout = measure(() => new Masker(), {
  perFamily,
  seed,
  families: loadFamilies(new URL('../corpus/families-holdout.jsonl', import.meta.url)),
  published: [],
  negatives: [],
  ordinary: [],
});
const holdoutMissed = holdout.families.filter((f) => f.failing.length > 0);

if (args.json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const families = loadFamilies();
  const byKind = (k: string) => report.families.filter((f) => f.kind === k);
  const okOf = (fs: typeof report.families) => fs.filter((f) => f.failing.length === 0).length;
  const published = report.families.reduce((a, f) => a + f.published, 0);
  console.log(
    `masking corpus: ${families.length} families (${byKind('format').length} self-identifying formats, ${byKind('keyword').length} named only), ${perFamily} generated samples each (seed ${seed}) and ${published} published samples of ${report.families.filter((f) => f.published > 0).length} families; ${report.contexts.length} contexts; ${ms.toFixed(0)} ms\n`,
  );
  console.log(
    'masked fraction per family × context (ok = every sample fully masked, · = not placed there)\n',
  );
  console.log(familyTable(report));
  console.log('\nper context:');
  console.log(contextSummary(report));
  console.log(
    `\nfamilies fully masked in every context: ${okOf(report.families)}/${report.families.length} (${pct(report.recall)}) — aim ≥ 98%`,
  );
  for (const k of ['format', 'keyword'])
    console.log(`  ${k}: ${okOf(byKind(k))}/${byKind(k).length}`);
  const keeps = report.families.filter((f) => f.kept);
  const kept = keeps.reduce((a, f) => a + (f.kept?.[0] ?? 0), 0);
  const keepTotal = keeps.reduce((a, f) => a + (f.kept?.[1] ?? 0), 0);
  console.log(
    `\nURL credentials: host kept in ${kept}/${keepTotal} neutral placements${
      kept < keepTotal
        ? ` (masked in: ${keeps
            .filter((f) => f.kept && f.kept[0] < f.kept[1])
            .map((f) => f.family)
            .join(', ')})`
        : ''
    }`,
  );
  console.log(
    `\nheld-out families (bench/corpus/families-holdout.jsonl): ${holdout.families.length - holdoutMissed.length}/${holdout.families.length} fully masked in every context (${pct(holdout.recall)})${holdoutMissed.length ? `; missed: ${holdoutMissed.map((f) => `${f.family} (${f.failing.join(', ')})`).join('; ')}` : ''}`,
  );
  console.log('\nfalse positives on ordinary output (lines altered):');
  console.log(fpTable(report.ordinary));
  console.log(
    `  all: ${pct(report.ordinaryRate)} — aim ≤ 2%; by masker rule: ${byRule(report.ordinary)}`,
  );
  console.log('\nfalse positives on the corpus negatives (placements altered):');
  console.log(fpTable(report.negatives));
  console.log(
    `  all: ${pct(report.negativeRate)} — aim ≤ 2%; by masker rule: ${byRule(report.negatives)}`,
  );
}

if (args.markdown) {
  writeFileSync(
    args.markdown,
    markdown(
      report,
      `Measured ${new Date().toISOString()} with \`pnpm --filter @auditlane/bench masking --samples ${perFamily} --seed ${seed}\`.`,
    ),
  );
}
