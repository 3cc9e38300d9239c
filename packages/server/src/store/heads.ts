import type { Session } from '@auditlane/client';
import type { ChainVersion } from '../chain/formula';
import type { StoredHead } from './types';

/** The columns of a session row that say where its chain ends and what was signed of it. */
export const HEAD_COLUMNS =
  'org, id, status, chain_version, last_hash, event_count, signed_head, signed_events';

/** A session row's {@link HEAD_COLUMNS}, as both adapters read them. */
export interface HeadRow {
  org: string;
  id: string;
  status: Session['status'];
  chain_version: ChainVersion;
  last_hash: string;
  event_count: number;
  signed_head: string | null;
  signed_events: number;
}

export function storedHead(row: HeadRow): StoredHead {
  return {
    org: row.org,
    sessionId: row.id,
    status: row.status,
    chainVersion: row.chain_version,
    events: row.event_count,
    head: row.last_hash,
    signedHead: row.signed_head,
    signedEvents: row.signed_events,
  };
}
