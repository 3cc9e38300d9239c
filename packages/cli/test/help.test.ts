import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli';
import { acceptedOptions, parseCommand } from '../src/command';
import { COMMANDS } from '../src/commands';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} },
  };
}

describe('auditlane help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s --help lists every option it accepts, their variables and an example, with exit 0',
    async (name, command) => {
      const t = io();
      expect(await run([...name.split(' '), '--help'], t.io)).toBe(0);
      expect(t.err).toEqual([]);
      const help = t.out.join('\n');
      expect(help).toMatch(new RegExp(`^usage: auditlane ${name} \\[options\\]`));
      const accepted = acceptedOptions(command);
      for (const [option, spec] of Object.entries(accepted)) {
        expect(help, option).toMatch(new RegExp(`--${option}\\b`));
        for (const variable of spec.env ?? []) expect(help, variable).toContain(variable);
      }
      expect(help).toMatch(/\nExamples?:\n {2}.*auditlane /);
      // And the other way: every option the help shows is one the parser takes.
      const section = help.split('\nOptions:\n')[1]!.split('\n\n')[0]!;
      const shown = [...section.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
      expect(new Set(shown)).toEqual(new Set(Object.keys(accepted)));
      for (const option of shown) {
        const args = accepted[option]!.type === 'string' ? [`--${option}`, '1'] : [`--${option}`];
        expect(() => parseCommand(command, [...args, ...fill(command)], {}), option).not.toThrow();
      }
      // Its examples are command lines its parser takes.
      for (const example of command.examples) {
        const words = example.split(' ').filter((w) => !/^[A-Z_]+=/.test(w));
        expect(words.slice(0, 1 + name.split(' ').length).join(' '), example).toBe(
          `auditlane ${name}`,
        );
        const args = words.slice(1 + name.split(' ').length);
        expect(() => parseCommand(command, args, {}), example).not.toThrow();
      }
      // `help NAME` says the same.
      const again = io();
      expect(await run(['help', ...name.split(' ')], again.io)).toBe(0);
      expect(again.out).toEqual(t.out);
    },
  );

  it.each(COMMANDS.map((c) => [c.name] as const))(
    '%s with an unknown option exits 2 with its usage',
    async (name) => {
      const t = io();
      expect(await run([...name.split(' '), '--bogus'], t.io)).toBe(2);
      const err = t.err.join('\n');
      expect(err).toContain(`auditlane ${name}: Unknown option '--bogus'`);
      expect(err).toContain(`usage: auditlane ${name} [options]`);
      expect(t.out).toEqual([]);
    },
  );

  it('lists every command at the top, and a group its commands', async () => {
    const t = io();
    expect(await run(['--help'], t.io)).toBe(0);
    for (const command of COMMANDS) expect(t.out.join('\n')).toContain(`  ${command.name} `);
    const none = io();
    expect(await run([], none.io)).toBe(2);
    expect(none.err.join('\n')).toContain('usage: auditlane <command>');
    const group = io();
    expect(await run(['token', '--help'], group.io)).toBe(0);
    expect(group.out.join('\n')).toContain('token create');
    const missing = io();
    expect(await run(['token'], missing.io)).toBe(2);
    expect(missing.err.join('\n')).toMatch(/auditlane token: missing its command \(token create\)/);
  });

  it('ends the help with a newline in a real process', () => {
    const bin = join(import.meta.dirname, '../src/bin.ts');
    for (const args of [['--help'], ['rec', '--help']]) {
      const result = spawnSync(
        process.execPath,
        ['--conditions=@auditlane/source', '--import', 'tsx', bin, ...args],
        { encoding: 'utf8' },
      );
      expect(result.status, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/[^\n]\n$/);
    }
  }, 30_000);
});

/** The positional arguments a command needs at least. */
function fill(command: (typeof COMMANDS)[number]): string[] {
  return Array.from({ length: command.args?.min ?? 0 }, () => 'x');
}
