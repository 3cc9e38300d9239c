import type { Alert, AlertDelivery, AuditlaneClient } from '@auditlane/client';
import { defineCommand, type Io, usage } from '../command';

const connection = {
  server: {
    type: 'string',
    value: 'URL',
    description: 'the server (default http://127.0.0.1:4680)',
    env: ['AUDITLANE_URL'],
  },
  token: {
    type: 'string',
    value: 'TOKEN',
    description: 'an API token with manage_alerts (required)',
    env: ['AUDITLANE_TOKEN'],
  },
  json: { type: 'boolean', description: 'print JSON instead of lines' },
} as const;

async function connect(setting: (name: 'server' | 'token') => string | undefined) {
  const token = setting('token');
  if (!token) throw usage('--token is required (or AUDITLANE_TOKEN): a token with manage_alerts');
  const { createClient } = await import('../load/alerts');
  return createClient({ baseUrl: setting('server') ?? 'http://127.0.0.1:4680', token });
}

/** `environment=production&status=blocked` (the sessions list's query string) → the filter. */
async function parseQuery(text: string) {
  const { fromSearchParams, alertQuerySchema } = await import('../load/alerts');
  try {
    return fromSearchParams(alertQuerySchema, new URLSearchParams(text.replace(/^\?/, '')));
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const first = issues?.[0];
    if (!first) throw error;
    const where = first.path.map(String).join('.');
    throw usage(`--query: ${where ? `${where}: ` : ''}${first.message}`);
  }
}

const describeQuery = (alert: Alert) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(alert.query)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return params.toString() || '(every session)';
};

const alertLine = (a: Alert) =>
  `${a.id}  ${a.enabled ? 'enabled ' : 'disabled'}  ${a.name}  ${describeQuery(a)}  → ${a.url}`;

const deliveryLine = (d: AlertDelivery) =>
  [
    d.id,
    d.status,
    d.type,
    d.sessionId ?? '-',
    `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`,
    d.responseStatus === null ? '' : `HTTP ${d.responseStatus}`,
    d.status === 'pending' && d.nextAttemptAt ? `next ${d.nextAttemptAt}` : '',
    d.lastError && d.status !== 'delivered' ? d.lastError : '',
  ]
    .filter(Boolean)
    .join('  ');

function print(io: Io, json: boolean | undefined, value: unknown, lines: () => string[]) {
  if (json) io.out(JSON.stringify(value, null, 2));
  else for (const line of lines()) io.out(line);
}

async function all<T>(items: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

export const alertsList = defineCommand({
  name: 'alerts list',
  summary: 'list the alerts of the org (saved searches that send webhooks)',
  options: connection,
  examples: ['auditlane alerts list --server https://audit.example.com'],
  async run({ values, setting }, io) {
    const client: AuditlaneClient = await connect(setting);
    const alerts = await all(client.alerts.list({ limit: 100 }), 10_000);
    print(io, values.json, alerts, () =>
      alerts.length === 0 ? ['no alerts'] : alerts.map(alertLine),
    );
    return 0;
  },
});

export const alertsCreate = defineCommand({
  name: 'alerts create',
  summary: 'create an alert; prints its signing secret, shown once',
  description:
    'An alert saves a query of the sessions list (the query string of GET /v1/sessions, without sort, cursor, limit or count) and POSTs a signed webhook (Standard Webhooks) to --url for each session that newly matches it: once per session. Sessions matching when it is created are taken as seen. The secret (whsec_...) verifies the signatures; it is printed once, on stderr with the id on stdout unless --json.',
  options: {
    ...connection,
    name: { type: 'string', value: 'NAME', description: 'what the alert is called (required)' },
    query: {
      type: 'string',
      value: 'QUERY',
      description:
        'the sessions list filters, as a query string: environment=production&status=blocked, minSignificance=60 (default: every session)',
    },
    url: { type: 'string', value: 'URL', description: 'the http(s) URL to POST to (required)' },
    disabled: { type: 'boolean', description: 'create it disabled' },
  },
  examples: [
    "auditlane alerts create --name prod-blocked --query 'environment=production&status=blocked' --url https://hooks.example.com/auditlane",
    'auditlane alerts create --name significant --query minSignificance=60 --url https://hooks.example.com/auditlane',
  ],
  async run({ values, setting }, io) {
    if (!values.name) throw usage('--name is required');
    if (!values.url) throw usage('--url is required');
    const query = await parseQuery(values.query ?? '');
    const client = await connect(setting);
    const alert = await client.alerts.create({
      name: values.name,
      query,
      url: values.url,
      enabled: !values.disabled,
    });
    if (values.json) io.out(JSON.stringify(alert, null, 2));
    else {
      io.out(alertLine(alert));
      io.err(`signing secret (shown once, keep it with the receiver): ${alert.secret}`);
    }
    return 0;
  },
});

export const alertsShow = defineCommand({
  name: 'alerts show',
  summary: 'show an alert and its latest deliveries',
  args: { usage: 'ALERT_ID', min: 1, max: 1 },
  options: connection,
  examples: ['auditlane alerts show alrt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V'],
  async run({ positionals, values, setting }, io) {
    const client = await connect(setting);
    const alert = await client.alerts.get(positionals[0]!);
    const deliveries = (await client.alerts.deliveries(alert.id, { limit: 10 })).data;
    print(io, values.json, { ...alert, deliveries }, () => [
      alertLine(alert),
      ...(deliveries.length === 0 ? ['no deliveries'] : deliveries.map(deliveryLine)),
    ]);
    return 0;
  },
});

export const alertsDelete = defineCommand({
  name: 'alerts delete',
  summary: 'delete an alert and its delivery log',
  args: { usage: 'ALERT_ID', min: 1, max: 1 },
  options: connection,
  examples: ['auditlane alerts delete alrt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V'],
  async run({ positionals, setting }, io) {
    const client = await connect(setting);
    await client.alerts.delete(positionals[0]!);
    io.out(`deleted ${positionals[0]}`);
    return 0;
  },
});

export const alertsDeliveries = defineCommand({
  name: 'alerts deliveries',
  summary: "an alert's delivery log: each message, its attempts and outcome",
  args: { usage: 'ALERT_ID', min: 1, max: 1 },
  options: {
    ...connection,
    status: {
      type: 'string',
      value: 'STATUS',
      description: 'only pending, delivered or failed (comma-separated)',
    },
    limit: { type: 'string', value: 'N', description: 'at most N deliveries (default 100)' },
  },
  examples: ['auditlane alerts deliveries alrt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V --status failed'],
  async run({ positionals, values, setting }, io) {
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw usage('--limit: must be a positive integer');
    const status = values.status?.split(',').map((s) => s.trim());
    for (const s of status ?? [])
      if (!['pending', 'delivered', 'failed'].includes(s))
        throw usage(`--status: ${s} is not one of pending, delivered, failed`);
    const client = await connect(setting);
    const deliveries = await all(
      client.alerts.deliveries(positionals[0]!, {
        status: status as AlertDelivery['status'][] | undefined,
        limit: Math.min(limit, 500),
      }),
      limit,
    );
    print(io, values.json, deliveries, () =>
      deliveries.length === 0 ? ['no deliveries'] : deliveries.map(deliveryLine),
    );
    return 0;
  },
});
