import {
  type ChainVersion,
  contentDigest,
  genesisHash,
  linkHash,
  sha256,
  terminalDigest,
} from './formula';

/** A stored event as the chain sees it: the columns of the events table. */
export interface ChainRow {
  /** Position in the session's chain (arrival order): 0, 1, 2, ... */
  ord: number;
  seq: number;
  id: string;
  type: string;
  /** The stored JSON text, exactly as hashed. */
  body: string;
  received_at: string;
  hash: string;
  /** JSON of `{ at, reason, digest }` when retention removed the content. */
  purged: string | null;
}

/** Where a session's chain ends, as the session row records it. */
export interface ChainHead {
  org: string;
  sessionId: string;
  chainVersion: ChainVersion;
  /** Events in the chain. */
  events: number;
  /** The hash of the last event (the genesis hash when there is none). */
  head: string;
}

/**
 * A signed statement that a session's chain had `events` events ending in `head` at `at`: a
 * checkpoint or a session's sealed head, its signature already checked.
 */
export interface Anchor {
  at: string;
  kind: string;
  chainVersion: ChainVersion;
  events: number;
  head: string;
  /** Where it was read (the checkpoint file and line, the session row). */
  source: string;
  /** A `purge` statement: the purge record retention wrote. */
  purge?: { at: string; reason: string };
}

/** The first broken link of a session's chain, or null when the chain is intact. */
export interface ChainCheck {
  /** Events checked. */
  events: number;
  chainVersion: ChainVersion;
  broken: null | {
    seq: number;
    id: string | null;
    /** Position in the chain of the event named. */
    ord: number;
    expected: string;
    found: string;
    reason: string;
  };
  /** Signed statements (checkpoints, sealed heads) the chain was checked against. */
  anchors: {
    checked: number;
    /** The newest of them, or null when none covers the session. */
    latest: { at: string; kind: string; events: number; source: string } | null;
  };
}

type Broken = NonNullable<ChainCheck['broken']>;

interface PurgedInfo {
  digest?: unknown;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Walks a session's stored events in chain order and recomputes each hash from the one before,
 * with the formula of the session's chain version; checks the columns the API reads (seq, id,
 * type) against the hashed JSON, that only terminal output is purged, that the chain ends where
 * the session row says, and that it holds every signed anchor. Reports the first broken link.
 */
export async function walkChain(
  rows: AsyncIterable<ChainRow> | Iterable<ChainRow>,
  head: ChainHead,
  anchors: readonly Anchor[] = [],
): Promise<ChainCheck> {
  const version = head.chainVersion;
  // The positions anchors vouch for, and what was stored there.
  const wanted = new Set(anchors.map((a) => a.events - 1));
  const seen = new Map<number, { seq: number; id: string; hash: string }>();
  let previous = genesisHash(version, head.org, head.sessionId);
  let events = 0;
  let last: { seq: number; id: string } | null = null;
  let broken: Broken | null = null;
  // The first terminal event that kept its data, and the purged one with the latest purge time.
  let firstKept: { seq: number; receivedAt: string } | null = null;
  let latestPurge: { seq: number; id: string; ord: number; at: string } | null = null;
  // Each purge (its record's at and reason) and the first event it emptied.
  const purges = new Map<string, { seq: number; id: string; ord: number; at: string }>();
  // The time of the first event (the session's start).
  let startedAt = '';
  for await (const row of rows) {
    const ord = events;
    events++;
    if (wanted.has(ord)) seen.set(ord, { seq: row.seq, id: row.id, hash: row.hash });
    const at = (reason: string, expected = '', found = row.hash): Broken => ({
      seq: row.seq,
      id: row.id,
      ord,
      expected,
      found,
      reason,
    });
    const problem = checkRow(row, ord, head) ?? (row.purged ? checkPurge(row, startedAt) : null);
    if (problem) {
      broken = at(problem);
      break;
    }
    if (ord === 0) startedAt = String((JSON.parse(row.body) as { time?: unknown }).time);
    const digest = rowDigest(version, row);
    if (typeof digest !== 'string') {
      broken = at(digest.reason);
      break;
    }
    const expected = linkHash(version, previous, {
      ord,
      seq: row.seq,
      type: row.type,
      receivedAt: row.received_at,
      digest,
    });
    if (expected !== row.hash) {
      broken = at('the event does not match its hash', expected);
      break;
    }
    previous = row.hash;
    last = { seq: row.seq, id: row.id };
    if (row.type === 'terminal') {
      if (row.purged === null) firstKept ??= { seq: row.seq, receivedAt: row.received_at };
      else {
        const record = JSON.parse(row.purged) as { at: string; reason?: unknown };
        const purgedAt = record.at;
        if (!latestPurge || purgedAt > latestPurge.at)
          latestPurge = { seq: row.seq, id: row.id, ord, at: purgedAt };
        const key = JSON.stringify([purgedAt, String(record.reason)]);
        if (!purges.has(key)) purges.set(key, { seq: row.seq, id: row.id, ord, at: purgedAt });
      }
    }
  }
  // Retention purges all of a session's terminal output stored when it runs: output received
  // before a purge and still there means that purge was not retention's.
  if (!broken && latestPurge && firstKept && firstKept.receivedAt < latestPurge.at) {
    broken = {
      seq: latestPurge.seq,
      id: latestPurge.id,
      ord: latestPurge.ord,
      expected: `no terminal output received before ${latestPurge.at} left`,
      found: `seq ${firstKept.seq} received ${firstKept.receivedAt} kept`,
      reason: `the event is marked purged at ${latestPurge.at}, but terminal output received before then (seq ${firstKept.seq}) was kept: retention purges a session's whole recording at once`,
    };
  }
  // A purge after the session's head was signed must be signed too: retention records each one.
  if (!broken) {
    for (const [key, first] of purges) {
      const [purgedAt, reason] = JSON.parse(key) as [string, string];
      const recorded = anchors.some(
        (a) => a.purge && a.purge.at === purgedAt && a.purge.reason === reason,
      );
      const before = anchors.find((a) => !a.purge && a.at < purgedAt);
      if (recorded || !before) continue;
      broken = {
        seq: first.seq,
        id: first.id,
        ord: first.ord,
        expected: `a signed purge record of ${purgedAt}`,
        found: 'none',
        reason: `the event is marked purged at ${purgedAt}, but no signed record of that purge exists though the session was signed before it (${before.kind} signed ${before.at}, ${before.source}): the purge was not retention's`,
      };
      break;
    }
  }
  if (!broken && (events !== head.events || previous !== head.head)) {
    broken = {
      seq: last?.seq ?? -1,
      id: null,
      ord: events - 1,
      expected: head.head,
      found: previous,
      reason: `the chain ends after ${events} events but the session records ${head.events}`,
    };
  }

  // Anchors: the chain must hold every signed head; the earliest contradiction wins.
  const complete = broken === null;
  const chained = broken ? broken.ord : events;
  const sorted = [...anchors].sort((a, b) => a.events - b.events);
  let confirmed: { seq: number; at: string } | null = null;
  for (const anchor of sorted) {
    const ord = anchor.events - 1;
    if (broken && ord >= broken.ord) break;
    const signed = `${anchor.kind} signed ${anchor.at} (${anchor.source})`;
    const since = confirmed
      ? `after seq ${confirmed.seq}, the last event a signed checkpoint confirms`
      : 'from the first event on';
    if (anchor.chainVersion !== version) {
      broken = {
        seq: -1,
        id: null,
        ord: 0,
        expected: `chain version ${anchor.chainVersion}`,
        found: `chain version ${version}`,
        reason: `the session's chain version differs from the ${signed}`,
      };
      break;
    }
    if (ord < 0) continue;
    const stored = seen.get(ord);
    if (!stored) {
      if (!complete || ord < chained) continue;
      broken = {
        seq: last?.seq ?? -1,
        id: null,
        ord: events - 1,
        expected: anchor.head,
        found: previous,
        reason: `the ${signed} records ${anchor.events} events but the chain has ${events}: events were removed`,
      };
      break;
    }
    if (stored.hash !== anchor.head) {
      broken = {
        seq: stored.seq,
        id: stored.id,
        ord,
        expected: anchor.head,
        found: stored.hash,
        reason: `the chain was rewritten: this event's hash differs from the ${signed}; the change is at or before this event, ${since}`,
      };
      break;
    }
    confirmed = { seq: stored.seq, at: anchor.at };
  }
  const newest = anchors.reduce<Anchor | null>(
    (a, b) => (a === null || b.events > a.events || (b.events === a.events && b.at > a.at) ? b : a),
    null,
  );
  return {
    events,
    chainVersion: version,
    broken,
    anchors: {
      checked: anchors.length,
      latest: newest
        ? { at: newest.at, kind: newest.kind, events: newest.events, source: newest.source }
        : null,
    },
  };
}

/** What is wrong with a row's columns against its position and its stored JSON, or null. */
function checkRow(row: ChainRow, ord: number, head: ChainHead): string | null {
  if (row.ord !== ord)
    return `the event is stored at position ${row.ord} of the chain, expected ${ord}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(row.body) as Record<string, unknown>;
  } catch {
    return 'the stored JSON of the event does not parse';
  }
  if (!body || typeof body !== 'object') return 'the stored JSON of the event is not an object';
  for (const [column, value] of [
    ['seq', row.seq],
    ['id', row.id],
    ['type', row.type],
    ['sessionId', head.sessionId],
  ] as const) {
    if (body[column] !== value) {
      return `the event's stored ${column} (${JSON.stringify(value)}) differs from its hashed JSON (${JSON.stringify(body[column])})`;
    }
  }
  if (row.purged !== null) {
    if (row.type !== 'terminal' || body.data !== '' || body.header !== undefined) {
      return `the event is marked purged, but retention removes only terminal output (this is a ${row.type} event${row.type === 'terminal' ? ' that still has content' : ''})`;
    }
  }
  return null;
}

/** The fewest days retention keeps a recording: no purge comes sooner after a session starts. */
export const MIN_RETENTION_DAYS = 1;

/**
 * What is wrong with a purge record, or null: it must be retention's, which purges a session's
 * recording at least {@link MIN_RETENTION_DAYS} after the session started, and only output that
 * had arrived.
 */
function checkPurge(row: ChainRow, startedAt: string): string | null {
  let record: { at?: unknown };
  try {
    record = JSON.parse(row.purged!) as { at?: unknown };
  } catch {
    return 'the purge record of the event does not parse';
  }
  const at = typeof record.at === 'string' ? Date.parse(record.at) : Number.NaN;
  if (Number.isNaN(at)) return 'the purge record of the event has no time';
  if (at < Date.parse(row.received_at))
    return `the event is marked purged at ${record.at as string}, before it was received (${row.received_at})`;
  if (at < Date.parse(startedAt) + MIN_RETENTION_DAYS * 86_400_000)
    return `the event is marked purged at ${record.at as string}, less than ${MIN_RETENTION_DAYS} day after the session started (${startedAt}): retention keeps recordings longer`;
  return null;
}

/** The content digest the chain covers of a stored row, or why it cannot be had. */
function rowDigest(version: ChainVersion, row: ChainRow): string | { reason: string } {
  if (row.purged === null) {
    const event = JSON.parse(row.body) as { type: string; data?: unknown };
    return contentDigest(version, event, row.body);
  }
  let purged: PurgedInfo;
  try {
    purged = JSON.parse(row.purged) as PurgedInfo;
  } catch {
    return { reason: 'the purge record of the event does not parse' };
  }
  // A purged terminal event keeps the digest of what was removed; the rest is hashed as it is.
  // Version 1 keeps the digest of the whole stored JSON; version 2 that of the data alone, and
  // hashes the rest of the event as it is now.
  if (version === 1) {
    return typeof purged.digest === 'string' && HEX64.test(purged.digest)
      ? purged.digest
      : { reason: 'the purge record of the event has no digest' };
  }
  return typeof purged.digest === 'string' && HEX64.test(purged.digest)
    ? terminalDigest(sha256(row.body), purged.digest)
    : { reason: 'the purge record of the event has no digest of the removed data' };
}
