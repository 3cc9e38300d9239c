import { describe, expect, it } from 'vitest';
import { ACTION_TYPES, joinVerdicts, pairToolResults } from './actions';
import type { StoredEvent } from './event';
import { EVENT_TYPES } from './helpers';

const sessionId = 'ses_01KB0000000000000000000000';
let n = 0;
function stored<T extends Record<string, unknown>>(seq: number, fields: T) {
  n++;
  return {
    id: `evt_${String(n).padStart(26, '0')}`,
    sessionId,
    seq,
    time: new Date(Date.UTC(2026, 10, 25, 6, 0, seq)).toISOString(),
    actor: { type: 'human', id: 'usr_alice' },
    receivedAt: '2026-11-25T06:10:00.000Z',
    hash: '0'.repeat(64),
    ...fields,
  } as unknown as StoredEvent;
}
const command = (seq: number, text: string) => stored(seq, { type: 'command', text });
const verdict = (seq: number, subjectId: string | undefined, v: string, extra = {}) =>
  stored(seq, { type: 'policy', subjectId, verdict: v, ...extra });
const masking = (seq: number, subjectId: string, fields: string[], count: number) =>
  stored(seq, { type: 'masking', subjectId, fields, count });

describe('joinVerdicts', () => {
  it('joins a verdict recorded before its action and one decided after it', () => {
    const drop = command(2, 'psql -c "DROP TABLE x"');
    const pending = verdict(1, drop.id, 'pending', { reviewId: 'rev_1' });
    const approved = verdict(3, drop.id, 'approved', { reviewId: 'rev_1' });
    const joined = joinVerdicts([pending, drop, approved]);
    expect(joined).toHaveLength(1);
    expect(joined[0]).toEqual({
      id: drop.id,
      action: drop,
      event: drop,
      verdicts: [pending, approved],
      verdict: 'approved',
      maskings: [],
    });
  });

  it('takes the last verdict by seq, whatever order they are listed in', () => {
    const ls = command(1, 'ls');
    const pending = verdict(2, ls.id, 'pending');
    const rejected = verdict(5, ls.id, 'rejected');
    const [entry] = joinVerdicts([rejected, ls, pending]);
    expect(entry?.verdicts.map((v) => v.seq)).toEqual([2, 5]);
    expect(entry?.verdict).toBe('rejected');
  });

  it('counts an event listed twice once (a page and the live stream overlap)', () => {
    const ls = command(1, 'ls');
    const passed = verdict(2, ls.id, 'passed');
    const mask = masking(3, ls.id, ['email'], 2);
    const joined = joinVerdicts([ls, passed, mask, ls, passed, mask]);
    expect(joined).toHaveLength(1);
    expect(joined[0]?.verdicts).toEqual([passed]);
    expect(joined[0]?.maskings).toEqual([mask]);
  });

  it('makes one entry of the verdicts on an action never recorded, where its first verdict is', () => {
    const ls = command(1, 'ls');
    const missing = 'evt_01KB0000000000000000000999';
    const pending = verdict(2, missing, 'pending', { reason: 'production' });
    const rejected = verdict(4, missing, 'rejected');
    const after = command(3, 'pwd');
    const joined = joinVerdicts([ls, pending, after, rejected]);
    expect(joined.map((j) => j.id)).toEqual([ls.id, missing, after.id]);
    expect(joined[1]).toEqual({
      id: missing,
      action: null,
      event: pending,
      verdicts: [pending, rejected],
      verdict: 'rejected',
      maskings: [],
    });
  });

  it('makes a verdict on the session (no subject) an entry of its own each', () => {
    const a = verdict(1, undefined, 'blocked', { reason: 'recording required' });
    const b = verdict(2, undefined, 'blocked');
    const joined = joinVerdicts([a, b]);
    expect(joined.map((j) => [j.id, j.verdict, j.action])).toEqual([
      [a.id, 'blocked', null],
      [b.id, 'blocked', null],
    ]);
  });

  it('an action without verdicts has verdict null; maskings join it in seq order', () => {
    const q = stored(1, { type: 'query', sql: 'SELECT 1' });
    const m2 = masking(3, q.id, ['card'], 1);
    const m1 = masking(2, q.id, ['email'], 4);
    const [entry] = joinVerdicts([q, m2, m1]);
    expect(entry?.verdict).toBeNull();
    expect(entry?.maskings).toEqual([m1, m2]);
  });

  it('takes only the action types asked for; a verdict on another event is then its own entry', () => {
    const ls = command(1, 'ls');
    const llm = stored(2, { type: 'llm_call', model: 'm' });
    const onLlm = verdict(3, llm.id, 'blocked');
    const terminal = stored(4, { type: 'terminal', code: 'o', data: 'x', offsetMs: 1 });
    const all = joinVerdicts([ls, llm, onLlm, terminal]);
    expect(all.map((j) => j.id)).toEqual([ls.id, llm.id]);
    expect(all[1]?.verdict).toBe('blocked');
    const some = joinVerdicts([ls, llm, onLlm, terminal], { actionTypes: ['command'] });
    expect(some.map((j) => [j.id, j.action?.type ?? null])).toEqual([
      [ls.id, 'command'],
      [llm.id, null],
    ]);
  });

  it("joins a tool call's result to its call with results, in any order; a result alone stays", () => {
    const call = stored(1, {
      type: 'tool_call',
      tool: 'Bash',
      callId: 't1',
      input: { command: 'ls' },
    });
    const onCall = verdict(2, call.id, 'passed');
    const result = stored(3, { type: 'tool_call', tool: 'Bash', callId: 't1', output: 'a' });
    const masked = masking(4, result.id, ['stdout'], 2);
    const alone = stored(5, { type: 'tool_call', tool: 'Bash', callId: 't2', output: 'b' });
    for (const order of [
      [call, onCall, result, masked, alone],
      [alone, masked, result, onCall, call],
    ]) {
      const joined = joinVerdicts(order, { results: true });
      expect(joined.map((j) => [j.id, j.result?.id ?? null])).toEqual(
        order[0] === call
          ? [
              [call.id, result.id],
              [alone.id, null],
            ]
          : [
              [alone.id, null],
              [call.id, result.id],
            ],
      );
      const entry = joined.find((j) => j.id === call.id)!;
      expect(entry.verdicts).toEqual([onCall]);
      expect(entry.maskings).toEqual([masked]);
    }
    expect(joinVerdicts([call, result]).map((j) => [j.id, 'result' in j])).toEqual([
      [call.id, false],
      [result.id, false],
    ]);
  });

  it('pairs a result only with an attempt: two complete calls under one callId stay two', () => {
    const first = stored(1, {
      type: 'tool_call',
      tool: 'WebFetch',
      callId: 'retry',
      input: { url: 'https://pay.test/charge?amount=1' },
      error: 'timeout',
    });
    const second = stored(2, {
      type: 'tool_call',
      tool: 'WebFetch',
      callId: 'retry',
      input: { url: 'https://pay.test/charge?amount=1000' },
      output: 'ok',
    });
    expect(
      joinVerdicts([first, second], { results: true }).map((j) => [j.id, j.result?.id ?? null]),
    ).toEqual([
      [first.id, null],
      [second.id, null],
    ]);
  });

  it('pairs each result with the nearest earlier unpaired attempt, whatever order the events are listed in', () => {
    const attempt = (seq: number) =>
      stored(seq, { type: 'tool_call', tool: 'Bash', callId: 'c', input: { n: seq } });
    const result = (seq: number) =>
      stored(seq, { type: 'tool_call', tool: 'Bash', callId: 'c', output: seq });
    // a1 a2 r3 r4 r5 a6: r3 ↔ a2 (nearest), r4 ↔ a1, r5 alone, a6 alone.
    const [a1, a2, r3, r4, r5, a6] = [
      attempt(1),
      attempt(2),
      result(3),
      result(4),
      result(5),
      attempt(6),
    ] as const;
    const expected = new Map([
      [r3.id, a2.id],
      [r4.id, a1.id],
    ]);
    const all = [a1, a2, r3, r4, r5, a6];
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      const order = [...all];
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      expect(pairToolResults(order)).toEqual(expected);
      const joined = joinVerdicts(order, { results: true });
      expect(new Map(joined.map((j) => [j.id, j.result?.id ?? null]))).toEqual(
        new Map([
          [a1.id, r4.id],
          [a2.id, r3.id],
          [r5.id, null],
          [a6.id, null],
        ]),
      );
    }
    // Three under one callId, in order or backwards: (1, 2) and 3 alone.
    const [x1, x2, x3] = [attempt(11), result(12), result(13)] as const;
    for (const order of [
      [x1, x2, x3],
      [x3, x2, x1],
    ])
      expect(pairToolResults(order)).toEqual(new Map([[x2.id, x1.id]]));
  });

  it('takes every event type but terminal, policy and masking as an action', () => {
    expect([...ACTION_TYPES].sort()).toEqual(
      EVENT_TYPES.filter((t) => !['terminal', 'policy', 'masking'].includes(t)).sort(),
    );
    expect(joinVerdicts([])).toEqual([]);
  });
});
