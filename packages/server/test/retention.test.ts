import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepRecordings } from '../src/jobs/retention';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

const DAY = 86_400_000;

describe.each(STORE_KINDS)('%s store: retention', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h.close());

  function recorded(environment: string, daysAgo: number, text: string) {
    const s = sessionScript(
      { resource: { name: 'web-1', type: 'ssh', environment } },
      Date.now() - daysAgo * DAY,
    );
    s.command(`echo ${text}`);
    s.output(`${text} printed\r\n`);
    s.output('more output\r\n');
    s.end();
    return s;
  }

  it("purges recordings past their environment's retention, keeps the audit trail, and the chain still verifies", async () => {
    const oldProd = recorded('production', 40, 'prodforty');
    const oldStaging = recorded('staging', 40, 'stagingforty');
    const newStaging = recorded('staging', 2, 'stagingtwo');
    await h.admin.ingest([...oldProd.events, ...oldStaging.events, ...newStaging.events]);
    expect((await h.admin.sessions.get(oldStaging.sessionId)).recorded).toBe(true);
    expect((await h.admin.sessions.list({ q: 'stagingforty printed' })).data).toHaveLength(1);

    const report = await sweepRecordings(h.store, { productionDays: 60, otherDays: 7 }, Date.now());
    expect(report).toEqual({ sessions: 1, events: 2 });

    // The purged session: no recording, no searchable output, the commands and the chain intact.
    const purged = await h.admin.sessions.get(oldStaging.sessionId);
    expect(purged.recorded).toBe(false);
    await expect(h.admin.sessions.recording(oldStaging.sessionId)).rejects.toThrow(
      /was purged: retention: non-production recordings are kept 7 days/,
    );
    expect((await h.admin.sessions.list({ q: 'stagingforty printed' })).data).toHaveLength(0);
    expect((await h.admin.sessions.list({ q: 'echo stagingforty' })).data.map((s) => s.id)).toEqual(
      [oldStaging.sessionId],
    );
    const events = (await h.admin.sessions.events.list(oldStaging.sessionId)).data;
    const terminal = events.filter((e) => e.type === 'terminal');
    expect(terminal).toHaveLength(2);
    for (const e of terminal) {
      expect(e).toMatchObject({
        data: '',
        purged: { reason: expect.stringMatching(/kept 7 days/) },
      });
    }
    expect(events.find((e) => e.type === 'command')).toMatchObject({ text: 'echo stagingforty' });
    expect(await h.admin.sessions.verify(oldStaging.sessionId)).toMatchObject({
      ok: true,
      events: 5,
    });

    // Production keeps 60 days; the new staging session is inside its 7.
    expect(await (await h.admin.sessions.recording(oldProd.sessionId)).text()).toContain(
      'prodforty printed',
    );
    expect(await (await h.admin.sessions.recording(newStaging.sessionId)).text()).toContain(
      'stagingtwo printed',
    );

    // A second sweep finds nothing left to do.
    expect(
      await sweepRecordings(h.store, { productionDays: 60, otherDays: 7 }, Date.now()),
    ).toEqual({ sessions: 0, events: 0 });
    // Editing a purged event's stored digest is still caught.
    await h.tamper(oldStaging.sessionId, 2, '"digest":"', '"digest":"0', 'purged');
    expect((await h.admin.sessions.verify(oldStaging.sessionId)).broken).toMatchObject({ seq: 2 });
  });
});
