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

/** What `wrapAnthropic` needs of a client of `@anthropic-ai/sdk` (structural: no import of it). */
export interface AnthropicLike {
  messages: { create(...args: never[]): unknown };
  beta?: { messages?: { create(...args: never[]): unknown } };
}

/**
 * Anthropic's usage object → the cost's counts. Its `input_tokens` leaves out cache reads and
 * writes; they are added, so `inputTokens` is every input token of the call.
 */
export function anthropicUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const read = num(at(usage, 'cache_read_input_tokens')) ?? 0;
  const write = num(at(usage, 'cache_creation_input_tokens')) ?? 0;
  return {
    inputTokens: (num(at(usage, 'input_tokens')) ?? 0) + read + write,
    outputTokens: num(at(usage, 'output_tokens')) ?? 0,
    cacheReadTokens: read,
    cacheWriteTokens: write,
    cacheWrite1hTokens: num(at(usage, 'cache_creation', 'ephemeral_1h_input_tokens')),
    webSearches: num(at(usage, 'server_tool_use', 'web_search_requests')),
  };
}

/** The Messages API: a message, or its stream's events (message_start, then message_delta). */
const MESSAGES: CallReader = {
  provider: 'anthropic',
  response(value: unknown, state: CallState) {
    state.model = (at(value, 'model') as string | undefined) || state.model;
    state.usage = anthropicUsage(at(value, 'usage'));
  },
  event(value: unknown, state: CallState & { raw?: Record<string, unknown> }) {
    const type = at(value, 'type');
    if (type === 'message_start') {
      state.model = (at(value, 'message', 'model') as string | undefined) || state.model;
      state.raw = { ...(at(value, 'message', 'usage') as object | undefined) };
    } else if (type === 'message_delta') {
      // Counts in message_delta are cumulative; the fields it leaves null keep message_start's.
      const usage = at(value, 'usage') as Record<string, unknown> | undefined;
      state.raw ??= {};
      for (const [key, v] of Object.entries(usage ?? {})) if (v != null) state.raw[key] = v;
    } else return;
    state.usage = anthropicUsage(state.raw);
  },
};

/**
 * Records every call of an Anthropic SDK client (`new Anthropic(...)`) as an `llm_call` event:
 * `messages.create` and `beta.messages.create`, streaming or not, and so their `stream` and
 * `parse` helpers (which call them). The event has the model that answered, its token counts (cache reads and writes
 * included), the cost from the price table, the duration, and the error of a failed call. The
 * client is changed in place and returned; calls outside any session are not recorded.
 */
export function wrapAnthropic<T extends AnthropicLike>(
  recorder: Recorder,
  client: T,
  options: LlmWrapOptions = {},
): T {
  const wrap = (create: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      return recordCall(recorder, options, MESSAGES, args[0], () => create.apply(this, args));
    };
  replaceMethod(client.messages as unknown as object, 'create', wrap);
  replaceMethod(client.beta?.messages as unknown as object | undefined, 'create', wrap);
  return client;
}
