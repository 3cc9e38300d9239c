import type { Recorder } from '../../recorder';
import {
  at,
  type CallReader,
  type CallState,
  type LlmWrapOptions,
  num,
  recordCall,
  replaceMethod,
} from './call';
import type { TokenUsage } from './cost';

/** What `wrapOpenAI` needs of a client of `openai` (structural: no import of it). */
export interface OpenAILike {
  chat: { completions: { create(...args: never[]): unknown } };
  responses?: { create(...args: never[]): unknown };
}

/** Chat Completions' usage → the cost's counts (`prompt_tokens` includes cached tokens). */
export function chatUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return {
    inputTokens: num(at(usage, 'prompt_tokens')) ?? 0,
    outputTokens: num(at(usage, 'completion_tokens')) ?? 0,
    cacheReadTokens: num(at(usage, 'prompt_tokens_details', 'cached_tokens')),
    cacheWriteTokens: num(at(usage, 'prompt_tokens_details', 'cache_write_tokens')),
    mediaTokens:
      (num(at(usage, 'prompt_tokens_details', 'audio_tokens')) ?? 0) +
      (num(at(usage, 'completion_tokens_details', 'audio_tokens')) ?? 0),
  };
}

/** The Responses API's usage → the cost's counts (`input_tokens` includes cached tokens). */
export function responsesUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return {
    inputTokens: num(at(usage, 'input_tokens')) ?? 0,
    outputTokens: num(at(usage, 'output_tokens')) ?? 0,
    cacheReadTokens: num(at(usage, 'input_tokens_details', 'cached_tokens')),
    cacheWriteTokens: num(at(usage, 'input_tokens_details', 'cache_write_tokens')),
  };
}

/** A chat completion, or its chunks: the last chunk has the usage when it was asked for. */
const CHAT: CallReader = {
  provider: 'openai',
  response(value: unknown, state: CallState) {
    state.model = (at(value, 'model') as string | undefined) || state.model;
    state.usage = chatUsage(at(value, 'usage'));
  },
  event(value: unknown, state: CallState) {
    state.model ||= at(value, 'model') as string | undefined;
    const usage = at(value, 'usage');
    if (usage) state.usage = chatUsage(usage);
  },
};

function readResponse(response: unknown, state: CallState) {
  state.model = (at(response, 'model') as string | undefined) || state.model;
  const usage = at(response, 'usage');
  if (usage) state.usage = responsesUsage(usage);
  if (at(response, 'status') === 'failed') {
    const message = at(response, 'error', 'message') ?? at(response, 'error', 'code');
    state.error = typeof message === 'string' ? message : 'response failed';
  }
}

/** A response, or its stream's events (response.created … response.completed or .failed). */
const RESPONSES: CallReader = {
  provider: 'openai',
  response: readResponse,
  event(value: unknown, state: CallState) {
    const response = at(value, 'response');
    if (response) readResponse(response, state);
    else if (at(value, 'type') === 'error') {
      const message = at(value, 'message') ?? at(value, 'code');
      state.error = typeof message === 'string' ? message : 'stream error';
    }
  },
};

/**
 * Records every call of an OpenAI SDK client (`new OpenAI(...)`) as an `llm_call` event:
 * `chat.completions.create` and `responses.create`, streaming or not (and so the SDK's
 * `stream`, `parse` and `runTools` helpers, which call them). The event has the model that
 * answered, its token counts, the cost from the price table, the duration, and the error of a
 * failed call. A streamed chat completion has token counts only when the caller asks for them
 * (`stream_options: { include_usage: true }`): the request is sent as the caller wrote it. The
 * client is changed in place and returned; calls outside any session are not recorded.
 */
export function wrapOpenAI<T extends OpenAILike>(
  recorder: Recorder,
  client: T,
  options: LlmWrapOptions = {},
): T {
  const wrap = (reader: CallReader) => (create: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      return recordCall(recorder, options, reader, args[0], () => create.apply(this, args));
    };
  replaceMethod(client.chat.completions as unknown as object, 'create', wrap(CHAT));
  replaceMethod(client.responses as unknown as object | undefined, 'create', wrap(RESPONSES));
  return client;
}
