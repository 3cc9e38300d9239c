import { createHash } from 'node:crypto';

/**
 * Chain versions. A session keeps the version it started with (stored with the session), so
 * sessions stored before a formula changed still verify with the formula they were chained with.
 * - 1: each hash covers the previous hash, receivedAt and the SHA-256 of the stored JSON.
 * - 2: also the event's position (ord), seq and type; a terminal event's content (data and
 *   header) is digested apart from the rest (retention removes only the content: the rest still
 *   verifies byte for byte);
 *   the chain starts from a genesis bound to the org and session id.
 */
export type ChainVersion = 1 | 2;
export const CHAIN_VERSIONS: readonly ChainVersion[] = [1, 2];
/** The version new sessions are chained with. */
export const CURRENT_CHAIN_VERSION: ChainVersion = 2;

/** The previous hash of the first event of a version 1 chain. */
export const GENESIS_HASH = '0'.repeat(64);

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of an event's stored JSON text. */
export function eventDigest(body: string): string {
  return sha256(body);
}

/** Version 1: the hash over the previous hash, receivedAt and the event's digest. */
export function chainHash(previousHash: string, digest: string, receivedAt: string): string {
  return sha256(`${previousHash}\n${receivedAt}\n${digest}`);
}

/** The hash a session's chain starts from. */
export function genesisHash(version: ChainVersion, org: string, sessionId: string): string {
  return version === 1 ? GENESIS_HASH : sha256(`auditlane/chain@2\n${org}\n${sessionId}`);
}

/**
 * What one link of a chain covers. `digest` is the event's content digest
 * ({@link contentDigest}); `ord` is its position in the chain (0, 1, 2, ...).
 */
export interface Link {
  ord: number;
  seq: number;
  type: string;
  receivedAt: string;
  digest: string;
}

export function linkHash(version: ChainVersion, previousHash: string, link: Link): string {
  if (version === 1) return chainHash(previousHash, link.digest, link.receivedAt);
  return sha256(
    `auditlane/chain@2\n${previousHash}\n${link.ord}\n${link.seq}\n${link.type}\n${link.receivedAt}\n${link.digest}`,
  );
}

/**
 * A terminal event without its content (its data, and a recording's opening header, which holds
 * its command line): what stays of it after retention (the tombstone's body).
 */
export function withoutContent(event: { header?: unknown }): string {
  const { header: _header, ...rest } = event;
  return JSON.stringify({ ...rest, data: '' });
}

/** The digest of what retention removes of a terminal event: its data and header. */
export function removedContentDigest(event: { data?: unknown; header?: unknown }): string {
  return sha256(JSON.stringify([String(event.data ?? ''), event.header ?? null]));
}

/**
 * Version 2 digest of a terminal event: its metadata (the event without its content, exactly the
 * body a purge leaves) and its content, each digested, so a purge can drop the content, keep its
 * digest, and leave the rest verifiable.
 */
export function terminalDigest(metadataDigest: string, contentDigest: string): string {
  return sha256(`terminal\n${metadataDigest}\n${contentDigest}`);
}

/**
 * The content digest of an event about to be stored: the stored JSON text, or for a version 2
 * terminal event its metadata and content apart.
 */
export function contentDigest(
  version: ChainVersion,
  event: { type: string; data?: unknown; header?: unknown },
  body: string,
): string {
  if (version === 2 && event.type === 'terminal') {
    return terminalDigest(sha256(withoutContent(event)), removedContentDigest(event));
  }
  return eventDigest(body);
}
