import { useCallback, useRef, useState } from 'react';

/** `T | (old => T)`, as TanStack Table's updaters. */
export type Updater<T> = T | ((old: T) => T);

/**
 * One state, controlled (`value` given) or uncontrolled (`defaultValue`), with a change callback
 * called in both cases: the `x` / `defaultX` / `onXChange` scheme of every component here.
 */
export function useControllable<T>(
  value: T | undefined,
  defaultValue: T,
  onChange: ((next: T) => void) | undefined,
): [T, (updater: Updater<T>) => void] {
  const [inner, setInner] = useState(defaultValue);
  const controlled = value !== undefined;
  const current = controlled ? value : inner;
  const ref = useRef(current);
  ref.current = current;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const set = useCallback(
    (updater: Updater<T>) => {
      const next =
        typeof updater === 'function' ? (updater as (old: T) => T)(ref.current) : updater;
      if (Object.is(next, ref.current)) return;
      ref.current = next;
      if (!controlled) setInner(next);
      onChangeRef.current?.(next);
    },
    [controlled],
  );
  return [current, set];
}
