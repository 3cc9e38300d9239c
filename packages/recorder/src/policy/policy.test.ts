import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandCommandLine, matchesCommand, parseCommandPattern } from './commands';
import { Policy, PolicyFileError, type PolicyScope } from './policy';
import { ShellAnalyzer } from './shell';
import { SqlAnalyzer, SqlParseError } from './sql';

const PROD: PolicyScope = {
  resource: { name: 'billing-db', type: 'database', environment: 'production' },
};
const DEV: PolicyScope = {
  resource: { name: 'scratch', type: 'database', environment: 'development' },
};

describe('SQL analysis (PostgreSQL parser)', () => {
  let sql: SqlAnalyzer;
  beforeAll(async () => {
    sql = await SqlAnalyzer.load();
  });
  const actions = (text: string, dialect?: 'mysql') =>
    [...sql.analyze(text, { dialect }).actions].sort();

  it('finds what each statement does, anywhere in the tree', () => {
    expect(actions('DROP TABLE customers')).toEqual(['drop']);
    expect(actions('drop database prod')).toEqual(['drop_database']);
    expect(actions('TRUNCATE a, b')).toEqual(['truncate']);
    expect(actions('DELETE FROM t')).toEqual(['delete_all']);
    expect(actions('DELETE FROM t WHERE id = 1')).toEqual(['delete']);
    expect(actions('UPDATE t SET a = 1')).toEqual(['update_all']);
    expect(actions('UPDATE t SET a = 1 WHERE id = $1')).toEqual(['update']);
    expect(actions('GRANT SELECT ON t TO bob')).toEqual(['grant']);
    expect(actions('REVOKE SELECT ON t FROM bob')).toEqual(['revoke']);
    expect(actions('ALTER TABLE t ADD COLUMN c int')).toEqual(['alter']);
    expect(actions('WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x')).toEqual([
      'delete_all',
      'select',
    ]);
    expect(actions('EXPLAIN ANALYZE DELETE FROM t')).toContain('delete_all');
    expect(actions("COPY t TO PROGRAM 'curl x'")).toEqual(['copy_program']);
    expect(actions("DO $$ BEGIN EXECUTE 'drop table x'; END $$")).toEqual(['dynamic']);
    expect(actions('SELECT 1; DROP TABLE x')).toEqual(['drop', 'select']);
    expect(actions('DROP TABLE `orders`', 'mysql')).toEqual(['drop']);
  });

  it('is not fooled by words in strings, comments or identifiers', () => {
    expect(actions("SELECT 'DROP TABLE customers' AS note")).toEqual(['select']);
    expect(actions('SELECT 1 -- DELETE FROM t')).toEqual(['select']);
    expect(actions('SELECT * FROM "drop table"')).toEqual(['select']);
    expect(
      [...sql.analyze('SELECT * FROM billing.invoices i JOIN users u ON true').tables].sort(),
    ).toEqual(['billing.invoices', 'users']);
  });

  it('throws a parse error with the position for what is not SQL', () => {
    const e = (() => {
      try {
        sql.analyze('SELEC * FORM t');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(SqlParseError);
    expect((e as SqlParseError).message).toMatch(/syntax error at or near "SELEC"/);
    expect((e as SqlParseError).position).toBe(1);
    expect(() => sql.analyze('   ')).toThrow(/empty/);
  });
});

describe('command lines (bash grammar)', () => {
  let shell: ShellAnalyzer;
  beforeAll(async () => {
    shell = await ShellAnalyzer.load();
  });

  it('splits lists, pipelines and substitutions into commands with unquoted words', () => {
    const { commands } = expandCommandLine(
      shell,
      `cd /srv && FOO=1 make "build all" | tee 'out.log'; echo $(whoami) || rm -rf "$DIR"`,
    );
    expect(commands).toEqual([
      ['cd', '/srv'],
      ['make', 'build all'],
      ['tee', 'out.log'],
      ['echo', null],
      ['whoami'],
      ['rm', '-rf', null],
    ]);
  });

  it('unwraps sudo, env, timeout and shells, and collects SQL given to database clients', () => {
    const line = `sudo -u postgres env PGOPTIONS=x timeout 30 bash -c 'psql -d prod -c "DROP TABLE customers" && mysql -e "DELETE FROM orders"'; sqlite3 app.db "UPDATE t SET a = 1"`;
    const expanded = expandCommandLine(shell, line);
    expect(expanded.commands[0]).toEqual([
      'bash',
      '-c',
      'psql -d prod -c "DROP TABLE customers" && mysql -e "DELETE FROM orders"',
    ]);
    expect(expanded.sql).toEqual([
      { sql: 'DROP TABLE customers', dialect: 'postgres', client: 'psql' },
      { sql: 'DELETE FROM orders', dialect: 'mysql', client: 'mysql' },
      { sql: 'UPDATE t SET a = 1', dialect: 'sqlite', client: 'sqlite3' },
    ]);
    expect(expanded.hasError).toBe(false);
    expect(expandCommandLine(shell, 'echo "unterminated').hasError).toBe(true);
  });

  it('matches command patterns by program, words in order and options in any spelling', () => {
    const p = (pattern: string, ...argv: string[]) =>
      matchesCommand(parseCommandPattern(pattern), argv);
    expect(p('rm -rf', 'rm', '-rf', 'x')).toBe(true);
    expect(p('rm -rf', '/bin/rm', '-r', '-f', 'x')).toBe(true);
    expect(p('rm -rf', 'rm', '--recursive', '--force', 'x')).toBe(true);
    expect(p('rm -rf', 'rm', '-Rf', 'x')).toBe(true);
    expect(p('rm -rf', 'rm', '-r', 'x')).toBe(false);
    expect(p('rm -rf /', 'rm', '-fr', '/')).toBe(true);
    expect(p('rm -rf /', 'rm', '-fr', '/tmp/x')).toBe(false);
    expect(p('kubectl delete', 'kubectl', '-n', 'prod', 'delete', 'pod', 'x')).toBe(true);
    expect(p('kubectl delete', 'kubectl', 'get', 'pods')).toBe(false);
    expect(p('terraform apply -destroy', 'terraform', 'apply', '-destroy')).toBe(true);
    expect(p('git push --force', 'git', 'push', '-f', 'origin')).toBe(true);
    expect(p('git push --force', 'git', 'push', 'origin')).toBe(false);
  });
});

describe('policy decisions', () => {
  let policy: Policy;
  beforeAll(async () => {
    policy = await Policy.create();
  });

  it('blocks an agent running psql -c "DROP TABLE customers" out of the box', () => {
    const d = policy.decide({
      kind: 'tool',
      tool: 'Bash',
      input: { command: 'psql -h db -c "DROP TABLE customers"' },
    });
    expect(d).toMatchObject({ verdict: 'block', rule: 'sql-drop' });
    expect(
      policy.decide({ kind: 'command', text: `bash -c "psql -c 'TRUNCATE orders'"` }).verdict,
    ).toBe('block');
  });

  it('applies the defaults by content and environment', () => {
    expect(policy.decide({ kind: 'sql', text: 'DELETE FROM users' }, DEV)).toMatchObject({
      verdict: 'block',
      rule: 'sql-unbounded-write',
    });
    expect(
      policy.decide({ kind: 'sql', text: 'UPDATE accounts SET plan = 2 WHERE id = 7' }, PROD),
    ).toMatchObject({
      verdict: 'review',
      rule: 'sql-write-production',
    });
    expect(
      policy.decide({ kind: 'sql', text: 'UPDATE accounts SET plan = 2 WHERE id = 7' }, DEV)
        .verdict,
    ).toBe('allow');
    expect(policy.decide({ kind: 'sql', text: 'SELECT * FROM accounts' }, PROD).verdict).toBe(
      'allow',
    );
    expect(policy.decide({ kind: 'command', text: 'sudo rm -rf /' }).verdict).toBe('block');
    expect(policy.decide({ kind: 'command', text: 'rm -rf node_modules' }, DEV).verdict).toBe(
      'allow',
    );
    expect(policy.decide({ kind: 'command', text: 'rm -rf node_modules' }, PROD).verdict).toBe(
      'review',
    );
    expect(policy.decide({ kind: 'command', text: 'terraform destroy' }, PROD).verdict).toBe(
      'block',
    );
    expect(policy.decide({ kind: 'command', text: 'terraform destroy' }, DEV).verdict).toBe(
      'review',
    );
    expect(
      policy.decide({ kind: 'command', text: 'kubectl -n prod delete pod api-1' }, PROD).verdict,
    ).toBe('review');
    expect(policy.decide({ kind: 'command', text: 'printenv' }).verdict).toBe('mask');
    expect(policy.decide({ kind: 'command', text: 'echo "rm -rf /"' }).verdict).toBe('allow');
  });

  it('sees through the usual ways around the rules', () => {
    const blocked = [
      'sudo -iu root rm -rf /',
      'bash -c -- "rm -rf /"',
      "su - root -c 'rm -rf /'",
      'eval rm -rf /',
      'psql <<< "DROP TABLE customers"',
      'psql -d prod <<EOF\nDROP TABLE customers;\nEOF',
      'find / -delete',
      'mkfs.ext4 /dev/sdb1',
    ];
    for (const text of blocked)
      expect(policy.decide({ kind: 'command', text }, DEV).verdict, text).toBe('block');
    for (const sql of ['DROP ROLE app', 'DROP OWNED BY app CASCADE', 'DROP TABLE `users`']) {
      expect(policy.decide({ kind: 'sql', text: sql, dialect: 'mysql' }, DEV).verdict, sql).toBe(
        'block',
      );
    }
    expect(
      policy.decide({ kind: 'sql', text: 'DROP TABLE [users]', dialect: 'sqlite' }, DEV).verdict,
    ).toBe('block');
    // What the line does not show: a review in production.
    for (const text of ['psql -f migrate.sql', 'cat x.sql | psql', 'psql < x.sql', '$TOOL -rf /']) {
      expect(policy.decide({ kind: 'command', text }, PROD).verdict, text).toBe('review');
    }
    expect(policy.decide({ kind: 'sql', text: 'CALL purge_everything()' }, PROD).verdict).toBe(
      'review',
    );
    expect(policy.decide({ kind: 'command', text: 'psql -c "SELECT 1"' }, PROD).verdict).toBe(
      'allow',
    );
  });

  it('treats what does not parse as a review in production and lets it through elsewhere', () => {
    expect(policy.decide({ kind: 'sql', text: 'SELEC * FORM t' }, PROD)).toMatchObject({
      verdict: 'review',
      rule: 'unparsable',
      reason: expect.stringMatching(/does not parse: syntax error/),
    });
    expect(policy.decide({ kind: 'sql', text: 'SELEC * FORM t' }, DEV).verdict).toBe('allow');
    expect(policy.failsClosed(PROD)).toBe(true);
    expect(policy.failsClosed(DEV)).toBe(false);
  });

  it('checks a policy’s own rules first, in order, scoped by resource and actor', async () => {
    const own = await Policy.create({
      rules: [
        { id: 'ci-may-reset', verdict: 'allow', match: { sql: ['truncate'], actor: ['ci-*'] } },
        {
          id: 'agents-review-writes',
          verdict: 'review',
          match: { sql: ['insert'], actorType: ['agent'] },
        },
        {
          id: 'no-mcp-deploy',
          verdict: 'block',
          reason: 'no deploys',
          match: { tool: ['mcp__deploy*'] },
        },
      ],
    });
    expect(
      own.decide({ kind: 'sql', text: 'TRUNCATE runs' }, { actor: { type: 'service', id: 'ci-7' } })
        .verdict,
    ).toBe('allow');
    expect(
      own.decide({ kind: 'sql', text: 'TRUNCATE runs' }, { actor: { type: 'human', id: 'bob' } })
        .verdict,
    ).toBe('block');
    expect(
      own.decide(
        { kind: 'sql', text: 'INSERT INTO t VALUES (1)' },
        { actor: { type: 'agent', id: 'x' } },
      ).verdict,
    ).toBe('review');
    expect(own.decide({ kind: 'tool', tool: 'mcp__deploy_prod', input: {} })).toMatchObject({
      verdict: 'block',
      reason: 'no deploys',
    });
    const bare = await Policy.create({ defaults: false });
    expect(bare.decide({ kind: 'sql', text: 'DROP TABLE x' }).verdict).toBe('allow');
  });

  it('reads YAML rule files and names the field of a mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const good = join(dir, 'policy.yaml');
    writeFileSync(
      good,
      'rules:\n  - id: no-grants\n    verdict: block\n    match:\n      sql: [grant]\n',
    );
    const p = await Policy.fromFile(good);
    expect(p.decide({ kind: 'sql', text: 'GRANT ALL ON t TO x' })).toMatchObject({
      verdict: 'block',
      rule: 'no-grants',
    });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'rules:\n  - id: x\n    verdict: deny\n');
    await expect(Policy.fromFile(bad)).rejects.toThrow(PolicyFileError);
    await expect(Policy.fromFile(bad)).rejects.toThrow(/bad\.yaml: rules\[0\]\.verdict/);
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'rules:\n  - id: x\n    verdict: block\n    match: { sqll: [drop] }\n');
    await expect(Policy.fromFile(typo)).rejects.toThrow(/typo\.yaml: rules\[0\]\.match/);
  });
});
