import { createIdGenerator, type EventInput, type Session } from '@auditlane/client';
import { rng } from '@auditlane/testing/random';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('reflects an event in the score within a second of its batch being acknowledged', async () => {
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
  });
});
