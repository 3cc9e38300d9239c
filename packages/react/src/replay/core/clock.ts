/**
 * Time as the replayer sees it: a clock in milliseconds, frames, and the points where it lets
 * the page breathe. Injected, so tests run the replayer on a clock they move themselves.
 */
export interface ReplayClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls back on the next frame; returns a cancel function. */
  frame(callback: () => void): () => void;
  /** Resolves once the frame drawn now is painted (at most about 100 ms: hidden tabs draw none). */
  paint(): Promise<void>;
  /** Lets the page render and handle input between batches of parsing. */
  yield(): Promise<void>;
}

/** The platform's clock: `performance.now`, animation frames, a message channel to yield. */
export function systemClock(): ReplayClock {
  const frame = (callback: () => void): (() => void) => {
    if (typeof requestAnimationFrame === 'function') {
      const id = requestAnimationFrame(() => callback());
      return () => cancelAnimationFrame(id);
    }
    const id = setTimeout(callback, 16);
    return () => clearTimeout(id);
  };
  return {
    now: () => performance.now(),
    frame,
    paint: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        frame(() => {
          clearTimeout(timer);
          setTimeout(resolve, 0);
        });
      }),
    yield: () =>
      new Promise<void>((resolve) => {
        if (typeof MessageChannel !== 'function') {
          setTimeout(resolve, 0);
          return;
        }
        // A message is not clamped as nested timers are.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(null);
      }),
  };
}
