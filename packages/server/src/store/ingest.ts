import type { Event, LifecycleEvent, Session } from '@auditlane/client';
import {
  type ChainVersion,
  CURRENT_CHAIN_VERSION,
  contentDigest,
  genesisHash,
  linkHash,
} from '../chain/formula';
import { applyEvent, reconnectRefusal, sessionFromStart } from '../domain/session';
import {
  DEFAULT_SIGNIFICANCE,
  provisionalSignificance,
  type SignificanceConfig,
  scoreSession,
} from '../domain/significance';
import { searchableText } from '../domain/text';
import { indexActivity } from './activity';
import { type IndexedEvent, indexBatch } from './entity-index';
import { loadFacts, type ScoringSql, saveReasons } from './scoring';
import type { IngestOutcome } from './types';

/** A session and its chain head, as an adapter stores them. */
export interface SessionState {
  session: Session;
  /** The formula its chain is hashed with, fixed when it starts. */
  chainVersion: ChainVersion;
  lastHash: string;
  eventCount: number;
}

/** A stored session of the batch's org (sessions are identified by org and id). */
export type LoadedSession = SessionState;

/** One stored event: its JSON text exactly as hashed, and what the server adds. */
export interface EventRow {
  org: string;
  sessionId: string;
  seq: number;
  id: string;
  type: Event['type'];
  /** Position in the session's hash chain (arrival order). */
  ord: number;
  body: string;
  receivedAt: string;
  hash: string;
}

/**
 * What free-text search sees of one batch of one session: typed and queried text (`audit`) and
 * printed terminal text (`io`, a stream, joined without separators). Retention removes `io`.
 */
export interface SearchRow {
  org: string;
  sessionId: string;
  /** The session's start (ms): search walks matches newest session first. */
  startedAt: number;
  kind: 'audit' | 'io';
  text: string;
}

export interface ResultRow {
  org: string;
  sessionId: string;
  ref: string;
  /**
   * JSON of the full result, or `null` when the server holds no rows for the ref (the event
   * carries its whole result, or points elsewhere): the row still claims the ref in its session.
   */
  doc: string;
}

/**
 * The storage steps an adapter gives the shared ingest algorithm, inside one transaction. Each
 * is called once per batch, so an adapter answers each with one statement.
 */
export interface IngestTx {
  /**
   * Locks these sessions of the org until the transaction ends (also those not stored yet) and
   * reads the stored ones. Another org's session of the same id is neither locked nor read.
   */
  loadSessions(org: string, sessionIds: string[]): Promise<Map<string, LoadedSession>>;
  /** Which of these event ids the org already stored (a retried batch). */
  existingEventIds(org: string, ids: string[]): Promise<Set<string>>;
  /** Which of these seqs the org's sessions already have, as `sessionId:seq`. */
  existingSeqs(org: string, keys: { sessionId: string; seq: number }[]): Promise<Set<string>>;
  /** Which of these result refs the org's sessions already hold, as `sessionId:ref`. */
  existingResultRefs(org: string, keys: { sessionId: string; ref: string }[]): Promise<Set<string>>;
  insertEvents(rows: EventRow[]): Promise<void>;
  insertSearch(rows: SearchRow[]): Promise<void>;
  insertResults(rows: ResultRow[]): Promise<void>;
  saveSessions(states: SessionState[]): Promise<void>;
  /** The transaction's SQL, for the entity index and scoring steps (shared by both stores). */
  readonly sql: ScoringSql;
}

export interface IngestSettings {
  receivedAt: string;
  /** Query rows kept on the event; the full result is stored for download. */
  previewRows: number;
  /** How long after a drop the session's own actor may reconnect it. */
  reconnectGraceMs: number;
  /**
   * Significance settings (default: the defaults, on). On: the batch is folded into the entity
   * index and its sessions queued for the scorer; off: sessions are scored from their counters.
   */
  significance?: SignificanceConfig;
}

export interface IngestReport {
  /** One per event, in batch order. */
  outcomes: IngestOutcome[];
  /** Sessions of the batch that are revoked (the recorder ends them). */
  revoked: string[];
}

/**
 * The ingest algorithm of both adapters: lock the batch's sessions, reject what cannot be stored
 * (each event on its own), chain the hashes of the rest in order, fold them into their sessions,
 * and write everything with one statement per table.
 */
export async function ingestBatch(
  tx: IngestTx,
  org: string,
  events: Event[],
  {
    receivedAt,
    previewRows,
    reconnectGraceMs,
    significance: scoring = DEFAULT_SIGNIFICANCE,
  }: IngestSettings,
): Promise<IngestReport> {
  const outcomes: IngestOutcome[] = new Array(events.length);
  // Start events first, then each session's events in seq order; outcomes keep batch order.
  const order = events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        (a.event.sessionId < b.event.sessionId
          ? -1
          : a.event.sessionId > b.event.sessionId
            ? 1
            : 0) ||
        rank(a.event) - rank(b.event) ||
        a.event.seq - b.event.seq ||
        a.index - b.index,
    );
  const sessionIds = [...new Set(order.map((o) => o.event.sessionId))];
  const loaded = await tx.loadSessions(org, sessionIds);
  const storedIds = await tx.existingEventIds(
    org,
    events.map((e) => e.id),
  );
  // Events of sessions stored before this batch: their seqs and refs may already be taken.
  const ofStored = events.filter((e) => loaded.has(e.sessionId));
  const usedSeqs = await tx.existingSeqs(
    org,
    ofStored.map((e) => ({ sessionId: e.sessionId, seq: e.seq })),
  );
  const refKeys = ofStored.flatMap((e) => {
    const ref = resultRefOf(e, previewRows);
    return ref === undefined ? [] : [{ sessionId: e.sessionId, ref }];
  });
  const usedRefs =
    refKeys.length > 0 ? await tx.existingResultRefs(org, refKeys) : new Set<string>();

  const states = new Map<string, SessionState>();
  const changed = new Set<SessionState>();
  const seenIds = new Set<string>();
  const rows: EventRow[] = [];
  const results: ResultRow[] = [];
  const search = new Map<string, { audit: string[]; io: string[] }>();
  const indexed: IndexedEvent[] = [];

  for (const { event, index } of order) {
    const sessionId = event.sessionId;
    if (seenIds.has(event.id) || storedIds.has(event.id)) {
      outcomes[index] = { status: 'duplicate' };
      continue;
    }
    const existing = loaded.get(sessionId);
    const isStart = event.type === 'lifecycle' && event.action === 'start';
    let state = states.get(sessionId) ?? existing;
    if (!state) {
      if (!isStart) {
        outcomes[index] = notFound(event);
        continue;
      }
      state = {
        session: sessionFromStart(org, event as LifecycleEvent),
        chainVersion: CURRENT_CHAIN_VERSION,
        lastHash: genesisHash(CURRENT_CHAIN_VERSION, org, sessionId),
        eventCount: 0,
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
    const seqKey = `${sessionId}:${event.seq}`;
    if (usedSeqs.has(seqKey)) {
      outcomes[index] = {
        status: 'rejected',
        code: 'conflict',
        message: `session ${sessionId} already has an event with seq ${event.seq} (another event id)`,
      };
      continue;
    }
    // A result ref names one query's result in its session: a second query claiming it would
    // make the first one's download answer for both (or its own result unreachable).
    const ref = resultRefOf(event, previewRows);
    const refKey = ref === undefined ? undefined : `${sessionId}:${ref}`;
    if (refKey !== undefined && usedRefs.has(refKey)) {
      outcomes[index] = {
        status: 'rejected',
        code: 'conflict',
        message: `resultRef ${JSON.stringify(ref)} is already used by another query of session ${sessionId}${event.type === 'query' && event.resultRef === undefined ? ' (the event id stands in for a missing resultRef)' : ''}: give each query its own resultRef`,
      };
      continue;
    }
    // What can fail with the event's own content is done before anything changes: such an event
    // is rejected alone, and the rest of its batch is stored.
    let prepared: ReturnType<typeof prepare>;
    try {
      prepared = prepare(event, previewRows, ref);
    } catch (error) {
      outcomes[index] = {
        status: 'rejected',
        code: 'validation_failed',
        message: `the event cannot be stored: ${(error as Error).message}`,
      };
      continue;
    }
    const { body, result, text, stored } = prepared;
    usedSeqs.add(seqKey);
    seenIds.add(event.id);
    states.set(sessionId, state);
    if (ref !== undefined && refKey !== undefined) {
      usedRefs.add(refKey);
      // The ref is taken even when no rows are held for it (its download answers 404).
      results.push({ org, sessionId, ref, doc: result ?? 'null' });
    }
    // The link covers the event's position and seq (the columns the API orders by), its type,
    // when it arrived and its content, chained to the one before.
    const hash = linkHash(state.chainVersion, state.lastHash, {
      ord: state.eventCount,
      seq: event.seq,
      type: event.type,
      receivedAt,
      digest: contentDigest(state.chainVersion, stored, body),
    });
    rows.push({
      org,
      sessionId,
      seq: event.seq,
      id: event.id,
      type: event.type,
      ord: state.eventCount,
      body,
      receivedAt,
      hash,
    });
    state.lastHash = hash;
    state.eventCount++;
    applyEvent(state.session, stored);
    changed.add(state);
    indexed.push({ event: stored, session: state.session });
    if (text) {
      let chunk = search.get(sessionId);
      if (!chunk) {
        chunk = { audit: [], io: [] };
        search.set(sessionId, chunk);
      }
      (event.type === 'terminal' ? chunk.io : chunk.audit).push(text);
    }
    outcomes[index] = { status: 'accepted' };
  }

  if (rows.length > 0) {
    if (!scoring.enabled)
      for (const state of changed)
        state.session.significance = provisionalSignificance(state.session, scoring);
    await tx.insertEvents(rows);
    await indexActivity(
      tx.sql,
      org,
      indexed.map((i) => i.event),
      sessionIds.filter((id) => !loaded.has(id) && states.has(id)),
    );
    const searchRows: SearchRow[] = [];
    for (const [sessionId, chunk] of search) {
      const startedAt = Date.parse(states.get(sessionId)!.session.startedAt);
      const add = (kind: SearchRow['kind'], text: string) => {
        for (const piece of searchPieces(text))
          searchRows.push({ org, sessionId, startedAt, kind, text: piece });
      };
      if (chunk.audit.length) add('audit', chunk.audit.join('\n'));
      if (chunk.io.length) add('io', chunk.io.join(''));
    }
    if (searchRows.length > 0) await tx.insertSearch(searchRows);
    if (results.length > 0) await tx.insertResults(results);
    const fresh = new Set(sessionIds.filter((id) => !loaded.has(id)));
    if (scoring.enabled) {
      // The batch's sessions are scored here, from the index this batch just updated and the
      // sessions as this batch leaves them (their rows are written once, with their scores);
      // the other sessions whose context the batch changed are queued for the scorer.
      const facts = await indexBatch(
        tx.sql,
        org,
        indexed,
        Date.parse(receivedAt),
        scoring.baseline,
        fresh,
        true,
      );
      const known = new Map(
        [...changed].map((s) => [s.session.id, { session: s.session, events: s.eventCount }]),
      );
      const all = await loadFacts(tx.sql, org, [...known.keys()], scoring.baseline, known, facts);
      for (const state of changed)
        state.session.significance = scoreSession(all.get(state.session.id)!, scoring);
    }
    await tx.saveSessions([...changed]);
    if (scoring.enabled)
      await saveReasons(
        tx.sql,
        org,
        [...changed].map((s) => ({
          sessionId: s.session.id,
          significance: s.session.significance!,
        })),
        fresh,
      );
  }
  const revoked = sessionIds.filter((id) => {
    const state = states.get(id) ?? loaded.get(id);
    return state?.session.status === 'revoked';
  });
  return { outcomes, revoked };
}

/** The result ref a query event claims: its own, or its id when the server keeps its rows aside. */
function resultRefOf(event: Event, previewRows: number): string | undefined {
  if (event.type !== 'query') return undefined;
  if (event.resultRef !== undefined) return event.resultRef;
  return event.rows && event.rows.length > previewRows ? event.id : undefined;
}

/**
 * The stored JSON of an event, the full result it carries beyond its preview (kept aside for
 * download, under `ref`), and its searchable text. Cuts a query's rows to the preview (that is
 * what is hashed and shown).
 */
function prepare(event: Event, previewRows: number, ref: string | undefined) {
  if (event.type === 'query' && event.rows && event.rows.length > previewRows) {
    const result = JSON.stringify({ columns: event.columns ?? [], rows: event.rows });
    const preview = {
      ...event,
      rows: event.rows.slice(0, previewRows),
      truncated: true,
      resultRef: ref ?? event.id,
    };
    return {
      body: JSON.stringify(preview),
      result,
      text: searchableText(preview),
      stored: preview,
    };
  }
  return { body: JSON.stringify(event), result: null, text: searchableText(event), stored: event };
}

/**
 * Most characters of one search row. PostgreSQL refuses a tsvector over 1 MB, which about
 * 300 KB of short distinct words already make; a batch of large outputs is many times that.
 */
export const SEARCH_PIECE = 65_536;

/**
 * The text of a batch as search rows of at most {@link SEARCH_PIECE} characters, cut at a
 * whitespace near the end of each piece when there is one (a word is not split there), never
 * inside a surrogate pair.
 */
export function searchPieces(text: string): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > SEARCH_PIECE) {
    let cut = SEARCH_PIECE;
    for (let i = SEARCH_PIECE; i > SEARCH_PIECE - 1024; i--) {
      if (/\s/.test(rest[i - 1]!)) {
        cut = i;
        break;
      }
    }
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
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
