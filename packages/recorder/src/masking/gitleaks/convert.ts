/**
 * The vendored gitleaks configuration (gitleaks.toml, parsed) → the source of `rules.ts`.
 * Run by `generate.ts`; its test checks that `rules.ts` is what this produces from the file.
 *
 * Kept from each rule: id, keywords (the prefilter's needles), regex (converted by `re2ToJs`),
 * secretGroup, entropy, and the allowlists a text without a file path can satisfy (regexes with
 * their target, stopwords). Skipped: rules that need a file path (`path`), or have no regex.
 */
import { re2ToJs } from './re2';

export interface GitleaksAllowlist {
  description?: string;
  condition?: string;
  regexTarget?: string;
  regexes?: string[];
  stopwords?: string[];
  paths?: string[];
  commits?: string[];
}

export interface GitleaksRule {
  id: string;
  description?: string;
  regex?: string;
  path?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  allowlists?: GitleaksAllowlist[];
}

export interface GitleaksConfig {
  allowlist?: GitleaksAllowlist;
  rules: GitleaksRule[];
}

/** The shape most keyword rules share: keyword, up to 20 name characters, then an operator. */
const ASSIGNMENT = `(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)`;

/** Our settings for some rules, by id: `userinfo` masks the password of user:password only. */
const OVERRIDES: Record<string, string[]> = {
  'curl-auth-user': ['userinfo: true'],
};

/** The optional name before a keyword some rules start with: it moves the match's start only. */
const NAME_PREFIX = '[\\w.-]{0,50}?';
const LOOSE_ASSIGNMENT = [
  `(?:[ \\t\\w.-]{0,20})[\\s'"]{0,3}`,
  '(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)',
];

/**
 * Drops leading NAME_PREFIX repeats (also inside a leading `(?i:`): they cannot change the
 * secret, only where the match starts, and two of them in a row cost 2,500 steps a position in
 * a backtracking engine. The masker extends a match over such a name for `match` allowlists.
 */
export function stripNamePrefix(regex: string): string {
  let flag = '';
  let rest = regex;
  if (rest.startsWith('(?i)')) {
    flag = '(?i)';
    rest = rest.slice(4);
  }
  for (;;) {
    if (rest.startsWith(NAME_PREFIX)) rest = rest.slice(NAME_PREFIX.length);
    else if (rest.startsWith(`(?i:${NAME_PREFIX}`))
      rest = `(?i:${rest.slice(4 + NAME_PREFIX.length)}`;
    else break;
  }
  return flag + rest;
}

const literal = (source: string, flags = '') => `/${source}/${flags}`;

function allowlists(list: GitleaksAllowlist[] | undefined): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    // Paths and commits cannot match text that has neither; with AND they block the list.
    if ((a.paths?.length || a.commits?.length) && a.condition === 'AND') continue;
    const regexes = (a.regexes ?? []).map((r) => literal(re2ToJs(r)));
    const stopwords = a.stopwords ?? [];
    if (regexes.length === 0 && stopwords.length === 0) continue;
    const parts = [`target: '${a.regexTarget ?? 'secret'}'`];
    if (regexes.length) parts.push(`regexes: [${regexes.join(', ')}]`);
    if (stopwords.length)
      parts.push(`stopwords: ${JSON.stringify(stopwords.map((s) => s.toLowerCase()))}`);
    out.push(`{ ${parts.join(', ')} }`);
  }
  return out;
}

/** TypeScript source of the generated rules module. */
export function generateRules(config: GitleaksConfig, version: string): string {
  const rules: string[] = [];
  const skipped: string[] = [];
  for (const r of config.rules) {
    if (!r.regex || r.path) {
      skipped.push(`${r.id} (${r.path ? 'needs a file path' : 'no regex'})`);
      continue;
    }
    let pattern: string;
    try {
      pattern = re2ToJs(stripNamePrefix(r.regex));
    } catch (error) {
      throw new Error(`gitleaks rule ${r.id}: ${(error as Error).message}`);
    }
    const fields = [
      `id: ${JSON.stringify(r.id)}`,
      `needles: ${JSON.stringify((r.keywords ?? []).map((k) => k.toLowerCase()))}`,
      'caseInsensitive: true',
      `pattern: ${literal(pattern, 'g')}`,
    ];
    if (r.secretGroup) fields.push(`secretGroup: ${r.secretGroup}`);
    if (r.entropy) fields.push(`entropy: ${r.entropy}`);
    if (r.regex.includes(ASSIGNMENT) || LOOSE_ASSIGNMENT.every((p) => r.regex?.includes(p)))
      fields.push('assignment: true');
    if (/\(\?[a-z]*s|\[\\s\\S/.test(r.regex)) fields.push('multiline: true');
    const allow = allowlists(r.allowlists);
    if (allow.length) fields.push(`allow: [${allow.join(', ')}]`);
    if (r.id.startsWith('generic')) fields.push('generic: true');
    fields.push(...(OVERRIDES[r.id] ?? []));
    fields.push('extend: true');
    fields.push(`source: 'gitleaks ${version}'`);
    rules.push(`  { ${fields.join(', ')} },`);
  }
  const global = allowlists(config.allowlist ? [config.allowlist] : []);
  return `// Generated from gitleaks.toml (gitleaks ${version}, MIT, see LICENSE) by generate.ts.
// Do not edit: replace gitleaks.toml and run \`pnpm --filter @auditlane/recorder generate:rules\`.
// Skipped (they need a file path or have no regex): ${skipped.join(', ') || 'none'}.
// biome-ignore-all format: generated
// biome-ignore-all lint: generated
import type { Allowlist, Detector } from '../detectors';

export const GITLEAKS_VERSION = '${version}';

/** The global allowlist: applies to every rule's secret. */
export const GITLEAKS_ALLOWLIST: readonly Allowlist[] = [${global.join(', ')}];

export const GITLEAKS_RULES: readonly Detector[] = [
${rules.join('\n')}
];
`;
}
