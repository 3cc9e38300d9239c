import { createIdGenerator, type EventInput } from '@auditlane/client';
import { rng } from '@auditlane/testing/random';

export { rng };

const COMMANDS = [
  'ls -la /var/log',
  'kubectl get pods -n prod',
  'kubectl delete pod api-7f9c --namespace prod',
  'git log --oneline -20',
  'cat /etc/nginx/nginx.conf',
  'terraform plan -out tf.plan',
  'systemctl restart nginx',
  'grep -R "timeout" /srv/app/config',
];
const QUERIES = [
  'SELECT id, email FROM customers WHERE plan = $1 LIMIT 50',
  'UPDATE accounts SET plan = $1 WHERE id = $2',
  'SELECT count(*) FROM invoices WHERE paid_at IS NULL',
  'DELETE FROM sessions WHERE expires_at < now()',
];
const OUTPUT =
  '\u001b[32mINFO\u001b[0m 2026-11-25T06:00:00Z request handled path=/api/v1/orders status=200 duration_ms=12\r\n';

/**
 * One session's events as a recorder would send them: a start, then `count - 1` events, a mix of
 * commands (40%), terminal output (40%), queries (15%) and policy verdicts (5%).
 */
export function sessionEvents(
  i: number,
  count: number,
  startedAt: number,
  random: () => number,
): EventInput[] {
  const ids = createIdGenerator();
  const sessionId = ids.sessionId(startedAt);
  const envs = ['production', 'staging', 'development'];
  const types = ['database', 'ssh', 'kubernetes', 'llm'] as const;
  const events: EventInput[] = [
    {
      id: ids.eventId(startedAt),
      sessionId,
      seq: 0,
      time: new Date(startedAt).toISOString(),
      type: 'lifecycle',
      action: 'start',
      session: {
        actor:
          i % 4 === 0
            ? { type: 'agent', id: 'claude-code', agent: { name: 'Claude Code', version: '1.2.0' } }
            : { type: 'human', id: `u${i % 500}`, email: `user${i % 500}@acme.test` },
        resource: {
          name: `res-${i % 200}`,
          type: types[i % types.length]!,
          environment: envs[i % envs.length]!,
        },
        mode: 'interactive',
        labels: { team: `team-${i % 20}` },
      },
    },
  ];
  for (let seq = 1; seq < count; seq++) {
    const time = new Date(startedAt + seq * 1000).toISOString();
    const base = { id: ids.eventId(startedAt + seq), sessionId, seq, time };
    const r = random();
    if (r < 0.4) {
      events.push({
        ...base,
        type: 'command',
        text: COMMANDS[Math.floor(random() * COMMANDS.length)]!,
        exitCode: 0,
      });
    } else if (r < 0.8) {
      events.push({ ...base, type: 'terminal', code: 'o', data: OUTPUT, offsetMs: seq * 1000 });
    } else if (r < 0.95) {
      events.push({
        ...base,
        type: 'query',
        sql: QUERIES[Math.floor(random() * QUERIES.length)]!,
        columns: [{ name: 'id' }, { name: 'email' }],
        rows: [
          [1, '****@acme.test'],
          [2, '****@acme.test'],
        ],
        rowCount: 2,
      });
    } else {
      events.push({
        ...base,
        type: 'policy',
        verdict: random() < 0.5 ? 'blocked' : 'passed',
        rule: 'default',
      });
    }
  }
  return events;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Prints a Markdown table. */
export function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
