/**
 * The reference API server: `startServer`, `createApp` (the Hono app), the stores (`SqliteStore`,
 * `PostgresStore`), signing and chain checks (`loadSigningKey`, `verifyChain`).
 */
export { type AppConfig, createApp, DEFAULT_APP_CONFIG } from './api/app';
export { HttpError } from './api/errors';
export * from './chain/index';
export { SERVE_ENV, type ServeConfig, type ServeFlags } from './config';
export { applyEvent, sessionFromStart, significance } from './domain/session';
export {
  DEFAULT_SIGNIFICANCE,
  DEFAULT_WEIGHTS,
  resolveSignificance,
  type SessionFacts,
  type SignificanceConfig,
  SignificanceConfigError,
  type SignificanceConfigInput,
  scoreSession,
  significanceSettings,
} from './domain/significance';
export { searchableText, stripAnsi } from './domain/text';
export { type AlertDeliveryOptions, AlertEngine } from './jobs/alerts';
export { type RetentionPolicy, startRetention, sweepRecordings } from './jobs/retention';
export {
  type ScoredListener,
  type Scorer,
  type ScorerOptions,
  startScoring,
} from './jobs/scoring';
export { signWebhook } from './jobs/webhook';
export {
  openStore,
  type RunningServer,
  type StartOptions,
  type StoreOptions,
  startServer,
} from './serve';
export { serveConfig } from './serve-config';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres';
export type { PurgeReport, PurgeRequest } from './store/purge';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite';
export {
  type ChainCheck,
  type IngestOutcome,
  type ListOptions,
  PERMISSIONS,
  type Permission,
  type Principal,
  type Store,
} from './store/types';
