/**
 * CSV (RFC 4180) that is safe to open in a spreadsheet: fields with a comma, quote or line break
 * are quoted (quotes doubled), and a cell that a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return) is prefixed with a single quote (OWASP "CSV injection").
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
