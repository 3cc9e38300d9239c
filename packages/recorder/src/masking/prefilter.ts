/**
 * One pass over a text that finds every needle of every detector at once (Aho–Corasick over
 * ASCII, case-folded), so a detector's pattern runs only where one of its needles is, and only
 * around it. The same pass notes runs of token characters (candidates for the entropy check).
 */

/**
 * Characters a token is made of (base64, base64url, hex, the separators tokens use, and `%` of
 * a URL-encoded one).
 */
export const TOKEN_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-~.%')
  TOKEN_CHARS[c.charCodeAt(0)] = 1;

/** Shortest run of token characters handed to the entropy check. */
export const MIN_RUN = 20;

export interface Needle {
  /** The text to find; lower-case when `caseInsensitive`. */
  text: string;
  caseInsensitive: boolean;
}

export interface Scan {
  /** Pairs (end offset of the hit, needle index), in order of the end offset. */
  hits: readonly number[];
  hitCount: number;
  /** Pairs (start, end) of token-character runs of at least MIN_RUN characters. */
  runs: readonly number[];
  runCount: number;
}

export class Prefilter {
  /** Transition table: row + symbol → next row (a state's row is its id * width). */
  private readonly next: Int32Array;
  /** Rows from here on are states where needles end. */
  private readonly acceptFrom: number;
  /** Per UTF-16 code unit: its symbol (0 past ASCII), plus 128 for a token character. */
  private readonly classes: Uint8Array;
  private readonly outputs: number[][];
  private readonly needles: readonly Needle[];

  constructor(needles: readonly Needle[]) {
    this.needles = needles;
    // Trie of the folded needles.
    const goto: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    needles.forEach((needle, index) => {
      let s = 0;
      for (let i = 0; i < needle.text.length; i++) {
        const c = fold(needle.text.charCodeAt(i));
        let t = goto[s]?.get(c);
        if (t === undefined) {
          t = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s]?.set(c, t);
        }
        s = t;
      }
      out[s]?.push(index);
    });
    // The alphabet: the characters the needles use (case-folded), every other one is symbol 0.
    const symbols = new Uint8Array(128);
    let width = 1;
    for (const n of needles)
      for (let i = 0; i < n.text.length; i++) {
        const c = fold(n.text.charCodeAt(i));
        if (symbols[c] === 0) symbols[c] = width++;
      }
    this.classes = new Uint8Array(65_536);
    for (let c = 0; c < 128; c++)
      this.classes[c] = (symbols[fold(c)] as number) | (TOKEN_CHARS[c] === 1 ? 128 : 0);
    // Failure links breadth first, folded into a full transition table.
    const states = goto.length;
    if (states > 65_535) throw new Error('too many needles for the prefilter');
    const next = new Uint16Array(states * width);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    const edges = (s: number) =>
      [...(goto[s] ?? new Map()).entries()].map(([c, t]) => [symbols[c] as number, t] as const);
    for (const [sym, t] of edges(0)) {
      next[sym] = t;
      queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      const f = fail[s] as number;
      out[s]?.push(...(out[f] ?? []));
      next.copyWithin(s * width, f * width, f * width + width);
      for (const [sym, t] of edges(s)) {
        fail[t] = s === 0 ? 0 : (next[f * width + sym] as number);
        next[s * width + sym] = t;
        queue.push(t);
      }
    }
    // Renumbered so that states where needles end come last (a hit is one comparison), and
    // kept as table rows (id * width: a step is one add and one load).
    const accepting = (s: number) => (out[s]?.length ?? 0) > 0;
    const order = [...Array(states).keys()].sort(
      (a, b) => Number(accepting(a)) - Number(accepting(b)) || a - b,
    );
    const id = new Int32Array(states);
    order.forEach((s, i) => {
      id[s] = i;
    });
    const rowOf = new Int32Array(states);
    for (let s = 0; s < states; s++) rowOf[s] = (id[s] as number) * width;
    const rows = new Int32Array(states * width);
    for (let s = 0; s < states; s++) {
      const base = rowOf[s] as number;
      const from = s * width;
      for (let sym = 0; sym < width; sym++)
        rows[base + sym] = rowOf[next[from + sym] as number] as number;
    }
    this.next = rows;
    const firstAccepting = order.findIndex(accepting);
    this.acceptFrom = firstAccepting === -1 ? rows.length : firstAccepting * width;
    this.outputs = [];
    for (let s = 0; s < states; s++) this.outputs[(id[s] as number) * width] = out[s] ?? [];
  }

  scan(text: string): Scan {
    // A flat, lower-case copy: the loop reads it faster than a slice of a larger string, and
    // needs no case folding. Lower-casing keeps offsets unless a character grows (U+0130).
    const lower = text.toLowerCase();
    const folded = lower.length === text.length ? lower : text;
    const next = this.next;
    const acceptFrom = this.acceptFrom;
    const classes = this.classes;
    // (end, state) of accepting states, and (start, end) of long token runs.
    const found: number[] = [];
    const runs: number[] = [];
    let state = 0;
    let runStart = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const code = folded.charCodeAt(i);
      const k = classes[code] as number;
      if (k < 128) {
        if (i - runStart >= MIN_RUN) runs.push(runStart, i);
        runStart = i + 1;
      }
      state = next[state + (k & 127)] as number;
      if (state >= acceptFrom) found.push(i + 1, state);
    }
    if (n - runStart >= MIN_RUN) runs.push(runStart, n);
    const hits: number[] = [];
    for (let f = 0; f < found.length; f += 2) {
      const end = found[f] as number;
      for (const index of this.outputs[found[f + 1] as number] as number[]) {
        const needle = this.needles[index] as Needle;
        if (needle.caseInsensitive || text.startsWith(needle.text, end - needle.text.length))
          hits.push(end, index);
      }
    }
    return { hits, hitCount: hits.length / 2, runs, runCount: runs.length / 2 };
  }
}

function fold(c: number): number {
  if (c >= 128) return 0;
  return c >= 65 && c <= 90 ? c | 32 : c;
}
