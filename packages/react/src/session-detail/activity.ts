import type { MaskingEvent, PolicyEvent, Review, StoredEvent } from '@auditlane/client';
import type { ActivityEvent, ActivityItem } from './session-detail.types';

const ENTRY_TYPES = new Set([
  'command',
  'query',
  'tool_call',
  'llm_call',
  'file',
  'outbound',
  'lifecycle',
]);

/**
 * The activity log of a session: each action (command, query, tool call, ...) with the verdicts
 * and maskings that point at it (`subjectId`), in either order of arrival. A verdict whose action
 * was never recorded (blocked before it ran) is an entry of its own.
 */
export function buildActivity(
  events: readonly StoredEvent[],
  reviews: readonly Review[] = [],
): ActivityItem[] {
  const reviewsById = new Map(reviews.map((r) => [r.id, r]));
  const verdicts = new Map<string, PolicyEvent[]>();
  const maskings = new Map<string, MaskingEvent[]>();
  const subjects = new Set<string>();
  for (const event of events) {
    if (ENTRY_TYPES.has(event.type)) subjects.add(event.id);
    if (event.type === 'policy' && event.subjectId) push(verdicts, event.subjectId, event);
    if (event.type === 'masking' && event.subjectId) push(maskings, event.subjectId, event);
  }
  const items: ActivityItem[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const standalonePolicy =
      event.type === 'policy' && (!event.subjectId || !subjects.has(event.subjectId));
    if (!ENTRY_TYPES.has(event.type) && !standalonePolicy) continue;
    if (event.type === 'lifecycle' && event.action === 'start') continue;
    const key =
      standalonePolicy && event.type === 'policy' ? (event.subjectId ?? event.id) : event.id;
    // A standalone verdict chain (pending → approved, no action event) is one entry.
    if (standalonePolicy && seen.has(key)) continue;
    seen.add(key);
    const own = verdicts.get(key) ?? (standalonePolicy ? [event as PolicyEvent] : []);
    const masks = maskings.get(key) ?? [];
    const last = own.at(-1) ?? null;
    items.push({
      id: key,
      seq: event.seq,
      time: event.time,
      event: event as ActivityEvent,
      verdicts: own,
      verdict: last?.verdict ?? null,
      masked: {
        count: masks.reduce((n, m) => n + m.count, 0),
        fields: [...new Set(masks.flatMap((m) => m.fields))],
      },
      pendingReviewId: last?.verdict === 'pending' ? (last.reviewId ?? null) : null,
      review: reviewsById.get(own.find((v) => v.reviewId)?.reviewId ?? '') ?? null,
    });
  }
  return items;
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
