import { z } from 'zod';
import { actorTypeSchema } from './actor';
import {
  MAX_SEQ,
  NO_NUL,
  NO_NUL_MESSAGE,
  plainText,
  sessionIdSchema,
  timestampSchema,
} from './common';
import { ENTITY_KINDS, parseEntityId } from './entities';
import { eventTypeSchema } from './event';
import { PERIOD_PRESETS } from './helpers';

import { environmentSchema, resourceTypeSchema } from './resource';
import { reviewKindSchema, reviewStatusSchema } from './review';
import { sessionStatusSchema } from './session';

export const periodPresetSchema = z.enum(PERIOD_PRESETS).meta({ id: 'PeriodPreset' });

export const countModeSchema = z.enum(['exact', 'capped', 'none']).meta({
  id: 'CountMode',
  description:
    'exact: count every match; capped: count up to a server-defined cap and say whether there are more; none: no count.',
});

export const sessionSortSchema = z.enum(['recent', 'significance']).meta({ id: 'SessionSort' });

const many = <T extends z.ZodType>(item: T) => z.array(item).max(100).optional();

/** The `nextCursor` of the page before, as the server issued it. */
export const cursorSchema = plainText(1024)
  .min(1)
  .optional()
  .meta({ description: 'The nextCursor of the previous page, unchanged.' });

/** `after`: events with a greater seq; -1 (the default) for all. */
const afterSchema = z.coerce
  .number()
  .int()
  .min(-1)
  .max(MAX_SEQ)
  .optional()
  .meta({ description: 'Return events with seq greater than this.' });

/** `key=value`: the session has that label. */
export const labelFilterSchema = z
  .string()
  .max(320)
  .regex(/^[A-Za-z0-9_./-]{1,63}=.{0,256}$/, 'must be key=value')
  .regex(NO_NUL, NO_NUL_MESSAGE)
  .meta({ example: 'team=payments' });

/** `kind:key`: the session involves that entity (see `entityId`). */
export const entityFilterSchema = z
  .string()
  .max(1100)
  .regex(NO_NUL, NO_NUL_MESSAGE)
  .refine((id) => parseEntityId(id) !== null, {
    message: `must be kind:key, kind one of ${ENTITY_KINDS.join(', ')}`,
  })
  .meta({ example: 'credential:sk-live-...9F2A' });

/** A significance reason code: the session's score has that reason. */
export const reasonFilterSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a reason code such as shared_credential')
  .meta({ example: 'shared_credential' });

/** The filters of the sessions list, shared by the list, the export and the overview. */
export const sessionFiltersSchema = z.object({
  user: many(plainText(256).min(1)).meta({ description: 'Actor id or email.' }),
  actorType: many(actorTypeSchema),
  resource: many(plainText(256).min(1)).meta({ description: 'Resource name.' }),
  type: many(resourceTypeSchema),
  environment: many(environmentSchema),
  status: many(sessionStatusSchema),
  label: many(labelFilterSchema),
  period: periodPresetSchema.optional(),
  from: timestampSchema.optional().meta({ description: 'Sessions started at or after this time.' }),
  to: timestampSchema.optional().meta({ description: 'Sessions started before this time.' }),
  q: plainText(500)
    .min(1)
    .optional()
    .meta({ description: 'Free text over what was typed, queried and printed.' }),
  minSignificance: z.coerce.number().min(0).max(100).optional(),
  entity: many(entityFilterSchema).meta({
    description: 'Sessions involving every one of these entities (`kind:key`, key as stored).',
  }),
  reason: many(reasonFilterSchema).meta({
    description: 'Sessions whose significance has any one of these reason codes.',
  }),
});

/** `period` excludes `from`/`to`, and `from` is not after `to`. */
export function checkPeriod(
  q: { period?: string; from?: string; to?: string },
  ctx: z.RefinementCtx,
) {
  if (q.period && (q.from || q.to)) {
    ctx.addIssue({ code: 'custom', path: ['period'], message: 'cannot be combined with from/to' });
  }
  if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  }
}

/**
 * Filters, sort, cursor and count of the sessions list. On the wire each field is a query
 * parameter; list fields repeat (`status=active&status=ended`).
 */
export const sessionListQuerySchema = sessionFiltersSchema
  .extend({
    sort: sessionSortSchema.default('recent'),
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    count: countModeSchema.default('capped'),
  })
  .superRefine(checkPeriod)
  .meta({ id: 'SessionListQuery' });

export const exportFormatSchema = z.enum(['csv', 'ndjson']).meta({ id: 'ExportFormat' });

/**
 * Formats of a session's logs: the audit rows as CSV, the stored events as NDJSON, or `export`,
 * the session export that `auditlane verify --file` checks offline (a header line with the chain
 * head and its signed statement, then each stored event with its chain columns and stored JSON).
 */
export const logFormatSchema = z.enum(['csv', 'ndjson', 'export']).meta({ id: 'LogFormat' });

/** The filters of the list and the file format, for a streamed export. */
export const sessionExportQuerySchema = sessionFiltersSchema
  .extend({ format: exportFormatSchema.default('ndjson') })
  .superRefine(checkPeriod)
  .meta({ id: 'SessionExportQuery' });

export const countSchema = z
  .object({
    mode: countModeSchema,
    value: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .meta({ description: 'null when mode is none.' }),
    capped: z
      .boolean()
      .meta({ description: 'True when there are more matches than value (mode capped).' }),
  })
  .meta({ id: 'Count' });

export const eventSortSchema = z.enum(['seq', 'stored']).meta({
  id: 'EventSort',
  description:
    'seq: by seq, to read a session. stored: in the order the server stored the events (a recorder may send some late, with lower seqs), to follow a session that is still growing.',
});

export const eventListQuerySchema = z
  .object({
    after: afterSchema.meta({
      description:
        'sort seq: events with seq greater than this. sort stored: the seq of the last event received; the page goes on right after that event (a seq the session has no event with answers 400).',
    }),
    sort: eventSortSchema.optional().meta({ description: 'Default seq.' }),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    type: many(eventTypeSchema),
  })
  .meta({ id: 'EventListQuery' });

export const reviewListQuerySchema = z
  .object({
    status: many(reviewStatusSchema),
    kind: reviewKindSchema.optional(),
    sessionId: sessionIdSchema.optional(),
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .meta({ id: 'ReviewListQuery' });

/** Query of the live tail of a session; `Last-Event-ID` takes precedence over `after`. */
export const eventStreamQuerySchema = z
  .object({
    after: afterSchema.meta({
      description:
        'Seq of the last event received: the stream resumes after that event (in stored order). -1 or absent: from the first event.',
    }),
  })
  .meta({ id: 'EventStreamQuery' });

/** Headers of the live tail: where an EventSource resumes after a reconnect. */
export const eventStreamHeadersSchema = z
  .object({
    'last-event-id': z.coerce.number().int().min(-1).max(MAX_SEQ).optional().meta({
      description:
        'The id (seq) of the last event received: the stream resumes after it; takes precedence over `after`.',
    }),
  })
  .meta({ id: 'EventStreamHeaders' });

/** Query of the access log. */
export const accessLogQuerySchema = z
  .object({
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AccessLogQuery' });

const waitMsSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(60_000)
  .optional()
  .meta({ description: 'Longest to wait for a change, in ms (the server may cap it).' });

/** Query of a session's status (long poll while it is still `known`). */
export const sessionStatusQuerySchema = z
  .object({ waitMs: waitMsSchema, known: sessionStatusSchema.optional() })
  .meta({ id: 'SessionStatusQuery' });

/** Query of a review (long poll while it is pending). */
export const reviewWaitQuerySchema = z
  .object({ waitMs: waitMsSchema })
  .meta({ id: 'ReviewWaitQuery' });

/** Query of a recording: the asciicast version. */
export const recordingQuerySchema = z
  .object({ version: z.enum(['2', '3']).optional() })
  .meta({ id: 'RecordingQuery' });

/** Query of a file download: its format. */
export const downloadFormatQuerySchema = z
  .object({ format: exportFormatSchema.optional() })
  .meta({ id: 'DownloadFormatQuery' });

/** Query of a session's logs: its format, `export` included (the session export). */
export const logFormatQuerySchema = z
  .object({ format: logFormatSchema.optional() })
  .meta({ id: 'LogFormatQuery' });

/** The ref of a full query result (`resultRef` of its query event). */
export const resultRefSchema = plainText(256).min(1).meta({ id: 'ResultRef' });

export type PeriodPreset = z.infer<typeof periodPresetSchema>;
export type CountMode = z.infer<typeof countModeSchema>;
export type SessionSort = z.infer<typeof sessionSortSchema>;
export type EventSort = z.infer<typeof eventSortSchema>;
export type SessionListQuery = z.infer<typeof sessionListQuerySchema>;
/** What a caller passes: every field optional, defaults applied by the server. */
export type SessionListParams = z.input<typeof sessionListQuerySchema>;
export type SessionExportQuery = z.infer<typeof sessionExportQuerySchema>;
export type SessionExportParams = z.input<typeof sessionExportQuerySchema>;
export type ExportFormat = z.infer<typeof exportFormatSchema>;
export type LogFormat = z.infer<typeof logFormatSchema>;
export type Count = z.infer<typeof countSchema>;
export type EventListQuery = z.infer<typeof eventListQuerySchema>;
export type EventListParams = z.input<typeof eventListQuerySchema>;
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;
export type ReviewListParams = z.input<typeof reviewListQuerySchema>;

type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;

/** Encodes a query object as URL search parameters: lists repeat, undefined and null are left out. */
export function toSearchParams(query: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, QueryValue][]) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params;
}

/**
 * Decodes URL search parameters with a query schema: a key that the schema declares as a list is
 * read with getAll, every other key with get. Throws a ZodError naming the parameter that is wrong.
 */
export function fromSearchParams<S extends z.ZodType>(
  schema: S,
  params: URLSearchParams,
): z.infer<S> {
  const shape = objectShape(schema);
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const field = shape?.[key];
    raw[key] = field && isList(field) ? params.getAll(key) : (params.get(key) as string);
  }
  return schema.parse(raw);
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = schema._zod.def as {
    type: string;
    shape?: Record<string, z.ZodType>;
    in?: z.ZodType;
  };
  if (def.type === 'object') return def.shape;
  if (def.type === 'pipe' && def.in) return objectShape(def.in);
  return undefined;
}

function isList(schema: z.ZodType): boolean {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if (def.type === 'array') return true;
  if (
    (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') &&
    def.innerType
  ) {
    return isList(def.innerType);
  }
  return false;
}
