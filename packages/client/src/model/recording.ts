/**
 * Recording rules: whether a session must be recorded, may be, or is not, by its resource and
 * environment. Zod-free: the recorder enforces them (a session that must be recorded does not
 * run unrecorded) and the server checks what arrives against the same defaults.
 */
import { isProduction, OPEN_STATUSES } from './helpers';

/**
 * `required`: the session is recorded or does not run (its events must reach the spool or the
 * server; a terminal session keeps its terminal recording). `optional`: recorded when the
 * recorder can; the session runs when it cannot. `off`: only the session's start and end are
 * sent (it happened, who, where), nothing of what happened in it.
 */
export const RECORD_MODES = ['required', 'optional', 'off'] as const;
export type RecordMode = (typeof RECORD_MODES)[number];

/** What each mode means, for documentation and error messages. */
export const RECORD_MODE_MEANING: Record<RecordMode, string> = {
  required:
    'recorded or not run: when neither the spool nor the server can take events, the program does not start and instrumented calls are blocked; a terminal session must keep its terminal recording',
  optional: 'recorded when the recorder can; the session still runs when it cannot',
  off: "only the session's lifecycle start and end are sent (with `recorded: false`), nothing of its content",
};

/** One recording rule. Every condition given must hold (each list: any of its items). */
export interface RecordingRule {
  id: string;
  record: RecordMode;
  reason?: string;
  match: {
    /** Environments; `production` also matches `prod`. */
    environment?: readonly string[];
    /** Resource names (`*` wildcard). */
    resource?: readonly string[];
    resourceType?: readonly string[];
  };
}

/** The resource a session runs against, as far as recording rules look at it. */
export interface RecordingScope {
  name?: string;
  type?: string;
  environment?: string;
}

/** The rule that applies to a session, and what it says. */
export interface RecordingDecision {
  record: RecordMode;
  rule: string;
  reason?: string;
}

/**
 * The built-in rules, checked after a policy's own: production sessions are always recorded,
 * the others when the recorder can.
 */
export const DEFAULT_RECORDING_RULES: readonly RecordingRule[] = [
  {
    id: 'production-recorded',
    record: 'required',
    reason: 'production sessions are always recorded',
    match: { environment: ['production'] },
  },
  {
    id: 'recorded-when-possible',
    record: 'optional',
    reason: 'sessions outside production are recorded when the recorder can',
    match: {},
  },
];

/** Whether a rule's conditions hold for a resource. */
export function recordingRuleMatches(rule: RecordingRule, scope: RecordingScope): boolean {
  return resourceMatches(rule.match, scope);
}

/**
 * Whether a resource is in a rule's scope (environments, `production` also matching `prod`;
 * resource names with `*`; resource types): the one check of recording and policy rules alike.
 */
export function resourceMatches(m: RecordingRule['match'], scope: RecordingScope): boolean {
  const env = scope.environment;
  if (m.environment) {
    if (!env) return false;
    const ok = m.environment.some((e) =>
      e === 'production' ? isProduction(env) : e.toLowerCase() === env.toLowerCase(),
    );
    if (!ok) return false;
  }
  if (m.resource && !m.resource.some((r) => globMatch(r, scope.name ?? ''))) return false;
  if (m.resourceType && !m.resourceType.includes(scope.type ?? '')) return false;
  return true;
}

/**
 * The recording rule of a resource: the first of `rules` that matches, else the first of
 * {@link DEFAULT_RECORDING_RULES} (whose last rule matches everything).
 */
export function recordingRule(
  scope: RecordingScope,
  rules: readonly RecordingRule[] = [],
): RecordingDecision {
  for (const rule of [...rules, ...DEFAULT_RECORDING_RULES]) {
    if (recordingRuleMatches(rule, scope))
      return rule.reason === undefined
        ? { record: rule.record, rule: rule.id }
        : { record: rule.record, rule: rule.id, reason: rule.reason };
  }
  return { record: 'optional', rule: 'recorded-when-possible' };
}

/** Resource types whose interactive sessions are terminals: their recording is a terminal capture. */
export const TERMINAL_RESOURCE_TYPES: readonly string[] = ['ssh'];

/**
 * Whether a session's recording includes a terminal capture: an interactive session on a
 * terminal resource (a shell on a host). Other sessions are recorded as their events (queries,
 * commands, tool calls) and keep no terminal recording.
 */
export function expectsTerminal(session: { mode?: string; resource: { type: string } }): boolean {
  return (
    (session.mode ?? 'interactive') === 'interactive' &&
    TERMINAL_RESOURCE_TYPES.includes(session.resource.type)
  );
}

/** What a session's record says about its recording, as the server holds it. */
export interface RecordedFacts {
  mode: string;
  resource: RecordingScope & { type: string };
  /** The session keeps a terminal recording (said at its start, or terminal events arrived). */
  recorded: boolean;
  status: string;
  /** Terminal events that arrived (absent on sessions stored before this was counted). */
  terminalEvents?: number;
}

/**
 * Why a session lacks the recording its rule requires (the built-in rules: production), or
 * null when it has it or its rule does not require one. A terminal session must start with
 * `recorded: true`, and once it has ended, terminal events must have arrived.
 */
export function missingRecording(
  session: RecordedFacts,
  rules: readonly RecordingRule[] = [],
): string | null {
  const rule = recordingRule(session.resource, rules);
  if (rule.record !== 'required') return null;
  const why = `recording is required (rule ${rule.rule}${rule.reason ? `: ${rule.reason}` : ''})`;
  if (!expectsTerminal(session)) return null;
  // Terminal events arrived: it was recorded (retention may purge the recording later).
  if ((session.terminalEvents ?? 0) > 0) return null;
  if (!session.recorded)
    return `a terminal session started without its recording (recorded: false); ${why}`;
  if (session.terminalEvents === 0 && !OPEN_STATUSES.has(session.status))
    return `the session ended without any terminal events; ${why}`;
  return null;
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  if (!value.startsWith(parts[0]!)) return false;
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = value.indexOf(parts[i]!, at);
    if (found === -1) return false;
    at = found + parts[i]!.length;
  }
  const last = parts[parts.length - 1]!;
  return value.length - at >= last.length && value.endsWith(last);
}
