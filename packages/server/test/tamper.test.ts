import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditlaneClient,
  createClient,
  eventSchema,
  type VerifyResult,
} from '@auditlane/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChainVersion,
  contentDigest,
  createKeyPair,
  genesisHash,
  linkHash,
  loadSigningKey,
  loadVerifyKey,
  removedContentDigest,
  type Statement,
  signStatement,
  verifyExport,
} from '../src/chain';
import { Notary } from '../src/jobs/checkpoints';
import { sweepRecordings } from '../src/jobs/retention';
import { type RunningServer, startServer } from '../src/serve';
import { serveConfig } from '../src/serve-config';
import { PostgresStore } from '../src/store/postgres';
import { numberPlaceholders } from '../src/store/runner';
import { SqliteStore } from '../src/store/sqlite';
import { PERMISSIONS, type Store } from '../src/store/types';
import { openTestStore, STORE_KINDS, sessionScript } from './helpers';

const DAY = 86_400_000;

/** SQL straight into the database, as someone with database access would (`?` placeholders). */
async function sql<T = Record<string, unknown>>(
  store: Store,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  if (store instanceof SqliteStore) {
    const stmt = store.db.prepare(query);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  }
  return (await (store as PostgresStore).pool.query(numberPlaceholders(query), params)).rows as T[];
}

/**
 * What an attacker with database access and the source code does after editing events: recomputes
 * every hash of the session with the published formula, and the session's chain head.
 */
async function recomputeChain(store: Store, org: string, sessionId: string): Promise<void> {
  const [session] = await sql<{ chain_version: number }>(
    store,
    'SELECT chain_version FROM sessions WHERE org = ? AND id = ?',
    [org, sessionId],
  );
  const version = Number(session!.chain_version) as ChainVersion;
  const rows = await sql<{
    ord: number;
    seq: number;
    type: string;
    body: string;
    received_at: string;
  }>(
    store,
    'SELECT ord, seq, type, body, received_at FROM events WHERE org = ? AND session_id = ? ORDER BY ord',
    [org, sessionId],
  );
  let previous = genesisHash(version, org, sessionId);
  for (const row of rows) {
    const hash = linkHash(version, previous, {
      ord: Number(row.ord),
      seq: Number(row.seq),
      type: row.type,
      receivedAt: row.received_at,
      digest: contentDigest(version, JSON.parse(row.body), row.body),
    });
    await sql(store, 'UPDATE events SET hash = ? WHERE org = ? AND session_id = ? AND ord = ?', [
      hash,
      org,
      sessionId,
      row.ord,
    ]);
    previous = hash;
  }
  await sql(store, 'UPDATE sessions SET last_hash = ?, event_count = ? WHERE org = ? AND id = ?', [
    previous,
    rows.length,
    org,
    sessionId,
  ]);
}

/** Rewrites the JSON of one stored event (by seq) with `change`. */
async function editBody(
  store: Store,
  sessionId: string,
  seq: number,
  change: (event: Record<string, unknown>) => void,
): Promise<void> {
  const [row] = await sql<{ body: string }>(
    store,
    'SELECT body FROM events WHERE session_id = ? AND seq = ?',
    [sessionId, seq],
  );
  const event = JSON.parse(row!.body) as Record<string, unknown>;
  change(event);
  await sql(store, 'UPDATE events SET body = ? WHERE session_id = ? AND seq = ?', [
    JSON.stringify(event),
    sessionId,
    seq,
  ]);
}

describe.each(STORE_KINDS)('%s store: tamper evidence against database access', (kind) => {
  const dir = mkdtempSync(join(tmpdir(), 'auditlane-tamper-'));
  const keyPair = createKeyPair();
  const key = loadSigningKey(keyPair.privateKeyPem);
  const publicKey = loadVerifyKey(keyPair.publicKeyPem);
  let checkpointFile: string;
  let store: Store;
  let drop: () => Promise<void>;
  let notary: Notary;
  const refusals: unknown[] = [];
  let server: RunningServer;
  let admin: AuditlaneClient;

  beforeAll(async () => {
    ({ store, drop } = await openTestStore(kind));
    checkpointFile = join(dir, `checkpoints-${kind}.ndjson`);
    // Tampered sessions of one test are refused by the checkpoints of the next: collected here.
    notary = new Notary(store, { key, file: checkpointFile, onError: (e) => refusals.push(e) });
    server = await startServer({ store, port: 0, config: { notary } });
    const { token } = await store.createToken({
      org: 'acme',
      name: 'admin',
      permissions: [...PERMISSIONS],
    });
    admin = createClient({ baseUrl: server.url, token, retries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A session of 8 events: start and three commands, a checkpoint over its 4 events, then three
   * more and its end (sealed: signed at 8 events).
   */
  async function checkpointedSession() {
    const s = sessionScript();
    s.command('echo one');
    s.command('echo two');
    s.command('echo three');
    await admin.ingest(s.events.slice(0, 4));
    await notary.checkpoint();
    s.command('echo four');
    s.command('echo five');
    s.output('five\r\n');
    s.end();
    await admin.ingest(s.events.slice(4));
    return s;
  }

  const verify = (sessionId: string): Promise<VerifyResult> => admin.sessions.verify(sessionId);

  it('chains new sessions with version 2, seals them at their end and checkpoints them', async () => {
    const s = await checkpointedSession();
    expect(await verify(s.sessionId)).toMatchObject({
      ok: true,
      events: 8,
      chainVersion: 2,
      broken: null,
      anchors: { checked: 3, latest: { kind: 'session-end', events: 8 } },
    });
    const lines = readFileSync(checkpointFile, 'utf8').trimEnd().split('\n');
    const statements = lines.map((l) => JSON.parse(l) as Statement);
    const mine = statements.filter((st) => st.heads.some((h) => h.sessionId === s.sessionId));
    expect(
      mine.map((st) => [st.kind, st.heads.find((h) => h.sessionId === s.sessionId)!.events]),
    ).toEqual([
      ['checkpoint', 4],
      ['session-end', 8],
    ]);
    // A checkpoint signs only heads that changed: nothing to do now.
    expect(await notary.checkpoint()).toEqual({ statements: 0, sessions: 0 });
  });

  it('seals a session when it is revoked', async () => {
    const s = sessionScript();
    s.command('tail -f /var/log/syslog');
    await admin.ingest(s.events);
    expect((await verify(s.sessionId)).anchors.latest).toBeNull();
    await admin.sessions.revoke(s.sessionId, { reason: 'left open' });
    expect(await verify(s.sessionId)).toMatchObject({
      ok: true,
      anchors: { latest: { kind: 'session-end', events: 2 } },
    });
  });

  it('detects two events whose seq were swapped in the database', async () => {
    const s = await checkpointedSession();
    // seq 5 and 6 swap places: the API would list 4, 6, 5, 7.
    await sql(store, 'UPDATE events SET seq = -1 WHERE session_id = ? AND seq = 5', [s.sessionId]);
    await sql(store, 'UPDATE events SET seq = 5 WHERE session_id = ? AND seq = 6', [s.sessionId]);
    await sql(store, 'UPDATE events SET seq = 6 WHERE session_id = ? AND seq = -1', [s.sessionId]);
    const listed = (await admin.sessions.events.list(s.sessionId)).data.map((e) => e.seq);
    expect(listed).toEqual([0, 1, 2, 3, 4, 6, 5, 7]);
    expect(await verify(s.sessionId)).toMatchObject({
      ok: false,
      broken: {
        seq: 6,
        ord: 5,
        reason: "the event's stored seq (6) differs from its hashed JSON (5)",
      },
    });
    // Also with the JSON rewritten to match the columns, and the chain recomputed.
    await editBody(store, s.sessionId, 5, (e) => {
      e.seq = 5;
    });
    await editBody(store, s.sessionId, 6, (e) => {
      e.seq = 6;
    });
    await recomputeChain(store, 'acme', s.sessionId);
    const check = await verify(s.sessionId);
    expect(check.broken).toMatchObject({
      seq: 7,
      ord: 7,
      reason: expect.stringMatching(
        /^the chain was rewritten: this event's hash differs from the session-end signed .*; the change is at or before this event, after seq 3, the last event a signed checkpoint confirms$/,
      ),
    });
  });

  it('accepts a purge record only on terminal output (a rewritten command marked purged is caught)', async () => {
    const s = sessionScript();
    const command = s.command('rm -rf /var/lib/billing');
    s.output('removed\r\n');
    s.end();
    await admin.ingest(s.events);
    const [row] = await sql<{ body: string; purged: string | null }>(
      store,
      'SELECT body, purged FROM events WHERE session_id = ? AND seq = ?',
      [s.sessionId, command.seq],
    );
    // The command's text rewritten, and marked purged with the digest of what it was.
    const original = contentDigest(2, JSON.parse(row!.body), row!.body);
    await editBody(store, s.sessionId, command.seq, (e) => {
      e.text = 'ls';
    });
    for (const digest of [original, JSON.parse(row!.body).text]) {
      await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = ?', [
        JSON.stringify({ at: new Date().toISOString(), reason: 'retention', digest }),
        s.sessionId,
        command.seq,
      ]);
      expect((await verify(s.sessionId)).broken).toMatchObject({
        seq: command.seq,
        reason:
          'the event is marked purged, but retention removes only terminal output (this is a command event)',
      });
    }
    // Turned into a terminal tombstone instead: its type is chained (and the JSON is hashed).
    await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = ?', [
      JSON.stringify({ at: new Date().toISOString(), reason: 'retention', digest: original }),
      s.sessionId,
      command.seq,
    ]);
    await sql(store, "UPDATE events SET type = 'terminal' WHERE session_id = ? AND seq = ?", [
      s.sessionId,
      command.seq,
    ]);
    await editBody(store, s.sessionId, command.seq, (e) => {
      e.type = 'terminal';
      e.code = 'o';
      e.data = '';
      e.offsetMs = 0;
      delete e.text;
    });
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: command.seq,
      reason: 'the event does not match its hash',
    });
  });

  it('detects an edited event when the whole chain was recomputed, naming the first link a signed checkpoint contradicts', async () => {
    const early = await checkpointedSession();
    await editBody(store, early.sessionId, 2, (e) => {
      e.text = 'echo innocent';
    });
    await recomputeChain(store, 'acme', early.sessionId);
    expect(await verify(early.sessionId)).toMatchObject({
      ok: false,
      broken: {
        seq: 3,
        ord: 3,
        reason: expect.stringMatching(
          /differs from the checkpoint signed .*\(checkpoints-\w+\.ndjson:\d+\); the change is at or before this event, from the first event on$/,
        ),
      },
    });

    const late = await checkpointedSession();
    await editBody(store, late.sessionId, 5, (e) => {
      e.text = 'echo innocent';
    });
    await recomputeChain(store, 'acme', late.sessionId);
    // Also when the signed head kept with the session is removed: the file still has it.
    await sql(store, 'UPDATE sessions SET signed_head = NULL, signed_events = 0 WHERE id = ?', [
      late.sessionId,
    ]);
    expect((await verify(late.sessionId)).broken).toMatchObject({
      seq: 7,
      ord: 7,
      reason: expect.stringMatching(
        /session-end signed .*after seq 3, the last event a signed checkpoint confirms$/,
      ),
    });
  });

  it('does not sign again a chain rewritten since its last signed head, and reports it', async () => {
    const s = sessionScript();
    s.command('echo a');
    s.command('echo b');
    await admin.ingest(s.events);
    const errors: string[] = [];
    const own = new Notary(store, {
      key,
      file: checkpointFile,
      onError: (e) => errors.push((e as Error).message),
    });
    await own.checkpoint();
    s.command('echo c');
    await admin.ingest(s.events.slice(3));
    await editBody(store, s.sessionId, 1, (e) => {
      e.text = 'echo z';
    });
    await recomputeChain(store, 'acme', s.sessionId);
    const naming = () =>
      readFileSync(checkpointFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes(s.sessionId)).length;
    const before = naming();
    await own.checkpoint();
    expect(naming()).toBe(before);
    expect(errors.filter((m) => m.includes(s.sessionId))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^not signing session ${s.sessionId} of acme: its chain no longer holds the head signed .*; run auditlane verify on it$`,
        ),
      ),
    ]);
    expect((await verify(s.sessionId)).broken).toMatchObject({
      ord: 2,
      reason: expect.stringMatching(/^the chain was rewritten/),
    });
  });

  it('detects a tail cut off and an event inserted, each with the chain recomputed', async () => {
    const cut = await checkpointedSession();
    await sql(store, 'DELETE FROM events WHERE session_id = ? AND seq >= 6', [cut.sessionId]);
    await recomputeChain(store, 'acme', cut.sessionId);
    expect((await verify(cut.sessionId)).broken).toMatchObject({
      seq: 5,
      reason: expect.stringMatching(
        /^the session-end signed .* records 8 events but the chain has 6: events were removed$/,
      ),
    });

    const inserted = await checkpointedSession();
    // An event slipped in at position 5 (the later ones move up), with a fresh seq.
    await sql(store, 'UPDATE events SET ord = ord + 100 WHERE session_id = ? AND ord >= 5', [
      inserted.sessionId,
    ]);
    await sql(store, 'UPDATE events SET ord = ord - 99 WHERE session_id = ? AND ord >= 100', [
      inserted.sessionId,
    ]);
    const [template] = await sql<Record<string, unknown>>(
      store,
      'SELECT * FROM events WHERE session_id = ? AND seq = 4',
      [inserted.sessionId],
    );
    const body = JSON.parse(template!.body as string) as Record<string, unknown>;
    body.id = 'evt_slipped_in';
    body.seq = 100;
    body.text = 'echo nothing happened';
    await sql(
      store,
      'INSERT INTO events (session_id, seq, org, id, ord, type, body, received_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        inserted.sessionId,
        100,
        'acme',
        'evt_slipped_in',
        5,
        'command',
        JSON.stringify(body),
        template!.received_at,
        '0'.repeat(64),
      ],
    );
    expect((await verify(inserted.sessionId)).broken).toMatchObject({ seq: 100, ord: 5 });
    await recomputeChain(store, 'acme', inserted.sessionId);
    expect((await verify(inserted.sessionId)).broken).toMatchObject({
      ord: 7,
      reason: expect.stringMatching(/^the chain was rewritten: .*session-end signed/),
    });
  });

  it('detects a forged signature, in the database and in the checkpoint file', async () => {
    const s = await checkpointedSession();
    const [row] = await sql<{ signed_head: string }>(
      store,
      'SELECT signed_head FROM sessions WHERE id = ?',
      [s.sessionId],
    );
    const sealed = JSON.parse(row!.signed_head) as Statement;
    expect(sealed).toMatchObject({ kind: 'session-end', kid: key.kid, heads: [{ events: 8 }] });
    // After cutting the tail, the sealed head is edited to match: its signature no longer holds.
    await sql(store, 'DELETE FROM events WHERE session_id = ? AND seq = 7', [s.sessionId]);
    await recomputeChain(store, 'acme', s.sessionId);
    const [head] = await sql<{ last_hash: string }>(
      store,
      'SELECT last_hash FROM sessions WHERE id = ?',
      [s.sessionId],
    );
    const forged = {
      ...sealed,
      heads: [{ ...sealed.heads[0]!, events: 7, head: head!.last_hash }],
    };
    await sql(store, 'UPDATE sessions SET signed_head = ? WHERE id = ?', [
      JSON.stringify(forged),
      s.sessionId,
    ]);
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: -1,
      reason:
        'the signed statement at the signed head kept with the session names this session but its signature does not verify with key ' +
        `${key.kid}: it was forged or altered`,
    });

    // A line appended to the checkpoint file with a made-up signature.
    const other = sessionScript();
    other.end();
    await admin.ingest(other.events);
    expect((await verify(other.sessionId)).ok).toBe(true);
    const lie = signStatement(key, {
      kind: 'checkpoint',
      at: new Date().toISOString(),
      org: 'acme',
      heads: [{ sessionId: other.sessionId, chainVersion: 2, events: 5, head: 'a'.repeat(64) }],
    });
    appendFileSync(
      checkpointFile,
      `${JSON.stringify({ ...lie, sig: Buffer.alloc(64).toString('base64') })}\n`,
    );
    expect((await verify(other.sessionId)).broken).toMatchObject({
      seq: -1,
      reason: expect.stringMatching(
        /^the signed statement at checkpoints-\w+\.ndjson:\d+ names this session but its signature does not verify/,
      ),
    });
    // Signed by another key (not the server's): not an anchor, and counted.
    const stranger = loadSigningKey(createKeyPair().privateKeyPem);
    const third = sessionScript();
    third.end();
    await admin.ingest(third.events);
    appendFileSync(
      checkpointFile,
      `${JSON.stringify(signStatement(stranger, { kind: 'checkpoint', at: new Date().toISOString(), org: 'acme', heads: [{ sessionId: third.sessionId, chainVersion: 2, events: 1, head: 'b'.repeat(64) }] }))}\n`,
    );
    expect(await verify(third.sessionId)).toMatchObject({
      ok: true,
      anchors: { checked: 2, unknownKeys: 1 },
    });
  });

  it('verifies an exported session offline with only the public key and the checkpoint file', async () => {
    const s = await checkpointedSession();
    const exported = await (await admin.downloads.logs(s.sessionId, { format: 'export' })).text();
    const lines = exported.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: 'auditlane/session-export@1',
      org: 'acme',
      sessionId: s.sessionId,
      chainVersion: 2,
      events: 8,
      signedHead: { kind: 'session-end' },
    });
    expect(lines).toHaveLength(9);
    expect(JSON.parse(lines[6]!)).toMatchObject({ ord: 5, seq: 5, type: 'command', purged: null });
    const offline = await verifyExport(lines, {
      keys: [publicKey],
      checkpointFiles: [checkpointFile],
    });
    expect(offline).toMatchObject({
      broken: null,
      events: 8,
      anchors: { checked: 3, latest: { kind: 'session-end', events: 8 } },
    });

    // Rewritten in the database and recomputed: the export says so, offline.
    await editBody(store, s.sessionId, 5, (e) => {
      e.text = 'echo harmless';
    });
    await recomputeChain(store, 'acme', s.sessionId);
    const rewritten = await (await admin.downloads.logs(s.sessionId, { format: 'export' })).text();
    const file = join(dir, `${kind}-export.ndjson`);
    writeFileSync(file, rewritten);
    const report = await verifyExport(readFileSync(file, 'utf8').split('\n'), {
      keys: [publicKey],
      checkpointFiles: [checkpointFile],
    });
    expect(report.broken).toMatchObject({
      seq: 7,
      reason: expect.stringMatching(/chain was rewritten/),
    });
    // Without the checkpoint file the export's own signed head catches it.
    expect((await verifyExport(rewritten.split('\n'), { keys: [publicKey] })).broken).toMatchObject(
      { seq: 7, reason: expect.stringMatching(/signed head/) },
    );
    // Without any key nothing is anchored: the recomputed chain looks intact.
    expect(await verifyExport(rewritten.split('\n'))).toMatchObject({
      broken: null,
      anchors: { checked: 0, unknownKeys: 1 },
    });
  });

  it('detects terminal output purged the way retention never does (one chunk, the rest kept)', async () => {
    const s = sessionScript();
    s.output('$ cat /etc/shadow\r\n');
    s.output('root:$6$secret:19000:0:99999:7:::\r\n');
    s.output('$ exit\r\n');
    s.end();
    await admin.ingest(s.events);
    // The middle chunk emptied and marked purged with the digest of its data, as retention would.
    const data = (s.events[2] as { data: string }).data;
    await editBody(store, s.sessionId, 2, (e) => {
      e.data = '';
    });
    await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = 2', [
      JSON.stringify({
        at: new Date().toISOString(),
        reason: 'retention: production recordings are kept 1 days',
        digest: removedContentDigest({ data }),
      }),
      s.sessionId,
    ]);
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: 2,
      reason: expect.stringMatching(
        /^the event is marked purged at .*, but terminal output received before then \(seq 1\) was kept: retention purges a session's whole recording at once$/,
      ),
    });
  });

  it('detects a whole recording purged without retention (unsigned, or dated too early)', async () => {
    const startedAt = Date.now() - 3 * DAY;
    /** Every terminal event emptied and marked purged at `at`, as retention would. */
    const purgeAll = async (s: ReturnType<typeof sessionScript>, at: number) => {
      for (const seq of [1, 2]) {
        const data = (s.events[seq] as { data: string }).data;
        await editBody(store, s.sessionId, seq, (e) => {
          e.data = '';
        });
        await sql(store, 'UPDATE events SET purged = ? WHERE session_id = ? AND seq = ?', [
          JSON.stringify({
            at: new Date(at).toISOString(),
            reason: 'retention: production recordings are kept 1 days',
            digest: removedContentDigest({ data }),
          }),
          s.sessionId,
          seq,
        ]);
      }
    };
    const script = () => {
      const s = sessionScript({}, startedAt);
      s.output('$ psql -c "DELETE FROM invoices"\r\n');
      s.output('DELETE 4182\r\n');
      s.end();
      return s;
    };
    // Retention signs each purge; this session was signed at its end, before.
    const unsigned = script();
    await admin.ingest(unsigned.events);
    await purgeAll(unsigned, Date.now());
    expect((await verify(unsigned.sessionId)).broken).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(
        /^the event is marked purged at .*, but no signed record of that purge exists though the session was signed before it \(session-end signed .*\): the purge was not retention's$/,
      ),
    });
    // Dated before the session was signed, to dodge that: sooner than retention ever purges, or
    // before the output arrived.
    const early = script();
    await store.ingest(
      'acme',
      early.events.map((e) => eventSchema.parse(e)),
      {
        receivedAt: new Date(startedAt + 60_000).toISOString(),
        previewRows: 50,
        reconnectGraceMs: 0,
      },
    );
    await notary.seal('acme', early.sessionId);
    await purgeAll(early, startedAt + 2 * 3_600_000);
    expect((await verify(early.sessionId)).broken).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(
        /^the event is marked purged at .*, less than 1 day after the session started \(.*\): retention keeps recordings longer$/,
      ),
    });
    await purgeAll(early, startedAt + 30_000);
    expect((await verify(early.sessionId)).broken).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/^the event is marked purged at .*, before it was received/),
    });
  });

  it('still verifies a legitimately purged terminal recording against its signed head', async () => {
    const s = sessionScript(
      { resource: { name: 'web-1', type: 'ssh', environment: 'staging' } },
      Date.now() - 40 * DAY,
    );
    s.command('cat notes.txt');
    s.output('secret notes\r\n');
    s.output('more\r\n');
    s.end();
    await admin.ingest(s.events);
    const before = await verify(s.sessionId);
    expect(before).toMatchObject({ ok: true, anchors: { latest: { kind: 'session-end' } } });
    const report = await sweepRecordings(
      store,
      { productionDays: null, otherDays: 7 },
      Date.now(),
      notary,
    );
    expect(report.events).toBeGreaterThanOrEqual(2);
    const events = (await admin.sessions.events.list(s.sessionId)).data;
    expect(events.filter((e) => e.type === 'terminal').map((e) => e.data)).toEqual(['', '']);
    // Retention signed a record of the purge: the session-end seal, then the purge.
    expect(await verify(s.sessionId)).toMatchObject({
      ok: true,
      events: 5,
      broken: null,
      anchors: { latest: { kind: 'purge', events: 5 } },
    });
    const exported = await (await admin.downloads.logs(s.sessionId, { format: 'export' })).text();
    expect(
      await verifyExport(exported.split('\n'), {
        keys: [publicKey],
        checkpointFiles: [checkpointFile],
      }),
    ).toMatchObject({ broken: null, anchors: { latest: { kind: 'purge', events: 5 } } });
    // The metadata of a purged event is still covered: its offset edited is caught.
    await editBody(store, s.sessionId, 2, (e) => {
      e.offsetMs = 1;
    });
    expect((await verify(s.sessionId)).broken).toMatchObject({
      seq: 2,
      reason: 'the event does not match its hash',
    });
    // And so is its data digest.
    await editBody(store, s.sessionId, 2, (e) => {
      e.offsetMs = (s.events[2] as { offsetMs: number }).offsetMs;
    });
    expect((await verify(s.sessionId)).ok).toBe(true);
    await sql(
      store,
      `UPDATE events SET purged = replace(purged, '"digest":"', '"digest":"0') WHERE session_id = ? AND seq = 3`,
      [s.sessionId],
    );
    expect((await verify(s.sessionId)).broken).toMatchObject({ seq: 3 });
  });
});

describe.each(STORE_KINDS)('%s store: the signing schedule', (kind) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditlane-schedule-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checkpoints every org at start, on its interval and at shutdown, and posts each statement to the webhook', async () => {
    const { store, drop } = await openTestStore(kind);
    const received: Statement[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(body) as Statement);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as { port: number }).port;
    const key = loadSigningKey(createKeyPair().privateKeyPem);
    const file = join(dir, 'checkpoints.ndjson');
    const early = sessionScript();
    await store.ingest(
      'globex',
      early.events.map((e) => eventSchema.parse(e)),
      {
        receivedAt: new Date().toISOString(),
        previewRows: 50,
        reconnectGraceMs: 0,
      },
    );
    const server = await startServer({
      store,
      port: 0,
      checkpoints: { key, file, webhook: `http://127.0.0.1:${port}/statements`, intervalMs: 200 },
    });
    try {
      // At start: the session stored before the server ran is anchored.
      await expect
        .poll(() => received.filter((s) => s.org === 'globex').length, { timeout: 5_000 })
        .toBeGreaterThanOrEqual(1);
      const { token } = await store.createToken({
        org: 'initech',
        name: 'x',
        permissions: ['ingest'],
      });
      const client = createClient({ baseUrl: server.url, token, retries: 0 });
      const later = sessionScript();
      later.command('uptime');
      await client.ingest(later.events);
      // On the interval: the new org's session.
      await expect
        .poll(
          () =>
            received.some(
              (s) => s.org === 'initech' && s.heads.some((h) => h.sessionId === later.sessionId),
            ),
          { timeout: 5_000 },
        )
        .toBe(true);
    } finally {
      await server.close();
      hook.close();
    }
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(received);
    for (const s of received) expect(s).toMatchObject({ kind: 'checkpoint', kid: key.kid });
    await drop();
  });
  it('answers ingest without waiting for a webhook that hangs, and reports its failure', async () => {
    const { store, drop } = await openTestStore(kind);
    const errors: string[] = [];
    // A webhook that takes the request and never answers.
    let waiting = 0;
    const hanging = createServer(() => {
      waiting++;
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const port = (hanging.address() as { port: number }).port;
    const notary = new Notary(store, {
      key: loadSigningKey(createKeyPair().privateKeyPem),
      file: join(dir, 'checkpoints.ndjson'),
      webhook: `http://127.0.0.1:${port}/`,
      onError: (e) => errors.push((e as Error).message),
    });
    const server = await startServer({ store, port: 0, config: { notary } });
    try {
      const { token } = await store.createToken({
        org: 'acme',
        name: 'x',
        permissions: ['ingest'],
      });
      const s = sessionScript();
      s.end();
      const started = Date.now();
      const answer = await createClient({ baseUrl: server.url, token, retries: 0 }).ingest(
        s.events,
      );
      expect(answer.accepted).toBe(2);
      expect(Date.now() - started).toBeLessThan(3_000);
      // Sealed and in the file before the answer; the post is still waiting.
      expect(readFileSync(join(dir, 'checkpoints.ndjson'), 'utf8')).toContain(s.sessionId);
      await expect.poll(() => waiting).toBe(1);
      expect(errors).toEqual([]);
      hanging.closeAllConnections();
      await notary.drain();
      expect(errors).toEqual([
        expect.stringMatching(new RegExp(`^checkpoint webhook http://127.0.0.1:${port}/: `)),
      ]);
    } finally {
      hanging.close();
      await server.close();
      await drop();
    }
  });
});

describe.each(STORE_KINDS)('%s store: sessions stored before chain version 2', (kind) => {
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/v1-sessions.json', import.meta.url), 'utf8'),
  ) as {
    sessions: Record<string, unknown>[];
    session_labels: Record<string, unknown>[];
    events: Record<string, unknown>[];
  };
  const [prod, purged] = [
    fixture.sessions.find((s) => s.environment === 'production')!.id as string,
    fixture.sessions.find((s) => s.environment === 'staging')!.id as string,
  ];

  /** A database as the earlier release left it (its first 3 migrations), with its rows. */
  async function upgradedStore(): Promise<{ store: Store; drop: () => Promise<void> }> {
    const { SQLITE_MIGRATIONS } = await import('../src/store/sqlite/migrations');
    const { POSTGRES_MIGRATIONS } = await import('../src/store/postgres/migrations');
    const insert = async (run: (q: string, p: unknown[]) => Promise<unknown>, pg: boolean) => {
      for (const [table, rows] of Object.entries({
        sessions: fixture.sessions,
        session_labels: fixture.session_labels,
        events: fixture.events,
      })) {
        for (const row of rows) {
          const cols = Object.keys(row);
          const values = cols.map((c) => (pg && c === 'has_recording' ? row[c] === 1 : row[c]));
          if (pg && table === 'session_labels') continue;
          await run(
            `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
            values,
          );
        }
      }
    };
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'auditlane-v1-'));
      const filename = join(dir, 'old.db');
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(filename);
      for (const m of SQLITE_MIGRATIONS.slice(0, 3)) db.exec(m);
      db.pragma('user_version = 3');
      await insert(async (q, p) => db.prepare(q).run(...p), false);
      db.close();
      const store = new SqliteStore({ filename });
      return {
        store,
        drop: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    const { inject } = await import('vitest');
    const pg = (await import('pg')).default;
    const adminUrl = inject('postgresUrl');
    const name = `auditlane_v1_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const old = new pg.Client({ connectionString: url.toString() });
    await old.connect();
    await old.query(
      'CREATE TABLE auditlane_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    for (const [i, m] of POSTGRES_MIGRATIONS.slice(0, 3).entries()) {
      await old.query(m);
      await old.query('INSERT INTO auditlane_migrations (version) VALUES ($1)', [i + 1]);
    }
    await insert((q, p) => old.query(numberPlaceholders(q), p), true);
    await old.end();
    const store = await PostgresStore.open({ connectionString: url.toString(), max: 2 });
    return {
      store,
      drop: async () => {
        await store.close();
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }

  it('verifies them with the formula they were chained with, purged recording included, and catches edits', async () => {
    const { store, drop } = await upgradedStore();
    try {
      for (const id of [prod, purged]) {
        expect(await store.verifySession('acme', id)).toMatchObject({
          chainVersion: 1,
          events: 5,
          broken: null,
        });
      }
      // The purged session keeps its purged terminal events.
      const [{ n }] = (await sql<{ n: number }>(
        store,
        'SELECT count(*) AS n FROM events WHERE session_id = ? AND purged IS NOT NULL',
        [purged],
      )) as [{ n: number }];
      expect(Number(n)).toBe(2);
      // The checks on the columns hold for them too: swapped seqs, a command marked purged.
      await sql(store, 'UPDATE events SET seq = -1 WHERE session_id = ? AND seq = 1', [prod]);
      await sql(store, 'UPDATE events SET seq = 1 WHERE session_id = ? AND seq = 2', [prod]);
      await sql(store, 'UPDATE events SET seq = 2 WHERE session_id = ? AND seq = -1', [prod]);
      expect((await store.verifySession('acme', prod))?.broken).toMatchObject({
        ord: 1,
        reason: "the event's stored seq (2) differs from its hashed JSON (1)",
      });
      const [command] = await sql<{ purged: string }>(
        store,
        "SELECT purged FROM events WHERE session_id = ? AND type = 'terminal' AND purged IS NOT NULL",
        [purged],
      );
      await sql(store, "UPDATE events SET purged = ? WHERE session_id = ? AND type = 'command'", [
        command!.purged,
        purged,
      ]);
      expect((await store.verifySession('acme', purged))?.broken).toMatchObject({
        seq: 1,
        reason: expect.stringMatching(
          /retention removes only terminal output \(this is a command event\)/,
        ),
      });
      // New sessions in the upgraded database are chained with version 2.
      const s = sessionScript();
      s.end();
      await store.ingest(
        'acme',
        s.events.map((e) => eventSchema.parse(e)),
        {
          receivedAt: new Date().toISOString(),
          previewRows: 50,
          reconnectGraceMs: 0,
        },
      );
      expect(await store.verifySession('acme', s.sessionId)).toMatchObject({
        chainVersion: 2,
        broken: null,
      });
      // The first checkpoint anchors the old sessions from then on.
      const key = loadSigningKey(createKeyPair().privateKeyPem);
      const notary = new Notary(store, { key });
      expect(await notary.checkpoint()).toMatchObject({ sessions: 3 });
      expect(await store.verifySession('acme', s.sessionId, { keys: notary.keys })).toMatchObject({
        broken: null,
        anchors: { checked: 1 },
      });
    } finally {
      await drop();
    }
  });
});

describe('serve settings for signing', () => {
  it('reads the signing key from a file or the environment, and the checkpoint settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlane-keys-'));
    try {
      const pair = createKeyPair();
      const keyFile = join(dir, 'k.key');
      const oldPub = join(dir, 'old.pub');
      writeFileSync(keyFile, pair.privateKeyPem);
      const old = createKeyPair();
      writeFileSync(oldPub, old.publicKeyPem);
      const fromFlags = serveConfig(
        {
          'signing-key': keyFile,
          'checkpoint-file': join(dir, 'c.ndjson'),
          'checkpoint-webhook': 'https://log.example.test/in',
          'checkpoint-interval-minutes': '15',
          'verify-key': oldPub,
        },
        {},
      ).checkpoints!;
      expect(fromFlags.key.kid).toBe(pair.kid);
      expect(fromFlags).toMatchObject({
        file: join(dir, 'c.ndjson'),
        webhook: 'https://log.example.test/in',
        intervalMs: 15 * 60_000,
        verifyKeys: [{ kid: old.kid }],
      });
      const fromEnv = serveConfig({}, { AUDITLANE_SIGNING_KEY: pair.privateKeyPem }).checkpoints!;
      expect(fromEnv.key.kid).toBe(pair.kid);
      expect(serveConfig({}, {}).checkpoints).toBeUndefined();
      expect(() => serveConfig({ 'signing-key': join(dir, 'old.pub') }, {})).toThrow(
        /--signing-key .*old\.pub is not a PEM private key/,
      );
      expect(() =>
        serveConfig(
          {},
          { AUDITLANE_SIGNING_KEY_FILE: keyFile, AUDITLANE_CHECKPOINT_WEBHOOK: 'ftp://x' },
        ),
      ).toThrow(/--checkpoint-webhook must be an http\(s\) URL/);
      expect(() => serveConfig({}, { AUDITLANE_CHECKPOINT_FILE: 'c.ndjson' })).toThrow(
        /checkpoints need a signing key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
