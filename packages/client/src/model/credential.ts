import { z } from 'zod';
import { isWellFormed, plainText } from './common';

export const credentialKindSchema = z
  .enum(['api_key', 'password', 'token', 'ssh_key', 'certificate', 'oauth', 'cloud_role', 'none'])
  .meta({ id: 'CredentialKind' });

/**
 * A masked fingerprint: at most 12 visible characters, then `...`, then at most 8.
 * The shape itself guarantees that a secret can never be stored here.
 */
export const fingerprintSchema = z
  .string()
  .regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a fingerprint never holds U+0000.
    /^[^\s\u0000]{0,12}\.\.\.[^\s\u0000]{0,8}$/,
    'must be a masked fingerprint such as "sk-ant-...A3F2" (at most 12 characters, "...", at most 8)',
  )
  .refine(isWellFormed, 'must be well-formed Unicode (a lone surrogate is not)')
  .meta({ id: 'Fingerprint', example: 'sk-ant-...A3F2' });

/** The credential a session used: its kind and a masked fingerprint, never the secret. */
export const credentialSchema = z
  .object({
    kind: credentialKindSchema,
    fingerprint: fingerprintSchema,
    name: plainText(128)
      .min(1)
      .optional()
      .meta({ description: 'Display name of the key or role, e.g. "shared CI key".' }),
  })
  .meta({ id: 'Credential' });

export type CredentialKind = z.infer<typeof credentialKindSchema>;
export type Credential = z.infer<typeof credentialSchema>;

const KNOWN_PREFIX = /^(?:[A-Za-z]{2,6}[-_](?:[A-Za-z0-9]{2,6}[-_])?|AKIA|ASIA|AIza|xox[abpr]-)/;

/** Characters of a secret that a fingerprint always keeps hidden. */
const MIN_HIDDEN = 12;

/**
 * Masks a secret into a fingerprint: a known key prefix, `...`, the last four characters.
 * Whitespace is ignored (a fingerprint cannot hold any, and PEM keys end with a line break).
 * Secrets shorter than 16 characters show no characters at all, and the prefix is left out when
 * it would leave fewer than 12 characters hidden (a short password must not be shown whole).
 *
 * @example fingerprintSecret('sk-ant-api03-abcdef...xyzA3F2') // 'sk-ant-...A3F2'
 */
export function fingerprintSecret(secret: string): string {
  const compact = secret.replace(/\s/g, '');
  if (compact.length < 16) return '...';
  const prefix = (KNOWN_PREFIX.exec(compact)?.[0] ?? '').slice(0, 12);
  const suffix = compact.slice(-4);
  const hidden = compact.length - prefix.length - suffix.length;
  return hidden >= MIN_HIDDEN ? `${prefix}...${suffix}` : `...${suffix}`;
}
