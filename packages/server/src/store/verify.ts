import { chainHash, eventDigest, GENESIS_HASH } from '../domain/hash';
import type { ChainCheck } from './types';

/** A stored event as the chain sees it. */
export interface ChainRow {
  seq: number;
  id: string;
  body: string;
  received_at: string;
  hash: string;
  /** JSON of `{ at, reason, digest }` when retention removed the content. */
  purged: string | null;
}

/**
 * Walks stored events in chain order and recomputes each hash from the one before; then checks
 * that the chain ends where the session says it does (so removing the last events shows).
 */
export async function walkChain(
  rows: AsyncIterable<ChainRow> | Iterable<ChainRow>,
  head: { lastHash: string; eventCount: number },
): Promise<ChainCheck> {
  let previous = GENESIS_HASH;
  let events = 0;
  let lastSeq = -1;
  for await (const row of rows) {
    // A purged event keeps the digest of what it was; anything else is hashed as it is now.
    const digest = row.purged
      ? (JSON.parse(row.purged) as { digest: string }).digest
      : eventDigest(row.body);
    const expected = chainHash(previous, digest, row.received_at);
    events++;
    if (expected !== row.hash) {
      return {
        events,
        broken: {
          seq: row.seq,
          id: row.id,
          expected,
          found: row.hash,
          reason: 'the event does not match its hash',
        },
      };
    }
    previous = row.hash;
    lastSeq = row.seq;
  }
  if (events !== head.eventCount || previous !== head.lastHash) {
    return {
      events,
      broken: {
        seq: lastSeq,
        id: null,
        expected: head.lastHash,
        found: previous,
        reason: `the chain ends after ${events} events but the session records ${head.eventCount}`,
      },
    };
  }
  return { events, broken: null };
}

/** The event as the API returns it: the stored JSON plus what the server added. */
export function storedEventJson(
  row: Pick<ChainRow, 'body' | 'received_at' | 'hash' | 'purged'>,
): string {
  const extra = `"receivedAt":${JSON.stringify(row.received_at)},"hash":"${row.hash}"${row.purged ? `,"purged":${row.purged}` : ''}`;
  return row.body.length > 2 ? `${row.body.slice(0, -1)},${extra}}` : `{${extra}}`;
}
