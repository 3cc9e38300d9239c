import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AuditlaneClient,
  createIdGenerator,
  type RecordingDecision,
  type RecordingHeader,
  type SessionStartInput,
} from '@auditlane/client';
import { Masker, type MaskingOptions, MaskTally } from './masking/masker';
import { Policy, type PolicyScope, type Subject } from './policy/policy';
import { ShellAnalyzer } from './policy/shell';
import { SqlAnalyzer } from './policy/sql';
import { probeRecording, recordingBlock, recordingOf } from './recording';
import {
  type Authorization,
  authorizeWith,
  cannotWait,
  type DecisionContext,
  type VerdictExtra,
  type VerdictName,
} from './session/decision';
import type { Fields } from './session/fields';
import { INTERNAL } from './session/internal';
import { type ReviewContext, requestReview } from './session/review';
import { Revocation } from './session/revocation';
import { GENERATED_ID, SessionWriter, type TerminalCode } from './session/writer';
import type { Sink } from './sinks/sink';

export type { Authorization, VerdictExtra, VerdictName } from './session/decision';
export type { Fields } from './session/fields';

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
  /**
   * How long an unfinished terminal line waits for its end before it is recorded anyway (a
   * prompt); the rest of the line is still masked together with it. Default 100 ms.
   */
  terminalFlushMs?: number;
  now?: () => number;
  /**
   * Record what the instrumented actions are seen to touch: `file` and `outbound` events for the
   * files and hosts of command lines and agent tools, the tables a query reads and writes
   * (`query.tables`). Default true.
   */
  facts?: boolean;
}

/** The parsers the recorder reads actions with (the policy's own when there is one). */
export interface Analyzers {
  sql: SqlAnalyzer;
  shell: ShellAnalyzer;
}

export interface AuthorizeOptions {
  /** The id of the action's event when the caller recorded it before asking. */
  subjectId?: string;
}

/** What the package's own modules reach of a session (not part of the public API). */
export interface SessionInternals {
  readonly writer: SessionWriter;
  readonly revocation: Revocation;
}

/** A recorder: sessions, the current one across async code, policy and masking before the sink. */
export class Recorder {
  readonly sink: Sink;
  readonly masker: Masker | undefined;
  readonly onError: (error: Error) => void;
  readonly ids = createIdGenerator();
  private readonly policyOption: Policy | false | undefined;
  private policyPromise: Promise<Policy | undefined> | undefined;
  private analyzersPromise: Promise<Analyzers | undefined> | undefined;
  private readonly storage = new AsyncLocalStorage<RecordedSession>();
  private readonly sessions = new Map<string, RecordedSession>();

  constructor(readonly options: RecorderOptions) {
    this.sink = options.sink;
    this.masker = options.masking === false ? undefined : new Masker(options.masking ?? {});
    this.onError =
      options.onError ?? ((error) => process.stderr.write(`auditlane: ${error.message}\n`));
    this.policyOption = options.policy;
    options.sink.onRevoked?.((id) => this.sessions.get(id)?.[INTERNAL].revocation.revoke());
  }

  /** @internal */
  readonly [INTERNAL] = {
    forget: (session: RecordedSession): void => {
      this.sessions.delete(session.id);
    },
  };

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

  /**
   * The SQL and shell parsers, loaded once: the policy's, or (with `policy: false`) loaded for
   * the facts alone. Undefined when `facts: false`, or when they cannot load (said to onError).
   */
  analyzers(): Promise<Analyzers | undefined> {
    if (this.options.facts === false) return Promise.resolve(undefined);
    this.analyzersPromise ??= this.policy()
      .then(async (policy) => {
        if (policy) return policy.analyzers;
        const [sql, shell] = await Promise.all([SqlAnalyzer.load(), ShellAnalyzer.load()]);
        return { sql, shell };
      })
      .catch((error: Error) => {
        this.onError(new Error(`the parsers could not load: ${error.message}`));
        return undefined;
      });
    return this.analyzersPromise;
  }

  now(): number {
    return this.options.now?.() ?? Date.now();
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
    let id = options.id ?? this.ids.sessionId(this.now());
    if (
      options.id !== undefined &&
      !GENERATED_ID.test(id) &&
      this.masker &&
      this.masker.text(id) !== id
    ) {
      this.onError(new Error('a session id looked like a secret: a new id was given instead'));
      id = this.ids.sessionId(this.now());
    }
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

  /** Delivers what was recorded so far, terminal text held for the end of its line included. */
  flush(options?: { timeoutMs?: number }): Promise<void> {
    for (const session of this.sessions.values()) session[INTERNAL].writer.flushTerminal(false);
    return this.sink.flush(options);
  }

  /** Records what terminal streams still hold, then flushes and closes the sink. */
  async close(options?: { timeoutMs?: number }): Promise<void> {
    for (const session of this.sessions.values()) session[INTERNAL].writer.flushTerminal(true);
    await this.sink.close(options);
  }
}

export function createRecorder(options: RecorderOptions): Recorder {
  return new Recorder(options);
}

/**
 * One recorded session: what happens in it becomes its events, in order. Every method that
 * records masks what it is given first (unless the recorder was made with `masking: false`):
 * the table in `session/fields.ts` says how, field by field.
 */
export class RecordedSession {
  /** @internal */
  readonly [INTERNAL]: SessionInternals;
  /** Whether the session must be recorded, may be, or is not (see ./recording). */
  readonly recording: RecordingDecision;
  private readonly review: ReviewContext;

  constructor(
    readonly recorder: Recorder,
    readonly id: string,
    readonly start: SessionStartInput,
    resumeAt?: number,
  ) {
    this.recording = recordingOf(recorder, start);
    const writer = new SessionWriter(
      id,
      {
        sink: recorder.sink,
        masker: recorder.masker,
        onError: recorder.onError,
        newId: (now = recorder.now()) => recorder.ids.eventId(now),
        now: () => recorder.now(),
        flushMs: recorder.options.terminalFlushMs ?? 100,
        // `off`: only lifecycle events are sent.
        lifecycleOnly: this.recording.record === 'off',
      },
      resumeAt ?? 0,
    );
    const revocation = new Revocation(recorder.onError);
    this[INTERNAL] = { writer, revocation };
    this.review = reviewContext(this, writer);
    if (resumeAt === undefined) writer.start(start);
  }

  /** The seq the next event gets (to resume the session in another process). */
  get nextSeq(): number {
    return this[INTERNAL].writer.nextSeq;
  }

  get scope(): PolicyScope {
    return { resource: this.start.resource, actor: this.start.actor };
  }

  get revokedByServer(): boolean {
    return this[INTERNAL].revocation.revoked;
  }

  /** Runs `fn` with this as the recorder's current session. */
  run<T>(fn: () => T): T {
    return this.recorder.run(this, fn);
  }

  /** A shell command: its text, working directory and output masked. Returns its event id. */
  command(fields: Fields<'command'>, authorization?: Authorization): string {
    return this[INTERNAL].writer.record('command', fields, authorization);
  }

  /** A query: its SQL, parameters, result rows (by column names too) and error masked. */
  query(fields: Fields<'query'>, authorization?: Authorization): string {
    return this[INTERNAL].writer.record('query', fields, authorization);
  }

  /** A tool call of an agent: input and output masked as JSON, the error as text. */
  toolCall(fields: Fields<'tool_call'>, authorization?: Authorization): string {
    return this[INTERNAL].writer.record('tool_call', fields, authorization);
  }

  /** A file the session read or changed (its path masked as text). Returns its event id. */
  file(fields: Fields<'file'>): string {
    return this[INTERNAL].writer.record('file', fields);
  }

  /** A connection out of the session (host, method, URL masked as text). Returns its event id. */
  outbound(fields: Fields<'outbound'>): string {
    return this[INTERNAL].writer.record('outbound', fields);
  }

  /** A call to a language model (its names masked as text). */
  llmCall(fields: Fields<'llm_call'>): string {
    return this[INTERNAL].writer.record('llm_call', fields);
  }

  /**
   * Terminal data, masked: output (`o`) and keystrokes (`i`) as streams (a secret split across
   * chunks is still found; an unfinished line waits for its end, or `terminalFlushMs`), the
   * other codes as text. A recording starts with an `r` event at 0: its size, with `header`,
   * the rest of its asciicast header (the server's download and live players take both from
   * it). Returns the id of the event recorded now, or undefined while the text waits.
   */
  terminal(
    code: TerminalCode,
    data: string,
    offsetMs: number,
    header?: RecordingHeader,
  ): string | undefined {
    return this[INTERNAL].writer.terminal(code, data, offsetMs, header);
  }

  /**
   * Output text of a non-PTY tool: masked like terminal output and recorded at once (an
   * unfinished line does not wait; what follows it is masked together with it).
   */
  output(data: string, offsetMs: number): string | undefined {
    const writer = this[INTERNAL].writer;
    const id = writer.terminal('o', data, offsetMs);
    writer.flushTerminal(false);
    return id;
  }

  /** A marker in the recording (its label masked). */
  mark(label: string, offsetMs: number): string | undefined {
    return this.terminal('m', label, offsetMs);
  }

  /**
   * The policy's decision without waiting for anyone (for synchronous drivers): a `review`
   * verdict cannot be waited for here, so it blocks in production and passes elsewhere
   * (fail-closed or fail-open), saying so on the policy event.
   */
  authorizeSync(
    subject: Subject,
    policy: Policy | undefined,
    options: AuthorizeOptions = {},
  ): Authorization {
    return authorizeWith(
      this.review,
      subject,
      policy,
      cannotWait(this.review),
      subjectIdOf(this, options),
    );
  }

  /**
   * Asks the policy about an action before it runs. A `review` verdict holds it until a
   * reviewer on the server decides (the recorder flushes, asks, and waits with a long poll).
   * Blocked and rejected actions get a policy event here; the caller records the action itself
   * (before asking, with `options.subjectId` as its id, when the attempt must be on the record
   * while it waits).
   */
  async authorize(subject: Subject, options: AuthorizeOptions = {}): Promise<Authorization> {
    const policy = await this.recorder.policy();
    await probeRecording(this);
    return authorizeWith(
      this.review,
      subject,
      policy,
      (held) => requestReview(this.review, held),
      subjectIdOf(this, options),
    );
  }

  /**
   * A policy event about an action the caller decided on itself (a hook that records each
   * attempt's outcome): its rule, reason and reviewer masked as text.
   */
  verdict(subjectId: string, verdict: VerdictName, extra: VerdictExtra = {}): string {
    return this[INTERNAL].writer.verdict(subjectId, verdict, extra);
  }

  /** Called when the server says the session was revoked: the instrumentation ends it. */
  onRevoke(listener: () => void): void {
    this[INTERNAL].revocation.listen(listener);
  }

  /** Ends the session (terminal text still held is recorded first); later events are dropped. */
  end(options: { exitCode?: number; reason?: string } = {}): void {
    const writer = this[INTERNAL].writer;
    if (writer.isEnded) return;
    writer.end(options);
    this.recorder[INTERNAL].forget(this);
  }
}

/** The decision flow's and review round trip's view of a session. */
function reviewContext(session: RecordedSession, writer: SessionWriter): ReviewContext {
  const { recorder } = session;
  const ctx: ReviewContext & DecisionContext = {
    get scope() {
      return session.scope;
    },
    get environment() {
      return session.start.resource.environment;
    },
    policyOff: recorder.options.policy === false,
    overrule: () => recordingBlock(session),
    sessionId: session.id,
    client: recorder.options.reviews,
    timeoutMs: recorder.options.reviewTimeoutMs ?? 15 * 60_000,
    newId: () => recorder.ids.eventId(recorder.now()),
    now: () => recorder.now(),
    onError: recorder.onError,
    verdict: (subjectId, verdict, extra) => {
      writer.verdict(subjectId, verdict, extra);
    },
    flush: (options) => recorder.flush(options),
    maskText: (text) => writer.text(text, new MaskTally()).slice(0, 2000),
    subjectText: (subject) => {
      const tally = new MaskTally();
      const m = writer.masker;
      if (subject.kind === 'tool') {
        const input = m ? m.value(subject.input ?? {}, tally) : subject.input;
        return `${writer.text(subject.tool, tally)} ${JSON.stringify(input ?? {})}`.slice(
          0,
          100_000,
        );
      }
      return writer.text(subject.text, tally).slice(0, 100_000);
    },
  };
  return ctx;
}

/** The id an authorization's action has: the caller's own (checked like any event id), or new. */
function subjectIdOf(session: RecordedSession, options: AuthorizeOptions): string | undefined {
  return options.subjectId === undefined
    ? undefined
    : session[INTERNAL].writer.ownId(options.subjectId);
}
