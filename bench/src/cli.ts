// The `auditlane` command as a user runs it (the built dist/bin.js, started through its shebang),
// side by side in one run:
//  1. Claude Code hook calls: a new process per call with the event's JSON on stdin, as Claude
//     Code runs it: PreToolUse of a Bash `ls -la` (allowed) and of `psql -c "DROP TABLE x"`
//     (denied: both parsers decide), recording to a file and to a real `auditlane serve`; with
//     the resident helper (warm), without it (AUDITLANE_HOOK_HELPER=off), and Node starting
//     alone (`node -e 0`, the floor of any process per call); p50/p95 of interleaved calls.
//  2. Recorder start: `auditlane rec --file F -- true` against `asciinema rec -c true F`.
//  3. Bulk output: `cat` of a 50 MB coloured log through each recorder (and through script(1),
//     a PTY without recording): wall time, MB/s, CPU of the process tree.
//   pnpm build && pnpm --filter @auditlane/bench cli [--calls 40] [--runs 7] [--mb 50]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median, percentile, table } from './lib';

const CALLS = arg('calls', 40);
const RUNS = arg('runs', 7);
const MB = arg('mb', 50);

const BIN = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run pnpm build first (the figures are for the built command)`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'auditlane-bench-cli-'));
// Its own home: the helper's socket, the hook's state and the spool are the bench's alone.
const home = join(dir, 'home');
const baseEnv = { ...process.env, HOME: home };
const hasAsciinema =
  spawnSync('sh', ['-c', 'command -v asciinema'], { encoding: 'utf8' }).stdout.trim() !== '';

/** Runs a process to its end; resolves with the wall time in ms and its output. */
function timed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; cwd?: string } = {},
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child: ChildProcess = spawn(command, args, {
      env: options.env ?? baseEnv,
      cwd: options.cwd ?? dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
    child.stdin!.end(options.stdin ?? '');
  });
}

// 1. Hook calls.
let toolUse = 0;
const payload = (command: string) =>
  JSON.stringify({
    hook_event_name: 'PreToolUse',
    session_id: 'bench-session',
    cwd: dir,
    transcript_path: join(dir, 'transcript.jsonl'),
    tool_name: 'Bash',
    tool_input: { command, description: 'bench' },
    tool_use_id: `toolu_${++toolUse}`,
  });

async function startServer(): Promise<{ url: string; token: string; stop: () => void }> {
  const db = join(dir, 'server.db');
  const created = await timed(BIN, [
    'token',
    'create',
    '--org',
    'bench',
    '--permissions',
    'all',
    '--db',
    db,
  ]);
  if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
  const token = created.stdout.trim();
  const child = spawn(BIN, ['serve', '--db', db, '--port', '0'], {
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`auditlane serve exited: ${out}`)));
  });
  return { url, token, stop: () => child.kill('SIGTERM') };
}

const server = await startServer();
const sinks: [string, string[], NodeJS.ProcessEnv][] = [
  ['file', ['--file', join(dir, 'hook-events.ndjson')], {}],
  ['server', [], { AUDITLANE_URL: server.url, AUDITLANE_TOKEN: server.token }],
];
const payloads: [string, string, string][] = [
  ['Bash ls -la', 'ls -la', ''],
  ['Bash psql -c "DROP TABLE x"', 'psql -c "DROP TABLE x"', 'deny'],
];
const modes: [string, NodeJS.ProcessEnv][] = [
  ['resident helper', {}],
  ['in process (AUDITLANE_HOOK_HELPER=off)', { AUDITLANE_HOOK_HELPER: 'off' }],
];
type Case = { name: string; run: () => Promise<number> };
const cases: Case[] = [
  {
    name: 'node -e 0 (Node starting alone)',
    run: async () => (await timed(process.execPath, ['-e', '0'])).ms,
  },
];
for (const [sinkName, sinkArgs, sinkEnv] of sinks)
  for (const [payloadName, command, expected] of payloads)
    for (const [modeName, modeEnv] of modes)
      cases.push({
        name: `${payloadName} → ${sinkName}, ${modeName}`,
        run: async () => {
          const r = await timed(BIN, ['hook', '--environment', 'production', ...sinkArgs], {
            env: { ...baseEnv, ...sinkEnv, ...modeEnv },
            stdin: payload(command),
          });
          const denied = r.stdout.includes('"permissionDecision":"deny"');
          if (r.code !== 0 || denied !== (expected === 'deny'))
            throw new Error(`unexpected hook answer (${r.code}): ${r.stdout} ${r.stderr}`);
          return r.ms;
        },
      });
// Warm-up: the first call starts the helper; wait until it answers.
for (const c of cases) await c.run();
await new Promise((r) => setTimeout(r, 1500));
for (const c of cases) await c.run();
const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let i = 0; i < CALLS; i++) for (const c of cases) times.get(c.name)!.push(await c.run()); // interleaved
server.stop();
const floor = median(times.get(cases[0]!.name)!);
console.log(
  `\nClaude Code hook calls, PreToolUse in production (ms of wall time per spawned call; ${CALLS} interleaved calls each)\n`,
);
table(
  ['call', 'p50 ms', 'p95 ms', 'min', 'p50 − Node alone'],
  cases.map((c) => {
    const t = times.get(c.name)!;
    return [
      c.name,
      median(t).toFixed(0),
      percentile(t, 95).toFixed(0),
      Math.min(...t).toFixed(0),
      c === cases[0] ? '' : (median(t) - floor).toFixed(0),
    ];
  }),
);

// 2. Recorder start, and 3. bulk output.
function tree(argv: string[]): { wall: number; cpu: number } {
  // bash's `time` counts the CPU of the whole process tree.
  const script = `TIMEFORMAT='%R %U %S'; time ( ${argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')} > /dev/null 2>&1 < /dev/null )`;
  const res = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: baseEnv, cwd: dir });
  const [wall, user, sys] = res.stderr.trim().split(/\s+/).map(Number) as [number, number, number];
  return { wall, cpu: user + sys };
}

function compare(recorders: [string, string[]][], runs: number) {
  const results = new Map(
    recorders.map(([name]) => [name, { wall: [] as number[], cpu: [] as number[] }]),
  );
  for (let run = 0; run < runs; run++)
    for (const [name, argv] of recorders) {
      const r = tree(argv); // interleaved
      results.get(name)!.wall.push(r.wall);
      results.get(name)!.cpu.push(r.cpu);
    }
  return results;
}

const startRecorders: [string, string[]][] = [
  ['auditlane rec --file F -- true', [BIN, 'rec', '--file', join(dir, 'a.cast'), '--', 'true']],
];
if (hasAsciinema)
  startRecorders.push([
    'asciinema rec -c true F',
    ['asciinema', 'rec', '--overwrite', '-q', '-c', 'true', join(dir, 'b.cast')],
  ]);
const starts = compare(startRecorders, RUNS * 2);
const asciinemaStart = hasAsciinema ? median(starts.get('asciinema rec -c true F')!.wall) : NaN;
console.log(`\nRecorder start and exit of \`true\` (s; medians of ${RUNS * 2} interleaved runs)\n`);
table(
  ['recorder', 'wall s', 'CPU s', '× asciinema'],
  [...starts].map(([name, r]) => [
    name,
    median(r.wall).toFixed(3),
    median(r.cpu).toFixed(3),
    (median(r.wall) / asciinemaStart).toFixed(2),
  ]),
);

const line =
  '\u001b[32mINFO\u001b[0m 2026-11-25T06:00:00Z request handled path=/api/v1/orders status=200 duration_ms=12\r\n';
const workload = join(dir, 'workload.txt');
writeFileSync(workload, line.repeat(Math.ceil((MB * 1e6) / line.length)).slice(0, MB * 1e6));
const cat = `cat ${workload}`;
const bulkRecorders: [string, string[]][] = [
  ['no recording (script(1) PTY)', ['script', '-q', '-c', cat, '/dev/null']],
  ['auditlane rec --file F', [BIN, 'rec', '--file', join(dir, 'a.cast'), '--', 'sh', '-c', cat]],
];
if (hasAsciinema)
  bulkRecorders.push([
    'asciinema rec F',
    ['asciinema', 'rec', '--overwrite', '-q', '-c', cat, join(dir, 'b.cast')],
  ]);
const bulk = compare(bulkRecorders, RUNS);
const asciinemaBulk = hasAsciinema ? median(bulk.get('asciinema rec F')!.wall) : NaN;
console.log(
  `\n\`cat\` of a ${MB} MB coloured log through each recorder (medians of ${RUNS} interleaved runs)\n`,
);
table(
  ['recorder', 'wall s', 'MB/s', 'CPU s (user+sys)', '× asciinema wall'],
  [...bulk].map(([name, r]) => [
    name,
    median(r.wall).toFixed(2),
    (MB / median(r.wall)).toFixed(0),
    median(r.cpu).toFixed(2),
    (median(r.wall) / asciinemaBulk).toFixed(2),
  ]),
);
if (!hasAsciinema)
  console.log('\nasciinema is not installed: apt-get install -y asciinema to compare with it.');

rmSync(dir, { recursive: true, force: true });
process.exit(0);
