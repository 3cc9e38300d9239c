import { z } from 'zod';
import { MAX_SEQ, nonNegativeInt, plainText, seqSchema, timestampSchema } from './common';
import { storedEventSchema, verdictSchema } from './event';
import { ACTIVITY_MARKS, ACTIVITY_TYPES } from './helpers';

export const activityTypeSchema = z.enum(ACTIVITY_TYPES).meta({
  id: 'ActivityType',
  description:
    'What an activity entry is: an action (command, query, tool call, LLM call, file, outbound call, lifecycle change other than the start), or `policy`: a verdict whose action was never recorded (blocked before it ran).',
});

export const activityMarkSchema = z.enum(ACTIVITY_MARKS).meta({
  id: 'ActivityMark',
  description:
    'A verdict filter: the last verdict of the entry (blocked, pending, approved, rejected, passed), or masked (values were masked in it) or failed (non-zero exit code, or an error). blocked, pending, rejected, masked and failed are "what matters".',
});

export const activityGroupingSchema = z.enum(['shape', 'none']).meta({
  id: 'ActivityGrouping',
  description:
    'shape: consecutive entries of the same statement shape (SQL fingerprint, command shape, tool and input shape) are one item; none: one item per entry.',
});

const seqParam = (description: string) =>
  z.coerce.number().int().min(0).max(MAX_SEQ).optional().meta({ description });

/** Query of a session's activity. */
export const activityQuerySchema = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .meta({ description: 'Items per page (a group counts as one). 1 to 500, default 100.' }),
    after: plainText(256)
      .min(1)
      .optional()
      .meta({ description: "A page's nextCursor: the items after that page." }),
    before: plainText(256)
      .min(1)
      .optional()
      .meta({ description: "A page's prevCursor: the items before that page." }),
    aroundSeq: seqParam(
      'Seek: the page around the first entry at or after this seq (the last one before it when there is none), about half of it before.',
    ),
    aroundTime: timestampSchema
      .optional()
      .meta({ description: 'Seek: like aroundSeq, by the time of the entries.' }),
    type: z
      .array(activityTypeSchema)
      .max(ACTIVITY_TYPES.length)
      .optional()
      .meta({ description: 'Only entries of these types.' }),
    verdict: z
      .array(activityMarkSchema)
      .max(ACTIVITY_MARKS.length)
      .optional()
      .meta({ description: 'Only entries with any of these marks.' }),
    q: plainText(200).min(1).optional().meta({
      description:
        'Only entries whose text (command, SQL, tool and input, path, URL, rule and reason) contains this, ignoring case.',
    }),
    group: activityGroupingSchema.default('shape'),
    fromSeq: seqParam('Only entries with seq at least this (expanding a group: its seq).'),
    toSeq: seqParam('Only entries with seq at most this (expanding a group: its lastSeq).'),
    count: z.enum(['auto', 'exact', 'none']).default('auto').meta({
      description:
        'auto (the default): `total` is the number of entries without filters (kept by ingest: free), counts up to 10,000 matching entries under type, verdict, seq and text filters (`totalCapped` when more match: `total` is then 10,000, a lower bound), and is null under a text filter shorter than 3 characters (the text index does not answer it); exact: counts every matching entry (an index range of the filter, about 1 ms per 10,000 entries; a text filter shorter than 3 characters reads every entry of the session); none: null.',
    }),
  })
  .superRefine((q, ctx) => {
    const seeks = (['after', 'before', 'aroundSeq', 'aroundTime'] as const).filter(
      (k) => q[k] !== undefined,
    );
    if (seeks.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [seeks[1]!],
        message: `cannot be combined with ${seeks[0]}: give one of after, before, aroundSeq, aroundTime`,
      });
    if (q.fromSeq !== undefined && q.toSeq !== undefined && q.fromSeq > q.toSeq)
      ctx.addIssue({ code: 'custom', path: ['toSeq'], message: 'must not be below fromSeq' });
  })
  .meta({ id: 'ActivityQuery' });

const marksCountSchema = z
  .object({
    blocked: nonNegativeInt(),
    pending: nonNegativeInt(),
    rejected: nonNegativeInt(),
    masked: nonNegativeInt(),
    failed: nonNegativeInt(),
  })
  .meta({
    id: 'ActivityMarksCount',
    description: 'How many entries of the item have each mark of "what matters".',
  });

export const activityEntrySchema = z
  .object({
    id: plainText(256).meta({
      description:
        "The first entry's id: its action's event id (a verdict alone: the id of the action it is about, or its own).",
    }),
    type: activityTypeSchema,
    seq: seqSchema().meta({ description: 'Seq of the first entry.' }),
    lastSeq: seqSchema().meta({ description: 'Seq of the last entry (seq for a single entry).' }),
    time: timestampSchema.meta({ description: 'Time of the first entry.' }),
    lastTime: timestampSchema.meta({ description: 'Time of the last entry.' }),
    count: z.number().int().min(1).meta({
      description:
        'Entries in the item: more than 1 for a group of consecutive entries of one shape. Expand it with fromSeq=seq, toSeq=lastSeq, group=none (and the same filters).',
    }),
    shape: z.string().max(1000).nullable().meta({
      description:
        'The statement shape the entries share (`INSERT INTO customers VALUES (…)`, `rm -rf …`); null for entries that never group (lifecycle, a verdict alone).',
      example: 'INSERT INTO customers VALUES (…)',
    }),
    event: storedEventSchema.meta({
      description: "The first entry's action event (a verdict alone: its first policy event).",
    }),
    // Defaults to null: a page of a server before results were joined reads as none joined.
    result: storedEventSchema.nullable().default(null).meta({
      description:
        "A tool call's result, joined to its call (the same `callId`, recorded after it: the agent hook's PostToolUse or PostToolUseFailure, with the output or error; under one `callId`, each result with the nearest earlier attempt, a call with neither output nor error, not paired yet); null for other entries and for a call whose result has not arrived. A result whose attempt was never recorded, or a call recorded whole (input and output or error), is an entry of its own.",
    }),
    verdicts: z.array(storedEventSchema).meta({
      description:
        'The policy events about the first entry (a tool call: about its call and its result), in seq order (pending → approved).',
    }),
    verdict: verdictSchema.nullable().meta({
      description: "The first entry's last verdict; null when the policy said nothing.",
    }),
    masked: z
      .object({ count: nonNegativeInt(), fields: z.array(z.string()) })
      .meta({ description: 'Values masked in the first entry, and which fields or detectors.' }),
    failed: z.boolean().meta({ description: 'The first entry failed (exit code, error).' }),
    marks: marksCountSchema,
  })
  .meta({ id: 'ActivityEntry' });

export const activityPageSchema = z
  .object({
    data: z.array(activityEntrySchema),
    firstSeq: seqSchema().nullable().meta({ description: 'Seq of the first entry of the page.' }),
    lastSeq: seqSchema().nullable().meta({ description: 'Seq of the last entry of the page.' }),
    hasBefore: z.boolean().meta({ description: 'Entries matching the filters come before.' }),
    hasAfter: z.boolean().meta({ description: 'Entries matching the filters come after.' }),
    prevCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `before` for the page before; null when hasBefore is false.' }),
    nextCursor: z.string().nullable().meta({
      description:
        'Pass as `after` for the page after; null when hasAfter is false and the session has ended (a live session keeps one, to poll).',
    }),
    anchorSeq: seqSchema().nullable().meta({
      description:
        'With aroundSeq or aroundTime: seq of the item holding the entry sought (null without a seek, or when nothing matches).',
    }),
    total: nonNegativeInt().nullable().meta({
      description:
        'Entries matching the filters (see `count`): exact unless `totalCapped`, then a lower bound ("10,000+"); null when not counted. Entries, not items: a group of 120 counts 120.',
    }),
    totalCapped: z.boolean().meta({
      description:
        'More entries match than `total`: the count stopped at its cap (count=auto under a filter). Show the total as "at least" when set.',
    }),
  })
  .meta({ id: 'ActivityPage' });

export type ActivityType = z.infer<typeof activityTypeSchema>;
export type ActivityMark = z.infer<typeof activityMarkSchema>;
export type ActivityGrouping = z.infer<typeof activityGroupingSchema>;
export type ActivityQuery = z.infer<typeof activityQuerySchema>;
export type ActivityParams = z.input<typeof activityQuerySchema>;
export type ActivityMarksCount = z.infer<typeof marksCountSchema>;
export type ActivityEntry = z.infer<typeof activityEntrySchema>;
export type ActivityPage = z.infer<typeof activityPageSchema>;
