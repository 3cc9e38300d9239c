import { type Masker, MaskTally } from '@auditlane/recorder';
import { CONTEXTS, type Context } from './contexts';
import {
  type Family,
  loadFamilies,
  loadNegatives,
  loadPublished,
  type Negative,
  type Part,
  type Published,
  rng,
  type Sample,
  samples,
} from './corpus';
import { type OrdinarySet, ordinaryOutput } from './ordinary';

/**
 * The criterion. A sample is fully masked in a context when no run of `t` consecutive
 * characters of it, at least half of them from its random (secret) part, is left in what the
 * masker returned, with t = min(8, ⌈n/3⌉) and n the number of random characters. The literal
 * parts of a format (`ghp_`, `AccountKey=`, a URL's host) are public and may stay.
 */
export function window(sample: Pick<Sample, 'parts'>): number {
  const n = sample.parts.reduce((a, p) => a + (p.random ? p.text.length : 0), 0);
  return Math.max(1, Math.min(8, Math.ceil(n / 3)));
}

/** The first run of the sample left visible in `output`, or null when it is fully masked. */
export function leak(parts: readonly Part[], t: number, output: string): string | null {
  const text = parts.map((p) => p.text).join('');
  const random: boolean[] = [];
  for (const p of parts) for (let i = 0; i < p.text.length; i++) random.push(p.random);
  const need = Math.ceil(t / 2);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (random[i]) count++;
    if (i >= t && random[i - t]) count--;
    if (i >= t - 1 && count >= need) {
      const run = text.slice(i - t + 1, i + 1);
      if (output.includes(run)) return run;
    }
  }
  return null;
}

export interface FamilyResult {
  family: string;
  kind: Family['kind'];
  /** Context id → [masked placements, placements]. */
  contexts: Record<string, [number, number]>;
  /** Contexts where some sample was not fully masked. */
  failing: string[];
  /** Samples measured, and how many of them are published ones. */
  samples: number;
  published: number;
  /** Families with public text to keep (a URL's host): [placements that kept it, placements]. */
  kept?: [number, number];
}

export interface FalsePositiveResult {
  category: string;
  source: string;
  lines: number;
  altered: number;
  /** Lines whose only change is personal data (e-mail addresses), which is masked by design. */
  personal: number;
  /** A few of the altered inputs (ordinary output and negatives are no secrets). */
  examples: string[];
  /** The masker's rules that altered them (the names its tally counts), and how often. */
  rules: Record<string, number>;
}

export interface Report {
  families: FamilyResult[];
  contexts: readonly Context[];
  /** Fraction of families fully masked in every context that applies to them. */
  recall: number;
  ordinary: FalsePositiveResult[];
  ordinaryRate: number;
  negatives: FalsePositiveResult[];
  negativeRate: number;
}

export interface MeasureOptions {
  perFamily?: number;
  seed?: number;
  /** Lines at most per ordinary-output set. */
  ordinaryLines?: number;
  families?: readonly Family[];
  negatives?: readonly Negative[];
  /** Published samples measured beside the generated ones (default: bench/corpus/published.jsonl). */
  published?: readonly Published[];
  ordinary?: readonly OrdinarySet[];
}

/** Contexts that apply to a sample: named ones always, neutral ones for self-identifying formats. */
export function contextsFor(sample: Pick<Sample, 'kind' | 'multiline'>): Context[] {
  return CONTEXTS.filter(
    (c) =>
      (c.naming === 'named' || sample.kind === 'format') && !(c.singleLine && sample.multiline),
  );
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** Whether every change masks an e-mail address (personal data, masked on purpose). */
function onlyPersonal(input: string, output: string): boolean {
  if (input.length !== output.length) return false;
  const tokens = [...input.matchAll(/[^\s<>()"',;]+/g)];
  for (const t of tokens) {
    const start = t.index;
    const end = start + t[0].length;
    if (input.slice(start, end) === output.slice(start, end)) continue;
    if (!EMAIL.test(t[0].replace(/^mailto:/, ''))) return false;
  }
  return true;
}

function falsePositives(
  masker: Masker,
  category: string,
  source: string,
  lines: readonly string[],
): FalsePositiveResult {
  let altered = 0;
  let personal = 0;
  const examples: string[] = [];
  const rules: Record<string, number> = {};
  for (const line of lines) {
    const tally = new MaskTally();
    const out = masker.text(line, tally);
    if (out === line) continue;
    if (onlyPersonal(line, out)) personal++;
    else {
      altered++;
      if (examples.length < 5) examples.push(line);
      for (const n of tally.names) rules[n] = (rules[n] ?? 0) + 1;
    }
  }
  return { category, source, lines: lines.length, altered, personal, examples, rules };
}

/** Negative examples placed where a secret would be; a change is a false positive. */
function negativeResults(masker: Masker, negatives: readonly Negative[]): FalsePositiveResult[] {
  const byKind = new Map<string, FalsePositiveResult>();
  for (const n of negatives) {
    const r = byKind.get(n.kind) ?? {
      category: n.kind,
      source: 'bench/corpus/negatives.jsonl',
      lines: 0,
      altered: 0,
      personal: 0,
      examples: [],
      rules: {},
    };
    byKind.set(n.kind, r);
    const v = n.value;
    const placements: [unknown, unknown][] = [
      [`\x1b[32mINFO\x1b[0m response body: ${v} (200, 12 ms)`, null],
      [`export FOO=${JSON.stringify(v)}`, null],
      [null, { body: { data: v, note: `see ${v}` } }],
      [null, [[42, v]]],
    ];
    // After a credential's flag or header any opaque value is taken as the credential; there
    // only placeholders and documented examples must stay (a URL does not go there).
    if (n.kind !== 'look-alike' && !v.includes('://'))
      placements.push(
        [`deploy-tool push --api-key ${v} --region eu-west-1`, null],
        [`curl -sS -H "Authorization: Bearer ${v}" https://api.example.com/v1/me`, null],
      );
    for (const [line, json] of placements) {
      r.lines++;
      let same: boolean;
      const tally = new MaskTally();
      if (typeof line === 'string') same = masker.text(line, tally) === line;
      else if (Array.isArray(json))
        same =
          JSON.stringify(
            masker.rows([{ name: 'id' }, { name: 'value' }], json as unknown[][], tally),
          ) === JSON.stringify(json);
      else same = JSON.stringify(masker.value(json, tally)) === JSON.stringify(json);
      if (!same) {
        for (const name of tally.names) r.rules[name] = (r.rules[name] ?? 0) + 1;
        r.altered++;
        const shown = typeof line === 'string' ? line : JSON.stringify(json);
        if (r.examples.length < 40) r.examples.push(shown);
      }
    }
  }
  return [...byKind.values()];
}

/** Recall per family × context and false positives, for maskers made by `make`. */
export function measure(make: () => Masker, options: MeasureOptions = {}): Report {
  const perFamily = options.perFamily ?? 3;
  const seed = options.seed ?? 14;
  const families = options.families ?? loadFamilies();
  const masker = make();
  const next = rng(seed);
  const results = new Map<string, FamilyResult>();
  const published = options.published ?? loadPublished();
  for (const s of samples(families, perFamily, seed, published)) {
    let r = results.get(s.family);
    if (!r) {
      r = { family: s.family, kind: s.kind, contexts: {}, failing: [], samples: 0, published: 0 };
      results.set(s.family, r);
    }
    r.samples++;
    if (s.origin !== 'generated') r.published++;
    const t = window(s);
    const name = s.name ?? 'api_token';
    for (const c of contextsFor(s)) {
      const parts = c.encode
        ? s.parts.map((p) => ({ ...p, text: (c.encode as (v: string) => string)(p.text) }))
        : s.parts;
      const placed = parts.map((p) => p.text).join('');
      // A fresh masker per stream: a StreamMasker keeps state, a Masker must not.
      const output = c.place(c.id === 'terminal-split' ? make() : masker, placed, name, next());
      const cell = r.contexts[c.id] ?? [0, 0];
      cell[1]++;
      if (leak(parts, t, output) === null) cell[0]++;
      else if (!r.failing.includes(c.id)) r.failing.push(c.id);
      r.contexts[c.id] = cell;
      // Over-masking: a URL's host is no secret (neutral contexts; a named value may go whole).
      if (s.keep && c.naming === 'neutral') {
        r.kept ??= [0, 0];
        r.kept[1]++;
        if (output.includes(s.keep)) r.kept[0]++;
      }
    }
  }
  const familyResults = [...results.values()];
  const ordinary = (options.ordinary ?? ordinaryOutput(options.ordinaryLines ?? 300, seed)).map(
    (s) => falsePositives(masker, s.category, s.source, s.lines),
  );
  const negatives = negativeResults(masker, options.negatives ?? loadNegatives());
  const rate = (rs: FalsePositiveResult[]) =>
    rs.reduce((a, r) => a + r.altered, 0) /
    Math.max(
      1,
      rs.reduce((a, r) => a + r.lines, 0),
    );
  return {
    families: familyResults,
    contexts: CONTEXTS,
    recall:
      familyResults.filter((f) => f.failing.length === 0).length /
      Math.max(1, familyResults.length),
    ordinary,
    ordinaryRate: rate(ordinary),
    negatives,
    negativeRate: rate(negatives),
  };
}
