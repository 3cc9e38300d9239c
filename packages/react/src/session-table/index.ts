'use client';
// Row selection is opt-in: hosts that select rows register it (`features={{ rowSelectionFeature }}`),
// the others' bundles leave it out.
export { rowSelectionFeature } from '@tanstack/table-core';
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
  SessionTableOptionalFeatures,
  SessionTableProps,
  SortingState,
  UseSessionTableOptions,
} from './session-table.types';
export {
  type SessionTableFeatures,
  type SessionTableSelectionFeatures,
  sessionColumns,
  sessionTableFeatures,
  type UseSessionTableResult,
  useSessionTable,
} from './use-session-table';
