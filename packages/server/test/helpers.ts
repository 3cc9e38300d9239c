import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlaneClient,
  createClient,
  createIdGenerator,
  type EventInput,
  type SessionStartInput,
} from '@auditlane/client';
import pg from 'pg';
import { inject } from 'vitest';
import type { AppConfig } from '../src/api/app';
import { type RunningServer, type StartOptions, startServer } from '../src/serve';
import { PostgresStore } from '../src/store/postgres';
import { SqliteStore } from '../src/store/sqlite';
import { PERMISSIONS, type Permission, type Store } from '../src/store/types';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

export interface Harness {
  kind: StoreKind;
  store: Store;
  /** Rewrites a stored column of an event (body by default) behind the API's back (tamper tests). */
  tamper(
    sessionId: string,
    seq: number,
    from: string,
    to: string,
    column?: 'body' | 'purged',
  ): Promise<void>;
  /** Deletes a stored event behind the API's back (tamper tests). */
  remove(sessionId: string, seq: number): Promise<void>;
  server: RunningServer;
  /** Org "acme", every permission. */
  admin: AuditlaneClient;
  adminToken: string;
  /** A client of org "acme" with only these permissions. */
  clientWith(permissions: Permission[], org?: string): Promise<AuditlaneClient>;
  close(): Promise<void>;
}

/** A store of the kind on a fresh database: a temp SQLite file, or a new PostgreSQL database. */
export async function openTestStore(kind: StoreKind) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'auditlane-test-'));
    const store = new SqliteStore({ filename: join(dir, 'test.db') });
    return {
      store,
      async tamper(
        sessionId: string,
        seq: number,
        from: string,
        to: string,
        column: 'body' | 'purged' = 'body',
      ) {
        const value = store.db
          .prepare(`SELECT ${column} FROM events WHERE session_id = ? AND seq = ?`)
          .pluck()
          .get(sessionId, seq) as string;
        store.db
          .prepare(`UPDATE events SET ${column} = ? WHERE session_id = ? AND seq = ?`)
          .run(value.replace(from, to), sessionId, seq);
      },
      async remove(sessionId: string, seq: number) {
        store.db.prepare('DELETE FROM events WHERE session_id = ? AND seq = ?').run(sessionId, seq);
      },
      async drop() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = inject('postgresUrl');
  const name = `auditlane_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await PostgresStore.open({ connectionString: url.toString(), max: 4 });
  return {
    store,
    async tamper(
      sessionId: string,
      seq: number,
      from: string,
      to: string,
      column: 'body' | 'purged' = 'body',
    ) {
      await store.pool.query(
        `UPDATE events SET ${column} = replace(${column}, $3, $4) WHERE session_id = $1 AND seq = $2`,
        [sessionId, seq, from, to],
      );
    },
    async remove(sessionId: string, seq: number) {
      await store.pool.query('DELETE FROM events WHERE session_id = $1 AND seq = $2', [
        sessionId,
        seq,
      ]);
    },
    async drop() {
      await store.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function startHarness(
  kind: StoreKind,
  config: Partial<AppConfig> = {},
  options: Pick<StartOptions, 'scoring'> = {},
): Promise<Harness> {
  const { store, tamper, remove, drop } = await openTestStore(kind);
  // Alerts a test creates (the fuzzer too) are sent only to receivers on this machine.
  const server = await startServer({
    store,
    port: 0,
    config,
    alerts: { fetch: loopbackFetch },
    ...options,
  });
  const client = (token: string) => createClient({ baseUrl: server.url, token, retries: 0 });
  const { token: adminToken } = await store.createToken({
    org: 'acme',
    name: 'admin',
    permissions: [...PERMISSIONS],
  });
  return {
    kind,
    store,
    tamper,
    remove,
    server,
    admin: client(adminToken),
    adminToken,
    async clientWith(permissions, org = 'acme') {
      const { token } = await store.createToken({
        org,
        name: `test ${permissions.join(',')}`,
        permissions,
      });
      return client(token);
    },
    async close() {
      await server.close();
      await drop();
    },
  };
}

/** Builds the events of one session the way a recorder would: ids, seqs and times in order. */
export function sessionScript(
  start: Partial<SessionStartInput> = {},
  startedAt = Date.UTC(2026, 10, 25, 6, 0, 0),
) {
  const ids = createIdGenerator();
  const sessionId = ids.sessionId(startedAt);
  let seq = 0;
  let t = startedAt;
  const events: EventInput[] = [];
  const base = () => {
    t += 1000;
    return { id: ids.eventId(), sessionId, seq: seq++, time: new Date(t).toISOString() };
  };
  events.push({
    ...base(),
    time: new Date(startedAt).toISOString(),
    type: 'lifecycle',
    action: 'start',
    session: {
      actor: { type: 'human', id: 'u_alice', email: 'alice@acme.test' },
      resource: {
        name: 'billing-db',
        type: 'database',
        engine: 'postgres',
        environment: 'production',
      },
      mode: 'interactive',
      ...start,
    },
  });
  const script = {
    sessionId,
    events,
    command(text: string, output = '') {
      const e = { ...base(), type: 'command' as const, text, output, exitCode: 0 };
      events.push(e);
      return e;
    },
    query(sql: string) {
      const e = {
        ...base(),
        type: 'query' as const,
        sql,
        rowCount: 1,
        columns: [{ name: 'n' }],
        rows: [[1]],
      };
      events.push(e);
      return e;
    },
    output(data: string) {
      events.push({ ...base(), type: 'terminal', code: 'o', data, offsetMs: t - startedAt });
      return script;
    },
    verdict(
      subjectId: string,
      verdict: 'passed' | 'blocked' | 'pending' | 'approved' | 'rejected',
      reason?: string,
    ) {
      events.push({ ...base(), type: 'policy', subjectId, verdict, rule: 'default', reason });
      return script;
    },
    masked(subjectId: string, fields: string[]) {
      events.push({ ...base(), type: 'masking', subjectId, fields, count: fields.length });
      return script;
    },
    end(reason?: string) {
      events.push({ ...base(), type: 'lifecycle', action: 'end', reason });
      return script;
    },
  };
  return script;
}

/** fetch for tests: loopback addresses only; anything else is refused without a connection. */
export const loopbackFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    throw new TypeError(`fetch failed (not sent from a test: ${url.hostname} is not loopback)`);
  return fetch(input, init);
};
