'use client';
export { Filters } from './filters';
export type {
  FiltersField,
  FiltersProps,
  FiltersValue,
  UseFiltersOptions,
  UseFiltersResult,
} from './filters.types';
export {
  cleanFilters,
  countActiveFilters,
  filtersFromSearchParams,
  filtersToSearchParams,
  toListParams,
} from './filters-params';
export {
  type UseFiltersSearchParamsOptions,
  useFilters,
  useFiltersSearchParams,
} from './use-filters';
