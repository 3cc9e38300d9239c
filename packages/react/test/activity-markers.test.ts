/**
 * The replay's seek-bar markers from a session's events: actions joined to their verdicts by
 * the client's join, as the activity log joins them.
 */
import type { Session, StoredEvent } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { activityMarkers } from '../src/replay/markers';

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
