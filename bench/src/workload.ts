// Entity-rich sessions as an org's recorders would send them, for the ingest, query and score
// latency benchmarks. Deterministic: session `i` of seed `s` is the same events on every run and
// machine, whatever order sessions are generated in (each draws from its own generator).
import type { Event, FileEvent, OutboundEvent, QueryEvent, SessionStart } from '@auditlane/client';
import { rng } from '@auditlane/testing/random';

export interface WorkloadOptions {
  /** Different seeds give different (but each reproducible) orgs. */
  seed: number;
  /** Events per session, the start and (for ended sessions) the end included; at least 2. */
  eventsPerSession?: number;
  /** Named people of the org (`u0`…, `user0@acme.test`…). */
  humans?: number;
}

/** Keys used by several actors: the CI key, and keys people passed around. */
export const SHARED_CREDENTIALS = [
  { kind: 'api_key', fingerprint: 'ak-ci-...C1D2', name: 'shared CI key' },
  { kind: 'api_key', fingerprint: 'ak-team-...7F3A', name: 'team deploy key' },
  { kind: 'token', fingerprint: 'gh-...B0B5', name: 'old GitHub token' },
  { kind: 'password', fingerprint: '...9Q2W', name: 'db admin password' },
] as const satisfies SessionStart['credential'][];

const COMMANDS = [
  'ls -la /var/log',
  'kubectl get pods -n prod',
  'kubectl delete pod api-7f9c --namespace prod',
  'git log --oneline -20',
  'cat /etc/nginx/nginx.conf',
  'terraform plan -out tf.plan',
  'systemctl restart nginx',
  'grep -R "timeout" /srv/app/config',
  'npm test -- --run',
  'git push origin HEAD',
];
const OUTPUT =
  '\u001b[32mINFO\u001b[0m 2026-11-25T06:00:00Z request handled path=/api/v1/orders status=200 duration_ms=12\r\n';

/** Statements and the tables their parse tree names. */
const QUERIES: { sql: string; read: string[]; written: string[] }[] = [
  {
    sql: 'SELECT id, email FROM customers WHERE plan = $1 LIMIT 50',
    read: ['customers'],
    written: [],
  },
  { sql: 'UPDATE accounts SET plan = $1 WHERE id = $2', read: [], written: ['accounts'] },
  {
    sql: 'SELECT count(*) FROM billing.invoices WHERE paid_at IS NULL',
    read: ['billing.invoices'],
    written: [],
  },
  { sql: 'DELETE FROM sessions WHERE expires_at < now()', read: [], written: ['sessions'] },
  {
    sql: 'SELECT o.id, o.total FROM orders o JOIN order_items i ON i.order_id = o.id LIMIT 20',
    read: ['orders', 'order_items'],
    written: [],
  },
  {
    sql: 'INSERT INTO audit.exports (kind, at) VALUES ($1, now())',
    read: [],
    written: ['audit.exports'],
  },
  {
    sql: 'SELECT id, last4 FROM payments.cards WHERE customer_id = $1',
    read: ['payments.cards'],
    written: [],
  },
  { sql: 'SELECT * FROM users WHERE id = $1', read: ['users'], written: [] },
];

/** A repository's ordinary files, and the few that matter (auth code, secrets, keys, payments). */
const FILES = [
  ...Array.from({ length: 120 }, (_, k) => `/srv/app/src/routes/r${k}.ts`),
  ...Array.from({ length: 60 }, (_, k) => `/srv/app/src/lib/m${k}.ts`),
  '/srv/app/README.md',
  '/srv/app/package.json',
];
const SENSITIVE_FILES = [
  '/srv/app/src/auth/session.ts',
  '/srv/app/src/auth/tokens.ts',
  '/srv/app/.env',
  '/srv/app/src/payments/charge.ts',
  '/etc/ssl/private/server.key',
];
const COMMON_HOSTS = [
  'github.com',
  'registry.npmjs.org',
  'api.anthropic.com',
  'pypi.org',
  'docs.python.org',
];
const MODELS = [
  { model: 'claude-sonnet-4-5', provider: 'anthropic', perMTokIn: 3, perMTokOut: 15 },
  { model: 'claude-haiku-4-5', provider: 'anthropic', perMTokIn: 1, perMTokOut: 5 },
  { model: 'gpt-5', provider: 'openai', perMTokIn: 1.25, perMTokOut: 10 },
];
const ENVIRONMENTS = ['production', 'staging', 'development'];
const TYPES = ['database', 'ssh', 'kubernetes', 'llm'] as const;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function base32(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = CROCKFORD[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}
/** A ULID whose time part is `ms` and whose random part names the seed, session and seq. */
export function ulid(ms: number, seed: number, i: number, seq: number): string {
  return base32(ms, 10) + base32(seed, 4) + base32(i, 8) + base32(seq, 4);
}

type Kind = 'human' | 'agent' | 'service' | 'unknown';

/** Who and what session `i` is, before its events. */
export interface SessionShape {
  kind: Kind;
  start: SessionStart;
  ended: boolean;
}

/**
 * The org the generator draws from: 70% sessions of named people (4% of them on a shared key,
 * some from a bare IP), 22% agent sessions acting for a person (with models and spend, 1% of them
 * ten times the usual spend), 6% CI sessions on the shared CI key, 2% unknown actors from a bare
 * IP on a shared key. Resources are `res-0`… `res-199`, a third of them production.
 */
export function createWorkload(options: WorkloadOptions) {
  const perSession = Math.max(2, options.eventsPerSession ?? 20);
  const humans = options.humans ?? 500;
  const seed = options.seed;

  function shape(i: number, random: () => number): SessionShape {
    const roll = random();
    const kind: Kind =
      roll < 0.7 ? 'human' : roll < 0.92 ? 'agent' : roll < 0.98 ? 'service' : 'unknown';
    const person = Math.floor(random() * humans);
    const r = i % 200;
    const resource = {
      name: `res-${r}`,
      type: TYPES[r % TYPES.length]!,
      environment: ENVIRONMENTS[r % ENVIRONMENTS.length]!,
    };
    const labels = { team: `team-${person % 20}` };
    const personal = {
      kind: 'api_key' as const,
      fingerprint: `ak-live-...${base32(person, 4)}`,
    };
    const start: SessionStart = (() => {
      switch (kind) {
        case 'human': {
          const shared = random() < 0.04;
          return {
            actor: {
              type: 'human',
              id: `u${person}`,
              email: `user${person}@acme.test`,
              name: `User ${person}`,
            },
            resource,
            endpoint:
              random() < 0.05
                ? `10.20.${person % 250}.${(person * 7) % 250}`
                : `ws-${person}.corp.acme.test`,
            credential: shared
              ? { ...SHARED_CREDENTIALS[Math.floor(random() * SHARED_CREDENTIALS.length)]! }
              : personal,
            mode: 'interactive',
            recorded: false,
            labels,
          };
        }
        case 'agent':
          return {
            actor: {
              type: 'agent',
              id: `claude-code:u${person}`,
              agent: { name: 'Claude Code', version: '2.0.14' },
              onBehalfOf: `u${person}`,
            },
            resource,
            endpoint: `ws-${person}.corp.acme.test`,
            model: MODELS[person % MODELS.length]!.model,
            credential: personal,
            mode: 'agent',
            recorded: false,
            labels,
          };
        case 'service':
          return {
            actor: { type: 'service', id: 'ci-deploy', name: 'CI deploy' },
            resource,
            endpoint: 'ci-runner.corp.acme.test',
            credential: { ...SHARED_CREDENTIALS[0] },
            mode: 'exec',
            recorded: false,
            labels: { team: 'platform' },
          };
        case 'unknown':
          return {
            actor: { type: 'human', id: `anon-${Math.floor(random() * 50)}` },
            resource,
            endpoint: `203.0.113.${Math.floor(random() * 250) + 1}`,
            credential: { ...SHARED_CREDENTIALS[1 + Math.floor(random() * 3)]! },
            mode: 'interactive',
            recorded: false,
            labels: {} as Record<string, string>,
          };
      }
    })();
    return { kind, start, ended: i % 10 !== 3 };
  }

  /** Session `i`'s events, starting at `startedAt` (ms), one second apart. */
  function session(i: number, startedAt: number): Event[] {
    const random = rng((seed * 0x9e3779b1 + i) >>> 0);
    const { kind, start, ended } = shape(i, random);
    const sessionId = `sess_${ulid(startedAt, seed, i, 0)}`;
    const at = (seq: number) => startedAt + seq * 1000;
    const base = (seq: number) => ({
      id: `evt_${ulid(at(seq), seed, i, seq)}`,
      sessionId,
      seq,
      time: new Date(at(seq)).toISOString(),
    });
    const events: Event[] = [{ ...base(0), type: 'lifecycle', action: 'start', session: start }];
    const model = MODELS.find((m) => m.model === start.model) ?? MODELS[0]!;
    const spendy = kind === 'agent' && random() < 0.01;
    const sensitive = random() < 0.05;
    const rareHost = random() < 0.03 ? `cdn-${Math.floor(random() * 100_000)}.example.net` : null;
    const last = ended ? perSession - 1 : perSession;
    let lastCommand: string | undefined;
    for (let seq = 1; seq < last; seq++) {
      const r = random();
      const ev = base(seq);
      // Agents read and write files, call models and fetch; people type commands and queries.
      const w =
        kind === 'agent'
          ? { command: 0.2, terminal: 0.3, query: 0.35, file: 0.6, outbound: 0.72, llm: 0.95 }
          : { command: 0.3, terminal: 0.55, query: 0.72, file: 0.85, outbound: 0.92, llm: 0.92 };
      if (r < w.command) {
        lastCommand = ev.id;
        events.push({
          ...ev,
          type: 'command',
          text: COMMANDS[Math.floor(random() * COMMANDS.length)]!,
          cwd: '/srv/app',
          exitCode: 0,
        });
      } else if (r < w.terminal) {
        events.push({ ...ev, type: 'terminal', code: 'o', data: OUTPUT, offsetMs: seq * 1000 });
      } else if (r < w.query) {
        const q = QUERIES[Math.floor(random() * QUERIES.length)]!;
        const query: QueryEvent = {
          ...ev,
          type: 'query',
          sql: q.sql,
          columns: [{ name: 'id' }, { name: 'email' }],
          rows: [
            [1, '****@acme.test'],
            [2, '****@acme.test'],
          ],
          rowCount: 2,
          truncated: false,
          tables: { read: q.read, written: q.written },
        };
        events.push(query);
      } else if (r < w.file) {
        const path =
          sensitive && random() < 0.3
            ? SENSITIVE_FILES[Math.floor(random() * SENSITIVE_FILES.length)]!
            : FILES[Math.floor(random() * FILES.length)]!;
        const op = random();
        const file: FileEvent = {
          ...ev,
          type: 'file',
          path,
          operation: op < 0.7 ? 'read' : op < 0.95 ? 'write' : 'create',
          bytes: 1000 + Math.floor(random() * 20_000),
          ...(lastCommand ? { subjectId: lastCommand } : {}),
        };
        events.push(file);
      } else if (r < w.outbound) {
        const host =
          rareHost && random() < 0.5
            ? rareHost
            : kind === 'agent'
              ? 'api.anthropic.com'
              : COMMON_HOSTS[Math.floor(random() * COMMON_HOSTS.length)]!;
        const out: OutboundEvent = {
          ...ev,
          type: 'outbound',
          protocol: 'https',
          host,
          port: 443,
          method: 'GET',
          url: `https://${host}/`,
          status: 200,
          bytesSent: 400,
          bytesReceived: 2000 + Math.floor(random() * 50_000),
        };
        events.push(out);
      } else if (r < w.llm) {
        const scale = spendy ? 10 : 1;
        const inputTokens = scale * (2000 + Math.floor(random() * 6000));
        const outputTokens = scale * (200 + Math.floor(random() * 1500));
        events.push({
          ...ev,
          type: 'llm_call',
          model: model.model,
          provider: model.provider,
          inputTokens,
          outputTokens,
          costUsd:
            Math.round(
              ((inputTokens * model.perMTokIn + outputTokens * model.perMTokOut) / 1e6) * 1e6,
            ) / 1e6,
          durationMs: 800 + Math.floor(random() * 4000),
        });
      } else if (r < 0.99) {
        events.push({
          ...ev,
          type: 'policy',
          verdict: random() < 0.1 ? 'blocked' : 'passed',
          rule: 'default',
          ...(lastCommand ? { subjectId: lastCommand } : {}),
        });
      } else {
        events.push({
          ...ev,
          type: 'masking',
          fields: ['output'],
          count: 1 + Math.floor(random() * 3),
          rule: 'secrets',
          ...(lastCommand ? { subjectId: lastCommand } : {}),
        });
      }
    }
    if (ended) events.push({ ...base(perSession - 1), type: 'lifecycle', action: 'end' });
    return events;
  }

  return {
    session,
    /** Who session `i` is, without its events. */
    shape: (i: number) => shape(i, rng((seed * 0x9e3779b1 + i) >>> 0)),
    /** The id session `i` gets when it starts at `startedAt`. */
    sessionId: (i: number, startedAt: number) => `sess_${ulid(startedAt, seed, i, 0)}`,
    /** An event id of session `i` no generated event has (seq beyond the session's). */
    extraEventId: (i: number, time: number, n: number) =>
      `evt_${ulid(time, seed, i, perSession + n)}`,
    eventsPerSession: perSession,
  };
}

export type Workload = ReturnType<typeof createWorkload>;
