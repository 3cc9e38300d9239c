// @xterm/headless looks for `window` when it is not in Node ("requestIdleCallback" in window);
// a worker has `self` only. Imported before xterm by the scanning worker.
const scope = globalThis as { window?: unknown };
if (scope.window === undefined) scope.window = globalThis;
