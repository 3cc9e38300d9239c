import type {
  ActivityEntry,
  ActivityMark,
  AuditlaneClient,
  RequestOptions,
  Session,
  StoredEvent,
  Verdict,
} from '@auditlane/client';
import { joinVerdicts, MATTERING_MARKS, OPEN_STATUSES } from '@auditlane/client/helpers';
import type { HostMarker } from './core/replayer.types';

export type ActivityMarker = HostMarker;

/** What a marker is labelled with: the command, the SQL, the tool, the path, the URL… */
function labelOf(event: StoredEvent): string {
  switch (event.type) {
    case 'command':
      return event.text;
    case 'query':
      return event.sql;
    case 'tool_call':
      return event.tool;
    case 'llm_call':
      return event.model;
    case 'file':
      return event.path;
    case 'outbound':
      return event.url ?? event.host;
    case 'policy':
      return event.reason ?? event.verdict;
    case 'lifecycle':
      return event.reason ?? event.action;
    default:
      return '';
  }
}

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
    markers.push({
      id: entry.id,
      originalTime,
      label: labelOf(action ?? event).slice(0, 200),
      kind: kindOf(entry.verdict, action !== null),
    });
  }
  return markers;
}

/**
 * Seek-bar markers from a session's activity entries (`GET /v1/sessions/{id}/activity`, each
 * already joined to its verdicts by the server): one per entry at its time from the start of the
 * session, `id` the entry's (the activity log's) id. The kind: `blocked` (blocked or rejected),
 * `review` (pending or approved), else `masked`, `failed`, else `command` (a verdict alone:
 * `review`). A verdict on the session itself is no point of the recording and is left out; so
 * is a group's count (load the entries ungrouped, `group: 'none'`, for one marker each).
 */
export function activityEntryMarkers(
  session: Pick<Session, 'startedAt'>,
  entries: readonly ActivityEntry[],
): ActivityMarker[] {
  const start = Date.parse(session.startedAt);
  const markers: ActivityMarker[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const { event } = entry;
    if (entry.type === 'policy' && !(event.type === 'policy' && event.subjectId)) continue;
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    const recorded = entry.type !== 'policy';
    const kind: ActivityMarker['kind'] =
      entry.verdict === 'blocked' ||
      entry.verdict === 'rejected' ||
      entry.verdict === 'pending' ||
      entry.verdict === 'approved' ||
      !recorded
        ? kindOf(entry.verdict, recorded)
        : entry.masked.count > 0
          ? 'masked'
          : entry.failed
            ? 'failed'
            : 'command';
    markers.push({
      id: entry.id,
      originalTime: Math.max(0, (Date.parse(entry.time) - start) / 1000),
      label: labelOf(event).slice(0, 200),
      kind,
    });
  }
  return markers;
}

export interface LoadActivityMarkersOptions {
  /**
   * The entries marked, by their marks. Default "what matters" (`MATTERING_MARKS`: blocked,
   * pending, rejected, masked, failed); add `approved` to keep reviews that were approved.
   */
  marks?: readonly ActivityMark[];
  /**
   * Markers at most. Default 1,000. Verdicts (blocked, pending, rejected, approved) come first:
   * past the limit, masked and failed entries are left out before any of them, and then the
   * latest ones (`truncated` says so).
   */
  limit?: number;
}

export interface ActivityMarkers {
  markers: ActivityMarker[];
  /** More entries matched than `limit`. */
  truncated: boolean;
  /**
   * The session has ended: a last page without a cursor (a session still open keeps one, to
   * poll). Nothing new can be marked then; polling stops (`useActivityMarkers`).
   */
  ended: boolean;
}

const VERDICT_MARKS: readonly ActivityMark[] = ['blocked', 'pending', 'rejected', 'approved'];

/**
 * The markers of a session's entries that matter, through the client's `sessions.activity()`:
 * the server filters them (`verdict`), one entry an item (`group: 'none'`), pages of 500,
 * uncounted; the verdicts first, then masked and failed entries up to `limit`. A session of any
 * size costs about as many requests as it has such entries / 500, never its events.
 */
export async function loadActivityMarkers(
  client: AuditlaneClient,
  session: Pick<Session, 'id' | 'startedAt'>,
  options: LoadActivityMarkersOptions = {},
  requestOptions?: RequestOptions,
): Promise<ActivityMarkers> {
  const marks = options.marks ?? MATTERING_MARKS;
  const limit = Math.max(1, options.limit ?? 1000);
  const passes = [
    marks.filter((m) => VERDICT_MARKS.includes(m)),
    marks.filter((m) => !VERDICT_MARKS.includes(m)),
  ].filter((pass) => pass.length > 0);
  const byId = new Map<string, ActivityEntry>();
  let truncated = false;
  let ended = false;
  for (const pass of passes) {
    if (truncated) break;
    let page = await client.sessions.activity(
      session.id,
      { verdict: [...pass], group: 'none', limit: Math.min(500, limit), count: 'none' },
      requestOptions,
    );
    for (;;) {
      for (const entry of page.data) {
        if (byId.has(entry.id)) continue;
        if (byId.size >= limit) {
          truncated = true;
          break;
        }
        byId.set(entry.id, entry);
      }
      // A live session's last page keeps a cursor (to poll): `hasAfter` says whether more is there.
      if (!page.extra.hasAfter && page.nextCursor === null) ended = true;
      if (truncated || !page.extra.hasAfter || !page.hasNextPage()) break;
      page = await page.getNextPage();
    }
  }
  // Cut short, the passes did not reach the last page that says so: the session itself does (a
  // poll that never learnt the end would go on for as long as the page is open).
  if (truncated && !ended) {
    const { status } = await client.sessions.get(session.id, requestOptions);
    // As the server says it (a dropped session may reconnect: it keeps a cursor).
    ended = !OPEN_STATUSES.has(status);
  }
  const entries = [...byId.values()].sort((a, b) => a.seq - b.seq);
  return { markers: activityEntryMarkers(session, entries), truncated, ended };
}
