import type { Count, Session, SessionListParams } from '@auditlane/client';
import type { ColumnVisibilityState, RowSelectionState, SortingState } from '@tanstack/react-table';

export type { ColumnVisibilityState, RowSelectionState, SortingState };

/** The columns of the sessions table, by id. */
export type SessionColumnId =
  | 'select'
  | 'actor'
  | 'resource'
  | 'environment'
  | 'id'
  | 'startedAt'
  | 'duration'
  | 'status'
  | 'cost'
  | 'significance';

/** Newest first, or the sessions that most deserve a look first. */
export type RankBy = 'recent' | 'significance';

export interface UseSessionTableOptions {
  /**
   * The sessions to show, for hosts with their own backend: sorting happens in the browser.
   * Without it, sessions are loaded page by page through the provider's client (`params`).
   */
  sessions?: readonly Session[];
  /** Filters of the server-side list (without `sort` and `cursor`). */
  params?: Omit<SessionListParams, 'sort' | 'cursor'>;
  /** Sessions per page fetched from the server. Default 100. */
  pageSize?: number;
  /** Re-read the first page every this many ms (new sessions appear, statuses update). Off by default. */
  refreshMs?: number;

  sorting?: SortingState;
  defaultSorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;

  columnVisibility?: ColumnVisibilityState;
  defaultColumnVisibility?: ColumnVisibilityState;
  onColumnVisibilityChange?: (visibility: ColumnVisibilityState) => void;

  /** Selected rows by session id. */
  rowSelection?: RowSelectionState;
  defaultRowSelection?: RowSelectionState;
  onRowSelectionChange?: (selection: RowSelectionState) => void;
  /** Show the selection column. Default false. */
  enableRowSelection?: boolean;

  /** With `sessions`: the host is loading them (first page). */
  loading?: boolean;
  /** With `sessions`: loading them failed. */
  error?: Error | null;
  /** With `sessions`: there are more to load (`onLoadMore` is called near the end). */
  hasMore?: boolean;
  onLoadMore?: () => void;
  /** With `sessions`: how many there are in all, when known. */
  totalCount?: number;
}

export interface SessionTableProps extends UseSessionTableOptions {
  /** Called when a row is activated (click, Enter). */
  onRowClick?: (session: Session) => void;
  /** Marks the row of this session as current (`aria-current`, `data-active`). */
  activeSessionId?: string | null;
  /** Row height in px (rows are virtualised). Default 44. */
  rowHeight?: number;
  /** Height of the scrolling area (CSS length). Default 480px. */
  height?: number | string;
  /** Shown when nothing matches. */
  emptyMessage?: string;
  /** Hide the toolbar (count, ranking, columns menu). */
  hideToolbar?: boolean;
  className?: string;
  'aria-label'?: string;
}

export interface SessionTableCount {
  /** What to show: "1,234 sessions", "1,000+ sessions". */
  label: string;
  count: Count | null;
}
