/**
 * Writes (default) or checks (--check) the recording rules section of the recorder's README,
 * between `<!-- recording-defaults:start -->` and `<!-- recording-defaults:end -->`, from the
 * rule definitions (DEFAULT_RECORDING_RULES and RECORD_MODE_MEANING of @auditlane/client).
 *
 *   pnpm --filter @auditlane/recorder readme:recording           # write
 *   pnpm --filter @auditlane/recorder readme:recording --check   # fail when stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DEFAULT_RECORDING_RULES,
  KNOWN_ENVIRONMENTS,
  RECORD_MODE_MEANING,
  RECORD_MODES,
  type RecordingRule,
  recordingRuleMatches,
} from '@auditlane/client';

export const SECTION = 'recording-defaults';

const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');

function conditions(rule: RecordingRule): string {
  const m = rule.match;
  const parts: string[] = [];
  if (m.environment) parts.push(`environment ${code(m.environment)}`);
  if (m.resource) parts.push(`resource ${code(m.resource)}`);
  if (m.resourceType) parts.push(`type ${code(m.resourceType)}`);
  return parts.length ? parts.join('; ') : 'every session';
}

/** A Markdown table, columns padded as the formatter writes them. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The built-in recording rules × the well-known environments: each cell is the mode a rule
 * gives there when it is the one that decides (the first that matches), `—` otherwise; then
 * what each mode means.
 */
export function renderRecordingDefaults(
  rules: readonly RecordingRule[] = DEFAULT_RECORDING_RULES,
): string {
  const envs = [...KNOWN_ENVIRONMENTS];
  const deciding = (env: string) =>
    rules.find((r) => recordingRuleMatches(r, { environment: env }));
  const ruleTable = table(
    ['Rule', 'Applies to', ...envs, 'Why'],
    rules.map((rule) => [
      `\`${rule.id}\``,
      conditions(rule),
      ...envs.map((env) => (deciding(env) === rule ? `**${rule.record}**` : '—')),
      rule.reason ?? '',
    ]),
  );
  const modes = table(
    ['record', 'What it means'],
    RECORD_MODES.map((mode) => [`\`${mode}\``, RECORD_MODE_MEANING[mode]]),
  );
  return `${ruleTable}\n\n— : another rule decides there. \`production\` also matches \`prod\`.\n\n${modes}`;
}

/** The README with the section rendered anew; throws when its markers are missing. */
export function updateRecordingSection(text: string): string {
  const start = `<!-- ${SECTION}:start -->`;
  const end = `<!-- ${SECTION}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README: the markers ${start} … ${end} are missing`);
  return `${text.slice(0, from + start.length)}\n${renderRecordingDefaults()}\n${text.slice(to)}`;
}

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const current = readFileSync(README_PATH, 'utf8');
  const next = updateRecordingSection(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`${README_PATH} is stale: run scripts/recording-table.ts`);
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(README_PATH, next);
    console.log(`wrote ${README_PATH}`);
  }
}
