import type { StoredEvent } from '@auditlane/client';
import { eventDigest } from '../domain/hash';

/** Which recordings a retention sweep purges. */
export interface PurgeRequest {
  /** Sessions started before this time (ms). */
  before: number;
  /** Production sessions, or every other environment. */
  production: boolean;
  /** When and why, recorded on each purged event. */
  at: string;
  reason: string;
}

export interface PurgeReport {
  sessions: number;
  events: number;
}

/** Environments whose recordings follow the production retention. */
export const PRODUCTION_ENVIRONMENTS = ['production', 'prod'];

/**
 * The stored body of a terminal event once its content is removed: the data is gone, the digest
 * of what it was stays, so the hash chain still verifies. null when there is nothing to purge.
 */
export function tombstone(body: string, at: string, reason: string): string | null {
  const stored = JSON.parse(body) as StoredEvent;
  if (stored.type !== 'terminal' || stored.purged) return null;
  const { receivedAt, hash, purged: _, ...event } = stored;
  return JSON.stringify({
    ...event,
    data: '',
    receivedAt,
    hash,
    purged: { at, reason, digest: eventDigest(event) },
  });
}
