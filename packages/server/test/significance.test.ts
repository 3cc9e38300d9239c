import { createIdGenerator, type EventInput, type Session } from '@auditlane/client';
import { rng } from '@auditlane/testing/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNIFICANCE, resolveSignificance } from '../src/domain/significance';
import { type Scorer, startScoring } from '../src/jobs/scoring';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

const DAY = 86_400_000;
const ids = createIdGenerator();
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);
const KEY = { kind: 'api_key' as const, fingerprint: 'sk-live-...9F2A', name: 'deploy key' };

/** The org's history: a named user's sessions, routine sessions, then an unknown actor on the key. */
function history() {
  const sessions: ReturnType<typeof sessionScript>[] = [];
  const alice = sessionScript(
    {
      actor: { type: 'human', id: 'u_alice', email: 'alice@acme.test' },
      credential: KEY,
      endpoint: 'alice-laptop.acme.test',
      resource: { name: 'app-server', type: 'ssh', environment: 'staging' },
    },
    T0,
  );
  alice.command('git pull');
  alice.end();
  sessions.push(alice);
  for (let i = 0; i < 8; i++) {
    const s = sessionScript(
      {
        actor: { type: 'human', id: `u_dev${i % 3}`, email: `dev${i % 3}@acme.test` },
        endpoint: `dev${i % 3}.acme.test`,
        resource: { name: 'app-server', type: 'ssh', environment: 'staging' },
      },
      T0 + (i + 1) * DAY,
    );
    s.command('ls');
    s.end();
    sessions.push(s);
  }
  const intruder = sessionScript(
    {
      actor: { type: 'human', id: 'ext_7' },
      credential: KEY,
      endpoint: '203.0.113.9',
      resource: { name: 'app-server', type: 'ssh', environment: 'staging' },
    },
    T0 + 10 * DAY,
  );
  const cat = intruder.command('cat src/auth/session.ts');
  const file = {
    ...nextEvent(intruder),
    type: 'file' as const,
    subjectId: cat.id,
    path: '/srv/app/src/auth/session.ts',
    operation: 'read' as const,
  };
  intruder.events.push(file);
  const out = {
    ...nextEvent(intruder),
    type: 'outbound' as const,
    protocol: 'https',
    host: 'Paste.Example.NET:443',
  };
  intruder.events.push(out);
  intruder.end();
  sessions.push(intruder);
  return { sessions, alice, intruder, fileId: file.id, outboundId: out.id };
}

/** Fields of an event added to a script by hand (a seq the script's own counter never reaches). */
function nextEvent(s: ReturnType<typeof sessionScript>) {
  const last = s.events.at(-1)!;
  return {
    id: ids.eventId(),
    sessionId: s.sessionId,
    seq: Math.max(...s.events.map((e) => e.seq)) + 100,
    time: new Date(Date.parse(last.time) + 1000).toISOString(),
  };
}

async function scores(h: Harness, ids: string[]) {
  await h.server.scorer.idle();
  const out: Record<string, Session['significance']> = {};
  for (const id of ids) out[id] = (await h.admin.sessions.get(id)).significance;
  return out;
}

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('scores the unknown actor on a shared key with its reasons and evidence, and the key owner’s earlier session gains shared_credential', async () => {
    const { sessions, alice, intruder, fileId, outboundId } = history();
    for (const s of sessions) await h.admin.ingest(s.events);
    const got = await scores(
      h,
      sessions.map((s) => s.sessionId),
    );
    const intr = got[intruder.sessionId]!;
    expect(intr.reasons.map((r) => r.code).sort()).toEqual(
      ['new_outbound_host', 'sensitive_files', 'shared_credential', 'unknown_actor'].sort(),
    );
    const byCode = Object.fromEntries(intr.reasons.map((r) => [r.code, r]));
    expect(byCode.shared_credential!.evidence!.entities).toEqual([
      'credential:sk-live-...9F2A',
      'actor:u_alice',
    ]);
    expect(byCode.sensitive_files!.evidence).toEqual({
      events: [fileId],
      entities: ['file:/srv/app/src/auth/session.ts'],
    });
    expect(byCode.new_outbound_host!.evidence).toEqual({
      events: [outboundId],
      entities: ['host:paste.example.net'],
    });
    expect(byCode.unknown_actor!.evidence!.entities).toEqual([
      'actor:ext_7',
      'endpoint:203.0.113.9',
    ]);
    expect(byCode.unknown_actor!.evidence!.events).toEqual([intruder.events[0]!.id]);
    const aliceReasons = got[alice.sessionId]!.reasons;
    expect(aliceReasons.find((r) => r.code === 'shared_credential')?.evidence?.entities).toEqual([
      'credential:sk-live-...9F2A',
      'actor:ext_7',
    ]);
    const ranked = await h.admin.sessions.list({ sort: 'significance', limit: 3 });
    expect(ranked.data[0]!.id).toBe(intruder.sessionId);

    // The list filters by entity (every one given) and by reason (any one given), with the others.
    const ids = async (query: Parameters<typeof h.admin.sessions.list>[0]) =>
      (await h.admin.sessions.list({ count: 'exact', ...query })).data.map((x) => x.id);
    const onKey = await ids({ entity: ['credential:sk-live-...9F2A'] });
    expect(new Set(onKey)).toEqual(new Set([alice.sessionId, intruder.sessionId]));
    expect(await ids({ entity: ['credential:sk-live-...9F2A', 'actor:ext_7'] })).toEqual([
      intruder.sessionId,
    ]);
    expect(await ids({ entity: ['host:paste.example.net'], sort: 'significance' })).toEqual([
      intruder.sessionId,
    ]);
    expect(
      await ids({ reason: ['shared_credential', 'new_outbound_host'], sort: 'significance' }),
    ).toEqual([intruder.sessionId, alice.sessionId]);
    expect(await ids({ reason: ['shared_credential'], user: ['alice@acme.test'] })).toEqual([
      alice.sessionId,
    ]);
    expect(await ids({ reason: ['shared_credential'], environment: ['production'] })).toEqual([]);
    expect(await ids({ entity: ['file:/srv/app/src/auth/session.ts'], q: 'cat' })).toEqual([
      intruder.sessionId,
    ]);
    const rows = await (
      await h.admin.sessions.export({ format: 'ndjson', reason: ['new_outbound_host'] })
    ).text();
    expect(
      new Set(
        rows
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line).sessionId),
      ),
    ).toEqual(new Set([intruder.sessionId]));
    const bad = await fetch(`${h.server.url}/v1/sessions?entity=planet%3Amars`, {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('entity'),
    });
  });

  it('gives the same scores whatever order and batching the events arrive in', async () => {
    const { sessions } = history();
    const ids = sessions.map((s) => s.sessionId);
    const a = await startHarness(kind);
    const b = await startHarness(kind);
    try {
      for (const s of sessions) expect((await a.admin.ingest(s.events)).rejected).toEqual([]);
      // Another order: starts first (a session is known before its events), the rest shuffled,
      // in batches of random sizes.
      const random = rng(7);
      const starts: EventInput[] = [];
      const rest: EventInput[] = [];
      for (const s of sessions) for (const e of s.events) (e.seq === 0 ? starts : rest).push(e);
      const shuffle = (list: EventInput[]) => {
        for (let i = list.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [list[i], list[j]] = [list[j]!, list[i]!];
        }
      };
      shuffle(starts);
      shuffle(rest);
      const all = [...starts, ...rest];
      for (let i = 0; i < all.length; ) {
        const n = 1 + Math.floor(random() * 5);
        const result = await b.admin.ingest(all.slice(i, i + n));
        expect(result.rejected).toEqual([]);
        i += n;
      }
      const sa = await scores(a, ids);
      const sb = await scores(b, ids);
      expect(sb).toEqual(sa);
      expect(Object.values(sa).some((s) => s!.score >= 50)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('scores a batch’s sessions as it is stored, and queues only the earlier sessions whose context it changed', async () => {
    // No scorer runs: what a session shows right after its batch is acknowledged is ingest's own.
    const idle: Scorer = {
      config: DEFAULT_SIGNIFICANCE,
      kick() {},
      async idle() {},
      onScored: () => () => {},
      async stop() {},
    };
    const q = await startHarness(kind, { scorer: idle });
    try {
      const { sessions, alice, intruder, fileId } = history();
      const queued = async () => (await q.store.queuedScores(100)).map((x) => x.sessionId);
      // In time order, up to the intruder: every session is final when acknowledged, and the
      // actors' later sessions (too soon for a baseline) queue nothing.
      for (const s of sessions.slice(0, -1)) {
        await q.admin.ingest(s.events);
        expect(await queued()).toEqual([]);
      }
      await q.admin.ingest(intruder.events);
      const got = (await q.admin.sessions.get(intruder.sessionId)).significance!;
      expect(got.reasons.map((r) => r.code).sort()).toEqual(
        ['new_outbound_host', 'sensitive_files', 'shared_credential', 'unknown_actor'].sort(),
      );
      expect(got.reasons.find((r) => r.code === 'sensitive_files')!.evidence!.events).toEqual([
        fileId,
      ]);
      expect(
        (await q.admin.sessions.list({ reason: ['sensitive_files'] })).data.map((x) => x.id),
      ).toEqual([intruder.sessionId]);
      // The key became shared: its earlier session, and only it, waits for the scorer.
      expect(await queued()).toEqual([alice.sessionId]);
      const scorer = startScoring(q.store, DEFAULT_SIGNIFICANCE);
      await scorer.idle();
      await scorer.stop();
      const codes = (await q.admin.sessions.get(alice.sessionId)).significance!.reasons.map(
        (r) => r.code,
      );
      expect(codes).toContain('shared_credential');
      expect(await queued()).toEqual([]);
    } finally {
      await q.close();
    }
  });

  it('gives the same scores when many batches of sessions sharing a key, hosts and actors are stored at once', async () => {
    const random = rng(11);
    const sessions: ReturnType<typeof sessionScript>[] = [];
    for (let i = 0; i < 40; i++) {
      const actor = ['u_ivy', 'u_jon', 'ext_3', 'u_kai'][i % 4]!;
      const s = sessionScript(
        {
          actor: {
            type: 'human',
            id: actor,
            ...(actor.startsWith('u_') ? { email: `${actor}@acme.test` } : {}),
          },
          credential: i % 3 === 0 ? KEY : { kind: 'api_key', fingerprint: `sk-own-...${actor}` },
          endpoint: i % 5 === 0 ? '198.51.100.7' : `${actor}.acme.test`,
          resource: { name: `db-${i % 3}`, type: 'database', environment: 'production' },
        },
        T0 + Math.floor(random() * 20) * DAY + i * 60_000,
      );
      s.command('ls');
      s.events.push({
        ...nextEvent(s),
        type: 'outbound',
        protocol: 'https',
        host: ['a.example.com', 'b.example.com', 'c.example.com'][i % 3]!,
      });
      s.end();
      sessions.push(s);
    }
    const ids = sessions.map((s) => s.sessionId);
    const a = await startHarness(kind);
    const b = await startHarness(kind);
    try {
      for (const s of sessions) expect((await a.admin.ingest(s.events)).rejected).toEqual([]);
      // Every session's events in two batches, all of them sent at once.
      const results = await Promise.all(
        sessions
          .flatMap((s) => [s.events.slice(0, 2), s.events.slice(2)])
          .map((batch, i) =>
            new Promise((r) => setTimeout(r, i % 7)).then(() => b.admin.ingest(batch)),
          ),
      );
      for (const r of results)
        expect(r.rejected.filter((x) => x.code !== 'unknown_session')).toEqual([]);
      // A batch whose start had not arrived yet is sent again after it (as a recorder retries).
      for (const s of sessions)
        expect((await b.admin.ingest(s.events.slice(2))).rejected).toEqual([]);
      const sa = await scores(a, ids);
      const sb = await scores(b, ids);
      expect(sb).toEqual(sa);
      expect(
        Object.values(sa).filter((x) => x!.reasons.some((r) => r.code === 'shared_credential'))
          .length,
      ).toBeGreaterThan(5);
      // The index too: every entity's counts, first and last seen, and actors.
      const entity = async (h: Harness, kind: 'credential' | 'host' | 'resource', key: string) => {
        const e = await h.admin.entities.get(kind, key, { limit: 1 });
        return { entity: e.entity, actors: e.actors.data };
      };
      for (const [kind, key] of [
        ['credential', KEY.fingerprint],
        ['host', 'a.example.com'],
        ['host', 'b.example.com'],
        ['host', 'c.example.com'],
        ['resource', 'db-0'],
        ['resource', 'db-1'],
      ] as const)
        expect(await entity(b, kind, key)).toEqual(await entity(a, kind, key));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('reflects an event in the score within a second of its batch being acknowledged', async () => {
    // No interval to fall back on: only the rescoring right after the commit can make it in time.
    const h = await startHarness(kind, {}, { scoring: { intervalMs: 3_600_000 } });
    try {
      const s = sessionScript(
        {
          actor: { type: 'human', id: 'u_carol', email: 'carol@acme.test' },
          resource: { name: 'web', type: 'ssh', environment: 'staging' },
        },
        Date.UTC(2026, 10, 20),
      );
      await h.admin.ingest(s.events);
      await h.server.scorer.idle();
      const file = {
        ...nextEvent(s),
        type: 'file' as const,
        path: '/home/carol/.ssh/id_rsa',
        operation: 'read' as const,
      };
      await h.admin.ingest([file]);
      const acked = Date.now();
      let reasons: string[] = [];
      while (Date.now() - acked < 1000) {
        const got = await h.admin.sessions.get(s.sessionId);
        reasons = got.significance!.reasons.map((r) => r.code);
        if (reasons.includes('sensitive_files')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(reasons).toContain('sensitive_files');
      expect(Date.now() - acked).toBeLessThan(1000);
    } finally {
      await h.close();
    }
  });

  it('moves new_outbound_host to an earlier session that arrives later, and tells onScored of the rescored one', async () => {
    const scored: string[] = [];
    const off = h.server.scorer.onScored((org, sessionIds) => {
      expect(org).toBe('acme');
      scored.push(...sessionIds);
    });
    const meta = {
      actor: { type: 'human' as const, id: 'u_erin', email: 'erin@acme.test' },
      resource: { name: 'web', type: 'ssh' as const, environment: 'staging' as const },
    };
    const later = sessionScript(meta, Date.UTC(2026, 10, 12));
    const earlier = sessionScript(meta, Date.UTC(2026, 10, 11));
    for (const s of [later, earlier])
      s.events.push({
        ...nextEvent(s),
        type: 'outbound',
        protocol: 'https',
        host: 'files.example.org',
      });
    await h.admin.ingest(later.events);
    let got = await scores(h, [later.sessionId]);
    expect(got[later.sessionId]!.reasons.map((r) => r.code)).toContain('new_outbound_host');
    await h.admin.ingest(earlier.events);
    got = await scores(h, [later.sessionId, earlier.sessionId]);
    expect(got[earlier.sessionId]!.reasons.map((r) => r.code)).toContain('new_outbound_host');
    expect(got[later.sessionId]!.reasons.map((r) => r.code)).not.toContain('new_outbound_host');
    // The earlier one is scored as its batch is stored; the later one, whose context it changed,
    // by the scorer, which tells its listeners (alerts).
    expect(scored).toContain(later.sessionId);
    off();
  });

  it("flags cost above 3x the actor's 30-day median once its baseline is learned", async () => {
    const meta = {
      actor: {
        type: 'agent' as const,
        id: 'agent_reporter',
        agent: { name: 'reporter' },
        onBehalfOf: 'u_frank',
      },
      resource: { name: 'reports', type: 'llm' as const, environment: 'staging' as const },
      mode: 'agent' as const,
    };
    const costly = (day: number, costUsd: number) => {
      const s = sessionScript(meta, Date.UTC(2026, 9, 1 + day));
      s.events.push({
        ...nextEvent(s),
        type: 'llm_call',
        model: 'claude-sonnet-4-5',
        inputTokens: 1000,
        outputTokens: 100,
        costUsd,
      });
      return s;
    };
    const history = [0, 2, 4, 6, 8].map((day) => costly(day, 1));
    const spike = costly(10, 5);
    // The spike arrives first: nothing to compare it with yet.
    await h.admin.ingest(spike.events);
    let got = await scores(h, [spike.sessionId]);
    expect(got[spike.sessionId]!.reasons.map((r) => r.code)).not.toContain('cost_spike');
    // The actor's earlier sessions arrive: the spike's baseline is learned and it is rescored.
    for (const s of history) await h.admin.ingest(s.events);
    got = await scores(h, [spike.sessionId, ...history.map((x) => x.sessionId)]);
    expect(got[spike.sessionId]!.reasons.find((r) => r.code === 'cost_spike')).toMatchObject({
      message: "cost $5.00 is 5.0× the actor's 30-day median ($1.00)",
      evidence: { entities: ['actor:agent_reporter'] },
    });
    for (const s of history)
      expect(got[s.sessionId]!.reasons.map((r) => r.code)).not.toContain('cost_spike');
  });

  it('rescores a session revoked through the API', async () => {
    const s = sessionScript(
      {
        actor: { type: 'human', id: 'u_gina', email: 'gina@acme.test' },
        resource: { name: 'web', type: 'ssh', environment: 'staging' },
      },
      Date.UTC(2026, 10, 21),
    );
    await h.admin.ingest(s.events);
    await h.server.scorer.idle();
    await h.admin.sessions.revoke(s.sessionId, { reason: 'leaked key' });
    const got = await scores(h, [s.sessionId]);
    expect(got[s.sessionId]!.reasons.map((r) => r.code)).toContain('revoked');
    const listed = await h.admin.sessions.list({ reason: ['revoked'] });
    expect(listed.data.map((x) => x.id)).toEqual([s.sessionId]);
  });

  it('keeps no entity index and scores from counters alone when scoring is off', async () => {
    const off = await startHarness(kind, { significance: resolveSignificance({ enabled: false }) });
    try {
      const { sessions, intruder } = history();
      for (const s of sessions) await off.admin.ingest(s.events);
      await off.server.scorer.idle();
      const got = await off.admin.sessions.get(intruder.sessionId);
      expect(got.significance!.reasons.map((r) => r.code)).toEqual([]);
      expect(
        (await off.admin.sessions.list({ entity: ['credential:sk-live-...9F2A'] })).data,
      ).toEqual([]);
      expect(await off.store.queuedScores(10)).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('names the first actors of a crowded key by first use, in every session on it, renamed only when one among them changes', async () => {
    const key = { kind: 'api_key' as const, fingerprint: 'sk-crowd-...0C0D' };
    const on = (actor: string, at: number) => {
      const s = sessionScript(
        {
          actor: { type: 'human', id: actor },
          credential: key,
          resource: { name: 'crowd', type: 'ssh', environment: 'staging' },
        },
        at,
      );
      s.command('ls');
      s.end();
      return s;
    };
    const T = Date.UTC(2026, 10, 24);
    // 12 actors, one after the other: more than a reason names (the first 7 by first use).
    const crowd = Array.from({ length: 12 }, (_, i) => on(`crowd_a${10 + i}`, T + i * 60_000));
    for (const s of crowd) await h.admin.ingest(s.events);
    const first = crowd[0]!.sessionId;
    const reason = async (id = first) =>
      (await scores(h, [id]))[id]!.reasons.find((r) => r.code === 'shared_credential')!;
    const before = await reason();
    expect(before.evidence!.entities).toEqual([
      'credential:sk-crowd-...0C0D',
      ...[11, 12, 13, 14, 15, 16].map((n) => `actor:crowd_a${n}`),
    ]);
    expect(before.message).toBe(
      'credential sk-crowd-...0C0D is shared with 6 or more other actors: crowd_a11, crowd_a12, crowd_a13, crowd_a14, crowd_a15, …',
    );
    // The last one names the first 7 too.
    expect((await reason(crowd[11]!.sessionId)).evidence!.entities).toHaveLength(8);
    // A newcomer (first by id, last by first use): what the earlier sessions say stays, and none
    // of them is queued again.
    await h.admin.ingest(on('crowd_a00', T + 100 * 60_000).events);
    expect(await h.store.queuedScores(100)).toEqual([]);
    expect(await reason()).toEqual(before);
    // One whose first use is the earliest (arriving late): every session on the key names it.
    await h.admin.ingest(on('crowd_a99', T - 60_000).events);
    const after = await reason();
    expect(after.evidence!.entities).toContain('actor:crowd_a99');
    expect(after.evidence!.entities).toHaveLength(before.evidence!.entities.length);
    expect((await reason(crowd[11]!.sessionId)).evidence!.entities).toContain('actor:crowd_a99');
  });

  it("never lets another org's sessions change this org's index or scores", async () => {
    const key = { kind: 'api_key' as const, fingerprint: 'sk-tenant-...77AB' };
    const mine = sessionScript(
      {
        actor: { type: 'human', id: 'u_hana', email: 'hana@acme.test' },
        credential: key,
        resource: { name: 'web', type: 'ssh', environment: 'staging' },
      },
      Date.UTC(2026, 10, 22),
    );
    mine.events.push({
      ...nextEvent(mine),
      type: 'outbound',
      protocol: 'https',
      host: 'tenant.example.com',
    });
    await h.admin.ingest(mine.events);
    const other = await h.clientWith(['ingest', 'view_history'], 'globex');
    // The same key, another actor, the same host seen earlier, and the same session id.
    const theirs = sessionScript(
      {
        actor: { type: 'human', id: 'ext_9' },
        credential: key,
        resource: { name: 'web', type: 'ssh', environment: 'staging' },
      },
      Date.UTC(2026, 10, 1),
    );
    theirs.events.push({
      ...nextEvent(theirs),
      type: 'outbound',
      protocol: 'https',
      host: 'tenant.example.com',
    });
    await other.ingest(theirs.events);
    await other.ingest(mine.events.map((e) => ({ ...e, id: ids.eventId() })));
    const got = await scores(h, [mine.sessionId]);
    const codes = got[mine.sessionId]!.reasons.map((r) => r.code);
    expect(codes).toContain('new_outbound_host');
    expect(codes).not.toContain('shared_credential');
    expect((await h.admin.sessions.list({ entity: ['actor:ext_9'] })).data).toEqual([]);
    const theirShared = await other.sessions.list({ entity: ['credential:sk-tenant-...77AB'] });
    expect(theirShared.data.map((x) => x.org)).toEqual(['globex', 'globex']);
  });

  it('says on each significance page how many sessions wait to be rescored, 0 once the order is settled', async () => {
    const own = await startHarness(kind);
    try {
      // No scorer runs: what is queued stays queued.
      await own.server.scorer.stop();
      const { sessions } = history();
      for (const s of sessions) expect((await own.admin.ingest(s.events)).rejected).toEqual([]);
      // A batch's own sessions are scored as it is stored: the key owner's earlier session (the
      // key became shared) is the one that waits.
      const waiting = await own.admin.sessions.list({ sort: 'significance', limit: 3 });
      expect(waiting.extra.rescoring).toBe(1);
      const next = await own.admin.sessions.list({
        sort: 'significance',
        limit: 3,
        cursor: waiting.nextCursor!,
      });
      expect(next.extra.rescoring).toBe(1);
      // Newest first: no score in the cursor, nothing to say.
      expect('rescoring' in (await own.admin.sessions.list({ limit: 3 })).extra).toBe(false);
      const scorer = startScoring(own.store, own.server.scorer.config);
      try {
        await scorer.idle();
      } finally {
        await scorer.stop();
      }
      const settled = await own.admin.sessions.list({ sort: 'significance', limit: 3 });
      expect(settled.extra.rescoring).toBe(0);
      expect(settled.data[0]!.id).toBe(sessions.at(-1)!.sessionId);
    } finally {
      await own.close();
    }
  });

  it('says nothing of rescoring with scoring off (nothing drains the queue: a walk would never settle)', async () => {
    const off = await startHarness(kind, {
      significance: { ...DEFAULT_SIGNIFICANCE, enabled: false },
    });
    try {
      const { sessions } = history();
      for (const s of sessions) expect((await off.admin.ingest(s.events)).rejected).toEqual([]);
      // A revoke queues its session in the store, scoring on or off.
      const open = sessionScript({}, Date.UTC(2026, 10, 20));
      expect((await off.admin.ingest(open.events)).rejected).toEqual([]);
      await off.admin.sessions.revoke(open.sessionId, { reason: 'test' });
      expect((await off.store.queuedScores(10)).length).toBeGreaterThan(0);
      const page = await off.admin.sessions.list({ sort: 'significance', limit: 3 });
      expect(page.data).toHaveLength(3);
      expect('rescoring' in page.extra).toBe(false);
    } finally {
      await off.close();
    }
  });
});
