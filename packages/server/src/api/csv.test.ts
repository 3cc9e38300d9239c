import { describe, expect, it } from 'vitest';
import { csvLine } from './csv';

const cell = (value: unknown) => csvLine([value]).slice(0, -2);

describe('csvLine', () => {
  it('keeps every formula a spreadsheet could run as text, after leading blanks too', () => {
    const formulas: [string, string][] = [
      ['=1+1', "'=1+1"],
      ['+1+1', "'+1+1"],
      ['-1+1', "'-1+1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      [' =1+1', "' =1+1"],
      ['   @SUM(A1)', "'   @SUM(A1)"],
      ['\u00a0=1+1', "'\u00a0=1+1"],
      ['\u3000=1+1', "'\u3000=1+1"],
      ['\u200b=1+1', "'\u200b=1+1"],
      ['\ufeff=1+1', "'\ufeff=1+1"],
      ['\u0000=1+1', "'\u0000=1+1"],
      ['\uff1d1+1', "'\uff1d1+1"],
      ['\uff0b1+1', "'\uff0b1+1"],
      ['\uff0d1+1', "'\uff0d1+1"],
      ['\uff20SUM(A1)', "'\uff20SUM(A1)"],
      [' \uff1d1+1', "' \uff1d1+1"],
      // Quoted as well: they hold a line break or a tab.
      ['\n=1+1', '"\'\n=1+1"'],
      ['\r\n=1+1', '"\'\r\n=1+1"'],
      ['\t=1+1', '"\'\t=1+1"'],
      ['\tx', '"\'\tx"'],
      ['\rx', '"\'\rx"'],
      ['\nx', '"\'\nx"'],
      ['=HYPERLINK("http://evil.test","x")', '"\'=HYPERLINK(""http://evil.test"",""x"")"'],
    ];
    for (const [raw, written] of formulas) expect(cell(raw), JSON.stringify(raw)).toBe(written);
  });

  it('leaves other text, numbers and booleans as they are', () => {
    expect(cell('SELECT 1')).toBe('SELECT 1');
    expect(cell('a = b')).toBe('a = b');
    expect(cell('x@y.test')).toBe('x@y.test');
    expect(cell(-5)).toBe('-5');
    expect(cell(1.5e-7)).toBe('1.5e-7');
    expect(cell(true)).toBe('true');
    expect(cell(null)).toBe('');
    expect(cell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('quotes a cell holding the separator of any common dialect', () => {
    expect(cell('a,=1+1')).toBe('"a,=1+1"');
    expect(cell('a;=1+1')).toBe('"a;=1+1"');
    expect(cell('a\t=1+1')).toBe('"a\t=1+1"');
    expect(csvLine(['a', 'b c', 1])).toBe('a,b c,1\r\n');
  });
});
