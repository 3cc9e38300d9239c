import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HttpSink } from '@auditlane/recorder';
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

/**
 * What a recorder leaves behind when it exits before the server has everything: how many
 * events, where, and the command that sends them (the session shows as active until then).
 */
export function undelivered(
  sink: HttpSink,
  what: string,
  server: string,
  spool: string | undefined,
): string[] {
  const { waiting, spools } = sink.report();
  if (waiting === 0) return [];
  if (spools.length === 0)
    return [
      `${events(waiting)} of ${what} did not reach ${server} and ${waiting === 1 ? 'is' : 'are'} lost: no spool could keep ${waiting === 1 ? 'it' : 'them'}`,
    ];
  return [
    `${events(waiting)} of ${what} did not reach ${server}; ${waiting === 1 ? 'it waits' : 'they wait'} in ${spools.join(', ')} (until then the session shows as active)`,
    `send them with: auditlane spool drain --spool ${shellWord(spoolDir(spool))} --server ${shellWord(server)} (token: --token or AUDITLANE_TOKEN)`,
  ];
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `1 event`, `2 events`. */
export function events(n: number): string {
  return `${n} event${n === 1 ? '' : 's'}`;
}
