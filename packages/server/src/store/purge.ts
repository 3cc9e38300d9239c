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
export { PRODUCTION_ENVIRONMENTS } from '@auditlane/client';

/**
 * A terminal event once its content is removed: the data (and a recording's opening header,
 * which holds its command line) is gone, the digest of what it was stays (in `purged`), so the
 * hash chain still verifies.
 */
export function tombstone(
  body: string,
  at: string,
  reason: string,
): { body: string; purged: string } {
  const { header: _header, ...event } = JSON.parse(body) as { data?: string; header?: unknown };
  return {
    body: JSON.stringify({ ...event, data: '' }),
    purged: JSON.stringify({ at, reason, digest: eventDigest(body) }),
  };
}
