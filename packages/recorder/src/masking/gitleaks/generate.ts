/**
 * Regenerates rules.ts from the vendored gitleaks.toml. To take a newer ruleset: replace
 * gitleaks.toml (config/gitleaks.toml of the gitleaks release) and VERSION, then run
 *   pnpm --filter @auditlane/recorder generate:rules
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { type GitleaksConfig, generateRules } from './convert';

/** The gitleaks release gitleaks.toml is taken from. */
export const VERSION = '8.30.1';

export function generate(): string {
  const toml = readFileSync(new URL('./gitleaks.toml', import.meta.url), 'utf8');
  return generateRules(parse(toml) as unknown as GitleaksConfig, VERSION);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, '/'))) {
  writeFileSync(new URL('./rules.ts', import.meta.url), generate());
}
