import { SERVE_ENV, type ServeConfig, type ServeFlags } from '@auditlane/server/config';
import { defineCommand, type OptionSpec, usage } from '../command';

/** One option per setting of serveConfig: a setting without its option (and help) does not compile. */
const options = {
  db: {
    type: 'string',
    value: 'FILE',
    description: 'SQLite file (default auditlane.db)',
    env: SERVE_ENV.db,
  },
  postgres: {
    type: 'string',
    value: 'URL',
    description: 'PostgreSQL (postgres://...) instead of SQLite',
    env: SERVE_ENV.postgres,
  },
  port: {
    type: 'string',
    value: 'N',
    description: 'port to listen on (default 4680; 0 picks a free one)',
    env: SERVE_ENV.port,
  },
  host: {
    type: 'string',
    value: 'HOST',
    description: 'address to listen on (default 127.0.0.1)',
    env: SERVE_ENV.host,
  },
  'disable-downloads': {
    type: 'boolean',
    description: 'refuse downloads of recordings, logs, results and exports',
    env: SERVE_ENV['disable-downloads'],
  },
  'cors-origin': {
    type: 'string',
    value: 'LIST',
    description: 'origins whose pages may call the API from a browser, comma-separated',
    env: SERVE_ENV['cors-origin'],
  },
  'allow-self-review': {
    type: 'string',
    value: 'ORGS',
    description:
      'orgs (comma-separated) whose reviews the requester may decide (one-person teams); elsewhere requester and reviewer differ',
    env: SERVE_ENV['allow-self-review'],
  },
  'max-body-bytes': {
    type: 'string',
    value: 'N',
    description: 'largest request body',
    env: SERVE_ENV['max-body-bytes'],
  },
  'count-cap': {
    type: 'string',
    value: 'N',
    description: 'most sessions a capped count counts',
    env: SERVE_ENV['count-cap'],
  },
  'retention-days-production': {
    type: 'string',
    value: 'N',
    description: 'purge production recordings older than N days (default: keep)',
    env: SERVE_ENV['retention-days-production'],
  },
  'retention-days-other': {
    type: 'string',
    value: 'N',
    description: 'purge other recordings older than N days (default: keep)',
    env: SERVE_ENV['retention-days-other'],
  },
  'reconnect-grace-seconds': {
    type: 'string',
    value: 'N',
    description: 'how long a dropped session may be reconnected by its own actor (default 300)',
    env: SERVE_ENV['reconnect-grace-seconds'],
  },
  'signing-key': {
    type: 'string',
    value: 'FILE',
    description:
      'sign session heads, retention purges and checkpoints with this Ed25519 private key (auditlane keys create); the database never holds it',
    env: SERVE_ENV['signing-key'],
  },
  'checkpoint-file': {
    type: 'string',
    value: 'FILE',
    description: 'append each signed statement to this file, one JSON line each',
    env: SERVE_ENV['checkpoint-file'],
  },
  'checkpoint-webhook': {
    type: 'string',
    value: 'URL',
    description: 'also POST each signed statement here as JSON',
    env: SERVE_ENV['checkpoint-webhook'],
  },
  'checkpoint-interval-minutes': {
    type: 'string',
    value: 'N',
    description: "minutes between checkpoints of every org's heads (default 60)",
    env: SERVE_ENV['checkpoint-interval-minutes'],
  },
  'verify-key': {
    type: 'string',
    value: 'LIST',
    description:
      'public key files of earlier signing keys, comma-separated, so their statements still check',
    env: SERVE_ENV['verify-key'],
  },
  'significance-file': {
    type: 'string',
    value: 'FILE',
    description:
      'JSON file of significance weights, patterns and baselines (see the server README); AUDITLANE_SIGNIFICANCE_* variables override it',
    env: SERVE_ENV['significance-file'],
  },
} as const satisfies Record<keyof ServeFlags, OptionSpec>;

export const serve = defineCommand({
  name: 'serve',
  summary: 'run the reference API server',
  description:
    'Serves the Auditlane API (/v1) on SQLite or PostgreSQL until SIGINT or SIGTERM, purging old recordings hourly when a retention is set.',
  options,
  env: { AUDITLANE_SIGNING_KEY: 'the signing key itself (PEM), instead of --signing-key FILE' },
  examples: [
    'auditlane serve --db /var/lib/auditlane/auditlane.db --port 4680',
    'AUDITLANE_POSTGRES_URL=postgres://auditlane@db/auditlane auditlane serve --disable-downloads',
    'auditlane serve --signing-key /etc/auditlane/signing.key --checkpoint-file /var/log/auditlane/checkpoints.ndjson',
  ],
  async run({ values }, io) {
    const { openStore, serveConfig, startServer } = await import('../load/server');
    let config: ServeConfig;
    try {
      config = serveConfig(values, io.env);
    } catch (error) {
      throw usage((error as Error).message);
    }
    const store = await openStore(config.store);
    const server = await startServer({
      store,
      port: config.port,
      host: config.host,
      config: config.app,
      retention: config.retention,
      ...(config.checkpoints ? { checkpoints: config.checkpoints } : {}),
    });
    const where = config.store.postgres ? 'PostgreSQL' : `SQLite ${config.store.db}`;
    const notes = [where];
    if (config.app.disableDownloads) notes.push('downloads disabled');
    const { productionDays, otherDays } = config.retention;
    if (productionDays !== null || otherDays !== null) {
      notes.push(
        `recordings kept ${productionDays ?? '∞'} days in production, ${otherDays ?? '∞'} elsewhere`,
      );
    }
    if (config.checkpoints) {
      const c = config.checkpoints;
      notes.push(
        `heads signed with ${c.key.kid}${c.file ? `, checkpoints to ${c.file}` : ''}${c.webhook ? ` and ${c.webhook}` : ''}`,
      );
    }
    io.out(`auditlane serving ${server.url}/v1 (${notes.join(', ')})`);
    await (io.stopped ?? new Promise(() => {}));
    await server.close();
    await store.close();
    return 0;
  },
});
