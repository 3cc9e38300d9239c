import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OptionSpec } from '../command';

/** Options several verbs share, declared once. */
export const serverOption = {
  type: 'string',
  value: 'URL',
  description: 'the server to record to',
  env: ['AUDITLANE_URL'],
} as const satisfies OptionSpec;

export const tokenOption = {
  type: 'string',
  value: 'TOKEN',
  description: 'an API token with ingest (review too, for held actions)',
  env: ['AUDITLANE_TOKEN'],
} as const satisfies OptionSpec;

export const spoolOption = {
  type: 'string',
  value: 'DIR',
  description: 'where events wait on disk until the server has them (default ~/.auditlane/spool)',
  env: ['AUDITLANE_SPOOL'],
} as const satisfies OptionSpec;

export const policyOption = {
  type: 'string',
  value: 'FILE',
  description: 'rules (YAML or JSON), before the built-in ones',
  env: ['AUDITLANE_POLICY'],
} as const satisfies OptionSpec;

/** The spool directory: the option, its variable, or ~/.auditlane/spool. */
export function spoolDir(setting: string | undefined): string {
  return setting ?? join(homedir(), '.auditlane', 'spool');
}
