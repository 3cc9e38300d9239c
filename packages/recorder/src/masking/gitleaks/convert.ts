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

/**
 * Capture groups repeated by a quantifier (`([a-z0-9]{4}-){3}` in a UUID) made non-capturing:
 * gitleaks masks the first group that matched when a rule names none, and a repeated group holds
 * only its last repetition, so the rule's secret would be four characters of the UUID.
 */
export function uncaptureRepeats(source: string): string {
  const opens: number[] = [];
  const repeated = new Set<number>();
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') opens.push(i);
    else if (c === ')') {
      const open = opens.pop() as number;
      const next = source[i + 1];
      if (
        source[open + 1] !== '?' &&
        (next === '{' || next === '*' || next === '+' || next === '?')
      )
        repeated.add(open);
    }
  }
  let out = '';
  for (let i = 0; i < source.length; i++) out += repeated.has(i) ? '(?:' : source[i];
  return out;
}

/**
 * The literal a pattern starts with, in its case (`pat` of `\b(pat[A-Za-z0-9]{14}…`), when none of the rule's
 * keywords is in the pattern: gitleaks gates a rule by its keywords anywhere in a file, the
 * masker only on the keyword's line, so a token found without its provider's name needs its own
 * needle.
 */
export function leadingLiteral(source: string, keywords: readonly string[]): string | null {
  const lower = source.toLowerCase().replace(/\\/g, '');
  if (keywords.some((k) => lower.includes(k.toLowerCase()))) return null;
  const m = /^(?:\\b)?\(?((?:[A-Za-z0-9_-]|\\\.){3,})/.exec(source);
  if (!m) return null;
  const lead = (m[1] as string).replace(/\\\./g, '.');
  // Keywords that start as the pattern does (xoxo, xoxs of xox[os]-) already gate it.
  if (keywords.some((k) => k.toLowerCase().startsWith(lead.slice(0, 3).toLowerCase()))) return null;
  return lead;
}

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

/** Shortest leading literal made a needle; a shorter one is tried at token runs instead. */
const MIN_NEEDLE = 4;

function needles(keywords: readonly string[], pattern: string): string[] {
  const out = keywords.map((k) => k.toLowerCase());
  const lead = leadingLiteral(pattern, keywords);
  if (lead && lead.length >= MIN_NEEDLE && !out.includes(lead.toLowerCase()))
    out.push(lead.toLowerCase());
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
      pattern = uncaptureRepeats(re2ToJs(stripNamePrefix(r.regex)));
    } catch (error) {
      throw new Error(`gitleaks rule ${r.id}: ${(error as Error).message}`);
    }
    const lead = leadingLiteral(pattern, r.keywords ?? []);
    const fields = [
      `id: ${JSON.stringify(r.id)}`,
      `needles: ${JSON.stringify(needles(r.keywords ?? [], pattern))}`,
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
    // A match starts at the leading literal only: tried there, not over the line.
    if (lead && lead.length >= MIN_NEEDLE) fields.push('anchored: true');
    else if (lead) fields.push(`runPrefixes: ${JSON.stringify([lead])}`);
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
