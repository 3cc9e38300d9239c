import { createClient, type Viewer } from '@auditlane/client';
import { describe, expect, inject, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { SessionDetail } from './session-detail';

// The revoke dialog's code fails to load (a chunk missing after a deploy, the network down).
vi.mock('./revoke-dialog', () => ({
  get RevokeDialog() {
    throw new Error('Failed to fetch dynamically imported module');
  },
}));

const servers = inject('servers');

describe('SessionDetail when the revoke dialog fails to load', () => {
  it('says so with Retry and rejects nothing unhandled', async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const session = {
      ...(await client.sessions.get(servers.dbSession)),
      status: 'active' as const,
    };
    const viewer: Viewer = {
      org: session.org,
      token: { id: 't', name: 'admin' },
      permissions: ['read', 'revoke'],
      downloadsEnabled: true,
    } as Viewer;
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent) => {
      unhandled.push(event.reason);
      event.preventDefault();
    };
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      const screen = await render(
        <SessionDetail session={session} viewer={viewer} onRevoke={() => {}} />,
      );
      await screen.getByRole('button', { name: 'Revoke' }).click();
      await expect
        .element(screen.getByRole('alert'))
        .toHaveTextContent('The revoke dialog could not be loaded.');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
      // Retry asks again (a failed module stays failed in this page: the same error, and
      // still nothing unhandled).
      await screen.getByRole('button', { name: 'Retry' }).click();
      await expect
        .element(screen.getByRole('alert'))
        .toHaveTextContent('The revoke dialog could not be loaded.');
      await new Promise((r) => setTimeout(r, 100));
      expect(unhandled).toEqual([]);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  });
});
