import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlaneClient,
  isProduction,
  type Resource,
  type SessionStartInput,
} from '@auditlane/client';
import { recordToolFacts } from '../facts/record';
import { Policy, type PolicyScope } from '../policy/policy';
import { type Authorization, createRecorder, type RecordedSession } from '../recorder';
import type { Sink } from '../sinks/sink';
import {
  type HookState,
  lock,
  type PendingCall,
  readState,
  resourceKey,
  writeState,
} from './state';

/**
 * Claude Code hooks (https://code.claude.com/docs/en/hooks): each hook runs this as a new
 * process with the event's JSON on stdin. SessionStart opens a session; PreToolUse records the
 * attempt at once (with the files, hosts and tables it names), asks the policy (and a reviewer) and answers in the hook protocol;
 * PostToolUse and PostToolUseFailure record the result, paired with its attempt by `callId`;
 * SessionEnd ends the session. State between the processes of one session (its sessions, their
 * next seq, calls waiting for their result) lives in `stateDir`.
 */
export interface HookOptions {
  /** Where the events go, or how to open it (a sink that cannot open is a failed hook). */
  sink: Sink | (() => Sink);
  /** The policy, or how to load it (a policy that cannot load is a failed hook). */
  policy?: Policy | false | (() => Promise<Policy>);
  /** The server that decides reviews. */
  reviews?: AuditlaneClient;
  /** Where sessions are remembered between hook processes. Default ~/.auditlane/hooks. */
  stateDir?: string;
  /**
   * The resource this call works on (its environment above all): what is given here holds for
   * this call, what is not is the session's (by default its working directory on this host, in
   * development). A call on another resource or environment than the session's first is decided
   * there and recorded in a session of that resource, labelled with the same Claude Code session.
   */
  resource?: Partial<Resource>;
  /** Who the agent acts for, when known. */
  onBehalfOf?: string;
  labels?: Record<string, string>;
  /** How long a held tool call waits for a reviewer (within the hook's own timeout, 600 s). */
  reviewTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/** What the hook process prints and how it exits. */
export interface HookAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface HookInput {
  hook_event_name?: unknown;
  session_id?: unknown;
  cwd?: unknown;
  model?: unknown;
  source?: unknown;
  reason?: unknown;
  tool_name?: unknown;
  tool_input?: unknown;
  tool_response?: unknown;
  tool_use_id?: unknown;
  error?: unknown;
  is_interrupt?: unknown;
}

/** The hook events the adapter records; any other is answered quietly and not recorded. */
export const CLAUDE_CODE_HOOK_EVENTS = [
  'SessionStart',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'SessionEnd',
] as const;

/** How long a held call waits for a reviewer by default: within Claude Code's 600 s timeout. */
export const HOOK_REVIEW_TIMEOUT_MS = 540_000;

const QUIET: HookAnswer = { stdout: '', stderr: '', exitCode: 0 };

/**
 * Handles one hook event and says what to print and how to exit; it never throws. When the hook
 * itself fails (a truncated payload, a policy or sink that cannot open, an event that cannot be
 * recorded) the policy's `onError` decides, by default closed in production and open elsewhere:
 * closed exits 2 with the reason on stderr, which Claude Code treats as a refusal of the tool
 * call (exit 1 and other codes let the call run); open exits 1 with a warning.
 */
export async function handleClaudeCodeHook(raw: string, options: HookOptions): Promise<HookAnswer> {
  let environment = options.resource?.environment;
  let policy: Policy | undefined;
  let event = '';
  try {
    const input = parse(raw);
    event = input.hook_event_name as string;
    if (!(CLAUDE_CODE_HOOK_EVENTS as readonly string[]).includes(event)) return QUIET;
    policy = await loadPolicy(options.policy);
    return await handle(input, options, policy, (env) => {
      environment = env;
    });
  } catch (error) {
    // The policy's onError decides, when it can be had (a payload that does not parse comes
    // before the policy is loaded; the built-in rules fail closed in production).
    if (!policy && options.policy) policy = await loadPolicy(options.policy).catch(() => undefined);
    const resource = {
      name: options.resource?.name ?? '',
      type: options.resource?.type ?? 'application',
      environment: environment ?? '',
    };
    return failed((error as Error).message, event, failsClosed(policy, resource));
  }
}

function parse(raw: string): HookInput {
  let input: HookInput;
  try {
    input = JSON.parse(raw) as HookInput;
  } catch (error) {
    throw new Error(`the input is not a hook event (JSON expected): ${(error as Error).message}`);
  }
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new Error('the input is not a hook event (a JSON object expected)');
  if (typeof input.hook_event_name !== 'string' || !input.hook_event_name)
    throw new Error('hook_event_name and session_id are required');
  if (typeof input.session_id !== 'string' || !input.session_id)
    throw new Error('hook_event_name and session_id are required');
  // A tool event that does not say which tool, or with what, cannot be decided on.
  if (input.hook_event_name.includes('ToolUse')) {
    if (typeof input.tool_name !== 'string' || !input.tool_name)
      throw new Error(`${input.hook_event_name}: tool_name is required`);
    if (
      input.hook_event_name === 'PreToolUse' &&
      (!input.tool_input || typeof input.tool_input !== 'object')
    )
      throw new Error('PreToolUse: tool_input (an object) is required');
  }
  return input;
}

/** The built-in rules unless told otherwise; `false`: record without deciding. */
async function loadPolicy(policy: HookOptions['policy']): Promise<Policy | undefined> {
  if (policy === false) return undefined;
  if (policy === undefined) return Policy.create();
  return typeof policy === 'function' ? await policy() : policy;
}

/** Whether a failure refuses: the policy's onError, else closed in production only. */
function failsClosed(policy: Policy | undefined, resource: PolicyScope['resource']): boolean {
  return policy ? policy.failsClosed({ resource }) : isProduction(resource?.environment ?? '');
}

/** The hook could not do its work: refused when failing closed, a warning otherwise. */
function failed(message: string, event: string, closed: boolean): HookAnswer {
  const call = event === 'PreToolUse' || !event;
  return closed
    ? {
        stdout: '',
        stderr: `auditlane hook failed, so ${call ? 'the tool call is refused' : 'it answers with an error'} (fail-closed): ${message}\n`,
        exitCode: 2,
      }
    : {
        stdout: '',
        stderr: `auditlane hook: ${message} (the hook failed; outside production it fails open: ${call ? 'the call is not refused' : 'nothing is refused'})\n`,
        exitCode: 1,
      };
}

async function handle(
  input: HookInput,
  options: HookOptions,
  policy: Policy | undefined,
  inEnvironment: (environment: string) => void,
): Promise<HookAnswer> {
  const event = input.hook_event_name as string;
  const claudeSession = input.session_id as string;
  const stateDir = options.stateDir ?? join(homedir(), '.auditlane', 'hooks');
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, `${claudeSession.replace(/[^\w.-]/g, '_')}.json`);
  const unlock = await lock(`${statePath}.lock`);
  try {
    const cwd = typeof input.cwd === 'string' && input.cwd ? input.cwd : process.cwd();
    const state: HookState = readState(statePath) ?? {
      version: 2,
      base: firstStart(input, cwd, claudeSession, options),
      sessions: {},
      calls: {},
    };
    const tool = typeof input.tool_name === 'string' ? input.tool_name.slice(0, 256) : 'unknown';
    const callId =
      typeof input.tool_use_id === 'string' ? input.tool_use_id.slice(0, 256) : undefined;
    const pending = callId ? state.calls[callId] : undefined;
    // This call's resource: what its options name, the rest from the session's first call. A
    // result belongs with its attempt, wherever that was recorded.
    const start: SessionStartInput =
      pending && state.sessions[pending.key]
        ? state.sessions[pending.key]!.start
        : {
            ...state.base,
            resource: { ...state.base.resource, ...options.resource } as Resource,
          };
    const key = resourceKey(start.resource);
    inEnvironment(start.resource.environment);

    const errors: Error[] = [];
    const open = new Map<string, RecordedSession>();
    // Every event moves its session's next seq on disk at once: a hook killed mid-way (say,
    // while it waits for a reviewer) never leaves seqs for the next one to reuse.
    const persist = () => {
      for (const [k, s] of open) state.sessions[k]!.seq = s.nextSeq;
      writeState(statePath, state);
    };
    const target = typeof options.sink === 'function' ? options.sink() : options.sink;
    const sink: Sink = {
      write: (e) => {
        target.write(e);
        persist();
      },
      flush: (o) => target.flush(o),
      close: (o) => target.close(o),
      // Whether events are kept decides where recording is required (production): a call that
      // cannot be recorded is not run.
      ...(target.recordable && { recordable: () => target.recordable!() }),
      ...(target.probe && { probe: (o?: { timeoutMs?: number }) => target.probe!(o) }),
      ...(target.onRevoked && { onRevoked: (l: (id: string) => void) => target.onRevoked!(l) }),
    };
    const recorder = createRecorder({
      sink,
      policy: policy ?? false,
      reviews: options.reviews,
      reviewTimeoutMs: options.reviewTimeoutMs ?? HOOK_REVIEW_TIMEOUT_MS,
      onError: (e) => {
        errors.push(e);
        options.onError?.(e);
      },
    });
    const sessionOf = (k: string, s: SessionStartInput): RecordedSession => {
      const known = state.sessions[k];
      let session: RecordedSession;
      if (known) {
        // Resumed with this call's start: the policy decides in its scope (no start is recorded).
        session = recorder.session(s, { id: known.sessionId, resumeAt: known.seq });
      } else {
        // Later hooks, in processes of their own, record the rest and end it.
        session = recorder.session(s, { detached: true });
        state.sessions[k] = { sessionId: session.id, seq: session.nextSeq, start: s };
      }
      open.set(k, session);
      persist();
      return session;
    };

    let answer = QUIET;
    switch (event) {
      case 'SessionStart':
        sessionOf(key, start);
        break;
      case 'PreToolUse':
        answer = await preToolUse(sessionOf(key, start), state, key, tool, callId, input, {
          errors,
          closed: failsClosed(policy, start.resource),
          cwd,
        });
        break;
      case 'PostToolUse':
      case 'PostToolUseFailure':
        await postToolUse(sessionOf(key, start), state, tool, callId, pending, input, cwd);
        break;
      case 'SessionEnd': {
        const reason = typeof input.reason === 'string' ? input.reason.slice(0, 2000) : undefined;
        if (!Object.keys(state.sessions).length) sessionOf(key, start);
        for (const [k, s] of Object.entries(state.sessions)) sessionOf(k, s.start).end({ reason });
        break;
      }
    }
    if (event === 'SessionEnd') rmSync(statePath, { force: true });
    else persist();
    // Deliver now if the server answers quickly; what is left stays in the spool for the next hook.
    await target.flush({ timeoutMs: 3_000 }).catch(() => {});
    // Refused already, or nothing went wrong.
    if (!errors.length || answer.exitCode !== 0) return answer;
    // A decision stands (Claude Code reads it only on exit 0), with what went wrong beside it.
    if (answer.stdout) {
      const notes = errors.map((e) => `auditlane hook: ${e.message}\n`).join('');
      return { ...answer, stderr: answer.stderr + notes };
    }
    return failed(
      errors.map((e) => e.message).join('; '),
      event,
      failsClosed(policy, start.resource),
    );
  } finally {
    unlock();
  }
}

function firstStart(
  input: HookInput,
  cwd: string,
  claudeSession: string,
  options: HookOptions,
): SessionStartInput {
  return {
    actor: {
      type: 'agent',
      id: 'claude-code',
      agent: { name: 'Claude Code' },
      ...(options.onBehalfOf ? { onBehalfOf: options.onBehalfOf } : {}),
    },
    resource: {
      name: cwd.split('/').filter(Boolean).pop() ?? cwd,
      type: 'application',
      environment: 'development',
      ...options.resource,
    } as Resource,
    mode: 'agent',
    ...(typeof input.model === 'string' && input.model ? { model: input.model.slice(0, 128) } : {}),
    labels: {
      'claude.session': claudeSession.slice(0, 256),
      cwd: cwd.slice(0, 256),
      ...options.labels,
    },
  };
}

/**
 * The attempt is recorded before anything is decided (a call that never returns, or waits for a
 * reviewer, is on the record), then its verdict, pointing at it: passed, blocked, or pending and
 * then approved or rejected.
 */
async function preToolUse(
  session: RecordedSession,
  state: HookState,
  key: string,
  tool: string,
  callId: string | undefined,
  input: HookInput,
  { errors, closed, cwd }: { errors: Error[]; closed: boolean; cwd: string },
): Promise<HookAnswer> {
  const recorder = session.recorder;
  const eventId = session.toolCall({ tool, callId, input: input.tool_input });
  // What the call touches (files, hosts, tables), on the record with the attempt.
  recordToolFacts(session, await recorder.analyzers(), tool, input.tool_input, {
    subjectId: eventId,
    cwd,
  });
  const auth = await session.authorize(
    { kind: 'tool', tool, input: input.tool_input },
    { subjectId: eventId },
  );
  if (!auth.allowed)
    return decision('deny', `Blocked by policy (${auth.decision.rule}): ${auth.reason}`);
  if (errors.length && closed) {
    // Allowed, but the attempt may not be on the record (the spool could not take it): a call
    // that runs must be recorded, so it is refused, and said so where it still can be.
    const why = errors.map((e) => e.message).join('; ');
    verdict(session, eventId, 'blocked', {
      rule: 'hook-error',
      reason: `the call could not be recorded (fail-closed): ${why}`,
    });
    return failed(`the call could not be recorded: ${why}`, 'PreToolUse', true);
  }
  if (auth.decision.verdict === 'allow' || auth.decision.verdict === 'mask') {
    verdict(session, eventId, 'passed', { rule: auth.decision.rule, reason: auth.decision.reason });
  }
  if (callId) {
    // Calls that never get their PostToolUse (denied elsewhere, interrupted) do not pile up.
    const ids = Object.keys(state.calls);
    for (const old of ids.slice(0, Math.max(0, ids.length - 200))) delete state.calls[old];
    state.calls[callId] = {
      key,
      at: recorder.now(),
      maskOutput: auth.maskOutput,
      rule: auth.decision.rule,
      reason: auth.decision.reason,
    };
  }
  // A reviewer approved it: skip the prompt. Otherwise Claude Code's own permissions apply.
  return auth.approvedBy
    ? decision('allow', `Approved by ${auth.approvedBy} (${auth.decision.rule})`)
    : QUIET;
}

/**
 * The result: a tool_call with the attempt's `callId` and the output (or error). The input is
 * on the attempt; it is repeated only when no attempt was recorded (the hook was installed
 * mid-call, or PreToolUse is not registered), and then what it names is recorded with it.
 */
async function postToolUse(
  session: RecordedSession,
  state: HookState,
  tool: string,
  callId: string | undefined,
  pending: PendingCall | undefined,
  input: HookInput,
  cwd: string,
): Promise<void> {
  if (callId) delete state.calls[callId];
  const auth: Authorization | undefined = pending && {
    allowed: true,
    subjectId: session.recorder.ids.eventId(session.recorder.now()),
    maskOutput: pending.maskOutput,
    decision: {
      verdict: pending.maskOutput ? 'mask' : 'allow',
      rule: pending.rule,
      reason: pending.reason,
    },
  };
  const failure =
    input.hook_event_name === 'PostToolUseFailure'
      ? `${String(input.error ?? 'failed')}${input.is_interrupt === true ? ' (interrupted)' : ''}`
      : undefined;
  const eventId = session.toolCall(
    {
      tool,
      callId,
      ...(pending ? {} : { input: input.tool_input }),
      ...(failure === undefined
        ? // A result without a tool_response is still a result (null, not absent): an event with
          // neither output nor error is read as an attempt, and would pair with the next result.
          { output: input.tool_response ?? null }
        : { error: failure.slice(0, 10_000) }),
      ...(pending ? { durationMs: Math.max(0, session.recorder.now() - pending.at) } : {}),
    },
    auth,
  );
  // The attempt was not seen: what the call names goes with its result.
  if (!pending)
    recordToolFacts(session, await session.recorder.analyzers(), tool, input.tool_input, {
      subjectId: eventId,
      cwd,
    });
}

/** A verdict the decision flow does not record itself (it records no `passed` for an allow). */
function verdict(
  session: RecordedSession,
  subjectId: string,
  name: 'passed' | 'blocked',
  extra: { rule?: string; reason?: string },
): void {
  session.verdict(subjectId, name, extra);
}

function decision(permissionDecision: 'allow' | 'deny' | 'ask', reason: string): HookAnswer {
  return {
    stdout: `${JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision,
        permissionDecisionReason: reason,
      },
    })}\n`,
    stderr: '',
    exitCode: 0,
  };
}
