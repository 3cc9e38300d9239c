import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { eventIdSchema, reviewIdSchema, sessionIdSchema } from './common';
import { createIdGenerator } from './ids';

describe('createIdGenerator', () => {
  it('makes ids that match their schemas', () => {
    const ids = createIdGenerator();
    const sessionId = ids.sessionId();
    const eventId = ids.eventId();
    const reviewId = ids.reviewId();
    expect(sessionIdSchema.safeParse(sessionId).success).toBe(true);
    expect(eventIdSchema.safeParse(eventId).success).toBe(true);
    expect(reviewIdSchema.safeParse(reviewId).success).toBe(true);
    expect(sessionId).toMatch(/^sess_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(eventId).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(reviewId).toMatch(/^rev_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('encodes the given time', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    expect(decodeTime(ids.sessionId(now).slice('sess_'.length))).toBe(now);
    expect(decodeTime(ids.eventId(now + 5).slice('evt_'.length))).toBe(now + 5);
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const id = createIdGenerator().eventId();
    const after = Date.now();
    const time = decodeTime(id.slice('evt_'.length));
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(after);
  });

  it('sorts 1,000 ids made within the same millisecond in creation order', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const made: string[] = [];
    for (let i = 0; i < 1000; i++) made.push(ids.eventId(now));
    expect(new Set(made).size).toBe(1000);
    expect([...made].sort()).toEqual(made);
    for (const id of made) expect(eventIdSchema.safeParse(id).success).toBe(true);
  });

  it('sorts session, event and review ids of one generator by their ULIDs in creation order', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const ulids = [
      ids.sessionId(now).slice('sess_'.length),
      ids.eventId(now).slice('evt_'.length),
      ids.reviewId(now).slice('rev_'.length),
      ids.eventId(now).slice('evt_'.length),
    ];
    expect([...ulids].sort()).toEqual(ulids);
  });

  it('keeps creation order when the clock goes back', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const first = ids.eventId(now);
    const second = ids.eventId(now - 1000);
    expect(second > first).toBe(true);
  });

  it('makes ids in creation order across milliseconds', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const made: string[] = [];
    for (let i = 0; i < 100; i++) made.push(ids.eventId(now + Math.floor(i / 10)));
    expect([...made].sort()).toEqual(made);
  });

  it('gives two generators independent state', () => {
    const a = createIdGenerator();
    const b = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    // Advance a to a later time; b must not inherit it.
    a.eventId(now + 60_000);
    const fromB = b.eventId(now);
    expect(decodeTime(fromB.slice('evt_'.length))).toBe(now);
    // And a stays monotonic on its own, still at the later time.
    const fromA = a.eventId(now);
    expect(decodeTime(fromA.slice('evt_'.length))).toBe(now + 60_000);
  });

  it('gives two generators different random parts in the same millisecond', () => {
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const a = createIdGenerator().eventId(now);
    const b = createIdGenerator().eventId(now);
    expect(a).not.toBe(b);
    expect(a.slice(0, 'evt_'.length + 10)).toBe(b.slice(0, 'evt_'.length + 10));
  });

  it('draws every character of the alphabet at every random position (past many pool refills)', () => {
    const ids = createIdGenerator();
    const now = Date.parse('2026-11-25T06:19:32.123Z');
    const seen = Array.from({ length: 16 }, () => new Set<string>());
    for (let i = 0; i < 10_000; i++) {
      const random = ids.eventId(now + i).slice('evt_'.length + 10);
      for (let p = 0; p < 16; p++) seen[p]!.add(random[p]!);
    }
    for (const chars of seen) expect(chars.size).toBe(32);
  });
});
