import type { PeriodPreset, ResourceType, SessionStatus } from '@auditlane/client';
import { KNOWN_ENVIRONMENTS, RESOURCE_TYPES, SESSION_STATUSES } from '@auditlane/client/helpers';
import * as DropdownMenu from 'radix-ui/dropdown-menu';
import * as ToggleGroup from 'radix-ui/toggle-group';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { cx } from '../internal/cx';
import { statusLabel } from '../internal/format';
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
  return (
    // biome-ignore lint/a11y/useSemanticElements: a toolbar-like group of filters, not a form.
    <div
      role="group"
      aria-label={props['aria-label'] ?? 'Session filters'}
      className={cx('al-filters', props.className)}
      data-active-count={activeCount}
    >
      <TextFilter
        label="Search"
        placeholder="Commands, queries, output…"
        type="search"
        value={value.q}
        onCommit={(q) => setField('q', q)}
        debounceMs={debounceMs}
      />
      <TextFilter
        label="User"
        placeholder="id or email"
        value={value.user}
        onCommit={(user) => setField('user', user)}
        debounceMs={debounceMs}
      />
      <TextFilter
        label="Resource"
        placeholder="name"
        value={value.resource}
        onCommit={(resource) => setField('resource', resource)}
        debounceMs={debounceMs}
      />
      <MultiSelect<ResourceType>
        label="Type"
        options={props.resourceTypes ?? RESOURCE_TYPES}
        selected={value.type}
        onChange={(type) => setField('type', type)}
      />
      <MultiSelect<string>
        label="Environment"
        options={props.environments ?? KNOWN_ENVIRONMENTS}
        selected={value.environment}
        onChange={(environment) => setField('environment', environment)}
      />
      <MultiSelect<SessionStatus>
        label="Status"
        options={props.statuses ?? SESSION_STATUSES}
        selected={value.status}
        onChange={(status) => setField('status', status)}
        format={statusLabel}
      />
      <PeriodFilter
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
        Reset
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
  const [draft, setDraft] = useState(props.value ?? '');
  const committed = useRef(props.value ?? '');
  const onCommit = useRef(props.onCommit);
  onCommit.current = props.onCommit;

  // An outside change (reset, URL) replaces the draft.
  useEffect(() => {
    const next = props.value ?? '';
    if (next !== committed.current) {
      committed.current = next;
      setDraft(next);
    }
  }, [props.value]);

  useEffect(() => {
    if (draft.trim() === committed.current) return;
    const timer = setTimeout(() => {
      committed.current = draft.trim();
      onCommit.current(draft.trim());
    }, props.debounceMs);
    return () => clearTimeout(timer);
  }, [draft, props.debounceMs]);

  const commitNow = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    committed.current = draft.trim();
    onCommit.current(draft.trim());
  };

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
        onKeyDown={commitNow}
      />
    </div>
  );
}

function MultiSelect<T extends string>(props: {
  label: string;
  options: readonly T[];
  selected: T[] | undefined;
  onChange: (next: T[]) => void;
  format?: (option: T) => string;
}) {
  const selected = props.selected ?? [];
  const format = props.format ?? ((o: T) => o);
  const summary =
    selected.length === 0
      ? 'Any'
      : selected.length === 1
        ? format(selected[0] as T)
        : `${selected.length} selected`;
  return (
    <div className="al-filters__field">
      <span className="al-filters__label" aria-hidden="true">
        {props.label}
      </span>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger
          className="al-button al-filters__trigger"
          aria-label={`${props.label}: ${summary}`}
          data-active={selected.length > 0 ? '' : undefined}
        >
          {summary}
          <span aria-hidden="true" className="al-filters__chevron">
            ▾
          </span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="al-menu" align="start" sideOffset={4}>
            {props.options.map((option) => (
              <DropdownMenu.CheckboxItem
                key={option}
                className="al-menu__item"
                checked={selected.includes(option)}
                onCheckedChange={(checked) =>
                  props.onChange(
                    checked ? [...selected, option] : selected.filter((s) => s !== option),
                  )
                }
                // Several can be picked without reopening the menu.
                onSelect={(event) => event.preventDefault()}
              >
                <DropdownMenu.ItemIndicator className="al-menu__indicator">
                  ✓
                </DropdownMenu.ItemIndicator>
                {format(option)}
              </DropdownMenu.CheckboxItem>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
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
  value: FiltersValue;
  periods: readonly PeriodPreset[];
  onChange: (period: FiltersValue['period'], from?: string, to?: string) => void;
}) {
  const fromId = useId();
  const toId = useId();
  const { period, from, to } = props.value;
  return (
    <div className="al-filters__field al-filters__period">
      <span className="al-filters__label" id={`${fromId}-label`}>
        Period
      </span>
      <ToggleGroup.Root
        type="single"
        className="al-segmented"
        aria-labelledby={`${fromId}-label`}
        value={period ?? ''}
        onValueChange={(next) =>
          props.onChange((next || undefined) as FiltersValue['period'], from, to)
        }
      >
        {props.periods.map((p) => (
          <ToggleGroup.Item key={p} value={p} className="al-segmented__item">
            {p}
          </ToggleGroup.Item>
        ))}
        <ToggleGroup.Item value="custom" className="al-segmented__item">
          Custom
        </ToggleGroup.Item>
      </ToggleGroup.Root>
      {period === 'custom' ? (
        <span className="al-filters__range">
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            className="al-input"
            type="datetime-local"
            value={toLocalInput(from)}
            onChange={(e) => props.onChange('custom', fromLocalInput(e.target.value), to)}
          />
          <label htmlFor={toId}>To</label>
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
