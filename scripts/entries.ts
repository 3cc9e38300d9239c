/**
 * The entries table of each package's README, generated from the package's `exports`: one row
 * per subpath, its description taken from the entry file's leading doc comment (or, for an entry
 * without one, from DESCRIPTIONS below). Every name a description puts in backticks must be
 * exported by that entry, so a renamed or removed export fails the check too.
 *
 *   tsx scripts/entries.ts          rewrite the tables between the markers
 *   tsx scripts/entries.ts --check  exit 1 naming each README whose table is out of date
 *
 * The table of packages/NAME/README.md sits between `<!-- entries:start -->` and
 * `<!-- entries:end -->`. The cli README's list of commands (`<!-- commands:start -->`) is what
 * `auditlane --help` prints, generated the same way.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const START = '<!-- entries:start -->';
export const END = '<!-- entries:end -->';

/** Descriptions of entries whose file has no leading doc comment (or is not code), by `name/subpath`. */
const DESCRIPTIONS: Record<string, string> = {
  '@auditlane/client/openapi.json':
    'the OpenAPI 3.1 document of the API, generated from the schemas',
  '@auditlane/react':
    '`AuditlaneProvider`, `useSessions`, `useSession`, `useSessionEvents`, `useViewer`, `defaultMessages` (the English `Messages`), `mergeMessages`',
  '@auditlane/react/session-table':
    '`SessionTable` and its parts (`SessionTable.Root`, `.Toolbar`, `.Table`, `.Header`, `.Body`, `.Row`, `.Cell`, ...), `useSessionTable` (a TanStack table), `sessionColumns`, `sortedRowModel` (opt-in sorting in the browser), `rowSelectionFeature` (opt-in row selection)',
  '@auditlane/react/filters':
    '`Filters`, `useFilters`, `useFiltersSearchParams`, `toListParams`, `filtersToSearchParams`, `filtersFromSearchParams`',
  '@auditlane/react/session-detail': '`SessionDetail`, `useSessionDetail`, `buildActivity`',
  '@auditlane/react/replay':
    '`ReplayPlayer`, `useReplay`, `activityMarkers`: terminal recordings on xterm.js, loaded when a player mounts',
  '@auditlane/react/styles.css': 'the default theme (CSS variables; never imported from JS)',
};

export interface Entry {
  /** `@auditlane/client/asciicast` */
  specifier: string;
  /** The TypeScript file the entry is built from, when it is code. */
  source: string | null;
  description: string;
}

export interface Problem {
  file: string;
  message: string;
}

/** The entry file of a subpath: its `@auditlane/source` target, else the src/ file its dist/ file is built from. */
function sourceOf(dir: string, target: unknown): string | null {
  const pick = (t: unknown): string | null => {
    if (typeof t === 'string') return t;
    if (t && typeof t === 'object') {
      const o = t as Record<string, unknown>;
      return pick(o['@auditlane/source'] ?? o.import ?? o.default ?? o.require);
    }
    return null;
  };
  const path = pick(target);
  if (!path) return null;
  if (/\.tsx?$/.test(path)) return join(dir, path);
  const built = /^\.\/dist\/(.+)\.(?:c|m)?js$/.exec(path);
  if (built) {
    for (const candidate of [`src/${built[1]}.ts`, `src/${built[1]}/index.ts`]) {
      if (existsSync(join(dir, candidate))) return join(dir, candidate);
    }
  }
  return null;
}

/** The first comment of a file when it is a `/** ... *\/` doc comment before any code, as one paragraph. */
export function leadingDoc(text: string): string | null {
  const match = /^\s*(?:'use client';\s*)?\/\*\*([\s\S]*?)\*\//.exec(text);
  if (!match) return null;
  const lines = match[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '').trim());
  const first: string[] = [];
  for (const line of lines) {
    if (!line && first.length) break;
    if (line) first.push(line);
  }
  return first.join(' ') || null;
}

/** The names a module exports, following `export *` and `export { } from` into relative modules. */
export function exportedNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const target = (specifier: string): string | null => {
    if (!specifier.startsWith('.')) return null;
    const base = resolve(dirname(file), specifier.replace(/\.js$/, ''));
    for (const candidate of [
      `${base}.ts`,
      `${base}.tsx`,
      join(base, 'index.ts'),
      join(base, 'index.tsx'),
    ])
      if (existsSync(candidate)) return candidate;
    return null;
  };
  const exported = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const from =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : null;
      const clause = statement.exportClause;
      if (!clause) {
        const next = from ? target(from) : null;
        if (next) for (const name of exportedNames(next, seen)) names.add(name);
      } else if (ts.isNamespaceExport(clause)) names.add(clause.name.text);
      else for (const element of clause.elements) names.add(element.name.text);
    } else if (exported(statement)) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations)
          if (ts.isIdentifier(d.name)) names.add(d.name.text);
      } else {
        const name = (statement as { name?: ts.Identifier }).name;
        if (name && ts.isIdentifier(name)) names.add(name.text);
      }
    }
  }
  return names;
}

/** Every package under `root/packages` with its entries, and what is wrong with their descriptions. */
export function collect(root: string): {
  packages: { dir: string; name: string; entries: Entry[] }[];
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const packages = [];
  const packagesDir = join(root, 'packages');
  for (const name of readdirSync(packagesDir).sort()) {
    const dir = join(packagesDir, name);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    const entries: Entry[] = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (subpath === './package.json') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const source = sourceOf(dir, target);
      const doc = source ? leadingDoc(readFileSync(source, 'utf8')) : null;
      const description = doc ?? DESCRIPTIONS[specifier];
      const where = relative(root, source ?? manifestPath);
      if (!description) {
        problems.push({
          file: where,
          message: `${specifier} has no description: give its entry file a leading /** doc comment */ (or add it to DESCRIPTIONS in scripts/entries.ts)`,
        });
        continue;
      }
      if (source) {
        const names = exportedNames(source);
        for (const [, name] of description.matchAll(/`([A-Za-z_$][\w$]*)`/g)) {
          // Names of code (camelCase, PascalCase, CONSTANTS); not words such as `auditlane`.
          if (!/[A-Z_]/.test(name!)) continue;
          if (!names.has(name!))
            problems.push({
              file: where,
              message: `the description of ${specifier} names \`${name}\`, which it does not export`,
            });
        }
      }
      entries.push({ specifier, source, description });
    }
    packages.push({ dir, name: manifest.name, entries });
  }
  return { packages, problems };
}

/** The markdown table of a package's entries, its columns aligned. */
export function table(entries: readonly Entry[]): string {
  const rows = entries.map((e) => [`\`${e.specifier}\``, e.description.replace(/\|/g, '\\|')]);
  const head = ['import', 'what'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(head),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

/** `readme` with the text between the markers replaced by `body`, or null without the markers. */
export function replaceBetweenMarkers(
  readme: string,
  body: string,
  start = START,
  end = END,
): string | null {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return null;
  return `${readme.slice(0, from + start.length)}\n\n${body}\n\n${readme.slice(to)}`;
}

/** The list of commands of the cli README: `auditlane --help`, from the commands' declarations. */
async function cliCommands(root: string): Promise<string> {
  const cli = join(root, 'packages/cli/src');
  const { COMMANDS } = (await import(join(cli, 'commands/index.ts'))) as {
    COMMANDS: readonly unknown[];
  };
  const { topHelp } = (await import(join(cli, 'command.ts'))) as {
    topHelp: (commands: readonly unknown[]) => string;
  };
  return `\`\`\`\n${topHelp(COMMANDS)}\n\`\`\``;
}

/** Writes (or with `check`, compares) every package README's generated parts; returns what is wrong. */
export async function run(root: string, check: boolean): Promise<Problem[]> {
  const { packages, problems } = collect(root);
  const parts: {
    path: string;
    what: string;
    start: string;
    end: string;
    body: () => Promise<string>;
  }[] = packages.map((pkg) => ({
    path: join(pkg.dir, 'README.md'),
    what: 'entries table',
    start: START,
    end: END,
    body: async () => table(pkg.entries),
  }));
  if (existsSync(join(root, 'packages/cli/src/commands/index.ts')))
    parts.push({
      path: join(root, 'packages/cli/README.md'),
      what: 'list of commands',
      start: '<!-- commands:start -->',
      end: '<!-- commands:end -->',
      body: () => cliCommands(root),
    });
  for (const part of parts) {
    const where = relative(root, part.path);
    if (!existsSync(part.path)) {
      problems.push({ file: where, message: `no README.md for its ${part.what}` });
      continue;
    }
    const readme = readFileSync(part.path, 'utf8');
    const next = replaceBetweenMarkers(readme, await part.body(), part.start, part.end);
    if (next === null) {
      problems.push({
        file: where,
        message: `no ${part.start} … ${part.end} markers for the ${part.what}`,
      });
    } else if (next !== readme) {
      if (check)
        problems.push({
          file: where,
          message: `the ${part.what} is out of date: run pnpm entries (tsx scripts/entries.ts)`,
        });
      else writeFileSync(part.path, next);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const problems = await run(root, process.argv.includes('--check'));
  for (const p of problems) console.error(`${p.file}: ${p.message}`);
  if (problems.length) process.exit(1);
  console.log(
    process.argv.includes('--check')
      ? 'README entries tables are up to date'
      : 'README entries tables written',
  );
}
