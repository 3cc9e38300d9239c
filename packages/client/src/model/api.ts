import { z } from 'zod';
import { eventSchema, storedEventSchema } from './event';
import { countSchema } from './query';
import { reviewSchema } from './review';
import { sessionSchema } from './session';

export const MAX_INGEST_BATCH = 1000;

/**
 * A batch of events from a recorder. The server validates each event on its own: a malformed
 * event is rejected with its index and reason, the others are stored.
 */
export const ingestRequestSchema = z
  .object({
    events: z
      .array(eventSchema)
      .min(1)
      .max(MAX_INGEST_BATCH)
      .meta({ description: `1 to ${MAX_INGEST_BATCH} events; each is validated on its own.` }),
  })
  .meta({ id: 'IngestRequest' });

export const ingestRejectionSchema = z
  .object({
    index: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Position of the event in the batch.' }),
    id: z.string().nullable().meta({ description: 'The event id, when it could be read.' }),
    code: z.string().meta({ example: 'validation_failed' }),
    message: z.string().meta({ example: 'events[3].seq: expected a non-negative integer' }),
  })
  .meta({ id: 'IngestRejection' });

export const ingestResultSchema = z
  .object({
    accepted: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Events stored by this request.' }),
    duplicates: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Events already stored (same id): acknowledged, not stored again.' }),
    rejected: z.array(ingestRejectionSchema),
  })
  .meta({ id: 'IngestResult', description: 'Acknowledged events are durable (committed).' });

export const sessionPageSchema = z
  .object({
    data: z.array(sessionSchema),
    nextCursor: z.string().nullable(),
    count: countSchema,
  })
  .meta({ id: 'SessionPage' });

export const eventPageSchema = z
  .object({
    data: z.array(storedEventSchema),
    nextCursor: z.string().nullable().meta({
      description: 'Pass as `after` for the next page; null at the end of an ended session.',
    }),
  })
  .meta({ id: 'EventPage' });

export const reviewPageSchema = z
  .object({ data: z.array(reviewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ReviewPage' });

export const revokeRequestSchema = z
  .object({ reason: z.string().max(2000).optional() })
  .meta({ id: 'RevokeRequest' });

/** The result of walking a session's hash chain. */
export const verifyResultSchema = z
  .object({
    sessionId: z.string(),
    ok: z.boolean(),
    events: z.number().int().nonnegative().meta({ description: 'Events checked.' }),
    broken: z
      .object({
        seq: z.number().int().meta({ description: 'The first event whose hash does not hold.' }),
        id: z.string().nullable(),
        expected: z.string(),
        found: z.string(),
        reason: z.string(),
      })
      .nullable(),
  })
  .meta({ id: 'VerifyResult' });

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'permission_denied',
  'downloads_disabled',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'internal',
  'unavailable',
] as const;

export const errorBodySchema = z
  .object({
    code: z
      .string()
      .meta({ description: `One of ${ERROR_CODES.join(', ')}; new codes may be added.` }),
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });

/**
 * One row of an export: a session joined with one of its audit events (command, query, tool call,
 * policy verdict, masking, lifecycle). CSV columns are these keys, in this order.
 */
export const exportRowSchema = z
  .object({
    sessionId: z.string(),
    org: z.string(),
    actorType: z.string(),
    actor: z.string(),
    resource: z.string(),
    resourceType: z.string(),
    environment: z.string(),
    status: z.string(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    eventSeq: z.number().int().nullable(),
    eventTime: z.string().nullable(),
    eventType: z.string().nullable(),
    summary: z.string().nullable().meta({ description: 'The command, SQL, tool or action.' }),
    verdict: z.string().nullable(),
    reviewer: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'ExportRow' });

export const EXPORT_COLUMNS = Object.keys(exportRowSchema.shape) as (keyof ExportRow)[];

export type IngestRequest = z.infer<typeof ingestRequestSchema>;
export type IngestRejection = z.infer<typeof ingestRejectionSchema>;
export type IngestResult = z.infer<typeof ingestResultSchema>;
export type SessionPage = z.infer<typeof sessionPageSchema>;
export type EventPage = z.infer<typeof eventPageSchema>;
export type ReviewPage = z.infer<typeof reviewPageSchema>;
export type VerifyResult = z.infer<typeof verifyResultSchema>;
export type RevokeRequest = z.infer<typeof revokeRequestSchema>;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ExportRow = z.infer<typeof exportRowSchema>;
