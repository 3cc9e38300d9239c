import type { PeriodPreset, ResourceType, SessionStatus } from '@auditlane/client';
import type { Updater } from '../internal/use-controllable';
import type { MessagesOverride } from '../provider/messages';

/** The filters of a sessions list, as the Filters component edits them. */
export interface FiltersValue {
  /** Actor id or email. */
  user?: string;
  /** Resource name. */
  resource?: string;
  /** Free text over commands, queries and output. */
  q?: string;
  type?: ResourceType[];
  environment?: string[];
  status?: SessionStatus[];
  /** A preset, or `custom` with `from` / `to`. */
  period?: PeriodPreset | 'custom';
  /** ISO date-time, with period `custom`. */
  from?: string;
  /** ISO date-time, with period `custom`. */
  to?: string;
}

export type FiltersField = keyof FiltersValue;

export interface UseFiltersOptions {
  /** Controlled value. */
  value?: FiltersValue;
  /** Initial value when uncontrolled. Default `{}`. */
  defaultValue?: FiltersValue;
  onValueChange?: (value: FiltersValue) => void;
}

export interface UseFiltersResult {
  value: FiltersValue;
  setValue: (updater: Updater<FiltersValue>) => void;
  /** Sets one field; an empty string or list removes it. */
  setField: <K extends FiltersField>(field: K, next: FiltersValue[K]) => void;
  reset: () => void;
  /** How many filters are set (a list counts once). */
  activeCount: number;
}

export interface FiltersProps extends UseFiltersOptions {
  /** Environments offered (default: the well-known ones). */
  environments?: readonly string[];
  /** Resource types offered (default: all). */
  resourceTypes?: readonly ResourceType[];
  /** Statuses offered (default: all). */
  statuses?: readonly SessionStatus[];
  /** Presets offered (default 1h, 24h, 7d, 30d) besides the custom range. */
  periods?: readonly PeriodPreset[];
  /** Delay before typed text is applied, in ms. Default 300. */
  debounceMs?: number;
  /** Translations, merged over the provider's messages. Keep the object stable. */
  messages?: MessagesOverride;
  className?: string;
  /** Accessible name of the filter group. Default `messages.filters.label` ("Session filters"). */
  'aria-label'?: string;
}
