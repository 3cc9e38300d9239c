/**
 * The visible terminal (xterm.js) and the keyframe terminal (@xterm/headless), loaded on demand:
 * nothing of xterm is imported until a player mounts. Recorded content is inert here: the
 * terminal takes no input, OSC 52 clipboard writes are swallowed, OSC 8 links open only
 * http(s) URLs in a new tab without an opener (never javascript: or data:), nothing becomes HTML.
 */
import type { ReplayTerminal } from '../core/terminal';
import { wrap, type XtermLike } from './terminal-state';

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

export interface XtermScreenOptions {
  cols: number;
  rows: number;
  scrollback?: number;
  fontFamily?: string;
  theme?: Record<string, string>;
}

let xterm: Promise<
  [typeof import('@xterm/xterm'), typeof import('@xterm/addon-serialize')]
> | null = null;

/** Loads xterm.js once (a player starts this early, while its recording's header arrives). */
export function loadXterm() {
  xterm ??= Promise.all([import('@xterm/xterm'), import('@xterm/addon-serialize')]);
  xterm.catch(() => {
    xterm = null;
  });
  return xterm;
}

export async function createXtermScreen(
  container: HTMLElement,
  options: XtermScreenOptions,
): Promise<XtermScreen> {
  const [{ Terminal }, { SerializeAddon }] = await loadXterm();
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
