// What the server's verbs (serve, token create, keys create, verify) need, loaded when they run.
export { createClient } from '@auditlane/client';
export {
  createKeyPair,
  loadVerifyKey,
  openStore,
  serveConfig,
  startServer,
  verifyExport,
} from '@auditlane/server';
