import type { RecordedSession, Recorder } from '../../recorder';
import { costUsd, type TokenUsage } from './cost';

export interface LlmWrapOptions {
  /** The session to record into (default: the recorder's current session at each call). */
  session?: RecordedSession;
  /**
   * A call's cost in USD in place of the price table's (a deployment with prices of its own);
   * undefined records no cost.
   */
  cost?: (model: string, usage: TokenUsage) => number | undefined;
}

/** What is known of a call so far: from its response, or folded from its stream's events. */
export interface CallState {
  model?: string;
  usage?: TokenUsage;
  error?: string;
}

/** How one API method's responses and stream events are read. */
export interface CallReader {
  provider: 'anthropic' | 'openai';
  /** Reads a whole (non-streaming) response. */
  response(value: unknown, state: CallState): void;
  /** Folds one stream event into the state. */
  event(value: unknown, state: CallState): void;
}

/** The public methods of the SDKs' API promises this module uses (all optional). */
interface ApiPromiseLike {
  then(
    onfulfilled?: (value: unknown) => unknown,
    onrejected?: (reason: unknown) => unknown,
  ): unknown;
  catch?: (...args: unknown[]) => unknown;
  finally?: (...args: unknown[]) => unknown;
  withResponse?: (...args: unknown[]) => unknown;
  asResponse?: (...args: unknown[]) => unknown;
}

type StreamLike = {
  [Symbol.asyncIterator]: (...args: unknown[]) => AsyncIterator<unknown>;
  iterator?: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: AbortSignal };
};

export const ABANDONED = 'stream abandoned by the caller before its end';

const MARK = Symbol.for('auditlane/llm@1');

/** Replaces `object[name]` by `wrap(original)` once per object (a second wrap keeps the first). */
export function replaceMethod<T extends object>(
  object: T | undefined,
  name: string,
  wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown,
): void {
  const target = object as Record<string | symbol, unknown> | undefined;
  const original = target?.[name];
  if (!target || typeof original !== 'function') return;
  target[MARK] ??= new Set<string>();
  const marks = target[MARK] as Set<string>;
  if (marks.has(name)) return;
  marks.add(name);
  target[name] = wrap(original as (...args: unknown[]) => unknown);
}

/**
 * Calls `call` (an SDK method) and records it as an `llm_call` once its response is read or its
 * stream ends, fails or is abandoned. What the caller gets is the SDK's own return value: the
 * same promise object (its `withResponse()` and `asResponse()` kept), the same stream object,
 * yielding the same events in the same order, each pulled only when the caller asks for it.
 * Without a session the call runs unrecorded. Recording never breaks the call: its problems go to
 * the recorder's `onError`.
 */
export function recordCall(
  recorder: Recorder,
  options: LlmWrapOptions,
  reader: CallReader,
  body: unknown,
  call: () => unknown,
): unknown {
  const session = options.session ?? recorder.current();
  if (!session) return call();
  const params = (body ?? {}) as { model?: unknown; stream?: unknown };
  const at = recorder.now();
  const started = performance.now();
  const state: CallState = {};
  let recorded = false;
  const costOf = (model: string, usage: TokenUsage) => {
    const cost = options.cost
      ? options.cost(model, usage)
      : costUsd(model, usage, { provider: reader.provider, at });
    return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
  };
  const finish = (error?: unknown) => {
    if (recorded) return;
    recorded = true;
    try {
      if (error !== undefined) state.error ??= errorText(error);
      const model = state.model || (typeof params.model === 'string' && params.model) || 'unknown';
      const usage = state.usage;
      session.llmCall({
        model,
        provider: reader.provider,
        inputTokens: count(usage?.inputTokens),
        outputTokens: count(usage?.outputTokens),
        costUsd: usage ? costOf(model, usage) : undefined,
        durationMs: performance.now() - started,
        error: state.error,
      });
    } catch (e) {
      recorder.onError(e as Error);
    }
  };
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    finish(error);
    throw error;
  }
  if (!isThenable(result)) {
    finish();
    return result;
  }
  const promise = result as ApiPromiseLike;
  let observing = false;
  const onValue = (value: unknown) => {
    try {
      if (params.stream && isStream(value)) return watchStream(value, reader, state, finish);
      reader.response(value, state);
    } catch (e) {
      recorder.onError(e as Error);
    }
    finish();
  };
  // The response is read when the caller reads it (then, catch, finally, withResponse); a caller
  // that takes the raw response (asResponse) reads the body itself, and the call is recorded
  // without its token counts. A promise the SDK derives from this one (`_thenUnwrap`, as its
  // `parse` helpers do) is watched the same way: it reads the same body, once.
  const hook = (target: ApiPromiseLike) => {
    const own = target as unknown as Record<string, unknown>;
    const originalThen = target.then;
    const observe = () => {
      if (observing) return;
      observing = true;
      originalThen.call(target, onValue, (error: unknown) => finish(error));
    };
    for (const name of ['then', 'catch', 'finally', 'withResponse'] as const) {
      const method = target[name];
      if (typeof method !== 'function') continue;
      own[name] = function (this: unknown, ...args: unknown[]) {
        observe();
        return (method as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    const asResponse = target.asResponse;
    if (typeof asResponse === 'function')
      own.asResponse = function (this: unknown, ...args: unknown[]) {
        const response = asResponse.apply(this, args);
        if (!observing && isThenable(response))
          (response as Promise<unknown>).then(
            () => finish(),
            (error: unknown) => finish(error),
          );
        return response;
      };
    const unwrap = own._thenUnwrap;
    if (typeof unwrap === 'function')
      own._thenUnwrap = function (this: unknown, ...args: unknown[]) {
        const derived = (unwrap as (...a: unknown[]) => unknown).apply(this, args);
        if (isThenable(derived)) hook(derived as ApiPromiseLike);
        return derived;
      };
    return observe;
  };
  const observe = hook(promise);
  // Any other promise (a native one is awaited without its own `then`) is watched at once.
  if (typeof promise.asResponse !== 'function') observe();
  return promise;
}

/** Observes a stream in place: its iteration is wrapped, the object stays the caller's. */
function watchStream(
  stream: StreamLike,
  reader: CallReader,
  state: CallState,
  finish: (error?: unknown) => void,
): void {
  const onEvent = (value: unknown) => {
    try {
      reader.event(value, state);
    } catch {
      // An event the reader does not understand changes nothing of the record.
    }
  };
  // The SDKs' streams iterate through their `iterator` function (tee and toReadableStream
  // too); any other async iterable through Symbol.asyncIterator.
  const key =
    typeof stream.iterator === 'function' && Object.hasOwn(stream, 'iterator')
      ? 'iterator'
      : Symbol.asyncIterator;
  const original = stream[key] as (...args: unknown[]) => AsyncIterator<unknown>;
  (stream as Record<string | symbol, unknown>)[key] = function (this: unknown, ...args: unknown[]) {
    return watchIterator(original.apply(this, args), onEvent, finish);
  };
  const signal = stream.controller?.signal;
  // Aborted (the caller's abort(), or the SDK's own after a failure): recorded unless the
  // iteration records first (the SDK aborts before its error reaches the iterator's caller).
  signal?.addEventListener(
    'abort',
    () => setTimeout(() => finish(signal.reason ?? new Error('aborted')), 0),
    { once: true },
  );
}

function watchIterator(
  inner: AsyncIterator<unknown>,
  onEvent: (value: unknown) => void,
  finish: (error?: unknown) => void,
): AsyncIterableIterator<unknown> {
  const iterator: AsyncIterableIterator<unknown> = {
    next: (...args: [] | [unknown]) =>
      inner.next(...args).then(
        (result) => {
          if (result.done) finish();
          else onEvent(result.value);
          return result;
        },
        (error: unknown) => {
          finish(error);
          throw error;
        },
      ),
    return: (value?: unknown) => {
      finish(ABANDONED);
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  if (inner.throw) {
    const thrower = inner.throw.bind(inner);
    iterator.throw = (error?: unknown) => {
      finish(error ?? ABANDONED);
      return thrower(error);
    };
  }
  return iterator;
}

function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function isStream(value: unknown): value is StreamLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** An error as recorded: the SDKs' API errors carry their HTTP status in the message. */
function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = error as { message?: unknown; name?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const name = typeof e?.name === 'string' && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${message}`.slice(0, 10_000);
}

/** A number field of a usage object, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A nested field: `at(usage, 'prompt_tokens_details', 'cached_tokens')`. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
