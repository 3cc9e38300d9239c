import type { Session, StoredEvent } from '@auditlane/client';
import type { Marker } from './core/recording';

export type ActivityMarker = Omit<Marker, 'time'> & { originalTime: number };

/**
 * Seek-bar markers from a session's events: each command, query and tool call, blocked actions
 * and reviews, at their time from the start of the session (the recording starts with it).
 * `id` is the event id, so the activity log and the player can point at each other.
 */
export function activityMarkers(
  session: Session,
  events: readonly StoredEvent[],
): ActivityMarker[] {
  const start = Date.parse(session.startedAt);
  const verdicts = new Map<string, string>();
  for (const e of events)
    if (e.type === 'policy' && e.subjectId) verdicts.set(e.subjectId, e.verdict);
  const actions = new Set(events.filter((e) => e.type !== 'policy').map((e) => e.id));
  const marked = new Set<string>();
  const markers: ActivityMarker[] = [];
  for (const e of events) {
    const originalTime = Math.max(0, (Date.parse(e.time) - start) / 1000);
    if (e.type === 'command' || e.type === 'query' || e.type === 'tool_call') {
      const verdict = verdicts.get(e.id);
      const label = e.type === 'command' ? e.text : e.type === 'query' ? e.sql : e.tool;
      markers.push({
        id: e.id,
        originalTime,
        label: label.slice(0, 200),
        kind:
          verdict === 'blocked' || verdict === 'rejected'
            ? 'blocked'
            : verdict === 'pending' || verdict === 'approved'
              ? 'review'
              : 'command',
      });
    } else if (e.type === 'policy' && e.subjectId && !actions.has(e.subjectId)) {
      // A verdict on an action never recorded (held or blocked before it ran): one marker.
      if (marked.has(e.subjectId)) continue;
      marked.add(e.subjectId);
      markers.push({
        id: e.subjectId,
        originalTime,
        label: e.reason ?? e.verdict,
        kind: e.verdict === 'blocked' ? 'blocked' : 'review',
      });
    }
  }
  return markers;
}
