import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

/** One simple command of a command line, with its words unquoted. */
export interface SimpleCommand {
  /** Words; `null` where a word depends on expansion at run time (`$X`, `$(...)`, globs keep their text). */
  argv: (string | null)[];
  /** Assignments before the command (`FOO=1 cmd`). */
  env: Record<string, string | null>;
  /** The command as written. */
  text: string;
  /**
   * What the command reads on stdin, when the line says: the text of a here-string or
   * here-document, or `null` when it comes from a file or a pipe (not known here).
   */
  stdin?: string | null;
}

export interface ShellAnalysis {
  /** Every simple command, including those in pipelines, lists, subshells and substitutions. */
  commands: SimpleCommand[];
  /** The line does not parse completely (an unclosed quote, say). */
  hasError: boolean;
}

/**
 * Bash's grammar (tree-sitter-bash, WebAssembly): a command line split into the simple
 * commands it runs, with their words unquoted, never guessed from the raw text.
 */
export class ShellAnalyzer {
  private constructor(private readonly parser: Parser) {}

  /** Loads the grammar (about 50 ms). */
  static async load(): Promise<ShellAnalyzer> {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(bash);
    return new ShellAnalyzer(parser);
  }

  analyze(line: string): ShellAnalysis {
    const tree = this.parser.parse(line);
    if (!tree) return { commands: [], hasError: true };
    try {
      const commands: SimpleCommand[] = [];
      const walk = (n: Node, stdin?: string | null) => {
        if (n.type === 'command') {
          const command = simpleCommand(n);
          if (stdin !== undefined && command.stdin === undefined) command.stdin = stdin;
          commands.push(command);
        }
        if (n.type === 'redirected_statement') {
          let input: string | null | undefined;
          for (const r of n.namedChildren) {
            if (!r) continue;
            if (r.type === 'heredoc_redirect')
              input = r.namedChildren.find((c) => c?.type === 'heredoc_body')?.text ?? null;
            else if (r.type === 'file_redirect' && /^\d*</.test(r.text)) input = null;
          }
          for (const c of n.namedChildren) if (c) walk(c, input !== undefined ? input : stdin);
          return;
        }
        if (n.type === 'pipeline') {
          // Every command after the first reads what the one before it writes.
          n.namedChildren.forEach((c, i) => {
            if (c) walk(c, i === 0 ? stdin : null);
          });
          return;
        }
        for (const c of n.namedChildren) if (c) walk(c, stdin);
      };
      walk(tree.rootNode);
      return { commands, hasError: tree.rootNode.hasError };
    } finally {
      tree.delete();
    }
  }
}

function simpleCommand(n: Node): SimpleCommand {
  const argv: (string | null)[] = [];
  const env: Record<string, string | null> = {};
  let stdin: string | null | undefined;
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'variable_assignment') {
      const name = c.childForFieldName('name')?.text ?? c.text.split('=')[0] ?? '';
      const value = c.childForFieldName('value');
      env[name] = value ? word(value) : '';
    } else if (c.type === 'command_name') {
      const first = c.namedChild(0);
      argv.push(first ? word(first) : c.text);
    } else if (c.type === 'herestring_redirect') {
      const value = c.namedChild(0);
      stdin = value ? word(value) : null;
    } else if (!c.type.endsWith('redirect') && c.type !== 'comment') argv.push(word(c));
  }
  return stdin === undefined ? { argv, env, text: n.text } : { argv, env, text: n.text, stdin };
}

/** A word's value after quote removal, or null when it depends on expansion. */
function word(n: Node): string | null {
  switch (n.type) {
    case 'word':
    case 'number':
      return n.text.replace(/\\(.)/g, '$1');
    case 'raw_string':
      return n.text.slice(1, -1);
    case 'ansi_c_string':
      return n.text.slice(2, -1);
    case 'string': {
      if (n.namedChildren.some((c) => c && c.type !== 'string_content')) return null;
      return n.text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
    }
    case 'concatenation': {
      let out = '';
      for (const c of n.namedChildren) {
        if (!c) continue;
        const part = word(c);
        if (part === null) return null;
        out += part;
      }
      return out;
    }
    default:
      return null;
  }
}
