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
  buffer: { active: { cursorX: number; cursorY: number } };
  parser: { registerOscHandler(id: number, handler: (data: string) => boolean): unknown };
}

/**
 * Written to reset a terminal from any parser state: CAN ends whatever sequence is half-read
 * (ESC, CSI and DCS are aborted, an OSC or SOS/PM/APC string is dropped undispatched, a held high
 * surrogate is flushed), then RIS (`ESC c`) resets the parser and the terminal as `reset()` does.
 * `Terminal.reset()` alone leaves xterm's parser where it was: the next write would continue the
 * half-read sequence (`ESC[01;3` then a restored screen starting with `r` is DECSTBM).
 */
export const RESET = '\u0018\u001bc';

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
    snapshot: () => fixIntensity(serialize.serialize()) + scrollRegion(term),
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
 * The serializer leaves out the scroll region (DECSTBM), which full-screen programs set; without
 * it, output replayed after a keyframe would scroll the wrong lines. Restores it, then the cursor
 * (DECSTBM homes the cursor).
 */
function scrollRegion(term: XtermLike): string {
  const core = (
    term as unknown as { _core?: { buffer?: { scrollTop: number; scrollBottom: number } } }
  )._core;
  const buffer = core?.buffer;
  if (!buffer || (buffer.scrollTop === 0 && buffer.scrollBottom === term.rows - 1)) return '';
  const { cursorX, cursorY } = term.buffer.active;
  return `\u001b[${buffer.scrollTop + 1};${buffer.scrollBottom + 1}r\u001b[${cursorY + 1};${cursorX + 1}H`;
}
