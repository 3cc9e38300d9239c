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
  activityPageSchema,
  activityQuerySchema,
  alertCreatedSchema,
  alertDeliveryListQuerySchema,
  alertDeliveryPageSchema,
  alertDeliverySchema,
  alertIdSchema,
  alertListQuerySchema,
  alertPageSchema,
  alertSchema,
  createAlertSchema,
  createReviewSchema,
  describePermissions,
  downloadFormatQuerySchema,
  entityDetailSchema,
  entityKeySchema,
  entityKindSchema,
  entityQuerySchema,
  errorBodySchema,
  eventListQuerySchema,
  eventPageSchema,
  eventStreamHeadersSchema,
  eventStreamQuerySchema,
  ingestRequestSchema,
  ingestResultSchema,
  logFormatQuerySchema,
  OPERATIONS,
  type OperationDeclaration,
  type OperationId,
  otlpExportLogsResponseSchema,
  overviewQuerySchema,
  overviewSchema,
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
  sessionRelationshipsSchema,
  sessionSchema,
  sessionStatusQuerySchema,
  sessionStatusResultSchema,
  telemetryListQuerySchema,
  telemetryPageSchema,
  updateAlertSchema,
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
const alertPath = z.object({ alertId: alertIdSchema });

/** How every webhook message of an alert is signed: the Standard Webhooks headers. */
const WEBHOOK_SIGNING =
  'Each message is POSTed as JSON with the Standard Webhooks headers: `webhook-id` (the message id, the same on every retry: the idempotency key), `webhook-timestamp` (seconds since the epoch, of this attempt) and `webhook-signature` (`v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the `whsec_` secret). A 2xx answer delivers it; any other answer, a refused connection or a timeout is retried with exponential backoff and jitter for 24 hours, then given up (the delivery log says so).';

/**
 * An operation of the document: what it needs (permissions, downloads, access log) is written
 * from its declaration in OPERATIONS, the one the server routes and guards it with.
 */
function op(
  id: OperationId,
  o: Omit<ZodOpenApiOperationObject, 'operationId'>,
): ZodOpenApiOperationObject {
  const declared: OperationDeclaration = OPERATIONS[id];
  const needs = [
    o.description,
    describePermissions(declared.permissions),
    declared.download && 'Refused when the server has downloads disabled (`downloads_disabled`).',
    declared.accessLog &&
      `Written to the access log as \`${declared.accessLog}\`, a refused attempt too.`,
  ];
  return {
    operationId: id,
    ...o,
    description: needs.filter(Boolean).join(' '),
    'x-permissions': [...declared.permissions],
    ...(declared.download ? { 'x-download': true } : {}),
    ...(declared.accessLog ? { 'x-access-log': declared.accessLog } : {}),
  };
}

/** Every declared operation is in the document, at its declared method and path, and only those. */
function checkDeclared(paths: Record<string, Record<string, ZodOpenApiOperationObject>>) {
  const found = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, o] of Object.entries(item)) {
      const declared = OPERATIONS[o.operationId as OperationId] as OperationDeclaration | undefined;
      if (!declared || declared.method !== method || declared.path !== path)
        throw new Error(`${method} ${path} (${o.operationId}) is not declared so in OPERATIONS`);
      found.add(o.operationId!);
    }
  }
  const missing = Object.keys(OPERATIONS).filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`not in the document: ${missing.join(', ')}`);
  return paths;
}

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
  op(`${verb}Review`, {
    tags: ['reviews'],
    summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a pending review`,
    description:
      'Requester and reviewer differ: the token that asked for the review, and a token named after the person whose command or session waits (actor id, email or name), are refused with `self_review`, unless the server allows it for the org. The review records the deciding token.',
    requestParams: { path: reviewPath },
    requestBody: json(reviewDecisionSchema),
    responses: {
      '200': { description: 'The decided review.', ...json(reviewSchema) },
      '409': error('The review is already decided.'),
      ...common,
      '403': error(
        'The token lacks the permission (`permission_denied`), or asked for this review or belongs to the person it waits on (`self_review`).',
      ),
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
      {
        name: 'meaning',
        description: 'Which sessions matter now and why: the overview, relationships, entities.',
      },
      {
        name: 'alerts',
        description: 'Saved searches that send a signed webhook when a session newly matches.',
      },
      {
        name: 'telemetry',
        description: "Claude Code's own OpenTelemetry export, attached to sessions.",
      },
    ],
    paths: checkDeclared({
      '/v1/ingest': {
        post: op('ingest', {
          tags: ['ingest'],
          summary: 'Ingest a batch of events',
          description:
            'Idempotent by event id: a retried batch never duplicates. Each event is validated on its own; malformed events are listed in `rejected`, the others are stored. A 200 means the accepted events are committed. Bodies may be gzip-encoded (`Content-Encoding: gzip`).',
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
        get: op('listSessions', {
          tags: ['sessions'],
          summary: 'List sessions',
          description: 'Newest first, or by significance.',
          requestParams: { query: sessionListQuerySchema },
          responses: {
            '200': { description: 'A page of sessions.', ...json(sessionPageSchema) },
            ...common,
          },
        }),
      },
      '/v1/sessions/export': {
        get: op('exportSessions', {
          tags: ['sessions', 'downloads'],
          summary: 'Export sessions joined with their audit events',
          description:
            'Streamed: one row per audit event (see ExportRow), as CSV with a header line or as NDJSON.',
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
        get: op('getSession', {
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
        get: op('getSessionStatus', {
          tags: ['sessions'],
          summary: "A session's status, optionally waiting while it is still `known` (long poll)",
          description:
            'For recorders: learn that a session was revoked, or that a just-in-time review was decided, without polling hard.',
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
        get: op('getViewer', {
          tags: ['tokens'],
          summary: 'Who the token belongs to and what it may do',
          description:
            'The org, the token, its permissions and whether the server allows downloads: a viewer offers only the actions that will be accepted.',
          responses: {
            '200': { description: 'The viewer.', ...json(viewerSchema) },
            ...common,
          },
        }),
      },
      '/v1/access-log': {
        get: op('listAccessLog', {
          tags: ['downloads'],
          summary: 'Who viewed or downloaded what, when',
          description:
            'Viewing a recording and every download or export is recorded here, with who asked, and refused attempts with why they were refused.',
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
        get: op('verifySession', {
          tags: ['sessions'],
          summary: "Check a session's hash chain (tamper evidence)",
          description:
            'Recomputes the hash of every stored event from the one before and names the first broken link.',
          requestParams: { path: sessionPath },
          responses: {
            '200': { description: 'The result.', ...json(verifyResultSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/telemetry': {
        get: op('listSessionTelemetry', {
          tags: ['sessions', 'telemetry'],
          summary: "Claude Code's telemetry received for a session",
          description:
            "The Claude Code events received over OTLP (`POST /otlp/v1/logs`) and attached to this session, in time order, with totals over all of them. Their tokens and cost are also counted in the session's `usage`.",
          requestParams: { path: sessionPath, query: telemetryListQuerySchema },
          responses: {
            '200': { description: 'A page of telemetry records.', ...json(telemetryPageSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/otlp/v1/logs': {
        post: op('exportOtlpLogs', {
          tags: ['ingest', 'telemetry'],
          summary: 'OTLP/HTTP logs receiver (Claude Code telemetry)',
          description:
            "An OpenTelemetry logs export (ExportLogsServiceRequest) as `application/json` or `application/x-protobuf`, optionally gzip-encoded; the answer is an ExportLogsServiceResponse in the request's encoding. Each Claude Code event (`api_request`, `api_error`, `tool_decision`, `tool_result`, `user_prompt`) is attached to the org's session labelled `claude.session=<session.id>` that was active at the record's time; a record whose session has not started yet is kept and attached when it starts. Only numbers, enumerations and names are kept: prompts, tool parameters and error messages are dropped. A record exported again is kept once. Records that cannot be used are counted in `partialSuccess.rejectedLogRecords`, with why in `errorMessage`; the others are kept. Point Claude Code at it with `OTEL_EXPORTER_OTLP_ENDPOINT=<server>/otlp` and `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer <token>`.",
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: z
                  .looseObject({})
                  .meta({ description: 'ExportLogsServiceRequest in OTLP/JSON.' }),
              },
              'application/x-protobuf': {
                schema: z
                  .string()
                  .meta({ description: 'ExportLogsServiceRequest, protobuf-encoded.' }),
              },
            },
          },
          responses: {
            '200': {
              description: 'Kept, with the records not kept counted in partialSuccess.',
              content: {
                'application/json': { schema: otlpExportLogsResponseSchema },
                'application/x-protobuf': {
                  schema: z
                    .string()
                    .meta({ description: 'ExportLogsServiceResponse, protobuf-encoded.' }),
                },
              },
            },
            '413': error('The body is larger than the server accepts.'),
            '415': error('Neither JSON nor protobuf, or an unsupported Content-Encoding.'),
            ...common,
          },
        }),
      },
      '/v1/sessions/{sessionId}/events': {
        get: op('listSessionEvents', {
          tags: ['sessions'],
          summary: 'List the events of a session, in seq order',
          description:
            'Terminal events are the recording: without `view_recording` as well, they are left out, and `type=terminal` is refused.',
          requestParams: { path: sessionPath, query: eventListQuerySchema },
          responses: {
            '200': { description: 'A page of events.', ...json(eventPageSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/activity': {
        get: op('listSessionActivity', {
          tags: ['sessions'],
          summary:
            "A page of a session's activity: actions joined with their verdicts, filtered and grouped",
          description:
            'Each entry is an action (command, query, tool call, LLM call, file, outbound call, lifecycle change) with the policy and masking events about it (`subjectId`); a verdict whose action was never recorded is an entry of its own (`policy`). Consecutive entries of the same statement shape (SQL fingerprint, command shape) are one item with their count (`group=shape`, the default); expand one with `fromSeq`/`toSeq` set to its `seq`/`lastSeq` and `group=none`. Pages go both ways (`after` a nextCursor, `before` a prevCursor) and can start around a moment (`aroundSeq`, `aroundTime`); give at most one of the four. Filters: `type`, `verdict` (blocked, pending, rejected, masked and failed are "what matters"), `q` (text). A page costs an index walk of its items, whatever the size of the session; `total` counts the entries matching the filters (see `count`: without filters it is kept by ingest; capped at 10,000 under type and verdict filters; not counted under a text filter unless `count=exact`).',
          requestParams: { path: sessionPath, query: activityQuerySchema },
          responses: {
            '200': { description: 'A page of activity.', ...json(activityPageSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/events/stream': {
        get: op('streamSessionEvents', {
          tags: ['sessions'],
          summary: 'Live tail of a session (server-sent events)',
          description:
            'Each message has `event: event`, `id: <seq>` and a StoredEvent as JSON data (terminal events only for a token with `view_recording`), in the order the server stored the events (arrival order: a recorder that sent seqs 6–10 before 1–5 is tailed as 6–10, 1–5). The stream ends with `event: end` when the session ends, after the events stored before it ended (an event a recorder delivers after the end of the session reaches a stream opened later, with `after` set to the last seq received). Reconnect with `Last-Event-ID` (or `after`) set to the seq of the last event received to resume right after that event, without gaps or duplicates; a seq the session has no event with answers 400.',
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
        get: op('getSessionRecording', {
          tags: ['sessions'],
          summary: 'Stream the terminal recording for playback',
          description:
            'asciicast v3 by default. For playback: sent inline and `Cache-Control: no-store`, not as a file, and still served when downloads are disabled (the download is `downloadSessionRecording`).',
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
        get: op('downloadSessionRecording', {
          tags: ['downloads'],
          summary: 'Download the terminal recording as a file',
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
        get: op('downloadSessionLogs', {
          tags: ['downloads'],
          summary: 'Download the events of a session as a file',
          requestParams: {
            path: sessionPath,
            query: logFormatQuerySchema,
          },
          responses: {
            '200': file('The events.', {
              'application/x-ndjson':
                'One StoredEvent per line; with format=export the session export for offline verification (auditlane verify --file): a header line (format, org, sessionId, chainVersion, events, head, signedHead, session), then one line per stored event in chain order (ord, seq, id, type, receivedAt, hash, purged, and body: the stored JSON text the hash covers).',
              'text/csv': 'The ExportRow columns.',
            }),
            ...common,
            ...downloadErrors,
            ...notFound,
          },
        }),
      },
      '/v1/sessions/{sessionId}/results/{resultRef}': {
        get: op('downloadQueryResult', {
          tags: ['downloads'],
          summary: 'Download the full result of a query',
          description: 'The masked result that the preview of a query event was cut from.',
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
        post: op('revokeSession', {
          tags: ['sessions'],
          summary: 'Revoke an active session',
          description: 'The recorder is told and ends the session.',
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
        get: op('listReviews', {
          tags: ['reviews'],
          summary: 'List reviews',
          requestParams: { query: reviewListQuerySchema },
          responses: {
            '200': { description: 'A page of reviews.', ...json(reviewPageSchema) },
            ...common,
          },
        }),
        post: op('createReview', {
          tags: ['reviews'],
          summary: 'Ask for a review (recorders)',
          requestBody: { required: true, ...json(createReviewSchema) },
          responses: {
            '201': { description: 'The pending review.', ...json(reviewSchema) },
            ...common,
          },
        }),
      },
      '/v1/reviews/{reviewId}': {
        get: op('getReview', {
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
      '/v1/overview': {
        get: op('getOverview', {
          tags: ['meaning'],
          summary: 'What matters now: KPIs, the priority queue, cross-entity links and a brief',
          description:
            'Takes the filters of the sessions list and a period (default 24h). The brief is written from the facts by fixed templates: the same data gives the same words.',
          requestParams: { query: overviewQuerySchema },
          responses: {
            '200': { description: 'The overview.', ...json(overviewSchema) },
            ...common,
          },
        }),
      },
      '/v1/sessions/{sessionId}/relationships': {
        get: op('getSessionRelationships', {
          tags: ['meaning', 'sessions'],
          summary: 'The graph around one session, for a map',
          description:
            'Identity anchors, shared lanes, company context and outbound paths, each node with its counts and trust level, each group capped with the number of nodes left out. Only entities of the org of the token.',
          requestParams: { path: sessionPath },
          responses: {
            '200': { description: 'The relationships.', ...json(sessionRelationshipsSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/entities/{kind}/{key}': {
        get: op('getEntity', {
          tags: ['meaning'],
          summary: 'An entity of the org: its sessions, actors, first and last seen',
          description:
            'The key is URL-encoded (a file path as `%2Fsrc%2Fauth.ts`). Sessions are paged newest first.',
          requestParams: {
            path: z.object({ kind: entityKindSchema, key: entityKeySchema }),
            query: entityQuerySchema,
          },
          responses: {
            '200': { description: 'The entity.', ...json(entityDetailSchema) },
            ...common,
            '400': error('Malformed request, such as a kind that is not an entity kind.'),
            ...notFound,
          },
        }),
      },
      '/v1/reviews/{reviewId}/approve': { post: decision('approve') },
      '/v1/reviews/{reviewId}/reject': { post: decision('reject') },
      '/v1/alerts': {
        get: op('listAlerts', {
          tags: ['alerts'],
          summary: 'List alerts',
          description: 'Newest first. Secrets are never shown again.',
          requestParams: { query: alertListQuerySchema },
          responses: {
            '200': { description: 'A page of alerts.', ...json(alertPageSchema) },
            ...common,
          },
        }),
        post: op('createAlert', {
          tags: ['alerts'],
          summary: 'Create an alert',
          description: `The query is any filter of the sessions list (an unknown key is refused). Sessions that match when the alert is created are taken as seen: the alert fires for each session that matches later for the first time (after an ingest, a status change or a rescoring), once per session. ${WEBHOOK_SIGNING} The signing secret is in this response only.`,
          requestBody: { required: true, ...json(createAlertSchema) },
          responses: {
            '201': { description: 'The alert, with its secret.', ...json(alertCreatedSchema) },
            ...common,
          },
        }),
      },
      '/v1/alerts/{alertId}': {
        get: op('getAlert', {
          tags: ['alerts'],
          summary: 'Get an alert',
          requestParams: { path: alertPath },
          responses: {
            '200': { description: 'The alert.', ...json(alertSchema) },
            ...common,
            ...notFound,
          },
        }),
        patch: op('updateAlert', {
          tags: ['alerts'],
          summary: 'Change an alert',
          description:
            'Name, query, URL or enabled. A session that fired once never fires again for this alert.',
          requestParams: { path: alertPath },
          requestBody: { required: true, ...json(updateAlertSchema) },
          responses: {
            '200': { description: 'The alert as it now is.', ...json(alertSchema) },
            ...common,
            ...notFound,
          },
        }),
        delete: op('deleteAlert', {
          tags: ['alerts'],
          summary: 'Delete an alert',
          description: 'Its pending deliveries are given up; its delivery log goes with it.',
          requestParams: { path: alertPath },
          responses: {
            '204': { description: 'Deleted.' },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/alerts/{alertId}/deliveries': {
        get: op('listAlertDeliveries', {
          tags: ['alerts'],
          summary: "An alert's delivery log",
          description:
            'Newest first: each message, its attempts, the last answer or error, and whether it was delivered, is still retried or was given up.',
          requestParams: { path: alertPath, query: alertDeliveryListQuerySchema },
          responses: {
            '200': { description: 'A page of deliveries.', ...json(alertDeliveryPageSchema) },
            ...common,
            ...notFound,
          },
        }),
      },
      '/v1/alerts/{alertId}/test': {
        post: op('testAlert', {
          tags: ['alerts'],
          summary: 'Send a test message',
          description:
            'An `alert.test` message with no session, delivered and retried as any other: a receiver checks its signature verification with it.',
          requestParams: { path: alertPath },
          responses: {
            '202': { description: 'The delivery, queued.', ...json(alertDeliverySchema) },
            ...common,
            ...notFound,
          },
        }),
      },
    }),
  });
}
