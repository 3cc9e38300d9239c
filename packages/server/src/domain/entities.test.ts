import type { Event, LifecycleEvent } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import {
  type EdgeFacts,
  eventEntities,
  fileKey,
  foldMention,
  hostKey,
  isBareIp,
  startEntities,
  tableKey,
} from './entities';

const base = { id: 'evt_1', sessionId: 'sess_1', seq: 3, time: '2026-11-25T06:00:00.000Z' };

describe('entity keys', () => {
  it('normalises file paths to absolute POSIX paths', () => {
    expect(fileKey('/srv/app/./src/../src/auth/session.ts')).toBe('/srv/app/src/auth/session.ts');
    expect(fileKey('/etc//ssh/')).toBe('/etc/ssh');
    expect(fileKey('src/auth.ts', '/home/dev/app')).toBe('/home/dev/app/src/auth.ts');
    expect(fileKey('../.env', '/home/dev/app/api')).toBe('/home/dev/app/.env');
    // Without a known cwd a relative path stays relative (normalised).
    expect(fileKey('./src//auth.ts')).toBe('src/auth.ts');
  });

  it('lowercases tables as schema.table and drops identifier quotes', () => {
    expect(tableKey('public.Users')).toBe('public.users');
    expect(tableKey('"Billing"."Invoices"')).toBe('billing.invoices');
    expect(tableKey('customers')).toBe('customers');
    expect(tableKey('`shop`.`orders`')).toBe('shop.orders');
  });

  it('reduces outbound hosts to the lowercased hostname', () => {
    expect(hostKey('API.GitHub.com:443')).toBe('api.github.com');
    expect(hostKey('https://user:pw@Paste.Example.net:8443/raw?x=1')).toBe('paste.example.net');
    expect(hostKey('[2001:db8::1]:22')).toBe('2001:db8::1');
    expect(hostKey('2001:db8::1')).toBe('2001:db8::1');
    expect(hostKey('example.com.')).toBe('example.com');
  });

  it('recognises bare IP endpoints', () => {
    expect(isBareIp('203.0.113.9')).toBe(true);
    expect(isBareIp('203.0.113.9:51022')).toBe(true);
    expect(isBareIp('2001:db8::7')).toBe(true);
    expect(isBareIp('[2001:db8::7]:22')).toBe(true);
    expect(isBareIp('alice-laptop.acme.test')).toBe(false);
    expect(isBareIp('db-1')).toBe(false);
  });
});

describe('entity extraction', () => {
  const start: LifecycleEvent = {
    ...base,
    seq: 0,
    type: 'lifecycle',
    action: 'start',
    session: {
      actor: { type: 'agent', id: 'claude-ci', agent: { name: 'Claude Code' } },
      resource: { name: 'billing-db', type: 'database', environment: 'production' },
      endpoint: 'CI-Runner-7.acme.test',
      model: 'claude-sonnet-4-5',
      credential: { kind: 'api_key', fingerprint: 'sk-ant-...A3F2', name: 'ci key' },
      mode: 'agent',
      recorded: false,
      labels: {},
    },
  };

  it('takes actor, credential, endpoint, resource and model from a session start', () => {
    expect(startEntities(start).map((m) => [m.kind, m.key])).toEqual([
      ['actor', 'claude-ci'],
      ['credential', 'sk-ant-...A3F2'],
      ['endpoint', 'ci-runner-7.acme.test'],
      ['resource', 'billing-db'],
      ['model', 'claude-sonnet-4-5'],
    ]);
    expect(startEntities(start)[1]).toMatchObject({ label: 'ci key', attrs: { kind: 'api_key' } });
    const none = {
      ...start,
      session: { ...start.session!, credential: { kind: 'none' as const, fingerprint: '...' } },
    };
    expect(startEntities(none).map((m) => m.kind)).not.toContain('credential');
  });

  it('takes files with their operation, hosts, tables read and written, and models from events', () => {
    const events: Event[] = [
      { ...base, type: 'file', path: '/srv/app/.env', operation: 'read' },
      { ...base, type: 'outbound', protocol: 'https', host: 'Hooks.Slack.com' },
      {
        ...base,
        type: 'query',
        sql: 'INSERT INTO audit.log SELECT * FROM public.Users',
        truncated: false,
        tables: { read: ['public.Users'], written: ['audit.log'] },
      },
      { ...base, type: 'llm_call', model: 'gpt-5', inputTokens: 10, outputTokens: 5 },
    ];
    expect(events.flatMap((e) => eventEntities(e)).map((m) => [m.kind, m.key, m.op])).toEqual([
      ['file', '/srv/app/.env', 'read'],
      ['host', 'hooks.slack.com', 'call'],
      ['table', 'public.users', 'read'],
      ['table', 'audit.log', 'write'],
      ['model', 'gpt-5', 'call'],
    ]);
  });

  it('takes nothing from a command or a tool call itself', () => {
    expect(eventEntities({ ...base, type: 'command', text: 'cat /etc/passwd' })).toEqual([]);
    expect(
      eventEntities({
        ...base,
        type: 'tool_call',
        tool: 'Read',
        input: { file_path: '/etc/passwd' },
      }),
    ).toEqual([]);
  });

  it('folds mentions the same whatever their order: lowest seq first, ops unioned', () => {
    const mentions = [
      { seq: 9, id: 'evt_9', op: 'write', time: 9_000 },
      { seq: 2, id: 'evt_2', op: 'read', time: 2_000 },
      { seq: 5, id: 'evt_5', op: 'read', time: 5_000 },
    ];
    const fold = (order: typeof mentions) => {
      const edges = new Map<string, EdgeFacts>();
      for (const m of order)
        foldMention(
          edges,
          { kind: 'file', key: '/a', label: '/a', op: m.op },
          { seq: m.seq, eventId: m.id, time: m.time },
        );
      const e = [...edges.values()][0]!;
      return { ...e, ops: [...e.ops].sort() };
    };
    const a = fold(mentions);
    expect(a).toMatchObject({
      firstSeq: 2,
      firstEvent: 'evt_2',
      firstAt: 2_000,
      lastAt: 9_000,
      events: 3,
      ops: ['read', 'write'],
    });
    expect(fold([...mentions].reverse())).toEqual(a);
  });
});
