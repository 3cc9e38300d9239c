import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { sessionFromStart } from './session';
import {
  DEFAULT_FILE_PATTERNS,
  DEFAULT_SIGNIFICANCE,
  DEFAULT_TABLE_PATTERNS,
  defaultWeightsTable,
  eventEvidence,
  resolveSignificance,
  type SessionFacts,
  scoreSession,
  significanceSettings,
} from './significance';

function session(over: Partial<Session['actor']> = {}, endpoint?: string): Session {
  return sessionFromStart('acme', {
    id: 'evt_0',
    sessionId: 'sess_b',
    seq: 0,
    time: '2026-11-20T10:00:00.000Z',
    type: 'lifecycle',
    action: 'start',
    session: {
      actor: { type: 'human', id: 'u_bob', email: 'bob@acme.test', ...over },
      resource: { name: 'app', type: 'ssh', environment: 'staging' },
      ...(endpoint ? { endpoint } : {}),
      credential: { kind: 'api_key', fingerprint: 'sk-live-...9F2A' },
      mode: 'interactive',
      recorded: true,
      labels: {},
    },
  });
}

function facts(s: Session, more: Partial<SessionFacts> = {}): SessionFacts {
  return {
    session: s,
    events: 10,
    evidence: [],
    edges: [{ kind: 'actor', key: s.actor.id, firstSeq: 0, firstEvent: 'evt_0' }],
    entityFirst: new Map(),
    credentialActors: new Map(),
    pairFirst: new Map(),
    actorHasHistory: false,
    actorBaseline: null,
    credentialBaseline: null,
    ...more,
  };
}

const codes = (f: SessionFacts, config = DEFAULT_SIGNIFICANCE) =>
  scoreSession(f, config).reasons.map((r) => r.code);

describe('scoreSession', () => {
  it('gives a named user on a known host no reasons', () => {
    expect(scoreSession(facts(session(), {}), DEFAULT_SIGNIFICANCE)).toEqual({
      score: 0,
      reasons: [],
    });
  });

  it('sums the unknown actor signals into one reason naming the endpoint', () => {
    const s = session({ email: undefined }, '198.51.100.4');
    const [reason] = scoreSession(facts(s), DEFAULT_SIGNIFICANCE).reasons;
    expect(reason).toEqual({
      code: 'unknown_actor',
      message:
        'weakly attributed actor u_bob: no identity (no email), bare IP endpoint 198.51.100.4',
      weight: 30,
      evidence: { events: ['evt_0'], entities: ['actor:u_bob', 'endpoint:198.51.100.4'] },
    });
  });

  it('flags an endpoint new to an actor only when the actor has history', () => {
    const s = session({}, 'new-laptop.acme.test');
    const pairFirst = new Map([['endpoint:new-laptop.acme.test', s.id]]);
    expect(codes(facts(s, { pairFirst }))).toEqual([]);
    expect(codes(facts(s, { pairFirst, actorHasHistory: true }))).toEqual(['unknown_actor']);
  });

  it('names the other actors of a shared credential', () => {
    const s = session();
    const f = facts(s, {
      edges: [
        { kind: 'actor', key: 'u_bob', firstSeq: 0, firstEvent: 'evt_0' },
        { kind: 'credential', key: 'sk-live-...9F2A', firstSeq: 0, firstEvent: 'evt_0' },
      ],
      credentialActors: new Map([['sk-live-...9F2A', ['ext_7', 'u_alice', 'u_bob']]]),
    });
    expect(scoreSession(f, DEFAULT_SIGNIFICANCE).reasons[0]).toMatchObject({
      code: 'shared_credential',
      evidence: {
        events: ['evt_0'],
        entities: ['credential:sk-live-...9F2A', 'actor:ext_7', 'actor:u_alice'],
      },
    });
  });

  it('matches sensitive files and tables by the configured patterns', () => {
    const s = session();
    const f = facts(s, {
      edges: [
        { kind: 'file', key: '/srv/app/src/auth/jwt.ts', firstSeq: 4, firstEvent: 'evt_4' },
        { kind: 'file', key: '/srv/app/README.md', firstSeq: 5, firstEvent: 'evt_5' },
        { kind: 'file', key: '/home/bob/.ssh/id_ed25519', firstSeq: 2, firstEvent: 'evt_2' },
        { kind: 'table', key: 'public.customers', firstSeq: 6, firstEvent: 'evt_6' },
        { kind: 'table', key: 'public.orders', firstSeq: 7, firstEvent: 'evt_7' },
      ],
    });
    const got = scoreSession(f, DEFAULT_SIGNIFICANCE).reasons;
    expect(got.find((r) => r.code === 'sensitive_files')!.evidence).toEqual({
      events: ['evt_2', 'evt_4'],
      entities: ['file:/home/bob/.ssh/id_ed25519', 'file:/srv/app/src/auth/jwt.ts'],
    });
    expect(got.find((r) => r.code === 'sensitive_tables')!.evidence!.entities).toEqual([
      'table:public.customers',
    ]);
    const custom = resolveSignificance({ patterns: { files: ['*.md'], tables: [] } });
    expect(codes(f, custom)).toEqual(['sensitive_files']);
  });

  it('compares cost and volume with a learned baseline only', () => {
    const s = session();
    s.usage.costUsd = 12;
    const learned = { sessions: 6, spanMs: 10 * 86_400_000, medianCost: 2, medianVolume: 2 };
    expect(codes(facts(s, { actorBaseline: learned }))).toEqual(['cost_spike', 'volume_spike']);
    // Too few sessions, or over too short a time: still learning.
    expect(codes(facts(s, { actorBaseline: { ...learned, sessions: 4 } }))).toEqual([]);
    expect(codes(facts(s, { actorBaseline: { ...learned, spanMs: 86_400_000 } }))).toEqual([]);
    // The credential's baseline when the actor has none.
    const [spike] = scoreSession(
      facts(s, { credentialBaseline: learned }),
      DEFAULT_SIGNIFICANCE,
    ).reasons;
    expect(spike).toMatchObject({
      code: 'cost_spike',
      evidence: { entities: ['credential:sk-live-...9F2A'] },
    });
  });

  it('caps the score at 100 and orders reasons by weight, then code', () => {
    const s = session({ email: undefined }, '198.51.100.4');
    s.counters.blocked = 2;
    s.counters.rejected = 1;
    s.status = 'revoked';
    const got = scoreSession(facts(s), DEFAULT_SIGNIFICANCE);
    expect(got.score).toBe(100);
    expect(got.reasons.map((r) => [r.code, r.weight])).toEqual([
      ['blocked', 30],
      ['revoked', 30],
      ['unknown_actor', 30],
      ['rejected', 25],
    ]);
  });
});

describe('evidence codes', () => {
  const base = { id: 'evt_1', sessionId: 'sess_1', seq: 1, time: '2026-11-20T10:00:00.000Z' };
  it('keeps verdicts, masking, revoke and drop, and destructive attempts', () => {
    expect(eventEvidence({ ...base, type: 'policy', verdict: 'blocked' })).toEqual(['blocked']);
    expect(eventEvidence({ ...base, type: 'policy', verdict: 'passed' })).toEqual([]);
    expect(eventEvidence({ ...base, type: 'masking', fields: ['email'], count: 1 })).toEqual([
      'masked',
    ]);
    expect(eventEvidence({ ...base, type: 'lifecycle', action: 'drop' })).toEqual(['dropped']);
    expect(eventEvidence({ ...base, type: 'command', text: 'sudo rm -rf /var/lib/app' })).toEqual([
      'destructive',
    ]);
    expect(eventEvidence({ ...base, type: 'command', text: 'rm notes.txt' })).toEqual([]);
    expect(
      eventEvidence({ ...base, type: 'query', sql: 'DELETE FROM users;', truncated: false }),
    ).toEqual(['destructive']);
    expect(
      eventEvidence({
        ...base,
        type: 'query',
        sql: 'DELETE FROM users WHERE id = 1',
        truncated: false,
      }),
    ).toEqual([]);
    expect(eventEvidence({ ...base, type: 'file', path: '/a', operation: 'delete' })).toEqual([
      'destructive',
    ]);
  });
});

describe('settings', () => {
  it('names the bad key of a file or variable', () => {
    expect(() => resolveSignificance({ weights: { shared_credentail: 3 } }, 'f.json')).toThrow(
      'f.json: weights.shared_credentail is not a known setting',
    );
    expect(() => resolveSignificance({ weights: { agent: 500 } }, 'f.json')).toThrow(
      /f\.json: weights\.agent /,
    );
    expect(() => resolveSignificance({ baseline: { factor: 'x' } })).toThrow(
      /significance: baseline\.factor /,
    );
    expect(() =>
      significanceSettings({ source: 'AUDITLANE_SIGNIFICANCE_FILE s.json', text: '{' }, {}),
    ).toThrow(/^AUDITLANE_SIGNIFICANCE_FILE s\.json: not JSON/);
    expect(() =>
      significanceSettings(undefined, { AUDITLANE_SIGNIFICANCE_WEIGHT_AGENT: 'lots' }),
    ).toThrow('AUDITLANE_SIGNIFICANCE_WEIGHT_AGENT must be a number, got "lots"');
    expect(() =>
      significanceSettings(undefined, { AUDITLANE_SIGNIFICANCE_WEIGHTS_AGENT: '1' }),
    ).toThrow(/AUDITLANE_SIGNIFICANCE_WEIGHTS_AGENT is not a significance setting/);
  });

  it('applies variables over the file over the defaults', () => {
    const config = significanceSettings(
      {
        source: 'f.json',
        text: JSON.stringify({ weights: { agent: 9, masked: 1 }, baseline: { factor: 4 } }),
      },
      {
        AUDITLANE_SIGNIFICANCE_WEIGHT_AGENT: '0',
        AUDITLANE_SIGNIFICANCE_TABLE_PATTERNS: '*.ledger, *.users',
        AUDITLANE_SIGNIFICANCE_BASELINE_MIN_SPAN_DAYS: '3',
        AUDITLANE_SIGNIFICANCE_ENABLED: 'off',
      },
    );
    expect(config.enabled).toBe(false);
    expect(config.weights).toMatchObject({
      agent: 0,
      masked: 1,
      blocked: DEFAULT_SIGNIFICANCE.weights.blocked,
    });
    expect(config.patterns).toEqual({
      files: DEFAULT_FILE_PATTERNS,
      tables: ['*.ledger', '*.users'],
    });
    expect(config.baseline).toEqual({ factor: 4, windowDays: 30, minSessions: 5, minSpanDays: 3 });
  });

  it('is documented in the README as it is defined', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    // The formatter pads table cells: compare with runs of spaces and dashes collapsed.
    const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    expect(cells(readme)).toContain(cells(defaultWeightsTable()));
    expect(readme).toContain(`\`${DEFAULT_FILE_PATTERNS.join('`, `')}\``);
    expect(readme).toContain(`\`${DEFAULT_TABLE_PATTERNS.join('`, `')}\``);
  });
});
