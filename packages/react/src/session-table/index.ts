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
// The browser's sort is opt-in too: tables given sessions directly register it
// (`features={{ sortedRowModel }}`); those sorted by the server leave it out.
export { sortedRowModel } from './sorted-row-model';
export {
  type SessionTableFeatures,
  type SessionTableFeaturesOf,
  type SessionTableSelectionFeatures,
  type SessionTableSortedFeatures,
  sessionColumns,
  sessionTableFeatures,
  type UseSessionTableResult,
  useSessionTable,
} from './use-session-table';
