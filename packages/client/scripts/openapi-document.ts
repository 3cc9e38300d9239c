import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import {
  accessLogPageSchema,
  accessLogQuerySchema,
  createReviewSchema,
  downloadFormatQuerySchema,
  errorBodySchema,
  eventListQuerySchema,
  eventPageSchema,
  eventStreamHeadersSchema,
  eventStreamQuerySchema,
  ingestRequestSchema,
  ingestResultSchema,
  recordingQuerySchema,
  resultRefSchema,
  reviewDecisionSchema,
  reviewIdSchema,
  reviewListQuerySchema,
  reviewPageSchema,
  reviewSchema,
  reviewWaitQuerySchema,
  revokeRequestSchema,
  sessionExportQuerySchema,
  sessionIdSchema,
  sessionListQuerySchema,
  sessionPageSchema,
  sessionSchema,
  sessionStatusQuerySchema,
  sessionStatusResultSchema,
  verifyResultSchema,
  viewerSchema,
} from '../src/model';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

const error = (description: string) => ({ description, ...json(errorBodySchema) });

/** Errors every authenticated endpoint can answer with. */
const common: ZodOpenApiResponsesObject = {
  '400': error('Malformed request: `code` and `details` name what is wrong.'),
  '401': error('Missing or invalid API token.'),
  '403': error('The token lacks the permission (`permission_denied`).'),
  '429': error('Rate limited; honour Retry-After.'),
  '500': error('Server error; the request id identifies it in the logs.'),
};
const notFound = { '404': error('No such resource in the org of the token.') };
const downloadErrors = {
  '403': error(
    'The token lacks the permission (`permission_denied`), or the server has downloads disabled (`downloads_disabled`).',
  ),
};

const sessionPath = z.object({ sessionId: sessionIdSchema });
const reviewPath = z.object({ reviewId: reviewIdSchema });

const op = (o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => o;

const file = (description: string, types: Record<string, string>) => ({
  description,
  content: Object.fromEntries(
    Object.entries(types).map(([type, desc]) => [
      type,
      { schema: z.string().meta({ description: desc }) },
    ]),
  ),
});

const decision = (verb: 'approve' | 'reject') =>
  op({
    operationId: `${verb}Review`,
    tags: ['reviews'],
    summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a pending review`,
    description: 'Needs `review`.',
    requestParams: { path: reviewPath },
    requestBody: json(reviewDecisionSchema),
    responses: {
      '200': { description: 'The decided review.', ...json(reviewSchema) },
      '409': error('The review is already decided.'),
      ...common,
      ...notFound,
    },
  });

export function buildOpenApiDocument(version: string): oas31.OpenAPIObject {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Auditlane API',
      version,
      description:
        'Sessions of people and AI agents against databases, shells, clusters and LLMs: what they did, what policy blocked or held for review, what was masked, and terminal recordings. Every endpoint is scoped to the org of the API token.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:4680', description: 'auditlane serve (default port)' }],
    security: [{ bearerAuth: [] }],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token scoped to one org.',
        },
      },
    },
    tags: [
      { name: 'ingest', description: 'Recorders send events.' },
      { name: 'sessions', description: 'List, read, stream and export sessions.' },
      { name: 'downloads', description: 'Full results, logs and recordings as files.' },
      { name: 'reviews', description: 'Just-in-time and command reviews.' },
      { name: 'tokens', description: 'The calling token and its permissions.' },
    ],
    paths: {
      '/v1/ingest': {
        post: op({
          operationId: 'ingest',
          tags: ['ingest'],
          summary: 'Ingest a batch of events',
          description:
            'Idempotent by event id: a retried batch never duplicates. Each event is validated on its own; malformed events are listed in `rejected`, the others are stored. A 200 means the accepted events are committed. Bodies may be gzip-encoded (`Content-Encoding: gzip`). Needs the `ingest` permission.',
          requestBody: { required: true, ...json(ingestRequestSchema) },
          responses: {
            '200': {
              description: 'Stored, duplicate and rejected events.',
              ...json(ingestResultSchema),
            },
            '413': error('The body is larger than the server accepts.'),
            '415': error('Not JSON, or an unsupported Content-Encoding.'),
            ...common,
          },
        }),
      },
      '/v1/sessions': {
        get: op({
          operationId: 'listSessions',
          tags: ['sessions'],
          summary: 'List sessions',
          description: 'Newest first, or by significance. Needs `view_history`.',
          requestParams: { query: sessionListQuerySchema },
          responses: {
            '200': { description: 'A page of sessions.', ...json(sessionPageSchema) },
            ...common,
          },
        }),
      },
      '/v1/sessions/export': {
        get: op({
          operationId: 'exportSessions',
          tags: ['sessions', 'downloads'],
          summary: 'Export sessions joined with their audit events',
          description:
            'Streamed: one row per audit event (see ExportRow), as CSV with a header line or as NDJSON. Needs `view_history`; refused when downloads are disabled.',
          requestParams: { query: sessionExportQuerySchema },
          responses: {
            '200': file('The export.', {
              'text/csv': 'CSV with the columns of ExportRow.',
              'application/x-ndjson': 'One ExportRow as JSON per line.',
            }),
            ...common,
            ...downloadErrors,
          },
        }),
      },
      '/v1/sessions/{sessionId}': {
        get: op({
          operationId: 'getSession',
          tags: ['sessions'],
          summary: 'Get a session',
          requestParams: { path: sessionPath },
          responses: {
            '200': { description: 'The session.', ...json(sessionSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/status': {
        get: op({
          operationId: 'getSessionStatus',
          tags: ['sessions'],
          summary: "A session's status, optionally waiting while it is still `known` (long poll)",
          description:
            'For recorders: learn that a session was revoked, or that a just-in-time review was decided, without polling hard. Needs `ingest` or `view_history`.',
          requestParams: {
            path: sessionPath,
            query: sessionStatusQuerySchema,
          },
          responses: {
            '200': { description: 'The status.', ...json(sessionStatusResultSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/me': {
        get: op({
          operationId: 'getViewer',
          tags: ['tokens'],
          summary: 'Who the token belongs to and what it may do',
          description:
            'The org, the token, its permissions and whether the server allows downloads: a viewer offers only the actions that will be accepted. Any valid token.',
          responses: {
            '200': { description: 'The viewer.', ...json(viewerSchema) },
            ...common,
          },
        }),
      },
      '/v1/access-log': {
        get: op({
          operationId: 'listAccessLog',
          tags: ['downloads'],
          summary: 'Who viewed or downloaded what, when',
          description:
            'Viewing a recording and every download or export is recorded here. Needs `view_history`.',
          requestParams: {
            query: accessLogQuerySchema,
          },
          responses: {
            '200': { description: 'Newest first.', ...json(accessLogPageSchema) },
            ...common,
          },
        }),
      },
      '/v1/sessions/{sessionId}/verify': {
        get: op({
          operationId: 'verifySession',
          tags: ['sessions'],
          summary: "Check a session's hash chain (tamper evidence)",
          description:
            'Recomputes the hash of every stored event from the one before and names the first broken link. Needs `view_history`.',
          requestParams: { path: sessionPath },
          responses: {
            '200': { description: 'The result.', ...json(verifyResultSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/events': {
        get: op({
          operationId: 'listSessionEvents',
          tags: ['sessions'],
          summary: 'List the events of a session, in seq order',
          requestParams: { path: sessionPath, query: eventListQuerySchema },
          responses: {
            '200': { description: 'A page of events.', ...json(eventPageSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/events/stream': {
        get: op({
          operationId: 'streamSessionEvents',
          tags: ['sessions'],
          summary: 'Live tail of a session (server-sent events)',
          description:
            'Each message has `event: event`, `id: <seq>` and a StoredEvent as JSON data. The stream ends with `event: end` when the session ends. Reconnect with `Last-Event-ID` (or `after`) to resume without gaps.',
          requestParams: {
            path: sessionPath,
            query: eventStreamQuerySchema,
            header: eventStreamHeadersSchema,
          },
          responses: {
            '200': file('The event stream.', { 'text/event-stream': 'Server-sent events.' }),
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/recording': {
        get: op({
          operationId: 'getSessionRecording',
          tags: ['sessions'],
          summary: 'Stream the terminal recording for playback',
          description:
            'asciicast v3 by default. Needs `view_recording`; the view is itself recorded as an audit event.',
          requestParams: {
            path: sessionPath,
            query: recordingQuerySchema,
          },
          responses: {
            '200': file('The recording.', {
              'application/x-asciicast': 'asciicast v2 or v3, one JSON value per line.',
            }),
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/recording/download': {
        get: op({
          operationId: 'downloadSessionRecording',
          tags: ['downloads'],
          summary: 'Download the terminal recording as a file',
          description:
            'Needs `download_recording`; refused when downloads are disabled; recorded as an audit event.',
          requestParams: {
            path: sessionPath,
            query: recordingQuerySchema,
          },
          responses: {
            '200': file('The .cast file.', { 'application/x-asciicast': 'asciicast v2 or v3.' }),
            ...common,
            ...downloadErrors,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/logs': {
        get: op({
          operationId: 'downloadSessionLogs',
          tags: ['downloads'],
          summary: 'Download the events of a session as a file',
          requestParams: {
            path: sessionPath,
            query: downloadFormatQuerySchema,
          },
          responses: {
            '200': file('The events.', {
              'application/x-ndjson': 'One StoredEvent per line.',
              'text/csv': 'The ExportRow columns.',
            }),
            ...common,
            ...downloadErrors,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/results/{resultRef}': {
        get: op({
          operationId: 'downloadQueryResult',
          tags: ['downloads'],
          summary: 'Download the full result of a query',
          description:
            'The masked result that the preview of a query event was cut from. Recorded as an audit event.',
          requestParams: {
            path: z.object({ sessionId: sessionIdSchema, resultRef: resultRefSchema }),
            query: downloadFormatQuerySchema,
          },
          responses: {
            '200': file('The result.', {
              'text/csv': 'Header line of column names, then rows.',
              'application/x-ndjson': 'The columns as a JSON array, then one JSON array per row.',
            }),
            ...common,
            ...downloadErrors,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/revoke': {
        post: op({
          operationId: 'revokeSession',
          tags: ['sessions'],
          summary: 'Revoke an active session',
          description: 'The recorder is told and ends the session. Needs `revoke`.',
          requestParams: { path: sessionPath },
          requestBody: json(revokeRequestSchema),
          responses: {
            '200': { description: 'The revoked session.', ...json(sessionSchema) },
            '409': error('The session is not active.'),
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/reviews': {
        get: op({
          operationId: 'listReviews',
          tags: ['reviews'],
          summary: 'List reviews',
          requestParams: { query: reviewListQuerySchema },
          responses: {
            '200': { description: 'A page of reviews.', ...json(reviewPageSchema) },
            ...common,
          },
        }),
        post: op({
          operationId: 'createReview',
          tags: ['reviews'],
          summary: 'Ask for a review (recorders)',
          description: 'Needs `ingest`.',
          requestBody: { required: true, ...json(createReviewSchema) },
          responses: {
            '201': { description: 'The pending review.', ...json(reviewSchema) },
            ...common,
          },
        }),
      },
      '/v1/reviews/{reviewId}': {
        get: op({
          operationId: 'getReview',
          tags: ['reviews'],
          summary: 'Get a review, optionally waiting for its decision',
          description:
            'With `waitMs`, a pending review is held open until it is decided or the wait ends (long poll), so recorders learn the decision without polling hard.',
          requestParams: {
            path: reviewPath,
            query: reviewWaitQuerySchema,
          },
          responses: {
            '200': { description: 'The review.', ...json(reviewSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/reviews/{reviewId}/approve': { post: decision('approve') },
      '/v1/reviews/{reviewId}/reject': { post: decision('reject') },
    },
  });
}
