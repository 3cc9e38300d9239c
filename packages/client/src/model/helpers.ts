/**
 * The data model's helpers that need no schema: `formatActor`, `summarizeCounters`,
 * `joinVerdicts`, the content limits (`fitText`), the recording rules (`recordingRule`) and the
 * model's constants.
 *
 * This module imports nothing at run time (types only), so a UI that uses them does not load zod.
 */
import { ACTION_TYPES } from './actions';
import type { Actor } from './actor';
import type { SessionCounters } from './session';

export * from './actions';
export * from './entities';
export * from './limits';
export * from './recording';
export * from './shape';

/** Period presets of the sessions list filter. */
export const PERIOD_PRESETS = ['1h', '24h', '7d', '30d', '90d'] as const;

/** Milliseconds covered by each period preset. */
export const PERIOD_MS: Record<(typeof PERIOD_PRESETS)[number], number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/** Well-known environments; any other short name is accepted too. */
export const KNOWN_ENVIRONMENTS = [
  'production',
  'staging',
  'development',
  'test',
  'sandbox',
] as const;

/** Environments treated as production (significance, retention). */
export const PRODUCTION_ENVIRONMENTS: readonly string[] = ['production', 'prod'];

export function isProduction(environment: string): boolean {
  return PRODUCTION_ENVIRONMENTS.includes(environment);
}

/** What an API token may do. */
export const PERMISSIONS = [
  'view_history',
  'view_recording',
  'download_recording',
  'revoke',
  'review',
  'ingest',
  'manage_alerts',
] as const;

export const RESOURCE_TYPES = [
  'database',
  'ssh',
  'application',
  'kubernetes',
  'llm',
  'http',
] as const;

export const SESSION_STATUSES = [
  'pending_review',
  'active',
  'ended',
  'revoked',
  'dropped',
  'blocked',
  'failed',
] as const;

/** Sessions that may still grow (events may still arrive): not ended, revoked, blocked or failed. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set<(typeof SESSION_STATUSES)[number]>([
  'active',
  'pending_review',
  'dropped',
]);

/** Event types, in the order of the data model. */
export const EVENT_TYPES = [
  'command',
  'query',
  'terminal',
  'policy',
  'masking',
  'file',
  'outbound',
  'tool_call',
  'llm_call',
  'lifecycle',
] as const;

/**
 * What a session's activity lists: actions, and `policy` for a verdict whose action was never
 * recorded. Policy and masking events about an action are part of its entry.
 */
export const ACTIVITY_TYPES = [...ACTION_TYPES, 'policy'] as const;

/** The marks "what matters" filters on: an entry blocked, pending, rejected, masked or failed. */
export const MATTERING_MARKS = ['blocked', 'pending', 'rejected', 'masked', 'failed'] as const;

/** Every verdict filter of the activity: the marks that matter, and the other verdicts. */
export const ACTIVITY_MARKS = [...MATTERING_MARKS, 'approved', 'passed'] as const;

/** "Claude Code v1.2.0", "alice@example.com", "deploy-bot". */
export function formatActor(actor: Actor): string {
  if (actor.type === 'agent' && actor.agent) {
    return actor.agent.version ? `${actor.agent.name} v${actor.agent.version}` : actor.agent.name;
  }
  return actor.email ?? actor.name ?? actor.id;
}

/** "5 commands · 1 blocked · 1 approved · 4 fields masked": zero counts are left out. */
export function summarizeCounters(c: SessionCounters): string {
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (c.commands) parts.push(plural(c.commands, 'command', 'commands'));
  if (c.queries) parts.push(plural(c.queries, 'query', 'queries'));
  if (c.blocked) parts.push(`${c.blocked} blocked`);
  if (c.pending) parts.push(`${c.pending} pending`);
  if (c.approved) parts.push(`${c.approved} approved`);
  if (c.rejected) parts.push(`${c.rejected} rejected`);
  if (c.maskedFields) parts.push(plural(c.maskedFields, 'field masked', 'fields masked'));
  return parts.join(' · ');
}
