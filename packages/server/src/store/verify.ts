import type { StoredEvent } from '@auditlane/client';
import { chainHash, eventDigest, GENESIS_HASH } from '../domain/hash';
import type { ChainCheck } from './types';

/**
 * Walks stored event bodies in storage order and recomputes each hash from the one before; then
 * checks that the chain ends where the session says it does (so removing the last events shows).
 */
export async function walkChain(
  bodies: AsyncIterable<string> | Iterable<string>,
  head: { lastHash: string; eventCount: number },
): Promise<ChainCheck> {
  let previous = GENESIS_HASH;
  let events = 0;
  let lastSeq = -1;
  for await (const body of bodies) {
    const { receivedAt, hash, purged, ...event } = JSON.parse(body) as StoredEvent;
    // A purged event keeps the digest of what it was; anything else is hashed as it is now.
    const expected = chainHash(previous, purged ? purged.digest : eventDigest(event), receivedAt);
    events++;
    if (expected !== hash) {
      return {
        events,
        broken: {
          seq: event.seq,
          id: event.id,
          expected,
          found: hash,
          reason: 'the event does not match its hash',
        },
      };
    }
    previous = hash;
    lastSeq = event.seq;
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
