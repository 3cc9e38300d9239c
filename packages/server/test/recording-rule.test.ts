import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

// Production sessions must be recorded (the recording rules of @auditlane/client): a production
// terminal session that arrives without its recording is flagged with the reason, on both stores.

const prodShell = { name: 'web-1', type: 'ssh' as const, environment: 'production' };
const stagingShell = { name: 'web-1', type: 'ssh' as const, environment: 'staging' };

describe.each(STORE_KINDS)('%s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h.close());

  async function unrecorded(sessionId: string) {
    const session = await h.admin.sessions.get(sessionId);
    return session.significance!.reasons.find((r) => r.code === 'unrecorded');
  }

  it('flags a production terminal session that starts with recorded: false, with the reason', async () => {
    const s = sessionScript({ resource: prodShell, recorded: false });
    s.command('systemctl restart api');
    s.end();
    await h.admin.ingest(s.events);
    const flag = await unrecorded(s.sessionId);
    expect(flag).toMatchObject({
      message: expect.stringMatching(/started without its recording.*production-recorded/),
    });
    expect(flag!.weight).toBeGreaterThan(0);
    // The flag ranks it: it is among the sessions that deserve a look.
    const flagged = await h.admin.sessions.list({ minSignificance: 40 });
    expect(flagged.data.map((x) => x.id)).toContain(s.sessionId);
  });

  it('flags a production terminal session that says it is recorded but ends with no terminal events', async () => {
    const s = sessionScript({ resource: prodShell, recorded: true });
    // Open: nothing to say yet (its terminal events may still come).
    await h.admin.ingest(s.events.splice(0));
    expect(await unrecorded(s.sessionId)).toBeUndefined();
    s.end('exit');
    await h.admin.ingest(s.events);
    expect((await unrecorded(s.sessionId))?.message).toMatch(
      /ended without any terminal events.*required/,
    );
  });

  it('does not flag a production terminal session whose recording arrived, a staging one, or a database session', async () => {
    const recorded = sessionScript({ resource: prodShell, recorded: true });
    recorded.output('$ uptime\r\n 10:00 up 3 days\r\n').end();
    // Its recording arrived though the start did not say so.
    const late = sessionScript({ resource: prodShell });
    late.output('$ ls\r\n').end();
    const staging = sessionScript({ resource: stagingShell, recorded: false });
    staging.command('ls');
    staging.end();
    // A production database session is recorded as its queries: no terminal to keep.
    const database = sessionScript();
    database.query('SELECT 1');
    database.end();
    for (const s of [recorded, late, staging, database]) {
      await h.admin.ingest(s.events);
      expect(await unrecorded(s.sessionId), s.sessionId).toBeUndefined();
    }
    const session = await h.admin.sessions.get(recorded.sessionId);
    expect(session.recorded).toBe(true);
    expect(session.counters.terminalEvents).toBe(1);
  });
});
