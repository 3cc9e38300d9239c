import { type ChainRow, walkChain } from '../chain/walk';
import type { Store, VerifyReport } from './types';

export type { ChainRow };

/** The event as the API returns it: the stored JSON plus what the server added. */
export function storedEventJson(
  row: Pick<ChainRow, 'body' | 'received_at' | 'hash' | 'purged'>,
): string {
  const extra = `"receivedAt":${JSON.stringify(row.received_at)},"hash":"${row.hash}"${row.purged ? `,"purged":${row.purged}` : ''}`;
  return row.body.length > 2 ? `${row.body.slice(0, -1)},${extra}}` : `{${extra}}`;
}

/** The verification both stores share: the chain as stored. */
export async function verifyStored(
  store: Pick<Store, 'chainHead' | 'chainRows'>,
  org: string,
  sessionId: string,
): Promise<VerifyReport | null> {
  const head = await store.chainHead(org, sessionId);
  if (!head) return null;
  const check = await walkChain(store.chainRows(org, sessionId), head);
  return { ...check, anchors: { ...check.anchors, unknownKeys: 0 } };
}
