import type { Session } from '@auditlane/client';
import {
  createSortedRowModel,
  type RowModel,
  type Table,
  type TableFeatures,
} from '@tanstack/table-core';
import type { SortingState } from './session-table.types';
import { SESSION_ORDER } from './use-session-table';

/**
 * The browser's sort, for sessions given directly (`features={{ sortedRowModel }}`): TanStack
 * Table's sorted row model (`createSortedRowModel()`) in the feature slot of that name. Sessions
 * loaded through the provider are sorted by the server (`manualSorting`), so a table that only
 * shows those leaves this code out of its bundle.
 *
 * Sessions usually arrive in the order asked for (newest first): `sortedRowModel.inOrder` tells
 * the table so, and it then keeps TanStack from sorting at all (an O(n) check instead of the
 * sorted row model's work).
 */
export const sortedRowModel = /* @__PURE__ */ Object.assign(
  <TFeatures extends TableFeatures>(
    table: Table<TFeatures, Session>,
  ): (() => RowModel<TFeatures, Session>) => createSortedRowModel<TFeatures, Session>()(table),
  { inOrder },
);

/** The sessions are already in this order (then the table need not sort them). */
function inOrder(sessions: readonly Session[], sorting: SortingState): boolean {
  const only = sorting.length === 1 ? sorting[0] : undefined;
  const order = only ? SESSION_ORDER[only.id] : undefined;
  if (!only || !order) return sorting.length === 0;
  const sign = only.desc ? -1 : 1;
  for (let i = 1; i < sessions.length; i++) {
    if (sign * order(sessions[i - 1] as Session, sessions[i] as Session) > 0) return false;
  }
  return true;
}
