/**
 * CSV for people who open it in a spreadsheet (RFC 4180, plus formula-injection defence).
 */

/**
 * A text cell starting with one of these is read as a formula by Excel, LibreOffice and
 * Google Sheets (`=HYPERLINK(…)`, `@SUM(…)`, `+cmd|…`); tab and carriage return are
 * swallowed in front of such a cell. OWASP "CSV Injection".
 */
const formulaStart = /^[=+\-@\t\r]/;
/** What forces a cell into quotes (RFC 4180 §2.6). */
const needsQuotes = /[",\r\n]/;

/**
 * One cell. Text that a spreadsheet would run as a formula gets a leading `'` (shown as
 * text, not executed); then a cell holding a quote, comma or line break is quoted, its
 * quotes doubled. Numbers are written as numbers: they are produced by the server, never
 * typed by anyone, and a negative one must stay a number. null is an empty cell.
 */
export const csvCell = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

type Cell = Parameters<typeof csvCell>[0];

/** A header row of `columns`, then one line per row; CRLF line ends, as RFC 4180 has them. */
export const toCsv = <K extends string>(
  columns: readonly K[],
  rows: readonly Readonly<Record<K, Cell>>[],
): string =>
  [columns.map(csvCell), ...rows.map((row) => columns.map((c) => csvCell(row[c])))]
    .map((cells) => `${cells.join(',')}\r\n`)
    .join('');

/**
 * Whether an `Accept` header asks for CSV rather than JSON (JSON is the default). Each
 * type takes the quality of the most specific range that matches it; CSV wins on a higher
 * quality, or on equal quality when it is named more specifically (`text/csv, *\/*`).
 */
export const prefersCsv = (accept: string | undefined): boolean => {
  if (accept === undefined) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { range, quality: Number.isFinite(quality) ? quality : 0 };
  });
  const rank = (type: string): [number, number] => {
    const [major] = type.split('/');
    let best: [number, number] = [0, -1];
    for (const { range, quality } of ranges) {
      const specificity =
        range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > best[1]) best = [quality, specificity];
    }
    return best;
  };
  const [csvQ, csvSpec] = rank('text/csv');
  const [jsonQ, jsonSpec] = rank('application/json');
  return csvQ > 0 && (csvQ > jsonQ || (csvQ === jsonQ && csvSpec > jsonSpec));
};
