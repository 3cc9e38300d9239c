import type { ActivityEntry, ActivityType, Review, StoredEvent } from '@auditlane/client';
import { joinVerdicts } from '@auditlane/client/helpers';
import type { ActivityEvent, ActivityItem } from './session-detail.types';

/**
 * The activity log of a session: each action (command, query, tool call, ...) with the verdicts
 * and maskings that point at it (`subjectId`), in either order of arrival (the join is the
 * client's `joinVerdicts`). A verdict whose action was never recorded (blocked before it ran) is
 * an entry of its own. Every entry is its own item (no runs: the server groups them).
 */
export function buildActivity(
  events: readonly StoredEvent[],
  reviews: readonly Review[] = [],
): ActivityItem[] {
  const reviewsById = new Map(reviews.map((r) => [r.id, r]));
  const items: ActivityItem[] = [];
  for (const entry of joinVerdicts(events)) {
    // The session's start is the page's header, not an entry.
    if (entry.event.type === 'lifecycle' && entry.event.action === 'start') continue;
    const { id, event, verdicts, verdict } = entry;
    const masked = {
      count: entry.maskings.reduce((n, m) => n + m.count, 0),
      fields: [...new Set(entry.maskings.flatMap((m) => m.fields))],
    };
    const failed =
      ('exitCode' in event && typeof event.exitCode === 'number' && event.exitCode !== 0) ||
      ('error' in event && Boolean(event.error));
    // The entry as the server lists it ungrouped, then as the log shows it.
    items.push(
      activityItemFromEntry(
        {
          id,
          type: event.type as ActivityType,
          seq: event.seq,
          lastSeq: event.seq,
          time: event.time,
          lastTime: event.time,
          count: 1,
          shape: null,
          event,
          result: null,
          verdicts,
          verdict,
          masked,
          failed,
          marks: {
            blocked: verdict === 'blocked' ? 1 : 0,
            pending: verdict === 'pending' ? 1 : 0,
            rejected: verdict === 'rejected' ? 1 : 0,
            masked: masked.count > 0 ? 1 : 0,
            failed: failed ? 1 : 0,
          },
        },
        reviewsById,
      ),
    );
  }
  return items;
}

/** An item of the server's activity (`client.sessions.activity`) as the log shows it. */
export function activityItemFromEntry(
  entry: ActivityEntry,
  reviews?: ReadonlyMap<string, Review>,
): ActivityItem {
  const last = entry.verdicts.at(-1);
  const reviewId = entry.verdicts.find((v) => v.type === 'policy' && v.reviewId);
  return {
    id: entry.id,
    seq: entry.seq,
    time: entry.time,
    event: entry.event as ActivityEvent,
    result: entry.result?.type === 'tool_call' ? entry.result : null,
    verdicts: entry.verdicts as ActivityItem['verdicts'],
    verdict: entry.verdict,
    masked: entry.masked,
    pendingReviewId:
      last?.type === 'policy' && last.verdict === 'pending' ? (last.reviewId ?? null) : null,
    review:
      reviewId?.type === 'policy' && reviewId.reviewId
        ? (reviews?.get(reviewId.reviewId) ?? null)
        : null,
    count: entry.count,
    lastSeq: entry.lastSeq,
    lastTime: entry.lastTime,
    shape: entry.shape,
    failed: entry.failed,
    marks: entry.marks,
  };
}

/** Whether an item passes filters applied in the browser (data given directly). */
export function matchesFilters(
  item: ActivityItem,
  filters: {
    type?: readonly string[];
    verdict?: readonly string[];
    q?: string;
  },
): boolean {
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
