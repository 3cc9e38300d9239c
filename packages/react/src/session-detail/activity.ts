import type { ActivityEntry, ActivityType, Review, StoredEvent } from '@auditlane/client';
import { joinVerdicts } from '@auditlane/client/helpers';
import { localActivity } from './local-activity';
import type { ActivityEvent, ActivityItem, LocalActivity } from './session-detail.types';

/**
 * The activity log of a session: each action (command, query, tool call, ...) with the verdicts
 * and maskings that point at it (`subjectId`), in either order of arrival (the join is the
 * client's `joinVerdicts`). A verdict whose action was never recorded (blocked before it ran) is
 * an entry of its own. Every entry is its own item (no runs: the server groups them). The
 * entries are its `items`; SessionDetail filters and seeks them in the browser (that code is in
 * the bundles of the hosts that call this, not of those that load through the client).
 */
export function buildActivity(
  events: readonly StoredEvent[],
  reviews: readonly Review[] = [],
): LocalActivity {
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
  return localActivity(items);
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
