import { describe, expect, expectTypeOf, it } from 'vitest';
import { eventSchema, type RecordingHeader, type TerminalEvent } from '../model/event';
import { createIdGenerator } from '../model/ids';
import { type RecordingHeaderFacts, recordingHeader } from './recording';

const ids = createIdGenerator();
const base = {
  id: ids.eventId(),
  sessionId: ids.sessionId(),
  seq: 1,
  time: '2026-11-25T06:19:34.623Z',
  type: 'terminal' as const,
  offsetMs: 0,
};
const header = {
  term: { type: 'xterm-256color' },
  timestamp: 1_795_000_000,
  command: 'bash -l',
  env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
};

describe('a recording header on terminal events', () => {
  it('rides on the opening r event and becomes the asciicast header, the server filling the rest', () => {
    const event = eventSchema.parse({ ...base, code: 'r', data: '100x30', header });
    expect(recordingHeader(event as TerminalEvent, { timestamp: 1, title: 'web-1' })).toEqual({
      header: {
        version: 3,
        term: { cols: 100, rows: 30, type: 'xterm-256color' },
        timestamp: 1_795_000_000,
        command: 'bash -l',
        title: 'web-1',
        env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
      },
      sizeEvent: true,
    });
  });

  it("takes every field of the data model's header", () => {
    expectTypeOf<RecordingHeader>().toEqualTypeOf<RecordingHeaderFacts>();
  });

  it('is 80×24 with the fallback facts when a recording does not open with its size', () => {
    expect(recordingHeader({ code: 'o', data: '$ ' }, { timestamp: 5 })).toEqual({
      header: { version: 3, term: { cols: 80, rows: 24 }, timestamp: 5 },
      sizeEvent: false,
    });
    expect(recordingHeader({ code: 'r', data: 'wide' }).sizeEvent).toBe(false);
  });

  it('is refused on other codes and beyond its bounds, naming the field', () => {
    const onOutput = eventSchema.safeParse({ ...base, code: 'o', data: 'x', header });
    expect(onOutput.success).toBe(false);
    expect(onOutput.error?.issues[0]).toMatchObject({ path: ['header'] });
    const env = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, 'x']));
    const tooMany = eventSchema.safeParse({ ...base, code: 'r', data: '1x1', header: { env } });
    expect(tooMany.error?.issues[0]).toMatchObject({ path: ['header', 'env'] });
  });
});
