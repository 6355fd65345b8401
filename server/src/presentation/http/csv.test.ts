import { describe, expect, it } from 'vitest';
import { csvCell, prefersCsv, toCsv } from './csv.js';

describe('csvCell: RFC 4180 quoting', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['"', '""""'],
    ['émoji ✓ café', 'émoji ✓ café'],
  ])('%j → %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as numbers (negative ones too), null and undefined as empty cells', () => {
    expect(csvCell(12)).toBe('12');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('csvCell: formula injection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['-2+3,4', `"'-2+3,4"`],
  ])('%j is made text: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves alone a formula character that does not start the cell', () => {
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell('2026-11-23')).toBe('2026-11-23');
    expect(csvCell("it's")).toBe("it's");
  });
});

describe('toCsv', () => {
  it('a header row, then one line per row in column order, every line ending CRLF', () => {
    const csv = toCsv(['day', 'name', 'n', 'm'] as const, [
      { day: '2026-11-23', name: 'Cardio, 2nd floor', n: 3, m: null },
      { day: '2026-11-24', name: '=evil()', n: 0, m: 1.5 },
    ]);
    expect(csv).toBe(
      'day,name,n,m\r\n2026-11-23,"Cardio, 2nd floor",3,\r\n2026-11-24,\'=evil(),0,1.5\r\n',
    );
  });

  it('with no rows: the header alone', () => {
    expect(toCsv(['a', 'b'] as const, [])).toBe('a,b\r\n');
  });
});

describe('prefersCsv', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['text/csv', true],
    ['TEXT/CSV; charset=utf-8', true],
    ['text/csv, application/json', false],
    ['application/json, text/csv', false],
    ['text/csv, */*', true],
    ['text/*', true],
    ['application/json;q=0.5, text/csv', true],
    ['text/csv;q=0.5, application/json', false],
    ['text/csv;q=0', false],
    ['text/csv;q=abc', false],
    ['text/html', false],
  ])('Accept: %j → CSV %s', (accept, csv) => {
    expect(prefersCsv(accept)).toBe(csv);
  });
});
