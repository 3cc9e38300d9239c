import type { EventInput, LlmCallEvent } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { createRecorder } from '../../recorder';
import { MemorySink } from '../../sinks/sink';
import { ABANDONED, type CallReader, recordCall } from './call';

// Any async iterable with the SDKs' stream shape (an `iterator`-less one included) is watched.
const reader: CallReader = {
  provider: 'anthropic',
  response: () => {},
  event: (value, state) => {
    state.model = 'claude-haiku-4-5';
    state.usage = { inputTokens: 10, outputTokens: Number(value) };
  },
};

function setup() {
  const sink = new MemorySink();
  const recorder = createRecorder({
    sink,
    policy: false,
    meta: {
      actor: { type: 'agent', id: 'bot' },
      resource: { name: 'llm', type: 'llm', environment: 'development' },
    },
  });
  const session = recorder.session();
  const calls = () =>
    sink.events.filter((e: EventInput): e is LlmCallEvent & EventInput => e.type === 'llm_call');
  return { recorder, session, calls };
}

function counted(total: number) {
  const state = { pulled: 0, closed: false };
  async function* events() {
    try {
      for (let i = 1; i <= total; i++) {
        state.pulled++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  const controller = new AbortController();
  const stream = { controller, [Symbol.asyncIterator]: () => events() };
  return { state, stream, controller };
}

describe('a watched stream', () => {
  it('pulls an event only when the caller asks for one, and closes the source on break', async () => {
    const { recorder, session, calls } = setup();
    const { state, stream } = counted(100);
    const result = (await recordCall(recorder, { session }, reader, { stream: true }, () =>
      Promise.resolve(stream),
    )) as typeof stream;
    expect(result).toBe(stream);
    let received = 0;
    for await (const value of result) {
      received++;
      expect(value).toBe(received);
      expect(state.pulled).toBe(received);
      await new Promise((r) => setTimeout(r, 5));
      expect(state.pulled).toBe(received);
      if (received === 3) break;
    }
    expect(state.closed).toBe(true);
    expect(calls()).toEqual([
      expect.objectContaining({ inputTokens: 10, outputTokens: 3, error: ABANDONED }),
    ]);
  });

  it('records once at the end, with the last counts', async () => {
    const { recorder, session, calls } = setup();
    const { stream } = counted(4);
    const result = (await recordCall(recorder, { session }, reader, { stream: true }, () =>
      Promise.resolve(stream),
    )) as typeof stream;
    const values: number[] = [];
    for await (const value of result) values.push(value as number);
    expect(values).toEqual([1, 2, 3, 4]);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ model: 'claude-haiku-4-5', outputTokens: 4 });
    expect(calls()[0]?.error).toBeUndefined();
  });

  it('records an aborted stream even when the caller reads no further', async () => {
    const { recorder, session, calls } = setup();
    const { stream, controller } = counted(10);
    const result = (await recordCall(recorder, { session }, reader, { stream: true }, () =>
      Promise.resolve(stream),
    )) as typeof stream;
    const iterator = result[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await new Promise((r) => setTimeout(r, 5));
    expect(calls()).toEqual([
      expect.objectContaining({ outputTokens: 1, error: expect.stringContaining('abort') }),
    ]);
  });
});
