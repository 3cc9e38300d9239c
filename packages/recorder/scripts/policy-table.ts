/**
 * Writes the generated sections of the recorder's README from the definitions they document:
 * each section sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`.
 *
 *   pnpm --filter @auditlane/recorder readme:policy            # write
 *   pnpm --filter @auditlane/recorder readme:policy --check    # fail when stale
 *
 * A new generated section is one more entry in `README_SECTIONS`.
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
import { DEFAULT_RULE_SET, type DefaultRule } from '../src/policy/defaults';
import type { PolicyVerdict } from '../src/policy/rules';
import { SHELL_ACTION_DESCRIPTIONS } from '../src/policy/shell-rules';
import { SIDE_EFFECT_FUNCTIONS } from '../src/policy/sql-functions';

export interface ReadmeSection {
  /** The marker name: `<!-- name:start -->` … `<!-- name:end -->`. */
  name: string;
  render: () => string;
}

const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');

function matches(rule: DefaultRule): string {
  const m = rule.match;
  const parts: string[] = [];
  if (m.sql) parts.push(`SQL ${code(m.sql)}`);
  if (m.shell) parts.push(`shell ${code(m.shell)}`);
  if (m.command) parts.push(`commands ${code(m.command)}`);
  if (m.tool) parts.push(`tools ${code(m.tool)}`);
  return parts.join('; ');
}

const cell = (v: PolicyVerdict) => (v === 'allow' ? '—' : `**${v}**`);

/** A Markdown table, columns padded as the formatter writes them. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The built-in rules × environments. */
export function renderDefaults(rules: readonly DefaultRule[] = DEFAULT_RULE_SET): string {
  const rows = rules.map((r) => [
    `\`${r.id}\``,
    r.title,
    matches(r),
    cell(r.production),
    cell(r.otherwise),
  ]);
  return `${table(['Rule', 'Catches', 'Matches', 'production', 'other environments'], rows)}\n\n— : the rule does not apply there. \`production\` also matches \`prod\`; a scope with no environment counts as another environment.`;
}

/** The shell classes the rules name. */
export function renderShellActions(): string {
  return Object.entries(SHELL_ACTION_DESCRIPTIONS)
    .map(([name, description]) => `- \`${name}\`: ${description}`)
    .join('\n');
}

/** The SQL functions that count as side effects. */
export function renderSideEffects(): string {
  return Object.entries(SIDE_EFFECT_FUNCTIONS)
    .map(([what, names]) => `- ${what}: ${code(names)}`)
    .join('\n');
}

function recordingConditions(rule: RecordingRule): string {
  const m = rule.match;
  const parts: string[] = [];
  if (m.environment) parts.push(`environment ${code(m.environment)}`);
  if (m.resource) parts.push(`resource ${code(m.resource)}`);
  if (m.resourceType) parts.push(`type ${code(m.resourceType)}`);
  return parts.length ? parts.join('; ') : 'every session';
}

/**
 * The built-in recording rules (of @auditlane/client) × the well-known environments: each cell
 * is the mode a rule gives there when it is the one that decides (the first that matches), `—`
 * otherwise; then what each mode means.
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
      recordingConditions(rule),
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

export const README_SECTIONS: readonly ReadmeSection[] = [
  { name: 'policy-defaults', render: () => renderDefaults() },
  { name: 'policy-shell-actions', render: renderShellActions },
  { name: 'policy-side-effects', render: renderSideEffects },
  { name: 'recording-defaults', render: () => renderRecordingDefaults() },
];

/** The README with every section rendered anew; throws when a section's markers are missing. */
export function updateReadme(
  text: string,
  sections: readonly ReadmeSection[] = README_SECTIONS,
): string {
  let out = text;
  for (const s of sections) {
    const start = `<!-- ${s.name}:start -->`;
    const end = `<!-- ${s.name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README: the markers ${start} … ${end} are missing`);
    out = `${out.slice(0, from + start.length)}\n${s.render()}\n${out.slice(to)}`;
  }
  return out;
}

export const README_PATH = fileURLToPath(new URL('../README.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const current = readFileSync(README_PATH, 'utf8');
  const next = updateReadme(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`${README_PATH} is stale: run pnpm --filter @auditlane/recorder readme:policy`);
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(README_PATH, next);
    console.log(`wrote ${README_PATH}`);
  }
}
