/**
 * PostgreSQL array literals for the bulk inserts' unnest() parameters of numbers, booleans and
 * times, built in one pass (text-like columns go as binary arrays: binary-array.ts). pg's generic
 * array serializer formats each Date as local time with padStart calls and quotes every element;
 * the server parses the same text either way.
 */

/** `{e1,e2,NULL}`: each picked value written by `element`, null (or undefined) as NULL. */
function literal<T, V>(
  rows: readonly T[],
  pick: (row: T) => V | null,
  element: (value: V) => string,
): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = pick(rows[i]!);
    parts[i] = v === null || v === undefined ? 'NULL' : element(v);
  }
  return `{${parts.join(',')}}`;
}

/** `{1,NULL,3}` for integer/bigint columns (a non-integer is refused by the server, as before). */
export function numberArray<T>(rows: readonly T[], pick: (row: T) => number | null): string {
  return literal(rows, pick, String);
}

/** `{t,f,NULL}` for boolean columns. */
export function booleanArray<T>(rows: readonly T[], pick: (row: T) => boolean | null): string {
  return literal(rows, pick, (v) => (v ? 't' : 'f'));
}

/**
 * A time as PostgreSQL reads it exactly: ISO 8601 in UTC for years 1-9999 (every time the
 * middleware makes), else the way pg writes a Date (years past 9999 as they are, year 0 and before
 * as BC) so the server accepts or refuses it as it did before.
 */
export function timestampText(d: Date): string {
  // An invalid Date: text the server refuses (22007), as it refused pg's "NaN-NaN-…" before.
  if (Number.isNaN(d.getTime())) return 'invalid date';
  const year = d.getUTCFullYear();
  const iso = d.toISOString();
  if (year >= 1 && year <= 9999) return iso;
  const rest = iso.slice(iso.indexOf('-', 1)); // -MM-DDTHH:mm:ss.sssZ after the ±YYYYYY year
  const bc = year < 1;
  return `${String(bc ? 1 - year : year).padStart(4, '0')}${rest.slice(0, -1)}+00:00${bc ? ' BC' : ''}`;
}

/** `{"2026-11-28T06:00:00.123Z",NULL}` for timestamptz columns. */
export function timestampArray<T>(rows: readonly T[], pick: (row: T) => Date | null): string {
  return literal(rows, pick, (v) => `"${timestampText(v)}"`);
}
