import { MODEL_PRICES, PROVIDER_PRICES } from './genai-prices/prices';
import type { ModelMatch, ModelPrices, Price, PricePeriod } from './price.types';

/**
 * A call's token counts as the cost needs them. `inputTokens` is every input token of the call,
 * cached ones included (Anthropic reports cache reads and writes apart from `input_tokens`; the
 * wrappers add them up); `outputTokens` includes reasoning tokens.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the prompt cache (part of `inputTokens`). */
  cacheReadTokens?: number;
  /** Input tokens written to the prompt cache (part of `inputTokens`), 1-hour entries included. */
  cacheWriteTokens?: number;
  /** Of `cacheWriteTokens`, those written to 1-hour entries (Anthropic). */
  cacheWrite1hTokens?: number;
  /** Server-side web searches the call ran (Anthropic). */
  webSearches?: number;
  /** Audio or image tokens the call reported: no cost is computed for such a call. */
  mediaTokens?: number;
}

function matches(logic: ModelMatch, name: string): boolean {
  const lower = name.toLowerCase();
  if ('or' in logic) return logic.or.some((m) => matches(m, name));
  if ('and' in logic) return logic.and.every((m) => matches(m, name));
  if ('equals' in logic) return lower === logic.equals.toLowerCase();
  if ('starts_with' in logic) return lower.startsWith(logic.starts_with.toLowerCase());
  if ('ends_with' in logic) return lower.endsWith(logic.ends_with.toLowerCase());
  if ('contains' in logic) return lower.includes(logic.contains.toLowerCase());
  return new RegExp(logic.regex).test(name);
}

/**
 * The price table's entry for a model name: first among the given provider's models, then among
 * those of the provider the name belongs to (a Claude model called through an OpenAI-compatible
 * endpoint), then among all. Undefined for a name the table does not know.
 */
export function findModelPrices(model: string, provider?: string): ModelPrices | undefined {
  const of = (p: string) => MODEL_PRICES.find((m) => m.provider === p && matches(m.match, model));
  const own = provider ? of(provider) : undefined;
  if (own) return own;
  const owner = PROVIDER_PRICES.find((p) => matches(p.match, model));
  const owned = owner ? of(owner.provider) : undefined;
  return owned ?? MODEL_PRICES.find((m) => matches(m.match, model));
}

/** The period in force at `at` (ms since epoch): the last one that has started. */
function periodAt(prices: ModelPrices, at: number): PricePeriod {
  const day = new Date(at).toISOString().slice(0, 10);
  let found = prices.periods[0] as PricePeriod;
  for (const period of prices.periods) if (!period.from || period.from <= day) found = period;
  return found;
}

/** A tier applies to every token of the call once its whole input exceeds the tier's start. */
function rate(price: Price, totalInput: number): number {
  if (typeof price === 'number') return price;
  let applies = price.base;
  for (const tier of price.tiers) if (totalInput > tier.start) applies = tier.price;
  return applies;
}

/**
 * What a call cost in USD, from the vendored price table: uncached input, cache reads, cache
 * writes (1-hour entries at their own price), output and web searches, each at the model's
 * price on the call's date. Cache tokens a model has no cache price for are billed as input.
 * Undefined (never a guess) when the model is not in the table, a price the call needs is
 * missing, or the call reported audio or image tokens.
 */
export function costUsd(
  model: string,
  usage: TokenUsage,
  options: { provider?: string; at?: number } = {},
): number | undefined {
  const prices = findModelPrices(model, options.provider);
  if (!prices || (usage.mediaTokens ?? 0) > 0) return undefined;
  const period = periodAt(prices, options.at ?? Date.now());
  const total = usage.inputTokens;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const write1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWrite);
  const uncached = Math.max(0, total - cacheRead - cacheWrite);
  const parts: [number, Price | undefined][] = [
    [uncached, period.input],
    [cacheRead, period.cacheRead ?? period.input],
    [cacheWrite - write1h, period.cacheWrite ?? period.input],
    [write1h, period.cacheWrite1h ?? period.cacheWrite ?? period.input],
    [usage.outputTokens, period.output],
  ];
  let cost = 0;
  for (const [tokens, price] of parts) {
    if (tokens <= 0) continue;
    if (price === undefined) return undefined;
    cost += (tokens * rate(price, total)) / 1_000_000;
  }
  const searches = usage.webSearches ?? 0;
  if (searches > 0) {
    if (period.webSearchesPerK === undefined) return undefined;
    cost += (searches * period.webSearchesPerK) / 1000;
  }
  return Math.round(cost * 1e10) / 1e10;
}
