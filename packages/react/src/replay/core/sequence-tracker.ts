/**
 * Where a terminal's input parser stands after some output: in its ground state (the next
 * character is text or a new control), or inside an escape sequence, a control string or a
 * surrogate pair. Recorders cut events wherever a read ended (asciinema: `ESC[0` in one event,
 * `1;32m` in the next), so a keyframe taken at an event boundary may fall inside a sequence; the
 * scanner asks this tracker and takes keyframes only where the parser is in ground.
 *
 * The states and transitions are those of the DEC VT500 parser (vt100.net/emu/dec_ansi_parser,
 * ECMA-48 controls), as xterm.js 6 implements them, on the UTF-16 text the player writes:
 * - code points from U+00A0 up are one class: text in ground and in OSC / DCS data, ignored in
 *   CSI_IGNORE / DCS_IGNORE, and an error (back to ground) in every other state, SOS/PM/APC too;
 * - U+0080–U+009F are C1 controls (U+009B is CSI, U+009C is ST, ...), in any state;
 * - a surrogate pair is one code point; a high surrogate at the end is held until the next write;
 *   U+FEFF (a BOM) is dropped, except right after a high surrogate that no low one followed.
 * Only the state is tracked (no parameters), so a long control string costs nothing but time.
 */

const GROUND = 0;
const ESCAPE = 1;
const ESCAPE_INTERMEDIATE = 2;
const CSI_ENTRY = 3;
const CSI_PARAM = 4;
const CSI_INTERMEDIATE = 5;
const CSI_IGNORE = 6;
const SOS_PM_APC_STRING = 7;
const OSC_STRING = 8;
const DCS_ENTRY = 9;
const DCS_PARAM = 10;
const DCS_IGNORE = 11;
const DCS_INTERMEDIATE = 12;
const DCS_PASSTHROUGH = 13;

/** Stands for every code point from U+00A0 up. */
const WIDE = 0xa0;

export type SequenceState =
  | 'ground'
  | 'escape'
  | 'escape-intermediate'
  | 'csi-entry'
  | 'csi-param'
  | 'csi-intermediate'
  | 'csi-ignore'
  | 'sos-pm-apc-string'
  | 'osc-string'
  | 'dcs-entry'
  | 'dcs-param'
  | 'dcs-ignore'
  | 'dcs-intermediate'
  | 'dcs-passthrough';

/** The states by number, in the order of xterm's own ParserState enum. */
export const SEQUENCE_STATES: readonly SequenceState[] = [
  'ground',
  'escape',
  'escape-intermediate',
  'csi-entry',
  'csi-param',
  'csi-intermediate',
  'csi-ignore',
  'sos-pm-apc-string',
  'osc-string',
  'dcs-entry',
  'dcs-param',
  'dcs-ignore',
  'dcs-intermediate',
  'dcs-passthrough',
];

/** C0 controls executed (or ignored) inside a sequence without leaving it. */
function isExecutable(c: number): boolean {
  return c <= 0x17 || c === 0x19 || (c >= 0x1c && c <= 0x1f);
}

/** The state after code `c` (below U+00A0, or WIDE) in state `s`. */
function next(s: number, c: number): number {
  // Transitions from any state.
  if (c === 0x18 || c === 0x1a) return GROUND; // CAN, SUB: abort
  if (c === 0x1b) return ESCAPE;
  if (c >= 0x80 && c <= 0x9f) {
    if (c === 0x90) return DCS_ENTRY;
    if (c === 0x9b) return CSI_ENTRY;
    if (c === 0x9d) return OSC_STRING;
    if (c === 0x98 || c === 0x9e || c === 0x9f) return SOS_PM_APC_STRING;
    return GROUND; // other C1 controls, ST (0x9c) included
  }
  switch (s) {
    case GROUND:
      return GROUND;
    case ESCAPE:
      if (isExecutable(c) || c === 0x7f) return ESCAPE;
      if (c >= 0x20 && c <= 0x2f) return ESCAPE_INTERMEDIATE;
      if (c === 0x5b) return CSI_ENTRY;
      if (c === 0x5d) return OSC_STRING;
      if (c === 0x50) return DCS_ENTRY;
      if (c === 0x58 || c === 0x5e || c === 0x5f) return SOS_PM_APC_STRING;
      return GROUND; // a final character (dispatch), or an error
    case ESCAPE_INTERMEDIATE:
      if (isExecutable(c) || c === 0x7f || (c >= 0x20 && c <= 0x2f)) return ESCAPE_INTERMEDIATE;
      return GROUND;
    case CSI_ENTRY:
      if (isExecutable(c) || c === 0x7f) return CSI_ENTRY;
      if (c >= 0x30 && c <= 0x3f) return CSI_PARAM;
      if (c >= 0x20 && c <= 0x2f) return CSI_INTERMEDIATE;
      return GROUND;
    case CSI_PARAM:
      if (isExecutable(c) || c === 0x7f || (c >= 0x30 && c <= 0x3b)) return CSI_PARAM;
      if (c >= 0x3c && c <= 0x3f) return CSI_IGNORE;
      if (c >= 0x20 && c <= 0x2f) return CSI_INTERMEDIATE;
      return GROUND;
    case CSI_INTERMEDIATE:
      if (isExecutable(c) || c === 0x7f || (c >= 0x20 && c <= 0x2f)) return CSI_INTERMEDIATE;
      if (c >= 0x30 && c <= 0x3f) return CSI_IGNORE;
      return GROUND;
    case CSI_IGNORE:
      if (c >= 0x40 && c <= 0x7e) return GROUND;
      return CSI_IGNORE;
    case SOS_PM_APC_STRING:
      // Only ST (0x9c, or ESC \ through ESCAPE) ends it; a code point from U+00A0 up is an error.
      return c === WIDE ? GROUND : SOS_PM_APC_STRING;
    case OSC_STRING:
      return c === 0x07 ? GROUND : OSC_STRING;
    case DCS_ENTRY:
      if (isExecutable(c) || c === 0x7f) return DCS_ENTRY;
      if (c >= 0x20 && c <= 0x2f) return DCS_INTERMEDIATE;
      if (c >= 0x30 && c <= 0x3f) return DCS_PARAM;
      if (c >= 0x40 && c <= 0x7e) return DCS_PASSTHROUGH;
      return GROUND;
    case DCS_PARAM:
      if (isExecutable(c) || c === 0x7f || (c >= 0x30 && c <= 0x3b)) return DCS_PARAM;
      if (c >= 0x3c && c <= 0x3f) return DCS_IGNORE;
      if (c >= 0x20 && c <= 0x2f) return DCS_INTERMEDIATE;
      if (c >= 0x40 && c <= 0x7e) return DCS_PASSTHROUGH;
      return GROUND;
    case DCS_INTERMEDIATE:
      if (isExecutable(c) || c === 0x7f || (c >= 0x20 && c <= 0x2f)) return DCS_INTERMEDIATE;
      if (c >= 0x30 && c <= 0x3f) return DCS_IGNORE;
      if (c >= 0x40 && c <= 0x7e) return DCS_PASSTHROUGH;
      return GROUND;
    case DCS_IGNORE:
      return DCS_IGNORE;
    case DCS_PASSTHROUGH:
      return DCS_PASSTHROUGH;
    default:
      return GROUND;
  }
}

export class SequenceTracker {
  private s = GROUND;
  /** A high surrogate ended the last text: the code point is not complete. */
  private high = false;

  /** The parser is in ground and holds nothing: output may be cut here. */
  get ground(): boolean {
    return this.s === GROUND && !this.high;
  }

  /** The parser's state (a pending high surrogate aside). */
  get state(): SequenceState {
    return SEQUENCE_STATES[this.s] as SequenceState;
  }

  /** Follows the parser through text[start, end). */
  feed(text: string, start = 0, end = text.length): void {
    let s = this.s;
    let i = start;
    if (this.high && i < end) {
      // The held high surrogate and the unit after it (taken as it is, whatever it is).
      this.high = false;
      const u = text.charCodeAt(i++);
      s = next(s, WIDE);
      if (u < 0xdc00 || u > 0xdfff) s = next(s, Math.min(u, WIDE));
    }
    for (; i < end; i++) {
      const u = text.charCodeAt(i);
      if (u < WIDE) {
        // Fast path: text in ground.
        if (s === GROUND && u >= 0x20 && u < 0x7f) continue;
        s = next(s, u);
        continue;
      }
      if (u === 0xfeff) continue;
      if (u >= 0xd800 && u <= 0xdbff) {
        if (i + 1 >= end) {
          this.high = true;
          break;
        }
        // A pair is one code point; an unpaired high surrogate is one too, and so is what follows.
        const v = text.charCodeAt(++i);
        s = next(s, WIDE);
        if (v < 0xdc00 || v > 0xdfff) s = next(s, Math.min(v, WIDE));
        continue;
      }
      s = next(s, WIDE);
    }
    this.s = s;
  }
}

/** Code points of zero width (combining marks, format characters, Hangul medial and final jamo). */
const ZERO_WIDTH = /^[\p{M}\p{Cf}\u1160-\u11ff]/u;

/**
 * The code point at `at` has no width of its own: printed right after a character, it joins that
 * one (an accent on its letter), which only a parser that printed that character knows.
 */
export function joinsPrevious(text: string, at: number): boolean {
  const code = text.codePointAt(at);
  return code !== undefined && ZERO_WIDTH.test(String.fromCodePoint(code));
}
