import { type ChainVersion, removedContentDigest, sha256, withoutContent } from '../chain/formula';

/** Which recordings a retention sweep purges. */
export interface PurgeRequest {
  /** Sessions started before this time (ms). */
  before: number;
  /** Production sessions, or every other environment. */
  production: boolean;
  /** When and why, recorded on each purged event. */
  at: string;
  reason: string;
  /** Called after each session's purge is committed (retention signs a record of it). */
  onPurged?: (org: string, sessionId: string) => Promise<void>;
}

export interface PurgeReport {
  sessions: number;
  events: number;
}

/** Environments whose recordings follow the production retention. */
export { PRODUCTION_ENVIRONMENTS } from '@auditlane/client';

/**
 * A terminal event once its content is removed: the data (and a recording's opening header,
 * which holds its command line) is gone, the digest of what the chain covered of it stays (in
 * `purged.digest`: of the whole stored JSON in a version 1 chain, of the removed content alone in
 * version 2, whose chain covers the rest of the event as it still is), so the hash chain still
 * verifies. Verification accepts a purge record only on a terminal event left with neither.
 */
export function tombstone(
  body: string,
  at: string,
  reason: string,
  chainVersion: ChainVersion,
): { body: string; purged: string } {
  const event = JSON.parse(body) as { data?: string; header?: unknown };
  const digest = chainVersion === 1 ? sha256(body) : removedContentDigest(event);
  return { body: withoutContent(event), purged: JSON.stringify({ at, reason, digest }) };
}
