// Recorder figures, side by side in one run:
//  1. per-event overhead on the hot path (record an event: build, mask, hand to the sink, and
//     with the HTTP sink append it to the disk spool);
//  2. masking throughput on one core (plain output, and output with secrets in it);
//  3. terminal recording of the same workload: no recording, `auditlane rec`, `asciinema rec`
//     (Debian package `asciinema`; skipped with a note when it is not installed): wall time and
//     CPU (user + system of the whole process tree).
//   pnpm --filter @auditlane/bench recorder [--events 200000] [--runs 5] [--mb 64] [--section 1,2,3]
//   (masking alone: --events 1 --masking-only 1)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRecorder,
  DEFAULT_DETECTORS,
  HttpSink,
  Masker,
  MemorySink,
  type Sink,
} from '@auditlane/recorder';
import { arg, median, table } from './lib';

function sections(): Set<number> {
  const i = process.argv.indexOf('--section');
  const list = i === -1 ? '1,2,3' : (process.argv[i + 1] ?? '');
  return new Set(list.split(',').map(Number));
}

const EVENTS = arg('events', 200_000);
const RUNS = arg('runs', 5);
const MB = arg('mb', 64);
// Which sections run (default all): `--section 1` or `--section 1,3`.
const SECTIONS = sections();
const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-rec-'));

const meta = {
  actor: { type: 'human' as const, id: 'bench' },
  resource: { name: 'bench', type: 'ssh' as const, environment: 'development' },
};
const LINE =
  '\u001b[32mINFO\u001b[0m 2026-11-25T06:00:00Z request handled path=/api/v1/orders status=200 duration_ms=12\r\n';

// 1. Per-event overhead: microseconds per call, median of RUNS runs of EVENTS calls.
function overhead(
  name: string,
  makeSink: () => Sink,
  record: (s: ReturnType<ReturnType<typeof createRecorder>['session']>, i: number) => void,
) {
  const perEvent: number[] = [];
  const cpuPerEvent: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const sink = makeSink();
    const recorder = createRecorder({ sink, policy: false, meta });
    const session = recorder.session();
    for (let i = 0; i < 2_000; i++) record(session, i); // warm-up
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) record(session, i);
    perEvent.push(((performance.now() - started) * 1000) / EVENTS);
    // CPU time (user + system, µs) of this process: what the recording costs the host, apart
    // from the time other processes of a busy machine take.
    const used = process.cpuUsage(cpu);
    cpuPerEvent.push((used.user + used.system) / EVENTS);
    void sink.close({ timeoutMs: 0 }).catch(() => {});
  }
  return [
    name,
    EVENTS,
    RUNS,
    median(perEvent).toFixed(2),
    Math.min(...perEvent).toFixed(2),
    Math.max(...perEvent).toFixed(2),
    median(cpuPerEvent).toFixed(2),
  ];
}

const memory = () => new MemorySink();
// A server that is never reached: the spool is the whole cost (events wait there).
const spooled = () =>
  new HttpSink({
    url: 'http://127.0.0.1:9',
    token: 'x',
    spool: join(dir, `spool-${Math.random()}`),
    onError: () => {},
  });

if (SECTIONS.has(1)) {
  const overheadRows = [
    overhead('terminal output chunk, masked by the session → memory', memory, (s, i) => {
      s.terminal('o', LINE, i);
    }),
    overhead('command with output, masked → memory', memory, (s) => {
      s.command({ text: 'kubectl get pods -n prod', output: LINE, exitCode: 0 });
    }),
    overhead('terminal output chunk, masked → HTTP sink with disk spool', spooled, (s, i) => {
      s.terminal('o', LINE, i);
    }),
    overhead('command with output, masked → HTTP sink with disk spool', spooled, (s) => {
      s.command({ text: 'kubectl get pods -n prod', output: LINE, exitCode: 0 });
    }),
  ];
  console.log(`\nPer-event overhead (µs per event; ${RUNS} runs of ${EVENTS} events)\n`);
  table(
    ['what is recorded', 'events', 'runs', 'median µs', 'min', 'max', 'CPU µs (median)'],
    overheadRows,
  );
}

// 2. Masking throughput: MB/s on one core over MB megabytes in 4 KiB chunks, with every
//    detector (the gitleaks ruleset and ours): `text` on each chunk, and the stream masker the
//    terminal recorder uses (lines held across chunk ends).
function throughput(name: string, text: string, stream = false) {
  const masker = new Masker();
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 4096) chunks.push(text.slice(i, i + 4096));
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    if (stream) {
      const s = masker.stream();
      for (const c of chunks) s.push(c);
      s.flush();
    } else for (const c of chunks) masker.text(c);
    rates.push(text.length / 1e6 / ((performance.now() - started) / 1000));
  }
  return [
    name,
    (text.length / 1e6).toFixed(0),
    median(rates).toFixed(0),
    Math.min(...rates).toFixed(0),
    Math.max(...rates).toFixed(0),
  ];
}
const plain =
  SECTIONS.has(2) || SECTIONS.has(3) ? LINE.repeat(Math.ceil((MB * 1e6) / LINE.length)) : '';
if (SECTIONS.has(2)) {
  // Secrets of several families, an assignment, a URL with a password, a header, an email.
  const secretLines = [
    'export GITHUB_TOKEN=ghp_Q1w2E3r4T5Q1w2E3r4T5Q1w2E3r4T5y6U7i8 user=ann@example.com\r\n',
    'connecting to postgres://app:Tr0ub4dor@db.internal:5432/prod as app\r\n',
    'curl -H "Authorization: Bearer dop_v1_4f2a9c1e7b4d4e8a9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a" https://api\r\n',
    '{"level":"info","msg":"sent","sendgrid":"SG.Jx7Kp2Lm9Qr4Ts1Vw6Yz3B.Nc8Dd5Fg0Hj7Kl2Mn9Pq4Rs1Tv6Wx3Yz8Ab5Cd0Ef7Gh"}\r\n',
  ];
  let mixed = '';
  for (let i = 0; mixed.length < MB * 1e6; i++)
    mixed += i % 100 === 0 ? (secretLines[(i / 100) % secretLines.length] as string) : LINE;
  console.log(
    `\nMasking throughput (MB/s, one core, 4 KiB chunks, ${RUNS} runs; ${DEFAULT_DETECTORS.length} detectors, ${DEFAULT_DETECTORS[0]?.source ?? 'own rules'})\n`,
  );
  table(
    ['text', 'MB', 'median MB/s', 'min', 'max'],
    [
      throughput('log output, no secrets', plain),
      throughput('log output, 1% of lines with secrets', mixed),
      throughput('log output, no secrets, stream masker', plain, true),
      throughput('log output, 1% with secrets, stream masker', mixed, true),
    ],
  );
}

// `--masking-only 1` (with `--events 1`): stop after the masking figures.
if (arg('masking-only', 0) === 1) {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// 3. Terminal recording of the same workload.
if (SECTIONS.has(3)) {
  const workload = join(dir, 'workload.txt');
  writeFileSync(workload, plain.slice(0, 50_000_000));
  const command = `cat ${workload}`;
  const cli = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
  const hasAsciinema =
    spawnSync('sh', ['-c', 'command -v asciinema'], { encoding: 'utf8' }).stdout.trim() !== '';

  function timed(argv: string[]): { wall: number; cpu: number } {
    // bash's `time` counts the CPU of the whole process tree.
    const script = `TIMEFORMAT='%R %U %S'; time ( ${argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} > /dev/null 2>&1 < /dev/null )`;
    const res = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    const [wall, user, sys] = res.stderr.trim().split(/\s+/).map(Number) as [
      number,
      number,
      number,
    ];
    return { wall, cpu: user + sys };
  }
  const recorders: [string, string[]][] = [
    ['no recording (script(1) PTY)', ['script', '-q', '-c', command, '/dev/null']],
    [
      'auditlane rec --file',
      [
        process.execPath,
        '--conditions=@auditlane/source',
        '--import',
        'tsx',
        cli,
        'rec',
        '--file',
        join(dir, 'a.cast'),
        '--',
        'sh',
        '-c',
        command,
      ],
    ],
  ];
  if (hasAsciinema)
    recorders.push([
      'asciinema rec (Debian)',
      ['asciinema', 'rec', '--overwrite', '-q', '-c', command, join(dir, 'b.cast')],
    ]);
  const recRows: (string | number)[][] = [];
  const results = new Map<string, { wall: number[]; cpu: number[] }>();
  for (let run = 0; run < Math.max(3, Math.min(RUNS, 5)); run++) {
    // Interleaved, so drift on a noisy machine hits every recorder alike.
    for (const [name, argv] of recorders) {
      const r = timed(argv);
      const entry = results.get(name) ?? { wall: [], cpu: [] };
      entry.wall.push(r.wall);
      entry.cpu.push(r.cpu);
      results.set(name, entry);
    }
  }
  for (const [name, r] of results) {
    recRows.push([
      name,
      (50).toFixed(0),
      median(r.wall).toFixed(2),
      (50 / median(r.wall)).toFixed(1),
      median(r.cpu).toFixed(2),
    ]);
  }
  console.log(
    `\nTerminal recording of \`cat\` of a 50 MB coloured log (medians of interleaved runs)\n`,
  );
  table(['recorder', 'MB', 'wall s', 'MB/s', 'CPU s (user+sys)'], recRows);
  if (!hasAsciinema)
    console.log('\nasciinema is not installed: apt-get install -y asciinema to compare with it.');
}
rmSync(dir, { recursive: true, force: true });
process.exit(0);
