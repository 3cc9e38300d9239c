import { z } from 'zod';
import { plainText } from './common';
import { KNOWN_ENVIRONMENTS, RESOURCE_TYPES } from './helpers';

export const resourceTypeSchema = z.enum(RESOURCE_TYPES).meta({ id: 'ResourceType' });

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
    name: plainText(256).min(1).meta({ example: 'billing-db' }),
    type: resourceTypeSchema,
    engine: plainText(64).min(1).optional().meta({
      description: 'postgres, mysql, sqlite, bash, kubectl, anthropic, ...',
      example: 'postgres',
    }),
    environment: environmentSchema,
    host: plainText(256).min(1).optional().meta({ example: 'billing-db.internal:5432' }),
  })
  .meta({ id: 'Resource' });

export type ResourceType = z.infer<typeof resourceTypeSchema>;
export type Environment = z.infer<typeof environmentSchema>;
export type Resource = z.infer<typeof resourceSchema>;
