import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionStartInput } from '@auditlane/client';
import { alive } from '../sinks/spool';

/**
 * What the hook processes of one Claude Code session share, in a file of its own: the sessions
 * recorded so far (one per resource and environment its calls worked in) and the tool calls
 * waiting for their result.
 */
export interface HookState {
  version: 2;
  /** The resource, actor and labels of the first call: later calls change what they name. */
  base: SessionStartInput;
  /** Keyed by `resourceKey()`: the session's id, the seq its next event gets, its start. */
  sessions: Record<string, { sessionId: string; seq: number; start: SessionStartInput }>;
  /** tool_use_id → the session its PreToolUse was recorded in and what its result needs. */
  calls: Record<string, PendingCall>;
}

export interface PendingCall {
  /** The key of the session the attempt is in (its result goes there too). */
  key: string;
  /** When the PreToolUse was decided (ms since the epoch), for the call's duration. */
  at: number;
  maskOutput: boolean;
  rule?: string;
  reason?: string;
}

/** Sessions are per resource: a call in another environment is recorded in a session of it. */
export function resourceKey(resource: SessionStartInput['resource']): string {
  return JSON.stringify([resource.type, resource.name, resource.environment]);
}

export function readState(path: string): HookState | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object') return undefined;
  const state = data as Partial<HookState> & {
    sessionId?: string;
    seq?: number;
    start?: SessionStartInput;
    calls?: Record<string, { maskOutput?: boolean; rule?: string; reason?: string }>;
  };
  if (state.version === 2 && state.base && state.sessions && state.calls) return state as HookState;
  // Written by the previous version (one session per Claude Code session): carried on, with
  // the calls waiting for their result (a masked output stays masked).
  if (typeof state.sessionId === 'string' && typeof state.seq === 'number' && state.start) {
    const key = resourceKey(state.start.resource);
    const calls: Record<string, PendingCall> = {};
    for (const [id, c] of Object.entries(state.calls ?? {}))
      calls[id] = {
        key,
        at: Date.now(),
        maskOutput: c.maskOutput === true,
        rule: c.rule,
        reason: c.reason,
      };
    return {
      version: 2,
      base: state.start,
      sessions: { [key]: { sessionId: state.sessionId, seq: state.seq, start: state.start } },
      calls,
    };
  }
  return undefined;
}

export function writeState(path: string, state: HookState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/**
 * A lock between the hook processes of one session: a directory (created atomically) holding
 * its owner's pid. A lock whose owner died is taken over; a live owner (a call waiting for a
 * reviewer) is waited for, within the hook's own timeout.
 */
export async function lock(path: string): Promise<() => void> {
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
