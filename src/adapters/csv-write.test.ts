import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { writeCsv } from './csv-write.js';

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
});
