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
});
