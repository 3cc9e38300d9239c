import {
  expectsTerminal,
  type RecordingDecision,
  recordingRule,
  type SessionStartInput,
} from '@auditlane/client';
import { type Decision, Policy } from './policy/policy';
import type { RecordedSession, Recorder } from './recorder';

/**
 * A session whose recording rule says `required` cannot be recorded: it does not start, or the
 * action does not run. `rule` is the recording rule's id.
 */
export class RecordingRequiredError extends Error {
  override name = 'RecordingRequiredError';
  constructor(
    message: string,
    readonly rule: string,
  ) {
    super(message);
  }
}

const UNAVAILABLE = 'neither the spool nor the server can take its events';

function required(rule: RecordingDecision, start: SessionStartInput): string {
  const { name, environment } = start.resource;
  return `recording is required for ${name} (${environment}) by rule ${rule.rule}${rule.reason ? ` (${rule.reason})` : ''}`;
}

/**
 * The recording rule of a session about to start: the policy's `recording` rules, then the
 * built-in ones (production required). Where it is `required`, a terminal session must say it
 * keeps its terminal recording (`recorded: true`) and the sink must be able to keep events,
 * or the session does not start (RecordingRequiredError).
 */
export function recordingOf(recorder: Recorder, start: SessionStartInput): RecordingDecision {
  const policy = recorder.options.policy;
  const rule = recordingRule(start.resource, policy instanceof Policy ? policy.recording : []);
  if (rule.record !== 'required') return rule;
  if (expectsTerminal(start) && start.recorded !== true)
    throw new RecordingRequiredError(
      `${required(rule, start)}: a terminal session must keep its terminal recording, and this one starts with recorded: false`,
      rule.rule,
    );
  if (recorder.sink.recordable?.() === false)
    throw new RecordingRequiredError(
      `${required(rule, start)}: the session cannot start, ${UNAVAILABLE}`,
      rule.rule,
    );
  return rule;
}

/**
 * Before an action of a session that must be recorded: a block (fail-closed) while nothing can
 * keep its events, otherwise undefined. Synchronous: it goes by what the sink last found out
 * (see {@link probeRecording} for the paths that can wait).
 */
export function recordingBlock(session: RecordedSession): Decision | undefined {
  const rule = session.recording;
  if (rule.record !== 'required' || session.recorder.sink.recordable?.() !== false) return;
  return {
    verdict: 'block',
    rule: rule.rule,
    reason: `${required(rule, session.start)}: ${UNAVAILABLE} (fail-closed)`,
  };
}

/**
 * Finds out, for a session that must be recorded, whether its events are kept when the sink
 * does not know yet or knows they are not (it asks the server again), so that
 * {@link recordingBlock} decides on what is true now.
 */
export async function probeRecording(session: RecordedSession, timeoutMs = 5_000): Promise<void> {
  if (session.recording.record !== 'required') return;
  const sink = session.recorder.sink;
  if (!sink.probe || sink.recordable?.() === true) return;
  await sink.probe({ timeoutMs }).catch(() => false);
}

/**
 * Why a program must not start in this session (its recording is required and nothing can
 * keep its events), or undefined when it may.
 */
export async function recordingRefusal(session: RecordedSession): Promise<string | undefined> {
  await probeRecording(session);
  return recordingBlock(session)?.reason;
}
