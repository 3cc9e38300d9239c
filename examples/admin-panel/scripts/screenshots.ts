/**
 * The README's screenshots of the panel, taken from a fresh demo in Debian's Chromium.
 *   pnpm --filter @auditlane/example-admin-panel screenshots
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from './demo';

const out = resolve(import.meta.dirname, '..', 'docs');
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'auditlane-shots-'));
const demo = await startDemo({ dataDir, port: 0, apiPort: 0, rebuild: true, log: () => {} });
const browser = await chromium.launch({
  executablePath: process.env.AUDITLANE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(demo.url);
  await page.locator('tbody tr[data-index]').nth(10).waitFor();
  await page.screenshot({ path: join(out, 'sessions.png') });

  await page.goto(`${demo.url}?q=less+runbook.md`);
  await page.locator('tbody tr[data-index]').first().click();
  const player = page.getByRole('region', { name: 'Terminal recording' });
  const play = player.getByRole('button', { name: 'Play', exact: true });
  await play.waitFor();
  for (let i = 0; i < 100 && !(await play.isEnabled()); i++) await page.waitForTimeout(100);
  await page
    .getByRole('listitem')
    .filter({ hasText: 'uname -a' })
    .first()
    .getByRole('button', { name: 'Show in replay' })
    .click();
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(out, 'session.png'), fullPage: true });

  await page.goto(`${demo.url}reviews`);
  await page.getByRole('button', { name: 'Approve' }).first().waitFor();
  await page.screenshot({ path: join(out, 'reviews.png') });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await demo.close();
  rmSync(dataDir, { recursive: true, force: true });
}
