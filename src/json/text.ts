/**
 * String helpers every stored text goes through: PostgreSQL-safe characters and cuts that never
 * split a surrogate pair (an emoji cut in half would be stored as U+FFFD).
 */

/** Makes a string storable in PostgreSQL text/jsonb: no NUL, no lone surrogates. */
export function cleanString(value: string): string {
  let out = value;
  if (out.includes('\u0000')) out = out.replaceAll('\u0000', '\uFFFD');
  if (!out.isWellFormed()) out = out.toWellFormed();
  return out;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The first `maxUnits` UTF-16 units of `s`, one fewer when the cut would split a surrogate pair. */
export function cutUnits(s: string, maxUnits: number): string {
  if (s.length <= maxUnits) return s;
  if (maxUnits <= 0) return '';
  const end = isHighSurrogate(s.charCodeAt(maxUnits - 1)) ? maxUnits - 1 : maxUnits;
  return s.slice(0, end);
}

/**
 * The first `maxChars` characters (code points, as PostgreSQL's varchar(n) counts them) of `s`.
 * Linear in the kept part only.
 */
export function cutCodePoints(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  let units = 0;
  for (let chars = 0; chars < maxChars && units < s.length; chars++)
    units += isHighSurrogate(s.charCodeAt(units)) && units + 1 < s.length ? 2 : 1;
  return s.slice(0, units);
}

/** Number of code points in `s` (what varchar(n) limits). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++)
    if (isHighSurrogate(s.charCodeAt(i))) {
      if (isLowSurrogate(s.charCodeAt(i + 1))) {
        n--;
        i++;
      }
    }
  return n;
}

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function cutUtf8(s: string, maxBytes: number): string {
  // UTF-8 needs at most 3 bytes per UTF-16 unit: below that no measuring is needed.
  if (s.length * 3 <= maxBytes) return s;
  let bytes = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1));
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    if (pair) i++;
  }
  return s.slice(0, i);
}
