/**
 * The main job: the reference server on an embedded SQLite database, seeded through the real
 * recorder on first start, a live terminal session and an agent's command waiting for review,
 * and the admin panel (built with Vite, served with /v1 proxied to the server; the proxy adds
 * the panel's credential, so no token reaches the browser).
 *   pnpm demo            (from the repository root: builds the packages, then this)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createClient, PERMISSIONS } from '@auditlane/client';
import { createRecorder, HttpSink, recordTerminal } from '@auditlane/recorder';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { build, type PreviewServer, preview } from 'vite';
import { accessRequest, heldAgentCommand, seed } from './seed';

const PANEL_DIR = resolve(import.meta.dirname, '..');

export interface DemoOptions {
  /** Where the database and the demo's tokens live. Default examples/admin-panel/.data. */
  dataDir?: string;
  /** The panel's port (0: any free one). Default 5173, or the next free one. */
  port?: number;
  /** The API's port (0: any free one). Default 4680, or any free one. */
  apiPort?: number;
  /** Rebuild the panel even when it is built. Default: build when dist/ is missing. */
  rebuild?: boolean;
  log?: (line: string) => void;
}

export interface Tokens {
  /** Every permission (the seed's reviewer, tests). */
  admin: string;
  /** The panel's server: every permission but ingest. */
  panel: string;
  recorder: string;
  viewer: string;
}

export interface Demo {
  url: string;
  apiUrl: string;
  tokens: Tokens;
  store: SqliteStore;
  /** The live terminal session (a bash loop printing a heartbeat every second). */
  liveSessionId: string;
  /** The agent's session whose `kubectl delete` waits in the reviews inbox. */
  heldSessionId: string;
  /** A contractor's session waiting for a reviewer to grant access (just in time). */
  accessSessionId: string;
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = options.dataDir ?? join(PANEL_DIR, '.data');
  mkdirSync(dataDir, { recursive: true });
  // A seed that did not finish (stopped, failed) leaves half the data: start over.
  const seeded = join(dataDir, 'seeded');
  if (!existsSync(seeded)) {
    for (const f of ['auditlane.db', 'auditlane.db-wal', 'auditlane.db-shm', 'tokens.json']) {
      rmSync(join(dataDir, f), { force: true });
    }
  }
  // Whatever started is stopped again if a later step fails.
  const undo: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => {});
  };
  try {
    const store = new SqliteStore({ filename: join(dataDir, 'auditlane.db') });
    undo.push(() => store.close());
    const tokens = await demoTokens(store, join(dataDir, 'tokens.json'));
    const server = await listen(
      (port) => startServer({ store, port, config: { pollMs: 250 } }),
      options.apiPort ?? 4680,
    );
    undo.push(() => server.close());
    const admin = createClient({ baseUrl: server.url, token: tokens.admin });
    // Recorders ask for reviews and wait for decisions with their own token (ingest).
    const recorderClient = createClient({ baseUrl: server.url, token: tokens.recorder });

    if (!existsSync(seeded)) {
      log('First start: recording the demo sessions (about a minute)…');
      await seed({
        url: server.url,
        recorderToken: tokens.recorder,
        recorderClient,
        reviewer: admin,
        dataDir,
        log,
      });
      writeFileSync(seeded, `${new Date().toISOString()}\n`);
    }

    // What is going on right now: a live terminal, an agent and a contractor waiting for a
    // reviewer (their reviews expire an hour after they were asked, if nobody decides).
    const recorder = createRecorder({
      sink: new HttpSink({ url: server.url, token: tokens.recorder, spool: false, batchMs: 50 }),
      reviews: recorderClient,
      reviewTimeoutMs: 3600_000,
      onError: (error) => log(`recorder: ${error.message}`),
    });
    undo.push(() => recorder.close({ timeoutMs: 5_000 }));
    const stop = new AbortController();
    const live = recorder.session({
      actor: { type: 'service', id: 'svc-worker', name: 'payments worker' },
      resource: { name: 'worker-7', type: 'ssh', engine: 'bash', environment: 'staging' },
      endpoint: '10.0.3.7',
      recorded: true,
    });
    const stdout = new PassThrough();
    stdout.resume();
    const liveRun = recordTerminal(recorder, {
      session: live,
      command: 'bash',
      args: [
        '--norc',
        '--noprofile',
        '-c',
        'i=0; while true; do i=$((i+1)); printf "\\033[2m%s\\033[0m worker heartbeat \\033[32m#%d\\033[0m queue=%d\\n" "$(date +%T)" $i $((RANDOM % 40)); sleep 1; done',
      ],
      cols: 100,
      rows: 28,
      stdin: new PassThrough(),
      stdout,
      signal: stop.signal,
    }).catch(() => ({ exitCode: 1 }));
    undo.push(async () => {
      stop.abort();
      await liveRun;
    });
    const held = heldAgentCommand(recorder, log);
    const access = await accessRequest(recorder, recorderClient, log);
    const ended = () => {
      for (const s of [live, held, access]) s.end({ exitCode: 0, reason: 'demo stopped' });
    };

    await buildPanel(options.rebuild ?? false);
    const panel = await startPanel({
      apiUrl: server.url,
      token: tokens.panel,
      port: options.port ?? 5173,
    });
    return {
      url: panel.url,
      apiUrl: server.url,
      tokens,
      store,
      liveSessionId: live.id,
      heldSessionId: held.id,
      accessSessionId: access.id,
      close: async () => {
        await panel.close();
        stop.abort();
        await liveRun;
        ended();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The demo's tokens: made on first start and kept beside the database (a demo, not a vault). */
async function demoTokens(store: SqliteStore, file: string): Promise<Tokens> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Tokens;
  const admin = await store.createToken({
    org: 'acme',
    name: 'rita',
    permissions: [...PERMISSIONS],
  });
  // The panel's server holds this one: everything a reviewer does, nothing a recorder does.
  const panel = await store.createToken({
    org: 'acme',
    name: 'rita',
    permissions: PERMISSIONS.filter((p) => p !== 'ingest'),
  });
  const recorder = await store.createToken({
    org: 'acme',
    name: 'recorders',
    permissions: ['ingest'],
  });
  const viewer = await store.createToken({
    org: 'acme',
    name: 'victor',
    permissions: ['view_history', 'view_recording'],
  });
  const tokens = {
    admin: admin.token,
    panel: panel.token,
    recorder: recorder.token,
    viewer: viewer.token,
  };
  writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}

async function listen(start: (port: number) => Promise<RunningServer>, port: number) {
  try {
    return await start(port);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE' || port === 0) throw error;
    return start(0);
  }
}

/** Builds the panel (Vite) unless it is built already. */
export async function buildPanel(force = false): Promise<void> {
  if (!force && existsSync(join(PANEL_DIR, 'dist', 'index.html'))) return;
  await build({ configFile: join(PANEL_DIR, 'vite.config.ts'), mode: 'production' });
}

/**
 * Serves the built panel with /v1 proxied to an Auditlane server, the proxy signing each call
 * with `token` (the host product's backend holds the credential, not the browser). A demo has
 * no sign-in: a real host authenticates its users here and signs with their rights. What it
 * does keep out: other web pages (no CORS, and a request from another origin is refused, so a
 * page elsewhere cannot approve or revoke through this proxy).
 */
export async function startPanel(options: {
  apiUrl: string;
  token: string;
  port?: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  let own = '';
  const sameOriginOnly = {
    name: 'same-origin-api',
    configurePreviewServer(server: PreviewServer) {
      server.middlewares.use('/v1', (req, res, next) => {
        const origin = req.headers.origin;
        if (origin && origin !== own) {
          res.statusCode = 403;
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({ code: 'forbidden', message: `requests from ${origin} are refused` }),
          );
          return;
        }
        next();
      });
    },
  };
  const server: PreviewServer = await preview({
    configFile: false,
    root: PANEL_DIR,
    logLevel: 'warn',
    plugins: [sameOriginOnly],
    build: { outDir: join(PANEL_DIR, 'dist') },
    preview: {
      host: '127.0.0.1',
      port: options.port ?? 0,
      strictPort: false,
      cors: false,
      proxy: {
        '/v1': {
          target: options.apiUrl,
          changeOrigin: true,
          headers: { authorization: `Bearer ${options.token}` },
        },
      },
    },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the panel server did not say where it listens');
  own = new URL(url).origin;
  return { url, close: () => server.close() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Rebuilt at each start: the packages it uses may have changed since.
  const demo = await startDemo({ rebuild: true });
  const cli = resolve(PANEL_DIR, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
  console.log(`
  Auditlane demo admin panel:  ${demo.url}

  API server (SQLite at examples/admin-panel/.data):  ${demo.apiUrl}
  Live now: a worker's terminal; in Reviews, an agent's "kubectl delete" and a contractor's
  request for access to the production orders database wait for a reviewer.

  Record your own session from another terminal and watch it appear live:
    AUDITLANE_URL=${demo.apiUrl} AUDITLANE_TOKEN=${demo.tokens.recorder} node ${cli} rec -- bash

  Ctrl-C stops everything (the data stays; delete the examples/admin-panel/.data directory to start over).
`);
  let closing = false;
  const shutdown = () => {
    if (closing) process.exit(1);
    closing = true;
    void demo.close().then(() => process.exit(0));
  };
  // Vite's preview server exits the process on SIGTERM by itself; the demo ends its sessions
  // and closes the database first.
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
