/**
 * The price table's shapes (`genai-prices/prices.ts` is generated in them). Prices are USD per
 * million tokens, web searches USD per thousand.
 */

/** A model name test: `equals`, `starts_with`, `ends_with` and `contains` ignore case. */
export type ModelMatch =
  | { readonly or: readonly ModelMatch[] }
  | { readonly and: readonly ModelMatch[] }
  | { readonly equals: string }
  | { readonly starts_with: string }
  | { readonly ends_with: string }
  | { readonly contains: string }
  | { readonly regex: string };

/** A price that rises once the call's input (all of it, cached included) exceeds `start`. */
export interface TieredPrice {
  readonly base: number;
  readonly tiers: readonly { readonly start: number; readonly price: number }[];
}

export type Price = number | TieredPrice;

/** The prices of a model from a date (`from`, UTC, inclusive) until the next period's. */
export interface PricePeriod {
  readonly from?: string;
  readonly input?: Price;
  readonly output?: Price;
  readonly cacheRead?: Price;
  /** Cache writes (Anthropic: 5-minute entries). */
  readonly cacheWrite?: Price;
  /** Anthropic's 1-hour cache entries. */
  readonly cacheWrite1h?: Price;
  readonly webSearchesPerK?: number;
  /** The model also bills audio or image tokens (not priced here: such a call gets no cost). */
  readonly media?: true;
}

export interface ModelPrices {
  readonly provider: 'anthropic' | 'openai';
  /** The table's id of the model (one entry may cover several names). */
  readonly id: string;
  readonly match: ModelMatch;
  /** Oldest first. */
  readonly periods: readonly PricePeriod[];
}

export interface ProviderPrices {
  readonly provider: 'anthropic' | 'openai';
  /** Which model names are this provider's (the first provider to match prices a name). */
  readonly match: ModelMatch;
}
