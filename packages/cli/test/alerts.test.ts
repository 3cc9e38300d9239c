import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createIdGenerator } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env },
  };
}

describe('auditlane alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlane-cli-alerts-'));
  let store: SqliteStore;
  let server: RunningServer;
  let receiver: Server;
  let hookUrl: string;
  const bodies: string[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    store = new SqliteStore({ filename: join(dir, 'alerts.db') });
    server = await startServer({ store, port: 0 });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'ops',
      permissions: ['manage_alerts', 'ingest'],
    });
    env = { AUDITLANE_URL: server.url, AUDITLANE_TOKEN: token };
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await server.close();
    await store.close();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, shows, follows and deletes an alert', async () => {
    const created = io(env);
    expect(
      await run(
        [
          'alerts',
          'create',
          '--name',
          'blocked in production',
          '--query',
          'environment=production&status=blocked',
          '--url',
          hookUrl,
        ],
        created.io,
      ),
      created.err.join('\n'),
    ).toBe(0);
    const id = /^(alrt_\w+) {2}enabled /.exec(created.out[0]!)![1]!;
    expect(created.out[0]).toContain('environment=production&status=blocked');
    expect(created.err[0]).toMatch(/^signing secret \(shown once.*\): whsec_/);

    const listed = io(env);
    expect(await run(['alerts', 'list'], listed.io)).toBe(0);
    expect(listed.out).toHaveLength(1);
    expect(listed.out[0]).toContain(id);
    expect(listed.out.join('\n')).not.toContain('whsec_');

    // A blocked production session fires it.
    const ids = createIdGenerator();
    const sessionId = ids.sessionId();
    await createClient({ baseUrl: server.url, token: env.AUDITLANE_TOKEN! }).ingest([
      {
        id: ids.eventId(),
        sessionId,
        seq: 0,
        time: new Date().toISOString(),
        type: 'lifecycle',
        action: 'start',
        session: {
          actor: { type: 'human', id: 'u1' },
          resource: { name: 'db', type: 'database', environment: 'production' },
          mode: 'interactive',
        },
      },
      {
        id: ids.eventId(),
        sessionId,
        seq: 1,
        time: new Date().toISOString(),
        type: 'policy',
        verdict: 'blocked',
        rule: 'no-prod',
      },
    ]);
    await expect.poll(() => bodies.length).toBe(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({
      type: 'alert.matched',
      data: { session: { id: sessionId } },
    });

    const delivered = io(env);
    await expect
      .poll(async () => {
        delivered.out.length = 0;
        await run(['alerts', 'deliveries', id, '--json'], delivered.io);
        return (JSON.parse(delivered.out[0]!) as { status: string }[])[0]?.status;
      })
      .toBe('delivered');
    const shown = io(env);
    expect(await run(['alerts', 'show', id], shown.io)).toBe(0);
    expect(shown.out[1]).toMatch(
      new RegExp(
        `^msg_\\w+ {2}delivered {2}alert\\.matched {2}${sessionId} {2}1 attempt {2}HTTP 200$`,
      ),
    );

    const deleted = io(env);
    expect(await run(['alerts', 'delete', id], deleted.io)).toBe(0);
    const gone = io(env);
    expect(await run(['alerts', 'show', id], gone.io)).toBe(1);
    expect(gone.err[0]).toMatch(/^auditlane alerts show: .*no alert/);
  });

  it('refuses a query the sessions list does not take, naming the parameter', async () => {
    const t = io(env);
    expect(
      await run(
        ['alerts', 'create', '--name', 'x', '--query', 'status=exploded', '--url', hookUrl],
        t.io,
      ),
    ).toBe(2);
    expect(t.err[0]).toMatch(/^auditlane alerts create: --query: status\.0: /);
    const unknown = io(env);
    expect(
      await run(
        ['alerts', 'create', '--name', 'x', '--query', 'sort=recent', '--url', hookUrl],
        unknown.io,
      ),
    ).toBe(2);
    expect(unknown.err[0]).toContain('"sort"');
    const badUrl = io(env);
    expect(
      await run(['alerts', 'create', '--name', 'x', '--url', 'ftp://x.example.com'], badUrl.io),
    ).toBe(1);
    expect(badUrl.err[0]).toMatch(/url: must be an absolute http or https URL/);
    const noToken = io({ AUDITLANE_URL: server.url });
    expect(await run(['alerts', 'list'], noToken.io)).toBe(2);
    expect(noToken.err[0]).toContain('--token is required');
  });
});
