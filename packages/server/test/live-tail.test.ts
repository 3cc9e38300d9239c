import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, STORE_KINDS, sessionScript, startHarness } from './helpers';

/** A session of a start (seq 0), ten commands (seq 1–10) and an end (seq 11), not sent yet. */
function tenCommands() {
  const s = sessionScript();
  for (let i = 1; i <= 10; i++) s.command(`echo ${i}`);
  s.end();
  return s;
}

describe.each(STORE_KINDS)('%s store: live tail', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { pollMs: 100 });
  });
  afterAll(() => h.close());

  const seqs = (s: ReturnType<typeof sessionScript>, ...wanted: number[]) =>
    wanted.map((n) => s.events[n]!);

  /**
   * Opens the stream over plain HTTP and reads messages until `count` events or `end` came;
   * then drops the connection. Returns the seqs (from the message ids) and whether it ended.
   */
  async function read(
    sessionId: string,
    count: number,
    resume: { after?: number; lastEventId?: string } = {},
  ): Promise<{ seqs: number[]; ended: boolean }> {
    const url = new URL(`${h.server.url}/v1/sessions/${sessionId}/events/stream`);
    if (resume.after !== undefined) url.searchParams.set('after', String(resume.after));
    const controller = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${h.adminToken}` };
    if (resume.lastEventId !== undefined) headers['last-event-id'] = resume.lastEventId;
    const res = await fetch(url, {
      headers,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5_000)]),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const out: number[] = [];
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { seqs: out, ended: false };
        buffer += value;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const message = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf('\n\n');
          if (/^event: end$/m.test(message)) return { seqs: out, ended: true };
          const id = /^id: (\d+)$/m.exec(message);
          if (!id) continue;
          const data = JSON.parse(/^data: (.*)$/m.exec(message)![1]!) as { seq: number };
          expect(data.seq).toBe(Number(id[1]));
          out.push(data.seq);
          if (out.length === count) return { seqs: out, ended: false };
        }
      }
    } finally {
      controller.abort();
    }
  }

  it('delivers events ingested with lower seqs after higher ones, once each, to an open tail', async () => {
    const s = tenCommands();
    await h.admin.ingest(seqs(s, 0));
    const seen: number[] = [];
    const done = (async () => {
      for await (const e of h.admin.sessions.events.stream(s.sessionId)) seen.push(e.seq);
    })();
    await expect.poll(() => seen.length).toBe(1);
    await h.admin.ingest(seqs(s, 6, 7, 8, 9, 10));
    await expect.poll(() => seen.length).toBe(6);
    await h.admin.ingest(seqs(s, 1, 2, 3, 4, 5));
    await expect.poll(() => seen.length).toBe(11);
    await h.admin.ingest(seqs(s, 11));
    await done;
    expect(seen).toEqual([0, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 11]);
  });

  it('resumes with after=10 (the last seq received) and delivers the lower seqs that came later', async () => {
    const s = tenCommands();
    await h.admin.ingest(seqs(s, 0, 6, 7, 8, 9, 10));
    expect(await read(s.sessionId, 6)).toEqual({ seqs: [0, 6, 7, 8, 9, 10], ended: false });
    await h.admin.ingest(seqs(s, 1, 2, 3, 4, 5));
    await h.admin.ingest(seqs(s, 11));
    expect(await read(s.sessionId, 100, { after: 10 })).toEqual({
      seqs: [1, 2, 3, 4, 5, 11],
      ended: true,
    });
    // From the middle of the late ones, by Last-Event-ID (it wins over after), and from the start.
    expect(await read(s.sessionId, 100, { after: 0, lastEventId: '3' })).toEqual({
      seqs: [4, 5, 11],
      ended: true,
    });
    expect((await read(s.sessionId, 100, { after: -1 })).seqs).toEqual([
      0, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 11,
    ]);
  });

  it('loses nothing and repeats nothing across dropped connections while batches arrive in any order', async () => {
    const s = tenCommands();
    await h.admin.ingest(seqs(s, 0));
    const batches = [[5, 2], [9], [1, 10, 3], [8, 4], [7, 6], [11]];
    const seen: number[] = [];
    let last: number | undefined;
    let ended = false;
    for (const batch of batches) {
      await h.admin.ingest(seqs(s, ...batch));
      // Read a little, then drop the connection and come back with Last-Event-ID.
      const part = await read(
        s.sessionId,
        2,
        last === undefined ? {} : { lastEventId: String(last) },
      );
      seen.push(...part.seqs);
      last = seen.at(-1);
      ended = part.ended;
    }
    while (!ended) {
      const part = await read(s.sessionId, 2, { lastEventId: String(last) });
      seen.push(...part.seqs);
      last = seen.at(-1);
      ended = part.ended;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    // The order the server stored them: each batch in seq order, batches as they came.
    expect(seen).toEqual([0, 2, 5, 9, 1, 3, 10, 4, 8, 6, 7, 11]);
  });

  it('follows an interleaved session with the client, which keeps late events of a lower seq', async () => {
    const s = tenCommands();
    const seen: number[] = [];
    await h.admin.ingest(seqs(s, 0, 2));
    const stream = h.admin.sessions.events.stream(s.sessionId, { after: 0 });
    const done = (async () => {
      for await (const e of stream) seen.push(e.seq);
    })();
    await expect.poll(() => seen).toEqual([2]);
    await h.admin.ingest(seqs(s, 1, 4, 3));
    await expect.poll(() => seen).toEqual([2, 1, 3, 4]);
    expect(stream.lastEventSeq).toBe(4);
    await h.admin.ingest(seqs(s, 10, 5, 6, 7, 8, 9, 11));
    await done;
    expect(seen).toEqual([2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('pages events in stored order for a poller: the cursor of an open session misses no late event', async () => {
    const s = tenCommands();
    await h.admin.ingest(seqs(s, 0, 6, 7, 8, 9, 10));
    const first = await h.admin.sessions.events.list(s.sessionId, { sort: 'stored' });
    expect(first.data.map((e) => e.seq)).toEqual([0, 6, 7, 8, 9, 10]);
    expect(first.nextCursor).toBe('10');
    await h.admin.ingest(seqs(s, 1, 2, 3, 4, 5));
    const next = await h.admin.sessions.events.list(s.sessionId, {
      sort: 'stored',
      after: Number(first.nextCursor),
      limit: 3,
    });
    expect(next.data.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(next.nextCursor).toBe('3');
    const commands = await h.admin.sessions.events.list(s.sessionId, {
      sort: 'stored',
      after: 3,
      type: ['command'],
    });
    expect(commands.data.map((e) => e.seq)).toEqual([4, 5]);
    // Every page of both orders, walked by the client: the same events, each once.
    const walk = async (sort: 'seq' | 'stored') => {
      const out: number[] = [];
      for await (const e of h.admin.sessions.events.list(s.sessionId, { sort, limit: 4 }))
        out.push(e.seq);
      return out;
    };
    expect(await walk('stored')).toEqual([0, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5]);
    expect(await walk('seq')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The default stays seq order, with after as a bound on seqs.
    const bySeq = await h.admin.sessions.events.list(s.sessionId, { after: 7 });
    expect(bySeq.data.map((e) => e.seq)).toEqual([8, 9, 10]);
    const unknown = await fetch(
      `${h.server.url}/v1/sessions/${s.sessionId}/events?sort=stored&after=11`,
      { headers: { authorization: `Bearer ${h.adminToken}` } },
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^after: session .* has no event with seq 11/),
    });
  });

  it('answers 400 naming the parameter for a seq the session has no event with', async () => {
    const s = tenCommands();
    await h.admin.ingest(seqs(s, 0, 1));
    const url = `${h.server.url}/v1/sessions/${s.sessionId}/events/stream`;
    const auth = { authorization: `Bearer ${h.adminToken}` };
    const byQuery = await fetch(`${url}?after=7`, { headers: auth });
    expect(byQuery.status).toBe(400);
    expect(await byQuery.json()).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^after: session .* has no event with seq 7/),
    });
    const byHeader = await fetch(url, { headers: { ...auth, 'last-event-id': '9' } });
    expect(byHeader.status).toBe(400);
    expect((await byHeader.json()).message).toMatch(/^Last-Event-ID: .* no event with seq 9/);
  });
});
