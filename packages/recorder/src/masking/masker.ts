import { type Allowlist, DEFAULT_DETECTORS, type Detector } from './detectors';
import { looksPrefixedRandom, looksRandom, shannonEntropy } from './entropy';
import { GITLEAKS_ALLOWLIST } from './gitleaks/rules';
import { isPlaceholder } from './placeholders';
import { type Needle, Prefilter, type Scan, TOKEN_CHARS } from './prefilter';

const NAME_CHAR = /[\w.-]/;

/**
 * Whether a text contains one of many words (cheap to make): a set of the words, their lengths,
 * and the set of their first three characters, tested before any longer slice.
 */
class Stopwords {
  private readonly words: Set<string>;
  private readonly lengths: number[];
  private readonly starts: Set<string>;
  private readonly short: string[];
  constructor(words: readonly string[]) {
    this.words = new Set(words.map((w) => w.toLowerCase()));
    this.lengths = [...new Set([...this.words].map((w) => w.length))]
      .filter((n) => n >= 3)
      .sort((a, b) => a - b);
    this.starts = new Set([...this.words].filter((w) => w.length >= 3).map((w) => w.slice(0, 3)));
    this.short = [...this.words].filter((w) => w.length < 3);
  }
  in(text: string): boolean {
    const lower = text.toLowerCase();
    for (const w of this.short) if (lower.includes(w)) return true;
    for (let i = 0; i + 3 <= lower.length; i++) {
      if (!this.starts.has(lower.slice(i, i + 3))) continue;
      for (const n of this.lengths) {
        if (i + n > lower.length) break;
        if (this.words.has(lower.slice(i, i + n))) return true;
      }
    }
    return false;
  }
}

/** %XX escapes decoded (a URL-encoded value), the rest as it is. */
function percentDecoded(value: string): string {
  return value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** An identifier or a dotted path of them (get_secret_key, request.headers). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;

/** Whether the secret is an identifier that a call or an index follows: code, not a value. */
function codeAt(region: string, end: number, secret: string): boolean {
  const next = region.charCodeAt(end);
  return (
    (next === 40 || next === 91) &&
    IDENTIFIER.test(secret) &&
    !looksRandom(secret) &&
    !looksPrefixedRandom(secret)
  );
}

/**
 * Where the password is in a value that is a URL with credentials (`scheme://user:pw@host…`,
 * also URL-encoded): [start, end) in the value, the user too when there is no password; null
 * when the value is not such a URL.
 */
export function urlPassword(value: string): [number, number] | null {
  const scheme = /^[A-Za-z](?:[A-Za-z0-9+.-]|%2B){1,30}(?::\/\/|%3A%2F%2F)/i.exec(value);
  if (!scheme) return null;
  const from = scheme[0].length;
  const rest = value.slice(from);
  const at = /@|%40/i.exec(rest);
  if (!at) return null;
  const userinfo = rest.slice(0, at.index);
  if (/[/?#]|%2F/i.test(userinfo)) return null;
  const colon = /:|%3A/i.exec(userinfo);
  if (!colon) return userinfo.length > 0 ? [from, from + at.index] : null;
  const start = from + colon.index + colon[0].length;
  return start < from + at.index ? [start, from + at.index] : null;
}

/** A range to mask: start, end, detector id, rank. */
type Range = [number, number, string, number];

function allowed(
  lists: readonly Allowlist[],
  secret: string,
  match: string,
  region: string,
  at: number,
  stopwords: (words: readonly string[]) => Stopwords,
): boolean {
  for (const a of lists) {
    let target = secret;
    if (a.target === 'match') {
      // With the name before it (the rules' leading name part is not matched, see convert.ts).
      let start = at;
      while (start > 0 && at - start < 50 && NAME_CHAR.test(region[start - 1] as string)) start--;
      target = region.slice(start, at) + match;
    } else if (a.target === 'line') {
      // The match's line, within a bounded distance of it.
      const from = Math.max(0, at - 1024);
      const window = region.slice(from, Math.min(region.length, at + match.length + 1024));
      const start = window.lastIndexOf('\n', at - from) + 1;
      const end = window.indexOf('\n', at - from + match.length);
      target = window.slice(start, end === -1 ? window.length : end);
    }
    if (a.regexes) for (const r of a.regexes) if (r.test(target)) return true;
    if (a.stopwords && stopwords(a.stopwords).in(secret)) return true;
  }
  return false;
}

export interface MaskingOptions {
  /**
   * Field or column names masked whole, beside the defaults (password, token, email, ssn, card,
   * iban, phone, ...). A string matches a name's words (`card` matches `card_number` and
   * `cardNumber`); a RegExp is tested on the name as it is.
   */
  fields?: readonly (string | RegExp)[];
  /** Keep the default field names. Default true. */
  defaultFields?: boolean;
  /** Value detectors. Default: DEFAULT_DETECTORS. */
  detectors?: readonly Detector[];
}

/** What one masking pass removed: how many values, and which fields or detectors caught them. */
export class MaskTally {
  count = 0;
  readonly names = new Set<string>();
  add(name: string, n = 1): void {
    this.count += n;
    this.names.add(name);
  }
}

/** Words of a field name that make it sensitive; compounds are matched on joined words. */
const FIELD_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'authorization',
  'auth',
  'cookie',
  'credential',
  'credentials',
  // A personal access token (AZURE_DEVOPS_PAT, github_pat), app and admin keys (DATADOG_APP_KEY).
  'pat',
  'appkey',
  'adminkey',
  'ssn',
  'socialsecurity',
  'card',
  'cardnumber',
  'ccnumber',
  'pan',
  'cvv',
  'cvc',
  'iban',
  'email',
  'mail',
  'phone',
  'mobile',
  'dob',
  'birthdate',
  'dateofbirth',
]);

/** Also matched at the end of a word: PGPASSWORD, clientSecret → clientsecret, csrftoken. */
const SUFFIX_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'appkey',
  'adminkey',
  'masterkey',
  'signingkey',
  'encryptionkey',
];

/** Last words that make a name describe the value (masked fields keep these). */
const DESCRIPTOR_WORDS = new Set([
  'verified',
  'confirmed',
  'enabled',
  'disabled',
  'count',
  'method',
  'type',
  'kind',
  'at',
  'id',
  'ids',
  'length',
  'status',
  'exists',
  'required',
  'set',
  'changed',
  'expires',
  'expiry',
]);

const MASK = '****';

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What the masker keeps per detector. */
interface Compiled {
  detector: Detector;
  /** The pattern with match indices (`d`), made on first use. */
  indexed?: RegExp;
  /** The same, sticky (an anchored detector tried at its needles). */
  sticky?: RegExp;
  /** Position among the detectors: the earlier one names a range both found. */
  rank: number;
}

/**
 * Whether an assignment follows `at`: up to 48 name characters ([ \t\w.-]), up to 3 spaces or
 * quotes, then an operator (= > : , || ?=), the shape the ruleset's keyword rules share.
 */
function assignmentAt(value: string, at: number): boolean {
  let i = at;
  const nameEnd = Math.min(value.length, at + 48);
  for (; i < nameEnd; i++) {
    const c = value.charCodeAt(i);
    if (!(c < 128 && NAME_CHARS[c] === 1)) break;
  }
  const quoteEnd = Math.min(value.length, i + 3);
  for (; i < quoteEnd; i++) {
    const c = value.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 34 && c !== 39) break;
  }
  const c = value.charCodeAt(i);
  // = > : , and the first character of || and ?=.
  return c === 61 || c === 62 || c === 58 || c === 44 || c === 124 || c === 63;
}

/** [ \t\w.-]: the characters of a name before its operator. */
const NAME_CHARS = new Uint8Array(128);
for (const c of ' \t_.-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
  NAME_CHARS[c.charCodeAt(0)] = 1;
/** Characters a masked token goes on with (`extend`). */
const EXTEND = TOKEN_CHARS;
/** Around a needle, how far back and forward a pattern looks (within the needle's line). */
const BEFORE = 320;
const AFTER = 4096;
const BLOCK = 16_384 + 256;
/** Context before a value that makes it an assigned value, argument or query parameter. */
const VALUE_CONTEXT =
  /(?:[=:]|=>|\s-{1,2}[\w-]{1,40}=?|\s-{1,2}[\w-]{1,40}\s{1,3})["'`]?\s{0,2}["'`]?$/;
/** A digest's algorithm before its value: h1:…, sha256:…, md5=…. */
const HASH_CONTEXT =
  /\b(?:h1|sha\d{0,3}|md5|digest|checksum|integrity|hash)["']?\s{0,2}[:=]\s{0,2}["']?$/i;
const HIGH_ENTROPY = 'high_entropy';
/** Characters before and after a token that stands as a word: spaces, line ends, quotes, brackets. */
const WORD_BEFORE = new Uint8Array(65_536);
const WORD_AFTER = new Uint8Array(65_536);
for (const c of ' \t\n\r"\'`([{<>,') WORD_BEFORE[c.charCodeAt(0)] = 1;
for (const c of ' \t\n\r"\'`)]}<>,;:!?') WORD_AFTER[c.charCodeAt(0)] = 1;
const BASE64_LINE = /^[A-Za-z0-9+/=]{60,}$/;
/** A token's prefix: letters and digits, then `_` or `-` (not in base64's alphabet). */
const TOKEN_PREFIX = /^[A-Za-z][A-Za-z0-9]{1,11}[_-]/;
/** A file name: an extension, perhaps a version after it (libXinerama.so.1, app.min.js). */
const FILE_NAME = /\.[A-Za-z][A-Za-z0-9]{0,5}(?:\.\d+)*$/;

/**
 * Whether the token is a whole line of a base64 block (a PEM body, a MIME part): a line of 64 or
 * 76 characters, a line next to a line of 60+ base64 characters or a BEGIN/END line, or a text
 * that is nothing but one line of base64.
 */
function base64BlockLine(value: string, start: number, end: number): boolean {
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = value.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = value.length;
  const line = value.slice(lineStart, lineEnd).trim();
  if (line !== value.slice(start, end)) return false;
  if (line.length === 64 || line.length === 76) return true;
  // A text that is one line of base64 alone (a block masked a line at a time).
  if (line.length === value.trim().length && /^[A-Za-z0-9+/]+={0,2}$/.test(line)) return true;
  const prevStart = value.lastIndexOf('\n', lineStart - 2) + 1;
  const prev = lineStart > 0 ? value.slice(prevStart, lineStart - 1).trim() : '';
  let nextEnd = value.indexOf('\n', lineEnd + 1);
  if (nextEnd === -1) nextEnd = value.length;
  const next = lineEnd < value.length ? value.slice(lineEnd + 1, nextEnd).trim() : '';
  return [prev, next].some((l) => BASE64_LINE.test(l) || l.startsWith('-----'));
}

/**
 * Masks secrets and personal data before anything leaves the process: whole values of
 * sensitive fields and columns, and values recognised by the detectors inside any text. Masked
 * text keeps its length (asterisks), so a recorded screen keeps its layout.
 */
export class Masker {
  private readonly compiled: Compiled[];
  /** Per prefilter needle: the detectors it stands for. */
  private readonly byNeedle: Compiled[][];
  /** Detectors without needles: they run on every text. */
  private readonly always: Compiled[];
  /** Detectors tried at token runs that start with a prefix (short prefixes, not needles). */
  private readonly byRunPrefix: [string, Compiled][] = [];
  private readonly prefilter: Prefilter;
  private readonly needleLengths: number[] = [];
  private readonly extraWords: Set<string>;
  private readonly patterns: RegExp[];
  private readonly defaultFields: boolean;
  private readonly nameCache = new Map<string, string | null>();
  /** Stopword lists as sets, made on first use. */
  private readonly stopwordSets = new Map<readonly string[], Stopwords>();
  private readonly stopwords = (words: readonly string[]): Stopwords => {
    let set = this.stopwordSets.get(words);
    if (!set) {
      set = new Stopwords(words);
      this.stopwordSets.set(words, set);
    }
    return set;
  };

  constructor(options: MaskingOptions = {}) {
    // A generic detector names a range only when no specific one found it.
    this.compiled = (options.detectors ?? DEFAULT_DETECTORS).map((detector, rank) => ({
      detector,
      rank: detector.generic ? rank + 100_000 : rank,
    }));
    const needles: Needle[] = [];
    const index = new Map<string, number>();
    this.byNeedle = [];
    this.always = [];
    for (const c of this.compiled) {
      for (const prefix of c.detector.runPrefixes ?? []) this.byRunPrefix.push([prefix, c]);
      const ci = c.detector.caseInsensitive === true;
      if (c.detector.needles.length === 0) this.always.push(c);
      for (const raw of new Set(c.detector.needles)) {
        const text = ci ? raw.toLowerCase() : raw;
        const key = `${ci ? 'i' : 's'}:${text}`;
        let at = index.get(key);
        if (at === undefined) {
          at = needles.length;
          index.set(key, at);
          needles.push({ text, caseInsensitive: ci });
          this.needleLengths.push(text.length);
          this.byNeedle.push([]);
        }
        this.byNeedle[at]?.push(c);
      }
    }
    this.prefilter = new Prefilter(needles);
    this.defaultFields = options.defaultFields ?? true;
    this.extraWords = new Set();
    this.patterns = [];
    for (const f of options.fields ?? []) {
      if (typeof f === 'string') this.extraWords.add(words(f).join(''));
      else this.patterns.push(f);
    }
  }

  /** The rule that makes a field name sensitive (the name masked values are counted under), or null. */
  sensitiveField(name: string): string | null {
    const cached = this.nameCache.get(name);
    if (cached !== undefined) return cached;
    let hit: string | null = null;
    for (const p of this.patterns) if (p.test(name)) hit = name;
    if (!hit) {
      const w = words(name);
      // Single words, and runs of two or three joined (api_key, date_of_birth).
      // A name about the value rather than the value itself: email_verified, auth_method.
      const last = w[w.length - 1] ?? '';
      if (w.length > 1 && DESCRIPTOR_WORDS.has(last)) {
        this.nameCache.set(name, null);
        return null;
      }
      for (let i = 0; i < w.length && !hit; i++) {
        for (let n = 1; n <= 3 && i + n <= w.length; n++) {
          const joined = w.slice(i, i + n).join('');
          if (
            (this.defaultFields &&
              (FIELD_WORDS.has(joined) || SUFFIX_WORDS.some((x) => joined.endsWith(x)))) ||
            this.extraWords.has(joined)
          ) {
            hit = name;
            break;
          }
        }
      }
    }
    if (this.nameCache.size > 10_000) this.nameCache.clear();
    this.nameCache.set(name, hit);
    return hit;
  }

  /** The last token run walked by `extend` in the text being masked. */
  private runFrom = -1;
  private runTo = -1;

  /** Text with every detected value replaced by asterisks of the same length. */
  text(value: string, tally?: MaskTally, countFrom = 0): string {
    if (value.length === 0) return value;
    this.runFrom = -1;
    this.runTo = -1;
    const scan = this.prefilter.scan(value);
    const ranges: Range[] = [];
    for (const c of this.always) this.run(c, value, 0, value.length, ranges);
    if (scan.hitCount > 0) this.runHits(value, scan, ranges);
    for (let r = 0; r < scan.runCount; r++) {
      const start = scan.runs[r * 2] as number;
      let end = scan.runs[r * 2 + 1] as number;
      for (const [prefix, c] of this.byRunPrefix)
        if (value.startsWith(prefix, start)) this.run(c, value, 0, value.length, ranges, start);
      while (value.charCodeAt(end) === 61 /* = */) end++;
      this.entropyCandidate(value, start, end, ranges);
    }
    if (ranges.length === 0) return value;
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1] || a[3] - b[3]);
    let out = '';
    let at = 0;
    for (const [start, end, id] of ranges) {
      if (end <= at) continue;
      const from = Math.max(start, at);
      out += value.slice(at, from) + '*'.repeat(end - from);
      at = end;
      // Ranges that end before countFrom were counted when that text was masked before.
      if (end > countFrom) tally?.add(id);
    }
    return out + value.slice(at);
  }

  /** @internal Whether the text holds one of the detectors' needles (for the stream masker). */
  hasNeedle(text: string): boolean {
    return this.prefilter.scan(text).hitCount > 0;
  }

  /** Whether a whole value (a JSON string, a cell) looks like a random token. */
  private randomValue(value: string): boolean {
    return (looksRandom(value) || looksPrefixedRandom(value)) && !isPlaceholder(value);
  }

  /**
   * A run of token characters: masked when it looks random and stands as a value (assigned,
   * an argument, a query parameter) or as a word of its own in prose or on a line of its own
   * (`Created.\nTOKEN\n`, `rotated to TOKEN yesterday`), where it must hold no `/` or `+` and
   * not be a line of a base64 block.
   */
  private entropyCandidate(value: string, start: number, end: number, ranges: Range[]): void {
    const before = value.slice(Math.max(0, start - 48), start);
    if (HASH_CONTEXT.test(before)) return;
    // A value that goes on past the run (a path, a sentence) is not one token.
    const next = value.charCodeAt(end);
    if (next === 47 || next === 92) return;
    if (VALUE_CONTEXT.test(before)) {
      const token = value.slice(start, end);
      if (this.randomValue(token.includes('%') ? percentDecoded(token) : token))
        ranges.push([start, end, HIGH_ENTROPY, 200_000]);
      return;
    }
    // A word of its own: after a space, a line start or a quote; a sentence's full stop is not
    // part of it.
    let stop = end;
    while (stop > start && value.charCodeAt(stop - 1) === 46) stop--;
    if (!WORD_BEFORE[start === 0 ? 10 : value.charCodeAt(start - 1)]) return;
    if (stop < value.length && !WORD_AFTER[value.charCodeAt(stop)]) return;
    const token = value.slice(start, stop);
    // `/` and `+` (a path, base64) only after a token's prefix (BBDC-…, sntrys_…).
    if (/[/+%]/.test(token) && (!TOKEN_PREFIX.test(token) || token.includes('//'))) return;
    if (FILE_NAME.test(token) || base64BlockLine(value, start, stop)) return;
    if (this.randomValue(token)) ranges.push([start, stop, HIGH_ENTROPY, 200_000]);
  }

  private runHits(value: string, scan: Scan, ranges: Range[]): void {
    // Per detector, the regions around its needles' hits, merged (hits come in order).
    const regions = new Map<Compiled, number[]>();
    // The line of the last hit: hits come in order, so each line is looked for once.
    let lineStart = 0;
    let lineEnd = -1;
    for (let h = 0; h < scan.hitCount; h++) {
      const end = scan.hits[h * 2] as number;
      const needle = scan.hits[h * 2 + 1] as number;
      const start = end - (this.needleLengths[needle] as number);
      if (start >= lineEnd) {
        // Back to the newline at lineEnd at the farthest (a -1 start searches the first line).
        lineStart = value.lastIndexOf('\n', start - 1) + 1;
        const next = value.indexOf('\n', end);
        lineEnd = next === -1 ? value.length : next;
      }
      for (const c of this.byNeedle[needle] as Compiled[]) {
        const d = c.detector;
        if (d.assignment && !assignmentAt(value, end)) continue;
        if (d.anchored) {
          // Tried where the needle starts (on the whole text: nothing is copied).
          this.run(c, value, 0, value.length, ranges, start);
          continue;
        }
        const from = Math.max(d.multiline ? 0 : lineStart, start - BEFORE);
        const to = d.multiline
          ? Math.min(value.length, start + BLOCK)
          : Math.min(lineEnd, end + AFTER);
        let list = regions.get(c);
        if (!list) {
          list = [];
          regions.set(c, list);
        }
        const last = list.length - 1;
        if (last > 0 && from <= (list[last] as number))
          list[last] = Math.max(list[last] as number, to);
        else list.push(from, to);
      }
    }
    for (const [c, list] of regions)
      for (let i = 0; i < list.length; i += 2)
        this.run(c, value, list[i] as number, list[i + 1] as number, ranges);
  }

  /** Runs one detector on value[from, to) and adds the ranges to mask. */
  /**
   * Runs one detector on value[from, to) and adds the ranges to mask; with `at`, only a match
   * that starts at region offset `at` (an anchored detector at its needle).
   */
  private run(
    c: Compiled,
    value: string,
    from: number,
    to: number,
    ranges: Range[],
    at = -1,
  ): void {
    const d = c.detector;
    let re: RegExp;
    if (at >= 0) {
      c.sticky ??= new RegExp(d.pattern.source, `${d.pattern.flags.replace(/[dgy]/g, '')}yd`);
      re = c.sticky;
    } else {
      c.indexed ??= new RegExp(d.pattern.source, `${d.pattern.flags.replace(/[dgy]/g, '')}gd`);
      re = c.indexed;
    }
    const region = from === 0 && to === value.length ? value : value.slice(from, to);
    re.lastIndex = Math.max(0, at);
    let m: RegExpExecArray | null;
    // biome-ignore lint/suspicious/noAssignInExpressions: the usual exec loop
    while ((m = re.exec(region)) !== null) {
      if (at >= 0) re.lastIndex = region.length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const indices = m.indices as RegExpIndicesArray;
      let span = indices[0] as [number, number];
      const named = new Set(Object.values(indices.groups ?? {}));
      if (d.secretGroup !== undefined) {
        const g = indices[d.secretGroup];
        if (g) span = g;
      } else
        for (let g = 1; g < m.length; g++) {
          const gi = indices[g];
          if (m[g] && gi && !named.has(gi)) {
            span = gi;
            break;
          }
        }
      let secret = region.slice(span[0], span[1]);
      if (d.userinfo) {
        // user:password (quoted or not): the password only, unless the user is a token too.
        const colon = secret.indexOf(':');
        const user = secret.slice(0, colon).replace(/^["']/, '');
        if (colon > 0 && !looksRandom(user)) {
          const quoted = /^["']/.test(secret) && secret.endsWith(secret[0] as string);
          span = [span[0] + colon + 1, span[1] - (quoted ? 1 : 0)];
          secret = region.slice(span[0], span[1]);
        }
      }
      if (d.validate && !d.validate(secret)) continue;
      // A digest after its algorithm (sha256:…, md5=…) is not a generic rule's secret.
      if (d.generic && HASH_CONTEXT.test(region.slice(Math.max(0, span[0] - 24), span[0])))
        continue;
      if (d.entropy !== undefined && shannonEntropy(secret) <= d.entropy) continue;
      if (d.placeholders !== false && isPlaceholder(secret)) continue;
      // Code, not a value: get_secret_key(), request.headers["apikey"], os.environ["KEY"].
      // (Not for a provider's format: its match is the token's shape, whatever follows it.)
      if ((d.generic || !d.source) && d.placeholders !== false && codeAt(region, span[1], secret))
        continue;
      if (d.allow && allowed(d.allow, secret, m[0], region, m.index, this.stopwords)) continue;
      if (
        d.source?.startsWith('gitleaks') &&
        allowed(GITLEAKS_ALLOWLIST, secret, m[0], region, m.index, this.stopwords)
      )
        continue;
      // A URL with credentials as the value (--api-key postgres://u:pw@db, ?key=<encoded URL>):
      // its password only, the host kept.
      const password = d.userinfo ? null : urlPassword(secret);
      if (password) span = [span[0] + password[0], span[0] + password[1]];
      let end = from + span[1];
      if (d.extend && !password) {
        const stop = end;
        // Runs found before are not walked again (a run of tokens is walked once per text).
        if (end >= this.runFrom && end <= this.runTo) end = this.runTo;
        else {
          while (end < value.length && EXTEND[value.charCodeAt(end)] === 1) end++;
          this.runFrom = stop;
          this.runTo = end;
        }
        while (end > stop && value.charCodeAt(end - 1) === 46 /* . */) end--;
      }
      ranges.push([from + span[0], end, d.id, c.rank]);
    }
  }

  /**
   * A JSON value with sensitive fields masked whole and detected values masked in strings
   * (tool inputs and outputs, bound parameters). Returns a copy; the input is not changed.
   */
  value(value: unknown, tally?: MaskTally, field?: string, depth = 0): unknown {
    if (value === null || value === undefined) return value;
    const rule = field === undefined ? null : this.sensitiveField(field);
    if (rule && typeof value !== 'object' && typeof value !== 'boolean') {
      tally?.add(rule);
      return MASK;
    }
    if (typeof value === 'string') {
      // A field's whole value that looks like a random token: masked whatever its name.
      if (field !== undefined && this.randomValue(value)) {
        tally?.add(HIGH_ENTROPY);
        return MASK;
      }
      return this.text(value, tally);
    }
    if (typeof value !== 'object') return value;
    if (depth > 64) return '[too deep]';
    if (Array.isArray(value))
      return value.map((v) => this.value(v, tally, rule ? field : undefined, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // Inside a sensitive object every leaf is masked under the object's name.
      const masked = this.value(v, tally, rule ? (field as string) : k, depth + 1);
      // A key is text too: a token used as a key (a map of tokens to owners) is masked by the
      // format rules; two keys masked alike stay apart.
      let key = this.text(k, tally);
      if (key !== k)
        for (let n = 2; Object.hasOwn(out, key) || Object.hasOwn(value, key); n++)
          key = `${this.text(k)} (${n})`;
      out[key] = masked;
    }
    return out;
  }

  /** Result rows: sensitive columns masked whole, detected values masked in the other cells. */
  rows(columns: readonly { name: string }[], rows: readonly unknown[][], tally?: MaskTally) {
    const rules = columns.map((c) => this.sensitiveField(c.name));
    return rows.map((row) =>
      row.map((cell, i) => {
        const rule = rules[i];
        if (rule && cell !== null && cell !== undefined) {
          tally?.add(rule);
          return MASK;
        }
        return this.value(
          cell,
          tally,
          typeof cell === 'string' ? (columns[i]?.name ?? '') : undefined,
        );
      }),
    );
  }

  /** A masker for a stream of text (terminal output) where a secret may span chunks. */
  stream(): StreamMasker {
    return new StreamMasker(this);
  }
}

/** Longest unfinished line held back at a chunk's end, waiting for the rest. */
const MAX_HOLD = 1024;
/** Longest private-key block held back waiting for its END line. */
const MAX_BLOCK = 16_384;
/** Longest token held back whole at the end of a long line. */
const MAX_TOKEN = 8192;
/** How much of a long line's emitted end is masked again with what follows it. */
const CONTEXT_TAIL = 512;

const BLOCK_END = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/;

function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN_CHARS[c] === 1;
}

/**
 * Masks a text stream chunk by chunk (terminal output, keystrokes). Complete lines are masked
 * and emitted at once; the unfinished last line is held until the next chunk or `flush`. Once
 * part of a line was emitted, later parts are masked together with it (same lengths, so only the
 * new part is emitted): `export PGPASSWORD=hun` then `ter2` records no letter of the password.
 * A line longer than the hold limit is emitted up to the token it ends in (held until it ends,
 * up to MAX_TOKEN); a masked token that reaches the end of what was emitted is masked on in
 * what follows. A timer flush holds back, once, a token at the end that holds a rule's keyword
 * (a secret still arriving). An open private-key block is held until its END line.
 */
export class StreamMasker {
  /** The emitted part of the current line (raw), masked again with what follows it. */
  private context = '';
  private held = '';
  /** The emitted text ended inside a masked token: its continuation is masked too. */
  private continuing = false;
  /** Length of the token a timer flush held back (-1: none). */
  private timerHeld = -1;
  constructor(private readonly masker: Masker) {}

  /** Masks what can be decided; returns the text to emit now (possibly empty). */
  push(chunk: string, tally?: MaskTally): string {
    return this.emit(chunk, false, tally);
  }

  /** Whether text is held back (a timer should flush it soon). */
  get pending(): boolean {
    return this.held.length > 0;
  }

  /**
   * Emits what is held, masked. An open private-key block stays held unless `final` (the
   * stream ended) or it outgrew the limit.
   */
  flush(tally?: MaskTally, final = true): string {
    return this.emit('', final ? 'final' : 'timer', tally);
  }

  private emit(chunk: string, mode: false | 'timer' | 'final', tally?: MaskTally): string {
    const all = this.context + this.held + chunk;
    const from = this.context.length;
    let cut: number;
    const begin = all.lastIndexOf('-----BEGIN');
    const isKey = begin !== -1 && /PRIVATE KEY/.test(all.slice(begin, begin + 140));
    const end = isKey ? BLOCK_END.exec(all.slice(begin)) : null;
    /** Where the key block ends (the END line's last dash), if it has arrived. */
    const blockEnd = end ? begin + end.index + end[0].length : -1;
    const openBlock = isKey && !end && all.length - begin <= MAX_BLOCK;
    if (mode !== 'timer') this.timerHeld = -1;
    if (mode === 'final') cut = all.length;
    else if (openBlock) cut = Math.max(from, begin);
    else if (mode === 'timer') {
      cut = all.length;
      // A token at the very end that holds a rule's keyword (ghp_R8vK…) may be a secret still
      // arriving: held for one more timer period, emitted on the next if nothing came.
      let k = all.length;
      while (k > 0 && all.length - k < MAX_TOKEN && isTokenChar(all.charCodeAt(k - 1))) k--;
      const tail = all.length - Math.max(k, from);
      if (tail > 0 && tail !== this.timerHeld && this.masker.hasNeedle(all.slice(k))) {
        cut = Math.max(k, from);
        this.timerHeld = tail;
      } else this.timerHeld = -1;
    } else {
      const newline = Math.max(all.lastIndexOf('\n'), all.lastIndexOf('\r'));
      if (all.length - (newline + 1) <= MAX_HOLD) cut = newline + 1;
      else {
        // A long line: emit up to the token it ends in, which may go on in the next chunk.
        cut = all.length;
        const floor = Math.max(newline + 1, all.length - MAX_TOKEN);
        while (cut > floor && isTokenChar(all.charCodeAt(cut - 1))) cut--;
        if (cut === floor && floor > newline + 1) cut = all.length;
      }
      // Never between a key block's BEGIN and END lines: the block is masked whole.
      if (blockEnd !== -1 && cut > begin && cut < blockEnd) cut = begin;
      cut = Math.max(cut, from);
    }
    const raw = all.slice(0, cut);
    this.held = all.slice(cut);
    let out = cut > from ? this.masker.text(raw, tally, from).slice(from) : '';
    if (this.continuing && out.length > 0) {
      // The rest of a masked token that the last emit cut.
      let n = 0;
      while (n < out.length && isTokenChar(raw.charCodeAt(from + n))) n++;
      if (n > 0) out = '*'.repeat(n) + out.slice(n);
    }
    if (out.length > 0)
      this.continuing =
        out.charCodeAt(out.length - 1) === 42 && isTokenChar(raw.charCodeAt(cut - 1));
    // Context: the emitted part of the line still open at the cut (its end, for a long line).
    const newline = Math.max(raw.lastIndexOf('\n'), raw.lastIndexOf('\r'));
    const line = raw.slice(newline + 1);
    if (mode === 'final') {
      this.context = '';
      this.continuing = false;
    } else this.context = line.length > MAX_HOLD ? line.slice(-CONTEXT_TAIL) : line;
    return out;
  }
}
