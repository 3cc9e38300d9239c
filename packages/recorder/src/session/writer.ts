import {
  type EventInput,
  fitEvent,
  MAX_CONTENT_CHARS,
  type RecordingHeader,
  reviewIdSchema,
  type SessionStartInput,
  timestampSchema,
} from '@auditlane/client';
import { type Masker, MaskTally, type StreamMasker } from '../masking/masker';
import type { Sink } from '../sinks/sink';
import type { Authorization, VerdictExtra, VerdictName } from './decision';
import { type Fields, maskFields, type Recordable } from './fields';

export type TerminalCode = 'o' | 'i' | 'r' | 'm' | 'x';

/** An id this package's generator made (a ULID with its prefix): nothing to check in it. */
export const GENERATED_ID = /^(?:evt|sess)_[0-9A-HJKMNP-TV-Z]{26}$/;

/** Sees each terminal event as recorded (masked): the local asciicast file of a PTY. */
export type TerminalTap = (
  code: TerminalCode,
  data: string,
  offsetMs: number,
  header?: RecordingHeader,
) => void;

export interface WriterOptions {
  sink: Sink;
  /** Undefined: the recorder was made with `masking: false`. */
  masker: Masker | undefined;
  onError: (error: Error) => void;
  /** A new event id, for the time given (ms). */
  newId: (now?: number) => string;
  now: () => number;
  /** How long a terminal line without its end waits before it is recorded anyway. */
  flushMs: number;
  /** The session's recording rule is `off`: only its lifecycle events are written. */
  lifecycleOnly?: boolean;
}

/** A terminal stream (output or keystrokes), masked across chunks. */
interface TerminalStream {
  code: 'o' | 'i';
  masker: StreamMasker;
  /** The offset of the text it holds. */
  at: number;
}

/**
 * Writes one session's events: every path masks before the sink, and this is the only writer.
 * Header fields (id, seq, time) are assigned here, in recording order; content over the data
 * model's limits is fitted after masking.
 */
export class SessionWriter {
  private seq: number;
  private ended = false;
  private lastMs = -1;
  private lastIso = '';
  private output: TerminalStream | undefined;
  private input: TerminalStream | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts what is masked (reused while nothing is: most events have nothing to mask). */
  private tally = new MaskTally();
  private readonly taps: TerminalTap[] = [];
  flushMs: number;

  constructor(
    readonly sessionId: string,
    private readonly o: WriterOptions,
    seq = 0,
  ) {
    this.seq = seq;
    this.flushMs = o.flushMs;
  }

  get nextSeq(): number {
    return this.seq;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get masker(): Masker | undefined {
    return this.o.masker;
  }

  /** Free text masked (as is without a masker). */
  text(value: string, tally: MaskTally): string {
    return this.o.masker ? this.o.masker.text(value, tally) : value;
  }

  /** A host's own id for an event: kept unless it holds something the masker would mask. */
  ownId(id: string | undefined): string {
    if (id === undefined) return this.o.newId();
    if (GENERATED_ID.test(id)) return id;
    if (this.o.masker && this.o.masker.text(String(id)) !== id) {
      this.o.onError(new Error('an event id looked like a secret: a new id was given instead'));
      return this.o.newId();
    }
    return id;
  }

  /** The current time as ISO 8601, formatted once per millisecond. */
  private isoTime(ms = this.o.now()): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  private write(event: Record<string, unknown>): void {
    try {
      // Fitted after masking: an over-limit field is kept bounded and marked rather than the
      // event refused and lost, and a value nested too deep to serialise never reaches the
      // spool's JSON.stringify.
      this.o.sink.write(fitEvent(event as unknown as EventInput));
    } catch (error) {
      this.o.onError(error as Error);
    }
  }

  /** An event of a type a host records (`FIELD_MASKING` says how each field is masked). */
  record<T extends Recordable>(type: T, fields: Fields<T>, authorization?: Authorization): string {
    const id =
      fields.id !== undefined
        ? this.ownId(fields.id)
        : (authorization?.subjectId ?? this.o.newId());
    if (this.ended || this.o.lifecycleOnly) return id;
    // The writer's tally, reused while nothing is masked (most events): it is empty here.
    const tally = this.tally;
    // Header fields first, then the content (a literal that starts with a spread and then adds
    // properties is much slower in V8); seq and time are set once the content is masked.
    const event: Record<string, unknown> = {
      id,
      sessionId: this.sessionId,
      seq: 0,
      time: '',
      type,
    };
    try {
      maskFields(
        type,
        fields as Record<string, unknown>,
        event,
        this.o.masker,
        tally,
        authorization?.maskOutput ? authorization.decision : undefined,
      );
    } catch (error) {
      this.takeTally();
      // Never recorded unmasked: the event is left out, and said so.
      this.o.onError(
        new Error(
          `a ${type} event was not recorded: masking it failed (${(error as Error).message})`,
        ),
      );
      return id;
    }
    event.seq = this.seq++;
    event.time = this.isoTime();
    this.write(event);
    if (tally.count > 0) this.masked(this.takeTally(), id);
    return id;
  }

  /** The session's start: what it says about the session, free text masked. */
  start(start: SessionStartInput): void {
    const tally = new MaskTally();
    const m = this.o.masker;
    const session = m ? maskStart(start, m, tally) : start;
    const id = this.o.newId();
    this.write({
      id,
      sessionId: this.sessionId,
      seq: this.seq++,
      time: this.isoTime(),
      type: 'lifecycle',
      action: 'start',
      session,
    });
    this.masked(tally, id);
  }

  /** The session's end (terminal text still held is recorded first); nothing is recorded after it. */
  end(options: { exitCode?: number; reason?: string }): void {
    if (this.ended) return;
    this.flushTerminal(true);
    if (this.timer) clearTimeout(this.timer);
    const tally = new MaskTally();
    const id = this.o.newId();
    const event: Record<string, unknown> = {
      id,
      sessionId: this.sessionId,
      seq: this.seq++,
      time: this.isoTime(),
      type: 'lifecycle',
      action: 'end',
    };
    if (options.exitCode !== undefined) event.exitCode = options.exitCode;
    if (options.reason !== undefined) event.reason = this.text(String(options.reason), tally);
    this.write(event);
    this.masked(tally, id);
    this.ended = true;
  }

  /** A policy verdict about `subjectId`, its text masked. */
  verdict(subjectId: string, verdict: VerdictName, extra: VerdictExtra = {}): string {
    const tally = new MaskTally();
    const id = this.o.newId();
    if (this.ended || this.o.lifecycleOnly) return id;
    const event: Record<string, unknown> = {
      id,
      sessionId: this.sessionId,
      seq: this.seq++,
      time: this.isoTime(),
      type: 'policy',
      subjectId,
      verdict,
    };
    // Names and ids as given unless the masker finds something in them; the reason (a parser's
    // message quotes its input) within the schema's 2,000 characters, never refused for length.
    for (const key of ['rule', 'reviewer'] as const)
      if (extra[key] !== undefined) event[key] = this.text(String(extra[key]), tally);
    // The server's review id and decision time, by their shapes (masking could mangle them).
    if (extra.reviewId !== undefined && reviewIdSchema.safeParse(extra.reviewId).success)
      event.reviewId = extra.reviewId;
    if (extra.decidedAt !== undefined && timestampSchema.safeParse(extra.decidedAt).success)
      event.decidedAt = extra.decidedAt;
    if (extra.reason !== undefined)
      event.reason = this.text(String(extra.reason), tally).slice(0, 2000);
    this.write(event);
    return id;
  }

  /** A masking event: how many values of `subjectId` were masked, under which names. */
  private masked(tally: MaskTally, subjectId: string | undefined): void {
    if (tally.count === 0 || this.o.lifecycleOnly) return;
    const names = [...tally.names].slice(0, 1000);
    const scratch = new MaskTally();
    const event: Record<string, unknown> = {
      id: this.o.newId(),
      sessionId: this.sessionId,
      seq: this.seq++,
      time: this.isoTime(),
      type: 'masking',
    };
    if (subjectId !== undefined) event.subjectId = subjectId;
    // The names are detectors' and the host's own field names: masked like everything else.
    event.fields = names.map((n) => this.text(n, scratch).slice(0, 256));
    event.count = tally.count;
    this.write(event);
  }

  /**
   * Terminal data. Output (`o`) and keystrokes (`i`) are masked as streams: complete lines at
   * once, an unfinished line held until its end, the next event, or `flushMs` without more
   * (then what follows on the same line is still masked together with it). Other codes are
   * masked as text, after what the streams hold. Returns the id of the event recorded now, or
   * undefined while the text waits.
   */
  terminal(
    code: TerminalCode,
    data: string,
    offsetMs: number,
    header?: RecordingHeader,
  ): string | undefined {
    if (this.ended || this.o.lifecycleOnly) return undefined;
    const m = this.o.masker;
    const text = typeof data === 'string' ? data : String(data);
    if (code === 'o' || code === 'i') {
      if (!m) return this.writeTerminal(code, text, offsetMs);
      let stream = code === 'o' ? this.output : this.input;
      if (!stream) {
        stream = { code, masker: m.stream(), at: offsetMs };
        if (code === 'o') this.output = stream;
        else this.input = stream;
      }
      const out = stream.masker.push(text, this.tally);
      stream.at = offsetMs;
      if (stream.masker.pending) this.arm();
      return out ? this.writeTerminal(code, out, offsetMs) : undefined;
    }
    // A resize, marker or exit comes after what was printed before it.
    this.flushTerminal(code === 'x');
    if (!m) return this.writeTerminal(code, text, offsetMs, header);
    const masked = m.text(text, this.tally);
    const maskedHeader = header ? (m.value(header, this.tally) as RecordingHeader) : undefined;
    return this.writeTerminal(code, masked, offsetMs, maskedHeader);
  }

  /** Records what the terminal streams hold; `final`: the streams end (nothing held back). */
  flushTerminal(final = false): void {
    if (this.ended) return;
    for (const stream of [this.output, this.input]) {
      if (!stream || !(final || stream.masker.pending)) continue;
      const out = stream.masker.flush(this.tally, final);
      if (out) this.writeTerminal(stream.code, out, stream.at);
    }
    if (this.tally.count > 0) this.masked(this.takeTally(), undefined);
  }

  /** Sees every terminal event recorded from now on. */
  tap(listener: TerminalTap): () => void {
    this.taps.push(listener);
    return () => {
      const i = this.taps.indexOf(listener);
      if (i !== -1) this.taps.splice(i, 1);
    };
  }

  /** The hot path: one event per chunk of output. */
  private writeTerminal(
    code: TerminalCode,
    data: string,
    offsetMs: number,
    header?: RecordingHeader,
  ): string {
    const now = this.o.now();
    const id = this.o.newId(now);
    const event: Record<string, unknown> = {
      id,
      sessionId: this.sessionId,
      seq: this.seq++,
      time: this.isoTime(now),
      type: 'terminal',
      code,
      data,
      offsetMs,
    };
    if (header) event.header = header;
    // Only text over the limit needs fitting; the sink gets the event as built otherwise.
    if (header || data.length > MAX_CONTENT_CHARS) this.write(event);
    else {
      try {
        this.o.sink.write(event as unknown as EventInput);
      } catch (error) {
        this.o.onError(error as Error);
      }
    }
    for (const tap of this.taps) {
      try {
        tap(code, data, offsetMs, header);
      } catch (error) {
        this.o.onError(error as Error);
      }
    }
    if (this.tally.count > 0) this.masked(this.takeTally(), id);
    return id;
  }

  private takeTally(): MaskTally {
    const tally = this.tally;
    this.tally = new MaskTally();
    return tally;
  }

  /** After `flushMs` without more terminal data, what is held is recorded (live viewers see prompts). */
  private arm(): void {
    if (this.timer) this.timer.refresh();
    else {
      this.timer = setTimeout(() => this.flushTerminal(false), this.flushMs);
      this.timer.unref?.();
    }
  }
}

/** A session's start with its free text masked; who and what it is about are kept. */
function maskStart(start: SessionStartInput, m: Masker, tally: MaskTally): SessionStartInput {
  const out: SessionStartInput = { ...start };
  if (start.reason !== undefined) out.reason = m.text(String(start.reason), tally);
  if (start.endpoint !== undefined) out.endpoint = m.text(String(start.endpoint), tally);
  if (start.model !== undefined) out.model = m.text(String(start.model), tally);
  if (start.labels !== undefined) out.labels = m.value(start.labels, tally) as typeof start.labels;
  if (start.credential?.name !== undefined)
    out.credential = { ...start.credential, name: m.text(String(start.credential.name), tally) };
  return out;
}
