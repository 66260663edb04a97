import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { inDialect, writeCsv } from './csv-write.js';

describe('the one CSV writer', () => {
  it('escapes cells that a spreadsheet would run as formulas, also behind a control character', () => {
    const cells = ['=HYPERLINK("x")', '+1', '-2', '@a', '\tx', '\u0000=1+2', '\r=A1', 'plain'];
    const text = writeCsv(
      ['v'],
      cells.map((c) => [c]),
    );
    expect(text.split('\n').slice(1, -1)).toEqual([
      `"'=HYPERLINK(""x"")"`,
      `"'+1"`,
      `"'-2"`,
      `"'@a"`,
      `"'\tx"`,
      `"'\u0000=1+2"`,
      `"'\r=A1"`,
      'plain',
    ]);
  });

  it('quotes separators, quotes and line breaks, and reads back to the same cells', () => {
    const rows = [['x,y', 'say "hi"', 'two\nlines', 'plain', '']];
    const text = writeCsv(['a', 'b', 'c', 'd', 'e'], rows);
    expect(text).toBe('a,b,c,d,e\n"x,y","say ""hi""","two\nlines",plain,\n');
    const back = parseCsv(text, 'back.csv');
    expect(back.header).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(back.rows.map((r) => r.cells)).toEqual(rows);
  });

  it('writes numbers as they are, empty for missing cells, and CRLF when asked', () => {
    expect(writeCsv(['n', 'm'], [[-3, null]], '\r\n')).toBe('n,m\r\n-3,\r\n');
    expect(writeCsv(['only'], [])).toBe('only\n');
  });

  it('quotes a cell holding any separator, so that no reader splits a formula out of it', () => {
    const text = writeCsv(['reason'], [['see note;=1+1;'], ['a\t=2'], ['x|=3']]);
    expect(text).toBe('reason\n"see note;=1+1;"\n"a\t=2"\n"x|=3"\n');
    // Read as Russian Excel reads it, split on `;`: still one cell.
    expect(parseCsv(text, 'x.csv', { delimiter: ';' }).rows[0]!.cells).toEqual(['see note;=1+1;']);
  });

  it("writes Excel's Russian dialect: byte-order mark, `;`, CRLF, the same cells, escaped once", () => {
    const plain = writeCsv(
      ['ФИО', 'причина', 'число'],
      [
        ['Иванов Иван Петрович', '=1+1', 3],
        ['Ёлкина, Анна', 'see note;=1+1;', -2],
      ],
    );
    const ru = inDialect(plain, 'excel-ru');
    expect(ru).toBe(
      '\uFEFFФИО;причина;число\r\nИванов Иван Петрович;\'=1+1;3\r\n"Ёлкина, Анна";"see note;=1+1;";-2\r\n',
    );
    expect(inDialect(plain, 'csv')).toBe(plain);
    const back = parseCsv(ru.slice(1), 'ru.csv');
    expect(back.rows.map((r) => r.cells)).toEqual([
      ['Иванов Иван Петрович', "'=1+1", '3'],
      ['Ёлкина, Анна', 'see note;=1+1;', '-2'],
    ]);
  });
});
