import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createIdGenerator, type EventInput } from '@auditlane/client';
import {
  contentDigest,
  exportEventLine,
  exportHeaderLine,
  genesisHash,
  linkHash,
  SqliteStore,
} from '@auditlane/server';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli';

const dir = mkdtempSync(join(tmpdir(), 'auditlane-cli-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string | undefined> = {}, stopped?: Promise<unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, stopped },
  };
}

/** A session of a start, three commands and an end. */
function session(): { sessionId: string; events: EventInput[] } {
  const ids = createIdGenerator();
  const sessionId = ids.sessionId();
  const at = (n: number) => new Date(Date.now() + n * 1000).toISOString();
  const events: EventInput[] = [
    {
      id: ids.eventId(),
      sessionId,
      seq: 0,
      time: at(0),
      type: 'lifecycle',
      action: 'start',
      session: {
        actor: { type: 'human', id: 'u1' },
        resource: { name: 'db', type: 'database', environment: 'staging' },
        mode: 'interactive',
      },
    },
  ];
  for (const [i, text] of ['whoami', 'cat /etc/shadow', 'history -c'].entries()) {
    events.push({
      id: ids.eventId(),
      sessionId,
      seq: i + 1,
      time: at(i + 1),
      type: 'command',
      text,
      exitCode: 0,
    });
  }
  events.push({
    id: ids.eventId(),
    sessionId,
    seq: 4,
    time: at(5),
    type: 'lifecycle',
    action: 'end',
  });
  return { sessionId, events };
}

describe('auditlane verify', () => {
  it('has its help', async () => {
    const help = io();
    expect(await run(['verify', '--help'], help.io)).toBe(0);
    expect(help.out[0]).toMatch(
      /^usage: auditlane verify \[options\] SESSION_ID\n[\s\S]*--file EXPORT[\s\S]*--public-key FILES/,
    );
  });

  it('serves with a signing key, and verifies a session on the server, from its export and offline; a recomputed chain fails', async () => {
    const db = join(dir, 'signed.db');
    const key = join(dir, 'server.key');
    const checkpoints = join(dir, 'checkpoints.ndjson');
    expect(await run(['keys', 'create', '--out', key], io().io)).toBe(0);
    const t = io();
    await run(
      ['token', 'create', '--org', 'acme', '--name', 'ci', '--permissions', 'all', '--db', db],
      t.io,
    );
    const token = t.out[0]!;
    let stop!: (v?: unknown) => void;
    const s = io(
      { AUDITLANE_CHECKPOINT_FILE: checkpoints },
      new Promise((r) => {
        stop = r;
      }),
    );
    const serving = run(['serve', '--db', db, '--port', '0', '--signing-key', key], s.io);
    await expect.poll(() => s.out.length).toBe(1);
    expect(s.out[0]).toMatch(
      /heads signed with ed25519:[0-9a-f]{16}, checkpoints to .*checkpoints\.ndjson\)$/,
    );
    const url = /serving (http:\/\/[^/]+)\/v1/.exec(s.out[0]!)![1]!;
    const { sessionId, events } = session();
    await createClient({ baseUrl: url, token }).ingest(events);
    expect(readFileSync(checkpoints, 'utf8')).toContain(sessionId);

    const online = io();
    expect(await run(['verify', sessionId, '--server', url, '--token', token], online.io)).toBe(0);
    expect(online.out[0]).toMatch(
      new RegExp(
        `^${sessionId}: intact, 5 events chained \\(chain version 2\\), holds 2 signed statements \\(newest covers 5 events: session-end signed .*\\)$`,
      ),
    );
    const exported = join(dir, 'session.export.ndjson');
    const local = io();
    expect(
      await run(
        [
          'verify',
          sessionId,
          '--server',
          url,
          '--token',
          token,
          '--public-key',
          `${key}.pub`,
          '--save',
          exported,
        ],
        local.io,
      ),
    ).toBe(0);
    expect(local.out[0]).toMatch(
      /: intact, 5 events chained \(chain version 2\), holds 1 signed statement /,
    );
    stop();
    expect(await serving).toBe(0);

    // Offline: the export, the public key and the checkpoint file; no server, no database.
    const offline = io();
    expect(
      await run(
        ['verify', '--file', exported, '--public-key', `${key}.pub`, '--checkpoints', checkpoints],
        offline.io,
      ),
    ).toBe(0);
    expect(offline.out[0]).toMatch(
      /intact, 5 events chained \(chain version 2\), holds 2 signed statements/,
    );

    // Someone with the database rewrites a command and recomputes the chain; the export made
    // from that database verifies against nothing signed... and fails against the checkpoints.
    const store = new SqliteStore({ filename: db });
    const rows = store.db
      .prepare(
        'SELECT ord, seq, type, body, received_at FROM events WHERE session_id = ? ORDER BY ord',
      )
      .all(sessionId) as {
      ord: number;
      seq: number;
      type: string;
      body: string;
      received_at: string;
    }[];
    let previous = genesisHash(2, 'acme', sessionId);
    for (const row of rows) {
      if (row.seq === 2) row.body = row.body.replace('cat /etc/shadow', 'ls');
      const hash = linkHash(2, previous, {
        ord: row.ord,
        seq: row.seq,
        type: row.type,
        receivedAt: row.received_at,
        digest: contentDigest(2, JSON.parse(row.body), row.body),
      });
      store.db
        .prepare('UPDATE events SET body = ?, hash = ? WHERE session_id = ? AND ord = ?')
        .run(row.body, hash, sessionId, row.ord);
      previous = hash;
    }
    store.db
      .prepare('UPDATE sessions SET last_hash = ?, signed_head = NULL WHERE id = ?')
      .run(previous, sessionId);
    // The export the server would send of that database.
    const head = (await store.chainHead('acme', sessionId))!;
    let tampered = exportHeaderLine(
      head,
      await store.getSession('acme', sessionId),
      head.signedHead,
    );
    for await (const row of store.chainRows('acme', sessionId)) tampered += exportEventLine(row);
    await store.close();
    const file = join(dir, 'tampered.export.ndjson');
    writeFileSync(file, tampered);
    const unanchored = io();
    expect(await run(['verify', '--file', file, '--public-key', `${key}.pub`], unanchored.io)).toBe(
      0,
    );
    expect(unanchored.err.join('\n')).toMatch(/no signed statement covers this session/);
    expect(
      await run(
        ['verify', '--file', file, '--public-key', `${key}.pub`, '--require-signed'],
        io().io,
      ),
    ).toBe(1);
    const caught = io();
    expect(
      await run(
        ['verify', '--file', file, '--public-key', `${key}.pub`, '--checkpoints', checkpoints],
        caught.io,
      ),
    ).toBe(1);
    expect(caught.out[0]).toMatch(
      new RegExp(
        `^${sessionId}: BROKEN at seq 4 \\(event evt_\\w+\\): the chain was rewritten: this event's hash differs from the session-end signed .* \\(checkpoints\\.ndjson:1\\)`,
      ),
    );

    for (const [argv, message] of [
      [['verify', '--file', file], /--file needs --public-key/],
      [
        ['verify', '--file', file, '--public-key', join(dir, 'none.pub')],
        /--public-key .*none\.pub/,
      ],
      [
        [
          'verify',
          '--file',
          file,
          '--public-key',
          `${key}.pub`,
          '--checkpoints',
          join(dir, 'nope'),
        ],
        /--checkpoints .*nope: no such file/,
      ],
    ] as [string[], RegExp][]) {
      const bad = io();
      expect(await run(argv, bad.io), argv.join(' ')).toBe(2);
      expect(bad.err.join('\n'), argv.join(' ')).toMatch(message);
    }
  });
});
