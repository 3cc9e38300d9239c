import type { ActivityEntry, ActivityParams, AuditlaneClient } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { createActivityWindow } from './activity-window';

interface FakePage {
  data: ActivityEntry[];
  nextCursor: string | null;
  prevCursor?: string | null;
  hasBefore?: boolean;
  hasAfter?: boolean;
  anchorSeq?: number | null;
}

function entry(seq: number, patch: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    id: `e${seq}`,
    type: 'command',
    seq,
    lastSeq: seq,
    time: new Date(seq * 1000).toISOString(),
    lastTime: new Date(seq * 1000).toISOString(),
    count: 1,
    shape: null,
    event: { id: `e${seq}`, seq, type: 'command', text: `echo ${seq}` },
    verdicts: [],
    verdict: null,
    masked: { count: 0, fields: [] },
    failed: false,
    marks: { blocked: 0, pending: 0, rejected: 0, masked: 0, failed: 0 },
    ...patch,
  } as ActivityEntry;
}

/** A client whose activity pages come from `answer` (a page, or a promise of one). */
function fakeClient(answer: (params: ActivityParams) => FakePage | Promise<FakePage>) {
  const calls: ActivityParams[] = [];
  const client = {
    sessions: {
      async activity(_id: string, params: ActivityParams) {
        calls.push(params);
        const page = await answer(params);
        return {
          data: page.data,
          nextCursor: page.nextCursor,
          extra: {
            prevCursor: page.prevCursor ?? null,
            hasBefore: page.hasBefore ?? false,
            hasAfter: page.hasAfter ?? false,
            anchorSeq: page.anchorSeq ?? null,
            total: null,
          },
        };
      },
    },
  } as unknown as AuditlaneClient;
  return { client, calls };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const seqs = (items: readonly ActivityEntry[]) => items.map((i) => i.seq);

describe('createActivityWindow', () => {
  it('refreshes a pending group in place: the group stays one item, its verdict updated', async () => {
    const pending = { verdict: 'pending' as const, shape: 'INSERT INTO t VALUES (…)' };
    let approved = false;
    const { client } = fakeClient((params) => {
      const verdict = approved ? ('approved' as const) : ('pending' as const);
      const grouped = params.group !== 'none';
      return {
        data: [
          entry(1, {
            ...pending,
            id: 'g',
            verdict,
            lastSeq: grouped ? 120 : 1,
            count: grouped ? 120 : 1,
            marks: { blocked: 0, pending: approved ? 0 : 1, rejected: 0, masked: 0, failed: 0 },
          }),
        ],
        nextCursor: null,
      };
    });
    const win = createActivityWindow({ client, sessionId: 's' });
    await expect.poll(() => win.getSnapshot().status).toBe('success');
    expect(win.getSnapshot().items[0]?.count).toBe(120);
    approved = true;
    await win.refresh();
    const item = win.getSnapshot().items[0];
    expect(item?.verdict).toBe('approved');
    expect(item?.count).toBe(120);
    expect(item?.lastSeq).toBe(120);
    expect(item?.marks.pending).toBe(0);
    win.dispose();
  });

  it('adds no page of the old position to a window a seek is opening', async () => {
    const seekPage = deferred<FakePage>();
    const afterPage = deferred<FakePage>();
    const { client } = fakeClient((params) => {
      if (params.aroundSeq) return seekPage.promise;
      if (params.after === 'a') return afterPage.promise;
      return { data: [entry(1), entry(2)], nextCursor: 'a', hasAfter: true };
    });
    const win = createActivityWindow({ client, sessionId: 's' });
    await expect.poll(() => win.getSnapshot().status).toBe('success');
    const seeking = win.seek({ seq: 50 });
    const loading = win.loadAfter();
    seekPage.resolve({
      data: [entry(50), entry(51)],
      nextCursor: 'b',
      prevCursor: 'p',
      hasBefore: true,
      hasAfter: true,
      anchorSeq: 50,
    });
    await seeking;
    afterPage.resolve({ data: [entry(3), entry(4)], nextCursor: 'c', hasAfter: true });
    await loading;
    await new Promise((r) => setTimeout(r, 10));
    expect(seqs(win.getSnapshot().items)).toEqual([50, 51]);
    win.dispose();
  });

  it('drops a page asked for after a window that a seek replaced meanwhile', async () => {
    const afterPage = deferred<FakePage>();
    const { client } = fakeClient((params) => {
      if (params.aroundSeq)
        return { data: [entry(50)], nextCursor: 'b', hasAfter: true, anchorSeq: 50 };
      if (params.after === 'a') return afterPage.promise;
      return { data: [entry(1), entry(2)], nextCursor: 'a', hasAfter: true };
    });
    const win = createActivityWindow({ client, sessionId: 's' });
    await expect.poll(() => win.getSnapshot().status).toBe('success');
    const loading = win.loadAfter();
    await win.seek({ seq: 50 });
    afterPage.resolve({ data: [entry(3)], nextCursor: 'c', hasAfter: true });
    await loading;
    expect(seqs(win.getSnapshot().items)).toEqual([50]);
    expect(win.getSnapshot().loadingAfter).toBe(false);
    win.dispose();
  });

  it('keeps polling a live session after a failed poll, and shows the error meanwhile', async () => {
    let polls = 0;
    const { client } = fakeClient((params) => {
      if (params.after !== 'end') return { data: [entry(1)], nextCursor: 'end' };
      polls++;
      if (polls === 1) throw new Error('network down');
      return { data: polls === 2 ? [entry(2)] : [], nextCursor: 'end' };
    });
    const win = createActivityWindow({ client, sessionId: 's', live: true, pollMs: 20 });
    await expect.poll(() => win.getSnapshot().error?.message).toBe('network down');
    expect(win.getSnapshot().live).toBe(true);
    await expect.poll(() => seqs(win.getSnapshot().items)).toEqual([1, 2]);
    expect(win.getSnapshot().status).toBe('success');
    win.dispose();
  });

  it("clears a failed poll's error when the next one brings the end, and says the session ended", async () => {
    let polls = 0;
    const { client } = fakeClient((params) => {
      if (params.after !== 'end') return { data: [entry(1)], nextCursor: 'end' };
      polls++;
      if (polls === 1) throw new Error('bad gateway');
      // The session's last entry, and no cursor: it has ended.
      return { data: [entry(2)], nextCursor: null };
    });
    const win = createActivityWindow({ client, sessionId: 's', live: true, pollMs: 20 });
    await expect.poll(() => win.getSnapshot().error?.message).toBe('bad gateway');
    expect(win.getSnapshot().ended).toBe(false);
    await expect.poll(() => win.getSnapshot().ended).toBe(true);
    expect(seqs(win.getSnapshot().items)).toEqual([1, 2]);
    expect(win.getSnapshot().status).toBe('success');
    expect(win.getSnapshot().error).toBeNull();
    expect(win.getSnapshot().live).toBe(false);
    win.dispose();
  });

  it('starts and stops polling with setLive, keeping its items', async () => {
    let last = 1;
    const { client, calls } = fakeClient((params) => {
      if (params.after !== 'end') return { data: [entry(1)], nextCursor: 'end' };
      last++;
      return { data: [entry(last)], nextCursor: 'end' };
    });
    const win = createActivityWindow({ client, sessionId: 's', pollMs: 20 });
    await expect.poll(() => win.getSnapshot().status).toBe('success');
    expect(win.getSnapshot().live).toBe(false);
    win.setLive(true);
    expect(win.getSnapshot().live).toBe(true);
    await expect.poll(() => win.getSnapshot().items.length).toBeGreaterThan(1);
    win.setLive(false);
    expect(win.getSnapshot().live).toBe(false);
    const asked = calls.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(calls.length).toBe(asked);
    expect(seqs(win.getSnapshot().items)[0]).toBe(1);
    win.dispose();
  });

  it.each([
    [0, 0],
    [-1, -5],
    [Number.NaN, Number.NaN],
  ])(
    'takes a pollMs of %s and a pageSize of %s as the default: pages of 100, no request loop',
    async (pollMs, pageSize) => {
      const { client, calls } = fakeClient((params) =>
        params.after === 'end'
          ? { data: [], nextCursor: 'end' }
          : { data: [entry(1)], nextCursor: 'end' },
      );
      const win = createActivityWindow({
        client,
        sessionId: 's',
        live: true,
        pollMs,
        pageSize,
      });
      await expect.poll(() => win.getSnapshot().live).toBe(true);
      expect(calls[0]?.limit).toBe(100);
      await new Promise((r) => setTimeout(r, 300));
      // The first page, and no poll before the default second.
      expect(calls.length).toBe(1);
      win.dispose();
    },
  );
});
