import type { Permission } from '@auditlane/client';
import { PERMISSIONS } from '@auditlane/client/helpers';
import { SERVE_ENV } from '@auditlane/server/config';
import { defineCommand, usage } from '../command';

export const tokenCreate = defineCommand({
  name: 'token create',
  summary: 'create an API token and print it (shown once)',
  description: `Creates a token of an org in the server's database and prints it on stdout; it is stored only as a hash. Permissions: ${PERMISSIONS.join(', ')}.`,
  options: {
    org: { type: 'string', value: 'ORG', description: 'the org the token acts for (required)' },
    name: { type: 'string', value: 'NAME', description: 'what the token is for (default "token")' },
    permissions: {
      type: 'string',
      value: 'LIST',
      description: 'comma-separated permissions, or "all" (required)',
    },
    db: { type: 'string', value: 'FILE', description: 'SQLite file', env: SERVE_ENV.db },
    postgres: {
      type: 'string',
      value: 'URL',
      description: 'PostgreSQL instead of SQLite',
      env: SERVE_ENV.postgres,
    },
  },
  examples: [
    'auditlane token create --org acme --name recorder --permissions ingest',
    'auditlane token create --org acme --name admin --permissions all --db auditlane.db',
  ],
  async run({ values }, io) {
    const { openStore, serveConfig } = await import('../load/server');
    if (!values.org) throw usage('--org is required');
    if (!values.permissions)
      throw usage(
        `--permissions is required: a comma-separated list of ${PERMISSIONS.join(', ')}, or "all"`,
      );
    const permissions =
      values.permissions === 'all'
        ? [...PERMISSIONS]
        : values.permissions.split(',').map((p) => p.trim());
    const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
    if (unknown.length > 0)
      throw usage(`unknown permission ${unknown.join(', ')}: use ${PERMISSIONS.join(', ')}`);
    const config = serveConfig({ db: values.db, postgres: values.postgres }, io.env);
    const store = await openStore(config.store);
    try {
      const created = await store.createToken({
        org: values.org,
        name: values.name ?? 'token',
        permissions: permissions as Permission[],
      });
      io.out(created.token);
      io.err(
        `created ${created.id} for org ${values.org}: ${permissions.join(', ')} (the token is shown only now)`,
      );
    } finally {
      await store.close();
    }
    return 0;
  },
});
