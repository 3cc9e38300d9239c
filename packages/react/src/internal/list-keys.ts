/**
 * The keyboard of a list with one tab stop (the sessions table's rows, the activity's entries):
 * the index a key moves to from `from` (arrows one, Page Up/Down `page`, Home the first, End
 * the last of `count`), unclamped; undefined for the other keys.
 */
export function keyMove(
  key: string,
  from: number,
  page: number,
  count: number,
): number | undefined {
  const moves: Record<string, number> = {
    ArrowDown: from + 1,
    ArrowUp: from - 1,
    PageDown: from + page,
    PageUp: from - page,
    Home: 0,
    End: count - 1,
  };
  return moves[key];
}

/**
 * Focuses the element `selector` names inside the root once it is rendered (the next frame: a
 * virtualised list renders the entry scrolled to first).
 */
export function focusLater(
  root: () => ParentNode | null | undefined,
  selector: string,
  options?: FocusOptions,
): void {
  requestAnimationFrame(() => root()?.querySelector<HTMLElement>(selector)?.focus(options));
}
