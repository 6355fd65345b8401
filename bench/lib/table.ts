/** A plain box-drawn text table; the first row is the header. */
export const table = (rows: readonly (readonly string[])[]): string => {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  const pad = (cell: string, i: number): string =>
    cell + ' '.repeat((widths[i] ?? 0) - [...cell].length);
  const line = (l: string, m: string, r: string): string =>
    l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const out = [line('┌', '┬', '┐')];
  rows.forEach((row, n) => {
    out.push(`│ ${widths.map((_, i) => pad(row[i] ?? '', i)).join(' │ ')} │`);
    if (n === 0) out.push(line('├', '┼', '┤'));
  });
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
};

export const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || Number.isNaN(value)
    ? '–'
    : value.toLocaleString('en-US', {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
