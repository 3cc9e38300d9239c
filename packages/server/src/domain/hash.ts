import { createHash } from 'node:crypto';

/** The hash of the first event of a session chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of an event's stored JSON text: what the chain covers of each event. */
export function eventDigest(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Tamper evidence: each stored event's hash covers the previous stored event's hash, when it was
 * received, and the digest of the event's stored JSON text, so changing, removing or reordering any stored event
 * breaks every hash after it. Chaining digests (not the events themselves) lets retention purge
 * a recording's content and keep its digest: the chain still verifies end to end.
 */
export function chainHash(previousHash: string, digest: string, receivedAt: string): string {
  return createHash('sha256').update(`${previousHash}\n${receivedAt}\n${digest}`).digest('hex');
}
