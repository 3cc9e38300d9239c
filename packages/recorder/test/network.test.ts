import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type EventInput, eventSchema, type StoredEvent } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentNetwork } from '../src/instrument/network';
import { createRecorder } from '../src/recorder';
import { HttpSink } from '../src/sinks/http';
import { MemorySink } from '../src/sinks/sink';

const human = { type: 'human' as const, id: 'u_alice' };
const dev = { name: 'agent-box', type: 'application' as const, environment: 'development' };
const GITHUB = 'ghp_R7fK2mQ9xW4pL8sT1vN6bY3cH5jD0gE2aZ4u';

type Outbound = EventInput & {
  type: 'outbound';
  protocol: string;
  host: string;
  port?: number;
  method?: string;
  url?: string;
  status?: number;
  bytesSent?: number;
  bytesReceived?: number;
  subjectId?: string;
};
const outbound = (events: readonly EventInput[]) =>
  events.filter((e) => e.type === 'outbound') as Outbound[];

let server: http.Server;
let base: string;
let port: number;
/** A port nothing listens on (a server opened and closed). */
let closedPort: number;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'content-length': '9' });
        res.end('not found');
      } else if (req.url?.startsWith('/reset')) {
        req.socket.destroy();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '11' });
        res.end('hello world');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
afterAll(() => new Promise((r) => server.close(r)));

describe('instrumentNetwork (a real HTTP server)', () => {
  it('records fetch and node:http requests of the current session: host, port, method, status, bytes, a URL without secrets', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const uninstall = instrumentNetwork(recorder);
    const session = recorder.session();
    try {
      await session.run(async () => {
        const got = await fetch(`${base}/v1/items?token=${GITHUB}&page=2#frag`);
        expect(await got.text()).toBe('hello world');
        const posted = await fetch(`http://localhost:${port}/v1/items`, {
          method: 'POST',
          headers: { authorization: `Bearer ${GITHUB}`, 'content-type': 'application/json' },
          body: JSON.stringify({ secret: GITHUB }),
        });
        await posted.text();
        expect((await fetch(`${base}/missing?api_key=k123`)).status).toBe(404);
        await new Promise<void>((resolve, reject) => {
          // Credentials in the URL (node:http sends them as a header).
          const req = http.request(
            `http://user:pa55word@127.0.0.1:${port}/upload?x=1`,
            { method: 'PUT', headers: { 'content-length': '3' } },
            (res) => {
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end('abc');
        });
      });
      // Outside any session: not recorded.
      await (await fetch(`${base}/outside`)).text();
    } finally {
      uninstall();
    }
    // The server saw what the program sent: nothing of it was changed.
    expect(seen.find((s) => s.url?.startsWith('/v1/items?token='))?.url).toContain(GITHUB);
    const events = outbound(sink.events);
    for (const e of events) expect(eventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    expect(
      events.map(({ protocol, host, port: p, method, url, status }) => ({
        protocol,
        host,
        port: p,
        method,
        url,
        status,
      })),
    ).toEqual([
      {
        protocol: 'http',
        host: '127.0.0.1',
        port,
        method: 'GET',
        url: `${base}/v1/items?token=[removed]&page=2`,
        status: 200,
      },
      {
        protocol: 'http',
        host: 'localhost',
        port,
        method: 'POST',
        url: `http://localhost:${port}/v1/items`,
        status: 200,
      },
      {
        protocol: 'http',
        host: '127.0.0.1',
        port,
        method: 'GET',
        url: `${base}/missing?api_key=[removed]`,
        status: 404,
      },
      {
        protocol: 'http',
        host: '127.0.0.1',
        port,
        method: 'PUT',
        url: `${base}/upload?x=1`,
        status: 200,
      },
    ]);
    expect(events[0]).toMatchObject({ bytesReceived: 11 });
    // fetch sends its body's length apart from the headers it publishes: not known here.
    expect(events[1]).toMatchObject({ bytesReceived: 11 });
    expect(events[3]).toMatchObject({ bytesSent: 3, bytesReceived: 11 });
    // Neither bodies nor headers, nor the secrets in them, are on the record.
    const text = JSON.stringify(sink.events);
    expect(text).not.toContain(GITHUB.slice(4, 16));
    expect(text).not.toContain('pa55word');
    expect(text).not.toContain('hello world');
    expect(text).not.toContain('k123');
  });

  it('records a request that fails (connection refused, reset) without a status, once', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const uninstall = instrumentNetwork(recorder);
    const session = recorder.session();
    try {
      await session.run(async () => {
        await expect(fetch(`${base}/reset`)).rejects.toThrow();
        await new Promise<void>((resolve) => {
          const req = http.get(`http://127.0.0.1:${closedPort}/down`);
          req.on('error', () => {});
          req.on('close', () => resolve());
        });
      });
    } finally {
      uninstall();
    }
    const events = outbound(sink.events);
    expect(events.map((e) => [e.url, e.status])).toEqual([
      [`${base}/reset`, undefined],
      [`http://127.0.0.1:${closedPort}/down`, undefined],
    ]);
  });

  it('records node:https requests as https, with their port', async () => {
    // A certificate of its own (openssl), for a real TLS server.
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    const tls = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => res.end('secure'),
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const tlsPort = (tls.address() as AddressInfo).port;
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    const uninstall = instrumentNetwork(recorder, { session });
    try {
      await new Promise<void>((resolve, reject) => {
        https
          .get(
            `https://localhost:${tlsPort}/status?sig=abc`,
            { rejectUnauthorized: false },
            (res) => {
              res.resume();
              res.on('end', resolve);
            },
          )
          .on('error', reject);
      });
    } finally {
      uninstall();
      await new Promise((r) => tls.close(r));
    }
    expect(outbound(sink.events)).toEqual([
      expect.objectContaining({
        protocol: 'https',
        host: 'localhost',
        port: tlsPort,
        method: 'GET',
        url: `https://localhost:${tlsPort}/status?sig=[removed]`,
        status: 200,
      }),
    ]);
  });

  it('stops recording once uninstalled, and records into options.session without a current one', async () => {
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    const uninstall = instrumentNetwork(recorder, {
      session,
      exclude: (url) => url.pathname === '/health',
    });
    await (await fetch(`${base}/a`)).text();
    await (await fetch(`${base}/health`)).text();
    uninstall();
    uninstall();
    await (await fetch(`${base}/b`)).text();
    expect(outbound(sink.events).map((e) => e.url)).toEqual([`${base}/a`]);
  });

  it('leaves the recorder’s own delivery to the server off the record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'network-'));
    const store = new SqliteStore({ filename: join(dir, 'server.db') });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'all',
      permissions: ['ingest', 'view_history'],
    });
    const running = await startServer({ store, port: 0 });
    try {
      const client = createClient({ baseUrl: running.url, token, retries: 0 });
      const sink = new HttpSink({ client, spool: false, batchMs: 5, onError: () => {} });
      const recorder = createRecorder({
        sink,
        policy: false,
        reviews: client,
        meta: { actor: human, resource: dev },
      });
      const session = recorder.session();
      // Every request of the process goes to this session: the sink's own too, but for the rule.
      const uninstall = instrumentNetwork(recorder, { session });
      try {
        await session.run(async () => {
          await (await fetch(`${base}/agent-call`)).text();
          await recorder.flush({ timeoutMs: 5_000 });
          await (await fetch(`${base}/agent-call-2`)).text();
          await recorder.flush({ timeoutMs: 5_000 });
        });
      } finally {
        uninstall();
      }
      session.end();
      await recorder.close({ timeoutMs: 5_000 });
      const stored: StoredEvent[] = [];
      for await (const e of client.sessions.events.list(session.id)) stored.push(e);
      const urls = stored.filter((e) => e.type === 'outbound').map((e) => (e as Outbound).url);
      expect(urls).toEqual([`${base}/agent-call`, `${base}/agent-call-2`]);
    } finally {
      await running.close();
    }
  });
});
