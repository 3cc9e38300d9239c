import type { Session } from '@auditlane/client';
import {
  createSortedRowModel,
  type RowModel,
  type Table,
  type TableFeatures,
} from '@tanstack/table-core';
import type { SortingState } from './session-table.types';
import { SESSION_ORDER } from './use-session-table';

const NO_SORTING: SortingState = [];

/**
 * The browser's sort, for sessions given directly (`features={{ sortedRowModel }}`): TanStack
 * Table's sorted row model (`createSortedRowModel()`) in the feature slot of that name. Sessions
 * loaded through the provider are sorted by the server (`manualSorting`), so a table that only
 * shows those leaves this code out of its bundle.
 *
 * Sessions usually arrive in the order asked for (newest first): then sorting them again is
 * skipped (an O(n) check instead of an O(n log n) sort).
 */
export function sortedRowModel<TFeatures extends TableFeatures>(
  table: Table<TFeatures, Session>,
): () => RowModel<TFeatures, Session> {
  const sorted = createSortedRowModel<TFeatures, Session>()(table);
  let checked: { rows: unknown; sorting: unknown; ordered: boolean } | null = null;
  return () => {
    const presorted = table.getPreSortedRowModel();
    // The sorting slice's atom (read as TanStack's own sorted row model reads it).
    const atoms: { sorting?: { get: () => SortingState } } = table.atoms;
    const sorting = atoms.sorting?.get() ?? NO_SORTING;
    if (checked?.rows !== presorted.rows || checked.sorting !== sorting) {
      checked = { rows: presorted.rows, sorting, ordered: isOrdered(presorted.rows, sorting) };
    }
    return checked.ordered ? presorted : sorted();
  };
}

/** The rows are already in this order (then the table need not sort them). */
function isOrdered(rows: readonly { original: Session }[], sorting: SortingState): boolean {
  const only = sorting.length === 1 ? sorting[0] : undefined;
  const order = only ? SESSION_ORDER[only.id] : undefined;
  if (!only || !order) return sorting.length === 0;
  const sign = only.desc ? -1 : 1;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as { original: Session };
    const b = rows[i] as { original: Session };
    if (sign * order(a.original, b.original) > 0) return false;
  }
  return true;
}
