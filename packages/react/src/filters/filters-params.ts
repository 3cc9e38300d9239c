import type {
  PeriodPreset,
  ResourceType,
  SessionListParams,
  SessionStatus,
} from '@auditlane/client';
import { PERIOD_PRESETS, RESOURCE_TYPES, SESSION_STATUSES } from '@auditlane/client/helpers';
import type { FiltersValue } from './filters.types';

const LIST_FIELDS = ['type', 'environment', 'status'] as const;
const TEXT_FIELDS = ['user', 'resource', 'q'] as const;

/** Removes empty fields, so equal filters compare equal. */
export function cleanFilters(value: FiltersValue): FiltersValue {
  const out: FiltersValue = {};
  for (const field of TEXT_FIELDS) {
    const text = value[field]?.trim();
    if (text) out[field] = text;
  }
  for (const field of LIST_FIELDS) {
    const list = value[field];
    if (list && list.length > 0) (out as Record<string, unknown>)[field] = [...new Set(list)];
  }
  if (value.period) out.period = value.period;
  if (value.period === 'custom') {
    if (value.from) out.from = value.from;
    if (value.to) out.to = value.to;
  }
  return out;
}

export function countActiveFilters(value: FiltersValue): number {
  const clean = cleanFilters(value);
  return Object.keys(clean).filter((k) => k !== 'from' && k !== 'to').length;
}

/** The list query for the filters (what `client.sessions.list` and `useSessions` take). */
export function toListParams(value: FiltersValue): SessionListParams {
  const clean = cleanFilters(value);
  const params: SessionListParams = {};
  if (clean.user) params.user = [clean.user];
  if (clean.resource) params.resource = [clean.resource];
  if (clean.q) params.q = clean.q;
  if (clean.type) params.type = clean.type;
  if (clean.environment) params.environment = clean.environment;
  if (clean.status) params.status = clean.status;
  if (clean.period && clean.period !== 'custom') params.period = clean.period;
  if (clean.period === 'custom') {
    if (clean.from) params.from = clean.from;
    if (clean.to) params.to = clean.to;
  }
  return params;
}

/**
 * The filters as URL search parameters (lists repeat: `status=active&status=ended`). Other
 * parameters of `base` are kept, so the host's own parameters survive.
 */
export function filtersToSearchParams(
  value: FiltersValue,
  base: URLSearchParams = new URLSearchParams(),
): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const key of [...TEXT_FIELDS, ...LIST_FIELDS, 'period', 'from', 'to']) params.delete(key);
  const clean = cleanFilters(value);
  for (const [key, v] of Object.entries(clean)) {
    if (Array.isArray(v)) for (const item of v) params.append(key, String(item));
    else if (v !== undefined) params.set(key, String(v));
  }
  return params;
}

/**
 * Reads filters from URL search parameters. Values that are not valid (an unknown status, a
 * malformed date) are left out rather than failing: a URL is user input.
 */
export function filtersFromSearchParams(params: URLSearchParams): FiltersValue {
  const value: FiltersValue = {};
  for (const field of TEXT_FIELDS) {
    const text = params.get(field)?.trim();
    if (text) value[field] = text.slice(0, 500);
  }
  const types = params
    .getAll('type')
    .filter((t): t is ResourceType => (RESOURCE_TYPES as readonly string[]).includes(t));
  if (types.length) value.type = types;
  const statuses = params
    .getAll('status')
    .filter((s): s is SessionStatus => (SESSION_STATUSES as readonly string[]).includes(s));
  if (statuses.length) value.status = statuses;
  const environments = params
    .getAll('environment')
    .filter((e) => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(e));
  if (environments.length) value.environment = environments;
  const period = params.get('period');
  if (period === 'custom') {
    value.period = 'custom';
    const from = params.get('from');
    const to = params.get('to');
    if (from && isDate(from)) value.from = from;
    if (to && isDate(to)) value.to = to;
  } else if (period && (PERIOD_PRESETS as readonly string[]).includes(period)) {
    value.period = period as PeriodPreset;
  }
  return cleanFilters(value);
}

function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text));
}
