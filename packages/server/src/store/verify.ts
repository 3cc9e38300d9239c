import {
  type StatementSource,
  type VerifyEvidence,
  type VerifyReport,
  verifyChain,
} from '../chain/verify';
import type { ChainRow } from '../chain/walk';
import type { Store } from './types';

export type { ChainRow };

/** The event as the API returns it: the stored JSON plus what the server added. */
export function storedEventJson(
  row: Pick<ChainRow, 'body' | 'received_at' | 'hash' | 'purged'>,
): string {
  const extra = `"receivedAt":${JSON.stringify(row.received_at)},"hash":"${row.hash}"${row.purged ? `,"purged":${row.purged}` : ''}`;
  return row.body.length > 2 ? `${row.body.slice(0, -1)},${extra}}` : `{${extra}}`;
}

/**
 * The verification both stores share: the chain as stored, against the signed head kept with
 * the session and the statements the caller brings (checkpoint file lines).
 */
export async function verifyStored(
  store: Pick<Store, 'chainHead' | 'chainRows'>,
  org: string,
  sessionId: string,
  evidence: VerifyEvidence = {},
): Promise<VerifyReport | null> {
  const head = await store.chainHead(org, sessionId);
  if (!head) return null;
  const statements: StatementSource[] = [...(evidence.statements ?? [])];
  if (head.signedHead !== null)
    statements.push({
      statement: head.signedHead,
      source: 'the signed head kept with the session',
    });
  return verifyChain(store.chainRows(org, sessionId), head, { ...evidence, statements });
}
