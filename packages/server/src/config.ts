/**
 * The settings of `auditlane serve` and the variables that set them (`ServeConfig`, `ServeFlags`,
 * `SERVE_ENV`): types and constants only, so the command's help loads nothing else.
 *
 * serveConfig, in serve-config.ts, reads them.
 */
import type { AppConfig } from './api/app';
import type { CheckpointOptions } from './jobs/checkpoints';
import type { RetentionPolicy } from './jobs/retention';
import type { StoreOptions } from './serve';

export interface ServeConfig {
  store: StoreOptions;
  port: number;
  host: string;
  app: Partial<AppConfig>;
  retention: RetentionPolicy;
  /** Signing of session heads and checkpoints; undefined without a signing key. */
  checkpoints?: CheckpointOptions;
}

export interface ServeFlags {
  db?: string;
  postgres?: string;
  port?: string;
  host?: string;
  'max-body-bytes'?: string;
  'count-cap'?: string;
  'disable-downloads'?: boolean;
  'retention-days-production'?: string;
  'retention-days-other'?: string;
  'reconnect-grace-seconds'?: string;
  'cors-origin'?: string;
  'allow-self-review'?: string;
  'signing-key'?: string;
  'checkpoint-file'?: string;
  'checkpoint-webhook'?: string;
  'checkpoint-interval-minutes'?: string;
  'verify-key'?: string;
  'significance-file'?: string;
}

/**
 * The environment variables that stand for each flag of `auditlane serve` (the first set wins
 * for a value; either turns downloads off). The command's help lists them from here.
 */
export const SERVE_ENV = {
  db: ['AUDITLANE_DB'],
  postgres: ['AUDITLANE_POSTGRES_URL'],
  port: ['AUDITLANE_PORT'],
  host: ['AUDITLANE_HOST'],
  'max-body-bytes': ['AUDITLANE_MAX_BODY_BYTES'],
  'count-cap': ['AUDITLANE_COUNT_CAP'],
  'disable-downloads': ['DISABLE_SESSIONS_DOWNLOAD', 'AUDITLANE_DISABLE_SESSIONS_DOWNLOAD'],
  'retention-days-production': ['AUDITLANE_RETENTION_DAYS_PRODUCTION'],
  'retention-days-other': ['AUDITLANE_RETENTION_DAYS_OTHER'],
  'reconnect-grace-seconds': ['AUDITLANE_RECONNECT_GRACE_SECONDS'],
  'cors-origin': ['AUDITLANE_CORS_ORIGINS'],
  'allow-self-review': ['AUDITLANE_ALLOW_SELF_REVIEW'],
  'signing-key': ['AUDITLANE_SIGNING_KEY_FILE'],
  'checkpoint-file': ['AUDITLANE_CHECKPOINT_FILE'],
  'checkpoint-webhook': ['AUDITLANE_CHECKPOINT_WEBHOOK'],
  'checkpoint-interval-minutes': ['AUDITLANE_CHECKPOINT_INTERVAL_MINUTES'],
  'verify-key': ['AUDITLANE_VERIFY_KEYS'],
  'significance-file': ['AUDITLANE_SIGNIFICANCE_FILE'],
} as const satisfies Record<keyof ServeFlags, readonly string[]>;
