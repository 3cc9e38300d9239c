import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuditlaneClient, Resource, SessionStartInput } from '@auditlane/client';
import type { Policy } from '../policy/policy';
import { createRecorder, type RecordedSession } from '../recorder';
import type { Sink } from '../sinks/sink';
import { alive } from '../sinks/spool';

/**
 * Claude Code hooks (https://code.claude.com/docs/en/hooks): each hook runs this as a new
 * process with the event's JSON on stdin. SessionStart opens a session; PreToolUse asks the
 * policy (and a reviewer) and answers in the hook protocol; PostToolUse and PostToolUseFailure
 * record the call; SessionEnd ends the session. State between the processes of one session
 * (its id, next seq, calls waiting for their result) lives in `stateDir`.
 */
export interface HookOptions {
  sink: Sink;
  policy?: Policy | false;
  /** The server that decides reviews. */
  reviews?: AuditlaneClient;
  /** Where sessions are remembered between hook processes. Default ~/.auditlane/hooks. */
  stateDir?: string;
  /** The resource the agent works on. Default: its working directory on this host. */
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

interface HookState {
  sessionId: string;
  seq: number;
  start: SessionStartInput;
  /** tool_use_id → the id its tool_call event gets, and whether its output is masked whole. */
  calls: Record<string, { subjectId: string; maskOutput: boolean; rule?: string; reason?: string }>;
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
}

const QUIET: HookAnswer = { stdout: '', stderr: '', exitCode: 0 };

export async function handleClaudeCodeHook(raw: string, options: HookOptions): Promise<HookAnswer> {
  let input: HookInput;
  try {
    input = JSON.parse(raw) as HookInput;
    if (!input || typeof input !== 'object') throw new Error('not an object');
  } catch (error) {
    // Not a hook payload: say so, and do not get in the tool's way (a non-blocking error).
    return {
      stdout: '',
      stderr: `auditlane hook: the input is not a hook event (JSON expected): ${(error as Error).message}\n`,
      exitCode: 1,
    };
  }
  const event = typeof input.hook_event_name === 'string' ? input.hook_event_name : '';
  const claudeSession = typeof input.session_id === 'string' ? input.session_id : '';
  if (!event || !claudeSession) {
    return {
      stdout: '',
      stderr: 'auditlane hook: hook_event_name and session_id are required\n',
      exitCode: 1,
    };
  }
  const stateDir = options.stateDir ?? join(homedir(), '.auditlane', 'hooks');
  mkdirSync(stateDir, { recursive: true });
  const statePath = join(stateDir, `${claudeSession.replace(/[^\w.-]/g, '_')}.json`);
  const unlock = await lock(`${statePath}.lock`);
  try {
    const errors: Error[] = [];
    // Every event moves the session's next seq on disk at once: a hook killed mid-way (say,
    // while it waits for a reviewer) never leaves seqs for the next one to reuse.
    let persist = () => {};
    const sink: Sink = {
      write: (event) => {
        options.sink.write(event);
        persist();
      },
      flush: (o) => options.sink.flush(o),
      close: (o) => options.sink.close(o),
    };
    const recorder = createRecorder({
      sink,
      policy: options.policy,
      reviews: options.reviews,
      reviewTimeoutMs: options.reviewTimeoutMs ?? 540_000,
      onError: (e) => {
        errors.push(e);
        options.onError?.(e);
      },
    });
    let state = readState(statePath);
    let session: RecordedSession;
    if (state)
      session = recorder.session(state.start, { id: state.sessionId, resumeAt: state.seq });
    else {
      const cwd = typeof input.cwd === 'string' ? input.cwd : process.cwd();
      const start: SessionStartInput = {
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
        ...(typeof input.model === 'string' && input.model
          ? { model: input.model.slice(0, 128) }
          : {}),
        labels: {
          'claude.session': claudeSession.slice(0, 256),
          cwd: cwd.slice(0, 256),
          ...options.labels,
        },
      };
      // Later hooks, in processes of their own, record the rest and end it.
      session = recorder.session(start, { detached: true });
      state = { sessionId: session.id, seq: session.nextSeq, start, calls: {} };
    }
    const current = state;
    persist = () => writeState(statePath, { ...current, seq: session.nextSeq });
    persist();
    const tool =
      typeof input.tool_name === 'string' && input.tool_name
        ? input.tool_name.slice(0, 256)
        : 'unknown';
    const callId =
      typeof input.tool_use_id === 'string' ? input.tool_use_id.slice(0, 256) : undefined;
    let answer = QUIET;
    switch (event) {
      case 'SessionStart':
        break;
      case 'PreToolUse': {
        const auth = await session.authorize({ kind: 'tool', tool, input: input.tool_input });
        if (!auth.allowed) {
          session.toolCall(
            { tool, callId, input: input.tool_input, error: `blocked: ${auth.reason}` },
            auth,
          );
          answer = decision('deny', `Blocked by policy (${auth.decision.rule}): ${auth.reason}`);
        } else {
          // Calls that never get their PostToolUse (denied elsewhere, interrupted) do not pile up.
          const ids = Object.keys(state.calls);
          for (const old of ids.slice(0, Math.max(0, ids.length - 200))) delete state.calls[old];
          if (callId)
            state.calls[callId] = {
              subjectId: auth.subjectId,
              maskOutput: auth.maskOutput,
              rule: auth.decision.rule,
              reason: auth.decision.reason,
            };
          // A reviewer approved it: skip the prompt. Otherwise Claude Code's own permissions apply.
          if (auth.approvedBy)
            answer = decision('allow', `Approved by ${auth.approvedBy} (${auth.decision.rule})`);
        }
        break;
      }
      case 'PostToolUse':
      case 'PostToolUseFailure': {
        const pending = callId ? state.calls[callId] : undefined;
        if (callId) delete state.calls[callId];
        const auth = pending
          ? {
              allowed: true,
              subjectId: pending.subjectId,
              maskOutput: pending.maskOutput,
              decision: {
                verdict: pending.maskOutput ? ('mask' as const) : ('allow' as const),
                rule: pending.rule,
                reason: pending.reason,
              },
            }
          : undefined;
        session.toolCall(
          {
            tool,
            callId,
            input: input.tool_input,
            ...(event === 'PostToolUse'
              ? { output: input.tool_response }
              : { error: String(input.error ?? 'failed').slice(0, 10_000) }),
          },
          auth,
        );
        break;
      }
      case 'SessionEnd':
        session.end({
          reason: typeof input.reason === 'string' ? input.reason.slice(0, 2000) : undefined,
        });
        break;
      default:
        break;
    }
    if (event === 'SessionEnd') rmSync(statePath, { force: true });
    else writeState(statePath, { ...state, seq: session.nextSeq });
    // Deliver now if the server answers quickly; what is left stays in the spool for the next hook.
    await options.sink.flush({ timeoutMs: 3_000 }).catch(() => {});
    const notes = errors.map((e) => `auditlane hook: ${e.message}\n`).join('');
    return { ...answer, stderr: answer.stderr + notes };
  } finally {
    unlock();
  }
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

function readState(path: string): HookState | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as HookState;
  } catch {
    return undefined;
  }
}

function writeState(path: string, state: HookState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/**
 * A lock between the hook processes of one session: a directory (created atomically) holding
 * its owner's pid. A lock whose owner died is taken over; a live owner (a call waiting for a
 * reviewer) is waited for, within the hook's own timeout.
 */
async function lock(path: string): Promise<() => void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(path, 'pid'), 'utf8'));
      } catch {}
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {}
      // Dead owner, an owner that died before writing its pid, or waited too long.
      if ((owner > 0 && !alive(owner)) || (owner === 0 && age > 5_000) || Date.now() > deadline) {
        // Taken over by renaming it away: of several waiters, exactly one succeeds.
        const stale = `${path}.stale-${process.pid}-${Date.now()}`;
        try {
          renameSync(path, stale);
          rmSync(stale, { recursive: true, force: true });
        } catch {}
        continue;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
