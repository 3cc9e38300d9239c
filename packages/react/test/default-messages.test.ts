/**
 * The English defaults are shared by every component on a page: no host may change them for the
 * others. Translations go through `mergeMessages` (or a `messages` prop), which make new objects.
 */
import { describe, expect, it } from 'vitest';
import { defaultMessages, type Messages, mergeMessages } from '../src/provider';
import { toolCallMessages } from '../src/session-detail/tool-call/tool-call.messages';

describe('defaultMessages', () => {
  it('cannot be changed: a group, a message, a record in a group, a new key', () => {
    const loose = defaultMessages as unknown as Record<string, Record<string, unknown>>;
    // ES modules are strict: writing a frozen object throws.
    expect(() => {
      loose.sessionTable = {};
    }).toThrow(TypeError);
    expect(() => {
      (loose.common as Record<string, unknown>).retry = 'Nochmal';
    }).toThrow(TypeError);
    expect(() => {
      (loose.common?.status as Record<string, string>).active = 'aktiv';
    }).toThrow(TypeError);
    expect(() => {
      (loose.replay as Record<string, unknown>).play = 'Abspielen';
    }).toThrow(TypeError);
    expect(() => {
      loose.extra = {};
    }).toThrow(TypeError);
    expect(() => {
      delete (loose.filters as Record<string, unknown>).reset;
    }).toThrow(TypeError);
    expect(defaultMessages.common.retry).toBe('Retry');
    expect(defaultMessages.common.status.active).toBe('active');
    expect(defaultMessages.replay.play).toBe('Play');
    expect(defaultMessages.filters.reset).toBe('Reset');
    expect('extra' in defaultMessages).toBe(false);
  });

  it("freezes the tool call's defaults too (its entry can be used alone)", () => {
    expect(Object.isFrozen(toolCallMessages)).toBe(true);
    expect(() => {
      (toolCallMessages as unknown as Record<string, unknown>).showMore = 'Mehr';
    }).toThrow(TypeError);
    expect(toolCallMessages.showMore).toBe('Show more');
  });

  it('mergeMessages still translates, into new objects, leaving the defaults as they were', () => {
    const de = mergeMessages(defaultMessages, {
      common: { retry: 'Nochmal', status: { active: 'aktiv' } },
      replay: { play: 'Abspielen', time: (_c, _d, c, d) => `${c}s von ${d}s` },
    });
    expect(de).not.toBe(defaultMessages);
    expect(de.common.retry).toBe('Nochmal');
    expect(de.common.status.active).toBe('aktiv');
    // The rest of a record merged into is kept.
    expect(de.common.status.ended).toBe('ended');
    expect(de.replay.play).toBe('Abspielen');
    expect(de.replay.time('0:05', '1:00', 5, 60)).toBe('5s von 60s');
    expect(de.replay.pause).toBe('Pause');
    // A merged result is the host's own: it may change it.
    (de.common as { retry: string }).retry = 'Erneut';
    expect(de.common.retry).toBe('Erneut');
    expect(defaultMessages.common.retry).toBe('Retry');
    expect(defaultMessages.common.status.active).toBe('active');
    expect(defaultMessages.replay.play).toBe('Play');
    // Merging over a merged result works the same.
    const again: Messages = mergeMessages(de, { replay: { pause: 'Anhalten' } });
    expect(again.replay.play).toBe('Abspielen');
    expect(again.replay.pause).toBe('Anhalten');
  });

  it("mergeMessages's result is the host's own throughout: every group and record copied, none frozen", () => {
    const check = (merged: Messages) => {
      expect(merged).not.toBe(defaultMessages);
      for (const [group, values] of Object.entries(merged)) {
        const base = (defaultMessages as unknown as Record<string, Record<string, unknown>>)[group];
        expect(values, group).not.toBe(base);
        expect(Object.isFrozen(values), group).toBe(false);
        for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
          if (typeof value !== 'object' || value === null) continue;
          expect(value, `${group}.${key}`).not.toBe(base?.[key]);
          expect(Object.isFrozen(value), `${group}.${key}`).toBe(false);
        }
      }
      // Changing it changes nothing of the defaults.
      const loose = merged as unknown as Record<string, Record<string, unknown>>;
      (loose.filters as Record<string, unknown>).reset = 'Zurücksetzen';
      (loose.sessionDetail?.kind as Record<string, string>).query = 'Abfrage';
      expect(merged.filters.reset).toBe('Zurücksetzen');
      expect(merged.sessionDetail.kind.query).toBe('Abfrage');
      expect(defaultMessages.filters.reset).toBe('Reset');
      expect(defaultMessages.sessionDetail.kind.query).toBe('Query');
    };
    // Nothing to merge, and an override of one group: the others are copies too.
    check(mergeMessages(defaultMessages));
    check(mergeMessages(defaultMessages, { replay: { play: 'Abspielen' } }));
    check(mergeMessages(defaultMessages, null, undefined));
    // The override's own records are not shared with the result either.
    const status = { active: 'aktiv' };
    const de = mergeMessages(defaultMessages, { common: { status } });
    expect(de.common.status).not.toBe(status);
    (de.common.status as Record<string, string>).ended = 'beendet';
    expect(status).toEqual({ active: 'aktiv' });
  });

  it('formats the replay clock as m:ss, and h:mm:ss from an hour', () => {
    const m = defaultMessages.replay;
    expect(m.clock(0)).toBe('0:00');
    expect(m.clock(65.9)).toBe('1:05');
    expect(m.clock(3723)).toBe('1:02:03');
    expect(m.clock(-3)).toBe('0:00');
    expect(m.time(m.clock(5), m.clock(60), 5, 60)).toBe('0:05 / 1:00');
    expect(m.seekValue(m.clock(5), m.clock(60), 5, 60)).toBe('0:05 of 1:00');
    expect(m.damaged(m.clock(61), 'line 3: not JSON', 61)).toBe(
      'The recording stops at 1:01: line 3: not JSON',
    );
    expect(m.hit(m.clock(65), 65)).toBe('1:05');
  });
});
