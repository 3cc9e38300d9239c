import { useEffect, useRef, useState } from 'react';

/**
 * A text input's draft over a committed value: the draft is committed (trimmed) once typing
 * pauses for `delayMs`, or at once by `commitNow` (Enter); a change of `value` from outside (a
 * reset, the URL, a host clearing the filters) replaces the draft unless it already says so.
 * Used by the Filters' text fields and SessionDetail's activity search.
 */
export function useDebouncedText(
  value: string,
  onCommit: (text: string) => void,
  delayMs: number,
): { draft: string; setDraft: (text: string) => void; commitNow: () => void } {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    if (draft.trim() !== value) setDraft(value);
  }
  const latest = useRef({ value, onCommit });
  latest.current = { value, onCommit };
  const commitNow = () => {
    const text = draft.trim();
    if (text !== latest.current.value) latest.current.onCommit(text);
  };
  useEffect(() => {
    const text = draft.trim();
    if (text === latest.current.value) return;
    const timer = setTimeout(() => {
      if (text !== latest.current.value) latest.current.onCommit(text);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [draft, delayMs]);
  return { draft, setDraft, commitNow };
}
