import { setFlagsFromString } from 'node:v8';
import { run } from './cli';

// The policy's parsers are WebAssembly. In a short-lived command, V8's optimising compile of them
// on background threads only competes with the work (on two cores it held back node-pty's exit
// notice by ~0.7 s); the baseline compiler alone is fast enough for a few parses.
setFlagsFromString('--liftoff-only');

const stopped = new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
  process.once('SIGHUP', resolve);
});

run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stopped,
  stdin: async () => {
    if (process.stdin.isTTY) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  write: (text, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`auditlane: ${String(error)}\n`);
    process.exit(1);
  },
);
