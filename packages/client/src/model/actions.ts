/**
 * A session's actions joined to the verdicts and maskings that point at them (`subjectId`): the
 * one join the activity log and the replay's seek-bar markers share. Zod-free (types only).
 */
import type { EventType, StoredEvent, Verdict } from './event';

/** Event types that are actions: what a verdict or a masking is about. */
export const ACTION_TYPES = [
  'command',
  'query',
  'tool_call',
  'llm_call',
  'file',
  'outbound',
  'lifecycle',
] as const satisfies readonly EventType[];

export type ActionType = (typeof ACTION_TYPES)[number];
/** A stored action event (command, query, tool call, LLM call, file, outbound, lifecycle). */
export type StoredActionEvent = Extract<StoredEvent, { type: ActionType }>;
export type StoredPolicyEvent = Extract<StoredEvent, { type: 'policy' }>;
export type StoredMaskingEvent = Extract<StoredEvent, { type: 'masking' }>;

/** One action with what the policy and the masking said of it. */
export interface JoinedAction<A extends StoredActionEvent = StoredActionEvent> {
  /**
   * The action's event id; for a verdict whose action was never recorded (held or blocked before
   * it ran), the id the verdict names (`subjectId`), or the verdict's own id when it names none
   * (a verdict on the session).
   */
  id: string;
  /** The action, or null when only verdicts on it were recorded. */
  action: A | null;
  /** Where the entry stands in the session: the action, or else its first verdict. */
  event: A | StoredPolicyEvent;
  /** Every verdict on it in `seq` order (pending → approved), each event once. */
  verdicts: StoredPolicyEvent[];
  /** The last verdict, or null when the policy said nothing. */
  verdict: Verdict | null;
  /** Every masking in it in `seq` order, each event once. */
  maskings: StoredMaskingEvent[];
  /**
   * With `results`: a tool call's result recorded apart (the hook's PostToolUse, paired by
   * {@link pairToolResults}), whose verdicts and maskings are the entry's too, or
   * null; absent without `results`.
   */
  result?: StoredToolCallEvent | null;
}

export type StoredToolCallEvent = Extract<StoredEvent, { type: 'tool_call' }>;

export interface JoinVerdictsOptions<T extends ActionType = ActionType> {
  /** The event types taken as actions; default {@link ACTION_TYPES}. */
  actionTypes?: readonly T[];
  /**
   * Join each tool call's result to its call ({@link pairToolResults}: under one `callId`, each
   * result with the nearest earlier attempt by seq), as the server's activity does. Default
   * false: each its own.
   */
  results?: boolean;
}

/**
 * Joins a session's actions to their verdicts and maskings, in whichever order they arrived (a
 * recorder records the verdict before the action it allowed; a review's decision comes later).
 * One entry per action, in the order of `events`, each event counted once however often it is
 * listed. A verdict whose action is not among `events` is an entry of its own (`action: null`),
 * one per `subjectId` however many verdicts it has (pending → rejected), where its first verdict
 * stands. Maskings of an action not among `events` are left out.
 */
export function joinVerdicts<T extends ActionType = ActionType>(
  events: readonly StoredEvent[],
  options: JoinVerdictsOptions<T> = {},
): JoinedAction<Extract<StoredActionEvent, { type: T }>>[] {
  type A = Extract<StoredActionEvent, { type: T }>;
  const types = new Set<string>(options.actionTypes ?? ACTION_TYPES);
  const isAction = (e: StoredEvent): e is A => types.has(e.type);
  const actions = new Set<string>();
  const verdicts = new Map<string, StoredPolicyEvent[]>();
  const maskings = new Map<string, StoredMaskingEvent[]>();
  const seenVerdicts = new Set<string>();
  const seenMaskings = new Set<string>();
  for (const e of events) {
    if (isAction(e)) actions.add(e.id);
    else if (e.type === 'policy') {
      if (seenVerdicts.has(e.id)) continue;
      seenVerdicts.add(e.id);
      push(verdicts, e.subjectId ?? e.id, e);
    } else if (e.type === 'masking' && e.subjectId) {
      if (seenMaskings.has(e.id)) continue;
      seenMaskings.add(e.id);
      push(maskings, e.subjectId, e);
    }
  }
  // Tool calls recorded in two halves: the result's id → its call, the call's id → its result.
  const resultOf = new Map<string, StoredToolCallEvent>();
  const callOf = new Map<string, string>();
  if (options.results) {
    const calls = new Map<string, StoredToolCallEvent>();
    if (types.has('tool_call'))
      for (const e of events) if (e.type === 'tool_call') calls.set(e.id, e);
    for (const [resultId, callId] of pairToolResults([...calls.values()])) {
      resultOf.set(callId, calls.get(resultId)!);
      callOf.set(resultId, callId);
    }
  }
  const joined: JoinedAction<A>[] = [];
  const done = new Set<string>();
  for (const e of events) {
    let id: string;
    let action: A | null = null;
    if (isAction(e)) {
      id = e.id;
      action = e;
    } else if (e.type === 'policy') {
      id = e.subjectId ?? e.id;
      // A verdict on a recorded action is part of that action's entry.
      if (actions.has(id)) continue;
    } else continue;
    // A result is its call's entry, where the call stands.
    if (callOf.has(id)) continue;
    if (done.has(id)) continue;
    done.add(id);
    const result = resultOf.get(id) ?? null;
    const own = [
      ...(verdicts.get(id) ?? []),
      ...(result ? (verdicts.get(result.id) ?? []) : []),
    ].sort(bySeq);
    joined.push({
      id,
      action,
      event: action ?? (own[0] as StoredPolicyEvent),
      verdicts: own,
      verdict: own.at(-1)?.verdict ?? null,
      maskings: [
        ...(maskings.get(id) ?? []),
        ...(result ? (maskings.get(result.id) ?? []) : []),
      ].sort(bySeq),
      ...(options.results ? { result } : {}),
    });
  }
  return joined;
}

/** The parts of a tool call event that pair a result with its call. */
export interface ToolCallHalf {
  id: string;
  seq: number;
  type: string;
  callId?: string;
  output?: unknown;
  error?: unknown;
}

/**
 * Whether a tool call event is a result (the hook's PostToolUse: it has an output or an error)
 * rather than an attempt (PreToolUse: neither).
 */
export const isToolResult = (e: ToolCallHalf): boolean =>
  e.output !== undefined || e.error !== undefined;

/**
 * Pairs tool call results with their calls: among the tool_call events of one `callId`, in seq
 * order, each result pairs with the nearest earlier attempt not paired yet; an attempt with no
 * result, a result with no attempt (a complete call, or a retry's second result) stay alone. The
 * pairs depend on the events only, never on the order they are listed or arrived in; the pairs
 * among a prefix by seq stay the same whatever comes later. Returns result id → call id.
 */
export function pairToolResults(events: readonly ToolCallHalf[]): Map<string, string> {
  const byCall = new Map<string, ToolCallHalf[]>();
  const seen = new Set<string>();
  for (const e of events)
    if (e.type === 'tool_call' && e.callId && !seen.has(e.id)) {
      seen.add(e.id);
      push(byCall, e.callId, e);
    }
  const pairs = new Map<string, string>();
  for (const list of byCall.values()) {
    list.sort(bySeq);
    const open: ToolCallHalf[] = [];
    for (const e of list) {
      if (!isToolResult(e)) open.push(e);
      else {
        const call = open.pop();
        if (call) pairs.set(e.id, call.id);
      }
    }
  }
  return pairs;
}

function bySeq(a: { seq: number }, b: { seq: number }): number {
  return a.seq - b.seq;
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
