import { z } from 'zod';
import { nonNegativeInt, sessionIdSchema, timestampSchema } from './common';

/**
 * The Claude Code events the server keeps from an OpenTelemetry logs export (`POST
 * /otlp/v1/logs`), by their `event.name`. Other events are counted as rejected in the export's
 * answer: nothing is dropped without the exporter being told.
 */
export const TELEMETRY_TYPES = [
  'api_request',
  'api_error',
  'tool_decision',
  'tool_result',
  'user_prompt',
] as const;

/** Where a tool decision came from, as Claude Code names it. */
export const TOOL_DECISION_SOURCES = [
  'config',
  'hook',
  'user_permanent',
  'user_temporary',
  'user_abort',
  'user_reject',
] as const;

export const telemetryTypeSchema = z.enum(TELEMETRY_TYPES).meta({ id: 'TelemetryType' });

const count = () => nonNegativeInt().optional();

/**
 * One Claude Code event received over OTLP, attached to an Auditlane session. Only numbers,
 * enumerations and names are kept (model, tool, tokens, cost, durations, decision, success,
 * status code): prompts, tool parameters and error messages are dropped on receipt, since the
 * server has no masker.
 */
export const telemetryRecordSchema = z
  .object({
    id: z.string().meta({
      description:
        'Derived from the record: the same record exported again (an OTLP retry) has the same id and is kept once.',
    }),
    sessionId: sessionIdSchema,
    claudeSessionId: z.string().max(256),
    type: telemetryTypeSchema,
    time: timestampSchema.meta({ description: 'When Claude Code logged it.' }),
    receivedAt: timestampSchema,
    sequence: count().meta({ description: 'Claude Code’s `event.sequence` within its session.' }),
    model: z.string().max(128).optional(),
    inputTokens: count(),
    outputTokens: count(),
    cacheReadTokens: count(),
    cacheCreationTokens: count(),
    costUsd: z.number().nonnegative().optional(),
    durationMs: z.number().nonnegative().optional(),
    statusCode: z.number().int().min(100).max(599).optional(),
    attempt: count(),
    tool: z.string().max(256).optional(),
    toolUseId: z.string().max(256).optional().meta({
      description: 'The tool call it belongs to (the `callId` of the recorder’s tool_call).',
    }),
    decision: z.enum(['accept', 'reject']).optional(),
    source: z.enum(TOOL_DECISION_SOURCES).optional(),
    success: z.boolean().optional(),
    promptLength: count(),
  })
  .meta({ id: 'TelemetryRecord' });

export const telemetrySummarySchema = z
  .object({
    records: nonNegativeInt(),
    apiRequests: nonNegativeInt(),
    apiErrors: nonNegativeInt(),
    toolDecisions: nonNegativeInt(),
    toolRejections: nonNegativeInt(),
    toolResults: nonNegativeInt(),
    toolFailures: nonNegativeInt(),
    prompts: nonNegativeInt(),
    inputTokens: nonNegativeInt(),
    outputTokens: nonNegativeInt(),
    cacheReadTokens: nonNegativeInt(),
    cacheCreationTokens: nonNegativeInt(),
    costUsd: z.number().nonnegative(),
    models: z.array(z.string()),
  })
  .meta({
    id: 'TelemetrySummary',
    description: 'Totals over every telemetry record of the session (not only this page).',
  });

export const telemetryListQuerySchema = z
  .object({
    cursor: z.string().max(2000).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .meta({ id: 'TelemetryListQuery' });

export const telemetryPageSchema = z
  .object({
    data: z.array(telemetryRecordSchema).meta({ description: 'In time order.' }),
    summary: telemetrySummarySchema,
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'TelemetryPage' });

/** The OTLP/HTTP answer (ExportLogsServiceResponse, as JSON). */
export const otlpExportLogsResponseSchema = z
  .object({
    partialSuccess: z
      .object({
        rejectedLogRecords: z
          .string()
          .regex(/^\d+$/)
          .meta({ description: 'int64, as a string (OTLP/JSON).' }),
        errorMessage: z.string(),
      })
      .optional()
      .meta({ description: 'Present when some records were not kept, with why.' }),
  })
  .meta({ id: 'OtlpExportLogsResponse' });

export type TelemetryType = z.infer<typeof telemetryTypeSchema>;
export type TelemetryRecord = z.infer<typeof telemetryRecordSchema>;
export type TelemetrySummary = z.infer<typeof telemetrySummarySchema>;
export type TelemetryListQuery = z.infer<typeof telemetryListQuerySchema>;
export type TelemetryListParams = z.input<typeof telemetryListQuerySchema>;
export type TelemetryPage = z.infer<typeof telemetryPageSchema>;
export type OtlpExportLogsResponse = z.infer<typeof otlpExportLogsResponseSchema>;
