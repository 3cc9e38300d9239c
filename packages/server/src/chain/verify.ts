import { anchorsOf, checkStatement, type VerifyKey } from './signing';
import { type Anchor, type ChainCheck, type ChainHead, type ChainRow, walkChain } from './walk';

/** A signed statement to check a chain against, and where it was read. */
export interface StatementSource {
  /** A JSON line of the checkpoint file, or a parsed statement. */
  statement: unknown;
  /** `checkpoints.ndjson:12`, `the session row`: named in reports. */
  source: string;
}

export interface VerifyEvidence {
  /** Statements that may cover the session: only those naming it count. */
  statements?: readonly StatementSource[];
  /** The public keys statements are checked with. */
  keys?: readonly VerifyKey[];
}

export type VerifyReport = ChainCheck & {
  anchors: ChainCheck['anchors'] & {
    /** Statements signed by a key not given: not checked. */
    unknownKeys: number;
  };
};

/**
 * Verifies one session's chain: the walk of {@link walkChain} against every signed statement
 * that names the session. A statement that names the session but whose signature does not
 * verify (forged, or altered after signing) breaks the chain's evidence like a broken link.
 */
export async function verifyChain(
  rows: AsyncIterable<ChainRow> | Iterable<ChainRow>,
  head: ChainHead,
  evidence: VerifyEvidence = {},
): Promise<VerifyReport> {
  const anchors: Anchor[] = [];
  let unknownKeys = 0;
  let forged: { source: string; reason: string } | null = null;
  for (const { statement, source } of evidence.statements ?? []) {
    const check = checkStatement(statement, evidence.keys ?? []);
    if (check.status === 'valid') {
      anchors.push(...anchorsOf(check.statement, head.org, head.sessionId, source));
    } else if (check.status === 'unknown_key') {
      if (names(statement, head.sessionId)) unknownKeys++;
    } else if (!forged && names(statement, head.sessionId)) {
      forged = { source, reason: check.reason };
    }
  }
  const check = await walkChain(rows, head, anchors);
  const report: VerifyReport = { ...check, anchors: { ...check.anchors, unknownKeys } };
  if (forged) {
    report.broken = {
      seq: -1,
      id: null,
      ord: -1,
      expected: 'a valid signature',
      found: 'an invalid one',
      reason: `the signed statement at ${forged.source} names this session but ${forged.reason}: it was forged or altered`,
    };
  }
  return report;
}

function names(statement: unknown, sessionId: string): boolean {
  const text = typeof statement === 'string' ? statement : JSON.stringify(statement);
  return text.includes(sessionId);
}
