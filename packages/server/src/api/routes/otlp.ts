import { OPERATIONS, type OtlpExportLogsResponse } from '@auditlane/client';
import { Hono } from 'hono';
import { readClaudeCodeRecord, type TelemetryInput } from '../../otlp/claude-code';
import { createOtlpProtobuf } from '../../otlp/proto';
import { OtlpShapeError, readLogsRequest } from '../../otlp/records';
import { parseJsonBytes, readBody } from '../body';
import {
  authenticate,
  type Deps,
  type Env,
  route,
  sessionsChanged,
  telemetrySettings,
} from '../context';
import { HttpError } from '../errors';

const MAX_ERROR_MESSAGE = 2000;

/** HTTP status → gRPC status code, for google.rpc.Status. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 413: 8, 415: 3, 429: 8 };

/**
 * The OTLP/HTTP logs receiver (`POST /otlp/v1/logs`): Claude Code's own telemetry, attached to
 * the sessions its hook recorded. JSON or protobuf in, the same encoding out.
 */
export function otlpRoutes(deps: Deps) {
  const { store, cfg } = deps;
  const app = new Hono<Env>();
  const protobuf = createOtlpProtobuf();

  // A protobuf request's error answer is a protobuf google.rpc.Status (OTLP/HTTP); JSON requests
  // get the API's JSON errors.
  app.use('/otlp/*', async (c, next) => {
    await next();
    const binary = (c.req.header('content-type') ?? '')
      .toLowerCase()
      .startsWith('application/x-protobuf');
    if (!binary || !(c.error instanceof HttpError)) return;
    const error = c.error;
    c.res = c.body(
      new Uint8Array(
        protobuf.encodeStatus({ code: GRPC_CODES[error.status] ?? 3, message: error.message }),
      ),
      error.status as 400,
      { 'content-type': 'application/x-protobuf', 'x-request-id': c.get('requestId') },
    );
  });
  // After the error bodies: a refused token is answered in the request's encoding too.
  app.use('/otlp/*', authenticate(store));

  route(app, deps, OPERATIONS.exportOtlpLogs, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const binary = type === 'application/x-protobuf';
    if (!binary && type !== 'application/json')
      throw new HttpError(
        415,
        'unsupported_media_type',
        `expected application/json or application/x-protobuf (OTLP/HTTP), got ${type || 'no Content-Type'}`,
      );
    const bytes = (await readBody(c.req.raw, cfg.maxBodyBytes)) ?? Buffer.alloc(0);
    let request: unknown;
    if (binary) {
      try {
        request = protobuf.decodeRequest(bytes);
      } catch (error) {
        throw new HttpError(
          400,
          'bad_request',
          `the body is not a protobuf ExportLogsServiceRequest: ${(error as Error).message}`,
        );
      }
    } else {
      request = parseJsonBytes(bytes);
    }
    let read: ReturnType<typeof readLogsRequest>;
    try {
      read = readLogsRequest(request);
    } catch (error) {
      if (error instanceof OtlpShapeError)
        throw new HttpError(400, 'bad_request', `not an OTLP logs export: ${error.message}`);
      throw error;
    }
    const rejected = [...read.invalid];
    const inputs: TelemetryInput[] = [];
    for (const record of read.records) {
      const reading = readClaudeCodeRecord(record);
      if (reading.ok) inputs.push(reading.input);
      else rejected.push({ path: record.path, message: reading.message });
    }
    const org = c.get('principal').org;
    if (inputs.length > 0) {
      const report = await store.storeTelemetry(org, inputs, telemetrySettings(cfg));
      if (report.dropped > 0) {
        const { maxAgeMs, maxRecords } = cfg.telemetryPending;
        console.warn(
          `[auditlane] telemetry: dropped ${report.dropped} pending record(s) of org ${org} whose session never started (kept: ${maxRecords} per org, ${Math.round(maxAgeMs / 3_600_000)} h)`,
        );
      }
      // Committed: the scorer recomputes the sessions whose cost changed, without waiting, and
      // alerts see them as stored.
      cfg.scorer?.kick();
      await sessionsChanged(cfg, org, report.sessions);
    }
    const answer: OtlpExportLogsResponse =
      rejected.length === 0
        ? {}
        : {
            partialSuccess: {
              rejectedLogRecords: String(rejected.length),
              errorMessage: describeRejections(rejected, read.records.length + read.invalid.length),
            },
          };
    if (binary) {
      return c.body(new Uint8Array(protobuf.encodeResponse(answer)), 200, {
        'content-type': 'application/x-protobuf',
      });
    }
    return c.json(answer);
  });

  return app;
}

/** "2 of 5 log records not kept: resourceLogs[0]…logRecords[1]: …; …" within the limit. */
function describeRejections(rejected: { path: string; message: string }[], total: number): string {
  let text = `${rejected.length} of ${total} log records not kept:`;
  for (const [i, r] of rejected.entries()) {
    const part = ` ${r.path}: ${r.message};`;
    if (text.length + part.length > MAX_ERROR_MESSAGE - 20) {
      text += ` and ${rejected.length - i} more`;
      return text;
    }
    text += part;
  }
  return text.replace(/;$/, '');
}
