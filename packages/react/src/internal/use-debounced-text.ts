import { useEffect, useRef, useState } from 'react';

/**
 * A text input's draft over a committed value: the draft is committed (trimmed) once typing
 * pauses for `delayMs`, or at once by `commitNow` (Enter); a change of `value` from outside (a
 * reset, the URL, a host clearing the filters) replaces the draft unless it already says so, or
 * is our own commit coming back.
 * Used by the Filters' text fields and SessionDetail's activity search.
 */
export function useDebouncedText(
  value: string,
  onCommit: (text: string) => void,
  delayMs: number,
): { draft: string; setDraft: (text: string) => void; commitNow: () => void } {
  const [draft, setDraft] = useState(value);
  // The last text committed, or the value last taken from outside.
  const committed = useRef(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    // Our own commit coming back (a router's URL a moment later, while typing went on) keeps
    // the draft; any other value replaces it.
    if (value !== committed.current && draft.trim() !== value) setDraft(value);
  }
  useEffect(() => {
    committed.current = value;
  }, [value]);
  const latest = useRef({ value, onCommit });
  latest.current = { value, onCommit };
  const commit = (text: string) => {
    if (text === latest.current.value) return;
    committed.current = text;
    latest.current.onCommit(text);
  };
  const commitNow = () => commit(draft.trim());
  // biome-ignore lint/correctness/useExhaustiveDependencies: commit reads the latest value.
  useEffect(() => {
    const text = draft.trim();
    if (text === latest.current.value) return;
    const timer = setTimeout(() => commit(text), delayMs);
    return () => clearTimeout(timer);
  }, [draft, delayMs]);
  return { draft, setDraft, commitNow };
}
