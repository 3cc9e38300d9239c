import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';

/** A word of a command as the policy sees it. */
export interface ShellWord {
  /** The word after quote removal, or `null` when it depends on expansion at run time. */
  value: string | null;
  /**
   * The word with quotes removed and expansions kept as `${NAME}` (`${NAME:?}` when the shell
   * stops on an empty value) or `$(…)`: `"$BUILD_DIR"/` → `${BUILD_DIR}/`.
   */
  template: string;
  /** The commands run by substitutions inside the word (`$(curl x)`, `<(curl x)`), as argv. */
  substitutions: (string | null)[][];
}

/** One simple command of a command line, with its words unquoted. */
export interface SimpleCommand {
  /** Words; `null` where a word depends on expansion at run time (`$X`, `$(...)`, globs keep their text). */
  argv: (string | null)[];
  /** The same words with their templates and substitutions (one per argv item). */
  words: ShellWord[];
  /** Assignments before the command (`FOO=1 cmd`). */
  env: Record<string, string | null>;
  /** The command as written. */
  text: string;
  /**
   * What the command reads on stdin, when the line says: the text of a here-string or
   * here-document, or `null` when it comes from a file or a pipe (not known here).
   */
  stdin?: string | null;
  /** The file read on stdin (`< file.sql`): its path, or `null` when it is known only at run time. */
  stdinFile?: string | null;
  /** Commands whose output this one reads: earlier stages of its pipeline, or a `< <(...)`. */
  upstream?: SimpleCommand[];
  /** Files written by output redirections (`> /dev/sda`), `null` where not known. */
  writes?: (string | null)[];
  /**
   * The command runs in a subshell: `( … )`, a substitution, a stage of a pipeline. A `cd`
   * there does not change the directory of what follows it.
   */
  subshell?: true;
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
    const source = Buffer.from(line, 'utf8');
    try {
      const commands: SimpleCommand[] = [];
      const vars = new Map<string, { value: string | null; template: string }>();
      interface Input {
        stdin?: string | null;
        stdinFile?: string | null;
        upstream?: SimpleCommand[];
        writes?: (string | null)[];
        subshell?: boolean;
      }
      const walk = (n: Node, input: Input): SimpleCommand[] => {
        if (n.type === 'variable_assignment') {
          // `D=build; rm -rf "$D"/`: later words see the value (the last assignment in the text).
          const name = n.childForFieldName('name')?.text;
          const value = n.childForFieldName('value');
          if (name)
            vars.set(
              name,
              value
                ? { value: word(value, vars), template: template(value, vars) }
                : { value: '', template: '' },
            );
          for (const c of n.namedChildren) if (c) collectSubstitutions(c, walk);
          return [];
        }
        if (n.type === 'command') {
          const command = simpleCommand(n, vars);
          if (input.stdin !== undefined && command.stdin === undefined) command.stdin = input.stdin;
          if (input.stdinFile !== undefined) command.stdinFile = input.stdinFile;
          if (input.upstream?.length) command.upstream = input.upstream;
          if (input.writes?.length) command.writes = [...(command.writes ?? []), ...input.writes];
          if (input.subshell) command.subshell = true;
          commands.push(command);
          const inner: SimpleCommand[] = [command];
          for (const c of n.namedChildren) if (c) collectSubstitutions(c, walk);
          return inner;
        }
        if (n.type === 'redirected_statement') {
          const next: Input = { ...input };
          // Words after a redirect's target are the command's arguments (`rm </dev/null -rf /`);
          // the grammar keeps them in the redirect.
          const extra: Node[] = [];
          const fileRedirect = (r: Node) => {
            const targets = r.childrenForFieldName('destination').filter((d) => d !== null);
            const destination = targets[0];
            extra.push(...targets.slice(1));
            const op = destination
              ? source.subarray(r.startIndex, destination.startIndex).toString('utf8').trim()
              : r.text;
            if (/^\d*<$/.test(op)) {
              next.stdin = null;
              if (destination?.type === 'process_substitution') {
                next.stdinFile = null;
                const produced: SimpleCommand[] = [];
                for (const c of destination.namedChildren)
                  if (c) produced.push(...walk(c, { subshell: true }));
                next.upstream = [...(next.upstream ?? []), ...produced];
              } else next.stdinFile = destination ? word(destination, vars) : null;
            } else if (/^(\d*|&)>>?\|?$|^&>>?$/.test(op))
              next.writes = [...(next.writes ?? []), destination ? word(destination, vars) : null];
          };
          for (const r of n.namedChildren) {
            if (!r) continue;
            if (r.type === 'heredoc_redirect') {
              next.stdin = heredocBody(r, source);
              for (const a of r.childrenForFieldName('argument')) if (a) extra.push(a);
              // `cat <<EOF > file`: the redirect after the here-document's start.
              for (const f of r.childrenForFieldName('redirect'))
                if (f?.type === 'file_redirect') fileRedirect(f);
            } else if (r.type === 'file_redirect') fileRedirect(r);
          }
          const out: SimpleCommand[] = [];
          for (const c of n.namedChildren)
            if (c && !c.type.endsWith('redirect')) out.push(...walk(c, next));
          const body = n.childForFieldName('body');
          const first = out[0];
          if (extra.length > 0 && body?.type === 'command' && first) {
            for (const a of extra) {
              first.argv.push(word(a, vars));
              first.words.push(shellWord(a, vars));
              collectSubstitutions(a, walk);
            }
          }
          // The rest of the line after `<<EOF` sits in the redirect: `cat <<EOF | psql`.
          for (const r of n.namedChildren) {
            if (r?.type !== 'heredoc_redirect') continue;
            for (const c of r.namedChildren) {
              if (!c || c.type.startsWith('heredoc_')) continue;
              if (c.type !== 'pipeline') {
                out.push(...walk(c, { subshell: input.subshell }));
                continue;
              }
              let before = [...out];
              for (const stage of c.namedChildren) {
                if (!stage) continue;
                const produced = walk(stage, { stdin: null, upstream: before, subshell: true });
                before = [...before, ...produced];
                out.push(...produced);
              }
            }
          }
          return out;
        }
        if (n.type === 'pipeline') {
          // Every command after the first reads what the ones before it write.
          const out: SimpleCommand[] = [];
          let before: SimpleCommand[] = [];
          // Every stage runs in a subshell of its own.
          n.namedChildren.forEach((c, i) => {
            if (!c) return;
            const stage =
              i === 0
                ? walk(c, { ...input, subshell: true })
                : walk(c, {
                    stdin: null,
                    upstream: [...(input.upstream ?? []), ...before],
                    subshell: true,
                  });
            before = [...before, ...stage];
            out.push(...stage);
          });
          return out;
        }
        const out: SimpleCommand[] = [];
        const inner = n.type === 'subshell' ? { ...input, subshell: true } : input;
        for (const c of n.namedChildren) if (c) out.push(...walk(c, inner));
        return out;
      };
      walk(tree.rootNode, {});
      return { commands, hasError: tree.rootNode.hasError };
    } finally {
      tree.delete();
    }
  }
}

/**
 * A here-document's text, from the source between the line that opens it and its delimiter
 * (the grammar splits some bodies into words: one whose first line starts with a backslash).
 */
function heredocBody(r: Node, source: Buffer): string | null {
  const start = r.namedChildren.find((c) => c?.type === 'heredoc_start');
  const end = r.namedChildren.find((c) => c?.type === 'heredoc_end');
  if (!start || !end) return null;
  const newline = source.indexOf(10, start.endIndex);
  if (newline < 0 || newline >= end.startIndex) return '';
  return source.subarray(newline + 1, end.startIndex).toString('utf8');
}

/** Walks the commands inside substitutions of a word (they run too). */
function collectSubstitutions(
  n: Node,
  walk: (n: Node, input: { subshell: boolean }) => SimpleCommand[],
): void {
  if (n.type === 'command_substitution' || n.type === 'process_substitution') {
    for (const c of n.namedChildren) if (c) walk(c, { subshell: true });
    return;
  }
  for (const c of n.namedChildren) if (c) collectSubstitutions(c, walk);
}

function simpleCommand(n: Node, vars: Vars = NO_VARS): SimpleCommand {
  const argv: (string | null)[] = [];
  const words: ShellWord[] = [];
  const env: Record<string, string | null> = {};
  let stdin: string | null | undefined;
  const push = (c: Node) => {
    argv.push(word(c, vars));
    words.push(shellWord(c, vars));
  };
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'variable_assignment') {
      const name = c.childForFieldName('name')?.text ?? c.text.split('=')[0] ?? '';
      const value = c.childForFieldName('value');
      env[name] = value ? word(value, vars) : '';
    } else if (c.type === 'command_name') {
      const first = c.namedChild(0);
      if (first) push(first);
      else {
        argv.push(c.text);
        words.push({ value: c.text, template: c.text, substitutions: [] });
      }
    } else if (c.type === 'herestring_redirect') {
      const value = c.namedChild(0);
      stdin = value ? word(value, vars) : null;
    } else if (!c.type.endsWith('redirect') && c.type !== 'comment') push(c);
  }
  return stdin === undefined
    ? { argv, words, env, text: n.text }
    : { argv, words, env, text: n.text, stdin };
}

function shellWord(n: Node, vars: Vars = NO_VARS): ShellWord {
  return {
    value: word(n, vars),
    template: template(n, vars),
    substitutions: substitutions(n, vars),
  };
}

/** A word with quotes removed and expansions kept by name (see ShellWord.template). */
function template(n: Node, vars: Vars = NO_VARS): string {
  switch (n.type) {
    case 'simple_expansion':
      return assigned(n, vars)?.template ?? `\${${n.text.slice(1)}}`;
    case 'expansion': {
      const known = assigned(n, vars)?.template;
      if (known !== undefined) return known;
      const name = n.namedChildren.find((c) => c?.type === 'variable_name')?.text ?? '?';
      return /^\$\{[#!]?\w+:?\?/.test(n.text) ? `\${${name}:?}` : `\${${name}}`;
    }
    case 'command_substitution':
    case 'process_substitution':
    case 'arithmetic_expansion':
      return '$(…)';
    case 'string':
    case 'concatenation': {
      if (n.type === 'string' && n.namedChildren.length === 0) return n.text.slice(1, -1);
      let out = '';
      for (const c of n.namedChildren) if (c) out += template(c, vars);
      return out;
    }
    case 'string_content':
      return n.text.replace(/\\([$`"\\\n])/g, '$1');
    default:
      return word(n, vars) ?? n.text;
  }
}

/** The commands run by substitutions inside a word. */
function substitutions(n: Node, vars: Vars = NO_VARS): (string | null)[][] {
  const out: (string | null)[][] = [];
  const visit = (m: Node) => {
    if (m.type === 'command') {
      out.push(simpleCommand(m, vars).argv);
    }
    for (const c of m.namedChildren) if (c) visit(c);
  };
  if (n.type === 'command_substitution' || n.type === 'process_substitution') visit(n);
  else
    for (const c of n.namedChildren)
      if (
        c &&
        (c.type === 'command_substitution' ||
          c.type === 'process_substitution' ||
          c.type === 'string' ||
          c.type === 'concatenation')
      )
        out.push(...substitutions(c, vars));
  return out;
}

/** Variables the line assigns before they are used (`D=build; rm -rf "$D"/`). */
type Vars = ReadonlyMap<string, { value: string | null; template: string }>;
const NO_VARS: Vars = new Map();

/** What the line assigned to `$NAME` or `${NAME}` (no operator), if it did. */
function assigned(n: Node, vars: Vars): { value: string | null; template: string } | undefined {
  const name = n.type === 'simple_expansion' ? n.text.slice(1) : /^\$\{(\w+)\}$/.exec(n.text)?.[1];
  return name === undefined ? undefined : vars.get(name);
}

function variable(n: Node, vars: Vars): string | null {
  return assigned(n, vars)?.value ?? null;
}

/** A word's value after quote removal, or null when it depends on expansion. */
function word(n: Node, vars: Vars = NO_VARS): string | null {
  switch (n.type) {
    case 'word':
    case 'number':
      return n.text.replace(/\\(.)/g, '$1');
    case 'raw_string':
      return n.text.slice(1, -1);
    case 'ansi_c_string':
      return n.text.slice(2, -1);
    case 'simple_expansion':
    case 'expansion':
      return variable(n, vars);
    case 'string': {
      if (n.namedChildren.length === 0) return n.text.slice(1, -1);
      if (n.namedChildren.every((c) => c?.type === 'string_content'))
        return n.text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
      let out = '';
      for (const c of n.namedChildren) {
        if (!c) continue;
        const part =
          c.type === 'string_content' ? c.text.replace(/\\([$`"\\\n])/g, '$1') : variable(c, vars);
        if (part === null) return null;
        out += part;
      }
      return out;
    }
    case 'concatenation': {
      let out = '';
      for (const c of n.namedChildren) {
        if (!c) continue;
        const part = word(c, vars);
        if (part === null) return null;
        out += part;
      }
      return out;
    }
    default:
      return null;
  }
}
