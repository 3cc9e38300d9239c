#!/usr/bin/env bash
# Every check and every test, as CI runs them: `pnpm verify` (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "system packages (PostgreSQL for the store tests, Chromium for the browser tests)"
bash scripts/ensure-system.sh

step "lint and format (biome)"
pnpm exec biome ci .

step "import boundaries (dependency-cruiser: .dependency-cruiser.cjs)"
pnpm boundaries

step "README entries tables are generated from the packages' exports"
pnpm entries --check

step "openapi.json is generated from the schemas"
pnpm --filter @auditlane/client exec tsx scripts/openapi.ts

step "typecheck"
pnpm typecheck

step "build (tsup: ESM + CJS + .d.ts)"
pnpm -r --filter './packages/*' build

step "package exports (publint --strict, are-the-types-wrong)"
pnpm -r --filter './packages/*' lint:package

step "storybook build (stories/, tested in Chromium below)"
pnpm --filter @auditlane/stories build

step "tests (vitest)"
report=$(mktemp)
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
rm -f "$report"
exit "$status"
