import { z } from 'zod';
import { actorSchema } from './actor';
import {
  labelsSchema,
  nonNegativeInt,
  orgIdSchema,
  sessionIdSchema,
  timestampSchema,
} from './common';
import { credentialSchema } from './credential';
import { sessionModeSchema } from './event';
import { SESSION_STATUSES } from './helpers';
import { resourceSchema } from './resource';

export const sessionStatusSchema = z.enum(SESSION_STATUSES).meta({ id: 'SessionStatus' });

export const sessionCountersSchema = z
  .object({
    commands: nonNegativeInt(),
    queries: nonNegativeInt(),
    blocked: nonNegativeInt(),
    pending: nonNegativeInt(),
    approved: nonNegativeInt(),
    rejected: nonNegativeInt(),
    maskedFields: nonNegativeInt(),
    bytes: nonNegativeInt().meta({ description: 'Bytes of recorded terminal output and results.' }),
    terminalEvents: nonNegativeInt().optional().meta({
      description:
        'Terminal events recorded (output, input, resizes, markers, exit); absent on sessions stored before they were counted.',
    }),
  })
  .meta({ id: 'SessionCounters' });

export const sessionUsageSchema = z
  .object({
    inputTokens: nonNegativeInt(),
    outputTokens: nonNegativeInt(),
    costUsd: z.number().nonnegative(),
  })
  .meta({ id: 'SessionUsage', description: 'LLM tokens and cost summed over the session.' });

export const significanceEvidenceSchema = z
  .object({
    events: z
      .array(z.string().max(64))
      .max(100)
      .meta({ description: 'Ids of the events of the session the reason rests on.' }),
    entities: z.array(z.string().max(1100)).max(100).meta({
      description: 'Entity ids (`kind:key`) the reason names, e.g. `credential:sk-ant-...A3F2`.',
    }),
  })
  .meta({ id: 'SignificanceEvidence' });

export const significanceReasonSchema = z
  .object({
    code: z.string().min(1).max(64).meta({ example: 'blocked_command' }),
    message: z.string().max(500).meta({ example: '1 command blocked by policy' }),
    weight: z.number().meta({ description: 'Contribution to the score.' }),
    evidence: significanceEvidenceSchema.optional().meta({
      description: 'What the reason rests on; absent on sessions scored before evidence was kept.',
    }),
  })
  .meta({ id: 'SignificanceReason' });

export const significanceSchema = z
  .object({
    score: z.number().min(0).max(100),
    reasons: z.array(significanceReasonSchema),
  })
  .meta({
    id: 'Significance',
    description: 'How much a session deserves a look; filled by the server.',
  });

export const sessionSchema = z
  .object({
    id: sessionIdSchema,
    org: orgIdSchema,
    actor: actorSchema,
    resource: resourceSchema,
    endpoint: z
      .string()
      .max(256)
      .nullable()
      .meta({ description: 'Host or IP the session came from.' }),
    model: z.string().max(128).nullable(),
    credential: credentialSchema.nullable(),
    mode: sessionModeSchema,
    reason: z.string().max(2000).nullable(),
    status: sessionStatusSchema,
    startedAt: timestampSchema,
    endedAt: timestampSchema.nullable(),
    durationMs: nonNegativeInt().nullable(),
    closeReason: z.string().max(2000).nullable(),
    droppedAt: timestampSchema.nullable().default(null).meta({
      description: 'When the connection dropped, while the session is dropped (it may reconnect).',
    }),
    recorded: z.boolean(),
    counters: sessionCountersSchema,
    usage: sessionUsageSchema,
    labels: labelsSchema,
    significance: significanceSchema.nullable(),
  })
  .meta({ id: 'Session' });

export type SessionStatus = z.infer<typeof sessionStatusSchema>;
export type SessionCounters = z.infer<typeof sessionCountersSchema>;
export type SessionUsage = z.infer<typeof sessionUsageSchema>;
export type SignificanceEvidence = z.infer<typeof significanceEvidenceSchema>;
export type SignificanceReason = z.infer<typeof significanceReasonSchema>;
export type Significance = z.infer<typeof significanceSchema>;
export type Session = z.infer<typeof sessionSchema>;
