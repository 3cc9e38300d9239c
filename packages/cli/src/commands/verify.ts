import { createClient } from '@auditlane/client';
import { defineCommand, usage } from '../command';

export const verify = defineCommand({
  name: 'verify',
  summary: "check a session's hash chain; exit 1 when it is broken",
  description:
    "Asks the server to recompute the session's hash chain and names the first broken link.",
  args: { usage: 'SESSION_ID', min: 1, max: 1 },
  options: {
    server: {
      type: 'string',
      value: 'URL',
      description: 'the server (default http://127.0.0.1:4680)',
      env: ['AUDITLANE_URL'],
    },
    token: {
      type: 'string',
      value: 'TOKEN',
      description: 'an API token with view_history (required)',
      env: ['AUDITLANE_TOKEN'],
    },
  },
  examples: ['auditlane verify sess_01JD7ZK3Q8R6W2Y4T5V6X7Z8A9 --server https://audit.example.com'],
  async run({ positionals, setting }, io) {
    const sessionId = positionals[0]!;
    const baseUrl = setting('server') ?? 'http://127.0.0.1:4680';
    const token = setting('token');
    if (!token) throw usage('--token (or AUDITLANE_TOKEN) is required');
    const result = await createClient({ baseUrl, token }).sessions.verify(sessionId);
    if (result.ok) {
      io.out(`${sessionId}: intact, ${result.events} events chained`);
      return 0;
    }
    const b = result.broken!;
    io.out(`${sessionId}: BROKEN at seq ${b.seq}${b.id ? ` (event ${b.id})` : ''}: ${b.reason}`);
    io.out(`  expected hash ${b.expected}\n  found hash    ${b.found}`);
    return 1;
  },
});
