'use client';
export { SessionTable } from './session-table';
export type {
  SessionTableBodyProps,
  SessionTableCell,
  SessionTableCellProps,
  SessionTableHeader,
  SessionTableHeaderCellProps,
  SessionTableHeaderProps,
  SessionTableRootProps,
  SessionTableRow,
  SessionTableRowProps,
  SessionTableStatusProps,
  SessionTableToolbarProps,
  SessionTableViewportProps,
} from './session-table.parts';
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
