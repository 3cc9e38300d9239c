import type { Event, Session, StoredEvent } from '@auditlane/client';
import { chainHash } from '../domain/hash';
import { applyEvent, sessionFromStart, significance } from '../domain/session';
import { searchableText } from '../domain/text';
import type { IngestOutcome } from './types';

/** What an adapter knows of a session while ingesting into it. */
export interface SessionState {
  session: Session;
  lastHash: string;
  eventCount: number;
  isNew: boolean;
  changed: boolean;
  /** Seqs stored by this batch. */
  seqs: Set<number>;
}

const FOREIGN = Symbol('foreign session');

/** The storage steps an adapter provides to the shared ingest algorithm, inside one transaction. */
export interface IngestTx {
  /** The session and its chain head, locked for update; null when the id is unknown. */
  loadSession(
    sessionId: string,
  ): Promise<{ org: string; session: Session; lastHash: string; eventCount: number } | null>;
  /** Whether this org already stored this event id (a retried batch). */
  hasEventId(org: string, eventId: string): Promise<boolean>;
  /** Whether the session already has an event with this seq. */
  hasSeq(sessionId: string, seq: number): Promise<boolean>;
  insertEvent(org: string, ord: number, stored: StoredEvent, text: string | null): Promise<void>;
  saveSession(state: SessionState): Promise<void>;
}

/**
 * The ingest algorithm shared by both adapters: per event, reject or store it; fold stored events
 * into their session; chain the hashes; save each touched session once.
 */
export async function ingestBatch(
  tx: IngestTx,
  org: string,
  events: Event[],
  receivedAt: string,
  genesis: string,
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array(events.length);
  const states = new Map<string, SessionState | typeof FOREIGN | null>();
  const seen = new Set<string>();
  // Start events first, then each session's events in seq order; outcomes keep batch order.
  const order = events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) => rank(a.event) - rank(b.event) || a.event.seq - b.event.seq || a.index - b.index,
    );

  for (const { event, index } of order) {
    if (seen.has(event.id) || (await tx.hasEventId(org, event.id))) {
      outcomes[index] = { status: 'duplicate' };
      continue;
    }
    let state = states.get(event.sessionId);
    if (state === undefined) {
      const loaded = await tx.loadSession(event.sessionId);
      state = !loaded
        ? null
        : loaded.org !== org
          ? FOREIGN
          : { ...loaded, isNew: false, changed: false, seqs: new Set() };
      states.set(event.sessionId, state);
    }
    const isStart = event.type === 'lifecycle' && event.action === 'start';
    if (state === FOREIGN || (state === null && !isStart)) {
      // Another org's session looks exactly like a missing one.
      outcomes[index] = notFound(event);
      continue;
    }
    if (state === null) {
      state = {
        session: sessionFromStart(org, event as Extract<Event, { type: 'lifecycle' }>),
        lastHash: genesis,
        eventCount: 0,
        isNew: true,
        changed: true,
        seqs: new Set(),
      };
      states.set(event.sessionId, state);
    } else if (isStart) {
      outcomes[index] = {
        status: 'rejected',
        code: 'conflict',
        message: `session ${event.sessionId} has already started`,
      };
      continue;
    }
    if (
      state.seqs.has(event.seq) ||
      (!state.isNew && (await tx.hasSeq(event.sessionId, event.seq)))
    ) {
      outcomes[index] = {
        status: 'rejected',
        code: 'conflict',
        message: `session ${event.sessionId} already has an event with seq ${event.seq} (another event id)`,
      };
      continue;
    }
    state.seqs.add(event.seq);
    seen.add(event.id);
    const hash = chainHash(state.lastHash, event, receivedAt);
    const stored = { ...event, receivedAt, hash } as StoredEvent;
    await tx.insertEvent(org, state.eventCount, stored, searchableText(event));
    state.lastHash = hash;
    state.eventCount++;
    applyEvent(state.session, event);
    state.changed = true;
    outcomes[index] = { status: 'accepted' };
  }
  for (const state of states.values()) {
    if (state && state !== FOREIGN && state.changed) {
      state.session.significance = significance(state.session);
      await tx.saveSession(state);
    }
  }
  return outcomes;
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
