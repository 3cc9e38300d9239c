import { type Event, parseAsciicast } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRecordings } from '../src/jobs/retention';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

const DAY = 86_400_000;

describe.each(STORE_KINDS)("%s store: a recording's opening header", (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h.close());

  it('is purged with the rest of the recording: the command line it holds goes too', async () => {
    const s = sessionScript(
      { resource: { name: 'web-1', type: 'ssh', environment: 'staging' } },
      Date.now() - 40 * DAY,
    );
    s.events.push({
      id: `${s.sessionId}-size`,
      sessionId: s.sessionId,
      seq: s.events.length,
      time: new Date(Date.now() - 40 * DAY).toISOString(),
      type: 'terminal',
      code: 'r',
      data: '100x30',
      offsetMs: 0,
      header: { term: { type: 'xterm-256color' }, command: 'mysql -u root -p********' },
    });
    s.output('mysql> ');
    s.end();
    await h.admin.ingest(s.events);
    const served = await (await h.admin.sessions.recording(s.sessionId)).text();
    expect(JSON.parse(served.split('\n')[0]!)).toMatchObject({
      term: { cols: 100, rows: 30, type: 'xterm-256color' },
      command: 'mysql -u root -p********',
    });

    await sweepRecordings(h.store, { productionDays: null, otherDays: 7 }, Date.now());
    const events = (await h.admin.sessions.events.list(s.sessionId)).data;
    const opening = events.find((e) => e.type === 'terminal' && e.code === 'r');
    expect(opening).toMatchObject({ data: '', purged: { reason: expect.any(String) } });
    expect(opening).not.toHaveProperty('header');
    expect(await h.admin.sessions.verify(s.sessionId)).toMatchObject({ ok: true });
  });

  it('leaves out the resizes that are no size, stored before the contract checked them, and serves the rest', async () => {
    const s = sessionScript({ resource: { name: 'web-2', type: 'ssh', environment: 'staging' } });
    const at = (seq: number, offsetMs: number, code: 'o' | 'r', data: string) => ({
      id: `${s.sessionId}-t${seq}`,
      sessionId: s.sessionId,
      seq: s.events.length + seq,
      time: new Date().toISOString(),
      type: 'terminal' as const,
      code,
      data,
      offsetMs,
    });
    await h.admin.ingest(s.events);
    // Stored as they are (the ingest route refuses them now): what an older server kept.
    const old = [
      at(0, 0, 'r', '100x30'),
      at(1, 500, 'o', 'a'),
      at(2, 600, 'r', '0x0'),
      at(3, 700, 'r', ' 80x24'),
      at(4, 800, 'r', '100000x24'),
      at(5, 900, 'r', '120x40'),
      at(6, 1000, 'o', 'b'),
    ] as Event[];
    await h.store.ingest('acme', old, {
      receivedAt: new Date().toISOString(),
      previewRows: 50,
      reconnectGraceMs: 1,
    });
    for (const version of [2, 3] as const) {
      const res = await h.admin.sessions.recording(s.sessionId, { version });
      const recording = parseAsciicast(await res.text());
      expect(recording.header.term).toMatchObject({ cols: 100, rows: 30 });
      expect(recording.events.map((e) => [e.time, e.code, e.data])).toEqual([
        [0.5, 'o', 'a'],
        [0.9, 'r', '120x40'],
        [1, 'o', 'b'],
      ]);
    }
  });
});
