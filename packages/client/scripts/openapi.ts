// Writes (--write) or checks (default) packages/client/openapi.json against the zod schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from './openapi-document';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
const text = `${JSON.stringify(buildOpenApiDocument(pkg.version), null, 2)}\n`;
const target = `${root}openapi.json`;

if (process.argv.includes('--write')) {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
} else {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`${target} is out of date: run \`pnpm openapi\``);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
}
