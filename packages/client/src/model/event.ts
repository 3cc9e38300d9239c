import { z } from 'zod';
import { readResize } from '../asciicast/resize';
import { actorSchema } from './actor';
import {
  boundedJson,
  eventIdSchema,
  labelsSchema,
  MAX_SEQ,
  nonNegativeInt,
  plainText,
  reviewIdSchema,
  seqSchema,
  sessionIdSchema,
  timestampSchema,
} from './common';
import { credentialSchema } from './credential';
import { EVENT_TYPES } from './helpers';
import {
  MAX_COMMAND_CHARS,
  MAX_CONTENT_CHARS,
  MAX_ERROR_CHARS,
  MAX_JSON_CHARS,
  MAX_JSON_DEPTH,
  MAX_PATH_CHARS,
  MAX_ROWS_CHARS,
} from './limits';
import { resourceSchema } from './resource';

export { MAX_JSON_CHARS, MAX_ROWS_CHARS } from './limits';

/** Fields every event has. */
const eventBase = {
  id: eventIdSchema,
  sessionId: sessionIdSchema,
  seq: seqSchema().meta({
    description: `Per-session sequence number, from 0 to ${MAX_SEQ}, assigned by the producer in recording order.`,
  }),
  time: timestampSchema,
};

/** Names and attributes: bounded, never U+0000. */
const text = plainText;
/** Recorded content (what was typed, printed or queried): bounded; U+0000 is kept. */
const content = (max: number) => z.string().max(max);
const jsonValue = z.unknown().meta({ id: 'JsonValue', description: 'Any JSON value.' });
/** A field holding JSON values: bounded in depth and in size. */
const jsonField = <T extends z.ZodType>(maxChars: number, schema: T, description: string) =>
  boundedJson(maxChars, schema)
    .optional()
    .meta({
      description: `${description} At most ${MAX_JSON_DEPTH} levels deep and ${maxChars.toLocaleString('en-US')} characters as JSON.`,
    });

export const sessionModeSchema = z.enum(['interactive', 'exec', 'agent', 'api']).meta({
  id: 'SessionMode',
  description:
    'interactive: a terminal or client session; exec: a one-off command; agent: an AI agent run; api: programmatic access.',
});

/** What a `lifecycle` start event says about the session it opens. */
export const sessionStartSchema = z
  .object({
    org: text(128).min(1).optional().meta({
      description: 'Ignored on ingest: the server takes the org from the API token.',
    }),
    actor: actorSchema,
    resource: resourceSchema,
    endpoint: text(256)
      .min(1)
      .optional()
      .meta({ description: 'Host or IP the session came from.' }),
    model: text(128).min(1).optional().meta({ description: 'LLM model, for agent sessions.' }),
    credential: credentialSchema.optional(),
    mode: sessionModeSchema,
    reason: text(2000).optional().meta({ description: 'Justification given for access.' }),
    recorded: z
      .boolean()
      .default(false)
      .meta({ description: 'Whether a terminal recording is kept.' }),
    labels: labelsSchema.default({}),
  })
  .meta({ id: 'SessionStart' });

export const commandEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('command'),
    text: content(MAX_COMMAND_CHARS).min(1),
    cwd: text(MAX_PATH_CHARS).optional(),
    exitCode: z.number().int().nullable().optional(),
    output: content(MAX_CONTENT_CHARS)
      .optional()
      .meta({ description: 'Combined output, masked, possibly truncated.' }),
    outputTruncated: z.boolean().optional(),
    durationMs: z.number().nonnegative().optional(),
  })
  .meta({ id: 'CommandEvent' });

export const queryColumnSchema = z
  .object({ name: text(256), type: text(64).optional() })
  .meta({ id: 'QueryColumn' });

export const queryTablesSchema = z
  .object({
    read: z.array(text(256).min(1)).max(500),
    written: z.array(text(256).min(1)).max(500),
  })
  .meta({
    id: 'QueryTables',
    description:
      'Tables the statement reads and writes, from its parse tree (`schema.table` as written, lowercased when unquoted).',
  });

export const queryEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('query'),
    sql: content(MAX_CONTENT_CHARS).min(1),
    params: jsonField(MAX_JSON_CHARS, z.array(jsonValue), 'Bound parameters, masked.'),
    columns: z.array(queryColumnSchema).max(10_000).optional(),
    rows: jsonField(
      MAX_ROWS_CHARS,
      z.array(z.array(jsonValue)),
      'Result rows, masked; the server keeps a preview on the event (see truncated and resultRef).',
    ),
    rowCount: nonNegativeInt().nullable().optional(),
    truncated: z
      .boolean()
      .default(false)
      .meta({ description: 'True when rows is a prefix of the result.' }),
    resultRef: text(256).optional().meta({
      description:
        'Reference to the full result, for download. One query per ref in a session: a query naming a ref already used there (or, without one, whose rows the server keeps aside under its event id) is rejected with conflict.',
    }),
    durationMs: z.number().nonnegative().optional(),
    error: content(MAX_ERROR_CHARS).optional(),
    tables: queryTablesSchema.optional(),
  })
  .meta({ id: 'QueryEvent' });

export const terminalCodeSchema = z.enum(['o', 'i', 'r', 'm', 'x']).meta({
  id: 'TerminalCode',
  description:
    'asciicast event code: o output, i input, r resize ("COLSxROWS"), m marker, x exit status.',
});

/**
 * What an asciicast file's header says besides the size, as the recorder knows it when the
 * recording starts. It rides on the recording's first event, an `r` whose data is the size, so a
 * recording served by the server has the header its local `.cast` copy has.
 */
export const recordingHeaderSchema = z
  .object({
    term: z
      .object({
        type: text(64).optional().meta({ example: 'xterm-256color' }),
        version: text(256).optional(),
      })
      .optional(),
    timestamp: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'Unix time (seconds) the recording started.' }),
    command: text(100_000).optional().meta({ description: 'The recorded command line, masked.' }),
    title: text(1000).optional(),
    env: z
      .record(text(256).min(1), text(4096))
      .refine((env) => Object.keys(env).length <= 64, 'has more than 64 variables')
      .optional()
      .meta({ description: 'Environment variables of the recording (TERM, SHELL).' }),
    tags: z.array(text(256)).max(64).optional(),
  })
  .meta({ id: 'RecordingHeader' });

export const terminalEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('terminal'),
    code: terminalCodeSchema,
    data: content(MAX_CONTENT_CHARS).meta({
      description:
        'What was printed or typed; for code "r", COLSxROWS (1 to 99999 each). Empty once retention purged it.',
    }),
    offsetMs: z
      .number()
      .nonnegative()
      .meta({ description: 'Milliseconds since the recording started.' }),
    header: recordingHeaderSchema.optional().meta({
      description:
        "Only on a recording's first event, an `r` at offsetMs 0 whose data is the initial size: the rest of its asciicast header.",
    }),
  })
  .superRefine((event, ctx) => {
    if (event.header && event.code !== 'r') {
      ctx.addIssue({
        code: 'custom',
        path: ['header'],
        message: 'is allowed only on an "r" event (the recording\'s initial size)',
      });
    }
  })
  .superRefine((event, ctx) => {
    // The data of a resize is `COLSxROWS`, each 1 to 99999 (the asciicast rule), or empty: what
    // retention leaves of a purged one (a stored event is read with this schema too).
    if (event.code === 'r' && event.data !== '' && !readResize(event.data)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: 'must be "COLSxROWS" (1 to 99999 each) when code is "r"',
      });
    }
  })
  .meta({ id: 'TerminalEvent' });

export const verdictSchema = z
  .enum(['passed', 'blocked', 'pending', 'approved', 'rejected'])
  .meta({ id: 'Verdict' });

export const policyEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('policy'),
    subjectId: eventIdSchema.optional().meta({
      description:
        'The event (command, query, tool call) the verdict is about; absent for the session.',
    }),
    verdict: verdictSchema,
    rule: text(256).optional(),
    reason: text(2000).optional(),
    reviewId: reviewIdSchema.optional(),
    reviewer: text(256).optional(),
    decidedAt: timestampSchema.optional(),
  })
  .meta({ id: 'PolicyEvent' });

export const maskingEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('masking'),
    subjectId: eventIdSchema.optional(),
    fields: z
      .array(text(256))
      .max(1000)
      .meta({ description: 'Names of masked fields or detectors.' }),
    count: nonNegativeInt().meta({ description: 'How many values were masked.' }),
    rule: text(256).optional(),
  })
  .meta({ id: 'MaskingEvent' });

export const fileEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('file'),
    subjectId: eventIdSchema
      .optional()
      .meta({ description: 'The command, query or tool call this was seen in.' }),
    path: text(4096).min(1),
    operation: z.enum(['read', 'write', 'create', 'delete', 'rename', 'chmod']),
    bytes: nonNegativeInt().optional(),
  })
  .meta({ id: 'FileEvent' });

export const outboundEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('outbound'),
    subjectId: eventIdSchema
      .optional()
      .meta({ description: 'The command, query or tool call this was seen in.' }),
    protocol: text(16).min(1).meta({ example: 'https' }),
    host: text(256).min(1),
    port: z.number().int().min(0).max(65535).optional(),
    method: text(16).optional(),
    url: text(8192).optional().meta({ description: 'Masked URL (query secrets removed).' }),
    status: z.number().int().optional(),
    bytesSent: nonNegativeInt().optional(),
    bytesReceived: nonNegativeInt().optional(),
  })
  .meta({ id: 'OutboundEvent' });

export const toolCallEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('tool_call'),
    tool: text(256).min(1).meta({ example: 'Bash' }),
    callId: text(256).optional(),
    input: jsonField(MAX_JSON_CHARS, jsonValue, 'Tool input, masked.'),
    output: jsonField(MAX_JSON_CHARS, jsonValue, 'Tool output, masked.'),
    error: content(MAX_ERROR_CHARS).optional(),
    durationMs: z.number().nonnegative().optional(),
  })
  .meta({ id: 'ToolCallEvent' });

export const llmCallEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('llm_call'),
    model: text(128)
      .min(1)
      .meta({ description: 'The model that answered (as the response names it).' }),
    provider: text(64).optional().meta({ example: 'anthropic' }),
    inputTokens: nonNegativeInt().meta({
      description: 'Every input token of the call, cache reads and writes included.',
    }),
    outputTokens: nonNegativeInt().meta({ description: 'Output tokens, reasoning included.' }),
    costUsd: z.number().nonnegative().max(1_000_000).optional().meta({
      description:
        "The call's cost from the recorder's price table; absent for a model it does not know.",
    }),
    durationMs: z.number().nonnegative().optional(),
    error: content(MAX_ERROR_CHARS)
      .optional()
      .meta({ description: 'Why the call failed or its stream ended early, masked.' }),
  })
  .meta({ id: 'LlmCallEvent' });

export const lifecycleActionSchema = z
  .enum(['start', 'end', 'revoke', 'drop', 'reconnect'])
  .meta({ id: 'LifecycleAction' });

export const lifecycleEventSchema = z
  .object({
    ...eventBase,
    type: z.literal('lifecycle'),
    action: lifecycleActionSchema,
    session: sessionStartSchema.optional().meta({ description: 'Required on start.' }),
    reason: text(2000).optional(),
    by: text(256).optional().meta({ description: 'Who revoked the session, for revoke.' }),
    exitCode: z.number().int().optional(),
  })
  .superRefine((event, ctx) => {
    if (event.action === 'start' && !event.session) {
      ctx.addIssue({
        code: 'custom',
        path: ['session'],
        message: 'is required when action is "start"',
      });
    }
  })
  .meta({ id: 'LifecycleEvent' });

export const eventSchema = z
  .discriminatedUnion('type', [
    commandEventSchema,
    queryEventSchema,
    terminalEventSchema,
    policyEventSchema,
    maskingEventSchema,
    fileEventSchema,
    outboundEventSchema,
    toolCallEventSchema,
    llmCallEventSchema,
    lifecycleEventSchema,
  ])
  .meta({ id: 'Event' });

export const eventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

/** An event as the server returns it: the ingested event plus what the server adds. */
export const storedEventSchema = z
  .intersection(
    eventSchema,
    z.object({
      receivedAt: timestampSchema,
      hash: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .meta({
          description:
            "SHA-256 over the previous event's hash, the event's position, seq, type, receivedAt and the SHA-256 of its stored JSON (tamper evidence; sessions of chain version 1: previous hash, receivedAt and content).",
        }),
      purged: z
        .object({
          at: timestampSchema,
          reason: z.string().max(200),
          digest: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .meta({
              description:
                'What the chain keeps of the removed content: SHA-256 of the removed data (chain version 2), or of the whole stored JSON before the purge (version 1).',
            }),
        })
        .optional()
        .meta({
          description: 'Set when retention removed the content (terminal data) of this event.',
        }),
    }),
  )
  .meta({ id: 'StoredEvent' });

export type SessionMode = z.infer<typeof sessionModeSchema>;
export type SessionStart = z.infer<typeof sessionStartSchema>;
export type SessionStartInput = z.input<typeof sessionStartSchema>;
export type CommandEvent = z.infer<typeof commandEventSchema>;
export type QueryTables = z.infer<typeof queryTablesSchema>;
export type QueryColumn = z.infer<typeof queryColumnSchema>;
export type QueryEvent = z.infer<typeof queryEventSchema>;
export type TerminalCode = z.infer<typeof terminalCodeSchema>;
export type RecordingHeader = z.infer<typeof recordingHeaderSchema>;
export type TerminalEvent = z.infer<typeof terminalEventSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
export type PolicyEvent = z.infer<typeof policyEventSchema>;
export type MaskingEvent = z.infer<typeof maskingEventSchema>;
export type FileEvent = z.infer<typeof fileEventSchema>;
export type OutboundEvent = z.infer<typeof outboundEventSchema>;
export type ToolCallEvent = z.infer<typeof toolCallEventSchema>;
export type LlmCallEvent = z.infer<typeof llmCallEventSchema>;
export type LifecycleAction = z.infer<typeof lifecycleActionSchema>;
export type LifecycleEvent = z.infer<typeof lifecycleEventSchema>;
export type Event = z.infer<typeof eventSchema>;
/** An event as a producer writes it: defaults (such as `truncated: false`) may be left out. */
export type EventInput = z.input<typeof eventSchema>;
export type EventType = Event['type'];
export type StoredEvent = z.infer<typeof storedEventSchema>;
