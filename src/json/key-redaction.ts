/**
 * Key-based redaction: the built-in key matcher, the user's extra terms (`redactKeys`) and
 * function (`redact`), and what a verdict means for a given value.
 */
import {
  classifyKey,
  isNumericText,
  keyTerm,
  type KeyTerm,
  type KeyVerdict,
} from './key-matcher.js';

/** Decides redaction per key; `path` holds the keys above it. */
export type RedactMatcher = (key: string, path: readonly string[]) => boolean;

/** Called when the user's `redact` function throws: the key is then treated as secret. */
export type RedactFault = (key: string, error: unknown) => void;

/** What happens to a value under a key: kept, replaced by "[REDACTED]", or kept for its numbers only. */
export type KeyDecision = 'keep' | 'redact' | 'numbers';

const CACHE_LIMIT = 10_000;

/** Compiled redaction rules: the built-in matcher plus the user's. */
export class Redactor {
  /** The user's terms, normalized like keys. */
  readonly terms: readonly KeyTerm[];
  private readonly fn: RedactMatcher | undefined;
  private readonly cache = new Map<string, KeyVerdict>();

  constructor(options: { redactKeys?: readonly string[]; redact?: RedactMatcher } = {}) {
    this.terms = (options.redactKeys ?? []).map((k) => keyTerm(String(k)));
    this.fn = options.redact;
  }

  /** Words of the user's terms: they start a `key=value` scan inside strings. */
  hintWords(): string[] {
    return this.terms.flatMap((t) => t.words).filter((w) => w.length >= 2);
  }

  /** The verdict for `key` at `path`; a throwing `redact` function counts as "secret" (fail closed). */
  verdict(key: string, path: readonly string[], onFault?: RedactFault): KeyVerdict {
    if (this.fn !== undefined) {
      try {
        if (this.fn(key, path) === true) return 'secret';
      } catch (error) {
        onFault?.(key, error);
        return 'secret';
      }
    }
    let verdict = this.cache.get(key);
    if (verdict === undefined) {
      verdict = classifyKey(key, this.terms);
      if (this.cache.size < CACHE_LIMIT) this.cache.set(key, verdict);
    }
    return verdict;
  }

  /** True when the key's value is redacted (whatever it holds). */
  isSecret(key: string, path: readonly string[] = []): boolean {
    return this.verdict(key, path) !== 'plain';
  }
}

function isContainer(value: object): boolean {
  if (Array.isArray(value) || value instanceof Map) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * What a verdict means for this value. A secret key keeps booleans and null (`hasPassword: true`
 * tells nothing); a counter keeps numbers, written numbers, and containers walked for numbers only.
 */
export function decide(verdict: KeyVerdict, value: unknown): KeyDecision {
  if (verdict === 'plain') return 'keep';
  if (value === null || value === undefined || typeof value === 'boolean') return 'keep';
  if (verdict === 'secret') return 'redact';
  if (typeof value === 'number' || typeof value === 'bigint') return 'keep';
  if (typeof value === 'string') return isNumericText(value) ? 'keep' : 'redact';
  return typeof value === 'object' && isContainer(value) ? 'numbers' : 'redact';
}
