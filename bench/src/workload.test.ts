import { eventSchema } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { createWorkload, SHARED_CREDENTIALS } from './workload';

const START = Date.UTC(2026, 9, 1);

describe('bench workload', () => {
  it('gives the same events for a seed, whatever order sessions are made in', () => {
    const a = createWorkload({ seed: 3 });
    const b = createWorkload({ seed: 3 });
    const forward = [0, 1, 2, 3].map((i) => a.session(i, START + i * 60_000));
    const backward = [3, 2, 1, 0].map((i) => b.session(i, START + i * 60_000)).reverse();
    expect(backward).toEqual(forward);
    expect(createWorkload({ seed: 4 }).session(0, START)).not.toEqual(forward[0]);
  });

  // The seeding path hands these to store.ingest without parsing them: each must already be
  // what the schema makes of it (defaults filled, nothing it would strip).
  it('makes valid events in their parsed form, with unique ids', () => {
    const w = createWorkload({ seed: 1 });
    const ids = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const events = w.session(i, START + i * 60_000);
      expect(events).toHaveLength(w.eventsPerSession);
      for (const event of events) {
        expect(eventSchema.parse(event)).toEqual(event);
        ids.add(event.id);
      }
    }
    expect(ids.size).toBe(400 * 20);
  });

  it('has what the meaning layer looks for: shared keys, bare IPs, sensitive files, spend', () => {
    const w = createWorkload({ seed: 1 });
    const actorsByKey = new Map<string, Set<string>>();
    const types = new Set<string>();
    let bareIp = 0;
    let sensitive = 0;
    let cost = 0;
    for (let i = 0; i < 2000; i++) {
      const events = w.session(i, START + i * 60_000);
      const start = events[0]!.type === 'lifecycle' ? events[0]!.session! : null;
      const key = start!.credential!.fingerprint;
      if (!actorsByKey.has(key)) actorsByKey.set(key, new Set());
      actorsByKey.get(key)!.add(start!.actor.id);
      if (/^\d+\.\d+\.\d+\.\d+$/.test(start!.endpoint ?? '')) bareIp++;
      for (const e of events) {
        types.add(e.type);
        if (e.type === 'file' && /auth|\.env|\.key|payments/.test(e.path)) sensitive++;
        if (e.type === 'llm_call') cost += e.costUsd ?? 0;
      }
    }
    for (const c of SHARED_CREDENTIALS)
      expect(actorsByKey.get(c.fingerprint)!.size).toBeGreaterThan(3);
    expect(types).toEqual(
      new Set([
        'lifecycle',
        'command',
        'terminal',
        'query',
        'file',
        'outbound',
        'llm_call',
        'policy',
        'masking',
      ]),
    );
    expect(bareIp).toBeGreaterThan(50);
    expect(sensitive).toBeGreaterThan(10);
    expect(cost).toBeGreaterThan(10);
  });
});
