// `auditlane serve` in its own process, as deployed, for the benchmarks that talk HTTP to it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
const node = [process.execPath, '--conditions=@auditlane/source', '--import', 'tsx', cli];

/** Runs an `auditlane` command to its end; its standard output, trimmed. */
export function auditlane(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(node[0]!, [...node.slice(1), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  }).trim();
}

export interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `auditlane serve` on a free port with these store flags (and environment) and waits
 * until it serves. `BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` profiles it.
 */
export async function serve(
  storeArgs: string[],
  env: Record<string, string> = {},
): Promise<Served> {
  const flags = process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    node[0]!,
    [...flags, ...node.slice(1), 'serve', ...storeArgs, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    },
  );
  // A benchmark that fails leaves no server behind.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving (http:\/\/\S+)\/v1/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      process.off('exit', orphan);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * fetch, sent again when the connection was reset before an answer came: a kept-alive connection
 * the server closed (after 5 s idle) as the request went out. Ingest is idempotent by event id,
 * so a batch sent twice is stored once; a recorder retries the same way.
 */
export async function fetchAgain(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (attempt >= 3 || !['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code ?? ''))
        throw error;
    }
  }
}

/** Posts one batch of events (a JSON body); throws unless every event was accepted. */
export async function post(url: string, token: string, body: string): Promise<number> {
  const res = await fetchAgain(`${url}/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const result = (await res.json()) as {
    accepted: number;
    duplicates: number;
    rejected: unknown[];
  };
  if (!res.ok || result.rejected.length > 0)
    throw new Error(`ingest failed: ${res.status} ${JSON.stringify(result).slice(0, 300)}`);
  // A batch sent again after a reset may have been stored the first time.
  return result.accepted + result.duplicates;
}
