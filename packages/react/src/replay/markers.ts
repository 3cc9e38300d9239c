import type { Session, StoredEvent, Verdict } from '@auditlane/client';
import { joinVerdicts } from '@auditlane/client/helpers';
import type { HostMarker } from './core/replayer.types';

export type ActivityMarker = HostMarker;

function kindOf(verdict: Verdict | null, recorded: boolean): HostMarker['kind'] {
  if (verdict === 'blocked' || verdict === 'rejected') return 'blocked';
  if (verdict === 'pending' || verdict === 'approved') return 'review';
  // A verdict on an action never recorded is a point of review either way.
  return recorded ? 'command' : 'review';
}

/**
 * Seek-bar markers from a session's events: each command, query and tool call, blocked actions
 * and reviews, at their time from the start of the session (the recording starts with it).
 * `id` is the event id, so the activity log and the player can point at each other. Actions
 * are joined to their verdicts as the activity log joins them (the client's `joinVerdicts`):
 * the kind follows the last verdict; a verdict on an action never recorded (held or blocked
 * before it ran) is one marker where its first verdict stands.
 */
export function activityMarkers(
  session: Session,
  events: readonly StoredEvent[],
): ActivityMarker[] {
  const start = Date.parse(session.startedAt);
  const markers: ActivityMarker[] = [];
  for (const entry of joinVerdicts(events, { actionTypes: ['command', 'query', 'tool_call'] })) {
    const { action, event } = entry;
    // A verdict on the session itself (no subject) is not a point of the recording.
    if (!action && !(event.type === 'policy' && event.subjectId)) continue;
    const originalTime = Math.max(0, (Date.parse(event.time) - start) / 1000);
    let label: string;
    if (!action) label = event.type === 'policy' ? (event.reason ?? event.verdict) : '';
    else
      label =
        action.type === 'command'
          ? action.text
          : action.type === 'query'
            ? action.sql
            : action.tool;
    markers.push({
      id: entry.id,
      originalTime,
      label: label.slice(0, 200),
      kind: kindOf(entry.verdict, action !== null),
    });
  }
  return markers;
}
