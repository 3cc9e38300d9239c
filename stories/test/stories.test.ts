/**
 * Every story of the built Storybook (storybook-static, `pnpm build`) opened in Debian's
 * Chromium: each renders without an error, and the states show what they are about.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'storybook-static');
let server: PreviewServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(join(dir, 'index.json'))) {
    throw new Error(
      `${dir} is missing: build Storybook first (pnpm --filter @auditlane/stories build)`,
    );
  }
  server = await preview({
    configFile: false,
    root: dir,
    build: { outDir: dir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'silent',
  });
  base = server.resolvedUrls?.local[0] as string;
  browser = await chromium.launch({
    executablePath: process.env.AUDITLANE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => server?.httpServer.close(() => done()));
});

async function open(id: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${base}iframe.html?id=${id}&viewMode=story`);
  await page.waitForSelector('#storybook-root > *', { timeout: 15_000 });
  return { page, errors };
}

describe('Storybook', () => {
  it('renders every story without an error', async () => {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      entries: Record<string, { type: string; id: string }>;
    };
    const stories = Object.values(index.entries).filter((e) => e.type === 'story');
    expect(stories.length).toBeGreaterThanOrEqual(20);
    for (const story of stories) {
      const { page, errors } = await open(story.id);
      await page.waitForTimeout(400);
      // The error stories show an error state; nothing may throw or log an error.
      expect(
        errors.filter((e) => !/status of 500|Failed to load resource/.test(e)),
        story.id,
      ).toEqual([]);
      await page.close();
    }
  }, 240_000);

  it('shows the states on the mocked API', async () => {
    const table = await open('components-sessiontable--default');
    await table.page.getByText('300 sessions').waitFor();
    await table.page.close();

    const denied = await open('components-sessiondetail--permission-denied');
    await denied.page
      .getByText('You do not have permission to download session data.')
      .first()
      .waitFor();
    expect(await denied.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await denied.page.close();

    const disabled = await open('components-sessiondetail--downloads-disabled');
    await disabled.page.getByText('Downloads are disabled on this server.').first().waitFor();
    await disabled.page.close();

    const pending = await open('components-sessiondetail--pending-review');
    await pending.page.getByRole('button', { name: 'Approve' }).click();
    await pending.page.close();

    const live = await open('components-sessiondetail--live-session');
    await live.page.getByText('kubectl get pods -n payments # 1').waitFor({ timeout: 10_000 });
    await live.page.close();

    const failing = await open('components-sessiontable--server-error');
    await failing.page
      .getByRole('alert')
      .getByText(/Could not load sessions/)
      .waitFor();
    await failing.page.close();

    const player = await open('components-replayplayer--default');
    // Enabled once the recording is in.
    await player.page.locator('button[aria-label="Play"]:not([disabled])').waitFor();
    await player.page.close();

    // A live session: new output shows as it arrives, the player at the live edge.
    const livePlayer = await open('components-replayplayer--live-session');
    await livePlayer.page.locator('.al-live[data-state="live"]').waitFor({ timeout: 10_000 });
    // Lines #0–#11 are the history; #16 arrived over SSE after the page opened.
    await livePlayer.page.waitForFunction(
      () => (document.querySelector('.xterm-rows')?.textContent ?? '').includes('#16'),
      null,
      { timeout: 10_000 },
    );
    await livePlayer.page.close();

    const truncated = await open('components-replayplayer--truncated');
    await truncated.page
      .getByRole('alert')
      .getByText(/The recording stops at/)
      .waitFor();
    await truncated.page.close();

    const many = await open('components-sessiontable--thousands-of-rows');
    await many.page.getByText('10,000 sessions').waitFor();
    expect(await many.page.locator('tbody tr[data-index]').count()).toBeLessThan(60);
    await many.page.close();
  }, 120_000);
});
