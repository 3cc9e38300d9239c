import type { Session } from '@auditlane/client';
import { formatActor, isProduction } from '@auditlane/client/helpers';
import type { Cell, Header, Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import * as DropdownMenu from 'radix-ui/dropdown-menu';
import * as ToggleGroup from 'radix-ui/toggle-group';
import {
  type KeyboardEvent,
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import { copyText } from '../internal/clipboard';
import { cx } from '../internal/cx';
import { formatCost, formatDuration, formatTime, statusLabel } from '../internal/format';
import type { SessionTableProps } from './session-table.types';
import {
  type SessionTableFeatures,
  type UseSessionTableResult,
  useSessionTable,
} from './use-session-table';

const COLUMN_LABELS: Record<string, string> = {
  actor: 'User or agent',
  resource: 'Resource',
  environment: 'Environment',
  id: 'Session',
  startedAt: 'Started',
  duration: 'Duration',
  status: 'Status',
  cost: 'Cost',
  significance: 'Significance',
};

/**
 * The sessions listing: sortable, virtualised, with column visibility, row selection, infinite
 * scroll through the provider's client (or sessions given directly) and a "rank by
 * significance" mode.
 */
export function SessionTable(props: SessionTableProps) {
  const state = useSessionTable(props);
  const { table, rows, status, error, hasMore, loadingMore, loadMore, count } = state;
  const rowHeight = props.rowHeight ?? 44;
  const height = props.height ?? 480;
  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable callbacks: a new estimateSize on every render would make the virtualizer rebuild the
  // measurements of every row (100,000 objects) on every scroll frame.
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const estimateSize = useCallback(() => rowHeight, [rowHeight]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    overscan: 12,
    initialRect: { width: 1024, height: typeof height === 'number' ? height : 480 },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  // Infinite scroll: ask for more when the last rendered row is near the end.
  useEffect(() => {
    if (hasMore && !loadingMore && status === 'success' && lastIndex >= rows.length - 20) {
      loadMore();
    }
  }, [hasMore, loadingMore, status, lastIndex, rows.length, loadMore]);

  const [focusIndex, setFocusIndex] = useState(0);
  const focusRow = (index: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setFocusIndex(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${next}"]`)?.focus();
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const target = event.target as HTMLElement;
    const row = target.closest('tr[data-index]');
    if (!row || row !== target) return;
    const index = Number(row.getAttribute('data-index'));
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: rows.length - 1,
    };
    const to = moves[event.key];
    if (to !== undefined) {
      event.preventDefault();
      focusRow(to);
    } else if ((event.key === 'Enter' || event.key === ' ') && props.onRowClick) {
      event.preventDefault();
      const session = rows[index]?.original;
      if (session) props.onRowClick(session);
    }
  };

  const visibleColumns = table.getVisibleLeafColumns();
  const columnsKey = visibleColumns.map((c) => c.id).join(',');
  const onRowClickRef = useRef(props.onRowClick);
  onRowClickRef.current = props.onRowClick;
  const onRowClick = useCallback((session: Session) => onRowClickRef.current?.(session), []);
  const total =
    count.count?.value !== null && count.count?.value !== undefined && !count.count.capped
      ? count.count.value
      : rows.length + (hasMore ? 1 : 0);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const dataState =
    status === 'error'
      ? 'error'
      : status === 'loading'
        ? 'loading'
        : rows.length
          ? 'ready'
          : 'empty';

  return (
    <div className={cx('al-session-table', props.className)} data-state={dataState}>
      {props.hideToolbar ? null : <Toolbar state={state} />}
      <div
        ref={scrollRef}
        className="al-session-table__scroll"
        style={{ height, overflow: 'auto', position: 'relative' }}
        tabIndex={rows.length ? -1 : 0}
      >
        <table
          className="al-table"
          aria-label={props['aria-label'] ?? 'Sessions'}
          aria-rowcount={total + 1}
          aria-busy={status === 'loading' || loadingMore}
        >
          <thead className="al-table__head">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} aria-rowindex={1}>
                {group.headers.map((header) => (
                  <HeaderCell key={header.id} header={header} state={state} />
                ))}
              </tr>
            ))}
          </thead>
          <tbody onKeyDown={onKeyDown}>
            {paddingTop > 0 ? (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row, never focused.
              <tr aria-hidden="true" style={{ height: paddingTop }}>
                <td colSpan={visibleColumns.length} />
              </tr>
            ) : null}
            {items.map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <SessionRow
                  key={row.id}
                  row={row}
                  index={item.index}
                  height={rowHeight}
                  selected={row.getIsSelected()}
                  selectable={props.enableRowSelection ?? false}
                  active={props.activeSessionId === row.original.id}
                  focusable={item.index === focusIndex}
                  columns={columnsKey}
                  onFocusRow={setFocusIndex}
                  onRowClick={onRowClick}
                />
              );
            })}
            {paddingBottom > 0 ? (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row, never focused.
              <tr aria-hidden="true" style={{ height: paddingBottom }}>
                <td colSpan={visibleColumns.length} />
              </tr>
            ) : null}
          </tbody>
        </table>
        {status === 'loading' ? (
          <div className="al-session-table__message" role="status">
            Loading sessions…
          </div>
        ) : status === 'error' ? (
          <div className="al-session-table__message" role="alert" data-state="error">
            Could not load sessions: {error?.message ?? 'unknown error'}
            {state.serverSide ? (
              <button type="button" className="al-button" onClick={state.reload}>
                Retry
              </button>
            ) : null}
          </div>
        ) : rows.length === 0 ? (
          <div className="al-session-table__message" role="status">
            {props.emptyMessage ?? 'No sessions match these filters.'}
          </div>
        ) : null}
        {loadingMore ? (
          <div className="al-session-table__more" role="status">
            Loading more…
          </div>
        ) : null}
      </div>
    </div>
  );
}

type SessionRowProps = {
  row: Row<SessionTableFeatures, Session>;
  index: number;
  height: number;
  selected: boolean;
  selectable: boolean;
  active: boolean;
  focusable: boolean;
  /** The visible columns' ids: a change re-renders the row. */
  columns: string;
  onFocusRow: (index: number) => void;
  onRowClick: (session: Session) => void;
};

/**
 * One row, memoised: while scrolling, rows that stay in view are not rendered again (the props
 * are the row object, which the table keeps while data and sorting stay, and plain values).
 */
const SessionRow = memo(function SessionRow(props: SessionRowProps) {
  const { row, index, active } = props;
  const session = row.original;
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 2}
      aria-selected={props.selectable ? props.selected : undefined}
      aria-current={active ? 'true' : undefined}
      data-active={active ? '' : undefined}
      data-state={props.selected ? 'selected' : undefined}
      data-status={session.status}
      className="al-table__row"
      style={{ height: props.height }}
      tabIndex={props.focusable ? 0 : -1}
      onFocus={() => props.onFocusRow(index)}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('button, input, a')) return;
        props.onRowClick(session);
      }}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} className={`al-table__cell al-col-${cell.column.id}`}>
          <CellContent cell={cell} />
        </td>
      ))}
    </tr>
  );
});

function Toolbar({ state }: { state: UseSessionTableResult }) {
  const { table, count, rankBy, setRankBy } = state;
  const hideable = table.getAllLeafColumns().filter((c) => c.getCanHide());
  return (
    <div className="al-session-table__toolbar">
      <span className="al-session-table__count" aria-live="polite">
        {state.status === 'success' ? count.label : ''}
      </span>
      <ToggleGroup.Root
        type="single"
        className="al-segmented"
        aria-label="Rank sessions"
        value={rankBy}
        onValueChange={(next) => {
          if (next === 'recent' || next === 'significance') setRankBy(next);
        }}
      >
        <ToggleGroup.Item value="recent" className="al-segmented__item">
          Newest
        </ToggleGroup.Item>
        <ToggleGroup.Item value="significance" className="al-segmented__item">
          Most significant
        </ToggleGroup.Item>
      </ToggleGroup.Root>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger className="al-button">Columns</DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="al-menu" align="end" sideOffset={4}>
            {hideable.map((column) => (
              <DropdownMenu.CheckboxItem
                key={column.id}
                className="al-menu__item"
                checked={column.getIsVisible()}
                onCheckedChange={(checked) => column.toggleVisibility(checked)}
                onSelect={(event) => event.preventDefault()}
              >
                <DropdownMenu.ItemIndicator className="al-menu__indicator">
                  ✓
                </DropdownMenu.ItemIndicator>
                {COLUMN_LABELS[column.id] ?? column.id}
              </DropdownMenu.CheckboxItem>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  );
}

function HeaderCell({
  header,
  state,
}: {
  header: Header<SessionTableFeatures, Session, unknown>;
  state: UseSessionTableResult;
}) {
  const column = header.column;
  const label = COLUMN_LABELS[column.id] ?? column.id;
  if (column.id === 'select') {
    const table = state.table;
    return (
      <th scope="col" className="al-table__header al-col-select">
        <input
          type="checkbox"
          aria-label="Select all loaded sessions"
          checked={table.getIsAllRowsSelected()}
          ref={(el) => {
            if (el) el.indeterminate = table.getIsSomeRowsSelected();
          }}
          onChange={(e) => table.toggleAllRowsSelected(e.target.checked)}
        />
      </th>
    );
  }
  const sorted = column.getIsSorted();
  const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined;
  if (!column.getCanSort()) {
    return (
      <th scope="col" className={`al-table__header al-col-${column.id}`}>
        {label}
      </th>
    );
  }
  const onClick = () => {
    if (state.serverSide) {
      // The server ranks by recency or significance, newest / most significant first.
      state.setRankBy(column.id === 'significance' ? 'significance' : 'recent');
      return;
    }
    column.toggleSorting(undefined, false);
  };
  return (
    <th scope="col" aria-sort={ariaSort} className={`al-table__header al-col-${column.id}`}>
      <button
        type="button"
        className="al-table__sort"
        onClick={onClick}
        data-state={sorted || undefined}
      >
        {label}
        <span aria-hidden="true" className="al-table__sort-icon">
          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

function CellContent({ cell }: { cell: Cell<SessionTableFeatures, Session, unknown> }): ReactNode {
  const session = cell.row.original;
  switch (cell.column.id) {
    case 'select':
      return (
        <input
          type="checkbox"
          aria-label={`Select session ${session.id}`}
          checked={cell.row.getIsSelected()}
          disabled={!cell.row.getCanSelect()}
          onChange={(e) => cell.row.toggleSelected(e.target.checked)}
        />
      );
    case 'actor':
      return (
        <span className="al-actor" data-actor-type={session.actor.type}>
          <span className="al-actor__name">{formatActor(session.actor)}</span>
          <span className="al-badge al-badge--muted">{session.actor.type}</span>
        </span>
      );
    case 'resource':
      return (
        <span className="al-resource">
          <span className="al-resource__name">{session.resource.name}</span>
          <span className="al-resource__type">
            {session.resource.engine
              ? `${session.resource.type} · ${session.resource.engine}`
              : session.resource.type}
          </span>
        </span>
      );
    case 'environment':
      return (
        <span
          className="al-badge al-env"
          data-production={isProduction(session.resource.environment) ? '' : undefined}
        >
          {session.resource.environment}
        </span>
      );
    case 'id':
      return <SessionId id={session.id} />;
    case 'startedAt':
      return <time dateTime={session.startedAt}>{formatTime(session.startedAt)}</time>;
    case 'duration':
      return session.status === 'active' && session.durationMs === null ? (
        <span className="al-live">live</span>
      ) : (
        formatDuration(session.durationMs)
      );
    case 'status':
      return (
        <span className="al-badge al-status" data-status={session.status}>
          {statusLabel(session.status)}
        </span>
      );
    case 'cost':
      return formatCost(session.usage.costUsd);
    case 'significance': {
      const score = session.significance?.score;
      if (score === undefined) return '—';
      const reasons = session.significance?.reasons.map((r) => r.message).join('; ');
      return (
        <span className="al-significance" title={reasons || undefined}>
          <meter
            className="al-significance__meter"
            min={0}
            max={100}
            value={score}
            aria-label={`Significance ${Math.round(score)} of 100`}
          />
          <span>{Math.round(score)}</span>
        </span>
      );
    }
    default:
      return null;
  }
}

function SessionId({ id }: { id: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <span className="al-session-id">
      <code title={id}>{id.length > 14 ? `${id.slice(0, 10)}…${id.slice(-4)}` : id}</code>
      <button
        type="button"
        className="al-icon-button"
        aria-label={`Copy session id ${id}`}
        data-state={copied}
        onClick={async () => setCopied((await copyText(id)) ? 'copied' : 'failed')}
      >
        {copied === 'copied' ? '✓' : '⧉'}
      </button>
    </span>
  );
}
