import { posix } from 'node:path';
import { basename, type EmbeddedSql, expandCommandLine } from '../policy/commands';
import type { ShellAnalyzer, SimpleCommand } from '../policy/shell';
import { type OutboundFact, outboundOfUrl, plainHost } from './url';

export type FileOperation = 'read' | 'write' | 'create' | 'delete' | 'rename' | 'chmod';

/** A file a command names, as its `file` event records it (an absolute path). */
export interface FileFact {
  path: string;
  operation: FileOperation;
}

/** What a command line is seen to touch. */
export interface CommandFacts {
  files: FileFact[];
  outbound: OutboundFact[];
  /** SQL the line gives a database client (`psql -c`, a here-document, `echo … | mysql`). */
  sql: EmbeddedSql[];
}

export interface CommandFactOptions {
  /** Where the line runs (absolute): relative paths are resolved against it, or skipped without it. */
  cwd?: string;
  /** The home directory `~` stands for (skipped without it). */
  home?: string;
  /** Query parameter names whose values are removed from URLs (the masker's sensitive names). */
  sensitive?: (name: string) => boolean;
  /**
   * The URL of a git remote named in a line (`git push origin main`) in the repository of a
   * directory, from its configuration; without it, a remote's name names no host.
   */
  remoteUrl?: (cwd: string, name: string) => string | undefined;
}

/** At most this many facts of one command line are recorded (`rm` of ten thousand files). */
export const MAX_FACTS_PER_COMMAND = 200;

/** Files that are never a fact: the terminal, the null device, a process's own descriptors. */
const NOISE =
  /^\/dev\/(null|zero|stdin|stdout|stderr|tty|fd\/\d+|urandom|random)$|^\/proc\/self\/fd\//;

/**
 * The files and hosts a command line names, from bash's grammar (the policy's parser): file
 * arguments and redirections of the usual file commands, hosts of network clients and URLs.
 * Wrappers (`sudo`, `env`, `timeout`) and `sh -c '…'` are followed like the policy follows
 * them. A word known only at run time (`$X`, `$(…)`), a glob, a relative path without a known
 * working directory: skipped, never guessed. A `cd` with a known target moves the directory
 * for what follows it; one in a subshell (or with a target known only at run time) leaves the
 * directory unknown.
 */
export function commandFacts(
  shell: ShellAnalyzer,
  line: string,
  options: CommandFactOptions = {},
): CommandFacts {
  const facts = new Facts(options.sensitive, options.remoteUrl);
  let cwd = options.cwd?.startsWith('/') ? posix.normalize(options.cwd) : undefined;
  const expanded = expandCommandLine(shell, line);
  for (const command of expanded.simple) {
    if (facts.full) break;
    const ctx = bind({ cwd, home: options.home, command, facts });
    for (const w of command.writes ?? []) ctx.file(w, 'write');
    if (command.stdinFile !== undefined) ctx.file(command.stdinFile, 'read');
    const program = command.argv[0] ? basename(command.argv[0]) : undefined;
    if (!program) continue;
    const handler = Object.hasOwn(PROGRAMS, program) ? PROGRAMS[program] : undefined;
    handler?.(command.argv, ctx, program);
    // URLs in any argument (`pip install https://…`, `--registry=https://…`).
    for (const a of command.argv.slice(1)) {
      if (a === null) continue;
      const value = /^--?[\w-]+=/.test(a) ? a.slice(a.indexOf('=') + 1) : a;
      if (/^(https?|wss?|ftps?):\/\//i.test(value)) ctx.url(value);
    }
    if (program === 'cd' || program === 'pushd' || program === 'popd') {
      const target = program === 'popd' ? null : command.argv[1];
      cwd =
        command.subshell || target === null
          ? undefined
          : target === undefined
            ? options.home
            : target === '-'
              ? undefined
              : ctx.resolve(target);
    }
  }
  return { ...facts.result(), sql: expanded.sql.slice(0, MAX_FACTS_PER_COMMAND) };
}

class Facts {
  private readonly files = new Map<string, FileFact>();
  private readonly hosts = new Map<string, OutboundFact>();
  constructor(
    readonly sensitive?: (name: string) => boolean,
    readonly remoteUrl?: (cwd: string, name: string) => string | undefined,
  ) {}
  get full(): boolean {
    return this.files.size + this.hosts.size >= MAX_FACTS_PER_COMMAND;
  }
  file(path: string, operation: FileOperation): void {
    if (this.full || NOISE.test(path)) return;
    const key = `${operation}\0${path}`;
    if (!this.files.has(key)) this.files.set(key, { path, operation });
  }
  outbound(fact: OutboundFact): void {
    if (this.full) return;
    const key = [fact.protocol, fact.host, fact.port, fact.url ?? ''].join('\0');
    const known = this.hosts.get(key);
    if (!known) this.hosts.set(key, fact);
    else if (fact.method && !known.method) known.method = fact.method;
  }
  result(): Omit<CommandFacts, 'sql'> {
    return { files: [...this.files.values()], outbound: [...this.hosts.values()] };
  }
}

/** Where a command runs and what it adds to. */
interface Context {
  cwd: string | undefined;
  home: string | undefined;
  command: SimpleCommand;
  facts: Facts;
}

/** The methods every handler uses, bound to the command's directory. */
interface Ctx extends Context {
  resolve(path: string | null | undefined): string | undefined;
  file(path: string | null | undefined, operation: FileOperation): void;
  url(text: string | null | undefined, fallback?: string, method?: string): void;
  host(
    protocol: string,
    host: string | null | undefined,
    port?: string | number | null,
    method?: string,
  ): void;
}

function bind(ctx: Context): Ctx {
  const self = ctx as Ctx;
  self.resolve = (path) => resolvePath(path, ctx.cwd, ctx.home);
  self.file = (path, operation) => {
    const full = self.resolve(path);
    if (full) ctx.facts.file(full, operation);
  };
  self.url = (text, fallback, method) => {
    if (!text) return;
    const fact = outboundOfUrl(text, { sensitive: ctx.facts.sensitive, fallback });
    if (fact) ctx.facts.outbound(method ? { ...fact, method } : fact);
  };
  self.host = (protocol, host, port, method) => {
    const name = host ? plainHost(host) : undefined;
    if (!name) return;
    const fact: OutboundFact = { protocol, host: name };
    if (port === undefined) {
      // No port named: the client's default.
      if (DEFAULT_PORTS[protocol] !== undefined) fact.port = DEFAULT_PORTS[protocol];
    } else if (port !== null && /^\d{1,5}$/.test(String(port)) && Number(port) <= 65535)
      fact.port = Number(port);
    // A port known only at run time (`-p $PORT`, a placeholder): left out.
    if (method) fact.method = method;
    ctx.facts.outbound(fact);
  };
  return self;
}

const DEFAULT_PORTS: Record<string, number> = {
  ssh: 22,
  postgres: 5432,
  mysql: 3306,
  mongodb: 27017,
  redis: 6379,
  telnet: 23,
  rsync: 873,
};

/** An absolute path for a word, or undefined when it is not known (expansion, glob, no cwd). */
export function resolvePath(
  path: string | null | undefined,
  cwd: string | undefined,
  home: string | undefined,
): string | undefined {
  if (path === null || path === undefined || path === '' || path === '-') return undefined;
  // Globs and brace expansions: the shell decides what they name.
  if (/[*?[]/.test(path) || /\{[^}]*(,|\.\.)[^}]*\}/.test(path)) return undefined;
  let p = path;
  if (p.startsWith('~')) {
    if (!home || !(p === '~' || p.startsWith('~/'))) return undefined;
    p = home + p.slice(1);
  }
  if (p.includes('\0')) return undefined;
  if (p.startsWith('/')) return posix.normalize(p);
  return cwd ? posix.resolve(cwd, p) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Options

interface Parsed {
  /** Arguments that are not options or their values (`null`: known only at run time). */
  operands: (string | null)[];
  /** Option values by every spelling given (`-o`, `--output`). */
  values: Map<string, (string | null)[]>;
  /** Options given without a value. */
  flags: Set<string>;
}

interface OptionSpec {
  /** Options that take a value (the next word, or attached: `-ofile`, `--out=file`). */
  value?: readonly string[];
  /** Short options whose value is only ever attached (`mysql -pSECRET`). */
  attached?: readonly string[];
  /**
   * Options end before this many operands: 1 stops at the first (`git`'s subcommand), 2 after
   * it (`ssh host -p 22 ls -la`: options may follow the host, the command's do not).
   */
  stopAtOperand?: number;
}

function parseOptions(args: readonly (string | null)[], spec: OptionSpec, from = 1): Parsed {
  const value = new Set(spec.value ?? []);
  const attached = new Set(spec.attached ?? []);
  const out: Parsed = { operands: [], values: new Map(), flags: new Set() };
  const put = (name: string, v: string | null) => {
    const list = out.values.get(name) ?? [];
    list.push(v);
    out.values.set(name, list);
  };
  let rest = false;
  for (let i = from; i < args.length; i++) {
    const a = args[i] as string | null;
    if (rest || a === null || a === '-' || !a.startsWith('-') || a.length < 2) {
      out.operands.push(a);
      if (spec.stopAtOperand !== undefined && out.operands.length >= spec.stopAtOperand)
        rest = true;
      continue;
    }
    if (a === '--') {
      rest = true;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) put(a.slice(0, eq), a.slice(eq + 1));
      else if (value.has(a)) put(a, args[++i] ?? null);
      else out.flags.add(a);
      continue;
    }
    // A cluster of short options: `-xvf file`, `-ofile`, `-p5432`.
    for (let j = 1; j < a.length; j++) {
      const name = `-${a[j]}`;
      if (attached.has(name)) {
        put(name, a.slice(j + 1));
        break;
      }
      if (value.has(name)) {
        put(name, j + 1 < a.length ? a.slice(j + 1) : (args[++i] ?? null));
        break;
      }
      out.flags.add(name);
    }
  }
  return out;
}

function values(p: Parsed, ...names: string[]): (string | null)[] {
  return names.flatMap((n) => p.values.get(n) ?? []);
}

function has(p: Parsed, ...names: string[]): boolean {
  return names.some((n) => p.flags.has(n) || p.values.has(n));
}

// ---------------------------------------------------------------------------------------------
// Programs

type Handler = (argv: (string | null)[], context: Context, program: string) => void;

const readAll =
  (spec: OptionSpec, operation: FileOperation = 'read'): Handler =>
  (argv, c) => {
    const ctx = bind(c);
    for (const f of parseOptions(argv, spec).operands) ctx.file(f, operation);
  };

/** `cp a b dir/`, `cp -t dir a b`: sources, then the target. */
const copyLike =
  (source: FileOperation, target: FileOperation): Handler =>
  (argv, c) => {
    const ctx = bind(c);
    const p = parseOptions(argv, { value: ['-t', '--target-directory', '-S', '--suffix'] });
    const dir = values(p, '-t', '--target-directory');
    if (dir.length) {
      for (const d of dir) ctx.file(d, target);
      for (const f of p.operands) ctx.file(f, source);
      return;
    }
    if (p.operands.length < 2) return;
    for (const f of p.operands.slice(0, -1)) ctx.file(f, source);
    ctx.file(p.operands.at(-1), target);
  };

/** `chmod 644 f`, `chown user:group f`: the first operand is the mode or owner. */
const permission: Handler = (argv, c, program) => {
  const ctx = bind(c);
  // `chmod -x file`: a mode that looks like an option.
  const args =
    program === 'chmod'
      ? argv.map((a, i) => (i > 0 && a && /^-[rwxXst]+$/.test(a) ? `=${a}` : a))
      : argv;
  const p = parseOptions(args, { value: ['--from', '--reference'] });
  const reference = values(p, '--reference');
  for (const r of reference) ctx.file(r, 'read');
  const files = reference.length ? p.operands : p.operands.slice(1);
  for (const f of files) ctx.file(f, 'chmod');
};

const sed: Handler = (argv, c) => {
  const ctx = bind(c);
  // `-i[SUFFIX]` takes only an attached suffix: `-i.bak`, `-Ei`; `--in-place[=SUFFIX]`.
  let inPlace = false;
  const args = argv.map((a, i) => {
    if (i === 0 || a === null || a.startsWith('--') || !a.startsWith('-')) {
      if (a === '--in-place' || a?.startsWith('--in-place=')) inPlace = true;
      return a;
    }
    const at = a.indexOf('i');
    if (at < 0) return a;
    inPlace = true;
    return at === 1 ? '-s' : a.slice(0, at);
  });
  const p = parseOptions(args, {
    value: ['-e', '--expression', '-f', '--file', '-l', '--line-length'],
  });
  for (const f of values(p, '-f', '--file')) ctx.file(f, 'read');
  const scripts = values(p, '-e', '--expression', '-f', '--file');
  const files = scripts.length ? p.operands : p.operands.slice(1);
  for (const f of files) ctx.file(f, inPlace ? 'write' : 'read');
};

const ln: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: ['-t', '--target-directory', '-S', '--suffix'] });
  const dir = values(p, '-t', '--target-directory');
  if (dir.length) {
    for (const f of p.operands) ctx.file(f, 'read');
    return;
  }
  const [target, link] = p.operands;
  ctx.file(target, 'read');
  if (p.operands.length >= 2) {
    for (const f of p.operands.slice(0, -1)) ctx.file(f, 'read');
    ctx.file(p.operands.at(-1), 'create');
  } else if (typeof target === 'string' && link === undefined) {
    // `ln -s /opt/x`: a link of the target's name, here.
    ctx.file(posix.basename(target), 'create');
  }
};

const editor =
  (spec: OptionSpec, operation: FileOperation): Handler =>
  (argv, c) => {
    const ctx = bind(c);
    for (const f of parseOptions(argv, spec).operands)
      if (!f?.startsWith('+')) ctx.file(f, operation);
  };

const dd: Handler = (argv, c) => {
  const ctx = bind(c);
  for (const a of argv.slice(1)) {
    if (a?.startsWith('if=')) ctx.file(a.slice(3), 'read');
    else if (a?.startsWith('of=')) ctx.file(a.slice(3), 'write');
  }
};

const CURL_VALUE = [
  ...'-A -b -c -C -d -D -e -E -F -H -K -m -o -P -Q -r -T -t -u -U -w -x -X -Y -y -z'.split(' '),
  ...[
    '--url',
    '--data',
    '--data-raw',
    '--data-binary',
    '--data-ascii',
    '--data-urlencode',
    '--json',
    '--form',
    '--form-string',
    '--header',
    '--user',
    '--user-agent',
    '--referer',
    '--cookie',
    '--cookie-jar',
    '--output',
    '--upload-file',
    '--request',
    '--proxy',
    '--proxy-user',
    '--preproxy',
    '--max-time',
    '--connect-timeout',
    '--cacert',
    '--capath',
    '--cert',
    '--key',
    '--config',
    '--resolve',
    '--connect-to',
    '--retry',
    '--retry-delay',
    '--retry-max-time',
    '--write-out',
    '--range',
    '--oauth2-bearer',
    '--aws-sigv4',
    '--dump-header',
    '--limit-rate',
    '--interface',
    '--max-filesize',
    '--output-dir',
    '--trace',
    '--trace-ascii',
    '--stderr',
    '--unix-socket',
    '--abstract-unix-socket',
    '--variable',
    '--expand-url',
  ],
];

const curl: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: CURL_VALUE });
  for (const f of values(p, '-o', '--output', '-D', '--dump-header', '-c', '--cookie-jar'))
    ctx.file(f, 'write');
  for (const f of values(
    p,
    '-T',
    '--upload-file',
    '-K',
    '--config',
    '--cacert',
    '--cert',
    '-E',
    '--key',
  ))
    ctx.file(f?.split(':')[0], 'read');
  for (const d of values(
    p,
    '-d',
    '--data',
    '--data-binary',
    '--data-ascii',
    '--json',
    '--data-urlencode',
  ))
    if (d?.startsWith('@')) ctx.file(d.slice(1), 'read');
  for (const f of values(p, '-F', '--form')) {
    const at = f ? /=[@<]([^;]+)/.exec(f) : null;
    if (at) ctx.file(at[1], 'read');
  }
  for (const b of values(p, '-b', '--cookie')) if (b && !b.includes('=')) ctx.file(b, 'read');
  const request = values(p, '-X', '--request').at(-1);
  const method = request
    ? request.toUpperCase().slice(0, 16)
    : has(p, '-I', '--head')
      ? 'HEAD'
      : has(p, '-G', '--get')
        ? 'GET'
        : has(p, '-T', '--upload-file')
          ? 'PUT'
          : has(
                p,
                '-d',
                '--data',
                '--data-raw',
                '--data-binary',
                '--data-ascii',
                '--data-urlencode',
                '--json',
                '-F',
                '--form',
                '--form-string',
              )
            ? 'POST'
            : 'GET';
  // A unix socket is not a host; without one, the URL names where it goes.
  if (has(p, '--unix-socket', '--abstract-unix-socket')) return;
  for (const u of [...values(p, '--url'), ...p.operands]) ctx.url(u, 'http', method);
  for (const proxy of values(p, '-x', '--proxy', '--preproxy')) ctx.url(proxy, 'http');
};

const WGET_VALUE = [
  ...'-O -o -a -P -U -e -t -T -w -i -Q -l -D -A -R -B'.split(' '),
  '--output-document',
  '--output-file',
  '--append-output',
  '--directory-prefix',
  '--user-agent',
  '--execute',
  '--tries',
  '--timeout',
  '--wait',
  '--input-file',
  '--quota',
  '--level',
  '--domains',
  '--accept',
  '--reject',
  '--base',
  '--header',
  '--user',
  '--password',
  '--http-user',
  '--http-password',
  '--post-data',
  '--post-file',
  '--body-data',
  '--body-file',
  '--method',
  '--referer',
  '--load-cookies',
  '--save-cookies',
  '--ca-certificate',
  '--certificate',
  '--private-key',
];

const wget: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: WGET_VALUE });
  for (const f of values(
    p,
    '-O',
    '--output-document',
    '-o',
    '--output-file',
    '-a',
    '--append-output',
    '--save-cookies',
  ))
    ctx.file(f, 'write');
  for (const f of values(
    p,
    '-i',
    '--input-file',
    '--post-file',
    '--body-file',
    '--load-cookies',
    '--certificate',
    '--private-key',
    '--ca-certificate',
  ))
    ctx.file(f, 'read');
  const method =
    values(p, '--method').at(-1)?.toUpperCase().slice(0, 16) ??
    (has(p, '--post-data', '--post-file') ? 'POST' : 'GET');
  for (const u of p.operands) ctx.url(u, 'http', method);
};

const SSH_VALUE = '-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w'.split(' ');

/** `-o Port=2222`, `-oPort=2222`: ssh's own options. */
function sshOption(p: Parsed, name: string): string | undefined {
  for (const o of values(p, '-o')) {
    const m = o ? new RegExp(`^${name}\\s*[= ]\\s*(\\S+)$`, 'i').exec(o) : null;
    if (m) return m[1];
  }
  return undefined;
}

function jumps(ctx: Ctx, p: Parsed): void {
  for (const j of [...values(p, '-J'), sshOption(p, 'ProxyJump') ?? null])
    for (const hop of j?.split(',') ?? []) {
      const m = /^(?:ssh:\/\/)?([^@/]+@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(hop);
      if (m) ctx.host('ssh', m[2], m[3]);
    }
}

const ssh: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: SSH_VALUE, stopAtOperand: 1 });
  // Options may follow the destination (`ssh host -p 2222`), up to the remote command.
  const at = argv.indexOf(p.operands[0] ?? null);
  if (at > 0) {
    const after = parseOptions(argv, { value: SSH_VALUE, stopAtOperand: 1 }, at + 1);
    for (const [k, v] of after.values) p.values.set(k, [...(p.values.get(k) ?? []), ...v]);
    for (const f of after.flags) p.flags.add(f);
  }
  for (const f of values(p, '-i', '-F')) ctx.file(f, 'read');
  for (const f of values(p, '-E')) ctx.file(f, 'write');
  jumps(ctx, p);
  const destination = p.operands[0];
  if (!destination) return;
  const port = values(p, '-p').at(-1) ?? sshOption(p, 'Port');
  if (destination.startsWith('ssh://')) {
    const fact = outboundOfUrl(destination);
    if (fact) ctx.host('ssh', fact.host, port ?? fact.port);
    return;
  }
  ctx.host('ssh', destination, port);
};

/** `[user@]host:path` (scp, rsync, git): the host, or undefined for a local path. */
function remoteOf(operand: string): { host: string; path: string } | undefined {
  const m = /^(?:[^@/:]+@)?(\[[^\]]+\]|[^:/[\]]+):(.*)$/s.exec(operand);
  if (!m?.[1]) return undefined;
  // `C:\…` and `./a:b` are local; a host needs more than one letter.
  if (m[1].length < 2) return undefined;
  return { host: m[1], path: m[2] ?? '' };
}

/** scp and rsync: remote operands name hosts, local ones files (sources read, the last written). */
const copyRemote =
  (spec: OptionSpec, portOption: string): Handler =>
  (argv, c, program) => {
    const ctx = bind(c);
    const p = parseOptions(argv, spec);
    for (const f of values(
      p,
      '-i',
      '-F',
      '--password-file',
      '--exclude-from',
      '--include-from',
      '--files-from',
    ))
      ctx.file(f, 'read');
    jumps(ctx, p);
    const port = values(p, portOption).at(-1) ?? sshOption(p, 'Port');
    const operands = p.operands;
    operands.forEach((o, i) => {
      if (o === null) return;
      const last = i === operands.length - 1 && operands.length > 1;
      if (/^(scp|sftp|rsync|ssh):\/\//.test(o)) {
        const fact = outboundOfUrl(o);
        if (fact)
          ctx.host(fact.protocol === 'rsync' ? 'rsync' : 'ssh', fact.host, port ?? fact.port);
        return;
      }
      if (program === 'rsync') {
        const daemon = /^(?:[^@/:]+@)?([^:/]+)::/.exec(o);
        if (daemon) {
          ctx.host('rsync', daemon[1], values(p, '--port').at(-1));
          return;
        }
      }
      const remote = remoteOf(o);
      if (remote) ctx.host('ssh', remote.host, port);
      else ctx.file(o, last ? 'write' : 'read');
    });
  };

const sftp: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: '-B -b -c -D -F -i -J -l -o -P -R -S -s -X'.split(' ') });
  for (const f of values(p, '-i', '-F', '-b')) ctx.file(f, 'read');
  jumps(ctx, p);
  const destination = p.operands[0];
  if (!destination) return;
  const port = values(p, '-P').at(-1) ?? sshOption(p, 'Port');
  if (destination.startsWith('sftp://')) {
    const fact = outboundOfUrl(destination);
    if (fact) ctx.host('ssh', fact.host, port ?? fact.port);
    return;
  }
  ctx.host('ssh', remoteOf(destination)?.host ?? destination, port);
};

const netcat: Handler = (argv, c, program) => {
  const ctx = bind(c);
  const p = parseOptions(argv, {
    value: '-e -c -g -G -i -I -O -p -q -s -T -V -w -x -X -P -m'.split(' '),
  });
  // Listening, not connecting out.
  if (has(p, '-l', '--listen')) return;
  const [host, port] = p.operands;
  // `nc -z host 20-30`: a range is no one port.
  ctx.host(program === 'telnet' ? 'telnet' : has(p, '-u', '--udp') ? 'udp' : 'tcp', host, port);
};

const telnet: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: '-b -e -l -n -k -X'.split(' ') });
  const [host, port] = p.operands;
  ctx.host('telnet', host, port);
};

/** A git remote: a URL, or scp-like `git@host:path`; local paths and remote names are not hosts. */
function gitRemote(ctx: Ctx, remote: string | null | undefined): void {
  if (!remote) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    const fact = outboundOfUrl(remote, { sensitive: ctx.facts.sensitive });
    if (!fact) return;
    const protocol = /ssh/.test(fact.protocol) ? 'ssh' : fact.protocol;
    ctx.facts.outbound({ ...fact, protocol });
    return;
  }
  const scp = remoteOf(remote);
  if (scp && !remote.startsWith('/') && !remote.startsWith('.')) ctx.host('ssh', scp.host);
}

const GIT_GLOBAL = [
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--exec-path',
  '--config-env',
];
/** Long options of git's remote commands that take a value. */
const GIT_REMOTE_VALUE = [
  '--origin',
  '--branch',
  '--upload-pack',
  '--receive-pack',
  '--exec',
  '--reference',
  '--reference-if-able',
  '--separate-git-dir',
  '--depth',
  '--deepen',
  '--shallow-since',
  '--shallow-exclude',
  '--jobs',
  '--filter',
  '--template',
  '--config',
  '--bundle-uri',
  '--server-option',
  '--push-option',
  '--refmap',
  '--negotiation-tip',
  '--recurse-submodules',
  '--repo',
  '--remote',
  '--name',
];
/** Their short ones, per command (`-u` is a value of clone's, a flag of push's). */
const GIT_SHORT_VALUE: Record<string, string[]> = {
  clone: ['-o', '-b', '-u', '-j', '-c'],
  fetch: ['-j', '-o'],
  pull: ['-j', '-o'],
  push: ['-o'],
  'ls-remote': [],
  archive: ['-o'],
  remote: ['-t', '-m'],
  submodule: ['-b'],
};

const git: Handler = (argv, c) => {
  const ctx = bind(c);
  const global = parseOptions(argv, { value: GIT_GLOBAL, stopAtOperand: 1 });
  const [sub, ...rest] = global.operands;
  if (!sub) return;
  const p = parseOptions([sub, ...rest], {
    value: [...GIT_REMOTE_VALUE, ...(GIT_SHORT_VALUE[sub] ?? [])],
  });
  const ops = p.operands;
  // A remote's name: its URL in the repository's configuration, when it can be read.
  const remote = (name: string | null | undefined) => {
    if (!name || /[:/\\]/.test(name) || name.startsWith('.')) return gitRemote(ctx, name);
    const dir = values(global, '-C').at(-1);
    const where = dir === undefined ? ctx.cwd : ctx.resolve(dir);
    if (where) gitRemote(ctx, ctx.facts.remoteUrl?.(where, name));
  };
  switch (sub) {
    case 'clone':
      gitRemote(ctx, ops[0]);
      ctx.file(ops[1], 'create');
      break;
    case 'fetch':
    case 'pull':
    case 'push':
    case 'ls-remote':
      for (const r of values(p, '--repo')) remote(r);
      remote(ops[0]);
      break;
    case 'archive':
      remote(values(p, '--remote').at(-1));
      break;
    case 'remote':
      // remote add NAME URL, remote set-url [--push|--add] NAME URL [OLD]
      if (ops[0] === 'add') gitRemote(ctx, ops[2]);
      else if (ops[0] === 'set-url') gitRemote(ctx, ops[2]);
      break;
    case 'submodule':
      if (ops[0] === 'add') gitRemote(ctx, ops[1]);
      break;
  }
};

/** `host=db port=5432 dbname=x`: a libpq connection string. */
function conninfo(text: string): Record<string, string> | undefined {
  if (!/^\s*\w+\s*=/.test(text)) return undefined;
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g))
    out[(m[1] as string).toLowerCase()] = (m[2] as string).replace(/^'(.*)'$/s, '$1');
  return out;
}

const POSTGRES_VALUE = [
  ...'-c -d -f -h -p -U -v -o -L -T -F -R -P -t -n -N -Z -j -S -E'.split(' '),
  '--command',
  '--dbname',
  '--file',
  '--host',
  '--port',
  '--username',
  '--set',
  '--variable',
  '--output',
  '--log-file',
  '--table',
  '--schema',
  '--exclude-table',
  '--exclude-schema',
  '--format',
  '--jobs',
  '--compress',
  '--superuser',
  '--encoding',
  '--role',
];

const postgres: Handler = (argv, c, program) => {
  const ctx = bind(c);
  const p = parseOptions(argv, { value: POSTGRES_VALUE });
  const files = values(p, '-f', '--file');
  if (program === 'psql') for (const f of files) ctx.file(f, 'read');
  else if (program === 'pg_dump' || program === 'pg_dumpall')
    for (const f of files) ctx.file(f, 'write');
  else if (program === 'pg_restore') {
    for (const f of files) ctx.file(f, 'write');
    for (const f of p.operands) ctx.file(f, 'read');
  }
  if (program === 'psql')
    for (const f of values(p, '-o', '--output', '-L', '--log-file')) ctx.file(f, 'write');
  let port = values(p, '-p', '--port').at(-1) ?? c.command.env.PGPORT ?? undefined;
  const hosts: (string | null)[] = [...values(p, '-h', '--host')];
  const databases = [...values(p, '-d', '--dbname')];
  if (program === 'psql' || program === 'pgbench') databases.push(p.operands[0] ?? null);
  for (const d of databases) {
    if (!d) continue;
    if (/^postgres(ql)?:\/\//i.test(d)) {
      ctx.url(d);
      continue;
    }
    const info = conninfo(d);
    if (info?.host) hosts.push(info.host);
    if (info?.port) port = info.port;
  }
  if (hosts.length === 0 && c.command.env.PGHOST) hosts.push(c.command.env.PGHOST);
  for (const h of hosts)
    for (const one of h?.split(',') ?? []) {
      // A directory is a Unix socket, not a host.
      if (!one || one.startsWith('/')) continue;
      ctx.host('postgres', one, port);
    }
};

const mysql: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, {
    value: [
      ...'-h -P -u -D -e -S'.split(' '),
      '--host',
      '--port',
      '--user',
      '--database',
      '--execute',
      '--socket',
      '--result-file',
      '--defaults-file',
      '--defaults-extra-file',
    ],
    attached: ['-p'],
  });
  for (const f of values(p, '--defaults-file', '--defaults-extra-file')) ctx.file(f, 'read');
  for (const f of values(p, '--result-file', '-r')) ctx.file(f, 'write');
  const port = values(p, '-P', '--port').at(-1);
  for (const h of values(p, '-h', '--host')) ctx.host('mysql', h, port);
};

const mongo: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, {
    value: [
      '--host',
      '--port',
      '-u',
      '--username',
      '-p',
      '--password',
      '--authenticationDatabase',
      '--authenticationMechanism',
      '--eval',
      '-f',
      '--file',
      '--tlsCAFile',
      '--tlsCertificateKeyFile',
      '--apiVersion',
    ],
  });
  for (const f of values(p, '-f', '--file', '--tlsCAFile', '--tlsCertificateKeyFile'))
    ctx.file(f, 'read');
  const port = values(p, '--port').at(-1);
  for (const h of values(p, '--host')) {
    // `rs0/h1:27017,h2:27017`: a replica set's members.
    const members = h?.includes('/') ? h.slice(h.indexOf('/') + 1) : h;
    for (const m of members?.split(',') ?? []) {
      const [name, own] = m.split(':');
      ctx.host('mongodb', name, own ?? port);
    }
  }
  const first = p.operands[0];
  if (first && /^mongodb(\+srv)?:\/\//i.test(first)) ctx.url(first);
  else if (first && /[:/]/.test(first)) ctx.url(first, 'mongodb');
};

const redis: Handler = (argv, c) => {
  const ctx = bind(c);
  const p = parseOptions(argv, {
    value: [
      ...'-h -p -s -a -u -n -r -i -d'.split(' '),
      '--user',
      '--pass',
      '--cacert',
      '--cert',
      '--key',
      '--rdb',
    ],
  });
  for (const f of values(p, '--cacert', '--cert', '--key')) ctx.file(f, 'read');
  for (const f of values(p, '--rdb')) ctx.file(f, 'write');
  for (const u of values(p, '-u')) ctx.url(u);
  const port = values(p, '-p').at(-1);
  for (const h of values(p, '-h')) ctx.host('redis', h, port);
};

const endpointOption =
  (...names: string[]): Handler =>
  (argv, c) => {
    const ctx = bind(c);
    // Global options of a CLI with many subcommands: read wherever they are.
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i];
      if (!a) continue;
      for (const n of names) {
        if (a === n) ctx.url(argv[i + 1], 'https');
        else if (a.startsWith(`${n}=`)) ctx.url(a.slice(n.length + 1), 'https');
      }
    }
  };

const PROGRAMS: Record<string, Handler> = {
  cat: readAll({}),
  tac: readAll({}),
  nl: readAll({ value: ['-b', '-d', '-f', '-h', '-i', '-l', '-n', '-s', '-v', '-w'] }),
  head: readAll({ value: ['-n', '-c', '--lines', '--bytes'] }),
  tail: readAll({ value: ['-n', '-c', '--lines', '--bytes', '-s', '--sleep-interval', '--pid'] }),
  less: readAll({
    value: ['-p', '-x', '-y', '-b', '-h', '-j', '-o', '-O', '-t', '-T', '-z', '-#', '-P'],
  }),
  more: readAll({ value: ['-n'] }),
  most: readAll({}),
  view: editor(
    { value: ['-c', '-S', '-u', '-U', '-i', '-T', '-w', '-W', '-s', '-t', '-q', '--cmd'] },
    'read',
  ),
  bat: readAll({
    value: [
      '-l',
      '--language',
      '-H',
      '--highlight-line',
      '-r',
      '--line-range',
      '--theme',
      '--style',
      '-m',
      '--map-syntax',
      '--file-name',
    ],
  }),
  cp: copyLike('read', 'write'),
  mv: copyLike('rename', 'rename'),
  rm: readAll({}, 'delete'),
  unlink: readAll({}, 'delete'),
  rmdir: readAll({}, 'delete'),
  shred: (argv, c) => {
    const p = parseOptions(argv, {
      value: ['-n', '-s', '--iterations', '--size', '--random-source'],
    });
    const ctx = bind(c);
    for (const f of p.operands) ctx.file(f, has(p, '-u', '--remove') ? 'delete' : 'write');
  },
  tee: readAll({}, 'write'),
  sed,
  touch: (argv, c) => {
    const ctx = bind(c);
    const p = parseOptions(argv, { value: ['-d', '--date', '-t', '-r', '--reference'] });
    for (const r of values(p, '-r', '--reference')) ctx.file(r, 'read');
    for (const f of p.operands) ctx.file(f, 'create');
  },
  mkdir: readAll({ value: ['-m', '--mode', '-Z'] }, 'create'),
  truncate: (argv, c) => {
    const ctx = bind(c);
    const p = parseOptions(argv, { value: ['-s', '--size', '-r', '--reference'] });
    for (const r of values(p, '-r', '--reference')) ctx.file(r, 'read');
    for (const f of p.operands) ctx.file(f, 'write');
  },
  chmod: permission,
  chown: permission,
  chgrp: permission,
  ln,
  dd,
  vi: editor(
    { value: ['-c', '-S', '-u', '-U', '-i', '-T', '-w', '-W', '-s', '-t', '-q', '--cmd'] },
    'write',
  ),
  vim: editor(
    { value: ['-c', '-S', '-u', '-U', '-i', '-T', '-w', '-W', '-s', '-t', '-q', '--cmd'] },
    'write',
  ),
  nvim: editor(
    { value: ['-c', '-S', '-u', '-i', '-w', '-W', '-s', '-t', '-q', '--cmd', '--listen'] },
    'write',
  ),
  nano: editor(
    {
      value: [
        '-T',
        '--tabsize',
        '-Y',
        '--syntax',
        '-r',
        '--fill',
        '-o',
        '--operatingdir',
        '-Q',
        '--quotestr',
        '-X',
        '--wordchars',
      ],
    },
    'write',
  ),
  pico: editor({}, 'write'),
  micro: editor({ value: ['-config-dir', '-plugin'] }, 'write'),
  emacs: editor({}, 'write'),
  ed: editor({ value: ['-p', '--prompt'] }, 'write'),
  curl,
  wget,
  ssh,
  scp: copyRemote({ value: '-c -D -F -i -J -l -o -P -S -X'.split(' ') }, '-P'),
  rsync: copyRemote(
    {
      value: [
        ...'-e -f -T -B -M'.split(' '),
        '--rsh',
        '--filter',
        '--exclude',
        '--include',
        '--exclude-from',
        '--include-from',
        '--files-from',
        '--temp-dir',
        '--port',
        '--password-file',
        '--log-file',
        '--block-size',
        '--bwlimit',
        '--timeout',
        '--contimeout',
        '--partial-dir',
        '--backup-dir',
        '--suffix',
        '--chmod',
        '--chown',
        '--remote-option',
        '--out-format',
        '--compare-dest',
        '--link-dest',
        '--copy-dest',
        '--max-size',
        '--min-size',
      ],
    },
    '--port',
  ),
  sftp,
  nc: netcat,
  ncat: netcat,
  netcat,
  telnet,
  git,
  psql: postgres,
  pg_dump: postgres,
  pg_dumpall: postgres,
  pg_restore: postgres,
  pgbench: postgres,
  mysql,
  mariadb: mysql,
  mysqldump: mysql,
  mongosh: mongo,
  mongo,
  'redis-cli': redis,
  aws: endpointOption('--endpoint-url'),
  kubectl: endpointOption('--server', '-s'),
};
