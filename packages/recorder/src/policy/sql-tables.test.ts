import { readFileSync } from 'node:fs';
import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqlAnalyzer } from './sql';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));

let sql: SqlAnalyzer;
beforeAll(async () => {
  sql = await SqlAnalyzer.load();
  await loadModule();
});

const tables = (text: string) => {
  const a = sql.analyze(text);
  return { read: [...a.read].sort(), written: [...a.written].sort() };
};

/** The names every WITH clause of a parse tree defines. */
function cteNames(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) cteNames(n, out);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) {
      if (k === 'CommonTableExpr') out.add((v as { ctename: string }).ctename);
      cteNames(v, out);
    }
  return out;
}

describe('tables read and written, from the parse tree', () => {
  it('reads statements of PostgreSQL’s regression tests as expected', () => {
    // Statements taken as they are from test/fixtures/postgres-regress-writes.json.
    const cases: [string, string[], string[]][] = [
      [
        'update bar set f2 = f2 + 100\nfrom\n  ( select f1 from foo union all select f1+3 from foo ) ss\nwhere bar.f1 = ss.f1',
        ['foo'],
        ['bar'],
      ],
      [
        'MERGE INTO target t\nUSING (SELECT sid, delta as newname FROM source WHERE delta > 0) AS s\nON t.tid = s.sid\nWHEN NOT MATCHED THEN\n\tINSERT (tid, balance) VALUES (s.sid, s.newname)',
        ['source'],
        ['target'],
      ],
      [
        'MERGE INTO cj_target t\nUSING cj_source1 s1\n\tINNER JOIN cj_source2 s2 ON sid1 = sid2\nON t.tid = sid1\nWHEN NOT MATCHED THEN\n\tINSERT VALUES (sid1, delta, sval)',
        ['cj_source1', 'cj_source2'],
        ['cj_target'],
      ],
      [
        'MERGE INTO target\nUSING target\nON tid = tid\nWHEN MATCHED THEN DO NOTHING',
        ['target'],
        ['target'],
      ],
      [
        'UPDATE foo SET f3 = f3 * 2\n  WHERE f1 > 10\n  RETURNING *, f1+112 IN (SELECT q1 FROM int8_tbl) AS subplan,\n    EXISTS(SELECT * FROM int4_tbl) AS initplan',
        ['int4_tbl', 'int8_tbl'],
        ['foo'],
      ],
      [
        'CREATE TABLE dupindexcols AS\n  SELECT unique1 as id, stringu2::text as f1 FROM tenk1',
        ['tenk1'],
        ['dupindexcols'],
      ],
      ["COPY y TO stdout WITH CSV QUOTE '''' DELIMITER '|'", ['y'], []],
      ['COPY t3(id, a,b,c) FROM stdin', [], ['t3']],
      [
        "copy (delete from copydml_test where t = 'g' returning id) to stdout",
        [],
        ['copydml_test'],
      ],
      ['TRUNCATE ONLY truncparted', [], ['truncparted']],
      [
        'ALTER TABLE fkpart11.fk ADD CONSTRAINT fkey FOREIGN KEY (a) REFERENCES fkpart11.pk11 (a) ON UPDATE CASCADE ON DELETE CASCADE',
        ['fkpart11.pk11'],
        ['fkpart11.fk'],
      ],
      ['DROP TABLE functional_dependencies_multi', [], ['functional_dependencies_multi']],
      ["INSERT INTO TIMESTAMPTZ_TBL VALUES ('Feb 16 17:32:01 1997')", [], ['timestamptz_tbl']],
      ['insert into rtest_nothn1 select * from rtest_nothn4', ['rtest_nothn4'], ['rtest_nothn1']],
      [
        "WITH RECURSIVE subdepartment(level, id, parent_department, name) AS\n(\n\tSELECT 1, * FROM department WHERE name = 'A'\n\n\tUNION ALL\n\n\tSELECT sd.level + 1, d.* FROM department AS d, subdepartment AS sd\n\t\tWHERE d.parent_department = sd.id\n)\nSELECT * FROM subdepartment ORDER BY name",
        ['department'],
        [],
      ],
      ['WITH t AS (\n\tDELETE FROM y RETURNING *\n)\nSELECT * FROM t', [], ['y']],
      [
        'WITH RECURSIVE\n   x(id) AS\n     (VALUES (1) UNION ALL SELECT id+1 FROM x WHERE id < 5),\n   y(id) AS\n     (VALUES (1) UNION ALL SELECT id+1 FROM y WHERE id < 10)\n SELECT y.*, x.* FROM y LEFT JOIN x USING (id)',
        [],
        [],
      ],
      ['UPDATE fkpart10.tbl1 SET f1 = 3 WHERE f1 = 0', [], ['fkpart10.tbl1']],
      // From the PostgreSQL documentation (SELECT, WITH queries, COPY, ALTER TABLE pages).
      [
        'WITH regional_sales AS (\n    SELECT region, SUM(amount) AS total_sales\n    FROM orders\n    GROUP BY region\n), top_regions AS (\n    SELECT region\n    FROM regional_sales\n    WHERE total_sales > (SELECT SUM(total_sales)/10 FROM regional_sales)\n)\nSELECT region,\n       product,\n       SUM(quantity) AS product_units,\n       SUM(amount) AS product_sales\nFROM orders\nWHERE region IN (SELECT region FROM top_regions)\nGROUP BY region, product',
        ['orders'],
        [],
      ],
      [
        'WITH moved_rows AS (\n    DELETE FROM products\n    WHERE\n        "date" >= \'2010-10-01\' AND\n        "date" < \'2010-11-01\'\n    RETURNING *\n)\nINSERT INTO products_log\nSELECT * FROM moved_rows',
        [],
        ['products', 'products_log'],
      ],
      [
        "COPY (SELECT * FROM country WHERE country_name LIKE 'A%') TO '/usr1/proj/bray/sql/a_list_countries.copy'",
        ['country'],
        [],
      ],
      ['ALTER TABLE distributors RENAME TO suppliers', [], ['distributors']],
      [
        'SELECT * FROM "Films" f JOIN public.distributors d USING (did)',
        ['Films', 'public.distributors'],
        [],
      ],
      ['GRANT SELECT ON films TO PUBLIC', [], []],
    ];
    for (const [text, read, written] of cases)
      expect(tables(text), text).toEqual({ read: read.sort(), written: written.sort() });
  });

  it('finds a written table in every write of the regression tests, and never a CTE name', () => {
    const { statements } = fixture('postgres-regress-writes.json') as {
      statements: { file: string; statement: string; sql: string }[];
    };
    expect(statements.length).toBeGreaterThan(500);
    const missing: string[] = [];
    const ctes: string[] = [];
    for (const s of statements) {
      const t = tables(s.sql);
      // `CREATE TABLE … AS EXECUTE` and `COPY (query) TO`: what they write is in their query.
      const writes =
        s.statement !== 'SelectStmt' &&
        !(
          s.statement === 'CopyStmt' &&
          /\bto\b/i.test(s.sql) &&
          !/\(\s*(delete|update|insert|merge)/i.test(s.sql)
        );
      if (writes && t.written.length === 0) missing.push(s.sql);
      const names = cteNames(parseSync(s.sql));
      for (const name of [...t.read, ...t.written])
        if (names.has(name)) ctes.push(`${name}: ${s.sql}`);
    }
    expect(missing).toEqual([]);
    expect(ctes).toEqual([]);
  });

  it('writes nothing in the SELECTs of the regression tests, and reads what they name', () => {
    const { statements } = fixture('postgres-regress-selects.json') as {
      statements: { file: string; sql: string }[];
    };
    let reading = 0;
    for (const s of statements) {
      const a = sql.analyze(s.sql);
      expect([...a.written], s.sql).toEqual([]);
      const names = cteNames(parseSync(s.sql));
      // Every table named (the policy's own list) is read, unless it is a CTE's name.
      for (const name of a.tables) if (!names.has(name)) expect(a.read.has(name), s.sql).toBe(true);
      if (a.read.size > 0) reading++;
    }
    expect(reading).toBeGreaterThan(200);
  });
});
