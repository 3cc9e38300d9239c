import type { Review, StoredEvent } from '@auditlane/client';
import { joinVerdicts } from '@auditlane/client/helpers';
import type { ActivityEvent, ActivityItem } from './session-detail.types';

/**
 * The activity log of a session: each action (command, query, tool call, ...) with the verdicts
 * and maskings that point at it (`subjectId`), in either order of arrival (the join is the
 * client's `joinVerdicts`). A verdict whose action was never recorded (blocked before it ran) is
 * an entry of its own.
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
    const last = entry.verdicts.at(-1) ?? null;
    items.push({
      id: entry.id,
      seq: entry.event.seq,
      time: entry.event.time,
      event: entry.event as ActivityEvent,
      verdicts: entry.verdicts,
      verdict: entry.verdict,
      masked: {
        count: entry.maskings.reduce((n, m) => n + m.count, 0),
        fields: [...new Set(entry.maskings.flatMap((m) => m.fields))],
      },
      pendingReviewId: last?.verdict === 'pending' ? (last.reviewId ?? null) : null,
      review: reviewsById.get(entry.verdicts.find((v) => v.reviewId)?.reviewId ?? '') ?? null,
    });
  }
  return items;
}
