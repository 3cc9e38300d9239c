import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { rng } from '@auditlane/testing/random';

/**
 * The corpus of sample secrets: one format per family (bench/corpus/families.jsonl), written
 * from where the format is published (the provider's documentation, or an independent
 * scanner's detector where the provider publishes none), and samples generated from each
 * format with a seeded generator. No sample value is stored in the repository.
 */

/** A family's format: literal text and `{class:length}` or `{class:min-max}` random parts. */
export interface Family {
  family: string;
  template: string;
  /**
   * `format`: the value identifies itself (a prefix, a structure); measured in every context.
   * `keyword`: a bare value that looks like any hash or UUID (32 hex, a UUID); measured only
   * in contexts that name it (`name`), as nothing else tells it from ordinary data.
   */
  kind: 'format' | 'keyword';
  /** The variable name it goes by (keyword families). */
  name?: string;
  /** Public text the masker should leave (a URL's host): reported, not part of recall. */
  keep?: string;
  source: string;
}

/** A stretch of a sample: literal (public, e.g. a prefix) or drawn at random (the secret). */
export interface Part {
  text: string;
  random: boolean;
}

export interface Sample {
  family: string;
  /** `generated` from the format, or where a published sample comes from. */
  origin: string;
  kind: Family['kind'];
  name?: string;
  keep?: string;
  value: string;
  parts: Part[];
  multiline: boolean;
}

export interface Negative {
  value: string;
  /** `placeholder`, `documented-example` or `look-alike`. */
  kind: string;
  source: string;
}

const CLASSES: Record<string, string> = {
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  digit: '0123456789',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  alnumlow: 'abcdefghijklmnopqrstuvwxyz0123456789',
  alnumup: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  b32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export { rng };

/** A seed from a string, so each family's samples do not depend on the others. */
export function seedOf(text: string, seed: number): number {
  return (crc32(text) ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
}

/** GitHub's token checksum: CRC32 of the random part, base62, six characters. */
function githubChecksum(body: string): string {
  let n = crc32(body);
  let out = '';
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, '0');
}

const TOKEN = /\{(\w+)(?::(\d+)(?:-(\d+))?)?\}/g;

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const classRange = (chars: string) => `[${chars.replace(/[-\]\\^]/g, '\\$&')}]`;

/** A family's format as a regular expression that matches its whole values. */
export function templatePattern(template: string): RegExp {
  let re = '';
  let at = 0;
  for (const m of template.matchAll(TOKEN)) {
    re += escapeRe(template.slice(at, m.index));
    at = m.index + m[0].length;
    const cls = m[1] as string;
    if (cls === 'ghsum') re += '[0-9A-Za-z]{6}';
    else re += `${classRange(CLASSES[cls] ?? '')}{${m[2]}${m[3] ? `,${m[3]}` : ''}}`;
  }
  return new RegExp(`^${re}${escapeRe(template.slice(at))}$`);
}

/** The literal text a family's values start with (public: it names the format). */
export function literalPrefix(template: string): string {
  const m = TOKEN.exec(template);
  TOKEN.lastIndex = 0;
  return m ? template.slice(0, m.index) : template;
}

/** One sample of a family, drawn with `next`. */
export function generate(family: Family, next: () => number): Sample {
  const parts: Part[] = [];
  let at = 0;
  let drawn = '';
  for (const m of family.template.matchAll(TOKEN)) {
    if (m.index > at) parts.push({ text: family.template.slice(at, m.index), random: false });
    at = m.index + m[0].length;
    const cls = m[1] as string;
    if (cls === 'ghsum') {
      parts.push({ text: githubChecksum(drawn), random: true });
      continue;
    }
    const chars = CLASSES[cls];
    if (!chars || m[2] === undefined) throw new Error(`${family.family}: unknown part ${m[0]}`);
    const min = Number(m[2]);
    const max = m[3] === undefined ? min : Number(m[3]);
    const length = min + Math.floor(next() * (max - min + 1));
    let text = '';
    for (let i = 0; i < length; i++) text += chars[Math.floor(next() * chars.length)];
    drawn += text;
    parts.push({ text, random: true });
  }
  if (at < family.template.length) parts.push({ text: family.template.slice(at), random: false });
  const value = parts.map((p) => p.text).join('');
  return {
    family: family.family,
    origin: 'generated',
    kind: family.kind,
    name: family.name,
    keep: family.keep,
    value,
    parts,
    multiline: value.includes('\n'),
  };
}

function jsonl<T>(path: string | URL): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

const CORPUS_DIR = new URL('../../corpus/', import.meta.url);

export function loadFamilies(path: string | URL = new URL('families.jsonl', CORPUS_DIR)): Family[] {
  return jsonl<Family & { kind?: Family['kind'] }>(path).map((f) => ({
    ...f,
    kind: f.kind ?? 'format',
  }));
}

/** Negatives are stored reversed (so scanners and readers do not take them for live keys). */
export function loadNegatives(
  path: string | URL = new URL('negatives.jsonl', CORPUS_DIR),
): Negative[] {
  return jsonl<{ reversed: string; kind: string; source: string }>(path).map((n) => ({
    value: [...n.reversed].reverse().join(''),
    kind: n.kind,
    source: n.source,
  }));
}

/** A published sample of a family (stored reversed, like the negatives). */
export interface Published {
  family: string;
  value: string;
  source: string;
}

export function loadPublished(
  path: string | URL = new URL('published.jsonl', CORPUS_DIR),
): Published[] {
  return jsonl<{ family: string; reversed: string; source: string }>(path).map((p) => ({
    family: p.family,
    value: [...p.reversed].reverse().join(''),
    source: p.source,
  }));
}

/** A published sample as a sample: its format's literal prefix is public, the rest secret. */
export function fromPublished(family: Family, p: Published): Sample {
  const prefix = literalPrefix(family.template);
  const parts: Part[] = p.value.startsWith(prefix)
    ? [
        { text: prefix, random: false },
        { text: p.value.slice(prefix.length), random: true },
      ]
    : [{ text: p.value, random: true }];
  return {
    family: family.family,
    origin: p.source,
    kind: family.kind,
    name: family.name,
    keep: family.keep,
    value: p.value,
    parts: parts.filter((x) => x.text !== ''),
    multiline: p.value.includes('\n'),
  };
}

/**
 * `perFamily` generated samples of every family, the same for the same seed, and the
 * published samples of each family (those that match its format).
 */
export function samples(
  families: readonly Family[],
  perFamily: number,
  seed: number,
  published: readonly Published[] = [],
): Sample[] {
  const out: Sample[] = [];
  for (const f of families) {
    const next = rng(seedOf(f.family, seed));
    for (let i = 0; i < perFamily; i++) out.push(generate(f, next));
    for (const p of published) if (p.family === f.family) out.push(fromPublished(f, p));
  }
  return out;
}
