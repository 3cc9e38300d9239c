import { type Cluster, startCluster } from '@auditlane/testing/postgres-cluster';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let cluster: Cluster | undefined;

export async function setup(project: TestProject) {
  const given = process.env.AUDITLANE_TEST_POSTGRES_URL;
  if (given) {
    project.provide('postgresUrl', given);
    return;
  }
  cluster = await startCluster();
  project.provide('postgresUrl', cluster.url);
}

export function teardown() {
  cluster?.stop();
}
