import type { Event, LifecycleEvent, Session, StoredEvent } from '@auditlane/client';
import { chainHash, eventDigest } from '../domain/hash';
import { applyEvent, reconnectRefusal, sessionFromStart, significance } from '../domain/session';
import { searchableText } from '../domain/text';
import type { IngestOutcome } from './types';

/** What an adapter knows of a session while ingesting into it. */
export interface SessionState {
  session: Session;
  lastHash: string;
  eventCount: number;
  isNew: boolean;
}

export interface EventRow {
  org: string;
  ord: number;
  event: StoredEvent;
  /** What free-text search sees of it, if anything. */
  text: string | null;
}

/**
 * The storage steps an adapter gives the shared ingest algorithm, inside one transaction.
 * Each is called once per session of the batch, so an adapter can answer with one query.
 */
export interface IngestTx {
  /** The session and its chain head, locked until the transaction ends; null when unknown. */
  loadSession(
    sessionId: string,
  ): Promise<{ org: string; session: Session; lastHash: string; eventCount: number } | null>;
  /** Which of these event ids the org already stored (a retried batch). */
  existingEventIds(org: string, ids: string[]): Promise<Set<string>>;
  /** Which of these seqs the session already has. */
  existingSeqs(sessionId: string, seqs: number[]): Promise<Set<number>>;
  insertEvents(rows: EventRow[]): Promise<void>;
  /** Full query results whose events keep only a preview. */
  insertResults(
    rows: { org: string; sessionId: string; ref: string; doc: string }[],
  ): Promise<void>;
  saveSession(state: SessionState): Promise<void>;
}

/**
 * The ingest algorithm of both adapters: per session of the batch, lock it, reject what cannot be
 * stored (each event on its own), chain the hashes of the rest in order, fold them into the
 * session, and write events and session once.
 */
export interface IngestSettings {
  receivedAt: string;
  genesis: string;
  /** Query rows kept on the event; the full result is stored for download. */
  previewRows: number;
  /** How long after a drop the session's own actor may reconnect it. */
  reconnectGraceMs: number;
}

export interface IngestReport {
  /** One per event, in batch order. */
  outcomes: IngestOutcome[];
  /** Sessions of the batch that are revoked (the recorder ends them). */
  revoked: string[];
}

export async function ingestBatch(
  tx: IngestTx,
  org: string,
  events: Event[],
  { receivedAt, genesis, previewRows, reconnectGraceMs }: IngestSettings,
): Promise<IngestReport> {
  const revoked: string[] = [];
  const outcomes: IngestOutcome[] = new Array(events.length);
  const bySession = new Map<string, { event: Event; index: number }[]>();
  events.forEach((event, index) => {
    const group = bySession.get(event.sessionId) ?? [];
    group.push({ event, index });
    bySession.set(event.sessionId, group);
  });
  const seenIds = new Set<string>();

  for (const [sessionId, group] of [...bySession].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // Start first, then seq order; ties keep batch order. Outcomes keep batch order.
    group.sort(
      (a, b) => rank(a.event) - rank(b.event) || a.event.seq - b.event.seq || a.index - b.index,
    );
    const loaded = await tx.loadSession(sessionId);
    const stored = await tx.existingEventIds(
      org,
      group.map((g) => g.event.id),
    );
    let state: SessionState | null = null;
    if (loaded && loaded.org === org) state = { ...loaded, isNew: false };
    const usedSeqs = state
      ? await tx.existingSeqs(
          sessionId,
          group.map((g) => g.event.seq),
        )
      : new Set<number>();
    const rows: EventRow[] = [];
    const results: { org: string; sessionId: string; ref: string; doc: string }[] = [];

    for (const { event, index } of group) {
      if (seenIds.has(event.id) || stored.has(event.id)) {
        outcomes[index] = { status: 'duplicate' };
        continue;
      }
      const isStart = event.type === 'lifecycle' && event.action === 'start';
      if (loaded && loaded.org !== org) {
        // Another org's session looks exactly like a missing one.
        outcomes[index] = notFound(event);
        continue;
      }
      if (!state) {
        if (!isStart) {
          outcomes[index] = notFound(event);
          continue;
        }
        state = {
          session: sessionFromStart(org, event as LifecycleEvent),
          lastHash: genesis,
          eventCount: 0,
          isNew: true,
        };
      } else if (isStart) {
        outcomes[index] = {
          status: 'rejected',
          code: 'conflict',
          message: `session ${sessionId} has already started`,
        };
        continue;
      }
      if (event.type === 'lifecycle' && event.action === 'reconnect') {
        const refusal = reconnectRefusal(state.session, event, reconnectGraceMs);
        if (refusal) {
          outcomes[index] = { status: 'rejected', code: 'reconnect_refused', message: refusal };
          continue;
        }
      }
      if (usedSeqs.has(event.seq)) {
        outcomes[index] = {
          status: 'rejected',
          code: 'conflict',
          message: `session ${sessionId} already has an event with seq ${event.seq} (another event id)`,
        };
        continue;
      }
      usedSeqs.add(event.seq);
      seenIds.add(event.id);
      if (event.type === 'query' && event.rows && event.rows.length > previewRows) {
        // Keep a preview on the event (what is hashed and shown) and the whole result aside.
        const ref = event.resultRef ?? event.id;
        results.push({
          org,
          sessionId,
          ref,
          doc: JSON.stringify({ columns: event.columns ?? [], rows: event.rows }),
        });
        event.rows = event.rows.slice(0, previewRows);
        event.truncated = true;
        event.resultRef = ref;
      }
      const hash = chainHash(state.lastHash, eventDigest(event), receivedAt);
      rows.push({
        org,
        ord: state.eventCount,
        event: { ...event, receivedAt, hash } as StoredEvent,
        text: searchableText(event),
      });
      state.lastHash = hash;
      state.eventCount++;
      applyEvent(state.session, event);
      outcomes[index] = { status: 'accepted' };
    }
    if (state && rows.length > 0) {
      state.session.significance = significance(state.session);
      await tx.insertEvents(rows);
      if (results.length > 0) await tx.insertResults(results);
      await tx.saveSession(state);
    }
    if (state?.session.status === 'revoked') revoked.push(sessionId);
  }
  return { outcomes, revoked };
}

function rank(event: Event): number {
  return event.type === 'lifecycle' && event.action === 'start' ? 0 : 1;
}

function notFound(event: Event): IngestOutcome {
  return {
    status: 'rejected',
    code: 'unknown_session',
    message: `session ${event.sessionId} not found: send its lifecycle start event first`,
  };
}
