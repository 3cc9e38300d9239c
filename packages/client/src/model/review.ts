import { z } from 'zod';
import { actorSchema } from './actor';
import {
  eventIdSchema,
  orgIdSchema,
  plainText,
  reviewIdSchema,
  sessionIdSchema,
  timestampSchema,
} from './common';
import { resourceSchema } from './resource';

export const reviewKindSchema = z.enum(['session', 'command']).meta({
  id: 'ReviewKind',
  description:
    'session: just-in-time access, the session waits in pending_review before it starts; command: one command, query or tool call waits.',
});

export const reviewStatusSchema = z
  .enum(['pending', 'approved', 'rejected', 'expired', 'cancelled'])
  .meta({ id: 'ReviewStatus' });

export const reviewSubjectSchema = z
  .object({
    type: z.enum(['session', 'command', 'query', 'tool_call']),
    text: z
      .string()
      .max(100_000)
      .meta({ description: 'What waits: the command, SQL or tool input (masked).' }),
  })
  .meta({ id: 'ReviewSubject' });

/** An API token, by id and name (the secret is never shown again). */
export const tokenRefSchema = z
  .object({ id: z.string().max(128), name: z.string().max(256) })
  .meta({ id: 'TokenRef' });

export const reviewSchema = z
  .object({
    id: reviewIdSchema,
    org: orgIdSchema,
    kind: reviewKindSchema,
    status: reviewStatusSchema,
    sessionId: sessionIdSchema,
    eventId: eventIdSchema
      .nullable()
      .meta({ description: 'The waiting event, for command reviews.' }),
    subject: reviewSubjectSchema,
    requestedBy: actorSchema,
    requestedByToken: tokenRefSchema.nullable().meta({
      description:
        'The token that asked for the review (null for reviews stored before tokens were recorded). It cannot decide the review.',
    }),
    resource: resourceSchema,
    rule: z.string().max(256).nullable(),
    reason: z.string().max(2000).nullable(),
    requestedAt: timestampSchema,
    expiresAt: timestampSchema.nullable(),
    decidedBy: z
      .string()
      .max(256)
      .nullable()
      .meta({ description: 'The name of the token that decided.' }),
    decidedByToken: tokenRefSchema
      .nullable()
      .meta({ description: 'The token that decided (null while pending, or when cancelled).' }),
    decidedAt: timestampSchema.nullable(),
    comment: z.string().max(2000).nullable(),
  })
  .meta({ id: 'Review' });

/** What the recorder sends to ask for a review. */
export const createReviewSchema = z
  .object({
    kind: reviewKindSchema,
    sessionId: sessionIdSchema,
    eventId: eventIdSchema.optional(),
    subject: reviewSubjectSchema,
    rule: plainText(256).optional(),
    reason: plainText(2000).optional(),
    expiresAt: timestampSchema.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'command' && !r.eventId) {
      ctx.addIssue({
        code: 'custom',
        path: ['eventId'],
        message: 'is required when kind is "command"',
      });
    }
  })
  .meta({ id: 'CreateReview' });

export const reviewDecisionSchema = z
  .object({ comment: plainText(2000).optional() })
  .meta({ id: 'ReviewDecision' });

export type ReviewKind = z.infer<typeof reviewKindSchema>;
export type ReviewStatus = z.infer<typeof reviewStatusSchema>;
export type ReviewSubject = z.infer<typeof reviewSubjectSchema>;
export type TokenRef = z.infer<typeof tokenRefSchema>;
export type Review = z.infer<typeof reviewSchema>;
export type CreateReview = z.infer<typeof createReviewSchema>;
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;
