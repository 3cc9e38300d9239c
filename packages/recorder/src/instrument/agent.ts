import { recordToolFacts } from '../facts/record';
import type { RecordedSession, Recorder } from '../recorder';
import { ToolBlockedError } from './blocked';

export { ToolBlockedError } from './blocked';

export interface WrapToolOptions<A extends unknown[]> {
  /** The session to record into (default: the recorder's current session). */
  session?: RecordedSession;
  /** What is recorded as the call's input (default: the first argument). */
  input?: (...args: A) => unknown;
  /** Where the tool works: relative paths in its input are resolved against it (else skipped). */
  cwd?: string;
}

/**
 * Wraps any async tool function of an AI agent: the policy decides on its input first (a
 * blocked call throws ToolBlockedError without running), then the call is recorded with its
 * input, output or error and duration, masked. What the input names is recorded too, pointing
 * at the call, as for Claude Code's tools of the same names (`Bash`'s command line, `Read`'s
 * file, URLs: see the hook). Without a session it just runs the function.
 */
export function wrapTool<A extends unknown[], R>(
  recorder: Recorder,
  tool: string,
  fn: (...args: A) => Promise<R> | R,
  options: WrapToolOptions<A> = {},
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const session = options.session ?? recorder.current();
    if (!session) return fn(...args);
    const input = options.input ? options.input(...args) : args[0];
    const auth = await session.authorize({ kind: 'tool', tool, input });
    const facts = async () =>
      recordToolFacts(session, await recorder.analyzers(), tool, input, {
        subjectId: auth.subjectId,
        cwd: options.cwd,
      });
    if (!auth.allowed) {
      session.toolCall({ tool, input, error: `blocked: ${auth.reason}` }, auth);
      await facts();
      throw new ToolBlockedError(tool, auth);
    }
    await facts();
    const started = performance.now();
    try {
      const output = await fn(...args);
      session.toolCall({ tool, input, output, durationMs: performance.now() - started }, auth);
      return output;
    } catch (error) {
      session.toolCall(
        {
          tool,
          input,
          error: String((error as Error)?.message ?? error).slice(0, 10_000),
          durationMs: performance.now() - started,
        },
        auth,
      );
      throw error;
    }
  };
}
