import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { CHAIN_VERSIONS, type ChainVersion, sha256 } from './formula';
import type { Anchor } from './walk';

/** An Ed25519 key pair the server signs chain heads with; the database never holds it. */
export interface SigningKey {
  /** `ed25519:` and 16 hex digits of the SHA-256 of the public key: names the key in statements. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A public key that checks signatures, by its id. */
export interface VerifyKey {
  kid: string;
  publicKey: KeyObject;
}

/** What a statement says of one session: its chain had `events` events ending in `head`. */
export interface SignedHead {
  sessionId: string;
  chainVersion: ChainVersion;
  events: number;
  head: string;
}

/**
 * A signed statement over chain heads of one org: written when a session ends (`session-end`, one
 * head), by the periodic checkpoint (`checkpoint`, the heads that changed since the last one), and
 * when retention purges a session's recording (`purge`, one head, and when and why). One JSON
 * line each in the checkpoint file.
 */
export interface Statement {
  v: 1;
  kind: 'session-end' | 'checkpoint' | 'purge';
  at: string;
  kid: string;
  org: string;
  heads: SignedHead[];
  /** `purge` only: the purge record retention wrote on the session's terminal events. */
  purge?: PurgeRecord;
  /** Ed25519 signature (base64) of {@link statementPayload}. */
  sig: string;
}

/** When and why retention purged (the `at` and `reason` of each purged event's record). */
export interface PurgeRecord {
  at: string;
  reason: string;
}

export const STATEMENT_KINDS: readonly Statement['kind'][] = ['session-end', 'checkpoint', 'purge'];

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519:${sha256(der.toString('base64')).slice(0, 16)}`;
}

/** A new key pair as PEM texts (PKCS#8 private key, SPKI public key). */
export function createKeyPair(): { privateKeyPem: string; publicKeyPem: string; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    kid: keyId(publicKey),
  };
}

/** Reads an Ed25519 private key (PEM). Throws naming what is wrong. */
export function loadSigningKey(pem: string, source = 'the signing key'): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${source} is not a PEM private key: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `${source} is a ${privateKey.asymmetricKeyType} key; an Ed25519 key is needed (auditlane keys create)`,
    );
  const publicKey = createPublicKey(privateKey);
  return { kid: keyId(publicKey), privateKey, publicKey };
}

/** Reads an Ed25519 public key (PEM; a private key gives its public half). */
export function loadVerifyKey(pem: string, source = 'the public key'): VerifyKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (error) {
    throw new Error(`${source} is not a PEM public key: ${(error as Error).message}`);
  }
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`${source} is a ${publicKey.asymmetricKeyType} key, not Ed25519`);
  return { kid: keyId(publicKey), publicKey };
}

/** The exact bytes signed: every field in a fixed order. */
export function statementPayload(s: Omit<Statement, 'sig'>): string {
  return JSON.stringify([
    'auditlane/statement@1',
    s.kind,
    s.at,
    s.kid,
    s.org,
    s.heads.map((h) => [h.sessionId, h.chainVersion, h.events, h.head]),
    ...(s.purge ? [[s.purge.at, s.purge.reason]] : []),
  ]);
}

export function signStatement(
  key: SigningKey,
  s: {
    kind: Statement['kind'];
    at: string;
    org: string;
    heads: SignedHead[];
    purge?: PurgeRecord;
  },
): Statement {
  const unsigned: Omit<Statement, 'sig'> = {
    v: 1,
    kind: s.kind,
    at: s.at,
    kid: key.kid,
    org: s.org,
    heads: s.heads.map((h) => ({
      sessionId: h.sessionId,
      chainVersion: h.chainVersion,
      events: h.events,
      head: h.head,
    })),
    ...(s.purge ? { purge: { at: s.purge.at, reason: s.purge.reason } } : {}),
  };
  const sig = sign(null, Buffer.from(statementPayload(unsigned)), key.privateKey).toString(
    'base64',
  );
  return { ...unsigned, sig };
}

export type StatementCheck =
  | { status: 'valid'; statement: Statement }
  /** Signed by a key not among those given (another server, a rotated key): not checked. */
  | { status: 'unknown_key'; kid: string }
  | { status: 'invalid'; reason: string };

/** Parses a statement (a JSON line or a parsed value) and checks its signature. */
export function checkStatement(input: unknown, keys: readonly VerifyKey[]): StatementCheck {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { status: 'invalid', reason: 'it is not JSON' };
    }
  }
  const shape = statementShape(value);
  if (typeof shape === 'string') return { status: 'invalid', reason: shape };
  const key = keys.find((k) => k.kid === shape.kid);
  if (!key) return { status: 'unknown_key', kid: shape.kid };
  const ok = verify(
    null,
    Buffer.from(statementPayload(shape)),
    key.publicKey,
    Buffer.from(shape.sig, 'base64'),
  );
  return ok
    ? { status: 'valid', statement: shape }
    : { status: 'invalid', reason: `its signature does not verify with key ${shape.kid}` };
}

/** The anchors a valid statement gives one session. */
export function anchorsOf(
  statement: Statement,
  org: string,
  sessionId: string,
  source: string,
): Anchor[] {
  if (statement.org !== org) return [];
  return statement.heads
    .filter((h) => h.sessionId === sessionId)
    .map((h) => ({
      at: statement.at,
      kind: statement.kind,
      chainVersion: h.chainVersion,
      events: h.events,
      head: h.head,
      source,
      ...(statement.purge ? { purge: statement.purge } : {}),
    }));
}

const HEX64 = /^[0-9a-f]{64}$/;

function statementShape(v: unknown): Statement | string {
  if (!v || typeof v !== 'object') return 'it is not an object';
  const s = v as Record<string, unknown>;
  if (s.v !== 1) return 'unknown statement version';
  if (!STATEMENT_KINDS.includes(s.kind as Statement['kind'])) return 'unknown statement kind';
  for (const field of ['at', 'kid', 'org', 'sig'] as const)
    if (typeof s[field] !== 'string') return `"${field}" is not a string`;
  if (!Array.isArray(s.heads)) return '"heads" is not an array';
  const purge = s.purge as Record<string, unknown> | undefined;
  if ((s.kind === 'purge') !== (purge !== undefined)) return '"purge" goes with kind purge only';
  if (purge && (typeof purge.at !== 'string' || typeof purge.reason !== 'string'))
    return '"purge" needs "at" and "reason"';
  const heads: SignedHead[] = [];
  for (const [i, h] of (s.heads as unknown[]).entries()) {
    const x = h as Record<string, unknown> | null;
    if (
      !x ||
      typeof x.sessionId !== 'string' ||
      !CHAIN_VERSIONS.includes(x.chainVersion as ChainVersion) ||
      !Number.isSafeInteger(x.events) ||
      (x.events as number) < 0 ||
      typeof x.head !== 'string' ||
      !HEX64.test(x.head)
    )
      return `heads[${i}] is not a chain head`;
    heads.push({
      sessionId: x.sessionId,
      chainVersion: x.chainVersion as ChainVersion,
      events: x.events as number,
      head: x.head,
    });
  }
  return {
    v: 1,
    kind: s.kind as Statement['kind'],
    at: s.at as string,
    kid: s.kid as string,
    org: s.org as string,
    heads,
    ...(purge ? { purge: { at: purge.at as string, reason: purge.reason as string } } : {}),
    sig: s.sig as string,
  };
}
