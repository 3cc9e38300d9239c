import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
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

  private constructor(readonly dir: string) {
    this.acked = readAck(dir);
    this.segment = lastSegment(dir) ?? this.acked.segment;
    this.fd = openSync(segmentPath(dir, this.segment), 'a+');
    this.written = fstatSync(this.fd).size;
  }

  /** A fresh spool of this process under `root`, and the spools of dead processes found there. */
  static open(root: string): { own: Spool; orphans: Spool[] } {
    mkdirSync(root, { recursive: true });
    const orphans: Spool[] = [];
    for (const name of readdirSync(root)) {
      const dir = join(root, name);
      let owner: number;
      try {
        owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
      } catch {
        continue;
      }
      if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
      // Claim it (its owner file names this process now), then deliver what it holds.
      writeFileSync(join(dir, 'owner'), String(process.pid));
      orphans.push(new Spool(dir));
    }
    const dir = join(root, `${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'owner'), String(process.pid));
    return { own: new Spool(dir), orphans };
  }

  append(line: string): void {
    const bytes = Buffer.from(`${line}\n`);
    writeSync(this.fd, bytes);
    this.written += bytes.length;
  }

  /** Up to `max` lines not delivered yet, and the position after them. */
  read(max: number): { lines: string[]; next: Position } {
    const lines: string[] = [];
    let at: Position = { ...this.acked };
    while (lines.length < max) {
      const path = segmentPath(this.dir, at.segment);
      if (!existsSync(path)) break;
      const fd = at.segment === this.segment ? this.fd : openSync(path, 'r');
      try {
        const buffer = Buffer.alloc(READ_BYTES);
        const n = readSync(fd, buffer, 0, READ_BYTES, at.offset);
        const text = buffer.subarray(0, n);
        let start = 0;
        for (;;) {
          if (lines.length >= max) break;
          const end = text.indexOf(10, start);
          if (end === -1) break; // an unfinished line: the rest of it comes later
          if (end > start) lines.push(text.subarray(start, end).toString('utf8'));
          start = end + 1;
        }
        at = { segment: at.segment, offset: at.offset + start };
        if (lines.length >= max || start < n || at.segment >= this.segment) break;
        at = { segment: at.segment + 1, offset: 0 };
      } finally {
        if (fd !== this.fd) closeSync(fd);
      }
    }
    return { lines, next: at };
  }

  /** Records delivery up to `position`; starts a new segment once the current one is delivered and large. */
  ack(position: Position): void {
    for (let s = this.acked.segment; s < position.segment; s++) {
      try {
        unlinkSync(segmentPath(this.dir, s));
      } catch {}
    }
    this.acked = position;
    writeFileSync(join(this.dir, 'ack'), JSON.stringify(position));
    if (
      position.segment === this.segment &&
      position.offset === this.written &&
      this.written >= SEGMENT_BYTES
    ) {
      closeSync(this.fd);
      unlinkSync(segmentPath(this.dir, this.segment));
      this.segment++;
      this.fd = openSync(segmentPath(this.dir, this.segment), 'a+');
      this.written = 0;
      this.acked = { segment: this.segment, offset: 0 };
      writeFileSync(join(this.dir, 'ack'), JSON.stringify(this.acked));
    }
  }

  /** Whether every appended line was delivered. */
  get drained(): boolean {
    return this.acked.segment === this.segment && this.acked.offset >= this.written;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Closes and deletes the directory (an adopted spool, delivered). */
  remove(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
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

/** Whether a process with this pid runs (one of another user counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
