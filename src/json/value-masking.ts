/**
 * Masks the secret part of strings: known shapes (BUILT_IN_PATTERNS plus the user's) and
 * `key=value` / `"key": "value"` / `--key value` text whose key names a secret (by the same key
 * matcher as object keys). Built to sit on the orchestrator's path: one combined, case-insensitive
 * check of literal hints first, so most strings cost a single scan; every pattern is linear.
 */
import { REDACTED } from './json-value.js';
import { isNumericText, type KeyVerdict } from './key-matcher.js';
import { HintScanner } from './hint-scanner.js';
import { BUILT_IN_PATTERNS, type ValuePattern } from './value-patterns.js';

export type { ValuePattern };

/** Value-pattern masking settings (the `maskValues` option). */
export interface MaskValuesOptions {
  /** Use the built-in patterns (OpenAI/Anthropic/Stripe, GitHub, AWS, Slack, Google, JWT, ...). Default true. */
  builtIn?: boolean;
  /** Extra patterns, tried after the built-in ones. Default none. */
  patterns?: readonly ValuePattern[];
  /** Mask values of secret-named keys written in text (`password=…`, `"token": "…"`). Default true. */
  assignments?: boolean;
}

/** Reports a fault in user code (an `accept` that threw); the match is masked anyway. */
export type MaskFault = (pattern: string, error: unknown) => void;

interface CompiledPattern {
  name: string;
  regex: RegExp;
  accept: ((secret: string) => boolean) | undefined;
}

/** Starts of words that may name a secret key; each hit is checked by the key matcher. */
const KEY_HINTS = [
  'pass',
  'pw',
  'secret',
  'token',
  'key',
  'auth',
  'bearer',
  'cookie',
  'sess',
  'cred',
  'sig',
  'dsn',
  'jwt',
  'otp',
  'pin',
  'mnemonic',
  'phrase',
  // Terms of the key matcher no hint above occurs in.
  'cvv',
  'cvc',
  'ssn',
  'card',
  'ccnum',
  'cc_num',
  'cc-num',
  'cc.num',
  'psk',
  'hmac',
  'sid',
  'kubeconfig',
  'saml',
  'assertion',
  'verifier',
  'recovery',
  'backup',
  'verification',
  'reset',
  'mfa',
  '2fa',
  'twofactor',
  'magic',
  'login',
  'csrf',
  'xsrf',
  'pat',
  'url',
  'uri',
  'conn',
];

const AUTH_SCHEME = /^(?:bearer|basic|token|negotiate|ntlm|apikey|api-key|ssws)$/i;
const NOT_A_VALUE = new Set(['', 'true', 'false', 'null', 'undefined', 'none', 'nil', REDACTED]);

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
function isKeyChar(s: string, i: number): boolean {
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

export class ValueMasker {
  private readonly patterns: CompiledPattern[];
  /** Patterns without hints: tried on every string that reaches the scan. */
  private readonly unhinted: number[] = [];
  /** Lower-case hint → indexes of the patterns it calls for. */
  private readonly byHint = new Map<string, number[]>();
  /** Every hint: one scan finds which patterns to run and where secret keys may be. */
  private readonly scanner: HintScanner;
  /** Per hint index of the scanner: the patterns it calls for. */
  private readonly patternsOf: readonly (readonly number[])[];
  /** Scratch marks of the patterns to run (filled and cleared within one call, before user code). */
  private readonly marks: Uint8Array;
  private readonly assignments: boolean;

  /**
   * `classify` judges the key of a `key=value` text (undefined: no assignment scan). `userHints`
   * are extra key words (from `redactKeys`) that start such a scan.
   */
  constructor(
    options: MaskValuesOptions,
    private readonly classify: ((key: string) => KeyVerdict) | undefined,
    userHints: readonly string[] = [],
  ) {
    const sources = [
      ...(options.builtIn === false ? [] : BUILT_IN_PATTERNS),
      ...(options.patterns ?? []),
    ];
    this.patterns = sources.map((p) => ({
      name: p.name,
      regex: new RegExp(p.pattern.source, [...new Set(`${p.pattern.flags}gd`)].join('')),
      accept: p.accept,
    }));
    sources.forEach((p, i) => {
      if (p.hints === undefined || p.hints.length === 0) this.unhinted.push(i);
      for (const h of p.hints ?? []) {
        const key = h.toLowerCase();
        const list = this.byHint.get(key) ?? [];
        list.push(i);
        this.byHint.set(key, list);
      }
    });
    this.assignments = classify !== undefined && options.assignments !== false;
    const hints = new Set(this.byHint.keys());
    if (this.assignments)
      for (const h of [...KEY_HINTS, ...userHints]) if (h.length > 0) hints.add(h.toLowerCase());
    this.scanner = new HintScanner(hints);
    this.patternsOf = this.scanner.hints.map((h) => this.byHint.get(h) ?? []);
    this.marks = new Uint8Array(this.patterns.length);
  }

  /** `text` with the secret parts replaced by "[REDACTED]"; the same string when none. */
  mask(text: string, onFault?: MaskFault): string {
    if (text.length < 6) return text;
    // One pass over the text: which patterns can match, and where keys of `key=value` may be.
    const hits = this.scanner.scan(text);
    if (hits === undefined && this.unhinted.length === 0) return text;
    const run = this.patternsToRun(hits);
    const ranges: number[] = [];
    for (const i of run) this.scanPattern(text, this.patterns[i]!, ranges, onFault);
    if (this.assignments && hits !== undefined) this.scanAssignments(text, hits, ranges);
    return ranges.length === 0 ? text : replaceRanges(text, ranges);
  }

  /** Indexes of the patterns to try, in order: the unhinted ones and those whose hints occur. */
  private patternsToRun(hits: readonly number[] | undefined): number[] {
    const marks = this.marks;
    for (const i of this.unhinted) marks[i] = 1;
    if (hits !== undefined)
      for (let h = 1; h < hits.length; h += 2)
        for (const i of this.patternsOf[hits[h]!]!) marks[i] = 1;
    const run: number[] = [];
    for (let i = 0; i < marks.length; i++)
      if (marks[i] === 1) {
        run.push(i);
        marks[i] = 0;
      }
    return run;
  }

  private scanPattern(
    text: string,
    p: CompiledPattern,
    ranges: number[],
    onFault: MaskFault | undefined,
  ): void {
    const re = p.regex;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++;
      const span = m.indices?.groups?.secret ?? m.indices?.[0];
      if (span === undefined || span[1] <= span[0]) continue;
      if (p.accept !== undefined) {
        // User code may mask text itself (re-entering this regex): keep our place.
        const next = re.lastIndex;
        let keep = true;
        try {
          keep = p.accept(text.slice(span[0], span[1])) !== false;
        } catch (error) {
          onFault?.(p.name, error);
        }
        re.lastIndex = next;
        if (!keep) continue;
      }
      ranges.push(span[0], span[1]);
    }
  }

  /** `key=value`, `key: value`, `"key":"value"`, `key => value`, `--key value` with a secret key. */
  private scanAssignments(text: string, hits: readonly number[], ranges: number[]): void {
    let after = 0;
    for (let h = 0; h < hits.length; h += 2) {
      const at = hits[h]!;
      if (at < after) continue; // inside a key or value already judged
      let start = at;
      let end = at + this.scanner.hints[hits[h + 1]!]!.length;
      while (start > 0 && at - start < 64 && isKeyChar(text, start - 1)) start--;
      while (end < text.length && end - at < 64 && isKeyChar(text, end)) end++;
      // "%3Fapi_key%3D…": the hex digits of an escape before the key are not part of it.
      if (start > 0 && text.charCodeAt(start - 1) === 37 && at - start >= 2) start += 2;
      after = end;
      let value = valueAfter(text, start, end);
      if (value === undefined) continue;
      const key = text.slice(start, end).replace(/^[-.]+/, '');
      let verdict = this.classify!(key);
      if (verdict === 'plain') {
        // "Secret Access Key: …", "api key = …", "seed phrase: …": a key written as words.
        const from = wordsBefore(text, start);
        if (from === start) continue;
        verdict = this.classify!(text.slice(from, end));
        if (verdict === 'plain') continue;
        value = valueAfter(text, from, end) ?? value;
      }
      const written = text.slice(value.from, value.to);
      if (NOT_A_VALUE.has(written.toLowerCase()) || NOT_A_VALUE.has(written)) continue;
      // A counter keeps its numbers (`max_tokens=1024`, `"tokenUsage": {...}`).
      if (verdict === 'counter' && (value.nested || isNumericText(written))) continue;
      ranges.push(value.from, value.to);
      after = Math.max(end, value.to);
    }
  }
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
function wordsBefore(text: string, start: number): number {
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
interface ValueSpan {
  from: number;
  to: number;
  /** An object or array written after the key (`"auth": {...}`). */
  nested: boolean;
}

const MAX_VALUE = 4096;

function valueAfter(text: string, start: number, end: number): ValueSpan | undefined {
  if (start > 0 && text.charCodeAt(start - 1) === 60) return elementText(text, end); // <key>
  let i = end;
  // A closing quote or bracket of the key: "key": / 'key'= / \"key\": / headers['key'] =
  for (let n = 0; n < 4 && i < text.length && `"'\\]\``.includes(text[i]!); n++) i++;
  const quotedKey = i > end && text[i - 1] !== ']';
  const gap = i;
  while (i < text.length && i - gap < 4 && isSpace(text, i)) i++;
  const c = text[i];
  if (c === '=' || c === ':') {
    i++;
    if (text[i] === '>' || text[i] === '=') i++;
  } else if (c === '-' && text[i + 1] === '>') i += 2;
  else if (isEncodedEquals(text, i)) i += 3;
  else if ((c === "'" || c === '"') && i > gap && !quotedKey) {
    // SQL: PASSWORD 'value' (the quote opens the value, read below)
  } else if (c === '(' && (text[i + 1] === "'" || text[i + 1] === '"'))
    i++; // PASSWORD('value')
  else if (c === ',' && quotedKey && text[start - 2] === '[')
    i++; // ["authorization", "…"]
  else if (!(text[start] === '-' && i > gap)) return undefined; // "--password value"
  const afterSep = i;
  while (i < text.length && i - afterSep < 4 && isSpace(text, i)) i++;
  const slashes = i;
  while (i < text.length && text[i] === '\\') i++;
  const escaped = i > slashes; // JSON text inside a JSON string: \"password\":\"value\"
  const open = text[i];
  if (open === '"' || open === "'" || open === '`') {
    const from = i + 1;
    return { from, to: quotedEnd(text, from, open, escaped), nested: false };
  }
  if (open === '{' || open === '[') return { from: i, to: bracketEnd(text, i), nested: true };
  const from = i;
  i = unquotedEnd(text, i);
  // "Authorization: Bearer abc": the credential is the word after the scheme.
  if (AUTH_SCHEME.test(text.slice(from, i)) && (text[i] === ' ' || text[i] === '\t')) {
    let j = i;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    return { from, to: unquotedEnd(text, j), nested: false };
  }
  return { from, to: widenValue(text, start, from, i), nested: false };
}

/**
 * `<password>value</password>`, `<ApiKey type="x">value</ApiKey>`: the element's text, when the
 * start tag closes within a short distance and holds no other tag.
 */
function elementText(text: string, nameEnd: number): ValueSpan | undefined {
  let i = nameEnd;
  if (text[i] !== '>' && !isSpace(text, i) && text[i] !== '\n') return undefined;
  while (i < text.length && i - nameEnd < 256 && text[i] !== '>' && text[i] !== '<') i++;
  if (text[i] !== '>' || text[i - 1] === '/') return undefined;
  const from = i + 1;
  let to = from;
  while (to < text.length && to - from < MAX_VALUE && text[to] !== '<') to++;
  return to > from ? { from, to, nested: false } : undefined;
}

/**
 * An unquoted value may hold spaces: up to the `;` in a connection string ("Password=p4ss w0rd;"),
 * to the end of the line when the key starts the line ("password: correct horse battery").
 */
function widenValue(text: string, keyStart: number, from: number, to: number): number {
  if (to >= text.length || (text[to] !== ' ' && text[to] !== '\t')) return to;
  let lineEnd = text.indexOf('\n', to);
  if (lineEnd < 0 || lineEnd - from > MAX_VALUE) lineEnd = Math.min(text.length, from + MAX_VALUE);
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

function quotedEnd(text: string, from: number, quote: string, escaped: boolean): number {
  let i = from;
  while (i < text.length && i - from < MAX_VALUE && text[i] !== '\n') {
    if (text[i] === quote) break;
    if (text[i] === '\\') {
      if (escaped && text[i + 1] === quote) break;
      i += 2;
    } else i++;
  }
  return Math.min(i, text.length);
}

/** The end of the object or array opening at `from` (quotes respected), or where the scan gives up. */
function bracketEnd(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  let i = from;
  for (; i < text.length && i - from < MAX_VALUE; i++) {
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

function unquotedEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && i - from < MAX_VALUE && !VALUE_END.has(text[i]!)) i++;
  return i;
}

/** Replaces each [start, end) range (overlapping ones merged) by "[REDACTED]". */
function replaceRanges(text: string, flat: number[]): string {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of pairs) {
    if (e <= at) continue;
    out += text.slice(at, Math.max(s, at)) + (s >= at ? REDACTED : '');
    at = e;
  }
  return out + text.slice(at);
}
