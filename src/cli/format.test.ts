import { describe, expect, it } from 'vitest';
import { csvCell, formatCsv } from './format.js';

describe('csv export', () => {
  it('escapes cells that a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@a')).toBe("'@a");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('plain')).toBe('plain');
  });
  it('quotes separators', () => {
    expect(formatCsv(['a', 'b'], [['x,y', 'z']])).toBe('a,b\n"x,y",z\n');
  });
});
