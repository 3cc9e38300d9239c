import type { Count, Session } from '@auditlane/client';
import { formatActor } from '@auditlane/client/helpers';
import {
  type ColumnDef,
  columnVisibilityFeature,
  type Row,
  type rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/table-core';
import { useCallback, useMemo, useState } from 'react';
import { useControllable } from '../internal/use-controllable';
import { sessionTableMessages } from '../provider/session-table.messages';
import type {
  ColumnVisibilityState,
  RankBy,
  RowSelectionState,
  SessionColumnId,
  SessionTableCount,
  SessionTableOptionalFeatures,
  SortingState,
  UseSessionTableOptions,
} from './session-table.types';
import type { sortedRowModel } from './sorted-row-model';
import { type CoreTable, useTableCore } from './use-table-core';

/**
 * The features every sessions table registers (one declaration, for the columns'
 * types): sorting state and column visibility. Row selection and the browser's sort are
 * opt-in (`features`).
 */
export const sessionTableFeatures = tableFeatures({
  rowSortingFeature,
  columnVisibilityFeature,
  sortFns: {},
});

export type SessionTableFeatures = typeof sessionTableFeatures;

/** The features of a table given `features={{ rowSelectionFeature }}`: rows can be selected. */
export type SessionTableSelectionFeatures = SessionTableFeatures & {
  rowSelectionFeature: typeof rowSelectionFeature;
};

/** The features of a table given `features={{ sortedRowModel }}`: the browser sorts its rows. */
export type SessionTableSortedFeatures = SessionTableFeatures & {
  sortedRowModel: typeof sortedRowModel;
};

/**
 * The features a table registers given these optional ones, as its types see them: with `{
 * rowSelectionFeature }`, its table and rows have the selection methods. (The sorted row model
 * changes no type.)
 */
export type SessionTableFeaturesOf<TOptional extends SessionTableOptionalFeatures> =
  TOptional extends { rowSelectionFeature: typeof rowSelectionFeature }
    ? SessionTableSelectionFeatures
    : SessionTableFeatures;

/**
 * Who uses the table, as its errors name it and its options: the hook (`features: { ... }`) or
 * the component (`features={{ ... }}`).
 */
export type SessionTableCaller = 'useSessionTable' | 'SessionTable';

/** How the caller passes a feature (and where it comes from). */
function pass(caller: SessionTableCaller, feature: string, why = ''): string {
  return `${caller === 'SessionTable' ? `features={{ ${feature} }}` : `features: { ${feature} }`} (${why}import { ${feature} } from '@auditlane/react/session-table')`;
}

/**
 * The table's features: the default ones, and row selection and the sorted row model when the
 * host registered them. Throws when selection is asked for without its feature, and when
 * nobody sorts (never a silent no-op).
 */
function useFeatures(
  options: UseSessionTableOptions,
  caller: SessionTableCaller,
): {
  features: SessionTableFeatures;
  selection: boolean;
} {
  const selection = options.features?.rowSelectionFeature;
  const sorted = options.features?.sortedRowModel;
  // TanStack registers a table's features once, when it is made.
  const [registered] = useState({ selection, sorted });
  if (registered.selection !== selection || registered.sorted !== sorted) {
    throw new Error(
      `${caller}: \`features\` changed after the first render: a table registers them once (a new \`key\` makes a new table)`,
    );
  }
  if (!selection) {
    const asked = (
      ['enableRowSelection', 'rowSelection', 'defaultRowSelection', 'onRowSelectionChange'] as const
    ).find((name) => options[name] !== undefined && options[name] !== false);
    if (asked) {
      throw new Error(`${caller}: \`${asked}\` needs ${pass(caller, 'rowSelectionFeature')}`);
    }
  }
  if (!sorted && !options.manualSorting) {
    throw new Error(
      `${caller}: sessions given directly need a sort: \`manualSorting${caller === 'SessionTable' ? '' : ': true'}\` (the host sorts them, \`onSortingChange\` asks it to) or ${pass(caller, 'sortedRowModel', 'the browser sorts them; ')}`,
    );
  }
  const features = useMemo(
    () =>
      tableFeatures({
        ...sessionTableFeatures,
        ...(selection ? { rowSelectionFeature: selection } : {}),
        ...(sorted ? { sortedRowModel: sorted } : {}),
      }),
    [selection, sorted],
  );
  return { features, selection: selection !== undefined };
}

/**
 * The data columns: id, value (what `getValue()` gives), newest / largest first. The value does
 * not order the rows: `SESSION_ORDER` does. Their headers are the English column names.
 */
const DATA_COLUMNS: [SessionColumnId, (s: Session) => string | number, true?][] = [
  ['actor', (s) => formatActor(s.actor)],
  ['resource', (s) => s.resource.name],
  ['environment', (s) => s.resource.environment],
  ['id', (s) => s.id],
  ['startedAt', (s) => s.startedAt, true],
  ['duration', (s) => s.durationMs ?? -1, true],
  ['status', (s) => s.status],
  ['cost', (s) => s.usage.costUsd, true],
  ['significance', (s) => s.significance?.score ?? -1, true],
];

const HEADERS = sessionTableMessages.column;

/** Column definitions without cells (the component adds cells): ids, accessors, sorting. */
export function sessionColumns(
  enableRowSelection: boolean,
  manualSorting: boolean,
  // biome-ignore lint/suspicious/noExplicitAny: columns of several value types, as TanStack types them.
): ColumnDef<SessionTableFeatures, Session, any>[] {
  // Plain definitions: what TanStack's column helper would return for them.
  const cols = DATA_COLUMNS.map(
    ([id, accessorFn, sortDescFirst]): ColumnDef<SessionTableFeatures, Session, unknown> => ({
      id,
      header: HEADERS[id],
      accessorFn,
      sortUndefined: false,
      sortFn: (a, b) => (SESSION_ORDER[id] as Order)(a.original, b.original),
      sortDescFirst,
      // The server ranks only by start time or significance.
      enableSorting: !manualSorting || id === 'startedAt' || id === 'significance',
      // The actor names the row: it is never hidden.
      enableHiding: id !== 'actor',
    }),
  );
  if (!enableRowSelection) return cols;
  return [
    { id: 'select', header: HEADERS.select, enableSorting: false, enableHiding: false },
    ...cols,
  ];
}

/**
 * How each column orders sessions. Sort functions read the sessions directly, and no value is
 * ever undefined (sortUndefined: false), so comparisons skip the cells' value cache: sorting
 * 100,000 rows makes about 1.7M of them.
 */
const by =
  <T extends string | number>(key: (s: Session) => T) =>
  (a: Session, b: Session) =>
    compare(key(a), key(b));

type Order = (a: Session, b: Session) => number;

export const SESSION_ORDER: Record<string, Order> = {
  actor: by((s) => formatActor(s.actor).toLowerCase()),
  resource: by((s) => s.resource.name.toLowerCase()),
  environment: by((s) => s.resource.environment),
  id: by((s) => s.id),
  startedAt: (a, b) => compareTimes(a.startedAt, b.startedAt),
  duration: by((s) => s.durationMs ?? -1),
  status: by((s) => s.status),
  cost: by((s) => s.usage.costUsd),
  significance: by((s) => s.significance?.score ?? -1),
};

function compare<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO timestamps: as strings when both are UTC in the same form (the usual case), else parsed. */
function compareTimes(a: string, b: string): number {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return compare(a, b);
  return compare(Date.parse(a), Date.parse(b));
}

export const DEFAULT_SORTING: SortingState = [{ id: 'startedAt', desc: true }];
const EMPTY_VISIBILITY: ColumnVisibilityState = {};
const EMPTY_SELECTION: RowSelectionState = {};

/** The ranking a sorting stands for: significance first, or newest first. */
export function rankOf(sorting: SortingState): RankBy {
  return sorting[0]?.id === 'significance' ? 'significance' : 'recent';
}

/** What `useSessionTable` gives: the TanStack table, its rows and the loading state. */
export interface UseSessionTableResult<
  TFeatures extends SessionTableFeatures = SessionTableFeatures,
> {
  /** The TanStack table (its selection methods with `features: { rowSelectionFeature }`). */
  table: CoreTable<TFeatures, Session>;
  /** The rows in the table's order. */
  rows: Row<TFeatures, Session>[];
  sessions: Session[];
  manualSorting: boolean;
  status: 'loading' | 'success' | 'error';
  error: Error | null;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  reload: (() => void) | null;
  count: SessionTableCount;
  rankBy: RankBy;
  setRankBy: (next: RankBy) => void;
  /** Rows can be selected: `enableRowSelection` with the row selection feature registered. */
  enableRowSelection: boolean;
  /**
   * The state objects (new ones on each change): what the rows depend on. The selection is
   * empty without the row selection feature.
   */
  rowSelection: RowSelectionState;
  columnVisibility: ColumnVisibilityState;
  sorting: SortingState;
}

/**
 * The sessions table without markup and without fetching: a TanStack table (sorting, column
 * visibility; the browser's sort with `features: { sortedRowModel }`, row selection with
 * `features: { rowSelectionFeature }`) over the sessions it is given, with their loading state.
 * The parts (`SessionTable.Root`, ...) render it; a host with its own data layer can use it
 * alone. The result is typed from `features`: given `{ rowSelectionFeature }`, its table and
 * rows have the selection methods (`getSelectedRowModel`, `getIsSelected`, ...).
 */
export function useSessionTable<
  TOptional extends SessionTableOptionalFeatures = SessionTableOptionalFeatures,
>(
  options: UseSessionTableOptions<TOptional>,
): UseSessionTableResult<SessionTableFeaturesOf<TOptional>> {
  // The features decide the table's types; the state is the same whichever they are.
  return useSessionTableOf(options, 'useSessionTable') as unknown as UseSessionTableResult<
    SessionTableFeaturesOf<TOptional>
  >;
}

/** `useSessionTable` for a caller its errors name (the component passes its own name). */
export function useSessionTableOf(
  options: UseSessionTableOptions,
  caller: SessionTableCaller,
): UseSessionTableResult {
  const manualSorting = options.manualSorting ?? false;
  const [sorting, setSorting] = useControllable(
    options.sorting,
    options.defaultSorting ?? DEFAULT_SORTING,
    options.onSortingChange,
  );
  const [columnVisibility, setColumnVisibility] = useControllable(
    options.columnVisibility,
    options.defaultColumnVisibility ?? EMPTY_VISIBILITY,
    options.onColumnVisibilityChange,
  );
  const { features, selection } = useFeatures(options, caller);
  const [rowSelection, setRowSelection] = useControllable(
    options.rowSelection,
    options.defaultRowSelection ?? EMPTY_SELECTION,
    options.onRowSelectionChange,
  );
  const enableRowSelection = selection && (options.enableRowSelection ?? false);
  const rankBy: RankBy = rankOf(sorting);

  const data = options.sessions as Session[];
  const sorted = options.features?.sortedRowModel;
  // Sessions usually arrive in the order asked for (newest first): then TanStack does not sort.
  const presorted = useMemo(
    () => !manualSorting && typeof sorted?.inOrder === 'function' && sorted.inOrder(data, sorting),
    [manualSorting, sorted, data, sorting],
  );
  const columns = useMemo(
    () => sessionColumns(enableRowSelection, manualSorting),
    [enableRowSelection, manualSorting],
  );

  // Selection's state and options whenever its feature is registered (the types of the base
  // features have none of them): with `enableRowSelection` off, the user cannot change the
  // selection, the host still shows and changes it.
  const selectionOptions = selection
    ? { enableRowSelection, onRowSelectionChange: setRowSelection }
    : {};
  const tableState = selection
    ? { sorting, columnVisibility, rowSelection }
    : { sorting, columnVisibility };
  const table = useTableCore({
    features,
    columns,
    data,
    getRowId: (s: Session) => s.id,
    state: tableState,
    onSortingChange: setSorting,
    onColumnVisibilityChange: setColumnVisibility,
    ...selectionOptions,
    // The server (or the host) sorts what it pages through; the browser sorts what it was
    // given (the sorted row model, `features`), unless it came in that order already.
    manualSorting: manualSorting || presorted,
    enableSortingRemoval: false,
  });

  const status: 'loading' | 'success' | 'error' = options.error
    ? 'error'
    : options.loading
      ? 'loading'
      : 'success';
  const error = options.error ?? null;
  const hasMore = options.hasMore ?? false;
  const loadingMore = options.loadingMore ?? false;
  const loadMore = options.onLoadMore ?? noop;
  const reload = options.onReload ?? null;

  const given = options.totalCount;
  const count: SessionTableCount = useMemo(() => {
    const c: Count | null =
      typeof given === 'number' ? { mode: 'exact', value: given, capped: false } : (given ?? null);
    if (!c || c.value === null) {
      return { total: data.length, atLeast: hasMore, count: c };
    }
    return { total: c.value, atLeast: c.capped, count: c };
  }, [given, data.length, hasMore]);

  const setRankBy = useCallback(
    (next: RankBy) =>
      setSorting(next === 'significance' ? [{ id: 'significance', desc: true }] : DEFAULT_SORTING),
    [setSorting],
  );

  return {
    table,
    rows: table.getRowModel().rows,
    sessions: data,
    manualSorting,
    status,
    error,
    hasMore,
    loadingMore,
    loadMore,
    reload,
    count,
    rankBy,
    setRankBy,
    enableRowSelection,
    rowSelection,
    columnVisibility,
    sorting,
  };
}

function noop() {}
