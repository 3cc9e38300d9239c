import {
  type AccessAction,
  fromSearchParams,
  type OperationDeclaration,
  sessionIdSchema,
} from '@auditlane/client';
import type { Context, Handler, Hono, MiddlewareHandler } from 'hono';
import { ZodError, type z } from 'zod';
import { DEFAULT_SIGNIFICANCE, type SignificanceConfig } from '../domain/significance';
import type { AlertEngine } from '../jobs/alerts';
import type { Notary } from '../jobs/checkpoints';
import type { Scorer } from '../jobs/scoring';
import {
  DEFAULT_PENDING_LIMITS,
  type PendingLimits,
  type TelemetrySettings,
} from '../store/telemetry';
import type { Permission, Principal, Store } from '../store/types';
import { HttpError, validationError } from './errors';
import type { Notifier } from './notifier';

export interface AppConfig {
  /** Largest request body accepted, after decompression. Default 10 MiB. */
  maxBodyBytes: number;
  /** Most sessions a `capped` count counts ("1,000+"). Default 1,000. */
  countCap: number;
  /** DISABLE_SESSIONS_DOWNLOAD: refuse results, logs, recordings and exports as files. */
  disableDownloads: boolean;
  /** Query rows kept on an event as its preview; the full result is kept for download. Default 50. */
  previewRows: number;
  /** How long after a drop the session's own actor may reconnect it. Default 5 minutes. */
  reconnectGraceMs: number;
  /** Longest a long poll or an idle live tail waits before answering. Default 25 s. */
  maxWaitMs: number;
  /** How often waits re-check the store (changes made by other server processes). Default 1 s. */
  pollMs: number;
  /** Origins whose pages may call the API from a browser (CORS); `*` for any. Default none. */
  corsOrigins: string[];
  /**
   * Orgs whose reviews the requester may decide (one-person teams). In every other org, neither
   * the token that asked for a review nor the person whose session waits can approve or reject
   * it. Default none.
   */
  selfReviewOrgs: string[];
  /**
   * Signs session heads when sessions end and checks verifications against the signed
   * statements (startServer makes one from its `checkpoints` option). Default none.
   */
  notary: Notary | null;
  /**
   * Evaluates alerts when sessions change and sends their webhooks (startServer makes one).
   * Default none: alerts can be managed, but nothing matches or is sent.
   */
  alerts: AlertEngine | null;
  /** Significance scoring: weights, patterns, baselines, on or off. Default: the defaults. */
  significance: SignificanceConfig;
  /**
   * How long and how many Claude Code telemetry records wait for a session that has not started
   * (per org; beyond, the oldest received are dropped and logged). Default 24 hours, 10,000.
   */
  telemetryPending: PendingLimits;
  /**
   * The rescoring job, kicked after each ingest commit (startServer starts one with the
   * `significance` settings). Default none: queued sessions wait for another process's job.
   */
  scorer: Scorer | null;
  /** The clock, for tests. */
  now: () => number;
}

export const DEFAULT_APP_CONFIG: AppConfig = {
  maxBodyBytes: 10 * 1024 * 1024,
  countCap: 1_000,
  disableDownloads: false,
  previewRows: 50,
  reconnectGraceMs: 5 * 60_000,
  maxWaitMs: 25_000,
  pollMs: 1_000,
  corsOrigins: [],
  selfReviewOrgs: [],
  notary: null,
  alerts: null,
  significance: DEFAULT_SIGNIFICANCE,
  telemetryPending: DEFAULT_PENDING_LIMITS,
  scorer: null,
  now: Date.now,
};

/** The telemetry writes' settings, from the app's. */
export function telemetrySettings(cfg: AppConfig): TelemetrySettings {
  return { receivedAt: cfg.now(), significance: cfg.significance, pending: cfg.telemetryPending };
}

/**
 * Places again the telemetry of these Claude sessions after one of their sessions (labelled
 * `claude.session`) started or ended: a record goes where chooseSession puts it given what is stored.
 */
export async function reattachTelemetry(
  store: Store,
  cfg: AppConfig,
  org: string,
  claudeSessionIds: Iterable<string>,
): Promise<string[]> {
  const ids = [...new Set(claudeSessionIds)];
  if (ids.length === 0) return [];
  const report = await store.placeTelemetry(org, ids, telemetrySettings(cfg));
  if (report.sessions.length > 0) cfg.scorer?.kick();
  return report.sessions;
}

export type Env = { Variables: { principal: Principal; requestId: string } };

/** What every route module gets. */
export interface Deps {
  store: Store;
  cfg: AppConfig;
  notifier: Notifier;
}

export function authenticate(store: Store): MiddlewareHandler<Env> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new HttpError(
        401,
        'unauthorized',
        'missing API token: send Authorization: Bearer <token>',
      );
    const principal = await store.findToken(match[1]!);
    if (!principal) throw new HttpError(401, 'unauthorized', 'invalid API token');
    c.set('principal', principal);
    await next();
  };
}

/** Lets the request through when its token has any one of the permissions. */
export function requirePermission(...any: Permission[]): MiddlewareHandler<Env> {
  return async (c, next) => {
    const granted = c.get('principal').permissions;
    if (!any.some((p) => granted.has(p))) {
      const what =
        any.length === 1 ? `the ${any[0]} permission` : `one of the permissions ${any.join(', ')}`;
      throw new HttpError(403, 'permission_denied', `this token lacks ${what}`, {
        permissions: any,
      });
    }
    await next();
  };
}

/** Refuses files when the server has downloads disabled (checked before the permission). */
export function requireDownloads(cfg: AppConfig): MiddlewareHandler<Env> {
  return async (_c, next) => {
    if (cfg.disableDownloads) {
      throw new HttpError(
        403,
        'downloads_disabled',
        'downloads are disabled on this server (DISABLE_SESSIONS_DOWNLOAD)',
      );
    }
    await next();
  };
}

/** `/v1/sessions/{sessionId}` → `/sessions/:sessionId` (the routes are mounted under `/v1`). */
export function routePath(path: string): string {
  return path.replace(/^\/v1(?=\/)/, '').replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Routes an operation as its declaration in OPERATIONS says (the one `openapi.json` is generated
 * from): its method and path, and before the handler the guards it names: the access log of
 * refused attempts, downloads, then the permissions.
 */
export function route(
  app: Hono<Env>,
  deps: Deps,
  operation: OperationDeclaration,
  handler: Handler<Env>,
): void {
  const guards: MiddlewareHandler<Env>[] = [];
  if (operation.accessLog) guards.push(logRefusals(deps, operation.accessLog));
  if (operation.download) guards.push(requireDownloads(deps.cfg));
  if (operation.permissions.length > 0) guards.push(requirePermission(...operation.permissions));
  const chain: (Handler<Env> | MiddlewareHandler<Env>)[] = [...guards, handler];
  app.on(operation.method.toUpperCase(), routePath(operation.path), chain[0]!, ...chain.slice(1));
}

/**
 * Writes a refused attempt at evidence to the access log: who (the token), what (the session, the
 * method, path and query) and why (the error code and message). Served attempts are written by
 * the handler, with what was served.
 */
function logRefusals(deps: Deps, action: AccessAction): MiddlewareHandler<Env> {
  return async (c, next) => {
    await next();
    if (c.error instanceof HttpError) await logRefusal(deps, c, action, c.error);
  };
}

/** Writes who viewed or took what, from which session, to the access log. */
export async function logAccess(
  deps: Deps,
  c: Context<Env>,
  action: AccessAction,
  sessionId: string | null,
  detail: string | null,
): Promise<void> {
  const p = c.get('principal');
  await deps.store.shared.logAccess({
    org: p.org,
    at: new Date(deps.cfg.now()).toISOString(),
    action,
    actor: { tokenId: p.tokenId, name: p.name },
    sessionId,
    detail,
    outcome: 'allowed',
    reason: null,
  });
}

/** Writes a refused attempt: the token, the session, what was asked for and the refusal. */
export async function logRefusal(
  deps: Deps,
  c: Context<Env>,
  action: AccessAction,
  error: HttpError,
): Promise<void> {
  const p = c.get('principal');
  const id = c.req.param('sessionId');
  const url = new URL(c.req.url);
  await deps.store.shared.logAccess({
    org: p.org,
    at: new Date(deps.cfg.now()).toISOString(),
    action,
    actor: { tokenId: p.tokenId, name: p.name },
    sessionId: id && sessionIdSchema.safeParse(id).success ? id : null,
    detail: `${c.req.method} ${url.pathname}${url.search}`.slice(0, 2000),
    outcome: 'refused',
    reason: { code: error.code, message: error.message },
  });
}

export function parseQuery<S extends z.ZodType>(c: Context<Env>, schema: S): z.infer<S> {
  try {
    return fromSearchParams(schema, new URL(c.req.url).searchParams);
  } catch (error) {
    if (error instanceof ZodError) throw validationError(error, 'query parameters');
    throw error;
  }
}

export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what = 'body',
): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, what);
  return parsed.data;
}

export function sessionParam(c: Context<Env>): string {
  const id = c.req.param('sessionId') ?? '';
  // A malformed id cannot exist: answer 404 like any unknown id, naming what is wrong.
  if (!sessionIdSchema.safeParse(id).success)
    throw new HttpError(404, 'not_found', `no session ${id} (not a session id)`);
  return id;
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'not_found', `no ${what} ${id}`);
}

/**
 * Key of the notifications about one session (new events, status changes). Sessions are
 * identified by org and id: another org's session of the same id wakes nobody here.
 */
export const sessionKey = (org: string, sessionId: string) =>
  `session:${JSON.stringify([org, sessionId])}`;
export const reviewKey = (org: string, reviewId: string) =>
  `review:${JSON.stringify([org, reviewId])}`;

/**
 * Signs a session's head if it has ended. A failure only delays it (the next checkpoint signs the
 * head): the events are stored and acknowledged either way.
 */
export async function seal(cfg: AppConfig, org: string, sessionId: string): Promise<void> {
  if (!cfg.notary) return;
  await cfg.notary.seal(org, sessionId).catch(cfg.notary.onError);
}

/**
 * Sessions of an org changed (events, status): alerts that newly match them queue their webhooks.
 * A failure is reported and never fails the request: the change itself is stored either way.
 */
export async function sessionsChanged(
  cfg: AppConfig,
  org: string,
  sessionIds: Iterable<string>,
): Promise<void> {
  if (!cfg.alerts) return;
  await cfg.alerts.sessionsChanged(org, sessionIds).catch(cfg.alerts.onError);
}
