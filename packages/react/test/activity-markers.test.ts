/**
 * The replay's seek-bar markers from a session's events (actions joined to their verdicts by
 * the client's join, as the activity log joins them), and from the server's activity entries.
 */
import type { ActivityEntry, Session, StoredEvent } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { activityEntryMarkers, activityMarkers } from '../src/replay/markers';

const session = { startedAt: '2026-11-25T06:00:00.000Z' } as Session;
const at = (seconds: number) =>
  new Date(Date.parse(session.startedAt) + seconds * 1000).toISOString();
const base = (id: string, seq: number, seconds: number) => ({
  id,
  sessionId: 'sess_1',
  seq,
  time: at(seconds),
});

describe('activityMarkers', () => {
  it('one marker per action with the kind of its last verdict, and one per verdict on an action never recorded', () => {
    const events = [
      // The recorder records the verdict before the action it allowed.
      { ...base('evt_p1', 1, 2), type: 'policy', subjectId: 'evt_c1', verdict: 'passed' },
      { ...base('evt_c1', 2, 2), type: 'command', text: 'ls -la' },
      { ...base('evt_q1', 3, 5), type: 'query', sql: 'DROP TABLE customers' },
      { ...base('evt_p2', 4, 5), type: 'policy', subjectId: 'evt_q1', verdict: 'blocked' },
      // Held for review, then rejected: never ran, one marker where it was held.
      {
        ...base('evt_p3', 5, 8),
        type: 'policy',
        subjectId: 'evt_gone',
        verdict: 'pending',
        reason: 'needs approval',
      },
      { ...base('evt_p4', 6, 9), type: 'policy', subjectId: 'evt_gone', verdict: 'rejected' },
      // A verdict on the session itself is no point of the recording.
      { ...base('evt_p5', 7, 10), type: 'policy', verdict: 'blocked' },
      // Listed twice (a page and the live stream overlap): one marker.
      { ...base('evt_t1', 8, 12), type: 'tool_call', tool: 'Bash', input: {} },
      { ...base('evt_t1', 8, 12), type: 'tool_call', tool: 'Bash', input: {} },
    ] as unknown as StoredEvent[];
    expect(activityMarkers(session, events)).toEqual([
      { id: 'evt_c1', originalTime: 2, label: 'ls -la', kind: 'command' },
      { id: 'evt_q1', originalTime: 5, label: 'DROP TABLE customers', kind: 'blocked' },
      { id: 'evt_gone', originalTime: 8, label: 'needs approval', kind: 'blocked' },
      { id: 'evt_t1', originalTime: 12, label: 'Bash', kind: 'command' },
    ]);
  });
});

const entry = (
  id: string,
  seq: number,
  seconds: number,
  event: Record<string, unknown>,
  more: Partial<ActivityEntry> = {},
): ActivityEntry =>
  ({
    id,
    type: event.type,
    seq,
    lastSeq: seq,
    time: at(seconds),
    lastTime: at(seconds),
    count: 1,
    shape: null,
    event: { ...base(id, seq, seconds), ...event },
    verdicts: [],
    verdict: null,
    masked: { count: 0, fields: [] },
    failed: false,
    marks: { blocked: 0, pending: 0, rejected: 0, masked: 0, failed: 0 },
    ...more,
  }) as ActivityEntry;

describe('activityEntryMarkers', () => {
  it('one marker per activity entry, at its time, with the kind of what matters in it', () => {
    const entries = [
      entry('evt_q1', 3, 5, { type: 'query', sql: 'DROP TABLE customers' }, { verdict: 'blocked' }),
      entry(
        'evt_q2',
        4,
        6.5,
        { type: 'query', sql: 'SELECT * FROM customers' },
        { masked: { count: 3, fields: ['email'] } },
      ),
      entry('evt_c1', 5, 7, { type: 'command', text: 'false' }, { failed: true }),
      entry(
        'evt_t1',
        6,
        8,
        { type: 'tool_call', tool: 'Bash', input: {} },
        { verdict: 'pending', masked: { count: 1, fields: ['token'] } },
      ),
      // A verdict alone (the action never ran): where the verdict stands.
      entry(
        'evt_gone',
        7,
        9,
        { type: 'policy', subjectId: 'evt_gone', verdict: 'rejected', reason: 'needs approval' },
        { verdict: 'rejected' },
      ),
      // A verdict on the session itself is no point of the recording.
      entry('evt_p5', 8, 10, { type: 'policy', verdict: 'blocked' }, { verdict: 'blocked' }),
      // The same entry on two pages (a live poll overlapping): one marker.
      entry(
        'evt_f1',
        9,
        11,
        { type: 'file', path: '/etc/passwd', operation: 'read' },
        {
          failed: true,
        },
      ),
      entry(
        'evt_f1',
        9,
        11,
        { type: 'file', path: '/etc/passwd', operation: 'read' },
        {
          failed: true,
        },
      ),
      // Before the session's start (clocks apart): at 0.
      entry(
        'evt_o1',
        1,
        -2,
        { type: 'outbound', host: 'api.example.com', protocol: 'https' },
        {
          failed: true,
        },
      ),
    ];
    expect(activityEntryMarkers(session, entries)).toEqual([
      { id: 'evt_q1', originalTime: 5, label: 'DROP TABLE customers', kind: 'blocked' },
      { id: 'evt_q2', originalTime: 6.5, label: 'SELECT * FROM customers', kind: 'masked' },
      { id: 'evt_c1', originalTime: 7, label: 'false', kind: 'failed' },
      { id: 'evt_t1', originalTime: 8, label: 'Bash', kind: 'review' },
      { id: 'evt_gone', originalTime: 9, label: 'needs approval', kind: 'blocked' },
      { id: 'evt_f1', originalTime: 11, label: '/etc/passwd', kind: 'failed' },
      { id: 'evt_o1', originalTime: 0, label: 'api.example.com', kind: 'failed' },
    ]);
  });
});
