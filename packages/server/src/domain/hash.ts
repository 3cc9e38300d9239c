import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of the first event of a session chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 of an event's canonical JSON: what the chain covers of each event. */
export function eventDigest(event: unknown): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

/**
 * Tamper evidence: each stored event's hash covers the previous stored event's hash, when it was
 * received, and the digest of the event, so changing, removing or reordering any stored event
 * breaks every hash after it. Chaining digests (not the events themselves) lets retention purge
 * a recording's content and keep its digest: the chain still verifies end to end.
 */
export function chainHash(previousHash: string, digest: string, receivedAt: string): string {
  return createHash('sha256').update(`${previousHash}\n${receivedAt}\n${digest}`).digest('hex');
}
