import { z } from 'zod';

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
    /^[^\s]{0,12}\.\.\.[^\s]{0,8}$/,
    'must be a masked fingerprint such as "sk-ant-...A3F2" (at most 12 characters, "...", at most 8)',
  )
  .meta({ id: 'Fingerprint', example: 'sk-ant-...A3F2' });

/** The credential a session used: its kind and a masked fingerprint, never the secret. */
export const credentialSchema = z
  .object({
    kind: credentialKindSchema,
    fingerprint: fingerprintSchema,
    name: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .meta({ description: 'Display name of the key or role, e.g. "shared CI key".' }),
  })
  .meta({ id: 'Credential' });

export type CredentialKind = z.infer<typeof credentialKindSchema>;
export type Credential = z.infer<typeof credentialSchema>;

const KNOWN_PREFIX = /^(?:[A-Za-z]{2,6}[-_](?:[A-Za-z0-9]{2,6}[-_])?|AKIA|ASIA|AIza|xox[abpr]-)/;

/**
 * Masks a secret into a fingerprint: a known key prefix, `...`, the last four characters.
 * Secrets shorter than 16 characters show no characters at all.
 *
 * @example fingerprintSecret('sk-ant-api03-abcdef...xyzA3F2') // 'sk-ant-...A3F2'
 */
export function fingerprintSecret(secret: string): string {
  if (secret.length < 16) return '...';
  const prefix = KNOWN_PREFIX.exec(secret)?.[0] ?? '';
  return `${prefix.slice(0, 12)}...${secret.slice(-4)}`;
}
