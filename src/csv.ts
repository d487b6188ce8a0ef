/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break. A name
 * typed in Smart Assessor that starts like a formula (=, +, -, @) is prefixed with an
 * apostrophe, so a spreadsheet shows it rather than runs it.
 */
export function csvCell(value: string | number | boolean): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document (RFC 4180, CRLF line ends) of a header and rows, each cell through csvCell. */
export function csvLines(rows: Iterable<ReadonlyArray<string | number | boolean>>): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
