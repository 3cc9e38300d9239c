/**
 * A terminal without a view (@xterm/headless) whose state can be written out: it takes the
 * keyframes, in the scanning worker or, without workers, on this thread.
 */
import type { SnapshotTerminal } from '../core/terminal';
import { wrap, type XtermLike } from './terminal-state';

export type HeadlessTerminal = SnapshotTerminal & { serialize(): string; dispose(): void };

type TerminalClass = typeof import('@xterm/headless').Terminal;
type SerializeClass = typeof import('@xterm/addon-serialize').SerializeAddon;

/** Builds the terminal from the classes given (the worker imports them; this thread loads them). */
export function snapshotTerminal(
  Terminal: TerminalClass,
  SerializeAddon: SerializeClass,
  cols: number,
  rows: number,
  scrollback = 0,
): HeadlessTerminal {
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

/** The same, loading xterm on demand (same scrollback as the visible terminal). */
export async function createSnapshotTerminal(
  cols: number,
  rows: number,
  scrollback = 0,
): Promise<HeadlessTerminal> {
  const [{ Terminal }, { SerializeAddon }] = await Promise.all([
    import('@xterm/headless'),
    import('@xterm/addon-serialize'),
  ]);
  return snapshotTerminal(Terminal, SerializeAddon, cols, rows, scrollback);
}
