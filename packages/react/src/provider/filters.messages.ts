import type { PeriodPreset } from '@auditlane/client';
import { commonMessages } from './common.messages';
import { deepFreeze } from './deep-freeze';
import { integer } from './english';
import type { Messages } from './messages';

export interface FiltersMessages {
  label: string;
  search: string;
  searchPlaceholder: string;
  user: string;
  userPlaceholder: string;
  resource: string;
  resourcePlaceholder: string;
  type: string;
  environment: string;
  /** An environment of the list (given as the name the recorder reports). */
  environmentOption: (environment: string) => string;
  status: string;
  /** A list filter with nothing picked. */
  any: string;
  selectedCount: (count: number) => string;
  /** A list filter's button: "Status: 2 selected". */
  fieldSummary: (field: string, summary: string) => string;
  period: string;
  periodPreset: Record<PeriodPreset, string>;
  periodCustom: string;
  from: string;
  to: string;
  reset: string;
}

/** The `filters` group in English (frozen, every record in it). */
export const filtersMessages: FiltersMessages = /* @__PURE__ */ deepFreeze<FiltersMessages>({
  label: 'Session filters',
  search: 'Search',
  searchPlaceholder: 'Commands, queries, output…',
  user: 'User',
  userPlaceholder: 'id or email',
  resource: 'Resource',
  resourcePlaceholder: 'name',
  type: 'Type',
  environment: 'Environment',
  environmentOption: (environment) => environment,
  status: 'Status',
  any: 'Any',
  selectedCount: (count) => `${integer(count)} selected`,
  fieldSummary: (field, summary) => `${field}: ${summary}`,
  period: 'Period',
  periodPreset: { '1h': '1h', '24h': '24h', '7d': '7d', '30d': '30d', '90d': '90d' },
  periodCustom: 'Custom',
  from: 'From',
  to: 'To',
  reset: 'Reset',
});

/** Filters' messages (its `useMessages` result). */
export type FiltersMessageGroups = Pick<Messages, 'common' | 'filters'>;

/** Filters' English: the groups it shows. */
export const filtersDefaults: FiltersMessageGroups = /* @__PURE__ */ deepFreeze({
  common: commonMessages,
  filters: filtersMessages,
});
