import type { PeriodPreset, ResourceType, SessionStatus } from '@auditlane/client';
import { KNOWN_ENVIRONMENTS, RESOURCE_TYPES, SESSION_STATUSES } from '@auditlane/client/helpers';
import { useId } from 'react';
import { CheckboxMenu } from '../internal/checkbox-menu';
import { cx } from '../internal/cx';
import { statusLabel } from '../internal/format';
import { ChevronDownIcon } from '../internal/icons';
import { Segmented } from '../internal/segmented';
import { useDebouncedText } from '../internal/use-debounced-text';
import { useMessages } from '../provider/auditlane-provider';
import { type FiltersMessages, filtersDefaults } from '../provider/filters.messages';
import type { FiltersProps, FiltersValue } from './filters.types';
import { useFilters } from './use-filters';

const DEFAULT_PERIODS: readonly PeriodPreset[] = ['1h', '24h', '7d', '30d'];

/**
 * The filter bar of a sessions list: user, resource, type, environment, status, period and free
 * text. Controlled (`value` + `onValueChange`) or uncontrolled (`defaultValue`).
 */
export function Filters(props: FiltersProps) {
  const { value, setField, reset, activeCount } = useFilters(props);
  const debounceMs = props.debounceMs ?? 300;
  const messages = useMessages(filtersDefaults, props.messages);
  const m = messages.filters;
  const status = messages.common.status;
  const resourceType = messages.common.resourceType;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a toolbar-like group of filters, not a form.
    <div
      role="group"
      aria-label={props['aria-label'] ?? m.label}
      className={cx('al-filters', props.className)}
      data-active-count={activeCount}
    >
      <TextFilter
        label={m.search}
        placeholder={m.searchPlaceholder}
        type="search"
        value={value.q}
        onCommit={(q) => setField('q', q)}
        debounceMs={debounceMs}
      />
      <TextFilter
        label={m.user}
        placeholder={m.userPlaceholder}
        value={value.user}
        onCommit={(user) => setField('user', user)}
        debounceMs={debounceMs}
      />
      <TextFilter
        label={m.resource}
        placeholder={m.resourcePlaceholder}
        value={value.resource}
        onCommit={(resource) => setField('resource', resource)}
        debounceMs={debounceMs}
      />
      <MultiSelect<ResourceType>
        label={m.type}
        messages={m}
        options={props.resourceTypes ?? RESOURCE_TYPES}
        selected={value.type}
        onChange={(type) => setField('type', type)}
        format={(type) => resourceType[type] ?? type}
      />
      <MultiSelect<string>
        label={m.environment}
        messages={m}
        options={props.environments ?? KNOWN_ENVIRONMENTS}
        selected={value.environment}
        onChange={(environment) => setField('environment', environment)}
        format={m.environmentOption}
      />
      <MultiSelect<SessionStatus>
        label={m.status}
        messages={m}
        options={props.statuses ?? SESSION_STATUSES}
        selected={value.status}
        onChange={(next) => setField('status', next)}
        format={(s) => status[s] ?? statusLabel(s)}
      />
      <PeriodFilter
        messages={m}
        value={value}
        periods={props.periods ?? DEFAULT_PERIODS}
        onChange={(period, from, to) => {
          setField('period', period);
          if (period === 'custom') {
            setField('from', from);
            setField('to', to);
          }
        }}
      />
      <button
        type="button"
        className="al-button al-filters__reset"
        onClick={reset}
        disabled={activeCount === 0}
      >
        {m.reset}
      </button>
    </div>
  );
}

function TextFilter(props: {
  label: string;
  placeholder: string;
  type?: 'search' | 'text';
  value: string | undefined;
  onCommit: (value: string) => void;
  debounceMs: number;
}) {
  const id = useId();
  const { draft, setDraft, commitNow } = useDebouncedText(
    props.value ?? '',
    props.onCommit,
    props.debounceMs,
  );

  return (
    <div className="al-filters__field">
      <label htmlFor={id} className="al-filters__label">
        {props.label}
      </label>
      <input
        id={id}
        className="al-input"
        type={props.type ?? 'text'}
        value={draft}
        placeholder={props.placeholder}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commitNow();
        }}
      />
    </div>
  );
}

function MultiSelect<T extends string>(props: {
  label: string;
  messages: FiltersMessages;
  options: readonly T[];
  selected: T[] | undefined;
  onChange: (next: T[]) => void;
  format?: (option: T) => string;
}) {
  const selected = props.selected ?? [];
  const format = props.format ?? ((o: T) => o);
  const m = props.messages;
  const summary =
    selected.length === 0
      ? m.any
      : selected.length === 1
        ? format(selected[0] as T)
        : m.selectedCount(selected.length);
  return (
    <div className="al-filters__field">
      <span className="al-filters__label" aria-hidden="true">
        {props.label}
      </span>
      <CheckboxMenu
        align="start"
        triggerProps={{
          className: 'al-button al-filters__trigger',
          'aria-label': m.fieldSummary(props.label, summary),
          'data-active': selected.length > 0 ? '' : undefined,
        }}
        trigger={
          <>
            {summary}
            <ChevronDownIcon className="al-filters__chevron" />
          </>
        }
        items={props.options.map((option) => ({
          key: option,
          label: format(option),
          checked: selected.includes(option),
          onCheckedChange: (checked: boolean) =>
            props.onChange(checked ? [...selected, option] : selected.filter((s) => s !== option)),
        }))}
      />
    </div>
  );
}

/** `<input type="datetime-local">` speaks local time without a zone; the filter speaks ISO. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(text: string): string | undefined {
  if (!text) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function PeriodFilter(props: {
  messages: FiltersMessages;
  value: FiltersValue;
  periods: readonly PeriodPreset[];
  onChange: (period: FiltersValue['period'], from?: string, to?: string) => void;
}) {
  const fromId = useId();
  const toId = useId();
  const { period, from, to } = props.value;
  const m = props.messages;
  return (
    <div className="al-filters__field al-filters__period">
      <span className="al-filters__label" id={`${fromId}-label`}>
        {m.period}
      </span>
      <Segmented<NonNullable<FiltersValue['period']>>
        aria-labelledby={`${fromId}-label`}
        clearable
        value={period}
        onValueChange={(next) => props.onChange(next, from, to)}
        options={[
          ...props.periods.map((p) => ({ value: p, label: m.periodPreset[p] ?? p })),
          { value: 'custom' as const, label: m.periodCustom },
        ]}
      />
      {period === 'custom' ? (
        <span className="al-filters__range">
          <label htmlFor={fromId}>{m.from}</label>
          <input
            id={fromId}
            className="al-input"
            type="datetime-local"
            value={toLocalInput(from)}
            onChange={(e) => props.onChange('custom', fromLocalInput(e.target.value), to)}
          />
          <label htmlFor={toId}>{m.to}</label>
          <input
            id={toId}
            className="al-input"
            type="datetime-local"
            value={toLocalInput(to)}
            onChange={(e) => props.onChange('custom', from, fromLocalInput(e.target.value))}
          />
        </span>
      ) : null}
    </div>
  );
}
