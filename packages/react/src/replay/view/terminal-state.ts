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
 * shows a cursor that a program hid (`ESC[?25l`), nor gives back colours it set (OSC 4, 10, 11,
 * 12), so DECTCEM and OSC 104, 110, 111 and 112 follow.
 */
export const RESET =
  '\u0018\u001bc\u001b[?25h\u001b]104\u001b\\\u001b]110\u001b\\\u001b]111\u001b\\\u001b]112\u001b\\';

/** A colour a recording set (OSC 4 for 0–255; 256, 257, 258: OSC 10, 11, 12), as xterm read it. */
type ColourEvent = { type: number; index?: number; color?: [number, number, number] }[];

export function wrap(term: XtermLike, serialize: { serialize(): string }) {
  // Colours set by the recording, followed through xterm's own colour events: the serializer
  // leaves them out (and, in a browser, RIS does not give them back).
  const colours = new Map<number, [number, number, number]>();
  const input = (
    term as unknown as {
      _core?: { _inputHandler?: { onColor?(listener: (event: ColourEvent) => void): unknown } };
    }
  )._core?._inputHandler;
  input?.onColor?.((event) => {
    for (const request of event) {
      if (request.type === 1 && request.index !== undefined && request.color) {
        colours.set(request.index, request.color);
      } else if (request.type === 2 && request.index !== undefined) colours.delete(request.index);
      else if (request.type === 2)
        for (const index of colours.keys()) if (index < 256) colours.delete(index);
    }
  });
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
    snapshot: () =>
      withSavedCursor(term, fixIntensity(serialize.serialize())) +
      setColours(colours) +
      afterScreen(term),
    /** The serializer's output alone (what a fresh terminal would serialize). */
    serialize: () => serialize.serialize(),
  };
  return wrapped;
}

/** OSC 4, 10, 11 and 12 for the colours set. */
function setColours(colours: Map<number, [number, number, number]>): string {
  let out = '';
  for (const [index, rgb] of colours) {
    const spec = `rgb:${rgb.map((c) => c.toString(16).padStart(2, '0')).join('/')}`;
    const slot = index < 256 ? `4;${index}` : String(index - 256 + 10);
    out += `\u001b]${slot};${spec}\u001b\\`;
  }
  return out;
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
  _inputHandler?: {
    _curAttrData?: AttributesLike;
    _parser?: { precedingJoinState: number };
  };
  _oscLinkService?: { getLinkData(id: number): { id?: string; uri: string } | undefined };
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
 * - an OSC 8 link left open;
 * - the charsets (G0–G3 designations, the one shifted in, and the one in use, which `ESC 8` may
 *   have made another): after `ESC ( 0` the letters that follow are line drawing;
 * - then the cursor again, absolutely: DECSTBM homes it, and so does the origin mode the
 *   serializer sets last (with that mode on, rows count from the top of the region); and the
 *   serializer places it by relative moves from the end of the last row it wrote, which
 *   miscounts after a row filled to the margin (autowrap off, wide characters). When it waits
 *   at the right margin to wrap (x = cols), the serializer's rows end there, unless one of the
 *   above moved it: then the last character of its row is printed again; and so is the one
 *   just printed, when the parser still remembers it (see below).
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
  // An OSC 8 link still open: what is printed next belongs to it (gcc links its warnings). xterm
  // counts a link as underlined (dashed), so the serializer set SGR 4 for it: taken back unless
  // the attributes are underlined themselves.
  // It goes before a character printed for the parser to remember (an OSC makes it forget).
  const current = core?._inputHandler?._curAttrData;
  const urlId = current?.extended?.urlId ?? 0;
  const link = urlId ? core?._oscLinkService?.getLinkData(urlId) : undefined;
  const relink =
    link && current
      ? `${current.fg & UNDERLINE ? '' : '\u001b[24m'}\u001b]8;${link.id === undefined ? '' : `id=${link.id}`};${link.uri}\u001b\\`
      : '';
  // Then the charsets and the cursor. Right after printing, the parser remembers the character
  // printed: a combining mark joins it, REP (CSI b) repeats it; printing it again restores that,
  // so it comes last (any control or sequence after it would forget it, as in the recording).
  // Printing again also leaves the cursor waiting at the margin to wrap, which no CUP does; a
  // letter printed again must not be one that the charsets map, so that comes before them when
  // it can.
  const service = core?._charsetService;
  const sets = service?._charsets ?? [];
  const attributes = core?._inputHandler?._curAttrData;
  // Only DECRC sets a charset in use other than the one shifted in: the saved one (the cursor
  // saved with it was restored before the screen; position and colours are set back after it).
  const restore = service !== undefined && service.charset !== sets[service.glevel];
  const joined = core?._inputHandler?._parser?.precedingJoinState ?? 0;
  const { cursorX, cursorY } = term.buffer.active;
  const top = term.modes?.originMode && buffer ? buffer.scrollTop : 0;
  const row = cursorY - top;
  const place = `\u001b[${row + 1};${Math.min(cursorX, term.cols - 1) + 1}H`;
  const charsets = () => {
    let designations = '';
    for (let g = 0; g < 4; g++) {
      const final = finalOf(sets[g]);
      if (final) designations += `\u001b${'()*+'[g]}${final}`;
    }
    return designations + (['', '\u000e', '\u001bn', '\u001bo'][service?.glevel ?? 0] ?? '');
  };
  const wrapAgain = (charset: Record<string, string> | undefined) =>
    attributes
      ? printAgain(term, row, term.cols - 1, { current: attributes, charset, joined: false })
      : null;
  if (joined === 0 && !restore) {
    if (cursorX < term.cols) out += place;
    else if (moved) out += wrapAgain(undefined) ?? place;
    return `${out}${relink}${charsets()}\u0000`;
  }
  out += charsets();
  if (restore && attributes) out += `\u001b8${sgr(attributes)}`;
  if (joined !== 0 && attributes && cursorX >= ((joined >> 1) & 3)) {
    const again = printAgain(term, row, Math.min(cursorX, term.cols) - ((joined >> 1) & 3), {
      current: attributes,
      charset: service?.charset,
      joined: true,
    });
    if (again !== null) return `${out}${relink}${again}`;
  }
  out += (cursorX >= term.cols ? wrapAgain(service?.charset) : null) ?? place;
  // The parser remembers nothing (the screen's rows end with text, and NUL, executed, does
  // nothing else) unless the character was printed again for it.
  return `${out}${relink}\u0000`;
}

/**
 * The character at column `col` of the cursor's row (on row `row`, from 0 as CUP counts it)
 * printed again where it is, so the cursor ends after it as printing left it: waiting at the
 * right margin to wrap (which no CUP expresses), or just after the character the parser
 * remembers (`joined`: then nothing may follow it, and it takes the current attributes, as it
 * did when printed, already in effect). Under the charset in use, the character is written as
 * what maps to it; null when that cannot be done (a letter that the charset would map).
 */
function printAgain(
  term: XtermLike,
  row: number,
  col: number,
  options: {
    current: CellAttributes;
    charset: Record<string, string> | undefined;
    joined: boolean;
  },
): string | null {
  const active = term.buffer.active;
  const line = active.getLine(active.baseY + active.cursorY);
  let cell = line?.getCell(col);
  // The second half of a wide character: print the character, from its first half.
  if (cell && cell.getWidth() === 0 && col > 0) cell = line?.getCell(--col);
  if (!cell) return null;
  const insert = term.modes?.insertMode === true;
  let chars = '';
  for (const c of cell.getChars() || ' ') {
    const { charset } = options;
    const source = charset ? Object.keys(charset).find((k) => charset[k] === c) : undefined;
    if (source !== undefined) chars += source;
    else if (charset && charset[c] !== undefined) return null;
    else chars += c;
  }
  const at = `\u001b[${row + 1};${col + 1}H`;
  // In the current attributes, which the screen has by now; in insert mode, where the character
  // was taken out first (DCH), so inserting it leaves the row as it was.
  if (options.joined) return `${at}${insert ? `\u001b[${cell.getWidth()}P` : ''}${chars}`;
  return `${insert ? '\u001b[4l' : ''}${at}${sgr(cell)}${chars}${sgr(options.current)}${insert ? '\u001b[4h' : ''}`;
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
  extended?: { urlId: number };
}

/** xterm's underline flag of the foreground word (isUnderline() also answers for a link). */
const UNDERLINE = 0x10000000;
/** xterm's flag of the background word: the attributes have more (a link, an underline style). */
const HAS_EXTENDED = 0x10000000;

/** An SGR that sets exactly these attributes (from the defaults). */
function sgr(a: CellAttributes | AttributesLike): string {
  const p: number[] = [0];
  if (a.isBold()) p.push(1);
  if (a.isDim()) p.push(2);
  if (a.isItalic()) p.push(3);
  if ('fg' in a ? a.fg & UNDERLINE : a.isUnderline()) p.push(4);
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

interface SavedCursorLike {
  x: number;
  y: number;
  savedX: number;
  savedY: number;
  ybase: number;
  savedCurAttrData?: AttributesLike;
  savedCharset?: Record<string, string>;
}

/**
 * Writes what saves the cursor `buffer` holds saved (DECSC), then `back` (where the cursor and
 * attributes go after it; the charset goes back to ASCII); '' when nothing is saved there but
 * the defaults (and not `always`).
 */
function saveCursor(
  buffer: SavedCursorLike | undefined,
  options: { always: boolean; back: string },
): string {
  const attributes = buffer?.savedCurAttrData;
  if (!buffer || !attributes) return '';
  const x = buffer.savedX || 0;
  const y = Math.max(buffer.savedY - buffer.ybase, 0);
  const final = finalOf(buffer.savedCharset);
  if (!options.always && x === 0 && y === 0 && attributes.fg === 0 && attributes.bg === 0) {
    if (!final) return '';
  }
  const charset = final ? `\u001b(${final}` : '';
  // Saved while a link was open (or an underline style set): xterm keeps only the mark that the
  // attributes had more (HAS_EXTENDED), which DECRC gives back; a link open meanwhile sets it.
  const extended = attributes.bg & HAS_EXTENDED;
  const open = extended ? '\u001b]8;;x\u001b\\' : '';
  const close = extended ? '\u001b]8;;\u001b\\' : '';
  return `\u001b[${y + 1};${x + 1}H${sgr(attributes)}${open}${charset}\u001b7${close}${charset ? '\u001b(B' : ''}${options.back}`;
}

/**
 * The serializer leaves out the cursor saved by DECSC (`ESC 7`; position, colours and charset):
 * a recording that saves it in one event and restores it (`ESC 8`) in a later one would put the
 * cursor elsewhere after a keyframe between them. Saves the same ones again, each before its
 * screen is drawn (the serializer draws from the home position with default attributes). On the
 * alternate screen, the normal one's was saved on the way in (`ESC[?1049h`, which saves the
 * cursor where it is then): that entry becomes mode 1047 (no save), after saving the right one.
 */
function withSavedCursor(term: XtermLike, serialized: string): string {
  const core = (
    term as unknown as {
      _core?: {
        buffer?: SavedCursorLike;
        buffers?: { normal?: SavedCursorLike; alt?: SavedCursorLike };
      };
    }
  )._core;
  const home = '\u001b[0m\u001b[H';
  if (term.buffer.active.type !== 'alternate') {
    return saveCursor(core?.buffer, { always: false, back: home }) + serialized;
  }
  const enter = '\u001b[?1049h\u001b[H';
  const at = serialized.indexOf(enter);
  const normal = core?.buffers?.normal;
  const current = (term as unknown as { _core?: CoreLike })._core?._inputHandler?._curAttrData;
  if (at < 0 || !normal || !current) return serialized;
  // Back where the serializer left the normal screen's cursor, with the attributes it set; the
  // alternate screen is drawn from default attributes (as the serializer expects).
  const back = `${sgr(current)}\u001b[${normal.y + 1};${Math.min(normal.x, term.cols - 1) + 1}H`;
  return `${serialized.slice(0, at)}${saveCursor(normal, { always: true, back })}\u001b[?1047h\u001b[H\u001b[0m${saveCursor(core?.buffers?.alt, { always: false, back: home })}${serialized.slice(at + enter.length)}`;
}
