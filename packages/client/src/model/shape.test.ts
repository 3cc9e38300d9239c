import { describe, expect, it } from 'vitest';
import { commandShape, MAX_SHAPE_CHARS, sqlFingerprint, statementShape } from './shape';

describe('sqlFingerprint', () => {
  it('replaces literals and parameters, and collapses value lists', () => {
    expect(sqlFingerprint("INSERT INTO customers VALUES (7, 'Ann O''Neil', -3.5e2, $1)")).toBe(
      'INSERT INTO customers VALUES (…)',
    );
    expect(sqlFingerprint("insert into t (a, b) values (1,'a'),(2,'b'), (3, 'c');")).toBe(
      'insert into t (a, b) values (…)',
    );
    expect(sqlFingerprint('SELECT * FROM t WHERE id IN (1,2,3) AND x >= 5')).toBe(
      'SELECT * FROM t WHERE id IN (…) AND x >= ?',
    );
    expect(sqlFingerprint('SELECT * FROM t WHERE id IN (?, ?) AND y = :name OR z = @p')).toBe(
      'SELECT * FROM t WHERE id IN (…) AND y = ? OR z = ?',
    );
    expect(
      sqlFingerprint("UPDATE t SET a = E'x\\'y', b = $$it's$$, c = $q$x$q$ WHERE id = 0x1F"),
    ).toBe('UPDATE t SET a = ?, b = ?, c = ? WHERE id = ?');
  });

  it('drops comments, normalises whitespace, keeps quoted names and casts', () => {
    expect(
      sqlFingerprint('SELECT  a::int\n\t-- the id\nFROM "My Table" /* hint */ WHERE  b = 1'),
    ).toBe('SELECT a :: int FROM "My Table" WHERE b = ?');
    expect(sqlFingerprint('select x from t')).not.toBe(sqlFingerprint('select y from t'));
  });

  it('gives two statements that differ only in literals the same fingerprint', () => {
    const a = sqlFingerprint("INSERT INTO customers (id, name) VALUES (1000, 'customer 0')");
    const b = sqlFingerprint("INSERT INTO customers (id, name) VALUES (1119, 'customer 119')");
    expect(a).toBe(b);
    expect(a).toBe('INSERT INTO customers (id, name) VALUES (…)');
  });

  it('bounds the shape of a very long statement', () => {
    const long = `SELECT ${Array.from({ length: 500 }, (_, i) => `c${i}`).join(', ')} FROM t`;
    expect(sqlFingerprint(long).length).toBe(MAX_SHAPE_CHARS);
  });
});

describe('commandShape', () => {
  it('keeps the command, its subcommand and its flags, and replaces arguments', () => {
    expect(commandShape('rm -rf /tmp/a /tmp/b && ls -l /tmp')).toBe('rm -rf … && ls -l …');
    expect(commandShape('FOO=1 /usr/bin/curl --data=@x -X POST https://x | jq ".a b"')).toBe(
      'curl --data=… -X … | jq …',
    );
    expect(commandShape('kubectl delete namespace billing')).toBe('kubectl delete …');
    expect(commandShape('git push origin main')).toBe('git push …');
    expect(commandShape('aws s3 cp a.txt s3://bucket/a.txt')).toBe('aws s3 cp …');
    expect(commandShape("cat '/var/log/app 1.log'")).toBe(commandShape('cat /var/log/app-2.log'));
  });
});

describe('shapes that keep what tells actions apart', () => {
  it('keeps what a wrapper runs', () => {
    expect(commandShape('sudo rm /etc/passwd')).toBe('sudo rm …');
    expect(commandShape('sudo rm /etc/passwd')).not.toBe(commandShape('sudo cat x'));
    expect(commandShape('sudo -u bob rm -rf /x')).toBe('sudo -u … rm -rf …');
    expect(commandShape('env FOO=1 BAR=2 nice -n 10 nohup time timeout 5 rm -rf x')).toBe(
      'env nice -n … nohup time timeout … rm -rf …',
    );
    expect(commandShape('find . | xargs -n 1 rm')).toBe('find … | xargs -n … rm');
    expect(commandShape('doas reboot')).not.toBe(commandShape('doas ls'));
  });

  it("shapes a shell's script and a SQL client's statement", () => {
    expect(commandShape("bash -c 'rm -rf /'")).toBe("bash -c 'rm -rf …'");
    expect(commandShape("bash -c 'rm -rf /'")).not.toBe(commandShape('bash -c ls'));
    expect(commandShape('sh -c "cd /x && make"')).toBe("sh -c 'cd … && make'");
    expect(commandShape('zsh -lc ls')).toBe("zsh -c 'ls'");
    expect(commandShape('psql -h db -c "DELETE FROM t WHERE id = 3"')).toBe(
      "psql -h … -c 'DELETE FROM t WHERE id = ?'",
    );
    expect(commandShape('mysql -e "SELECT 1"')).not.toBe(commandShape('mysql -e "DROP TABLE t"'));
  });

  it('splits at newlines and keeps redirections, their targets a hole', () => {
    expect(commandShape('cd /repo\nrm -rf build')).toBe('cd … ; rm -rf …');
    expect(commandShape('echo x > /etc/passwd')).toBe('echo … > …');
    expect(commandShape('echo x > /etc/passwd')).not.toBe(commandShape('echo x'));
    expect(commandShape('cmd 2>&1 >> log.txt < in')).toBe('cmd 2>&1 >> … < …');
  });

  it("makes a flag's attached value a hole", () => {
    expect(commandShape('mysql -uroot -pS3cret')).toBe('mysql -u… -p…');
    expect(commandShape('mysql -uroot -pS3cret')).not.toContain('S3cret');
    expect(commandShape('ls -la /x')).toBe('ls -la …');
  });

  it('never groups two long statements that differ past the cut', () => {
    const columns = Array.from({ length: 120 }, (_, i) => `c${i}`).join(', ');
    const a = sqlFingerprint(`SELECT ${columns}, a FROM t`);
    const b = sqlFingerprint(`SELECT ${columns}, b FROM t`);
    expect(a.length).toBe(MAX_SHAPE_CHARS);
    expect(a).not.toBe(b);
    expect(commandShape(`echo ${'-x '.repeat(300)}--a`)).not.toBe(
      commandShape(`echo ${'-x '.repeat(300)}--b`),
    );
  });
});

describe('statementShape', () => {
  const base = { id: 'evt_1', sessionId: 'sess_1', seq: 1, time: '2026-11-25T06:19:32.123Z' };
  it('shapes each kind of action, and none for lifecycle and verdicts', () => {
    expect(statementShape({ ...base, type: 'query', sql: 'DELETE FROM t WHERE id = 4' })).toBe(
      'DELETE FROM t WHERE id = ?',
    );
    expect(
      statementShape({ ...base, type: 'tool_call', tool: 'Bash', input: { command: 'ls -la x' } }),
    ).toBe('Bash: ls -la …');
    expect(
      statementShape({ ...base, type: 'tool_call', tool: 'Read', input: { file_path: '/a' } }),
    ).toBe('Read(file_path: …)');
    expect(
      statementShape({
        ...base,
        type: 'outbound',
        protocol: 'https',
        host: 'api.example.com',
        method: 'GET',
      }),
    ).toBe('GET https://api.example.com');
    expect(statementShape({ ...base, type: 'lifecycle', action: 'end' })).toBeNull();
    expect(statementShape({ ...base, type: 'policy', verdict: 'blocked' })).toBeNull();
  });
});
