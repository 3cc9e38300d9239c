import { z } from 'zod';

export const resourceTypeSchema = z
  .enum(['database', 'ssh', 'application', 'kubernetes', 'llm', 'http'])
  .meta({ id: 'ResourceType' });

/** Well-known environments; any other short name is accepted too. */
export const KNOWN_ENVIRONMENTS = [
  'production',
  'staging',
  'development',
  'test',
  'sandbox',
] as const;

export const environmentSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, _ or -')
  .meta({
    id: 'Environment',
    description: `Deployment environment. Well-known values: ${KNOWN_ENVIRONMENTS.join(', ')}.`,
    example: 'production',
  });

/** The connection / resource role a session ran against. */
export const resourceSchema = z
  .object({
    name: z.string().min(1).max(256).meta({ example: 'billing-db' }),
    type: resourceTypeSchema,
    engine: z.string().min(1).max(64).optional().meta({
      description: 'postgres, mysql, sqlite, bash, kubectl, anthropic, ...',
      example: 'postgres',
    }),
    environment: environmentSchema,
    host: z.string().min(1).max(256).optional().meta({ example: 'billing-db.internal:5432' }),
  })
  .meta({ id: 'Resource' });

export type ResourceType = z.infer<typeof resourceTypeSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Resource = z.infer<typeof resourceSchema>;

/** Environments treated as production (significance, retention). */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ['production', 'prod'];

export function isProduction(environment: string): boolean {
  return PRODUCTION_ENVIRONMENTS.includes(environment);
}
