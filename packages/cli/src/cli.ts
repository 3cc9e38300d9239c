import { type Command, commandHelp, type Io, parseCommand, synopsis, topHelp } from './command';
import { COMMANDS } from './commands';

export type { Io } from './command';

/** The command `argv` names (the longest match of its words), and the arguments after them. */
function find(
  argv: string[],
  commands: readonly Command[],
): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null;
  for (const command of commands) {
    const words = command.name.split(' ');
    if (
      words.every((w, i) => argv[i] === w) &&
      words.length > (best?.command.name.split(' ').length ?? 0)
    )
      best = { command, rest: argv.slice(words.length) };
  }
  return best;
}

/** Runs one command line; resolves with the exit code. Never calls process.exit. */
export async function run(
  argv: string[],
  io: Io,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [first, ...others] = argv;
  if (first === undefined) {
    io.err(topHelp(commands));
    return 2;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    if (others.length === 0) {
      io.out(topHelp(commands));
      return 0;
    }
    return run([...others, '--help'], io, commands);
  }
  const found = find(argv, commands);
  if (!found) {
    // A group (`token`) without its verb, or a word that names nothing.
    const group = commands.filter((c) => c.name.startsWith(`${first} `));
    const asked = others.length > 0 && others.every((a) => a === '--help' || a === '-h');
    if (group.length > 0 && asked) {
      io.out(topHelp(group));
      return 0;
    }
    const what =
      group.length > 0
        ? `auditlane ${first}: ${others[0] === undefined ? 'missing its command' : `unknown command "${others[0]}"`} (${group.map((c) => c.name).join(', ')})`
        : `auditlane: unknown command "${first}"`;
    io.err(`${what}\n\n${topHelp(group.length > 0 ? group : commands)}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const invocation = parseCommand(command, rest, io.env);
    if (!invocation) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(invocation, io);
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode ?? 1;
    io.err(`auditlane ${command.name}: ${(error as Error).message}`);
    if (exitCode === 2)
      io.err(
        `usage: ${synopsis(command)}\nRun "auditlane ${command.name} --help" for its options.`,
      );
    return exitCode;
  }
}
