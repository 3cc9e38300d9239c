/**
 * The vendored genai-prices data (data.json, parsed) → the source of `prices.ts`. Run by
 * `generate.ts`; its test checks that `prices.ts` is what this produces from the file.
 *
 * Kept: the Anthropic and OpenAI providers, each model's name match and its token prices (input,
 * output, cache read, cache write, 1-hour cache write, web searches) by period. Audio and image
 * prices are not kept; a model that has them is flagged `media`. Models without a token price
 * (moderation) are skipped. A price constraint other than a start date fails the generation.
 */
import type { ModelMatch, Price, PricePeriod } from '../price.types';

export const PROVIDERS = ['anthropic', 'openai'] as const;

type Provider = (typeof PROVIDERS)[number];

interface SourcePrices {
  [key: string]: unknown;
}

interface SourceModel {
  id: string;
  match: ModelMatch;
  prices: SourcePrices | { constraint?: Record<string, unknown>; prices: SourcePrices }[];
}

export interface SourceProvider {
  id: string;
  model_match?: ModelMatch;
  models: SourceModel[];
}

const KEYS: Record<string, keyof PricePeriod | null> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite',
  cache_write_1h_mtok: 'cacheWrite1h',
  web_searches_kcount: 'webSearchesPerK',
};
const MEDIA = /^(?:input|output|cache)_(?:audio|image)_/;

function period(model: string, prices: SourcePrices, from?: string): PricePeriod {
  const out: Record<string, unknown> = {};
  if (from) out.from = from;
  for (const [key, value] of Object.entries(prices)) {
    const name = KEYS[key];
    if (name) out[name] = price(model, key, value);
    else if (MEDIA.test(key)) out.media = true;
    else throw new Error(`${model}: unknown price ${key}`);
  }
  return out as PricePeriod;
}

function price(model: string, key: string, value: unknown): Price {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const tiered = value as { base?: unknown; tiers?: { start?: unknown; price?: unknown }[] };
  if (
    typeof tiered?.base === 'number' &&
    Array.isArray(tiered.tiers) &&
    tiered.tiers.every((t) => typeof t.start === 'number' && typeof t.price === 'number')
  )
    return {
      base: tiered.base,
      tiers: tiered.tiers.map((t) => ({ start: t.start as number, price: t.price as number })),
    };
  throw new Error(`${model}: ${key} is not a price`);
}

function periods(model: SourceModel): PricePeriod[] {
  if (!Array.isArray(model.prices)) return [period(model.id, model.prices)];
  return model.prices.map((p, i) => {
    const c = p.constraint;
    if (c === undefined) {
      if (i !== 0) throw new Error(`${model.id}: an unconstrained price after the first`);
      return period(model.id, p.prices);
    }
    const keys = Object.keys(c).filter((k) => k !== 'type');
    if (keys.length !== 1 || keys[0] !== 'start_date' || typeof c.start_date !== 'string')
      throw new Error(`${model.id}: unsupported price constraint ${JSON.stringify(c)}`);
    return period(model.id, p.prices, c.start_date);
  });
}

const literal = (value: unknown) => JSON.stringify(value);

export function generatePrices(data: SourceProvider[], source: string): string {
  const lines = [
    `// Generated from data.json (${source}, MIT, see LICENSE) by generate.ts.`,
    '// Do not edit: replace data.json and run `pnpm --filter @auditlane/recorder generate:prices`.',
    '// biome-ignore-all format: generated',
    '// biome-ignore-all lint: generated',
    "import type { ModelPrices, ProviderPrices } from '../price.types';",
    '',
    `export const PRICES_SOURCE = ${literal(source)};`,
    '',
    '/** Which provider a model name belongs to, in order. */',
    'export const PROVIDER_PRICES: readonly ProviderPrices[] = [',
  ];
  const models: string[] = [];
  const skipped: string[] = [];
  for (const id of PROVIDERS) {
    const provider = data.find((p) => p.id === id);
    if (!provider) throw new Error(`data.json has no provider ${id}`);
    if (!provider.model_match) throw new Error(`${id}: no model_match`);
    lines.push(`  { provider: ${literal(id)}, match: ${literal(provider.model_match)} },`);
    for (const model of provider.models) {
      const ps = periods(model);
      if (!ps.some((p) => p.input !== undefined || p.output !== undefined)) {
        skipped.push(`${id}/${model.id}`);
        continue;
      }
      models.push(
        `  { provider: ${literal(id as Provider)}, id: ${literal(model.id)}, match: ${literal(model.match)}, periods: ${literal(ps)} },`,
      );
    }
  }
  if (skipped.length) lines.splice(2, 0, `// Skipped (no token price): ${skipped.join(', ')}.`);
  lines.push('];', '', '/** Every model of those providers, in the order names are matched. */');
  lines.push('export const MODEL_PRICES: readonly ModelPrices[] = [', ...models, '];', '');
  return lines.join('\n');
}
