/**
 * Masks the secret part of strings: known shapes (BUILT_IN_PATTERNS plus the user's) and
 * `key=value` / `"key": "value"` / `--key value` text whose key names a secret (by the same key
 * matcher as object keys). Built to sit on the orchestrator's path: one combined, case-insensitive
 * check of literal hints first, so most strings cost a single scan; every pattern is linear.
 */
import { REDACTED } from './json-value.js';
import { isNumericText, queryKeyMeaning, type KeyVerdict } from './key-matcher.js';
import { HintScanner, foldFullWidth } from './hint-scanner.js';
import { BUILT_IN_PATTERNS, type ValuePattern } from './value-patterns.js';
import { MAX_VALUE, isKeyChar, valueAfter, wordsBefore } from './assignment-text.js';

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
  'security',
  'sms',
  'access',
  'activation',
  'pairing',
  'confirmation',
  'unlock',
  'hook',
  'material',
  // Judged only as a query parameter (?key=, &code=): see queryKeyMeaning.
  'code',
];

const NOT_A_VALUE = new Set(['', 'true', 'false', 'null', 'undefined', 'none', 'nil', REDACTED]);

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
      // g and d added; y (sticky) dropped, or a pattern would only ever match at the start.
      regex: new RegExp(
        p.pattern.source,
        [...new Set(`${p.pattern.flags}gd`)].filter((f) => f !== 'y').join(''),
      ),
      accept: p.accept,
    }));
    sources.forEach((p, i) => {
      // A pattern none of whose hints the scanner can look for (one character, non-ASCII such as
      // "秘密") is tried on every string rather than never.
      if (!(p.hints ?? []).some((h) => HintScanner.usable(h))) this.unhinted.push(i);
      for (const h of p.hints ?? []) {
        const key = h.toLowerCase();
        const list = this.byHint.get(key) ?? [];
        list.push(i);
        this.byHint.set(key, list);
      }
    });
    this.assignments = classify !== undefined && options.assignments !== false;
    const hints = new Set(this.byHint.keys());
    const keyHints = this.assignments
      ? [...KEY_HINTS, ...userHints].filter((h) => h.length > 0).map((h) => h.toLowerCase())
      : [];
    for (const h of keyHints) hints.add(h);
    this.scanner = new HintScanner(hints);
    this.patternsOf = this.scanner.hints.map((h) => this.byHint.get(h) ?? []);
    this.marks = new Uint8Array(this.patterns.length);
  }

  /** `text` with the secret parts replaced by "[REDACTED]"; the same string when none. */
  mask(text: string, onFault?: MaskFault): string {
    if (text.length < 6) return text;
    // One pass over the text: which patterns can match, and where keys of `key=value` may be.
    let hits = this.scanner.scan(text);
    // ＡＰＩ＿ＫＥＹ＝…: found in the ASCII folding, masked in the text as written (same offsets).
    const scanned = this.scanner.sawFullWidth ? foldFullWidth(text) : text;
    if (scanned !== text) hits = this.scanner.scan(scanned);
    if (hits === undefined && this.unhinted.length === 0) return text;
    const run = this.patternsToRun(hits);
    const ranges: number[] = [];
    for (const i of run) this.scanPattern(scanned, this.patterns[i]!, ranges, onFault);
    if (this.assignments && hits !== undefined) this.scanAssignments(scanned, hits, ranges);
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
      // Is a value written after it? (Its extent is read only for a secret key: reading it for
      // every plain key would cost up to MAX_VALUE per hint, "url:url:url:…" quadratic.)
      if (valueAfter(text, start, end, 1) === undefined) continue;
      const key = text.slice(start, end).replace(/^[-.]+/, '');
      const judged = inQuery(text, start) ? queryKeyMeaning(key) : key;
      let verdict = this.classify!(judged);
      if (verdict === 'plain') {
        // "Secret Access Key: …", "api key = …", "seed phrase: …": a key written as words.
        const from = wordsBefore(text, start);
        if (from === start) continue;
        verdict = this.classify!(text.slice(from, end));
        if (verdict === 'plain') continue;
        start = from;
      }
      let value = valueAfter(text, start, end);
      if (value === undefined) continue;
      if (verdict === 'secret' && value.to - value.from >= MAX_VALUE)
        value = valueAfter(text, start, end, Infinity) ?? value;
      const written = text.slice(value.from, value.to);
      if (NOT_A_VALUE.has(written.toLowerCase()) || NOT_A_VALUE.has(written)) continue;
      // A bare ?key= / &code= is a credential only when long enough to be one (`?code=1` is not).
      if (judged !== key && written.length < 8) continue;
      // A counter keeps its numbers (`max_tokens=1024`, `"tokenUsage": {...}`).
      if (verdict === 'counter' && (value.nested || isNumericText(written))) continue;
      ranges.push(value.from, value.to);
      after = Math.max(end, value.to);
    }
  }
}

/** A parameter of a query string or form body starts at `start`: after "?" or "&" (or "%3F", "%26"). */
function inQuery(text: string, start: number): boolean {
  const c = text.charCodeAt(start - 1);
  if (c === 63 || c === 38) return true;
  if (start < 3 || text.charCodeAt(start - 3) !== 37) return false;
  const code = text.slice(start - 2, start).toUpperCase();
  return code === '3F' || code === '26';
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
