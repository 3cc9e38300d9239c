'use client';
export { SessionTable } from './session-table';
export type {
  ColumnVisibilityState,
  RankBy,
  RowSelectionState,
  SessionColumnId,
  SessionTableCount,
  SessionTableProps,
  SortingState,
  UseSessionTableOptions,
} from './session-table.types';
export {
  type SessionTableFeatures,
  sessionColumns,
  sessionTableFeatures,
  type UseSessionTableResult,
  useSessionTable,
} from './use-session-table';
