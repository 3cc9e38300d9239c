import type { EventInput } from '@auditlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

/** A query event of the script's session with `n` rows of `tag`, past the preview of 50. */
function bigQuery(
  s: ReturnType<typeof sessionScript>,
  tag: string,
  fields: { resultRef?: string; n?: number; id?: string } = {},
): EventInput {
  const e = s.query(`SELECT '${tag}' FROM t`) as EventInput & { type: 'query' };
  if (fields.id) e.id = fields.id;
  e.columns = [{ name: 'tag' }, { name: 'i' }];
  e.rows = Array.from({ length: fields.n ?? 60 }, (_, i) => [tag, i]);
  e.rowCount = e.rows.length;
  if (fields.resultRef !== undefined) e.resultRef = fields.resultRef;
  return e;
}

describe.each(STORE_KINDS)('%s store: result refs', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
  });
  afterAll(() => h.close());

  async function download(sessionId: string, ref: string): Promise<string[]> {
    const file = await h.admin.downloads.result(sessionId, ref, { format: 'csv' });
    return (await file.text()).trimEnd().split('\r\n');
  }

  it('rejects a second query claiming a resultRef in one batch, naming the field, and keeps the rest', async () => {
    const s = sessionScript();
    bigQuery(s, 'first', { resultRef: 'r1' });
    bigQuery(s, 'second', { resultRef: 'r1' });
    const after = s.command('echo still here');
    const answer = await h.admin.ingest(s.events);
    expect(answer.accepted).toBe(3);
    expect(answer.rejected).toEqual([
      {
        index: 2,
        id: s.events[2]!.id,
        code: 'conflict',
        message: expect.stringMatching(/^events\[2\]: resultRef "r1" is already used/),
      },
    ]);
    const lines = await download(s.sessionId, 'r1');
    expect(lines).toHaveLength(61);
    expect(lines[1]).toBe('first,0');
    const stored = (await h.admin.sessions.events.list(s.sessionId)).data.map((e) => e.id);
    expect(stored).toEqual([s.events[0]!.id, s.events[1]!.id, after.id]);
    expect((await h.admin.sessions.verify(s.sessionId)).ok).toBe(true);
    // The rejected query can come again under its own ref: nothing of it was kept.
    const again = { ...s.events[2]!, resultRef: 'r2' };
    expect((await h.admin.ingest([again])).accepted).toBe(1);
    expect((await download(s.sessionId, 'r2'))[1]).toBe('second,0');
    expect((await download(s.sessionId, 'r1'))[1]).toBe('first,0');
  });

  it('rejects a clash with a ref stored by an earlier batch, also with an id standing in for it', async () => {
    const s = sessionScript();
    const first = bigQuery(s, 'first');
    await h.admin.ingest(s.events);
    const later = sessionScript();
    const small = `${s.sessionId}.small`;
    // Same session, later seqs: a query naming the first one's ref (its event id), then a
    // query whose own id is a ref claimed before.
    const clash = { ...bigQuery(later, 'clash', { resultRef: first.id }), sessionId: s.sessionId };
    clash.seq = 2;
    const claimed = {
      ...bigQuery(later, 'claims', { n: 3, resultRef: small }),
      sessionId: s.sessionId,
    };
    claimed.seq = 3;
    const byId = { ...bigQuery(later, 'by-id', { id: small }), sessionId: s.sessionId };
    byId.seq = 4;
    const answer = await h.admin.ingest([clash, claimed, byId]);
    expect(answer.accepted).toBe(1);
    expect(answer.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'conflict'],
      [2, 'conflict'],
    ]);
    expect(answer.rejected[0]!.message).toMatch(/resultRef ".*" is already used by another query/);
    expect(answer.rejected[1]!.message).toMatch(/the event id stands in for a missing resultRef/);
    const lines = await download(s.sessionId, first.id);
    expect(lines[1]).toBe('first,0');
    // A ref whose query carried its whole result is taken, and has nothing to download.
    await expect(h.admin.downloads.result(s.sessionId, small)).rejects.toThrow(/no result/);
    const events = (await h.admin.sessions.events.list(s.sessionId, { type: ['query'] })).data;
    expect(events.map((e) => e.type === 'query' && e.resultRef)).toEqual([first.id, small]);
  });

  it('lets two sessions use the same ref', async () => {
    const a = sessionScript();
    bigQuery(a, 'a', { resultRef: 'shared' });
    const b = sessionScript();
    bigQuery(b, 'b', { resultRef: 'shared' });
    expect((await h.admin.ingest([...a.events, ...b.events])).accepted).toBe(4);
    expect((await download(a.sessionId, 'shared'))[1]).toBe('a,0');
    expect((await download(b.sessionId, 'shared'))[1]).toBe('b,0');
  });
});
