import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costUsd, findModelPrices } from './cost';
import { generate, SOURCE } from './genai-prices/generate';
import { MODEL_PRICES, PRICES_SOURCE } from './genai-prices/prices';

const data = JSON.parse(
  readFileSync(new URL('./genai-prices/data.json', import.meta.url), 'utf8'),
) as { id: string; models: { id: string; prices: unknown }[] }[];

describe('the vendored price table', () => {
  it('prices.ts is what the generator makes of data.json', () => {
    const file = readFileSync(new URL('./genai-prices/prices.ts', import.meta.url), 'utf8');
    expect(file).toBe(generate());
    expect(PRICES_SOURCE).toBe(SOURCE);
  });

  it("has every Anthropic and OpenAI model of the source with a token price, in the source's order", () => {
    for (const provider of ['anthropic', 'openai'] as const) {
      const ids = data
        .find((p) => p.id === provider)
        ?.models.filter((m) => JSON.stringify(m.prices).includes('_mtok'))
        .map((m) => m.id);
      expect(ids?.length).toBeGreaterThan(15);
      expect(MODEL_PRICES.filter((m) => m.provider === provider).map((m) => m.id)).toEqual(ids);
    }
  });

  it('finds the entry of dated and aliased names, the first match winning', () => {
    expect(findModelPrices('claude-sonnet-4-5-20250929', 'anthropic')?.id).toBe(
      'claude-sonnet-4-5',
    );
    expect(findModelPrices('claude-3-5-haiku-20241022')?.id).toBe('claude-3-5-haiku-latest');
    expect(findModelPrices('gpt-4o-2024-08-06', 'openai')?.id).toBe('gpt-4o');
    expect(findModelPrices('gpt-4o-mini-2024-07-18', 'openai')?.id).toBe('gpt-4o-mini');
    expect(findModelPrices('gpt-4.1-2025-04-14', 'openai')?.id).toBe('gpt-4.1');
    // A Claude model through an OpenAI-compatible endpoint is still priced as Anthropic's.
    expect(findModelPrices('claude-opus-4-1', 'openai')?.provider).toBe('anthropic');
    expect(findModelPrices('llama-3.3-70b', 'openai')).toBeUndefined();
  });
});

describe('costUsd', () => {
  const at = Date.parse('2026-11-01T00:00:00Z');

  it('prices input and output at the per-million prices of the model', () => {
    expect(costUsd('claude-sonnet-4-5', { inputTokens: 100_000, outputTokens: 0 }, { at })).toBe(
      0.3,
    );
    expect(costUsd('gpt-4.1', { inputTokens: 36, outputTokens: 87 }, { at })).toBeCloseTo(
      (36 * 2 + 87 * 8) / 1e6,
      12,
    );
  });

  it('omits the cost of a model it does not know, never a guess', () => {
    expect(costUsd('llama-3.3-70b', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(costUsd('my-finetune', { inputTokens: 0, outputTokens: 0 })).toBeUndefined();
  });

  it('prices cache reads and writes apart from uncached input (Anthropic: 5-minute and 1-hour)', () => {
    // claude-sonnet-4-5: input 3, cache write 3.75, 1-hour write 6, cache read 0.3, output 15.
    const usage = {
      inputTokens: 21 + 188_086 + 1_000,
      cacheWriteTokens: 188_086,
      cacheReadTokens: 1_000,
      outputTokens: 393,
    };
    const expected = (21 * 3 + 188_086 * 3.75 + 1_000 * 0.3 + 393 * 15) / 1e6;
    expect(costUsd('claude-sonnet-4-5-20250929', usage, { at })).toBeCloseTo(expected, 10);
    const oneHour = { ...usage, cacheWrite1hTokens: 88_086 };
    const expected1h = (21 * 3 + 100_000 * 3.75 + 88_086 * 6 + 1_000 * 0.3 + 393 * 15) / 1e6;
    expect(costUsd('claude-sonnet-4-5', oneHour, { at })).toBeCloseTo(expected1h, 10);
    // OpenAI: cached tokens are part of prompt_tokens; gpt-4o reads at 1.25.
    expect(
      costUsd('gpt-4o', { inputTokens: 2_000, cacheReadTokens: 1_000, outputTokens: 0 }, { at }),
    ).toBeCloseTo((1_000 * 2.5 + 1_000 * 1.25) / 1e6, 12);
  });

  it('charges every token at the tier once the whole input passes its start', () => {
    const below = costUsd(
      'claude-sonnet-4-5',
      { inputTokens: 200_000, outputTokens: 1_000 },
      { at },
    );
    const above = costUsd(
      'claude-sonnet-4-5',
      { inputTokens: 200_001, outputTokens: 1_000 },
      { at },
    );
    expect(below).toBeCloseTo((200_000 * 3 + 1_000 * 15) / 1e6, 10);
    expect(above).toBeCloseTo((200_001 * 6 + 1_000 * 22.5) / 1e6, 10);
  });

  it("uses the price in force on the call's date", () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(costUsd('o3', usage, { at: Date.parse('2025-06-09T23:59:59Z') })).toBe(50);
    expect(costUsd('o3', usage, { at: Date.parse('2025-06-10T00:00:00Z') })).toBe(10);
  });

  it('adds web searches, and omits the cost of audio or image tokens and of unpriced parts', () => {
    expect(
      costUsd('claude-haiku-4-5', { inputTokens: 0, outputTokens: 0, webSearches: 2 }, { at }),
    ).toBeCloseTo(0.02, 12);
    expect(
      costUsd('gpt-4o-audio-preview', { inputTokens: 10, outputTokens: 10, mediaTokens: 5 }),
    ).toBeUndefined();
    expect(
      costUsd('text-embedding-3-small', { inputTokens: 1_000, outputTokens: 5 }),
    ).toBeUndefined();
    expect(costUsd('text-embedding-3-small', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(
      0.02,
    );
  });
});
