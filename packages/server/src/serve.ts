import { type ServerType, serve } from '@hono/node-server';
import { type AppConfig, createApp } from './api/app';
import { type AlertDeliveryOptions, AlertEngine } from './jobs/alerts';
import { type CheckpointOptions, Notary, startCheckpoints } from './jobs/checkpoints';
import { type RetentionPolicy, startRetention } from './jobs/retention';
import { type Scorer, type ScorerOptions, startScoring } from './jobs/scoring';
import { PostgresStore } from './store/postgres';
import { SqliteStore } from './store/sqlite';
import type { Store } from './store/types';

export interface StartOptions {
  store: Store;
  /**
   * Sign session heads when sessions end and checkpoint every org's heads (hourly by default)
   * with this key, to the checkpoint file and webhook; omitted: nothing is signed.
   */
  checkpoints?: CheckpointOptions;
  /**
   * How alerts' webhooks are sent (clock, timers, timeouts, retry schedule). Alerts are always
   * evaluated; deliveries left pending by an earlier run are sent on start.
   */
  alerts?: AlertDeliveryOptions;
  /** Purge old recordings hourly; omitted: keep them forever. */
  retention?: RetentionPolicy;
  port?: number;
  host?: string;
  config?: Partial<AppConfig>;
  /** The rescoring job's options (when `config.scorer` is not given). */
  scoring?: ScorerOptions;
}

export interface RunningServer {
  /** `http://127.0.0.1:4680` */
  url: string;
  port: number;
  /** The rescoring job (`idle()` waits until every queued session is scored). */
  scorer: Scorer;
  /** Evaluates alerts and sends their webhooks. */
  alerts: AlertEngine;
  close(): Promise<void>;
}

/** Serves the API over HTTP on Node. Port 0 picks a free port. */
export function startServer(options: StartOptions): Promise<RunningServer> {
  const notary = options.checkpoints ? new Notary(options.store, options.checkpoints) : null;
  const scorer =
    options.config?.scorer ??
    startScoring(options.store, options.config?.significance, options.scoring);
  const alerts = new AlertEngine(options.store, options.alerts);
  // Rescoring changes sessions too: a session whose score now crosses an alert's threshold (or
  // that gained a reason) newly matches it.
  const unsubscribe = scorer.onScored((org, sessionIds) => {
    void alerts.sessionsChanged(org, sessionIds).catch(alerts.onError);
  });
  const app = createApp(options.store, {
    ...options.config,
    scorer,
    ...(notary ? { notary } : {}),
    alerts,
  });
  const retention = options.retention
    ? startRetention(options.store, options.retention, { notary })
    : null;
  const checkpoints = notary ? startCheckpoints(notary) : null;
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port: options.port ?? 4680, hostname: host }, (info) => {
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
        alerts.start();
        resolve({
          url,
          port: info.port,
          scorer,
          alerts,
          close: async () => {
            await retention?.stop();
            await new Promise<void>((done) => {
              if ('closeAllConnections' in server) server.closeAllConnections();
              server.close(() => done());
            });
            await checkpoints?.stop();
            if (!options.config?.scorer) await scorer.stop();
            unsubscribe();
            // Waits for the evaluations still running (rescored sessions) and the attempts.
            await alerts.stop();
          },
        });
      });
      server.once('error', reject);
      // What Node's HTTP parser refuses before the app sees it (headers over 16 KiB, a malformed
      // request line) is answered as the app answers: JSON with a code and a message.
      server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
        if (error.code === 'ECONNRESET' || !socket.writable) {
          socket.destroy();
          return;
        }
        const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
        const body = JSON.stringify({
          code: 'bad_request',
          message: tooLarge
            ? 'the request line and headers are larger than the server accepts'
            : `malformed HTTP request (${error.code ?? error.message})`,
        });
        socket.end(
          `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
      });
    } catch (error) {
      reject(error);
    }
  });
}

export interface StoreOptions {
  /** SQLite file (default `auditlane.db`), or ':memory:'. */
  db?: string;
  /** A PostgreSQL URL: use PostgreSQL instead of SQLite. */
  postgres?: string;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.postgres) return PostgresStore.open({ connectionString: options.postgres });
  return new SqliteStore({ filename: options.db ?? 'auditlane.db' });
}
