import { useMemo } from 'react';

/** A string that changes only when the value's JSON does: a dependency for effects on objects. */
export function useStableKey(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  return useMemo(() => json, [json]);
}
