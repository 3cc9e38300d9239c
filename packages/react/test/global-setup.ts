/**
 * Before the component tests (in Node): a real reference server on a SQLite file, with CORS for
 * the test page's origin, seeded through the real recorder. A second server on the same store
 * has downloads disabled (DISABLE_SESSIONS_DOWNLOAD).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, PERMISSIONS } from '@auditlane/client';
import { type RunningServer, SqliteStore, startServer } from '@auditlane/server';
import type { TestProject } from 'vitest/node';
import { seed } from './seed';
import { seedClaudeCode } from './seed-claude-code';

export interface TestServers {
  url: string;
  noDownloadsUrl: string;
  adminToken: string;
  viewerToken: string;
  /** Every permission in an org of its own: for tests that record sessions (acme's counts stay). */
  scratchToken: string;
  dbSession: string;
  shellSession: string;
  liveSession: string;
  agentSession: string;
  /** In the scratch org: a Claude Code session recorded through its hooks (tool calls). */
  claudeCodeSession: string;
  bulkSessions: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    servers: TestServers;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'auditlane-react-'));
  const store = new SqliteStore({ filename: join(dir, 'auditlane.db') });
  const admin = await store.createToken({
    org: 'acme',
    name: 'rita',
    permissions: [...PERMISSIONS],
  });
  const viewer = await store.createToken({
    org: 'acme',
    name: 'victor',
    permissions: ['view_history', 'view_recording'],
  });
  // The recorders' own token: what they ask a reviewer for, another token (rita) decides.
  const recorders = await store.createToken({
    org: 'acme',
    name: 'recorders',
    permissions: ['ingest', 'view_history'],
  });
  const scratch = await store.createToken({
    org: 'scratch',
    name: 'sam',
    permissions: [...PERMISSIONS],
  });
  const config = { corsOrigins: ['*'], pollMs: 200 };
  const servers: RunningServer[] = [
    await startServer({ store, port: 0, config }),
    await startServer({ store, port: 0, config: { ...config, disableDownloads: true } }),
  ];
  const [main, noDownloads] = servers as [RunningServer, RunningServer];
  const client = createClient({ baseUrl: main.url, token: admin.token, retries: 0 });
  const seeded = await seed(
    main.url,
    recorders.token,
    createClient({ baseUrl: main.url, token: recorders.token, retries: 0 }),
  );
  const claudeCodeSession = await seedClaudeCode(main.url, scratch.token);
  project.provide('servers', {
    url: main.url,
    noDownloadsUrl: noDownloads.url,
    adminToken: admin.token,
    viewerToken: viewer.token,
    scratchToken: scratch.token,
    dbSession: seeded.dbSession,
    shellSession: seeded.shellSession,
    liveSession: seeded.liveSession,
    agentSession: seeded.agentSession,
    claudeCodeSession,
    bulkSessions: seeded.bulkSessions,
  });
  return async () => {
    // Let the agent's held command end (rejected) before the servers go away.
    for await (const review of client.reviews.list({ status: ['pending'] })) {
      await client.reviews.reject(review.id, { comment: 'test run over' }).catch(() => {});
    }
    await Promise.race([seeded.decision, new Promise((r) => setTimeout(r, 5_000))]);
    await seeded.close().catch(() => {});
    for (const server of servers) await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
