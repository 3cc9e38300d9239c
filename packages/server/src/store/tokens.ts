import { createHash, randomBytes } from 'node:crypto';

/** A new API token: `al_` + 32 random bytes, base64url. Only its SHA-256 is stored. */
export function newToken(): string {
  return `al_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}
