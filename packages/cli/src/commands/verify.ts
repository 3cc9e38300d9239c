import { existsSync, readFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import type { VerifyKey, VerifyReport } from '@auditlane/server';
import { defineCommand, type Io, usage } from '../command';

/** A comma-separated list of files. */
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);

export const verify = defineCommand({
  name: 'verify',
  summary: "check a session's hash chain; exit 1 when it is broken (also offline)",
  description: `Checks a session's hash chain and names the first broken link: exit 0 when intact, 1 when broken (or, with --require-signed, when no signed statement covers the session), 2 on a usage error.

On a server, the server walks the chain against the signed statements it holds. With --public-key the session export is downloaded instead and checked here, so the server's own answer is not what is trusted (--save FILE keeps the export). With --file, an export (GET /v1/sessions/{id}/logs?format=export) is checked offline with the public key and the checkpoint files, without a server or a database.`,
  args: { usage: 'SESSION_ID', min: 0, max: 1 },
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
      description:
        'an API token with view_history, and download_recording to download the export (required with a SESSION_ID)',
      env: ['AUDITLANE_TOKEN'],
    },
    file: { type: 'string', value: 'EXPORT', description: 'verify this session export offline' },
    'public-key': {
      type: 'string',
      value: 'FILES',
      description:
        "the server's public key (auditlane keys create wrote it), comma-separated with earlier keys",
    },
    checkpoints: {
      type: 'string',
      value: 'FILES',
      description: 'checkpoint files (one signed statement per line), comma-separated',
    },
    save: {
      type: 'string',
      value: 'FILE',
      description: 'with a SESSION_ID and --public-key: also write the downloaded export here',
    },
    'require-signed': {
      type: 'boolean',
      description:
        'fail when no signed statement covers the session (a chain recomputed with database access is caught only against one)',
    },
  },
  examples: [
    'auditlane verify sess_01JD7ZK3Q8R6W2Y4T5V6X7Z8A9 --server https://audit.example.com',
    'auditlane verify --file sess_01JD7ZK3Q8R6W2Y4T5V6X7Z8A9.export.ndjson --public-key signing.key.pub --checkpoints checkpoints.ndjson',
  ],
  async run({ positionals, values, setting }, io) {
    const { createClient, loadVerifyKey, verifyExport } = await import('../load/server');
    const keyFiles = list(values['public-key']);
    const checkpointFiles = list(values.checkpoints);
    for (const file of checkpointFiles)
      if (!existsSync(file)) throw usage(`--checkpoints ${file}: no such file`);
    const publicKeys: VerifyKey[] = keyFiles.map((file) => {
      let pem: string;
      try {
        pem = readFileSync(file, 'utf8');
      } catch (error) {
        throw usage(`--public-key ${file}: ${(error as Error).message}`);
      }
      try {
        return loadVerifyKey(pem, `--public-key ${file}`);
      } catch (error) {
        throw usage((error as Error).message);
      }
    });
    const requireSigned = values['require-signed'] === true;

    if (values.file) {
      if (positionals.length > 0)
        throw usage('--file verifies the session in the export: give no SESSION_ID');
      if (publicKeys.length === 0)
        throw usage('--file needs --public-key FILE: the signed statements are checked with it');
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(values.file, 'r');
      } catch (error) {
        throw usage(`--file ${values.file}: ${(error as Error).message}`);
      }
      try {
        const report = await verifyExport(handle.readLines({ encoding: 'utf8' }), {
          keys: publicKeys,
          checkpointFiles,
        });
        return print(report.sessionId, report, io, requireSigned);
      } finally {
        await handle.close();
      }
    }

    const sessionId = positionals[0];
    if (!sessionId) throw usage('missing SESSION_ID');
    const baseUrl = setting('server') ?? 'http://127.0.0.1:4680';
    const tokenValue = setting('token');
    if (!tokenValue) throw usage('--token (or AUDITLANE_TOKEN) is required');
    const client = createClient({ baseUrl, token: tokenValue });
    if (publicKeys.length === 0) {
      if (values.save) throw usage('--save needs --public-key: the export is verified here');
      const result = await client.sessions.verify(sessionId);
      return print(sessionId, result, io, requireSigned);
    }
    // Verified here from the export: the server's own verdict is not what is trusted.
    const response = await client.downloads.logs(sessionId, { format: 'export' });
    const text = await response.text();
    if (values.save) await writeFile(values.save, text);
    const report = await verifyExport(text.split('\n'), { keys: publicKeys, checkpointFiles });
    if (report.sessionId !== sessionId)
      throw new Error(`the server sent the export of ${report.sessionId}, not ${sessionId}`);
    return print(sessionId, report, io, requireSigned);
  },
});

type Printable = Pick<VerifyReport, 'events' | 'broken'> & {
  chainVersion?: number;
  anchors?: Partial<VerifyReport['anchors']>;
};

function print(sessionId: string, r: Printable, io: Io, requireSigned: boolean): number {
  if (r.broken) {
    const b = r.broken;
    const where = b.seq >= 0 ? `seq ${b.seq}${b.id ? ` (event ${b.id})` : ''}` : 'its evidence';
    io.out(`${sessionId}: BROKEN at ${where}: ${b.reason}`);
    io.out(`  expected ${b.expected}\n  found    ${b.found}`);
    return 1;
  }
  const anchors = r.anchors;
  const version = r.chainVersion ? ` (chain version ${r.chainVersion})` : '';
  const latest = anchors?.latest;
  const signed = latest
    ? `, holds ${anchors?.checked} signed statement${anchors?.checked === 1 ? '' : 's'} (newest covers ${latest.events} events: ${latest.kind} signed ${latest.at}, ${latest.source})`
    : '';
  io.out(`${sessionId}: intact, ${r.events} events chained${version}${signed}`);
  if (anchors?.unknownKeys)
    io.err(
      `auditlane verify: ${anchors.unknownKeys} statement(s) naming the session are signed by a key not given (--public-key): not checked`,
    );
  if (!latest) {
    io.err(
      'auditlane verify: no signed statement covers this session: a chain recomputed by someone with database access would not show',
    );
    if (requireSigned) return 1;
  }
  return 0;
}
