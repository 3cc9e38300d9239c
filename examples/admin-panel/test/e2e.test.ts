/**
 * The admin panel end to end, in Debian's Chromium: the demo's server and data (recorded by the
 * real recorder), the built panel behind its signing proxy, and a second server on the same
 * database with downloads disabled.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@auditlane/client';
import { type RunningServer, startServer } from '@auditlane/server';
import Database from 'better-sqlite3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Demo, startDemo, startPanel } from '../scripts/demo';

const here = resolve(import.meta.dirname);
let dataDir: string;
let demo: Demo;
let noDownloadsServer: RunningServer;
let noDownloadsPanel: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auditlane-panel-'));
  demo = await startDemo({ dataDir, port: 0, apiPort: 0, rebuild: true, log: () => {} });
  noDownloadsServer = await startServer({
    store: demo.store,
    port: 0,
    config: { disableDownloads: true, pollMs: 250 },
  });
  noDownloadsPanel = await startPanel({ apiUrl: noDownloadsServer.url, token: demo.tokens.admin });
  browser = await chromium.launch({
    executablePath: process.env.AUDITLANE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await noDownloadsPanel?.close();
  await noDownloadsServer?.close();
  await demo?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(path: string, base = demo.url): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(path, base).href);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

const rows = (page: Page) => page.locator('tbody tr[data-index]');

describe('the admin panel', () => {
  it('filters the list, keeps the filters in the URL, and goes back', async () => {
    const page = await open('/');
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBeGreaterThan(20);
    await page.getByLabel('User').fill('carol@acme.dev');
    await expect.poll(() => new URL(page.url()).searchParams.get('user')).toBe('carol@acme.dev');
    await expect
      .poll(
        async () => (await rows(page).allInnerTexts()).every((r) => r.includes('carol@acme.dev')),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    const carolRows = await rows(page).count();
    expect(carolRows).toBeGreaterThan(1);
    // A reload keeps the filter (it is in the URL), and Back returns to the whole list.
    await page.reload();
    await expect.poll(() => page.getByLabel('User').inputValue()).toBe('carol@acme.dev');
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(carolRows);
    await page.goBack();
    await expect.poll(() => page.getByLabel('User').inputValue()).toBe('');
    await page.close();
  });

  it('finds a session by a command it ran, opens it, and plays and seeks its replay', async () => {
    const page = await open('/');
    await page.getByLabel('Search').fill('less runbook.md');
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(1);
    await rows(page).first().click();
    await expect.poll(() => page.url()).toMatch(/\/sessions\/sess_/);
    const player = page.getByRole('region', { name: 'Terminal recording' });
    const play = player.getByRole('button', { name: 'Play', exact: true });
    await play.waitFor({ timeout: 15_000 });
    await expect.poll(() => play.isEnabled(), { timeout: 15_000 }).toBe(true);
    const screen = () => player.locator('.xterm-rows').innerText();
    // Playing shows what bash printed, up to the full-screen pager on its alternate screen.
    await play.click();
    await expect.poll(screen, { timeout: 15_000 }).toContain('Payments runbook');
    await player.getByRole('button', { name: 'Pause', exact: true }).click();
    // Choosing `uname -a` in the activity log seeks back there: the shell's screen with that
    // prompt line, the pager not yet.
    const entry = page.getByRole('listitem').filter({ hasText: 'uname -a' }).first();
    await entry.getByRole('button', { name: 'Show in replay' }).click();
    await expect
      .poll(
        async () => {
          const text = await screen();
          return text.includes('uname -a') && !text.includes('Payments runbook');
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await screen()).toContain('carol@build-box');
    // Playing on from there, the pager shows the runbook again.
    await play.click();
    await expect.poll(screen, { timeout: 15_000 }).toContain('Payments runbook');
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('approves a command waiting in a second recorder process, and the command goes through', async () => {
    const db = join(dataDir, 'billing.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'held-query.ts'), demo.apiUrl, db],
      {
        cwd: resolve(here, '..'),
        env: { ...process.env, AUDITLANE_TOKEN: demo.tokens.recorder },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    onTestFinished(() => {
      child.kill();
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
    await expect.poll(() => out, { timeout: 30_000 }).toMatch(/waiting sess_/);
    const sessionId = /waiting (sess_\w+)/.exec(out)?.[1] as string;

    const page = await open('/reviews');
    const item = page.getByRole('listitem', { name: /UPDATE customers SET plan = 'frozen'/ });
    await item.waitFor({ timeout: 10_000 });
    await item.getByLabel('Comment (optional)').fill('Fraud hold, case 3141');
    await item.getByRole('button', { name: 'Approve' }).click();
    expect(await exited).toBe(0);
    expect(out).toContain('ran 1');
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT plan FROM customers WHERE id = 42').pluck().get()).toBe('frozen');
    check.close();
    // The panel shows the decision, and the query in the session with who approved it.
    await page.getByText('Approved by rita — “Fraud hold, case 3141”').waitFor({ timeout: 10_000 });
    await page.goto(new URL(`/sessions/${sessionId}`, demo.url).href);
    await page.getByText("UPDATE customers SET plan = 'frozen' WHERE id = 42").first().waitFor();
    await page
      .getByText(/approved by @?rita/i)
      .first()
      .waitFor({ timeout: 10_000 });
    await page.close();
  });

  it("grants a contractor's request for a session from the inbox, and the session goes ahead", async () => {
    const page = await open('/reviews');
    const item = page.getByRole('listitem', { name: /session Access to orders-db \(production\)/ });
    await item.waitFor({ timeout: 10_000 });
    await item.getByText('gina@contractor.io').waitFor();
    await item.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByRole('list', { name: 'Decided recently' })
      .getByText('Access to orders-db (production) for 1 hour')
      .waitFor({ timeout: 10_000 });
    await page.goto(new URL(`/sessions/${demo.accessSessionId}`, demo.url).href);
    await page
      .getByText('SELECT id, amount, status FROM refunds')
      .first()
      .waitFor({ timeout: 15_000 });
    await page.getByText('INC-2231: reconcile the refunds of 28 November').first().waitFor();
    await page.close();
  });

  it('exports the filtered sessions as CSV', async () => {
    const page = await open('/?user=alice%40acme.dev');
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const file = join(dataDir, 'export.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    expect(csv).toContain('alice@acme.dev');
    expect(csv).not.toContain('bob@acme.dev');
    expect(csv).toContain('SELECT id, email, card, plan FROM customers ORDER BY id');
    await page.close();
  });

  it("shows the agent's tool calls from the Claude Code hook, the blocked one, and no secret anywhere on the server", async () => {
    const admin = createClient({ baseUrl: demo.apiUrl, token: demo.tokens.admin });
    const found = await admin.sessions.list({ q: 'checkout', type: ['application'] });
    const agent = found.data.find((x) => x.actor.type === 'agent');
    expect(agent?.actor.agent?.name).toBe('Claude Code');
    const page = await open(`/sessions/${agent?.id}`);
    await page
      .getByText('blocked: recursive delete of a root')
      .first()
      .waitFor({ timeout: 15_000 });
    await page.getByText('cat .env.production').first().waitFor();
    await page
      .getByText(/2 fields masked/)
      .first()
      .waitFor();
    expect(await page.content()).not.toContain('sk_live_51HqLyjWDarjtT1zdp7dcXWq8');
    await page.close();
    // Nor is it anywhere in the server's database (its file and write-ahead log).
    const files = ['auditlane.db', 'auditlane.db-wal'].map((f) => join(dataDir, f));
    const bytes = Buffer.concat(files.filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    expect(bytes.includes('sk_live_51HqLyjWDarjtT1zdp7dcXWq8')).toBe(false);
    expect(bytes.includes('Pa55@db')).toBe(false);
    // Nor the customers' emails and card numbers from the SQL results.
    expect(bytes.includes('customer1@example.com')).toBe(false);
    expect(bytes.includes('4242 4242 4242 4242')).toBe(false);
  });

  it('shows a session recorded from a second terminal with `auditlane rec` as it happens', async () => {
    const page = await open('/?resource=e2e-box');
    await page
      .getByText(/No sessions/i)
      .first()
      .waitFor({ timeout: 10_000 });
    const cli = resolve(here, '..', '..', '..', 'packages', 'cli', 'dist', 'bin.js');
    // Runs until the test stops it (a person at a shell, in effect).
    const script = 'for i in $(seq 1 600); do echo "live-line-$i"; sleep 0.25; done';
    const child = spawn(
      process.execPath,
      [cli, 'rec', '--resource', 'e2e-box', '--', 'bash', '--norc', '-c', script],
      {
        env: {
          ...process.env,
          HOME: dataDir,
          AUDITLANE_URL: demo.apiUrl,
          AUDITLANE_TOKEN: demo.tokens.recorder,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? 1)));
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    // The list refreshes itself: the session shows up while it runs, active.
    const row = rows(page).first();
    await row.getByText('active').waitFor({ timeout: 15_000 });
    await row.click();
    const player = page.getByRole('region', { name: 'Terminal recording' });
    const screen = () => player.locator('.xterm-rows').innerText();
    const lastLine = async () =>
      Number(/live-line-(\d+)(?![\s\S]*live-line)/.exec(await screen())?.[1] ?? 0);
    await expect.poll(lastLine, { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await lastLine();
    // New output arrives while watching (followed live over SSE).
    await expect.poll(lastLine, { timeout: 15_000 }).toBeGreaterThan(first + 2);
    // Stopped like a terminal closing: the recorder ends the session.
    child.kill('SIGHUP');
    await exited;
    const admin = createClient({ baseUrl: demo.apiUrl, token: demo.tokens.admin });
    const found = await admin.sessions.list({ resource: ['e2e-box'] });
    await expect
      .poll(async () => (await admin.sessions.get(found.data[0]?.id as string)).status, {
        timeout: 10_000,
      })
      .toBe('ended');
    // The open page follows: neither the activity nor the player says "live" any more.
    await expect.poll(() => page.locator('.al-live').count(), { timeout: 15_000 }).toBe(0);
    expect(await page.getByRole('button', { name: 'Jump to live' }).count()).toBe(0);
    // The detail reads the session again: its header says ended, and Revoke is gone.
    await expect
      .poll(() => page.locator('.al-session-detail header [data-status]').first().textContent(), {
        timeout: 15_000,
      })
      .toBe('ended');
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    await page.close();
  });

  it("signs only its own pages' API calls: another origin is refused", async () => {
    const api = new URL('/v1/me', demo.url).href;
    expect((await fetch(api, { headers: { origin: new URL(demo.url).origin } })).status).toBe(200);
    const foreign = await fetch(new URL('/v1/reviews/rev_x/approve', demo.url).href, {
      method: 'POST',
      headers: { origin: 'https://attacker.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('hides the downloads when the server disables them', async () => {
    const page = await open('/', noDownloadsPanel.url);
    await page.getByTestId('downloads-disabled').waitFor({ timeout: 10_000 });
    await page.getByText('Exports are off: downloads are disabled on this server.').waitFor();
    expect(await page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    await page.getByLabel('User').fill('alice@acme.dev');
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await rows(page).first().click();
    const logs = page.getByRole('button', { name: 'Download logs' });
    await logs.waitFor({ timeout: 10_000 });
    expect(await logs.isDisabled()).toBe(true);
    await page.getByText('Downloads are disabled on this server.').first().waitFor();
    await page.close();
  });

  // Last: it ends the demo's live session.
  it('revokes an active session from the panel, and the recorder stops the program', async () => {
    const admin = createClient({ baseUrl: demo.apiUrl, token: demo.tokens.admin });
    const terminalEvents = async () => {
      let n = 0;
      for await (const _ of admin.sessions.events.list(demo.liveSessionId, { type: ['terminal'] }))
        n++;
      return n;
    };
    const page = await open(`/sessions/${demo.liveSessionId}`);
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page
      .getByRole('alertdialog')
      .getByLabel('Reason (optional)')
      .fill('Leaked token, INC-2240');
    await page.getByRole('button', { name: 'Revoke session' }).click();
    await expect
      .poll(async () => (await admin.sessions.get(demo.liveSessionId)).status, { timeout: 15_000 })
      .toBe('revoked');
    // The panel shows the session's new status.
    await page.locator('[data-status="revoked"]').first().waitFor({ timeout: 15_000 });
    // The heartbeat (one line a second) stops: the recorder hung up on the program.
    await expect
      .poll(
        async () => {
          const before = await terminalEvents();
          await new Promise((r) => setTimeout(r, 2_500));
          return (await terminalEvents()) - before;
        },
        { timeout: 20_000 },
      )
      .toBe(0);
    await page.close();
  });
});
