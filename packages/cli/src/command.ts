import { parseArgs } from 'node:util';
import type { Policy } from '@auditlane/recorder';

/** Where a command reads and writes: the process in `bin.ts`, arrays in tests. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); `serve` waits on it. */
  stopped?: Promise<unknown>;
  /** All of standard input (`hook` reads its event there). */
  stdin?: () => Promise<string>;
  /** Raw output without a newline added (`hook` answers in the hook protocol). */
  write?: (text: string, stream: 'stdout' | 'stderr') => void;
  /**
   * The policy of a rule file (or the built-in rules without one), for a process that answers
   * many hook calls and keeps what it loaded (the resident hook helper). Default: loaded per call.
   */
  policy?: (file: string | undefined) => Promise<Policy>;
}

/** One option of a command: what the parser accepts and what its help says, declared once. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value is, in the help (`FILE`, `URL`, `N`). */
  value?: string;
  short?: string;
  description: string;
  /** Environment variables that stand for the option when it is not given (the first set wins). */
  env?: readonly string[];
}

export type Options = Record<string, OptionSpec>;

/** The parsed options: a string or a boolean each, by the declaration. */
export type Values<O extends Options> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export interface Invocation<O extends Options> {
  /** The options as given on the command line. */
  values: Values<O>;
  positionals: string[];
  /** An option's value: the flag, else the first of its environment variables that is set. */
  setting(name: keyof O & string): string | undefined;
}

/**
 * A verb of the `auditlane` command. The parser and the help read the same declaration, so the
 * help lists exactly what is parsed. Adding a verb: a module exporting `defineCommand({...})`,
 * listed in `commands/index.ts`.
 */
export interface Command<O extends Options = Options> {
  /** The words that name it: `serve`, `token create`. */
  name: string;
  /** One line, for the list of commands. */
  summary: string;
  /** What it does, for its help (paragraphs separated by blank lines). */
  description?: string;
  /** Positional arguments: their usage text and how many there may be (default: none). */
  args?: { usage: string; min?: number; max?: number };
  options: O;
  /** Environment variables it reads that no option stands for. */
  env?: Record<string, string>;
  examples: string[];
  run(invocation: Invocation<O>, io: Io): Promise<number>;
}

export function defineCommand<const O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** An error that is the user's: exit code 2, with the command's usage. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

export function usage(message: string): UsageError {
  return new UsageError(message);
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Every option the command accepts, `--help` included. */
export function acceptedOptions(command: Command): Options {
  return { ...command.options, help: HELP_OPTION };
}

/**
 * Parses `args` by the command's declaration. `null` means `--help` was asked for; bad usage
 * throws a UsageError naming the option or argument.
 */
export function parseCommand<O extends Options>(
  command: Command<O>,
  args: string[],
  env: Record<string, string | undefined>,
): Invocation<O> | null {
  const options = acceptedOptions(command);
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
        ]),
      ),
    }) as typeof parsed;
  } catch (error) {
    // Node's advice on positionals that start with '-' is not about this command line.
    throw usage(
      (error as Error).message.replace(/\. To specify a positional argument[\s\S]*$/, ''),
    );
  }
  if (parsed.values.help) return null;
  const { min = 0, max = 0 } = command.args ?? {};
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    throw usage(
      n > max
        ? `unexpected argument "${parsed.positionals[max]}"`
        : `missing ${command.args?.usage ?? 'arguments'}`,
    );
  }
  const values = parsed.values as Values<O>;
  return {
    values,
    positionals: parsed.positionals,
    setting(name) {
      const flag = parsed.values[name];
      if (typeof flag === 'string') return flag;
      for (const variable of command.options[name]?.env ?? []) {
        const value = env[variable];
        if (value !== undefined && value !== '') return value;
      }
      return undefined;
    },
  };
}

const WIDTH = 100;

/** Word-wraps `text` to the width, each line after the first indented by `indent`. */
function wrap(text: string, indent: number, width = WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Two columns: a term and its wrapped description. */
function table(rows: [string, string][]): string {
  const left = Math.min(Math.max(...rows.map(([term]) => term.length)) + 2, 40);
  return rows
    .map(([term, text]) => {
      const pad =
        term.length + 2 > left ? `\n${' '.repeat(left + 2)}` : ' '.repeat(left - term.length);
      return `  ${term}${pad}${wrap(text, left + 2)}`;
    })
    .join('\n');
}

export function synopsis(command: Command): string {
  return `auditlane ${command.name} [options]${command.args ? ` ${command.args.usage}` : ''}`;
}

function optionTerm(name: string, spec: OptionSpec): string {
  const flag = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${flag}` : flag;
}

/** A command's help: usage, what it does, its options, environment variables and examples (no final newline: `Io.out` adds it). */
export function commandHelp(command: Command): string {
  const parts = [`usage: ${synopsis(command)}`];
  if (command.description)
    parts.push(
      command.description
        .split(/\n\s*\n/)
        .map((p) => wrap(p, 0))
        .join('\n\n'),
    );
  const options = Object.entries(acceptedOptions(command));
  parts.push(
    `Options:\n${table(options.map(([name, spec]) => [optionTerm(name, spec), spec.description]))}`,
  );
  const env: [string, string][] = [];
  for (const [name, spec] of options)
    for (const variable of spec.env ?? []) env.push([variable, `instead of --${name}`]);
  for (const [variable, text] of Object.entries(command.env ?? {})) env.push([variable, text]);
  if (env.length > 0) parts.push(`Environment (a flag wins over its variable):\n${table(env)}`);
  parts.push(
    `${command.examples.length > 1 ? 'Examples' : 'Example'}:\n${command.examples.map((e) => `  ${e}`).join('\n')}`,
  );
  return parts.join('\n\n');
}

/** The help of the whole command: its verbs. */
export function topHelp(commands: readonly Command[]): string {
  return `usage: auditlane <command> [options]

Commands:
${table(commands.map((c) => [c.name, c.summary]))}

Run "auditlane <command> --help" for a command's options, environment variables and an example.`;
}
