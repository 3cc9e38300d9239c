import { parse } from '@ansi-tools/parser';

/** A colour of the terminal's 256-colour palette (0–15: the themeable ANSI colours), or RGB. */
export type TerminalColor =
  | { type: 'palette'; index: number }
  | { type: 'rgb'; r: number; g: number; b: number };

/** The SGR attributes a run of text has; absent ones are off. */
export interface TerminalStyle {
  fg?: TerminalColor;
  bg?: TerminalColor;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
  inverse?: true;
  strikethrough?: true;
}

/** A run of text with one style (null: the terminal's default). */
export interface TerminalSpan {
  text: string;
  style: TerminalStyle | null;
}

export interface ParsedTerminalText {
  spans: TerminalSpan[];
  /** Characters of the input that were read (all of it unless `maxChars` cut it). */
  readChars: number;
  totalChars: number;
  truncated: boolean;
}

/** How much of a text is rendered at first, by default. */
export const DEFAULT_MAX_CHARS = 20_000;

/**
 * C0 and C1 controls other than tab and line feed; bidirectional overrides and isolates are
 * shown (see `cleanText`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text as it is to be shown: CRLF and lone CR as line breaks, other control characters removed,
 * and bidirectional override and isolate characters shown as their code point (`<U+202E>`), so
 * they cannot reorder what the reader sees.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, '')
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`);
}

export { visibleText } from '../visible-text';

/** At most `max` characters of `text`, never half of a surrogate pair. */
export function textPrefix(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A program's output as styled runs of text, for rendering as text nodes: the SGR colours
 * (30–37, 90–97, 40–47, 100–107, 38;5;n, 38;2;r;g;b and their `:` forms) and bold, dim,
 * italic, underline, inverse and strikethrough are kept; every other escape sequence (cursor
 * moves, screen modes, OSC titles, OSC 8 hyperlinks, OSC 52 clipboard writes, DCS…) is removed,
 * and so are control characters (`cleanText`). Nothing in the result is markup. Only the first
 * `maxChars` characters are read (a sequence cut by that limit is dropped).
 */
export function parseTerminalText(
  text: string,
  options: { maxChars?: number } = {},
): ParsedTerminalText {
  const max = Math.max(1, options.maxChars ?? DEFAULT_MAX_CHARS);
  const read = textPrefix(text, max);
  const spans: TerminalSpan[] = [];
  let style: TerminalStyle = {};
  let key = '';
  let lastKey: string | null = null;
  for (const token of parse(read)) {
    if (token.type === 'TEXT') {
      const clean = cleanText(token.raw);
      if (!clean) continue;
      const last = spans.at(-1);
      if (last && lastKey === key) last.text += clean;
      else {
        spans.push({ text: clean, style: key ? { ...style } : null });
        lastKey = key;
      }
    } else if (token.type === 'CSI' && token.command === 'm') {
      style = applySgr(style, sgrParams(token.raw));
      key = styleKey(style);
    }
  }
  return {
    spans,
    readChars: read.length,
    totalChars: text.length,
    truncated: read.length < text.length,
  };
}

/** The same for equal styles: attributes in a fixed order, colours by value. */
function styleKey(style: TerminalStyle): string {
  const color = (c: TerminalColor | undefined) =>
    c === undefined ? '' : c.type === 'rgb' ? `${c.r},${c.g},${c.b}` : `${c.index}`;
  const flags = [style.bold, style.dim, style.italic, style.underline, style.inverse]
    .concat(style.strikethrough)
    .map((f) => (f ? 1 : 0))
    .join('');
  return flags === '000000' && !style.fg && !style.bg
    ? ''
    : `${color(style.fg)}/${color(style.bg)}/${flags}`;
}

/**
 * An SGR sequence's parameters, from its text (`ESC [ … m` or CSI `…m`): each a list, more
 * than one number for the `:` forms (`38:2::1:2:3`); an empty parameter is 0.
 */
function sgrParams(raw: string): number[][] {
  // After the introducer (ESC [, or the 8-bit CSI), before the final m; NULs are ignored.
  const start = raw.charCodeAt(0) === 0x9b ? 1 : raw.indexOf('[') + 1;
  const body = raw.slice(start, -1).split('\u0000').join('');
  if (!/^[0-9;:]*$/.test(body)) return [];
  return body.split(';').map((p) => p.split(':').map((n) => (n === '' ? 0 : Number(n))));
}

const byte = (n: number | undefined) =>
  n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;

/** The colour of an extended colour parameter (38, 48), and how many parameters it took. */
function extendedColor(
  params: number[][],
  at: number,
): { color: TerminalColor | undefined; used: number } {
  const group = params[at] as number[];
  if (group.length > 1) {
    // 38:5:n, 38:2:r:g:b or 38:2:colourspace:r:g:b
    if (group[1] === 5) {
      const index = byte(group[2]);
      return { color: index === undefined ? undefined : { type: 'palette', index }, used: 1 };
    }
    if (group[1] === 2) {
      const rgb = group.length >= 6 ? group.slice(3, 6) : group.slice(2, 5);
      return { color: rgbColor(rgb), used: 1 };
    }
    return { color: undefined, used: 1 };
  }
  const mode = params[at + 1]?.[0];
  if (mode === 5) {
    const index = byte(params[at + 2]?.[0]);
    return { color: index === undefined ? undefined : { type: 'palette', index }, used: 3 };
  }
  if (mode === 2) {
    const rgb = [params[at + 2]?.[0], params[at + 3]?.[0], params[at + 4]?.[0]];
    return { color: rgbColor(rgb), used: 5 };
  }
  return { color: undefined, used: 1 };
}

function rgbColor([r, g, b]: (number | undefined)[]): TerminalColor | undefined {
  const [R, G, B] = [byte(r), byte(g), byte(b)];
  return R === undefined || G === undefined || B === undefined
    ? undefined
    : { type: 'rgb', r: R, g: G, b: B };
}

function applySgr(current: TerminalStyle, params: number[][]): TerminalStyle {
  const style: TerminalStyle = { ...current };
  if (params.length === 0) return {};
  for (let i = 0; i < params.length; i++) {
    const group = params[i] as number[];
    const code = group[0] as number;
    if (code === 38 || code === 48) {
      const { color, used } = extendedColor(params, i);
      if (color) style[code === 38 ? 'fg' : 'bg'] = color;
      i += used - 1;
      continue;
    }
    if (code === 0) for (const k of Object.keys(style)) delete style[k as keyof TerminalStyle];
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) {
      // 4:0 is "no underline"; 4:1–4:5 are underline styles.
      if (group.length > 1 && group[1] === 0) delete style.underline;
      else style.underline = true;
    } else if (code === 7) style.inverse = true;
    else if (code === 9) style.strikethrough = true;
    else if (code === 21) style.underline = true;
    else if (code === 22) {
      delete style.bold;
      delete style.dim;
    } else if (code === 23) delete style.italic;
    else if (code === 24) delete style.underline;
    else if (code === 27) delete style.inverse;
    else if (code === 29) delete style.strikethrough;
    else if (code >= 30 && code <= 37) style.fg = { type: 'palette', index: code - 30 };
    else if (code === 39) delete style.fg;
    else if (code >= 40 && code <= 47) style.bg = { type: 'palette', index: code - 40 };
    else if (code === 49) delete style.bg;
    else if (code >= 90 && code <= 97) style.fg = { type: 'palette', index: code - 90 + 8 };
    else if (code >= 100 && code <= 107) style.bg = { type: 'palette', index: code - 100 + 8 };
    // Anything else (blink, hidden, fonts…) is not shown: hidden text stays visible.
  }
  return style;
}

const CUBE = [0, 95, 135, 175, 215, 255];

/**
 * A colour as CSS: the 16 ANSI colours are the theme's `--al-term-color-0…15`, the rest of the
 * 256-colour palette (the 6×6×6 cube and the grays) and RGB are exact.
 */
export function terminalColorCss(color: TerminalColor): string {
  if (color.type === 'rgb') return `rgb(${color.r}, ${color.g}, ${color.b})`;
  const i = color.index;
  if (i < 16) return `var(--al-term-color-${i})`;
  if (i >= 232) {
    const v = 8 + (i - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const n = i - 16;
  return `rgb(${CUBE[Math.floor(n / 36)]}, ${CUBE[Math.floor(n / 6) % 6]}, ${CUBE[n % 6]})`;
}

/** A style as CSS declarations (camelCase, as React's `style` takes them). */
export function terminalStyleCss(style: TerminalStyle): Record<string, string> {
  const css: Record<string, string> = {};
  let fg = style.fg ? terminalColorCss(style.fg) : undefined;
  let bg = style.bg ? terminalColorCss(style.bg) : undefined;
  if (style.inverse) {
    [fg, bg] = [bg ?? 'var(--al-term-bg)', fg ?? 'var(--al-term-fg)'];
  }
  if (fg) css.color = fg;
  if (bg) css.backgroundColor = bg;
  if (style.bold) css.fontWeight = 'bold';
  if (style.dim) css.opacity = '0.7';
  if (style.italic) css.fontStyle = 'italic';
  const lines = [style.underline && 'underline', style.strikethrough && 'line-through'].filter(
    Boolean,
  );
  if (lines.length) css.textDecoration = lines.join(' ');
  return css;
}
