import type { Session, SessionListParams } from '@auditlane/client';
import { formatActor } from '@auditlane/client/helpers';
import {
  type ColumnDef,
  columnVisibilityFeature,
  createColumnHelper,
  createSortedRowModel,
  rowSelectionFeature,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useMemo } from 'react';
import { useSessions } from '../data/use-sessions';
import { useControllable } from '../internal/use-controllable';
import type {
  ColumnVisibilityState,
  RankBy,
  RowSelectionState,
  SessionTableCount,
  SortingState,
  UseSessionTableOptions,
} from './session-table.types';

/** The features the sessions table uses (one declaration, for the column helper's types). */
export const sessionTableFeatures = tableFeatures({
  rowSortingFeature,
  columnVisibilityFeature,
  rowSelectionFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, text: sortFn_text },
});

export type SessionTableFeatures = typeof sessionTableFeatures;

const helper = createColumnHelper<SessionTableFeatures, Session>();

/** Column definitions without cells (the component adds cells): ids, accessors, sorting. */
export function sessionColumns(
  enableRowSelection: boolean,
  serverSide: boolean,
  // biome-ignore lint/suspicious/noExplicitAny: columns of several value types, as TanStack types them.
): ColumnDef<SessionTableFeatures, Session, any>[] {
  const serverSortable = (id: string) => !serverSide || id === 'startedAt' || id === 'significance';
  const cols = helper.columns([
    helper.accessor((s) => formatActor(s.actor), {
      id: 'actor',
      header: 'User or agent',
      sortFn: 'text',
      enableSorting: serverSortable('actor'),
      enableHiding: false,
    }),
    helper.accessor((s) => s.resource.name, {
      id: 'resource',
      header: 'Resource',
      sortFn: 'text',
      enableSorting: serverSortable('resource'),
    }),
    helper.accessor((s) => s.resource.environment, {
      id: 'environment',
      header: 'Environment',
      sortFn: 'text',
      enableSorting: serverSortable('environment'),
    }),
    helper.accessor('id', {
      id: 'id',
      header: 'Session',
      sortFn: 'text',
      enableSorting: serverSortable('id'),
    }),
    helper.accessor((s) => Date.parse(s.startedAt), {
      id: 'startedAt',
      header: 'Started',
      sortFn: 'basic',
      sortDescFirst: true,
    }),
    helper.accessor((s) => s.durationMs ?? -1, {
      id: 'duration',
      header: 'Duration',
      sortFn: 'basic',
      sortDescFirst: true,
      enableSorting: serverSortable('duration'),
    }),
    helper.accessor('status', {
      id: 'status',
      header: 'Status',
      sortFn: 'text',
      enableSorting: serverSortable('status'),
    }),
    helper.accessor((s) => s.usage.costUsd, {
      id: 'cost',
      header: 'Cost',
      sortFn: 'basic',
      sortDescFirst: true,
      enableSorting: serverSortable('cost'),
    }),
    helper.accessor((s) => s.significance?.score ?? -1, {
      id: 'significance',
      header: 'Significance',
      sortFn: 'basic',
      sortDescFirst: true,
    }),
  ]);
  if (!enableRowSelection) return cols;
  return [
    helper.display({ id: 'select', header: 'Select', enableSorting: false, enableHiding: false }),
    ...cols,
  ];
}

const DEFAULT_SORTING: SortingState = [{ id: 'startedAt', desc: true }];
const EMPTY_VISIBILITY: ColumnVisibilityState = {};
const EMPTY_SELECTION: RowSelectionState = {};

/**
 * The sessions table without markup: a TanStack table (sorting, column visibility, row
 * selection) over sessions given directly or loaded page by page through the provider's client.
 */
export function useSessionTable(options: UseSessionTableOptions = {}) {
  const serverSide = options.sessions === undefined;
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
  const [rowSelection, setRowSelection] = useControllable(
    options.rowSelection,
    options.defaultRowSelection ?? EMPTY_SELECTION,
    options.onRowSelectionChange,
  );
  const rankBy: RankBy = sorting[0]?.id === 'significance' ? 'significance' : 'recent';

  const listParams = useMemo<SessionListParams>(
    () => ({
      ...options.params,
      sort: rankBy,
      limit: options.pageSize ?? 100,
    }),
    [options.params, rankBy, options.pageSize],
  );
  const remote = useSessions(listParams, { enabled: serverSide });

  const data = serverSide ? remote.sessions : (options.sessions as Session[]);
  const enableRowSelection = options.enableRowSelection ?? false;
  const columns = useMemo(
    () => sessionColumns(enableRowSelection, serverSide),
    [enableRowSelection, serverSide],
  );

  const table = useTable({
    features: sessionTableFeatures,
    columns,
    data,
    getRowId: (s: Session) => s.id,
    state: { sorting, columnVisibility, rowSelection },
    onSortingChange: setSorting,
    onColumnVisibilityChange: setColumnVisibility,
    onRowSelectionChange: setRowSelection,
    enableRowSelection,
    // The server sorts what it pages through; the browser sorts what it was given.
    manualSorting: serverSide,
    enableSortingRemoval: false,
  });

  const status = serverSide
    ? remote.status
    : options.error
      ? 'error'
      : options.loading
        ? 'loading'
        : 'success';
  const error = serverSide ? remote.error : (options.error ?? null);
  const hasMore = serverSide ? remote.hasMore : (options.hasMore ?? false);
  const loadingMore = serverSide ? remote.loadingMore : false;
  const loadMore = serverSide ? remote.loadMore : (options.onLoadMore ?? noop);

  const count: SessionTableCount = useMemo(() => {
    if (serverSide) {
      const c = remote.count;
      if (!c || c.value === null) {
        return {
          count: c,
          label: `${data.length.toLocaleString('en-US')}${hasMore ? '+' : ''} sessions`,
        };
      }
      const n = c.value.toLocaleString('en-US');
      return {
        count: c,
        label: `${n}${c.capped ? '+' : ''} ${c.value === 1 && !c.capped ? 'session' : 'sessions'}`,
      };
    }
    const total = options.totalCount ?? data.length;
    return {
      count: { mode: 'exact', value: total, capped: false },
      label: `${total.toLocaleString('en-US')} ${total === 1 ? 'session' : 'sessions'}`,
    };
  }, [serverSide, remote.count, data.length, hasMore, options.totalCount]);

  const setRankBy = (next: RankBy) =>
    setSorting(next === 'significance' ? [{ id: 'significance', desc: true }] : DEFAULT_SORTING);

  return {
    table,
    rows: table.getRowModel().rows,
    sessions: data,
    serverSide,
    status,
    error,
    hasMore,
    loadingMore,
    loadMore,
    reload: remote.reload,
    count,
    rankBy,
    setRankBy,
  };
}

export type UseSessionTableResult = ReturnType<typeof useSessionTable>;

function noop() {}
