/**
 * Writing out and reading back a terminal's state, for xterm.js and @xterm/headless alike (no
 * import of either): the serializer's output, corrected so a restored keyframe equals the
 * screen it was taken from.
 */
export interface XtermLike {
  cols: number;
  rows: number;
  write(data: string, callback?: () => void): void;
  resize(cols: number, rows: number): void;
  loadAddon(addon: unknown): void;
  buffer: {
    active: {
      cursorX: number;
      cursorY: number;
      baseY: number;
      type: string;
      getLine(
        y: number,
      ): { getCell(x: number): (CellAttributes & CellText) | undefined } | undefined;
    };
  };
  modes?: { originMode: boolean; insertMode?: boolean; synchronizedOutputMode?: boolean };
  parser: { registerOscHandler(id: number, handler: (data: string) => boolean): unknown };
}

/**
 * Written to reset a terminal from any parser state: CAN ends whatever sequence is half-read
 * (ESC, CSI and DCS are aborted, an OSC or SOS/PM/APC string is dropped undispatched, a held high
 * surrogate is flushed), then RIS (`ESC c`) resets the parser and the terminal as `reset()` does.
 * `Terminal.reset()` alone leaves xterm's parser where it was: the next write would continue the
 * half-read sequence (`ESC[01;3` then a restored screen starting with `r` is DECSTBM). Neither
 * shows a cursor that a program hid (`ESC[?25l`), so DECTCEM follows.
 */
export const RESET = '\u0018\u001bc\u001b[?25h';

export function wrap(term: XtermLike, serialize: { serialize(): string }) {
  const wrapped = {
    get cols() {
      return term.cols;
    },
    get rows() {
      return term.rows;
    },
    write: (data: string) => new Promise<void>((resolve) => term.write(data, resolve)),
    resize: (cols: number, rows: number) => {
      if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
    },
    // Through `write` (which the keyframe terminal replaces): in order with what was written.
    reset: () => wrapped.write(RESET),
    snapshot: () => withSavedCursor(term, fixIntensity(serialize.serialize())) + afterScreen(term),
    /** The serializer's output alone (what a fresh terminal would serialize). */
    serialize: () => serialize.serialize(),
  };
  return wrapped;
}

/**
 * The serializer writes a change from dim to bold as `1;22` (bold on, then "dim off"); read back,
 * SGR 22 turns bold off too. Moving 22 to the front of each SGR keeps what the serializer meant,
 * so a restored keyframe has the same attributes as the screen it was taken from.
 */
export function fixIntensity(serialized: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences it fixes.
  return serialized.replace(/\u001b\[([0-9;]*)m/g, (sequence, list: string) => {
    const params = list.split(';');
    const plain: string[] = [];
    let has22 = false;
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as string;
      if (p === '38' || p === '48' || p === '58') {
        // Extended colours: 38;5;n or 38;2;r;g;b — their numbers are not attributes.
        const take = params[i + 1] === '2' ? 5 : params[i + 1] === '5' ? 3 : 1;
        plain.push(...params.slice(i, i + take));
        i += take - 1;
      } else if (p === '22') has22 = true;
      else plain.push(p);
    }
    return has22 ? `\u001b[${['22', ...plain].join(';')}m` : sequence;
  });
}

/**
 * xterm 6's national replacement charsets, told apart by what they map `@`, `[` and `#` to
 * (DEC special graphics, `0`, maps `q` to a line). Keyed by those, the final of their designation.
 */
const NATIONAL: Readonly<Record<string, string>> = {
  '£': 'A', // UK
  '¾ij£': '4', // Dutch
  Ä: '5', // Finnish
  'à°£': 'R', // French
  àâ: 'Q', // French Canadian
  '§Ä': 'K', // German
  '§°£': 'Y', // Italian
  ÄÆ: '6', // Norwegian / Danish
  '§¡£': 'Z', // Spanish
  ÉÄ: '7', // Swedish
  àéù: '=', // Swiss
};

/** The final character that designates a charset of xterm's (undefined for ASCII or unknown). */
function finalOf(set: Record<string, string> | undefined): string | undefined {
  if (!set) return undefined;
  return set.q === '─' ? '0' : NATIONAL[`${set['@'] ?? ''}${set['['] ?? ''}${set['#'] ?? ''}`];
}

interface CoreLike {
  buffer?: { scrollTop: number; scrollBottom: number; tabs?: Record<number, boolean | undefined> };
  _charsetService?: {
    glevel: number;
    charset?: Record<string, string>;
    _charsets?: (Record<string, string> | undefined)[];
  };
  _inputHandler?: { _curAttrData?: AttributesLike };
  coreService?: {
    isCursorHidden: boolean;
    decPrivateModes?: { cursorStyle?: 'block' | 'underline' | 'bar'; cursorBlink?: boolean };
  };
}

/**
 * What the serializer leaves out, written after the screen:
 * - the scroll region (DECSTBM), which full-screen programs set; without it, output replayed
 *   after a keyframe would scroll the wrong lines;
 * - tab stops other than every 8 columns (HTS, TBC);
 * - the cursor: hidden (DECTCEM), its shape and blinking set by DECSCUSR, and synchronized
 *   output (mode 2026) while a program draws a frame;
 * - then the cursor again, absolutely: DECSTBM homes it, and so does the origin mode the
 *   serializer sets last (with that mode on, rows count from the top of the region); and the
 *   serializer places it by relative moves from the end of the last row it wrote, which
 *   miscounts after a row filled to the margin (autowrap off, wide characters). When it waits
 *   at the right margin to wrap (x = cols), the serializer's rows end there, unless one of the
 *   above moved it: then the last character of its row is printed again;
 * - the charsets (G0–G3 designations, the one shifted in, and the one in use, which `ESC 8` may
 *   have made another): after `ESC ( 0` the letters that follow are line drawing.
 */
function afterScreen(term: XtermLike): string {
  const core = (term as unknown as { _core?: CoreLike })._core;
  let out = '';
  let moved = term.modes?.originMode === true;
  const buffer = core?.buffer;
  if (buffer && (buffer.scrollTop !== 0 || buffer.scrollBottom !== term.rows - 1)) {
    out += `\u001b[${buffer.scrollTop + 1};${buffer.scrollBottom + 1}r`;
    moved = true;
  }
  const tabs = buffer?.tabs;
  if (tabs) {
    const stops = Object.keys(tabs)
      .map(Number)
      .filter((col) => tabs[col] && col < term.cols)
      .sort((a, b) => a - b);
    if (stops.length !== Math.ceil(term.cols / 8) || stops.some((col, i) => col !== i * 8)) {
      out += '\u001b[3g';
      for (const col of stops) out += `\u001b[1;${col + 1}H\u001bH`;
      moved = true;
    }
  }
  if (core?.coreService?.isCursorHidden) out += '\u001b[?25l';
  const { cursorStyle, cursorBlink } = core?.coreService?.decPrivateModes ?? {};
  if (cursorStyle) {
    const shape = { block: 1, underline: 3, bar: 5 }[cursorStyle];
    out += `\u001b[${shape + (cursorBlink ? 0 : 1)} q`;
  }
  if (term.modes?.synchronizedOutputMode) out += '\u001b[?2026h';
  // The cursor, before the charsets change what a printed letter draws.
  const { cursorX, cursorY } = term.buffer.active;
  const top = term.modes?.originMode && buffer ? buffer.scrollTop : 0;
  const attributes = core?._inputHandler?._curAttrData;
  const place = `\u001b[${cursorY - top + 1};${Math.min(cursorX, term.cols - 1) + 1}H`;
  if (cursorX < term.cols) out += place;
  else if (moved) out += printLast(term, cursorY - top, attributes);
  const service = core?._charsetService;
  if (service) {
    const sets = service._charsets ?? [];
    for (let g = 0; g < 4; g++) {
      const final = finalOf(sets[g]);
      if (final) out += `\u001b${'()*+'[g]}${final}`;
    }
    out += ['', '\u000e', '\u001bn', '\u001bo'][service.glevel] ?? '';
    // Only DECRC sets a charset in use other than the one shifted in: the saved one. The cursor
    // saved with it was restored before the screen; the position and colours go back after it
    // (a cursor waiting at the margin to wrap then stops just before it).
    if (service.charset !== sets[service.glevel] && attributes) {
      out += `\u001b8${place}${sgr(attributes)}`;
    }
  }
  return out;
}

/**
 * The cursor waiting at the right margin to wrap, on row `row` (from 0, as CUP counts it): no
 * CUP goes there, printing the row's last character again does (with its attributes, insert
 * mode off meanwhile), then the current attributes are set back.
 */
function printLast(term: XtermLike, row: number, current: CellAttributes | undefined): string {
  const active = term.buffer.active;
  const line = active.getLine(active.baseY + active.cursorY);
  let col = term.cols - 1;
  let cell = line?.getCell(col);
  // The second half of a wide character: print the character, from its first half.
  if (cell && cell.getWidth() === 0 && col > 0) cell = line?.getCell(--col);
  if (!cell || !current) return `\u001b[${row + 1};${term.cols}H`;
  const insert = term.modes?.insertMode === true;
  return `${insert ? '\u001b[4l' : ''}\u001b[${row + 1};${col + 1}H${sgr(cell)}${cell.getChars() || ' '}${sgr(current)}${insert ? '\u001b[4h' : ''}`;
}

interface CellText {
  getChars(): string;
  getWidth(): number;
}

/** What xterm's cells and attribute data both answer. */
interface CellAttributes {
  isBold(): number;
  isDim(): number;
  isItalic(): number;
  isUnderline(): number;
  isBlink(): number;
  isInverse(): number;
  isInvisible(): number;
  isStrikethrough(): number;
  isOverline(): number;
  isFgRGB(): boolean;
  isFgPalette(): boolean;
  getFgColor(): number;
  isBgRGB(): boolean;
  isBgPalette(): boolean;
  getBgColor(): number;
}

interface AttributesLike extends CellAttributes {
  fg: number;
  bg: number;
}

/** An SGR that sets exactly these attributes (from the defaults). */
function sgr(a: CellAttributes): string {
  const p: number[] = [0];
  if (a.isBold()) p.push(1);
  if (a.isDim()) p.push(2);
  if (a.isItalic()) p.push(3);
  if (a.isUnderline()) p.push(4);
  if (a.isBlink()) p.push(5);
  if (a.isInverse()) p.push(7);
  if (a.isInvisible()) p.push(8);
  if (a.isStrikethrough()) p.push(9);
  if (a.isOverline()) p.push(53);
  const colour = (rgb: boolean, palette: boolean, c: number, base: number, bright: number) => {
    if (rgb) p.push(base + 8, 2, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff);
    else if (palette && c >= 16) p.push(base + 8, 5, c);
    else if (palette) p.push(c & 8 ? bright + (c & 7) : base + (c & 7));
  };
  colour(a.isFgRGB(), a.isFgPalette(), a.getFgColor(), 30, 90);
  colour(a.isBgRGB(), a.isBgPalette(), a.getBgColor(), 40, 100);
  return `\u001b[${p.join(';')}m`;
}

/**
 * The serializer leaves out the cursor saved by DECSC (`ESC 7`; position, colours and charset):
 * a recording that saves it in one event and restores it (`ESC 8`) in a later one would put the
 * cursor elsewhere after a keyframe between them. Saves the same one again, on the active buffer,
 * before the screen is drawn (from the home position with default attributes, as the serializer
 * expects).
 */
function withSavedCursor(term: XtermLike, serialized: string): string {
  const buffer = (
    term as unknown as {
      _core?: {
        buffer?: {
          savedX: number;
          savedY: number;
          ybase: number;
          savedCurAttrData?: AttributesLike;
          savedCharset?: Record<string, string>;
        };
      };
    }
  )._core?.buffer;
  const attributes = buffer?.savedCurAttrData;
  if (!buffer || !attributes) return serialized;
  const x = buffer.savedX || 0;
  const y = Math.max(buffer.savedY - buffer.ybase, 0);
  const final = finalOf(buffer.savedCharset);
  if (x === 0 && y === 0 && attributes.fg === 0 && attributes.bg === 0 && !final) {
    return serialized;
  }
  const charset = final ? `\u001b(${final}` : '';
  const save = `\u001b[${y + 1};${x + 1}H${sgr(attributes)}${charset}\u001b7\u001b[0m${charset ? '\u001b(B' : ''}\u001b[H`;
  if (term.buffer.active.type !== 'alternate') return save + serialized;
  // The alternate screen is drawn after the normal one, which the serializer enters this way.
  const enter = '\u001b[?1049h\u001b[H';
  const at = serialized.indexOf(enter);
  if (at < 0) return serialized;
  return serialized.slice(0, at + enter.length) + save + serialized.slice(at + enter.length);
}
