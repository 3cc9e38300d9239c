/**
 * Generated asciicast v3 recordings for the replay benchmark: about an hour of a busy session —
 * prompts, directory listings, colour logs, full-screen redraws (a top-like screen in the
 * alternate buffer), SQL result tables — at a given size. Deterministic.
 */
import { createWriteStream } from 'node:fs';
import { createAsciicastWriter } from '@auditlane/client/asciicast';
import { rng } from './lib';

const ESC = '\u001b';

export async function writeCast(
  file: string,
  targetBytes: number,
  seconds = 3600,
): Promise<{ events: number; bytes: number }> {
  const out = createWriteStream(file);
  const random = rng(42);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  const writer = createAsciicastWriter({
    version: 3,
    term: { cols: 120, rows: 40, type: 'xterm-256color' },
    idle_time_limit: 5,
  });
  await write(writer.header());
  // Aim for ~1M events at 120 MB: ~120 bytes an event.
  const eventCount = Math.max(2000, Math.round(targetBytes / 120));
  const dt = seconds / eventCount;
  let bytes = 0;
  let events = 0;
  let time = 0;
  const emit = async (data: string) => {
    time += dt * (0.5 + random());
    const line = writer.event({ time, code: 'o', data });
    bytes += line.length;
    events++;
    await write(line);
  };
  let n = 0;
  while (bytes < targetBytes) {
    n++;
    const kind = n % 20;
    if (kind === 0) {
      // full-screen redraw
      await emit(`${ESC}[?1049h${ESC}[H${ESC}[2J`);
      for (let i = 0; i < 39; i++) {
        await emit(
          `${ESC}[${i + 1};1H${ESC}[${i % 2 ? 7 : 0}m ${String(1000 + i).padStart(6)} app  ${(random() * 100).toFixed(1)}% cpu  ${(random() * 900).toFixed(0)} MB ${ESC}[0m`,
        );
      }
      await emit(`${ESC}[?1049l`);
    } else if (kind === 5) {
      await emit(
        `${ESC}[1;32mdba@db${ESC}[0m$ psql -c 'select id, email, plan from customers limit 20'\r\n`,
      );
      await emit(' id |        email        | plan\r\n----+---------------------+------\r\n');
      for (let i = 0; i < 20; i++)
        await emit(` ${String(i).padStart(2)} | user${i}@example.test${' '.repeat(3)} | pro\r\n`);
    } else if (kind === 10) {
      await emit(`${ESC}[1;32muser@host${ESC}[0m:${ESC}[1;34m~/src${ESC}[0m$ ls -la\r\n`);
      for (let i = 0; i < 12; i++)
        await emit(
          `-rw-r--r--  1 user user ${String(1000 + i * 37).padStart(6)} Nov 29 12:${String(i).padStart(2, '0')} file-${n}-${i}.ts\r\n`,
        );
    } else {
      const level = random() < 0.1 ? `${ESC}[31mERROR${ESC}[0m` : `${ESC}[36mINFO ${ESC}[0m`;
      await emit(
        `${level} ${new Date(1764417600000 + n * 1000).toISOString()} req=${n} path=/api/v1/orders status=200 ${ESC}[2m${(random() * 50).toFixed(1)}ms${ESC}[22m\r\n`,
      );
    }
  }
  await new Promise<void>((r) => out.end(() => r()));
  return { events, bytes };
}
