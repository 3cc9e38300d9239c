// The libraries alone, for comparison: TanStack Table v9 (sorting) + TanStack Virtual, the same
// columns as plain text, no features of ours. What SessionTable costs on top of this is ours.
import type { Session } from '@auditlane/client';
import {
  createColumnHelper,
  createSortedRowModel,
  rowSortingFeature,
  sortFn_basic,
  sortFn_text,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { basic: sortFn_basic, text: sortFn_text },
});
const helper = createColumnHelper<typeof features, Session>();
const columns = helper.columns([
  helper.accessor((s) => s.actor.email ?? s.actor.id, {
    id: 'actor',
    header: 'User',
    sortFn: 'text',
  }),
  helper.accessor((s) => s.resource.name, { id: 'resource', header: 'Resource', sortFn: 'text' }),
  helper.accessor((s) => s.resource.environment, {
    id: 'environment',
    header: 'Environment',
    sortFn: 'text',
  }),
  helper.accessor('id', { header: 'Session', sortFn: 'text' }),
  helper.accessor('startedAt', { header: 'Started', sortFn: 'text' }),
  helper.accessor((s) => s.durationMs ?? -1, {
    id: 'duration',
    header: 'Duration',
    sortFn: 'basic',
  }),
  helper.accessor('status', { header: 'Status', sortFn: 'text' }),
  helper.accessor((s) => s.usage.costUsd, { id: 'cost', header: 'Cost', sortFn: 'basic' }),
  helper.accessor((s) => s.significance?.score ?? -1, {
    id: 'significance',
    header: 'Significance',
    sortFn: 'basic',
  }),
]);

export function BaselineTable({ sessions }: { sessions: Session[] }) {
  const table = useTable({ features, columns, data: sessions, getRowId: (s) => s.id });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 44,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  return (
    <div
      ref={scrollRef}
      className="al-session-table__scroll"
      style={{ height: 600, overflow: 'auto' }}
    >
      <table style={{ width: '100%', tableLayout: 'fixed' }}>
        <thead>
          <tr>
            {table.getFlatHeaders().map((h) => (
              <th key={h.id}>
                <button
                  type="button"
                  className="al-table__sort"
                  onClick={h.column.getToggleSortingHandler()}
                >
                  {String(h.column.columnDef.header)}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <tr style={{ height: top }} /> : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <tr key={row.id} data-index={item.index} style={{ height: 44 }}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id}>{String(cell.getValue())}</td>
                ))}
              </tr>
            );
          })}
          {bottom > 0 ? <tr style={{ height: bottom }} /> : null}
        </tbody>
      </table>
    </div>
  );
}
