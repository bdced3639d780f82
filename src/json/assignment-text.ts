/**
 * Where the value of a key written in text lies: `key=value`, `key: value`, `"key":"value"`,
 * `key => value`, `--key value`, `<key>value</key>`, SQL `PASSWORD 'value'`, YAML block scalars.
 * Every scan is bounded, so a text costs time linear in its length.
 */

const AUTH_SCHEME = /^(?:bearer|basic|token|negotiate|ntlm|apikey|api-key|ssws)$/i;

/** Spaces around a separator: ASCII and the Unicode ones that text copied from documents holds. */
function isSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 32 || c === 9) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a)
  );
}

/** `%3D` (an URL-encoded "=") at `i`: the separator of a query string inside a URL's parameter. */
function isEncodedEquals(text: string, i: number): boolean {
  return text[i] === '%' && text[i + 1] === '3' && (text[i + 2] === 'D' || text[i + 2] === 'd');
}

/** [A-Za-z0-9_.-], by char code: this runs for every character around every hint. */
export function isKeyChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 45
  );
}

/** Words that start a phrase rather than name a key ("the key: …", "your key = …"). */
const NOT_KEY_WORDS = new Set(
  'the a an this that these those your my our their his her its which what one no any each every some same other new old'.split(
    ' ',
  ),
);

/**
 * Where a key written as up to two more words before `start` begins ("Secret Access" before
 * "Key"); `start` when there is none. Words are joined by one space; an article stops it.
 */
export function wordsBefore(text: string, start: number): number {
  let from = start;
  for (let n = 0; n < 2; n++) {
    if (from < 2 || text.charCodeAt(from - 1) !== 32) break;
    let k = from - 1;
    while (k > 0 && from - k < 32 && isKeyChar(text, k - 1)) k--;
    if (k === from - 1 || NOT_KEY_WORDS.has(text.slice(k, from - 1).toLowerCase())) break;
    from = k;
  }
  return from;
}

/** Where the value of the key at [start, end) lies, if a separator follows it. */
export interface ValueSpan {
  from: number;
  to: number;
  /** An object or array written after the key (`"auth": {...}`). */
  nested: boolean;
}

/**
 * How far a value is read before a key is judged. A secret's value that reaches it is read again
 * without the bound (once: what it covers is skipped after), so no tail of a long secret is left.
 */
export const MAX_VALUE = 4096;

export function valueAfter(
  text: string,
  start: number,
  end: number,
  limit = MAX_VALUE,
): ValueSpan | undefined {
  if (start > 0 && text.charCodeAt(start - 1) === 60) return elementText(text, end, limit); // <key>
  let i = end;
  // An index after the key: password[0]=…, keys[2]: …
  if (text[i] === '[') {
    const close = text.indexOf(']', i);
    if (close > i && close - i <= 8 && /^\[\w*\]$/.test(text.slice(i, close + 1))) i = close + 1;
  }
  // A closing quote or bracket of the key: "key": / 'key'= / \"key\": / headers['key'] =
  for (let n = 0; n < 4 && i < text.length && `"'\\]\``.includes(text[i]!); n++) i++;
  const quotedKey = i > end && text[i - 1] !== ']';
  const gap = i;
  while (i < text.length && i - gap < 4 && isSpace(text, i)) i++;
  const c = text[i];
  if (c === '=' || c === ':') {
    i++;
    if (text[i] === '>' || text[i] === '=') i++;
  } else if ((c === '-' && text[i + 1] === '>') || (c === '<' && text[i + 1] === '-')) i += 2;
  else if ((c === '?' || c === '+') && text[i + 1] === '=')
    i += 2; // make's ?= and +=
  else if (c === '\u2192')
    i++; // password → value
  else if (isEncodedEquals(text, i)) i += 3;
  else if ((c === "'" || c === '"') && i > gap && !quotedKey) {
    // SQL: PASSWORD 'value' (the quote opens the value, read below)
  } else if (c === '(' && (text[i + 1] === "'" || text[i + 1] === '"'))
    i++; // PASSWORD('value')
  else if (c === ',' && quotedKey && opensList(text, start))
    i++; // ["authorization", "…"], set("password", "…")
  else if ((c === ',' || c === '\n' || c === '\r') && namedBefore(text, start)) {
    // {"name":"DB_PASSWORD","value":"…"}, "- name: DB_PASSWORD\n  value: …"
    const at = valueField(text, i + 1);
    if (at === undefined) return undefined;
    i = at;
  } else if (!(text[start] === '-' && i > gap)) return undefined; // "--password value"
  const afterSep = i;
  while (i < text.length && i - afterSep < 4 && isSpace(text, i)) i++;
  if (text[i] === '\n' || text[i] === '\r') {
    // The value on the next line, indented deeper than the key ("password:\n  value").
    const next = nextLineValue(text, start, i);
    if (next === undefined) return undefined;
    i = next;
  }
  const slashes = i;
  while (i < text.length && text[i] === '\\') i++;
  const escaped = i > slashes; // JSON text inside a JSON string: \"password\":\"value\"
  // Python's b'…' / r"…" / f"…", SQL's N'…' / E'…': the prefix is not the value.
  if (/[bBrRuUfFnNeE]/.test(text[i] ?? '') && (text[i + 1] === "'" || text[i + 1] === '"')) i++;
  const open = text[i];
  if (open === '"' || open === "'" || open === '`') {
    const from = i + 1;
    return { from, to: quotedEnd(text, from, open, escaped, limit), nested: false };
  }
  if (open === '{' || open === '[')
    return { from: i, to: bracketEnd(text, i, limit), nested: true };
  const from = i;
  if (text[from] === '|' || text[from] === '>') {
    let j = from + 1;
    while (j < from + 3 && /[-+\d]/.test(text[j] ?? '')) j++;
    const block = blockScalar(text, start, from, j, limit);
    if (block !== undefined) return block;
  }
  i = unquotedEnd(text, i, limit);
  // "Authorization: Bearer abc": the credential is the word after the scheme.
  if (AUTH_SCHEME.test(text.slice(from, i)) && (text[i] === ' ' || text[i] === '\t')) {
    let j = i;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    return { from, to: unquotedEnd(text, j, limit), nested: false };
  }
  return { from, to: widenValue(text, start, from, i, limit), nested: false };
}

function indentOfLine(text: string, at: number): number {
  let lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const first = lineStart;
  while (text[lineStart] === ' ' || text[lineStart] === '-') lineStart++;
  return lineStart - first;
}

/**
 * A YAML block scalar (`password: |` or `>-` then indented lines): the lines indented deeper than
 * the key's, up to `limit` characters.
 */
function blockScalar(
  text: string,
  keyStart: number,
  from: number,
  to: number,
  limit: number,
): ValueSpan | undefined {
  if (!/^[|>][-+]?\d?$/.test(text.slice(from, to))) return undefined;
  let i = to;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\r') i++;
  if (text[i] !== '\n') return undefined;
  const keyIndent = indentOfLine(text, keyStart);
  const start = i + 1;
  let end = start;
  let line = start;
  while (line < text.length && line - start < limit) {
    let k = line;
    while (text[k] === ' ') k++;
    const next = text.indexOf('\n', line);
    const lineEnd = next < 0 ? text.length : next;
    if (k < lineEnd && k - line <= keyIndent) break; // a line back at the key's level
    if (k < lineEnd) end = lineEnd;
    if (next < 0) break;
    line = next + 1;
  }
  return end > start ? { from: start, to: end, nested: false } : undefined;
}

/** The quoted key at `start` opens a list or a call's arguments: `["key", …]`, `set("key", …)`. */
function opensList(text: string, start: number): boolean {
  let k = start - 2;
  while (k >= 0 && k > start - 8 && (text[k] === ' ' || text[k] === '\\')) k--;
  return k >= 0 && (text[k] === '[' || text[k] === '(');
}

/** Where a value on the line after `at` starts, when that line is indented deeper than the key's. */
function nextLineValue(text: string, keyStart: number, at: number): number | undefined {
  let i = at;
  if (text[i] === '\r') i++;
  if (text[i] !== '\n') return undefined;
  i++;
  const lineStart = i;
  while (i < text.length && i - lineStart < 64 && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i - lineStart <= indentOfLine(text, keyStart) || i >= text.length || text[i] === '\n')
    return undefined;
  return i;
}

const NAME_FIELD = /(?:^|[\s{,"'\\])(?:name|key|Name|Key)["'\\]{0,2}\s{0,4}:\s{0,4}["'\\]{0,2}$/;
const VALUE_FIELD = /^[\s,]{0,64}["'\\]{0,2}(?:value|Value)["'\\]{0,2}\s{0,4}:/;

/** The key at `start` is the `name` of a name/value entry (`"name": "…"`, `name: …`). */
function namedBefore(text: string, start: number): boolean {
  return NAME_FIELD.test(text.slice(Math.max(0, start - 16), start));
}

/** Where the value of the entry's `value` field starts, if that field comes next. */
function valueField(text: string, from: number): number | undefined {
  const m = VALUE_FIELD.exec(text.slice(from, from + 96));
  return m === null ? undefined : from + m[0].length;
}

/**
 * `<password>value</password>`, `<ApiKey type="x">value</ApiKey>`: the element's text, when the
 * start tag closes within a short distance and holds no other tag.
 */
function elementText(text: string, nameEnd: number, limit: number): ValueSpan | undefined {
  let i = nameEnd;
  if (text[i] !== '>' && !isSpace(text, i) && text[i] !== '\n') return undefined;
  while (i < text.length && i - nameEnd < 256 && text[i] !== '>' && text[i] !== '<') i++;
  if (text[i] !== '>' || text[i - 1] === '/') return undefined;
  const from = i + 1;
  let to = from;
  while (to < text.length && to - from < limit && text[to] !== '<') to++;
  return to > from ? { from, to, nested: false } : undefined;
}

/**
 * An unquoted value may hold spaces: up to the `;` in a connection string ("Password=p4ss w0rd;"),
 * to the end of the line when the key starts the line ("password: correct horse battery").
 */
function widenValue(
  text: string,
  keyStart: number,
  from: number,
  to: number,
  limit: number,
): number {
  if (to >= text.length || (text[to] !== ' ' && text[to] !== '\t')) return to;
  let lineEnd = text.indexOf('\n', to);
  if (lineEnd < 0 || lineEnd - from > limit) lineEnd = Math.min(text.length, from + limit);
  let k = keyStart - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t' || text[k] === '-')) k--;
  if (k < 0 || text[k] === '\n' || text[k] === '\r') {
    let end = lineEnd;
    while (end > to && /[\s,;]/.test(text[end - 1]!)) end--;
    // More pairs on the line ("max_tokens=1024 input_tokens: 52"): the value is one word.
    return /[=:&]/.test(text.slice(to, end)) ? to : end;
  }
  const semi = text.indexOf(';', to);
  if (semi > 0 && semi < lineEnd && !/[=:&]/.test(text.slice(to, semi))) return semi;
  return to;
}

function quotedEnd(
  text: string,
  from: number,
  quote: string,
  escaped: boolean,
  limit: number,
): number {
  let i = from;
  while (i < text.length && i - from < limit && text[i] !== '\n') {
    if (text[i] === quote) break;
    if (text[i] === '\\') {
      if (escaped && text[i + 1] === quote) break;
      i += 2;
    } else i++;
  }
  return Math.min(i, text.length);
}

/** The end of the object or array opening at `from` (quotes respected), or where the scan gives up. */
function bracketEnd(text: string, from: number, limit: number): number {
  let depth = 0;
  let quote: string | undefined;
  let i = from;
  for (; i < text.length && i - from < limit; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return Math.min(i, text.length);
}

const VALUE_END = new Set([...' \t\n\r\f\v,;&"\'<>(){}[]`']);

function unquotedEnd(text: string, from: number, limit: number): number {
  let i = from;
  while (i < text.length && i - from < limit && !VALUE_END.has(text[i]!)) i++;
  return i;
}
