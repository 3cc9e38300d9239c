import type { Count, Session, SessionListParams } from '@auditlane/client';
import type {
  ColumnVisibilityState,
  RowSelectionState,
  rowSelectionFeature,
  SortingState,
} from '@tanstack/table-core';
import type { MessagesOverride } from '../provider/messages';
import type { sortedRowModel } from './sorted-row-model';

/** The columns of the sessions table, by id (named where their headers are worded). */
export type { SessionColumnId } from '../provider/session-table.messages';
export type { ColumnVisibilityState, RowSelectionState, SortingState };

/**
 * TanStack Table features a host registers for the table, beyond sorting and column
 * visibility: each is imported only by the hosts that use it (the others' bundles leave it
 * out). Fixed for the table's life (TanStack registers features when the table is made).
 */
export interface SessionTableOptionalFeatures {
  /**
   * The browser's sort of sessions given directly (TanStack's sorted row model): `import {
   * sortedRowModel } from '@auditlane/react/session-table'`. A table given sessions needs it,
   * or `manualSorting` (the host sorts).
   */
  sortedRowModel?: typeof sortedRowModel;
  /**
   * Row selection (`enableRowSelection`, `rowSelection`, ...): `import { rowSelectionFeature }
   * from '@auditlane/react/session-table'`.
   */
  rowSelectionFeature?: typeof rowSelectionFeature;
}

/** Newest first, or the sessions that most deserve a look first. */
export type RankBy = 'recent' | 'significance';

export interface UseSessionTableOptions<
  TOptional extends SessionTableOptionalFeatures = SessionTableOptionalFeatures,
> {
  /** The sessions to show (the hook never fetches: the default component's Root does). */
  sessions: readonly Session[];
  /**
   * The sessions come ordered by whoever pages through them (a server, or the host): the table
   * does not sort them, only "started" and "significance" can be chosen (`rankBy`), and a
   * sortable header asks for that ranking (`onSortingChange`). Without it, the browser sorts
   * what it is given, with `features={{ sortedRowModel }}`; a table with neither throws.
   */
  manualSorting?: boolean;

  sorting?: SortingState;
  defaultSorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;

  columnVisibility?: ColumnVisibilityState;
  defaultColumnVisibility?: ColumnVisibilityState;
  onColumnVisibilityChange?: (visibility: ColumnVisibilityState) => void;

  /**
   * Opt-in TanStack Table features: `{ sortedRowModel }` for the browser's sort, `{
   * rowSelectionFeature }` for row selection. Without the latter, the selection options below
   * throw an error naming what to import. The hook's result is typed from it: with `{
   * rowSelectionFeature }`, its table and rows have the selection methods.
   */
  features?: TOptional;

  /**
   * Selected rows by session id (needs `features={{ rowSelectionFeature }}`). Shown on the rows
   * (`data-state="selected"`) even with `enableRowSelection` off: a selection the host makes
   * elsewhere.
   */
  rowSelection?: RowSelectionState;
  defaultRowSelection?: RowSelectionState;
  onRowSelectionChange?: (selection: RowSelectionState) => void;
  /**
   * Show the selection column (checkboxes, select all) and let the user select rows
   * (`aria-selected`). Default false. Needs `features={{ rowSelectionFeature }}`. Off, with
   * the feature registered, the selection is still there (`rowSelection`,
   * `onRowSelectionChange`, the table's selection methods): only the user cannot change it.
   */
  enableRowSelection?: boolean;

  /** The sessions are being loaded (first page). */
  loading?: boolean;
  /** Loading them failed. */
  error?: Error | null;
  /** There are more to load (`onLoadMore` is called near the end). */
  hasMore?: boolean;
  /** A further page is being loaded. */
  loadingMore?: boolean;
  onLoadMore?: () => void;
  /** Loads again after an error (shows a Retry button). */
  onReload?: () => void;
  /**
   * How many there are in all, when known: a number (exact), or the API's count (`capped`: at
   * least that many).
   */
  totalCount?: number | Count | null;
}

/** What the default SessionTable (and `SessionTable.Root`) takes. */
export interface SessionTableProps extends Omit<UseSessionTableOptions, 'sessions'> {
  /**
   * The sessions to show, for hosts with their own backend, sorted in the browser
   * (`features={{ sortedRowModel }}`) or by the host (`manualSorting` and `onSortingChange`).
   * Without it, sessions are loaded page by page through the provider's client (`params`),
   * sorted by the server.
   */
  sessions?: readonly Session[];
  /** Filters of the server-side list (without `sort` and `cursor`). */
  params?: Omit<SessionListParams, 'sort' | 'cursor'>;
  /** Sessions per page fetched from the server. Default 100. */
  pageSize?: number;
  /** Re-read the first page every this many ms (new sessions appear, statuses update). Off by default. */
  refreshMs?: number;
  /** Called when a row is activated (click, Enter). */
  onRowClick?: (session: Session) => void;
  /** Marks the row of this session as current (`aria-current`, `data-active`). */
  activeSessionId?: string | null;
  /** Row height in px (rows are virtualised). Default 44. */
  rowHeight?: number;
  /** Height of the scrolling area (CSS length). Default 480px. */
  height?: number | string;
  /** Translations, merged over the provider's messages. Keep the object stable. */
  messages?: MessagesOverride;
  /** Hide the toolbar (count, ranking, columns menu). Only the default composition. */
  hideToolbar?: boolean;
  className?: string;
  /** The table's accessible name. Default `messages.sessionTable.label` ("Sessions"). */
  'aria-label'?: string;
}

export interface SessionTableCount {
  /** How many there are, as far as known (at least the loaded ones). */
  total: number;
  /** There are more than `total` ("1,000+ sessions"). */
  atLeast: boolean;
  /** The server's count, or the exact count given; null when unknown. */
  count: Count | null;
}
