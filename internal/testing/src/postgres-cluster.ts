// A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a temp dir, a free
// loopback port, trust auth, no fsync. Stopped and removed at the end of the run.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  url: string;
  stop(): void;
}

function findBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: run `bash scripts/ensure-system.sh` ' +
        '(apt-get install postgresql), or set AUDITLANE_TEST_POSTGRES_URL to a server the tests may use',
    );
  }
  return join(root, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `fsync: false` (the default, for tests) trades durability for speed; benchmarks keep it on.
 * `settings`: server parameters (`shared_buffers`, `max_wal_size`, ...) for large benchmarks.
 */
export async function startCluster(
  options: { fsync?: boolean; settings?: Record<string, string> } = {},
): Promise<Cluster> {
  const bin = findBin();
  const dir = mkdtempSync(join(tmpdir(), 'auditlane-pg-'));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]]
      : [join(bin, cmd), args];
    execFileSync(file, argv, { stdio: 'pipe' });
  };
  const port = await freePort();
  const data = join(dir, 'data');
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const settings = Object.entries(options.settings ?? {})
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join('');
  const flags = `-k ${dir} -h 127.0.0.1 -p ${port}${options.fsync ? '' : ' -F'}${settings}`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', flags, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
