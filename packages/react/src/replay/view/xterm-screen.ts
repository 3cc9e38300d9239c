/**
 * The visible terminal (xterm.js) and the keyframe terminal (@xterm/headless), loaded on demand:
 * nothing of xterm is imported until a player mounts. Recorded content is inert here: the
 * terminal takes no input, OSC 52 clipboard writes are swallowed, OSC 8 links open only
 * http(s) URLs in a new tab without an opener (never javascript: or data:), nothing becomes HTML.
 */
import type { ReplayTerminal, SnapshotTerminal } from '../core/terminal';

export interface XtermScreen extends ReplayTerminal {
  /** Serialized state of the screen, scroll region included (as keyframes hold it). */
  snapshot(): string;
  /** The serializer's output alone (to compare frames). */
  serialize(): string;
  /** Scales the rendering to the container's width (the recording's cols × rows stay). */
  fit(): void;
  dispose(): void;
}

/** Only http(s) links are followed; anything else (javascript:, data:, file:) is refused. */
export function safeLink(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

interface XtermLike {
  cols: number;
  rows: number;
  write(data: string, callback?: () => void): void;
  resize(cols: number, rows: number): void;
  reset(): void;
  loadAddon(addon: unknown): void;
  buffer: { active: { cursorX: number; cursorY: number } };
  parser: { registerOscHandler(id: number, handler: (data: string) => boolean): unknown };
}

function wrap(term: XtermLike, serialize: { serialize(): string }) {
  return {
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
    reset: () => term.reset(),
    snapshot: () => fixIntensity(serialize.serialize()) + scrollRegion(term),
    /** The serializer's output alone (what a fresh terminal would serialize). */
    serialize: () => serialize.serialize(),
  };
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

export interface XtermScreenOptions {
  cols: number;
  rows: number;
  scrollback?: number;
  fontFamily?: string;
  theme?: Record<string, string>;
}

export async function createXtermScreen(
  container: HTMLElement,
  options: XtermScreenOptions,
): Promise<XtermScreen> {
  const [{ Terminal }, { SerializeAddon }] = await Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-serialize'),
  ]);
  const term = new Terminal({
    cols: options.cols,
    rows: options.rows,
    // A player shows the screen, as the recording's viewer saw it: no scrollback to restore,
    // so a seek writes one screen (keyframes stay small, restores cheap).
    scrollback: options.scrollback ?? 0,
    disableStdin: true,
    cursorBlink: false,
    convertEol: false,
    allowProposedApi: false,
    fontFamily: options.fontFamily ?? 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    theme: options.theme,
    linkHandler: {
      allowNonHttpProtocols: false,
      activate: (_event, uri) => {
        const href = safeLink(uri);
        if (href) window.open(href, '_blank', 'noopener,noreferrer');
      },
    },
  });
  const serialize = new SerializeAddon();
  term.loadAddon(serialize);
  // OSC 52: a recording must not write to the viewer's clipboard.
  term.parser.registerOscHandler(52, () => true);
  term.open(container);
  // Nothing is typed into a recording: its input element must not take focus either.
  if (term.textarea) {
    term.textarea.tabIndex = -1;
    term.textarea.setAttribute('aria-hidden', 'true');
  }
  const base = wrap(term as unknown as XtermLike, serialize);
  return Object.assign(base, {
    fit: () => {
      // The recording's size is the truth (cols × rows stay); the rendering scales to fit.
      const el = term.element;
      if (!el || !container.clientWidth) return;
      el.style.transform = '';
      const scale = Math.min(1, container.clientWidth / Math.max(1, el.scrollWidth));
      el.style.transformOrigin = '0 0';
      el.style.transform = scale < 1 ? `scale(${scale})` : '';
    },
    dispose: () => term.dispose(),
  });
}

/** A terminal without a view, for keyframes (same scrollback as the visible one). */
export async function createSnapshotTerminal(
  cols: number,
  rows: number,
  scrollback = 0,
): Promise<SnapshotTerminal & { serialize(): string; dispose(): void }> {
  const [{ Terminal }, { SerializeAddon }] = await Promise.all([
    import('@xterm/headless'),
    import('@xterm/addon-serialize'),
  ]);
  const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'error' });
  const serialize = new SerializeAddon();
  term.loadAddon(serialize as never);
  term.parser.registerOscHandler(52, () => true);
  const wrapped = wrap(term as unknown as XtermLike, serialize);
  // The scanner parses the whole recording. An async write waits a timer per call (4 ms at least
  // once timers nest in a browser), once per keyframe; the write buffer's synchronous path has
  // none. It is safe here: no handler of this terminal is asynchronous.
  const core = (term as unknown as { _core?: { writeSync?: (data: string) => void } })._core;
  if (typeof core?.writeSync === 'function') {
    const writeSync = core.writeSync.bind(core);
    wrapped.write = (data: string) => {
      writeSync(data);
      return Promise.resolve();
    };
  }
  return Object.assign(wrapped, { dispose: () => term.dispose() });
}
