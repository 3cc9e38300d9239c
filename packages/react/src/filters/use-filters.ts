import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { useControllable } from '../internal/use-controllable';
import type {
  FiltersField,
  FiltersValue,
  UseFiltersOptions,
  UseFiltersResult,
} from './filters.types';
import {
  cleanFilters,
  countActiveFilters,
  filtersFromSearchParams,
  filtersToSearchParams,
} from './filters-params';

const EMPTY: FiltersValue = {};

/** The state of the Filters component, controlled or uncontrolled, for custom filter bars. */
export function useFilters(options: UseFiltersOptions = {}): UseFiltersResult {
  const [value, setValue] = useControllable(
    options.value,
    options.defaultValue ?? EMPTY,
    options.onValueChange,
  );
  const setField = useCallback(
    <K extends FiltersField>(field: K, next: FiltersValue[K]) =>
      setValue((old) => cleanFilters({ ...old, [field]: next })),
    [setValue],
  );
  const reset = useCallback(() => setValue(EMPTY), [setValue]);
  const activeCount = useMemo(() => countActiveFilters(value), [value]);
  return { value, setValue, setField, reset, activeCount };
}

export interface UseFiltersSearchParamsOptions {
  /** `push` adds a history entry per change (back undoes a filter); default `replace`. */
  history?: 'push' | 'replace';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('auditlane:filters', onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('auditlane:filters', onChange);
  };
}

const readSearch = () => window.location.search;
const serverSearch = () => '';

/**
 * Filters kept in the page's URL search parameters (shareable, back/forward aware), for hosts
 * without a router; with a router, use `filtersToSearchParams` / `filtersFromSearchParams`.
 * SSR-safe: on the server the value is empty.
 */
export function useFiltersSearchParams(
  options: UseFiltersSearchParamsOptions = {},
): [FiltersValue, (next: FiltersValue) => void] {
  const search = useSyncExternalStore(subscribe, readSearch, serverSearch);
  const value = useMemo(() => filtersFromSearchParams(new URLSearchParams(search)), [search]);
  const mode = options.history ?? 'replace';
  const setValue = useCallback(
    (next: FiltersValue) => {
      const params = filtersToSearchParams(next, new URLSearchParams(window.location.search));
      const query = params.toString();
      const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
      if (mode === 'push') window.history.pushState(window.history.state, '', url);
      else window.history.replaceState(window.history.state, '', url);
      window.dispatchEvent(new Event('auditlane:filters'));
    },
    [mode],
  );
  return [value, setValue];
}
