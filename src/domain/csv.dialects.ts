/**
 * The shapes a CSV export is written in: `csv`, comma-separated UTF-8 (RFC 4180, what tools
 * read), and `excel-ru`, what Russian Excel opens by a double click: `;`-separated, UTF-8 with a
 * byte-order mark, CRLF.
 */
export const CSV_DIALECTS = ['csv', 'excel-ru'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];
