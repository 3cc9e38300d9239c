import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AuditlaneClient,
  createIdGenerator,
  type EventInput,
  fitEvent,
  isProduction,
  type RecordingDecision,
  type RecordingHeader,
  type SessionStartInput,
} from '@auditlane/client';
import { Masker, type MaskingOptions, MaskTally } from './masking/masker';
import { type Decision, Policy, type PolicyScope, type Subject } from './policy/policy';
import { probeRecording, recordingBlock, recordingOf } from './recording';
import type { Sink } from './sinks/sink';

export interface RecorderOptions {
  sink: Sink;
  /** The policy (default: the built-in rules); `false` records without deciding anything. */
  policy?: Policy | false;
  /** Masking options, or `false` to record values as they are (not recommended). */
  masking?: MaskingOptions | false;
  /** Defaults for every session's start (actor, resource, labels, ...). */
  meta?: Partial<SessionStartInput>;
  /** The server that decides reviews; without it a `review` verdict blocks. */
  reviews?: AuditlaneClient;
  /** How long a held action waits for a reviewer. Default 15 minutes. */
  reviewTimeoutMs?: number;
  /** Problems that must not break the instrumented tool. Default: stderr. */
  onError?: (error: Error) => void;
  now?: () => number;
}

/** The outcome of asking the policy about an action, after any review. */
export interface Authorization {
  allowed: boolean;
  /** The id the action's own event gets (policy and masking events point at it). */
  subjectId: string;
  decision: Decision;
  /** The policy says the action's output must not be recorded (only that it was masked). */
  maskOutput: boolean;
  /** Why it was not allowed, for the tool to show. */
  reason?: string;
  /** Set when a reviewer approved it (not when a review could not happen and it passed fail-open). */
  approvedBy?: string;
}

type Fields<T extends EventInput['type']> = Omit<
  Extract<EventInput, { type: T }>,
  'id' | 'sessionId' | 'seq' | 'time' | 'type'
> & { id?: string };

/** A recorder: sessions, the current one across async code, policy and masking before the sink. */
export class Recorder {
  readonly sink: Sink;
  readonly masker: Masker | undefined;
  readonly onError: (error: Error) => void;
  readonly ids = createIdGenerator();
  private readonly policyOption: Policy | false | undefined;
  private policyPromise: Promise<Policy | undefined> | undefined;
  private readonly storage = new AsyncLocalStorage<RecordedSession>();
  private readonly sessions = new Map<string, RecordedSession>();

  constructor(readonly options: RecorderOptions) {
    this.sink = options.sink;
    this.masker = options.masking === false ? undefined : new Masker(options.masking ?? {});
    this.onError =
      options.onError ?? ((error) => process.stderr.write(`auditlane: ${error.message}\n`));
    this.policyOption = options.policy;
    options.sink.onRevoked?.((id) => this.sessions.get(id)?.revoked());
  }

  /** The policy, loaded once (the SQL and shell parsers take ~100 ms to load). */
  policy(): Promise<Policy | undefined> {
    if (this.policyOption === false) return Promise.resolve(undefined);
    if (this.policyOption) return Promise.resolve(this.policyOption);
    this.policyPromise ??= Policy.create().catch((error: Error) => {
      this.onError(new Error(`the policy could not load: ${error.message}`));
      return undefined;
    });
    return this.policyPromise;
  }

  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private lastMs = -1;
  private lastIso = '';
  /** The current time as ISO 8601, formatted once per millisecond. */
  isoTime(): string {
    const ms = this.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  /** Starts a session: its lifecycle start event is recorded at once. */
  session(
    meta: Partial<SessionStartInput> = {},
    options: {
      id?: string;
      /** Continue a session another process started, from this seq (no start event). */
      resumeAt?: number;
      /**
       * The session outlives this process: another one ends it (a hook records each event of an
       * agent's session in a process of its own). Otherwise, a session this process opens and
       * does not end (it crashed) is ended by whoever delivers its spool.
       */
      detached?: boolean;
    } = {},
  ): RecordedSession {
    const start = {
      mode: 'interactive',
      ...this.options.meta,
      ...meta,
      labels: { ...this.options.meta?.labels, ...meta.labels },
    } as SessionStartInput;
    if (!start.actor || !start.resource) {
      throw new TypeError('recorder.session: actor and resource are required (in meta or here)');
    }
    // Its recording rule first: a session that must be recorded and cannot be does not start.
    if (recordingOf(this, start).record === 'off') start.recorded = false;
    const id = options.id ?? this.ids.sessionId(this.now());
    if (options.resumeAt === undefined && !options.detached) {
      try {
        this.sink.holdOpen?.(id, 0);
      } catch (error) {
        this.onError(error as Error);
      }
    }
    const session = new RecordedSession(this, id, start, options.resumeAt);
    this.sessions.set(session.id, session);
    return session;
  }

  /** The session of the code running now (see `RecordedSession.run`). */
  current(): RecordedSession | undefined {
    return this.storage.getStore();
  }

  /** Runs `fn` with `session` as the current session, through every await inside it. */
  run<T>(session: RecordedSession, fn: () => T): T {
    return this.storage.run(session, fn);
  }

  forget(session: RecordedSession): void {
    this.sessions.delete(session.id);
  }

  flush(options?: { timeoutMs?: number }): Promise<void> {
    return this.sink.flush(options);
  }

  async close(options?: { timeoutMs?: number }): Promise<void> {
    await this.sink.close(options);
  }
}

export function createRecorder(options: RecorderOptions): Recorder {
  return new Recorder(options);
}

/** One recorded session: what happens in it becomes its events, in order. */
export class RecordedSession {
  private seq = 0;
  private ended = false;
  private readonly revokeListeners: (() => void)[] = [];
  private isRevoked = false;
  /** Whether the session must be recorded, may be, or is not (see ./recording). */
  readonly recording: RecordingDecision;
  /** `off`: only lifecycle events are sent. */
  private readonly lifecycleOnly: boolean;

  constructor(
    readonly recorder: Recorder,
    readonly id: string,
    readonly start: SessionStartInput,
    resumeAt?: number,
  ) {
    this.recording = recordingOf(recorder, start);
    this.lifecycleOnly = this.recording.record === 'off';
    if (resumeAt === undefined) this.emit({ type: 'lifecycle', action: 'start', session: start });
    else this.seq = resumeAt;
  }

  /** The seq the next event gets (to resume the session in another process). */
  get nextSeq(): number {
    return this.seq;
  }

  get scope(): PolicyScope {
    return { resource: this.start.resource, actor: this.start.actor };
  }

  get revokedByServer(): boolean {
    return this.isRevoked;
  }

  /** Runs `fn` with this as the recorder's current session. */
  run<T>(fn: () => T): T {
    return this.recorder.run(this, fn);
  }

  /** Records an event of this session (fields masked by the caller's helpers). */
  emit(fields: Record<string, unknown> & { type: EventInput['type']; id?: string }): string {
    const id = (fields.id as string | undefined) ?? this.recorder.ids.eventId(this.recorder.now());
    if (this.ended || (this.lifecycleOnly && fields.type !== 'lifecycle')) return id;
    // Header fields first, then the spread: a literal that starts with a spread and then adds
    // properties is about 40 times slower in V8 (bench: recorder overhead).
    let event = {
      id,
      sessionId: this.id,
      seq: this.seq++,
      time: this.recorder.isoTime(),
      ...fields,
    } as EventInput & { id: string };
    if (event.id !== id) event.id = id;
    try {
      // Fitted after masking (the callers mask): an over-limit field is kept bounded and marked
      // rather than the event refused and lost, and a value nested too deep to serialise never
      // reaches the spool's JSON.stringify.
      event = fitEvent(event);
      this.recorder.sink.write(event);
    } catch (error) {
      this.recorder.onError(error as Error);
    }
    return id;
  }

  private masked(tally: MaskTally, subjectId: string): void {
    if (tally.count > 0)
      this.emit({
        type: 'masking',
        subjectId,
        fields: [...tally.names].slice(0, 1000),
        count: tally.count,
      });
  }

  private text(value: string, tally: MaskTally): string {
    return this.recorder.masker ? this.recorder.masker.text(value, tally) : value;
  }

  command(fields: Fields<'command'>, authorization?: Authorization): string {
    const tally = new MaskTally();
    const id =
      fields.id ?? authorization?.subjectId ?? this.recorder.ids.eventId(this.recorder.now());
    let output = fields.output;
    if (output !== undefined && authorization?.maskOutput) {
      tally.add(authorization.decision.rule ?? 'policy');
      output = `[output not recorded: ${authorization.decision.reason ?? 'masked by policy'}]`;
    } else if (output !== undefined) output = this.text(output, tally);
    this.emit({
      type: 'command',
      ...fields,
      id,
      text: this.text(fields.text, tally),
      output,
      cwd: fields.cwd === undefined ? undefined : this.text(fields.cwd, tally),
    });
    this.masked(tally, id);
    return id;
  }

  query(fields: Fields<'query'>, authorization?: Authorization): string {
    const tally = new MaskTally();
    const id =
      fields.id ?? authorization?.subjectId ?? this.recorder.ids.eventId(this.recorder.now());
    const m = this.recorder.masker;
    let rows = fields.rows;
    if (rows && authorization?.maskOutput) {
      tally.add(authorization.decision.rule ?? 'policy', rows.length);
      rows = [];
    } else if (rows && m) rows = m.rows(fields.columns ?? [], rows, tally);
    const params =
      fields.params && m ? (m.value(fields.params, tally) as unknown[]) : fields.params;
    this.emit({
      type: 'query',
      ...fields,
      id,
      sql: this.text(fields.sql, tally),
      params,
      rows,
      error: fields.error === undefined ? undefined : this.text(fields.error, tally),
    });
    this.masked(tally, id);
    return id;
  }

  toolCall(fields: Fields<'tool_call'>, authorization?: Authorization): string {
    const tally = new MaskTally();
    const id =
      fields.id ?? authorization?.subjectId ?? this.recorder.ids.eventId(this.recorder.now());
    const m = this.recorder.masker;
    let output = fields.output;
    if (output !== undefined && authorization?.maskOutput) {
      tally.add(authorization.decision.rule ?? 'policy');
      output = '[output not recorded]';
    } else if (m) output = m.value(output, tally);
    const input = m ? m.value(fields.input, tally) : fields.input;
    this.emit({
      type: 'tool_call',
      ...fields,
      id,
      input,
      output,
      error: fields.error === undefined ? undefined : this.text(fields.error, tally),
    });
    this.masked(tally, id);
    return id;
  }

  llmCall(fields: Fields<'llm_call'>): string {
    return this.emit({ type: 'llm_call', ...fields });
  }

  /**
   * Terminal output (already masked by the caller's stream masker when recording a PTY). A
   * recording starts with an `r` event at 0: its size, with `header`, the rest of its asciicast
   * header (the server's download and live players take both from it).
   */
  terminal(
    code: 'o' | 'i' | 'r' | 'm' | 'x',
    data: string,
    offsetMs: number,
    header?: RecordingHeader,
  ): string {
    return header
      ? this.emit({ type: 'terminal', code, data, offsetMs, header })
      : this.emit({ type: 'terminal', code, data, offsetMs });
  }

  /** Output text of a non-PTY tool, masked here. */
  output(data: string, offsetMs: number): string {
    const tally = new MaskTally();
    const id = this.terminal('o', this.text(data, tally), offsetMs);
    this.masked(tally, id);
    return id;
  }

  mark(label: string, offsetMs: number): string {
    return this.terminal('m', label, offsetMs);
  }

  verdict(
    subjectId: string,
    verdict: 'passed' | 'blocked' | 'pending' | 'approved' | 'rejected',
    extra: {
      rule?: string;
      reason?: string;
      reviewId?: string;
      reviewer?: string;
      decidedAt?: string;
    } = {},
  ): string {
    // Reasons can hold the text they are about (a parser's message): masked, and within the
    // schema's 2,000 characters, so the event is never refused for its length.
    const reason =
      extra.reason === undefined
        ? undefined
        : this.text(extra.reason, new MaskTally()).slice(0, 2000);
    return this.emit({ type: 'policy', subjectId, verdict, ...extra, reason });
  }

  /**
   * The policy's decision without waiting for anyone (for synchronous drivers): a `review`
   * verdict cannot be waited for here, so it blocks in production and passes elsewhere
   * (fail-closed or fail-open), saying so on the policy event.
   */
  authorizeSync(subject: Subject, policy: Policy | undefined): Authorization {
    const { decision, subjectId, closed } = this.decideNow(subject, policy);
    const auth = (allowed: boolean, reason?: string): Authorization => ({
      allowed,
      subjectId,
      decision,
      maskOutput: decision.verdict === 'mask',
      reason,
    });
    const extra = { rule: decision.rule, reason: decision.reason };
    if (decision.verdict === 'allow' || decision.verdict === 'mask') return auth(true);
    if (decision.verdict === 'block') {
      this.verdict(subjectId, 'blocked', extra);
      return auth(false, decision.reason ?? `blocked by ${decision.rule}`);
    }
    const why = `${decision.reason ?? 'needs a reviewer'}; a synchronous driver cannot wait for one`;
    if (closed) {
      this.verdict(subjectId, 'blocked', { ...extra, reason: `${why} (fail-closed)` });
      return auth(false, `${why} (fail-closed)`);
    }
    this.verdict(subjectId, 'passed', { ...extra, reason: `${why} (fail-open)` });
    return auth(true);
  }

  private decideNow(subject: Subject, policy: Policy | undefined, id?: string) {
    const subjectId = id ?? this.recorder.ids.eventId(this.recorder.now());
    const closed = policy
      ? policy.failsClosed(this.scope)
      : isProduction(this.start.resource.environment);
    let decision: Decision;
    try {
      decision = policy ? policy.decide(subject, this.scope) : { verdict: 'allow' };
    } catch (error) {
      this.recorder.onError(new Error(`the policy failed: ${(error as Error).message}`));
      decision = closed
        ? {
            verdict: 'block',
            rule: 'policy-error',
            reason: 'the policy could not decide (fail-closed)',
          }
        : { verdict: 'allow' };
    }
    if (!policy && this.recorder.options.policy !== false && closed) {
      decision = {
        verdict: 'block',
        rule: 'policy-error',
        reason: 'the policy did not load (fail-closed)',
      };
    }
    decision = recordingBlock(this) ?? decision;
    return { decision, subjectId, closed };
  }

  /**
   * Asks the policy about an action before it runs. A `review` verdict holds it until a
   * reviewer on the server decides (the recorder flushes, asks, and waits with a long poll).
   * Blocked and rejected actions get a policy event here; the caller records the action itself
   * (before asking, with `options.subjectId` as its id, when the attempt must be on the record
   * while it waits).
   */
  async authorize(subject: Subject, options: { subjectId?: string } = {}): Promise<Authorization> {
    const policy = await this.recorder.policy();
    await probeRecording(this);
    const { decision, subjectId, closed } = this.decideNow(subject, policy, options.subjectId);
    const result = (allowed: boolean, d: Decision, reason?: string): Authorization => ({
      allowed,
      subjectId,
      decision: d,
      maskOutput: d.verdict === 'mask',
      reason,
    });
    if (decision.verdict === 'allow' || decision.verdict === 'mask') return result(true, decision);
    const extra = { rule: decision.rule, reason: decision.reason };
    if (decision.verdict === 'block') {
      this.verdict(subjectId, 'blocked', extra);
      return result(false, decision, decision.reason ?? `blocked by ${decision.rule}`);
    }
    // review
    const client = this.recorder.options.reviews;
    if (!client) {
      const reason = `${decision.reason ?? 'needs a reviewer'}; no server to ask (blocked)`;
      this.verdict(subjectId, 'blocked', { ...extra, reason });
      return result(false, decision, reason);
    }
    try {
      await this.recorder.flush({ timeoutMs: 10_000 });
      // The review expires on the server when this recorder stops waiting for it, so it does
      // not linger in a reviewer's inbox as something a decision could still unblock.
      const timeoutMs = this.recorder.options.reviewTimeoutMs ?? 15 * 60_000;
      const review = await client.reviews.create({
        kind: 'command',
        sessionId: this.id,
        eventId: subjectId,
        subject: {
          type: subjectType(subject),
          text: this.subjectText(subject),
        },
        rule: decision.rule,
        reason: decision.reason,
        expiresAt: new Date(this.recorder.now() + timeoutMs).toISOString(),
      });
      this.verdict(subjectId, 'pending', { ...extra, reviewId: review.id });
      await this.recorder.flush({ timeoutMs: 10_000 }).catch(() => {});
      const signal = AbortSignal.timeout(timeoutMs);
      const decided = await client.reviews.waitForDecision(review.id, { signal });
      const approved = decided.status === 'approved';
      this.verdict(subjectId, approved ? 'approved' : 'rejected', {
        ...extra,
        reviewId: review.id,
        reviewer: decided.decidedBy ?? undefined,
        decidedAt: decided.decidedAt ?? undefined,
        reason: decided.comment ?? decision.reason,
      });
      return approved
        ? { ...result(true, decision), approvedBy: decided.decidedBy ?? 'a reviewer' }
        : result(
            false,
            decision,
            `${decided.status} by ${decided.decidedBy ?? 'the reviewer'}${decided.comment ? `: ${decided.comment}` : ''}`,
          );
    } catch (error) {
      const why = `the review could not complete (${(error as Error).message})`;
      this.recorder.onError(new Error(why));
      if (closed) {
        const reason = `${decision.reason ?? 'needs a reviewer'}; ${why}; fail-closed`;
        this.verdict(subjectId, 'blocked', { ...extra, reason });
        return result(false, decision, reason);
      }
      this.verdict(subjectId, 'passed', { ...extra, reason: `${why}; fail-open` });
      return result(true, decision);
    }
  }

  /** What a reviewer sees of the action: masked like its event (field names and values). */
  private subjectText(subject: Subject): string {
    const tally = new MaskTally();
    const m = this.recorder.masker;
    if (subject.kind === 'tool') {
      const input = m ? m.value(subject.input ?? {}, tally) : subject.input;
      return `${subject.tool} ${JSON.stringify(input ?? {})}`.slice(0, 100_000);
    }
    return this.text(subject.text, tally).slice(0, 100_000);
  }

  /** Called when the server says the session was revoked: the instrumentation ends it. */
  onRevoke(listener: () => void): void {
    this.revokeListeners.push(listener);
  }

  revoked(): void {
    if (this.isRevoked) return;
    this.isRevoked = true;
    for (const l of this.revokeListeners) {
      try {
        l();
      } catch (error) {
        this.recorder.onError(error as Error);
      }
    }
  }

  end(options: { exitCode?: number; reason?: string } = {}): void {
    if (this.ended) return;
    this.emit({ type: 'lifecycle', action: 'end', ...options });
    this.ended = true;
    this.recorder.forget(this);
  }
}

function subjectType(subject: Subject): 'command' | 'query' | 'tool_call' {
  return subject.kind === 'sql' ? 'query' : subject.kind === 'command' ? 'command' : 'tool_call';
}
