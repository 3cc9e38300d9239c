import type { Event, LifecycleEvent, Session, Significance } from '@auditlane/client';
import { DEFAULT_SIGNIFICANCE, provisionalSignificance } from './significance';

/** A new session from its `lifecycle` start event. The org comes from the API token. */
export function sessionFromStart(org: string, event: LifecycleEvent): Session {
  const start = event.session;
  if (event.action !== 'start' || !start) throw new Error('sessionFromStart needs a start event');
  const session: Session = {
    id: event.sessionId,
    org,
    actor: start.actor,
    resource: start.resource,
    endpoint: start.endpoint ?? null,
    model: start.model ?? null,
    credential: start.credential ?? null,
    mode: start.mode,
    reason: start.reason ?? null,
    status: 'active',
    startedAt: event.time,
    endedAt: null,
    durationMs: null,
    closeReason: null,
    droppedAt: null,
    recorded: start.recorded,
    counters: {
      commands: 0,
      queries: 0,
      blocked: 0,
      pending: 0,
      approved: 0,
      rejected: 0,
      maskedFields: 0,
      bytes: 0,
      terminalEvents: 0,
    },
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    labels: start.labels,
    significance: null,
  };
  session.significance = significance(session);
  return session;
}

const FINAL = new Set<Session['status']>(['revoked', 'blocked', 'failed']);

/**
 * Folds one event into a session. Counters add up whatever the order events arrive in; status
 * moves forward only (a revoked session stays revoked when its end event arrives).
 */
export function applyEvent(session: Session, event: Event): void {
  const c = session.counters;
  switch (event.type) {
    case 'command':
      c.commands++;
      break;
    case 'query':
      c.queries++;
      break;
    case 'terminal':
      session.recorded = true;
      // Absent on sessions stored before terminal events were counted: unknown stays unknown.
      if (c.terminalEvents !== undefined) c.terminalEvents++;
      if (event.code === 'o') c.bytes += utf8Length(event.data);
      break;
    case 'policy':
      if (event.subjectId === undefined && event.verdict === 'blocked') session.status = 'blocked';
      if (event.verdict === 'blocked') c.blocked++;
      else if (event.verdict === 'pending') c.pending++;
      else if (event.verdict === 'approved') c.approved++;
      else if (event.verdict === 'rejected') c.rejected++;
      break;
    case 'masking':
      c.maskedFields += event.count;
      break;
    case 'llm_call':
      session.usage.inputTokens += event.inputTokens;
      session.usage.outputTokens += event.outputTokens;
      session.usage.costUsd = round6(session.usage.costUsd + (event.costUsd ?? 0));
      break;
    case 'lifecycle':
      applyLifecycle(session, event);
      break;
    default:
      break;
  }
}

function applyLifecycle(session: Session, event: LifecycleEvent): void {
  switch (event.action) {
    case 'start':
      return;
    case 'end':
      close(
        session,
        event,
        session.status === 'dropped' ||
          session.status === 'active' ||
          session.status === 'pending_review'
          ? 'ended'
          : session.status,
      );
      return;
    case 'revoke':
      close(session, event, 'revoked');
      return;
    case 'drop':
      if (!FINAL.has(session.status) && session.status !== 'ended') {
        session.status = 'dropped';
        session.droppedAt = event.time;
      }
      return;
    case 'reconnect':
      if (session.status === 'dropped') {
        session.status = 'active';
        session.droppedAt = null;
      }
      return;
  }
}

function close(session: Session, event: LifecycleEvent, status: Session['status']): void {
  if (FINAL.has(session.status) && status !== 'revoked') return;
  session.status = status;
  if (!session.endedAt || Date.parse(event.time) > Date.parse(session.endedAt)) {
    session.endedAt = event.time;
    session.durationMs = Math.max(0, Date.parse(event.time) - Date.parse(session.startedAt));
  }
  if (event.reason) session.closeReason = event.reason;
}

/**
 * How much a session deserves a look from its own counters (what ingest stores until the scorer
 * recomputes it from the entity index), with the default weights.
 */
export function significance(session: Session): Significance {
  return provisionalSignificance(session, DEFAULT_SIGNIFICANCE);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/**
 * Why a reconnect event may not reopen a session, or null when it may: the session must be
 * dropped, the event must name the session's own actor (`by`), within the grace window.
 */
export function reconnectRefusal(
  session: Session,
  event: LifecycleEvent,
  graceMs: number,
): string | null {
  if (session.status !== 'dropped' || !session.droppedAt) {
    return `session ${session.id} is ${session.status}, not dropped: there is nothing to reconnect`;
  }
  if (event.by !== session.actor.id) {
    return `only the session's own actor (${session.actor.id}) may reconnect it${event.by ? `, not ${event.by}` : ': set "by"'}`;
  }
  const waited = Date.parse(event.time) - Date.parse(session.droppedAt);
  if (waited > graceMs) {
    return `the reconnect window closed: ${Math.round(waited / 1000)} s after the drop, the limit is ${Math.round(graceMs / 1000)} s`;
  }
  return null;
}
