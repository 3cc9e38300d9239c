import { DEFAULT_DETECTORS, type Detector } from './detectors';

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

/**
 * Masks secrets and personal data before anything leaves the process: whole values of
 * sensitive fields and columns, and values recognised by the detectors inside any text. Masked
 * text keeps its length (asterisks), so a recorded screen keeps its layout.
 */
export class Masker {
  private readonly detectors: readonly (Detector & { indexed: RegExp })[];
  private readonly extraWords: Set<string>;
  private readonly patterns: RegExp[];
  private readonly defaultFields: boolean;
  private readonly nameCache = new Map<string, string | null>();
  private readonly anyCaseInsensitive: boolean;

  constructor(options: MaskingOptions = {}) {
    this.detectors = (options.detectors ?? DEFAULT_DETECTORS).map((d) => ({
      ...d,
      // `d`: match indices, to mask the captured part only.
      indexed: new RegExp(d.pattern.source, `${d.pattern.flags.replace('d', '')}d`),
    }));
    this.anyCaseInsensitive = this.detectors.some((d) => d.caseInsensitive);
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

  /** Text with every detected value replaced by asterisks of the same length. */
  text(value: string, tally?: MaskTally, countFrom = 0): string {
    if (value.length === 0) return value;
    let ranges: [number, number, string][] | undefined;
    let lower: string | undefined;
    for (const d of this.detectors) {
      let present = false;
      if (d.caseInsensitive) {
        lower ??= this.anyCaseInsensitive ? value.toLowerCase() : value;
        for (const n of d.needles) if (lower.includes(n)) present = true;
      } else for (const n of d.needles) if (value.includes(n)) present = true;
      if (!present) continue;
      d.indexed.lastIndex = 0;
      for (const m of value.matchAll(d.indexed)) {
        let span = m.indices?.[0] as [number, number];
        for (let g = 1; g < m.length; g++) {
          const indices = m.indices?.[g];
          if (m[g] !== undefined && indices) {
            span = indices;
            break;
          }
        }
        const text = value.slice(span[0], span[1]);
        if (d.validate && !d.validate(text)) continue;
        ranges ??= [];
        ranges.push([span[0], span[1], d.id]);
      }
    }
    if (!ranges) return value;
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
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
    if (typeof value === 'string') return this.text(value, tally);
    if (typeof value !== 'object') return value;
    if (depth > 64) return '[too deep]';
    if (Array.isArray(value))
      return value.map((v) => this.value(v, tally, rule ? field : undefined, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      // Inside a sensitive object every leaf is masked under the object's name.
      out[k] = this.value(v, tally, rule ? (field as string) : k, depth + 1);
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
        return this.value(cell, tally);
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

/**
 * Masks a text stream chunk by chunk (terminal output, keystrokes). Complete lines are masked
 * and emitted at once; the unfinished last line is held until the next chunk or `flush`. Once
 * part of a line was emitted, later parts are masked together with it (same lengths, so only the
 * new part is emitted): `export PGPASSWORD=hun` then `ter2` records no letter of the password.
 * An open private-key block is held until its END line.
 */
export class StreamMasker {
  /** The emitted part of the current line (raw), masked again with what follows it. */
  private context = '';
  private held = '';
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
    const openBlock =
      begin !== -1 &&
      !/-----END[ A-Z0-9_-]{0,100}PRIVATE KEY/.test(all.slice(begin)) &&
      /PRIVATE KEY/.test(all.slice(begin, begin + 140)) &&
      all.length - begin <= MAX_BLOCK;
    if (mode === 'final') cut = all.length;
    else if (openBlock) cut = Math.max(from, begin);
    else if (mode === 'timer') cut = all.length;
    else {
      const newline = Math.max(all.lastIndexOf('\n'), all.lastIndexOf('\r'));
      cut = all.length - (newline + 1) <= MAX_HOLD ? newline + 1 : all.length;
      cut = Math.max(cut, from);
    }
    const raw = all.slice(0, cut);
    this.held = all.slice(cut);
    const out = cut > from ? this.masker.text(raw, tally, from).slice(from) : '';
    // Context: the emitted part of the line still open at the cut.
    const newline = Math.max(raw.lastIndexOf('\n'), raw.lastIndexOf('\r'));
    const line = raw.slice(newline + 1);
    this.context = mode === 'final' || line.length > MAX_HOLD ? '' : line;
    return out;
  }
}
