import { RECORD_MODES, RESOURCE_TYPES } from '@auditlane/client';
import { z } from 'zod';

const list = z.array(z.string().min(1)).min(1);

/**
 * One recording rule of a policy file (`recording:`): whether sessions in its scope must be
 * recorded (`required`), may be (`optional`) or are not (`off`). The first rule that matches
 * decides; the built-in rules (`DEFAULT_RECORDING_RULES` of @auditlane/client: production
 * required, the rest optional) come after.
 */
export const recordingRuleSchema = z
  .object({
    id: z.string().min(1).max(256),
    description: z.string().max(2000).optional(),
    record: z.enum(RECORD_MODES),
    reason: z.string().max(2000).optional(),
    match: z
      .object({
        /** Environments; `production` also matches `prod`. */
        environment: list.optional(),
        /** Resource names (`*` wildcard). */
        resource: list.optional(),
        resourceType: z.array(z.enum(RESOURCE_TYPES)).min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
