import { createClient } from '@auditlane/client';
import { describe, expect, inject, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { axeViolations } from '../../test/axe';
import { AuditlaneProvider } from '../provider';
import { SessionDetail } from './session-detail';

const servers = inject('servers');
const as = (token: string, url = servers.url) => createClient({ baseUrl: url, token, retries: 0 });

describe('SessionDetail on the reference server', () => {
  it('shows the meta, the summary and the activity of a recorded database session', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { name: 'alice@example.com on billing-db' }))
      .toBeVisible();
    const summary = screen.getByTestId('summary');
    await expect
      .element(summary)
      .toHaveTextContent(/1 command · \d+ queries · 1 blocked · \d+ fields masked/);
    // The DROP is in the log, blocked, with the policy's reason.
    const drop = screen.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' });
    await expect.element(drop).toHaveAttribute('data-verdict', 'blocked');
    await expect.element(drop).toHaveTextContent('Blocked: DROP and TRUNCATE destroy data');
    // The SELECT's preview: masked values only, truncated, with the full result downloadable.
    const select = screen.getByRole('listitem').filter({ hasText: 'SELECT * FROM customers' });
    await expect.element(select.getByText('Showing 50 of 80 rows')).toBeVisible();
    await expect.element(select.getByText(/fields masked/)).toBeVisible();
    expect(screen.container.textContent).not.toContain('customer1@example.com');
    expect(screen.container.textContent).not.toContain('4242 4242 4242 4242');
    await expect
      .element(select.getByRole('button', { name: 'Download full result' }))
      .toBeEnabled();
    expect(await axeViolations(screen.container)).toEqual([]);
  });

  it('renders recorded output as inert text: no HTML, no escape sequences, no links', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const entry = screen.getByRole('listitem').filter({ hasText: 'cat notes.html' });
    await expect.element(entry).toHaveTextContent('<img src=x onerror="window.__pwned=1">');
    const element = entry.element();
    expect(element.querySelector('img, b, a')).toBeNull();
    expect(element.textContent).not.toContain('\u001b');
    expect(element.textContent).toContain('red');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('disables downloads with the reason when the viewer lacks the permission', async () => {
    const viewer = await render(
      <AuditlaneProvider client={as(servers.viewerToken)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const logs = viewer.getByRole('button', { name: 'Download logs' });
    await expect.element(logs).toBeDisabled();
    await expect
      .element(logs)
      .toHaveAccessibleDescription('You do not have permission to download session data.');
    // The viewer token cannot review or revoke either.
    expect(viewer.container.querySelector('.al-review')).toBeNull();
    expect(viewer.getByRole('button', { name: 'Revoke' }).query()).toBeNull();
  });

  it('disables downloads with the reason when the server disables them', async () => {
    const disabled = await render(
      <AuditlaneProvider client={as(servers.adminToken, servers.noDownloadsUrl)}>
        <SessionDetail sessionId={servers.dbSession} />
      </AuditlaneProvider>,
    );
    const result = disabled.getByRole('button', { name: 'Download full result' });
    await expect.element(result).toBeDisabled();
    await expect
      .element(result)
      .toHaveAccessibleDescription('Downloads are disabled on this server.');
  });

  it('approves a held command live: the recorder waiting on it goes on, then revokes the session', async () => {
    const screen = await render(
      <AuditlaneProvider client={as(servers.adminToken)}>
        <SessionDetail sessionId={servers.agentSession} />
      </AuditlaneProvider>,
    );
    await expect
      .element(screen.getByRole('heading', { name: 'Claude Code v2.1.0 on ops-shell' }))
      .toBeVisible();
    await expect.element(screen.getByText('live')).toBeVisible();
    const held = screen
      .getByRole('listitem')
      .filter({ hasText: 'terraform destroy -auto-approve' })
      .first();
    await expect.element(held).toHaveAttribute('data-verdict', 'pending');
    await held.getByRole('button', { name: 'Approve' }).click();
    // The recorder (another process's wait, here the test server's) learns the decision and
    // runs the command; its output arrives over the live tail.
    await expect.element(screen.getByText('approved by @rita').first()).toBeVisible();
    await expect.element(screen.getByText('Destroy complete!')).toBeVisible();

    await screen.getByRole('button', { name: 'Revoke' }).click();
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke this session?' });
    await expect.element(dialog).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('test over');
    await dialog.getByRole('button', { name: 'Revoke session' }).click();
    await expect
      .element(
        screen.getByRole('heading', { name: /Claude Code/ }).element().parentElement as HTMLElement,
      )
      .toHaveTextContent('revoked');
  });
});

describe('SessionDetail with data given directly', () => {
  it('renders without a client and explains why downloads are unavailable', async () => {
    const client = as(servers.adminToken);
    const session = await client.sessions.get(servers.dbSession);
    const events = [];
    for await (const event of client.sessions.events.list(servers.dbSession)) events.push(event);
    const screen = await render(<SessionDetail session={session} events={events} />);
    await expect.element(screen.getByTestId('summary')).toHaveTextContent('1 blocked');
    await expect
      .element(screen.getByRole('button', { name: 'Download logs' }))
      .toHaveAccessibleDescription('Downloads are not available here.');
    expect(screen.container.querySelector('.al-review')).toBeNull();
    expect(screen.getByRole('button', { name: 'Revoke' }).query()).toBeNull();
  });

  it('shows each action once with its last verdict however its events are listed (a page and the live stream overlap)', async () => {
    const client = as(servers.adminToken);
    const session = await client.sessions.get(servers.dbSession);
    const events = [];
    for await (const event of client.sessions.events.list(servers.dbSession)) events.push(event);
    const once = await render(<SessionDetail session={session} events={events} />);
    const entries = once.container.querySelectorAll('.al-timeline__item').length;
    expect(entries).toBeGreaterThan(3);
    once.unmount();
    // Every event listed twice, the second time newest first.
    const twice = await render(
      <SessionDetail session={session} events={[...events, ...[...events].reverse()]} />,
    );
    expect(twice.container.querySelectorAll('.al-timeline__item')).toHaveLength(entries);
    const drop = twice.getByRole('listitem').filter({ hasText: 'DROP TABLE customers' });
    await expect.element(drop).toHaveAttribute('data-verdict', 'blocked');
    expect(drop.elements()).toHaveLength(1);
  });
});
