/**
 * Regenerates prices.ts from the vendored data.json. To take newer prices: replace data.json
 * (prices/new_data/v2/data.json of the genai-prices repository, the feed its packages read) and
 * SOURCE, then run
 *   pnpm --filter @auditlane/recorder generate:prices
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generatePrices, type SourceProvider } from './convert';

/** The genai-prices commit data.json is taken from. */
export const SOURCE = 'genai-prices 47df840a5ab10bbcffb8e5ac01b9899032245d1b, 2026-08-21';

export function generate(): string {
  const json = readFileSync(new URL('./data.json', import.meta.url), 'utf8');
  return generatePrices(JSON.parse(json) as SourceProvider[], SOURCE);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, '/'))) {
  writeFileSync(new URL('./prices.ts', import.meta.url), generate());
}
