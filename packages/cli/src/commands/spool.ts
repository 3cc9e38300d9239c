import { existsSync } from 'node:fs';
import { defineCommand, usage } from '../command';
import { events, serverOption, spoolDir, spoolOption, tokenOption } from './shared';

export const spoolDrain = defineCommand({
  name: 'spool drain',
  summary: 'send what recorders left in a spool, and end the sessions they left open',
  description: `Delivers the events that recorders which are no longer running (rec, hook, an application's recorder) left in the spool, and ends with a lifecycle end event each session whose recorder stopped without ending it (killed, crashed). Spools of running recorders are left to them. Safe to run again: what the server has is not sent twice.

Exits 0 when everything was delivered (or nothing waited), 1 when the server could not be reached in time or refused events (what was not delivered stays in the spool).`,
  options: {
    spool: spoolOption,
    server: { ...serverOption, description: 'the server to deliver to (required)' },
    token: { ...tokenOption, description: 'an API token with ingest (required)' },
    'wait-seconds': {
      type: 'string',
      value: 'N',
      description: 'how long to keep trying while the server is unreachable (default 10)',
    },
  },
  examples: ['AUDITLANE_TOKEN=al_... auditlane spool drain --server https://audit.example.com'],
  async run({ values, setting }, io) {
    const { createClient, HttpSink } = await import('../load/spool');
    const dir = spoolDir(setting('spool'));
    const server = setting('server');
    const token = setting('token');
    if (!server) throw usage('--server (or AUDITLANE_URL) is required');
    if (!token) throw usage('--token (or AUDITLANE_TOKEN) is required');
    const waitSeconds = values['wait-seconds'] === undefined ? 10 : Number(values['wait-seconds']);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > 86_400)
      throw usage(
        `--wait-seconds must be a number from 0 to 86400, got "${values['wait-seconds']}"`,
      );
    if (!existsSync(dir)) {
      io.out(`nothing waits in ${dir}`);
      return 0;
    }
    let problem: string | undefined;
    const refusals: string[] = [];
    const sink = new HttpSink({
      client: createClient({ baseUrl: server, token, retries: 0 }),
      spool: dir,
      batchMs: 10,
      onError: (error) => {
        if (/^the server refused/.test(error.message)) refusals.push(error.message);
        else problem ??= error.message;
      },
    });
    const before = sink.report();
    for (const busy of before.busy) io.out(`left alone: ${busy} (its recorder is running)`);
    if (before.waiting === 0) {
      await sink.close({ timeoutMs: 0 });
      io.out(`nothing waits in ${dir}`);
      return 0;
    }
    let delivered = true;
    try {
      await sink.flush({ timeoutMs: waitSeconds * 1000 });
    } catch {
      delivered = false;
    }
    await sink.close({ timeoutMs: 0 });
    const after = sink.report();
    io.out(`sent ${events(after.sent)} from ${dir} to ${server}`);
    for (const [id, n] of Object.entries(after.sessions)) io.out(`  ${id}: ${events(n)}`);
    for (const message of refusals) io.err(`auditlane spool drain: ${message}`);
    if (!delivered) {
      io.err(
        `auditlane spool drain: ${events(after.waiting)} still ${after.waiting === 1 ? 'waits' : 'wait'} in ${dir}${problem ? ` (${problem})` : ''}; run this again when the server is reachable`,
      );
      return 1;
    }
    for (const id of after.ended) io.out(`ended session ${id}: its recorder is gone`);
    if (after.refused > 0) {
      io.err(`auditlane spool drain: the server refused ${events(after.refused)} (see above)`);
      return 1;
    }
    return 0;
  },
});
