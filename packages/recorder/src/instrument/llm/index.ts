export { type AnthropicLike, wrapAnthropic } from './anthropic';
export type { LlmWrapOptions } from './call';
export { costUsd, findModelPrices, type TokenUsage } from './cost';
export { PRICES_SOURCE } from './genai-prices/prices';
export { type OpenAILike, wrapOpenAI } from './openai';
export type { ModelMatch, ModelPrices, Price, PricePeriod, TieredPrice } from './price.types';
