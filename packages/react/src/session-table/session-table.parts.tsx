import type { Session, SessionListParams } from '@auditlane/client';
import { formatActor, isProduction } from '@auditlane/client/helpers';
import { useVirtualizer } from '@tanstack/react-virtual';
import type {
  Cell as TanStackCell,
  Header as TanStackHeader,
  Row as TanStackRow,
  Table as TanStackTable,
} from '@tanstack/table-core';
import { Slot } from 'radix-ui/slot';
import {
  type ComponentPropsWithoutRef,
  createContext,
  Fragment,
  forwardRef,
  type KeyboardEvent,
  memo,
  type ReactNode,
  type RefAttributes,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useSessions } from '../data/use-sessions';
import { CheckboxMenu } from '../internal/checkbox-menu';
import { copyText } from '../internal/clipboard';
import { composeHandlers, composeRefs } from '../internal/compose';
import { cx } from '../internal/cx';
import { formatTime, statusLabel } from '../internal/format';
import {
  CheckIcon,
  CopyIcon,
  CrossIcon,
  SortAscendingIcon,
  SortableIcon,
  SortDescendingIcon,
} from '../internal/icons';
import { focusLater, keyMove } from '../internal/list-keys';
import { Segmented } from '../internal/segmented';
import { useControllable } from '../internal/use-controllable';
import { useMessages } from '../provider/auditlane-provider';
import {
  type SessionTableMessageGroups as Messages,
  sessionTableDefaults,
} from '../provider/session-table.messages';
import type {
  RankBy,
  RowSelectionState,
  SessionColumnId,
  SessionTableProps,
} from './session-table.types';
import {
  DEFAULT_SORTING,
  rankOf,
  type SessionTableFeatures,
  type SessionTableSelectionFeatures,
  type UseSessionTableResult,
  useSessionTableOf,
} from './use-session-table';

/**
 * A row of the table (TanStack's, over a session). Its selection methods (`getIsSelected`, ...)
 * exist only when the table registers the row selection feature: a host that passes
 * `features={{ rowSelectionFeature }}` reads its rows as
 * `SessionTableRow<SessionTableSelectionFeatures>`.
 */
export type SessionTableRow<TFeatures extends SessionTableFeatures = SessionTableFeatures> =
  TanStackRow<TFeatures, Session>;
export type SessionTableCell<TFeatures extends SessionTableFeatures = SessionTableFeatures> =
  TanStackCell<TFeatures, Session, unknown>;
export type SessionTableHeader<TFeatures extends SessionTableFeatures = SessionTableFeatures> =
  TanStackHeader<TFeatures, Session, unknown>;

/**
 * The parts over rows, cells and headers, typed from the table's features: their type
 * follows what the host gives them (a row typed `SessionTableRow<SessionTableSelectionFeatures>`,
 * a Body callback taking one), the base features otherwise.
 */
type PartOf<TProps, TElement> = TProps & RefAttributes<TElement>;
type HeaderPart = <TFeatures extends SessionTableFeatures = SessionTableFeatures>(
  props: PartOf<SessionTableHeaderProps<TFeatures>, HTMLTableSectionElement>,
) => ReactNode;
type HeaderCellPart = <TFeatures extends SessionTableFeatures = SessionTableFeatures>(
  props: PartOf<SessionTableHeaderCellProps<TFeatures>, HTMLTableCellElement>,
) => ReactNode;
type BodyPart = <TFeatures extends SessionTableFeatures = SessionTableFeatures>(
  props: PartOf<SessionTableBodyProps<TFeatures>, HTMLTableSectionElement>,
) => ReactNode;
type RowPart = <TFeatures extends SessionTableFeatures = SessionTableFeatures>(
  props: PartOf<SessionTableRowProps<TFeatures>, HTMLTableRowElement>,
) => ReactNode;
type CellPart = <TFeatures extends SessionTableFeatures = SessionTableFeatures>(
  props: PartOf<SessionTableCellProps<TFeatures>, HTMLTableCellElement>,
) => ReactNode;

/**
 * The row with its selection methods. Only where selection is on (`enableRowSelection` of the
 * hook's result, true only with the feature registered): the select column, selectable rows.
 */
const selectable = (row: SessionTableRow) =>
  row as unknown as SessionTableRow<SessionTableSelectionFeatures>;

interface SessionTableContextValue {
  state: UseSessionTableResult;
  messages: Messages;
  rowHeight: number;
  height: number | string;
  /**
   * The Viewport's element, as state: the Body's virtualizer needs it, and the Body's effects
   * run before its parent's ref is set, so it comes with a render of its own.
   */
  scrollElement: HTMLDivElement | null;
  setScrollElement: (element: HTMLDivElement | null) => void;
  /** Stable: calls the latest `onRowClick`. */
  onRowClick: (session: Session) => void;
  hasRowClick: boolean;
  activeSessionId: string | null;
}

const SessionTableContext = createContext<SessionTableContextValue | null>(null);
SessionTableContext.displayName = 'SessionTableContext';

function useSessionTableContext(part: string): SessionTableContextValue {
  const context = useContext(SessionTableContext);
  if (!context) throw new Error(`${part} must be used within SessionTable.Root`);
  return context;
}

/**
 * What the rows need, given by the Body. Its value changes only when one of them does (not
 * while scrolling), so memoised rows are not rendered again as the viewport moves.
 */
interface RowContextValue {
  messages: Messages;
  rowHeight: number;
  selectable: boolean;
  activeSessionId: string | null;
  focusIndex: number;
  setFocusIndex: (index: number) => void;
  onRowClick: (session: Session) => void;
  /**
   * The selection (shown with the row selection feature registered, checkboxes or not); a
   * change re-renders the rows.
   */
  rowSelection: RowSelectionState;
  /** Not read: a change re-renders the rows. */
  columnVisibility: unknown;
}

const RowContext = createContext<RowContextValue | null>(null);
RowContext.displayName = 'SessionTableRowContext';

/**
 * Inside a Root, always true: rows read it (not the Root's context, whose every change would
 * render every row again) to name the missing part in their error.
 */
const InRootContext = createContext(false);

function useRowContext(part: string): RowContextValue {
  const root = useContext(InRootContext);
  const context = useContext(RowContext);
  if (!root) throw new Error(`${part} must be used within SessionTable.Root`);
  if (!context) throw new Error(`${part} must be used within SessionTable.Body`);
  return context;
}

type DivProps = ComponentPropsWithoutRef<'div'>;

export interface SessionTableRootProps
  extends Omit<SessionTableProps, 'hideToolbar' | 'aria-label'>,
    Omit<DivProps, keyof SessionTableProps | 'children'> {
  /** Render the host's own element (its props merged) instead of a div. */
  asChild?: boolean;
  children?: ReactNode;
}

/**
 * The table's state for the parts inside it: sessions given directly (`sessions`, sorted in the
 * browser with `features={{ sortedRowModel }}`, or by the host with `manualSorting`) or loaded page by page through the provider's client (`params`, sorted by the
 * server). Renders a div (`data-state="loading|error|empty|ready"`).
 */
export const Root = forwardRef<HTMLDivElement, SessionTableRootProps>(
  function SessionTableRoot(props, ref) {
    const {
      sessions,
      params,
      pageSize,
      refreshMs,
      sorting: sortingProp,
      defaultSorting,
      onSortingChange,
      columnVisibility,
      defaultColumnVisibility,
      onColumnVisibilityChange,
      rowSelection,
      defaultRowSelection,
      onRowSelectionChange,
      enableRowSelection,
      features,
      manualSorting,
      loading,
      error,
      hasMore,
      loadingMore,
      onLoadMore,
      onReload,
      totalCount,
      onRowClick: onRowClickProp,
      activeSessionId,
      rowHeight = 44,
      height = 480,
      messages: messagesProp,
      asChild,
      className,
      children,
      ...rest
    } = props;
    const serverSide = sessions === undefined;
    // A header the host is never told about would do nothing.
    if (!serverSide && manualSorting && !onSortingChange && sortingProp === undefined) {
      throw new Error(
        'SessionTable: with `manualSorting` the host sorts the sessions it gives: pass `onSortingChange` (or `sorting`) to hear which sorting is asked for',
      );
    }
    // Sorting is held here: the server's ranking is part of what is fetched.
    const [sorting, setSorting] = useControllable(
      sortingProp,
      defaultSorting ?? DEFAULT_SORTING,
      onSortingChange,
    );
    const rankBy = rankOf(sorting);
    const listParams = useMemo<SessionListParams>(
      () => ({ ...params, sort: rankBy, limit: pageSize ?? 100 }),
      [params, rankBy, pageSize],
    );
    const remote = useSessions(listParams, { enabled: serverSide, refreshMs });
    const state = useSessionTableOf(
      {
        sessions: serverSide ? remote.sessions : sessions,
        manualSorting: serverSide || manualSorting,
        sorting,
        onSortingChange: setSorting,
        columnVisibility,
        defaultColumnVisibility,
        onColumnVisibilityChange,
        rowSelection,
        defaultRowSelection,
        onRowSelectionChange,
        enableRowSelection,
        features,
        loading: serverSide ? remote.status === 'loading' : loading,
        error: serverSide ? (remote.status === 'error' ? remote.error : null) : error,
        hasMore: serverSide ? remote.hasMore : hasMore,
        loadingMore: serverSide ? remote.loadingMore : loadingMore,
        onLoadMore: serverSide ? remote.loadMore : onLoadMore,
        onReload: serverSide ? remote.reload : onReload,
        totalCount: serverSide ? remote.count : totalCount,
      },
      'SessionTable',
    );
    const messages = useMessages(sessionTableDefaults, messagesProp);
    const [scrollElement, setScrollElement] = useState<HTMLDivElement | null>(null);
    const onRowClickRef = useRef(onRowClickProp);
    onRowClickRef.current = onRowClickProp;
    const onRowClick = useCallback((session: Session) => onRowClickRef.current?.(session), []);
    const hasRowClick = onRowClickProp !== undefined;
    const value = useMemo<SessionTableContextValue>(
      () => ({
        state,
        messages,
        rowHeight,
        height,
        scrollElement,
        setScrollElement,
        onRowClick,
        hasRowClick,
        activeSessionId: activeSessionId ?? null,
      }),
      [state, messages, rowHeight, height, scrollElement, onRowClick, hasRowClick, activeSessionId],
    );
    const dataState =
      state.status === 'error'
        ? 'error'
        : state.status === 'loading'
          ? 'loading'
          : state.rows.length
            ? 'ready'
            : 'empty';
    const Comp = asChild ? Slot : 'div';
    return (
      <SessionTableContext.Provider value={value}>
        <InRootContext.Provider value={true}>
          <Comp
            {...rest}
            ref={ref}
            className={cx('al-session-table', className)}
            data-state={dataState}
          >
            {children}
          </Comp>
        </InRootContext.Provider>
      </SessionTableContext.Provider>
    );
  },
);

export interface SessionTableToolbarProps extends DivProps {
  asChild?: boolean;
}

/** The bar above the table. Default content: Count, Rank and ColumnsMenu. */
export const Toolbar = forwardRef<HTMLDivElement, SessionTableToolbarProps>(
  function SessionTableToolbar({ asChild, className, children, ...rest }, ref) {
    useSessionTableContext('SessionTable.Toolbar');
    const Comp = asChild ? Slot : 'div';
    return (
      <Comp {...rest} ref={ref} className={cx('al-session-table__toolbar', className)}>
        {children ?? (
          <>
            <Count />
            <Rank />
            <ColumnsMenu />
          </>
        )}
      </Comp>
    );
  },
);

/** How many sessions match ("1,234 sessions"), announced politely. */
export const Count = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'>>(
  function SessionTableCount({ className, ...rest }, ref) {
    const { state, messages } = useSessionTableContext('SessionTable.Count');
    const { total, atLeast } = state.count;
    return (
      <span
        aria-live="polite"
        {...rest}
        ref={ref}
        className={cx('al-session-table__count', className)}
      >
        {state.status === 'success' ? messages.sessionTable.count(total, atLeast) : ''}
      </span>
    );
  },
);

/** Newest first, or most significant first (a radio group). */
export const Rank = forwardRef<HTMLDivElement, { className?: string }>(function SessionTableRank(
  { className },
  ref,
) {
  const { state, messages } = useSessionTableContext('SessionTable.Rank');
  const { rankBy, setRankBy } = state;
  const m = messages.sessionTable;
  return (
    <Segmented<RankBy>
      ref={ref}
      className={className}
      aria-label={m.rank}
      value={rankBy}
      onValueChange={(next) => {
        if (next) setRankBy(next);
      }}
      options={[
        { value: 'recent', label: m.rankRecent },
        { value: 'significance', label: m.rankSignificance },
      ]}
    />
  );
});

/** The menu that shows and hides columns. */
export const ColumnsMenu = forwardRef<HTMLButtonElement, { className?: string }>(
  function SessionTableColumnsMenu({ className }, ref) {
    const { state, messages } = useSessionTableContext('SessionTable.ColumnsMenu');
    const hideable = state.table.getAllLeafColumns().filter((c) => c.getCanHide());
    return (
      <CheckboxMenu
        align="end"
        triggerRef={ref}
        triggerProps={{ className: cx('al-button', className) }}
        trigger={messages.sessionTable.columnsMenu}
        items={hideable.map((column) => ({
          key: column.id,
          label: columnLabel(messages, column.id),
          checked: column.getIsVisible(),
          onCheckedChange: (checked: boolean) => column.toggleVisibility(checked),
        }))}
      />
    );
  },
);

function columnLabel(messages: Messages, id: string): string {
  return messages.sessionTable.column[id as SessionColumnId] ?? id;
}

export interface SessionTableViewportProps extends DivProps {
  asChild?: boolean;
}

/** The scrolling area the rows are virtualised in (its height is the Root's `height`). */
export const Viewport = forwardRef<HTMLDivElement, SessionTableViewportProps>(
  function SessionTableViewport({ asChild, className, style, ...rest }, ref) {
    const { state, height, setScrollElement } = useSessionTableContext('SessionTable.Viewport');
    const setRef = useMemo(() => composeRefs(ref, setScrollElement), [ref, setScrollElement]);
    const Comp = asChild ? Slot : 'div';
    return (
      <Comp
        tabIndex={state.rows.length ? -1 : 0}
        {...rest}
        ref={setRef}
        className={cx('al-session-table__scroll', className)}
        style={{ height, overflow: 'auto', position: 'relative', ...style }}
      />
    );
  },
);

/** The `<table>`: its accessible name, row count and busy state. */
export const Table = forwardRef<HTMLTableElement, ComponentPropsWithoutRef<'table'>>(
  function SessionTableTable({ className, ...rest }, ref) {
    const { state, messages } = useSessionTableContext('SessionTable.Table');
    const { count, rows, hasMore } = state;
    const total = count.count && !count.atLeast ? count.total : rows.length + (hasMore ? 1 : 0);
    return (
      <table
        {...rest}
        aria-label={rest['aria-label'] ?? messages.sessionTable.label}
        ref={ref}
        className={cx('al-table', className)}
        aria-rowcount={total + 1}
        aria-busy={state.status === 'loading' || state.loadingMore}
      />
    );
  },
);

export interface SessionTableHeaderProps<
  TFeatures extends SessionTableFeatures = SessionTableFeatures,
> extends Omit<ComponentPropsWithoutRef<'thead'>, 'children'> {
  /**
   * Renders one header cell (default `<SessionTable.HeaderCell header={header} />`). A table
   * given `features={{ rowSelectionFeature }}` may type its headers
   * `SessionTableHeader<SessionTableSelectionFeatures>`.
   */
  children?: (header: SessionTableHeader<TFeatures>) => ReactNode;
}

/** The `<thead>`: one header cell per visible column. */
export const Header = forwardRef<HTMLTableSectionElement, SessionTableHeaderProps>(
  function SessionTableHeader({ className, children, ...rest }, ref) {
    const { state } = useSessionTableContext('SessionTable.Header');
    return (
      <thead {...rest} ref={ref} className={cx('al-table__head', className)}>
        {state.table.getHeaderGroups().map((group) => (
          <tr key={group.id} aria-rowindex={1}>
            {group.headers.map((header) => (
              <Fragment key={header.id}>
                {children ? children(header) : <HeaderCell header={header} />}
              </Fragment>
            ))}
          </tr>
        ))}
      </thead>
    );
  },
) as HeaderPart;

export interface SessionTableHeaderCellProps<
  TFeatures extends SessionTableFeatures = SessionTableFeatures,
> extends ComponentPropsWithoutRef<'th'> {
  header: SessionTableHeader<TFeatures>;
}

/**
 * A column's header: its label, a sort button when it sorts (`aria-sort`), the select-all
 * checkbox for the selection column.
 */
export const HeaderCell = forwardRef<HTMLTableCellElement, SessionTableHeaderCellProps>(
  function SessionTableHeaderCell({ header, className, children, ...rest }, ref) {
    const { state, messages } = useSessionTableContext('SessionTable.HeaderCell');
    const column = header.column;
    const label = columnLabel(messages, column.id);
    const classes = cx('al-table__header', `al-col-${column.id}`, className);
    if (column.id === 'select' && state.enableRowSelection) {
      // The select column exists only with selection on, so the feature is registered.
      const table = state.table as unknown as TanStackTable<SessionTableSelectionFeatures, Session>;
      return (
        <th scope="col" {...rest} ref={ref} className={classes}>
          {children ?? (
            <input
              type="checkbox"
              aria-label={messages.sessionTable.selectAll}
              checked={table.getIsAllRowsSelected()}
              ref={(el) => {
                if (el) el.indeterminate = table.getIsSomeRowsSelected();
              }}
              onChange={(e) => table.toggleAllRowsSelected(e.target.checked)}
            />
          )}
        </th>
      );
    }
    const sorted = column.getIsSorted();
    const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined;
    if (!column.getCanSort()) {
      return (
        <th scope="col" {...rest} ref={ref} className={classes}>
          {children ?? label}
        </th>
      );
    }
    const onClick = () => {
      if (state.manualSorting) {
        // The server ranks by recency or significance, newest / most significant first.
        state.setRankBy(column.id === 'significance' ? 'significance' : 'recent');
        return;
      }
      column.toggleSorting(undefined, false);
    };
    const Icon =
      sorted === 'asc' ? SortAscendingIcon : sorted === 'desc' ? SortDescendingIcon : SortableIcon;
    return (
      <th scope="col" aria-sort={ariaSort} {...rest} ref={ref} className={classes}>
        <button
          type="button"
          className="al-table__sort"
          onClick={onClick}
          data-state={sorted || undefined}
        >
          {children ?? label}
          <Icon className="al-table__sort-icon" />
        </button>
      </th>
    );
  },
) as HeaderCellPart;

export interface SessionTableBodyProps<
  TFeatures extends SessionTableFeatures = SessionTableFeatures,
> extends Omit<ComponentPropsWithoutRef<'tbody'>, 'children'> {
  /**
   * Renders one row (default `<SessionTable.Row row={row} index={index} />`). Only the rows in
   * view (and a few around) are rendered. A table given `features={{ rowSelectionFeature }}`
   * may type its rows `SessionTableRow<SessionTableSelectionFeatures>` (`row.getIsSelected()`).
   */
  children?: (row: SessionTableRow<TFeatures>, index: number) => ReactNode;
}

/**
 * The `<tbody>`, virtualised: the rows in view between two spacer rows, more pages asked for
 * near the end, and the keyboard (arrows, Page Up/Down, Home/End move; Enter and Space open).
 */
export const Body = forwardRef<HTMLTableSectionElement, SessionTableBodyProps>(
  function SessionTableBody({ children, onKeyDown: onKeyDownProp, ...rest }, ref) {
    const context = useSessionTableContext('SessionTable.Body');
    const { state, rowHeight, height, scrollElement, messages, onRowClick, activeSessionId } =
      context;
    const { rows, hasMore, loadingMore, status, loadMore } = state;
    // Stable callbacks: a new estimateSize on every render would make the virtualizer rebuild the
    // measurements of every row (100,000 objects) on every scroll frame.
    const getScrollElement = useCallback(() => scrollElement, [scrollElement]);
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
    const rowCount = rows.length;
    const focusRow = (index: number) => {
      const next = Math.max(0, Math.min(rowCount - 1, index));
      setFocusIndex(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
      focusLater(() => scrollElement, `tr[data-index="${next}"]`);
    };
    const onKeyDown = composeHandlers(
      onKeyDownProp,
      (event: KeyboardEvent<HTMLTableSectionElement>) => {
        const target = event.target as HTMLElement;
        const row = target.closest('tr[data-index]');
        if (!row || row !== target) return;
        const index = Number(row.getAttribute('data-index'));
        const page = Math.max(1, Math.floor((scrollElement?.clientHeight ?? 400) / rowHeight) - 1);
        const to = keyMove(event.key, index, page, rowCount);
        if (to !== undefined) {
          event.preventDefault();
          focusRow(to);
        } else if ((event.key === 'Enter' || event.key === ' ') && context.hasRowClick) {
          event.preventDefault();
          const session = rows[index]?.original;
          if (session) onRowClick(session);
        }
      },
    );

    const rowContext = useMemo<RowContextValue>(
      () => ({
        messages,
        rowHeight,
        selectable: state.enableRowSelection,
        activeSessionId,
        focusIndex,
        setFocusIndex,
        onRowClick,
        rowSelection: state.rowSelection,
        columnVisibility: state.columnVisibility,
      }),
      [
        messages,
        rowHeight,
        state.enableRowSelection,
        activeSessionId,
        focusIndex,
        onRowClick,
        state.rowSelection,
        state.columnVisibility,
      ],
    );

    const columns = state.table.getVisibleLeafColumns().length;
    const paddingTop = items[0]?.start ?? 0;
    const paddingBottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
    return (
      <RowContext.Provider value={rowContext}>
        <tbody {...rest} ref={ref} onKeyDown={onKeyDown}>
          {paddingTop > 0 ? (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row, never focused.
            <tr aria-hidden="true" style={{ height: paddingTop }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <Fragment key={row.id}>
                {children ? children(row, item.index) : <Row row={row} index={item.index} />}
              </Fragment>
            );
          })}
          {paddingBottom > 0 ? (
            // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a spacer row, never focused.
            <tr aria-hidden="true" style={{ height: paddingBottom }}>
              <td colSpan={columns} />
            </tr>
          ) : null}
        </tbody>
      </RowContext.Provider>
    );
  },
) as BodyPart;

export interface SessionTableRowProps<TFeatures extends SessionTableFeatures = SessionTableFeatures>
  extends ComponentPropsWithoutRef<'tr'> {
  row: SessionTableRow<TFeatures>;
  /** The row's index in the table (the Body's render function gives it). */
  index: number;
  /** Render the host's own element (its props merged) instead of a `<tr>`. */
  asChild?: boolean;
}

/**
 * One row: focusable (one tab stop for the table), `aria-selected` with selection on,
 * `data-state="selected"` when selected (also with the checkboxes off: a host's selection),
 * `aria-current` / `data-active` for the active session; a click opens it (`onRowClick`)
 * unless it was on a control, or the host's `onClick` called `preventDefault()`. Default
 * content: a `SessionTable.Cell` per visible column. Memoised: while scrolling, rows that stay
 * in view are not rendered again.
 */
const SessionRow = forwardRef<HTMLTableRowElement, SessionTableRowProps>(function SessionTableRow(
  { row, index, asChild, className, style, onClick, onFocus, children, ...rest },
  ref,
) {
  const context = useRowContext('SessionTable.Row');
  const session = row.original;
  const active = context.activeSessionId === session.id;
  // The selection is shown whether or not the user may change it (`enableRowSelection`).
  const selected = context.rowSelection[row.id] === true;
  const Comp = asChild ? Slot : 'tr';
  return (
    <Comp
      data-index={index}
      aria-rowindex={index + 2}
      aria-selected={context.selectable ? selected : undefined}
      aria-current={active ? 'true' : undefined}
      data-active={active ? '' : undefined}
      data-state={selected ? 'selected' : undefined}
      data-status={session.status}
      tabIndex={context.focusIndex === index ? 0 : -1}
      {...rest}
      ref={ref}
      className={cx('al-table__row', className)}
      style={{ height: context.rowHeight, ...style }}
      onFocus={composeHandlers(onFocus, () => context.setFocusIndex(index))}
      onClick={composeHandlers(onClick, (event) => {
        if ((event.target as HTMLElement).closest('button, input, a')) return;
        context.onRowClick(session);
      })}
    >
      {children ?? row.getVisibleCells().map((cell) => <Cell key={cell.id} cell={cell} />)}
    </Comp>
  );
});

export const Row = memo(SessionRow) as unknown as RowPart;

export interface SessionTableCellProps<
  TFeatures extends SessionTableFeatures = SessionTableFeatures,
> extends ComponentPropsWithoutRef<'td'> {
  cell: SessionTableCell<TFeatures>;
  asChild?: boolean;
}

/** One cell (`al-col-<column id>`); default content: the column's formatted value. */
export const Cell = forwardRef<HTMLTableCellElement, SessionTableCellProps>(
  function SessionTableCell({ cell, asChild, className, children, ...rest }, ref) {
    const { messages } = useRowContext('SessionTable.Cell');
    const Comp = asChild ? Slot : 'td';
    return (
      <Comp
        {...rest}
        ref={ref}
        className={cx('al-table__cell', `al-col-${cell.column.id}`, className)}
      >
        {children ?? <CellContent cell={cell} messages={messages} />}
      </Comp>
    );
  },
) as CellPart;

export interface SessionTableStatusProps extends DivProps {}

/**
 * The table's state as a message: loading, the error (with Retry when it can reload), nothing
 * matching, and loading more.
 */
export const Status = forwardRef<HTMLDivElement, SessionTableStatusProps>(
  function SessionTableStatus({ className, ...rest }, ref) {
    const { state, messages } = useSessionTableContext('SessionTable.Status');
    const m = messages.sessionTable;
    const classes = cx('al-session-table__message', className);
    const main =
      state.status === 'loading' ? (
        <div role="status" {...rest} ref={ref} className={classes}>
          {m.loading}
        </div>
      ) : state.status === 'error' ? (
        <div role="alert" {...rest} ref={ref} className={classes} data-state="error">
          {m.error(state.error?.message ?? messages.common.unknownError)}
          {state.reload ? (
            <button type="button" className="al-button" onClick={state.reload}>
              {messages.common.retry}
            </button>
          ) : null}
        </div>
      ) : state.rows.length === 0 ? (
        <div role="status" {...rest} ref={ref} className={classes}>
          {m.empty}
        </div>
      ) : null;
    return (
      <>
        {main}
        {state.loadingMore ? (
          <div className="al-session-table__more" role="status">
            {m.loadingMore}
          </div>
        ) : null}
      </>
    );
  },
);

function CellContent({
  cell,
  messages,
}: {
  cell: SessionTableCell;
  messages: Messages;
}): ReactNode {
  const session = cell.row.original;
  const common = messages.common;
  switch (cell.column.id) {
    case 'select': {
      // The select column exists only with selection on (the feature registered).
      const row = selectable(cell.row);
      return (
        <input
          type="checkbox"
          aria-label={messages.sessionTable.selectRow(session.id)}
          checked={row.getIsSelected()}
          disabled={!row.getCanSelect()}
          onChange={(e) => row.toggleSelected(e.target.checked)}
        />
      );
    }
    case 'actor':
      return (
        <span className="al-actor" data-actor-type={session.actor.type}>
          <span className="al-actor__name">{formatActor(session.actor)}</span>
          <span className="al-badge al-badge--muted">
            {common.actorType[session.actor.type] ?? session.actor.type}
          </span>
        </span>
      );
    case 'resource': {
      const type = common.resourceType[session.resource.type] ?? session.resource.type;
      return (
        <span className="al-resource">
          <span className="al-resource__name">{session.resource.name}</span>
          <span className="al-resource__type">
            {session.resource.engine ? `${type} · ${session.resource.engine}` : type}
          </span>
        </span>
      );
    }
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
      return <SessionId id={session.id} messages={messages} />;
    case 'startedAt':
      return <time dateTime={session.startedAt}>{formatTime(session.startedAt)}</time>;
    case 'duration':
      return session.status === 'active' && session.durationMs === null ? (
        <span className="al-live">{common.live}</span>
      ) : (
        common.duration(session.durationMs)
      );
    case 'status':
      return (
        <span className="al-badge al-status" data-status={session.status}>
          {common.status[session.status] ?? statusLabel(session.status)}
        </span>
      );
    case 'cost':
      return common.cost(session.usage.costUsd);
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
            aria-label={messages.sessionTable.significance(score)}
          />
          <span>{common.number(Math.round(score))}</span>
        </span>
      );
    }
    default:
      return null;
  }
}

function SessionId({ id, messages }: { id: string; messages: Messages }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const m = messages.sessionTable;
  return (
    <span className="al-session-id">
      <code title={id}>{id.length > 14 ? `${id.slice(0, 10)}…${id.slice(-4)}` : id}</code>
      <button
        type="button"
        className="al-icon-button"
        aria-label={
          copied === 'copied' ? m.copiedId : copied === 'failed' ? m.copyFailed : m.copyId(id)
        }
        data-state={copied}
        onClick={async () => setCopied((await copyText(id)) ? 'copied' : 'failed')}
      >
        {copied === 'copied' ? <CheckIcon /> : copied === 'failed' ? <CrossIcon /> : <CopyIcon />}
      </button>
    </span>
  );
}
