// Type tests (checked by `tsc` in `pnpm typecheck`, never run): the selection methods are typed
// for a table given the row selection feature, and absent for the others.
import type { Session } from '@auditlane/client';
import type { RowSelectionState } from '@tanstack/table-core';
import { expectTypeOf } from 'vitest';
import {
  rowSelectionFeature,
  SessionTable,
  type SessionTableCell,
  type SessionTableHeader,
  type SessionTableRow,
  type SessionTableSelectionFeatures,
  sortedRowModel,
  type UseSessionTableResult,
  useSessionTable,
} from '.';

declare const sessions: Session[];

export function SelectingHost() {
  const selecting = useSessionTable({
    sessions,
    features: { rowSelectionFeature, sortedRowModel },
  });
  expectTypeOf(selecting).toEqualTypeOf<UseSessionTableResult<SessionTableSelectionFeatures>>();
  expectTypeOf(selecting.table.getSelectedRowModel().rows).toEqualTypeOf<
    SessionTableRow<SessionTableSelectionFeatures>[]
  >();
  expectTypeOf(selecting.rows[0]?.getIsSelected()).toEqualTypeOf<boolean | undefined>();
  expectTypeOf(selecting.rowSelection).toEqualTypeOf<RowSelectionState>();
  const row: SessionTableRow<SessionTableSelectionFeatures> | undefined = selecting.rows[0];
  return row?.getIsSelected();
}

export function PlainHost() {
  const plain = useSessionTable({ sessions, manualSorting: true });
  // @ts-expect-error without the row selection feature, the table has no selection methods
  plain.table.getSelectedRowModel();
  // @ts-expect-error nor do its rows
  plain.rows[0]?.getIsSelected();
  return plain.rows.length;
}

export function Parts() {
  return (
    <SessionTable.Root
      sessions={sessions}
      features={{ rowSelectionFeature }}
      manualSorting
      enableRowSelection
    >
      <SessionTable.Header>
        {(header: SessionTableHeader<SessionTableSelectionFeatures>) => (
          <SessionTable.HeaderCell key={header.id} header={header} />
        )}
      </SessionTable.Header>
      <SessionTable.Body>
        {(row: SessionTableRow<SessionTableSelectionFeatures>, index) => (
          <SessionTable.Row row={row} index={index} data-picked={row.getIsSelected() || undefined}>
            {row.getVisibleCells().map((cell: SessionTableCell<SessionTableSelectionFeatures>) => (
              <SessionTable.Cell key={cell.id} cell={cell} />
            ))}
          </SessionTable.Row>
        )}
      </SessionTable.Body>
      <SessionTable.Body>
        {(row, index) => {
          // @ts-expect-error an unannotated row is the base row: no selection methods
          row.getIsSelected();
          return <SessionTable.Row row={row} index={index} />;
        }}
      </SessionTable.Body>
    </SessionTable.Root>
  );
}
