import { createClient, type StoredEvent } from '@auditlane/client';
import { Component, type ReactNode } from 'react';
import { describe, expect, inject, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { buildActivity } from './activity';
import { SessionDetail } from './session-detail';

// The tool call view's code fails to load (a chunk missing after a deploy, the network down).
vi.mock('./tool-call/tool-call', () => ({
  get ToolCallView() {
    throw new Error('Failed to fetch dynamically imported module');
  },
}));

class Catch extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children;
  }
}

const servers = inject('servers');

describe('SessionDetail when the tool call view fails to load', () => {
  it("shows the tool's name and throws nothing into the host's page", async () => {
    const client = createClient({ baseUrl: servers.url, token: servers.adminToken, retries: 0 });
    const session = await client.sessions.get(servers.dbSession);
    const events = [
      {
        id: 'tc1',
        sessionId: session.id,
        seq: 1,
        time: session.startedAt,
        type: 'tool_call',
        tool: 'Bash',
        input: { command: 'ls' },
        output: 'done',
      },
    ] as unknown as StoredEvent[];
    // The load fails (it does not hang).
    await expect(import('./tool-call/tool-call').then((m) => m.ToolCallView)).rejects.toThrow(
      'Failed to fetch',
    );
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const screen = await render(
        <Catch>
          <SessionDetail session={session} activity={buildActivity(events)} />
        </Catch>,
      );
      await expect.element(screen.getByText('Bash', { exact: true })).toBeVisible();
      await new Promise((r) => setTimeout(r, 200));
      expect(screen.getByRole('alert').query()).toBeNull();
      await expect.element(screen.getByText('Bash', { exact: true })).toBeVisible();
    } finally {
      quiet.mockRestore();
    }
  });
});
