import { readStatements } from './checkpoint-file';
import { CHAIN_VERSIONS, type ChainVersion } from './formula';
import {
  type StatementSource,
  type VerifyEvidence,
  type VerifyReport,
  verifyChain,
} from './verify';
import type { ChainHead, ChainRow } from './walk';

/** The first line of a session export for offline verification. */
export const EXPORT_FORMAT = 'auditlane/session-export@1';

/**
 * First line of an export: the session, where its chain ends (the session row) and the signed
 * head the server stored with it. Every further line is one stored event ({@link ExportEvent}).
 */
export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  org: string;
  sessionId: string;
  chainVersion: ChainVersion;
  events: number;
  head: string;
  /** The newest signed statement of the session's head kept with it, or null. */
  signedHead: unknown;
  /** The session as the API returns it. */
  session: unknown;
}

/** One stored event exactly as chained: its columns and its stored JSON text. */
export interface ExportEvent {
  ord: number;
  seq: number;
  id: string;
  type: string;
  receivedAt: string;
  hash: string;
  purged: unknown;
  /** The stored JSON text the hash covers, byte for byte. */
  body: string;
}

export function exportHeaderLine(
  head: ChainHead,
  session: unknown,
  signedHead: string | null,
): string {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    org: head.org,
    sessionId: head.sessionId,
    chainVersion: head.chainVersion,
    events: head.events,
    head: head.head,
    signedHead: signedHead === null ? null : (JSON.parse(signedHead) as unknown),
    session,
  };
  return `${JSON.stringify(header)}\n`;
}

export function exportEventLine(row: ChainRow): string {
  const event: ExportEvent = {
    ord: row.ord,
    seq: row.seq,
    id: row.id,
    type: row.type,
    receivedAt: row.received_at,
    hash: row.hash,
    purged: row.purged === null ? null : (JSON.parse(row.purged) as unknown),
    body: row.body,
  };
  return `${JSON.stringify(event)}\n`;
}

export class ExportFormatError extends Error {
  override name = 'ExportFormatError';
}

/**
 * Verifies an exported session offline: its chain, its signed head and the statements given
 * (checkpoint file lines), with public keys only. Throws {@link ExportFormatError} naming the
 * line when the export is not one.
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  evidence: VerifyEvidence & {
    /** Checkpoint files: their lines naming the exported session are checked too. */
    checkpointFiles?: readonly string[];
  } = {},
): Promise<VerifyReport & { org: string; sessionId: string }> {
  const iterator = toAsync(lines)[Symbol.asyncIterator]();
  let n = 0;
  let first: IteratorResult<string>;
  do {
    first = await iterator.next();
    n++;
  } while (!first.done && first.value.trim() === '');
  if (first.done) throw new ExportFormatError('the export is empty');
  const header = parseHeader(first.value, n);
  const head: ChainHead = {
    org: header.org,
    sessionId: header.sessionId,
    chainVersion: header.chainVersion,
    events: header.events,
    head: header.head,
  };
  async function* rows(): AsyncGenerator<ChainRow> {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      n++;
      if (next.value.trim() === '') continue;
      yield parseEvent(next.value, n);
    }
  }
  const statements: StatementSource[] = [...(evidence.statements ?? [])];
  for (const file of evidence.checkpointFiles ?? [])
    statements.push(...(await readStatements(file, header.sessionId)));
  if (header.signedHead !== null)
    statements.push({ statement: header.signedHead, source: "the export's signed head" });
  const report = await verifyChain(rows(), head, { ...evidence, statements });
  return { ...report, org: header.org, sessionId: header.sessionId };
}

function parseHeader(line: string, n: number): ExportHeader {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new ExportFormatError(`line ${n}: not JSON`);
  }
  if (v?.format !== EXPORT_FORMAT)
    throw new ExportFormatError(
      `line ${n}: not a session export (its first line must have "format": "${EXPORT_FORMAT}"; download one from /v1/sessions/{id}/logs?format=export)`,
    );
  if (typeof v.org !== 'string' || typeof v.sessionId !== 'string')
    throw new ExportFormatError(`line ${n}: "org" and "sessionId" must be strings`);
  if (!CHAIN_VERSIONS.includes(v.chainVersion as ChainVersion))
    throw new ExportFormatError(
      `line ${n}: unknown "chainVersion" ${JSON.stringify(v.chainVersion)}`,
    );
  if (!Number.isSafeInteger(v.events) || typeof v.head !== 'string')
    throw new ExportFormatError(`line ${n}: "events" must be an integer and "head" a hash`);
  return v as unknown as ExportHeader;
}

function parseEvent(line: string, n: number): ChainRow {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new ExportFormatError(`line ${n}: not JSON`);
  }
  for (const field of ['ord', 'seq'] as const)
    if (!Number.isSafeInteger(v?.[field]))
      throw new ExportFormatError(`line ${n}: "${field}" must be an integer`);
  for (const field of ['id', 'type', 'receivedAt', 'hash', 'body'] as const)
    if (typeof v[field] !== 'string')
      throw new ExportFormatError(`line ${n}: "${field}" must be a string`);
  return {
    ord: v.ord as number,
    seq: v.seq as number,
    id: v.id as string,
    type: v.type as string,
    body: v.body as string,
    received_at: v.receivedAt as string,
    hash: v.hash as string,
    purged: v.purged === null || v.purged === undefined ? null : JSON.stringify(v.purged),
  };
}

async function* toAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
