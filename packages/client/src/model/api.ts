import { z } from 'zod';
import { orgIdSchema, plainText, sessionIdSchema, timestampSchema } from './common';
import { eventSchema, storedEventSchema } from './event';
import { PERMISSIONS } from './helpers';
import { countSchema } from './query';
import { reviewSchema } from './review';
import { sessionSchema, sessionStatusSchema } from './session';

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
    revoked: z
      .array(sessionIdSchema)
      .default([])
      .meta({ description: 'Sessions of this batch that were revoked: the recorder ends them.' }),
  })
  .meta({ id: 'IngestResult', description: 'Acknowledged events are durable (committed).' });

export const sessionPageSchema = z
  .object({
    data: z.array(sessionSchema),
    nextCursor: z.string().nullable(),
    count: countSchema,
    rescoring: z.number().int().min(0).optional().meta({
      description:
        "With sort significance: how many of the org's sessions wait to be rescored (up to 1,001). The cursor is the last row's score: while this is above 0 scores may still move, and a session whose score moves across the cursor between two pages is skipped or listed twice. Walk again once it is 0 for a settled order.",
    }),
  })
  .meta({ id: 'SessionPage' });

export const eventPageSchema = z
  .object({
    data: z.array(storedEventSchema),
    nextCursor: z.string().nullable().meta({
      description:
        'Pass as `after` (with the same sort) for the next page; null at the end of an ended session. With sort seq, an event a recorder sends late with a seq below the cursor is in no later page: poll a growing session with sort stored (or follow it with the live stream).',
    }),
  })
  .meta({ id: 'EventPage' });

export const reviewPageSchema = z
  .object({ data: z.array(reviewSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ReviewPage' });

export const revokeRequestSchema = z
  .object({ reason: plainText(2000).optional() })
  .meta({ id: 'RevokeRequest' });

export const ACCESS_ACTIONS = [
  'view_recording',
  'download_recording',
  'download_result',
  'download_logs',
  'export',
] as const;

/** Who looked at or took what, when: viewing and downloading evidence is itself audited. */
export const accessLogEntrySchema = z
  .object({
    id: z.string(),
    org: orgIdSchema,
    at: timestampSchema,
    action: z.enum(ACCESS_ACTIONS),
    actor: z
      .object({ tokenId: z.string(), name: z.string() })
      .meta({ description: 'The API token used.' }),
    sessionId: sessionIdSchema.nullable(),
    detail: z.string().nullable().meta({
      description:
        'The result ref, format or export filters; for a refused attempt, the method, path and query asked for.',
    }),
    outcome: z.enum(['allowed', 'refused']).meta({
      description: 'allowed: the evidence was served; refused: the server answered with an error.',
    }),
    reason: z.object({ code: z.string(), message: z.string() }).nullable().meta({
      description:
        'Why it was refused: the error code (`downloads_disabled`, `permission_denied`, `not_found`, ...) and message; null when allowed.',
    }),
  })
  .meta({
    id: 'AccessLogEntry',
    description: 'One attempt to view or take evidence, served or refused.',
  });

export const accessLogPageSchema = z
  .object({ data: z.array(accessLogEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AccessLogPage' });

/** What an API token may do. */
export const permissionSchema = z.enum(PERMISSIONS).meta({ id: 'Permission' });

/**
 * Who is calling and what they may do: how a viewer decides which actions to offer (revoke,
 * approve, download) before the server would refuse them.
 */
export const viewerSchema = z
  .object({
    org: orgIdSchema,
    token: z.object({ id: z.string(), name: z.string() }),
    permissions: z.array(permissionSchema),
    downloadsEnabled: z.boolean().meta({
      description:
        'False when the server refuses every file (DISABLE_SESSIONS_DOWNLOAD): recording downloads, logs, results and exports. Playback and event pages are still served.',
    }),
  })
  .meta({ id: 'Viewer' });

/** A session's status, for recorders waiting to learn of a revoke or a JIT decision. */
export const sessionStatusResultSchema = z
  .object({
    sessionId: sessionIdSchema,
    status: sessionStatusSchema,
    closeReason: z.string().nullable(),
  })
  .meta({ id: 'SessionStatusResult' });

/** The result of walking a session's hash chain. */
export const verifyResultSchema = z
  .object({
    sessionId: z.string(),
    ok: z.boolean(),
    events: z.number().int().nonnegative().meta({ description: 'Events checked.' }),
    chainVersion: z.number().int().positive().meta({
      description:
        "The formula the session's chain is hashed with: 1 for sessions stored before version 2 (hash, receivedAt and content), 2 (also position, seq and type; terminal data digested apart).",
    }),
    broken: z
      .object({
        seq: z.number().int().meta({
          description:
            'The first event whose hash does not hold; -1 when no event can be named (a forged statement, a changed chain version, an empty chain).',
        }),
        id: z.string().nullable(),
        ord: z.number().int().meta({ description: "The event's position in the chain." }),
        expected: z.string(),
        found: z.string(),
        reason: z.string(),
      })
      .nullable(),
    anchors: z
      .object({
        checked: z.number().int().nonnegative().meta({
          description:
            'Signed statements (checkpoints, sealed session heads) the chain was checked against.',
        }),
        unknownKeys: z.number().int().nonnegative().meta({
          description: 'Statements naming the session signed by a key the server does not know.',
        }),
        latest: z
          .object({
            at: z.string(),
            kind: z.string(),
            events: z.number().int().nonnegative(),
            source: z.string(),
          })
          .nullable()
          .meta({ description: 'The statement covering the most events, or null when none.' }),
      })
      .meta({
        description:
          'Without a signed anchor a chain recomputed by someone with database access cannot be told from the real one.',
      }),
  })
  .meta({ id: 'VerifyResult' });

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'permission_denied',
  'self_review',
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
export type AccessAction = (typeof ACCESS_ACTIONS)[number];
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;
export type AccessLogPage = z.infer<typeof accessLogPageSchema>;
export type SessionStatusResult = z.infer<typeof sessionStatusResultSchema>;
export type VerifyResult = z.infer<typeof verifyResultSchema>;
export type RevokeRequest = z.infer<typeof revokeRequestSchema>;
export type Permission = (typeof PERMISSIONS)[number];
export type Viewer = z.infer<typeof viewerSchema>;
export type ErrorCode = (typeof ERROR_CODES)[number];
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type ExportRow = z.infer<typeof exportRowSchema>;
