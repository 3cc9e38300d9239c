/**
 * Story data: sessions and events shaped like what the recorder records, checked against the
 * data model's schemas (so stories cannot drift from the API).
 */
import {
  createIdGenerator,
  type Review,
  reviewSchema,
  type Session,
  type StoredEvent,
  sessionSchema,
  storedEventSchema,
} from '@auditlane/client';

const HASH = '0'.repeat(64);
const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

const ACTORS = [
  { type: 'human', id: 'u-alice', email: 'alice@acme.test', name: 'Alice' },
  { type: 'human', id: 'u-bob', email: 'bob@acme.test' },
  {
    type: 'agent',
    id: 'agent-claude',
    agent: { name: 'Claude Code', version: '2.1.0' },
    onBehalfOf: 'u-bob',
  },
  { type: 'service', id: 'deploy-bot', name: 'deploy-bot' },
] as const;

const RESOURCES = [
  { name: 'billing-db', type: 'database', engine: 'postgres', environment: 'production' },
  { name: 'orders-db', type: 'database', engine: 'postgres', environment: 'staging' },
  { name: 'ops-shell', type: 'ssh', engine: 'bash', environment: 'production' },
  { name: 'prod-cluster', type: 'kubernetes', engine: 'kubectl', environment: 'production' },
  { name: 'claude', type: 'llm', engine: 'anthropic', environment: 'development' },
] as const;

const STATUSES = [
  'ended',
  'ended',
  'ended',
  'active',
  'blocked',
  'revoked',
  'pending_review',
] as const;

/** `n` sessions, newest first, deterministic. */
export function makeSessions(n: number): Session[] {
  const ids = createIdGenerator();
  const out: Session[] = [];
  for (let i = 0; i < n; i++) {
    const started = T0 - i * 97_000;
    const status = i === 0 ? 'active' : STATUSES[i % STATUSES.length];
    const ended =
      status === 'active' || status === 'pending_review'
        ? null
        : started + ((i * 7_919) % 3_600_000);
    const blocked = i % 5 === 0 ? 1 : 0;
    out.push(
      sessionSchema.parse({
        id: ids.sessionId(started),
        org: 'acme',
        actor: ACTORS[i % ACTORS.length],
        resource: RESOURCES[i % RESOURCES.length],
        endpoint: `10.0.${i % 7}.${i % 250}`,
        model: i % ACTORS.length === 2 ? 'claude-sonnet-4-5' : null,
        credential: { kind: 'api_key', fingerprint: 'sk-ant-...A3F2', name: 'shared CI key' },
        mode: i % ACTORS.length === 2 ? 'agent' : 'interactive',
        reason: null,
        status,
        startedAt: new Date(started).toISOString(),
        endedAt: ended === null ? null : new Date(ended).toISOString(),
        durationMs: ended === null ? null : ended - started,
        closeReason: status === 'revoked' ? 'revoked by rita: leaked key' : null,
        recorded: true,
        counters: {
          commands: 3 + (i % 9),
          queries: i % 4,
          blocked,
          pending: status === 'pending_review' ? 1 : 0,
          approved: i % 6 === 0 ? 1 : 0,
          rejected: 0,
          maskedFields: (i * 3) % 7,
          bytes: 2048 * (i % 11),
        },
        usage: {
          inputTokens: i % ACTORS.length === 2 ? 12_000 + i : 0,
          outputTokens: i % ACTORS.length === 2 ? 2_400 : 0,
          costUsd: i % ACTORS.length === 2 ? 0.04 + (i % 13) / 100 : 0,
        },
        labels: { team: i % 2 ? 'payments' : 'platform' },
        significance: {
          score: Math.min(100, blocked * 40 + ((i * 37) % 60)),
          reasons: blocked
            ? [{ code: 'blocked', message: '1 action blocked by policy', weight: 40 }]
            : [],
        },
      }),
    );
  }
  return out;
}

let seq = 0;
function stored(sessionId: string, offsetMs: number, event: Record<string, unknown>): StoredEvent {
  const time = new Date(T0 + offsetMs).toISOString();
  return storedEventSchema.parse({
    id: `evt_${sessionId.slice(5, 15)}_${seq}`,
    sessionId,
    seq: seq++,
    time,
    receivedAt: time,
    hash: HASH,
    ...event,
  });
}

/** A terminal event of a session (asciicast code and data, at an offset of the recording). */
export function terminalEvent(
  sessionId: string,
  offsetMs: number,
  code: 'o' | 'r' | 'm',
  data: string,
): StoredEvent {
  return stored(sessionId, offsetMs, { type: 'terminal', code, data, offsetMs });
}

/** The start of a shell session's recording: its size, a prompt, a command and its output. */
export function makeTerminalEvents(session: Session): StoredEvent[] {
  seq = 0;
  const s = session.id;
  const E = '\u001b';
  const prompt = `${E}[1;32mops@payments-api${E}[0m:${E}[1;34m~${E}[0m$ `;
  const events = [terminalEvent(s, 0, 'r', '100x28'), terminalEvent(s, 50, 'o', prompt)];
  events.push(terminalEvent(s, 1_200, 'o', 'tail -f /var/log/payments/api.log\r\n'));
  for (let i = 0; i < 12; i++) {
    events.push(terminalEvent(s, 1_500 + i * 300, 'o', logLine(i)));
  }
  return events;
}

/** A log line of the live story's `tail -f`. */
export function logLine(i: number): string {
  const E = '\u001b';
  const level = i % 7 === 3 ? `${E}[31mERROR${E}[0m` : `${E}[36mINFO ${E}[0m`;
  const ms = 8 + ((i * 37) % 90);
  return `${level} ${new Date(T0 + i * 1000).toISOString()} POST /v1/charges ${i % 7 === 3 ? 502 : 201} ${ms} ms  #${i}\r\n`;
}

/** The activity of a database session: queries with masked results, a blocked DROP, a review. */
export function makeEvents(session: Session, options: { pending?: boolean } = {}): StoredEvent[] {
  seq = 0;
  const s = session.id;
  const events: StoredEvent[] = [
    stored(s, 0, {
      type: 'lifecycle',
      action: 'start',
      session: { actor: session.actor, resource: session.resource, mode: session.mode },
    }),
  ];
  const select = stored(s, 2_000, {
    type: 'query',
    sql: 'SELECT id, email, card, plan FROM customers ORDER BY id',
    columns: [{ name: 'id' }, { name: 'email' }, { name: 'card' }, { name: 'plan' }],
    rows: Array.from({ length: 50 }, (_, i) => [
      i + 1,
      '****@****',
      '**** **** **** 4242',
      i % 2 ? 'pro' : 'free',
    ]),
    rowCount: 1_284,
    truncated: true,
    resultRef: 'res_01',
    durationMs: 12.4,
  });
  events.push(select);
  events.push(
    stored(s, 2_001, {
      type: 'masking',
      subjectId: select.id,
      fields: ['email', 'card'],
      count: 100,
    }),
  );
  events.push(stored(s, 2_002, { type: 'policy', subjectId: select.id, verdict: 'passed' }));
  const drop = stored(s, 9_000, {
    type: 'query',
    sql: 'DROP TABLE customers',
    error: 'blocked by policy',
  });
  events.push(
    stored(s, 8_999, {
      type: 'policy',
      subjectId: drop.id,
      verdict: 'blocked',
      rule: 'sql-drop',
      reason: 'DROP and TRUNCATE destroy data',
    }),
  );
  events.push(drop);
  const update = `evt_${s.slice(5, 15)}_update`;
  events.push(
    stored(s, 15_000, {
      type: 'policy',
      subjectId: update,
      verdict: 'pending',
      rule: 'sql-write-production',
      reason: 'writes in production need a reviewer',
      reviewId: REVIEW_ID,
    }),
  );
  if (!options.pending) {
    events.push(
      stored(s, 45_000, {
        type: 'policy',
        subjectId: update,
        verdict: 'approved',
        reviewId: REVIEW_ID,
        reviewer: 'rita',
        decidedAt: new Date(T0 + 45_000).toISOString(),
      }),
    );
    events.push(
      stored(s, 45_100, {
        id: update,
        type: 'query',
        sql: "UPDATE plans SET price = 12 WHERE id = 'pro'",
        rowCount: 1,
        durationMs: 3.1,
      }),
    );
  }
  events.push(
    stored(s, 60_000, {
      type: 'command',
      text: 'cat notes.html',
      exitCode: 0,
      output:
        '\u001b[32mok\u001b[0m <img src=x onerror=alert(1)> rendered as text, never as HTML\n',
    }),
  );
  if (session.status !== 'active' && session.status !== 'pending_review') {
    events.push(stored(s, 90_000, { type: 'lifecycle', action: 'end', exitCode: 0 }));
  }
  return events;
}

export const REVIEW_ID = 'rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V';

export function makeReview(session: Session, status: Review['status']): Review {
  return reviewSchema.parse({
    id: REVIEW_ID,
    org: 'acme',
    kind: 'command',
    status,
    sessionId: session.id,
    eventId: `evt_${session.id.slice(5, 15)}_update`,
    subject: { type: 'query', text: "UPDATE plans SET price = 12 WHERE id = 'pro'" },
    requestedBy: session.actor,
    requestedByToken: { id: 'tok_recorders', name: 'recorders' },
    resource: session.resource,
    rule: 'sql-write-production',
    reason: 'writes in production need a reviewer',
    requestedAt: new Date(T0 + 15_000).toISOString(),
    expiresAt: null,
    decidedBy: status === 'pending' ? null : 'rita',
    decidedByToken: status === 'pending' ? null : { id: 'tok_rita', name: 'rita' },
    decidedAt: status === 'pending' ? null : new Date(T0 + 45_000).toISOString(),
    comment: null,
  });
}
