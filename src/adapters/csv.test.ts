import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCsv, parseCsv, parseCsvChunks } from './csv.js';
import iconv from 'iconv-lite';

/** Writes one RFC 4180 row, quoting cells that need it. */
function writeRow(cells: string[], sep: string): string {
  return cells.map((c) => (/[",;\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(sep);
}

describe('csv', () => {
  it('detects the separator and keeps line numbers', () => {
    const t = parseCsv('id;name\n1;"A; B"\n\n2;C\n', 'f.csv');
    expect(t.header).toEqual(['id', 'name']);
    expect(t.rows).toEqual([
      { line: 2, cells: ['1', 'A; B'] },
      { line: 4, cells: ['2', 'C'] },
    ]);
  });
  it('reads a BOM and windows-1251', () => {
    expect(decodeCsv(Buffer.from('\ufeffid\n1\n', 'utf8'))).toBe('id\n1\n');
    expect(decodeCsv(iconv.encode('имя\nИван\n', 'win1251'), 'windows-1251')).toBe('имя\nИван\n');
  });
  it('refuses bytes that are not UTF-8, naming each line, unless an encoding is declared', () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name\n1,Ann\n2,B'),
      Buffer.from([0xff]),
      Buffer.from('ob\n3,Cy\n4,'),
      Buffer.from([0xc3]),
      Buffer.from('\n'),
    ]);
    let problems: unknown;
    try {
      decodeCsv(bytes, 'utf-8', 'p.csv');
    } catch (e) {
      problems = (e as { problems: unknown }).problems;
    }
    expect(problems).toEqual([
      expect.objectContaining({ where: 'p.csv:3', code: 'not_utf8' }),
      expect.objectContaining({ where: 'p.csv:5', code: 'not_utf8' }),
    ]);
    expect(decodeCsv(bytes, 'windows-1251', 'p.csv')).toContain('Bяob');
  });
  it('refuses control characters (tab aside) and over-long cells, each at its line and column', () => {
    const text =
      'id,name,unit\np1,Ann,Org/\u0000B\np2,Tab\there,Org\np3,Bob\u0007,Org\np4,' +
      'x'.repeat(5000) +
      ',Org\n';
    const refused = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return (e as { problems: unknown }).problems;
      }
      return null;
    };
    const expected = [
      {
        where: 'f.csv:2 unit',
        value: 'Org/\u0000B',
        code: 'control_character',
        message: 'contains the control character U+0000 at position 5',
      },
      {
        where: 'f.csv:4 name',
        value: 'Bob\u0007',
        code: 'control_character',
        message: 'contains the control character U+0007 at position 4',
      },
      {
        where: 'f.csv:5 name',
        value: 'x'.repeat(40),
        code: 'too_long',
        params: { maximum: 4096 },
        message: 'is 5000 characters long; at most 4096',
      },
    ];
    expect(refused(() => parseCsv(text, 'f.csv'))).toEqual(expected);
    // A large file without quotes is read in chunks: checked all the same, before any row.
    const big = text + 'p9,Padding,Org\n'.repeat(80_000);
    expect(big.length).toBeGreaterThan(1 << 20);
    expect(refused(() => parseCsvChunks(big, 'f.csv'))).toEqual(expected);
    expect(parseCsv('id,name\np2,Tab\there\n', 'f.csv').rows[0]!.cells[1]).toBe('Tab\there');
  });
  it('refuses an empty file but accepts a header-only one', () => {
    expect(() => parseCsv('', 'f.csv')).toThrow(/empty/);
    expect(parseCsv('id,name\n', 'f.csv').rows).toEqual([]);
  });
  it('round-trips any cells through quoting (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(',', ';'),
        fc.array(
          fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 2 }),
          { minLength: 1, maxLength: 10 },
        ),
        (sep, rows) => {
          const text =
            ['a' + sep + 'b', ...rows.map((r) => writeRow(r, sep))].join('\r\n') + '\r\n';
          const t = parseCsv(text, 'f.csv', { delimiter: sep });
          expect(t.rows.map((r) => r.cells)).toEqual(rows.filter((r) => r.join('') !== ''));
        },
      ),
    );
  });
});

describe('csv line numbers', () => {
  it('count the newlines inside quoted cells', () => {
    const t = parseCsv('id,note\n1,"two\nlines"\n2,x\n', 'f.csv');
    expect(t.rows.map((r) => r.line)).toEqual([2, 4]);
  });
  it('names the line of a quoting error', () => {
    expect(() => parseCsv('id,note\n1,x\n2,"open\n', 'f.csv')).toThrow(/not valid CSV/);
  });
});

describe('csv chunks', () => {
  it('cut a large quote-free file at newlines with the right line numbers', async () => {
    const { parseCsvChunks } = await import('./csv.js');
    const body = Array.from({ length: 25 }, (_, i) => (i === 7 ? '' : `${i},x`)).join('\n');
    const text = `id,v\n${body}\n`.padEnd(1 << 20, '\n');
    const c = parseCsvChunks(text, 'f.csv', {}, 10);
    const rows = [...c.chunks()].flat();
    expect(c.header).toEqual(['id', 'v']);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toEqual({ line: 2, cells: ['0', 'x'] });
    expect(rows[7]).toEqual({ line: 10, cells: ['8', 'x'] });
    expect(rows[23]).toEqual({ line: 26, cells: ['24', 'x'] });
  });

  it("skips PowerShell's #TYPE first line, small file or large, and keeps true line numbers", () => {
    const small = parseCsv('#TYPE Microsoft.Graph.X\r\n"A";"B"\r\n"1";"2"\r\n', 'g.csv');
    expect(small.header).toEqual(['a', 'b']);
    expect(small.rows).toEqual([{ line: 3, cells: ['1', '2'] }]);
    const rows = Array.from({ length: 60_000 }, (_, i) => `id-${i},${'x'.repeat(20)}`);
    const big = parseCsvChunks(`#TYPE Microsoft.Graph.X\nId,Name\n${rows.join('\n')}\n`, 'big.csv');
    expect(big.header).toEqual(['id', 'name']);
    const all = [...big.chunks()].flat();
    expect(all.length).toBe(60_000);
    expect(all[0]).toEqual({ line: 3, cells: ['id-0', 'x'.repeat(20)] });
    expect(all.at(-1)!.line).toBe(60_002);
  });
});
