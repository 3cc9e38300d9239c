import type { ActivityFilters, ActivitySeekTarget } from '../data/activity-window';
import type {
  ActivityGroupState,
  ActivityItem,
  LocalActivity,
  SessionActivityState,
} from './session-detail.types';

/** Whether an item passes filters applied in the browser (data given directly). */
export function matchesFilters(item: ActivityItem, filters: ActivityFilters): boolean {
  if (filters.type?.length && !filters.type.includes(item.event.type)) return false;
  if (filters.verdict?.length) {
    const marks = new Set<string>();
    if (item.verdict) marks.add(item.verdict);
    if (item.masked.count > 0) marks.add('masked');
    if (item.failed) marks.add('failed');
    if (!filters.verdict.some((v) => marks.has(v))) return false;
  }
  if (filters.q) {
    const q = filters.q.toLowerCase();
    const e = item.event as unknown as Record<string, unknown>;
    const text = [e.text, e.sql, e.tool, e.path, e.url, e.rule, e.reason, item.review?.subject.text]
      .filter((t): t is string => typeof t === 'string')
      .join('\n')
      .toLowerCase();
    if (!text.includes(q)) return false;
  }
  return true;
}

/** The item holding a seek's target: the first at or after it, else the last. */
function itemAt(list: readonly ActivityItem[], target: ActivitySeekTarget) {
  return (
    list.find((i) => ('seq' in target ? i.lastSeq >= target.seq : i.lastTime >= target.time)) ??
    list.at(-1)
  );
}

const noop = () => {};
const NO_GROUPS: ReadonlyMap<string, ActivityGroupState> = new Map();

/**
 * Entries given directly as SessionDetail shows them: all there, filtered and sought in the
 * browser (`buildActivity` returns one). The Root holds where it was sought (`seek`); `view`
 * says what the list shows under the filters, and keeps the filtered list while they stay.
 */
export function localActivity(items: readonly ActivityItem[]): LocalActivity {
  let last: { filters: ActivityFilters; shown: readonly ActivityItem[] } | null = null;
  return {
    items,
    view(filters, seek, setSeek): SessionActivityState {
      if (last?.filters !== filters) {
        last = { filters, shown: items.filter((i) => matchesFilters(i, filters)) };
      }
      const { shown } = last;
      const { initial } = seek;
      const seekSeq = (seq: number | null) =>
        setSeek((s) => ({ ...s, seq, generation: s.generation + 1 }));
      return {
        status: 'success',
        error: null,
        items: shown,
        hasBefore: false,
        hasAfter: false,
        loadingBefore: false,
        loadingAfter: false,
        anchorSeq:
          seek.generation === 0 && initial ? (itemAt(shown, initial)?.seq ?? null) : seek.seq,
        seekGeneration: seek.generation + (initial ? 1 : 0),
        total: shown.length,
        totalCapped: false,
        live: false,
        expanded: NO_GROUPS,
        loadBefore: noop,
        loadAfter: noop,
        seekTo: (target) => seekSeq(itemAt(shown, target)?.seq ?? null),
        seekNext: async (mark, afterSeq) => {
          // Under the filters but for the verdict filter, as the server's window seeks.
          const next = items.find(
            (i) => i.seq > afterSeq && matchesFilters(i, { ...filters, verdict: [mark] }),
          );
          if (!next) return null;
          seekSeq(next.seq);
          return next.seq;
        },
        expand: noop,
        collapse: noop,
        refresh: noop,
        retry: noop,
      };
    },
  };
}
