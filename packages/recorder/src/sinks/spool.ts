import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** A position in a spool: which segment file, and how many bytes of it were delivered. */
interface Position {
  segment: number;
  offset: number;
}

const SEGMENT_BYTES = 4 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;

/**
 * An append-only disk queue of event lines. Each process writes its own directory
 * (`<dir>/<pid>-<random>`) and records how far delivery got in `ack`; a process that finds the
 * directory of one that died (its pid is gone) delivers what it left. Lines are written before
 * `append` returns, so a crash (even `kill -9`) loses nothing appended.
 */
export class Spool {
  private fd: number;
  private segment = 0;
  private written = 0;
  private acked: Position;
  /** Sessions this process holds open (their end is not written yet), with the last seq written. */
  private readonly held = new Map<string, number>();
  /** Lines in the held log (compacted when it is much longer than the sessions held). */
  private heldEntries = 0;

  private constructor(
    readonly dir: string,
    adopted = false,
  ) {
    this.acked = readAck(dir);
    this.segment = lastSegment(dir) ?? this.acked.segment;
    this.fd = openSync(segmentPath(dir, this.segment), 'a+');
    this.written = fstatSync(this.fd).size;
    if (adopted) this.repairTail();
    readHeld(dir, this.held);
  }

  /**
   * A fresh spool of this process under `root`, the spools of dead processes found there, and
   * the directories of running ones (left to them).
   * An orphan is claimed by renaming its directory (atomic: of two processes, one wins).
   */
  static open(root: string): { own: Spool; orphans: Spool[]; live: string[] } {
    mkdirSync(root, { recursive: true });
    const orphans: Spool[] = [];
    const live: string[] = [];
    // Oldest first: a session recorded by several processes in turn (a hook per call) has its
    // events in several spools, and its start must reach the server before the rest.
    for (const dir of byAge(root)) {
      let owner: string;
      try {
        owner = readFileSync(join(dir, 'owner'), 'utf8');
      } catch {
        continue;
      }
      const [pidText, started] = owner.split(' ');
      const pid = Number(pidText);
      const closed = owner === CLOSED;
      if (!closed && (!Number.isInteger(pid) || pid <= 0)) continue;
      // Our own pid with another start time: an earlier life of this pid (a container restarted
      // with the same spool volume) left it. A closed spool is left like a dead writer's, even by
      // a process that goes on (the resident hook helper closes one per call).
      const dead = closed || (pid === process.pid ? started !== OWNER_START : !alive(pid));
      if (!dead) {
        live.push(dir);
        continue;
      }
      const claimed = join(root, `${process.pid}-${randomBytes(4).toString('hex')}-adopted`);
      try {
        renameSync(dir, claimed);
      } catch {
        continue; // another process claimed it first
      }
      writeFileSync(join(claimed, 'owner'), ownerLine());
      orphans.push(new Spool(claimed, true));
    }
    const dir = join(root, `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'owner'), ownerLine());
    return { own: new Spool(dir), orphans, live };
  }

  /** A dead writer may have left half a line (a crash, a full disk): cut it off. */
  private repairTail(): void {
    if (this.written === 0) return;
    const last = Buffer.alloc(1);
    readSync(this.fd, last, 0, 1, this.written - 1);
    if (last[0] === 10) return;
    let end = this.written;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const from = Math.max(0, end - chunk.length);
      const n = readSync(this.fd, chunk, 0, end - from, from);
      const at = chunk.subarray(0, n).lastIndexOf(10);
      if (at !== -1) {
        end = from + at + 1;
        break;
      }
      end = from;
    }
    ftruncateSync(this.fd, end);
    this.written = end;
  }

  append(line: string): void {
    if (this.written >= SEGMENT_BYTES) {
      // Rotate now (delivered or not): delivered segments can then be deleted while a backlog waits.
      closeSync(this.fd);
      this.segment++;
      this.fd = openSync(segmentPath(this.dir, this.segment), 'a+');
      this.written = 0;
      // The lines of the segments delivered and deleted are gone: keep the held sessions' seqs.
      if (this.held.size > 0) this.saveHeld();
    }
    // Written as a string: Node encodes it straight into the write, and says how many bytes.
    const text = `${line}\n`;
    const n = writeSync(this.fd, text);
    this.written += n;
    // A short write (a regular file has them only at its limits): the rest goes after it, so
    // the line stays whole or the failure is thrown. Compared in bytes: a short write of
    // non-ASCII text can stop past the string's UTF-16 length.
    if (n < Buffer.byteLength(text)) {
      let rest = Buffer.from(text).subarray(n);
      while (rest.length > 0) {
        const m = writeSync(this.fd, rest);
        this.written += m;
        rest = rest.subarray(m);
      }
    }
  }

  /** Up to `max` lines not delivered yet, and the position after them. */
  read(max: number): { lines: string[]; next: Position } {
    const lines: string[] = [];
    let at: Position = { ...this.acked };
    while (lines.length < max) {
      const path = segmentPath(this.dir, at.segment);
      if (!existsSync(path)) {
        // A segment that is gone was delivered (or lost before this process): move on.
        if (at.segment >= this.segment) break;
        at = { segment: at.segment + 1, offset: 0 };
        continue;
      }
      const fd = at.segment === this.segment ? this.fd : openSync(path, 'r');
      try {
        const size = at.segment === this.segment ? this.written : fstatSync(fd).size;
        let window = READ_BYTES;
        let text = Buffer.alloc(0);
        let start = 0;
        for (;;) {
          const want = Math.min(window, size - at.offset);
          if (want <= 0) break;
          const buffer = Buffer.alloc(want);
          const n = readSync(fd, buffer, 0, want, at.offset);
          text = buffer.subarray(0, n);
          // A line longer than the window: read a larger one (events are at most a few MB).
          if (text.indexOf(10) === -1 && n === want && at.offset + n < size) {
            window *= 4;
            continue;
          }
          break;
        }
        for (;;) {
          if (lines.length >= max) break;
          const end = text.indexOf(10, start);
          if (end === -1) break; // an unfinished line: the rest of it comes later
          if (end > start) lines.push(text.subarray(start, end).toString('utf8'));
          start = end + 1;
        }
        at = { segment: at.segment, offset: at.offset + start };
        if (lines.length >= max || at.segment >= this.segment || at.offset < size) break;
        at = { segment: at.segment + 1, offset: 0 };
      } finally {
        if (fd !== this.fd) closeSync(fd);
      }
    }
    return { lines, next: at };
  }

  /** Records delivery up to `position`, deleting the segments wholly delivered. */
  ack(position: Position): void {
    for (let s = this.acked.segment; s < position.segment; s++) {
      try {
        unlinkSync(segmentPath(this.dir, s));
      } catch {}
    }
    this.acked = position;
    writeFileSync(join(this.dir, 'ack'), JSON.stringify(position));
  }

  /**
   * Marks a session as held open by this process: if the process ends before the session's end
   * is appended, whoever adopts the spool ends the session (`heldSessions`).
   */
  hold(sessionId: string, seq: number): void {
    this.held.set(sessionId, seq);
    this.logHeld(`+ ${sessionId} ${seq}`);
  }

  /** Notes the seq of a line appended for a held session (kept in memory; saved on rotation). */
  wrote(sessionId: string, seq: number): void {
    if (this.held.has(sessionId)) this.held.set(sessionId, seq);
  }

  /** The session's end was appended: nobody else needs to end it. */
  release(sessionId: string): void {
    if (this.held.delete(sessionId)) this.logHeld(`- ${sessionId}`);
  }

  /** Forgets every held session (their ends were written elsewhere). */
  releaseAll(): void {
    if (this.held.size === 0) return;
    this.held.clear();
    this.saveHeld();
  }

  /**
   * The sessions a dead writer held open, each with the seq its end gets: one after the last
   * seq it wrote (from its lines still on disk, or what it saved when it deleted older ones).
   */
  heldSessions(): { sessionId: string; nextSeq: number }[] {
    if (this.held.size === 0) return [];
    const last = new Map(this.held);
    for (const name of readdirSync(this.dir).filter((f) => /^segment-\d+\.ndjson$/.test(f))) {
      for (const line of readFileSync(join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const { sessionId, seq } = JSON.parse(line) as { sessionId?: unknown; seq?: unknown };
          const known = typeof sessionId === 'string' ? last.get(sessionId) : undefined;
          if (known !== undefined && typeof seq === 'number' && seq > known)
            last.set(sessionId as string, seq);
        } catch {
          // A line cut short by a crash: it carries no seq.
        }
      }
    }
    return [...last].map(([sessionId, seq]) => ({ sessionId, nextSeq: seq + 1 }));
  }

  /** How many appended lines were not delivered yet. */
  pendingLines(): number {
    let count = 0;
    for (let s = this.acked.segment; s <= this.segment; s++) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(segmentPath(this.dir, s));
      } catch {
        continue;
      }
      const end = s === this.segment ? this.written : bytes.length;
      let at = s === this.acked.segment ? this.acked.offset : 0;
      for (;;) {
        const nl = bytes.indexOf(10, at);
        if (nl === -1 || nl >= end) break;
        count++;
        at = nl + 1;
      }
    }
    return count;
  }

  /** Appends to the held log (one line per session opened or ended); compacted when long. */
  private logHeld(line: string): void {
    if (++this.heldEntries > 2 * this.held.size + 64) {
      this.saveHeld();
      return;
    }
    appendFileSync(join(this.dir, 'held'), `${line}\n`);
  }

  /** Rewrites the held log as the sessions held now, with their last seqs. */
  private saveHeld(): void {
    const path = join(this.dir, 'held');
    const lines = [...this.held].map(([id, seq]) => `+ ${id} ${seq}\n`).join('');
    writeFileSync(`${path}.tmp`, lines);
    renameSync(`${path}.tmp`, path);
    this.heldEntries = this.held.size;
  }

  /** Whether every appended line was delivered. */
  get drained(): boolean {
    return this.acked.segment === this.segment && this.acked.offset >= this.written;
  }

  /** Closes it for good: what it still holds is for the next spool opened under its root. */
  close(): void {
    closeSync(this.fd);
    try {
      writeFileSync(join(this.dir, 'owner'), CLOSED);
    } catch {}
  }

  /** Closes and deletes the directory (an adopted spool, delivered). */
  remove(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** When this process started (ms, to the second): tells it apart from an earlier one with its pid. */
/** The spool directories under `root`, by the time their oldest segment was last written. */
function byAge(root: string): string[] {
  const dirs = readdirSync(root).map((name) => {
    const dir = join(root, name);
    let at = Number.POSITIVE_INFINITY;
    try {
      for (const f of readdirSync(dir))
        if (/^segment-\d+\.ndjson$/.test(f)) at = Math.min(at, statSync(join(dir, f)).mtimeMs);
    } catch {}
    return { dir, at };
  });
  return dirs.sort((x, y) => x.at - y.at).map((d) => d.dir);
}

/** The owner of a spool closed by its writer. */
const CLOSED = 'closed';

const OWNER_START = String(Math.round((Date.now() - process.uptime() * 1000) / 1000));

function ownerLine(): string {
  return `${process.pid} ${OWNER_START}`;
}

function segmentPath(dir: string, segment: number): string {
  return join(dir, `segment-${String(segment).padStart(6, '0')}.ndjson`);
}

function lastSegment(dir: string): number | undefined {
  const segments = readdirSync(dir)
    .map((f) => /^segment-(\d+)\.ndjson$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);
  return segments.length ? Math.max(...segments) : undefined;
}

function readAck(dir: string): Position {
  try {
    const value = JSON.parse(readFileSync(join(dir, 'ack'), 'utf8')) as Position;
    if (Number.isInteger(value.segment) && Number.isInteger(value.offset)) return value;
  } catch {
    // No ack yet, or one cut short by a crash: deliver from the start (the server drops
    // the duplicates by event id).
  }
  const first = readdirSync(dir)
    .map((f) => /^segment-(\d+)\.ndjson$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number);
  return { segment: first.length ? Math.min(...first) : 0, offset: 0 };
}

/** Replays the held log of a spool directory: `+ ID SEQ` a session held, `- ID` ended. */
function readHeld(dir: string, held: Map<string, number>): void {
  let text: string;
  try {
    text = readFileSync(join(dir, 'held'), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const [op, id, seq] = line.split(' ');
    if (op === '+' && id && Number.isInteger(Number(seq))) held.set(id, Number(seq));
    else if (op === '-' && id) held.delete(id);
  }
}

/** Whether a process with this pid runs (one of another user counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
