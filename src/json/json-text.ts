/**
 * Sanitized JSON text in one pass for the payloads agents usually send (plain objects, arrays,
 * strings, numbers, booleans, dates): the same text as `JSON.stringify(sanitizeJson(value))`,
 * written directly instead of building a sanitized copy and serializing it afterwards. Anything
 * else (Maps, Errors, class instances, toJSON, counters, header tuples, a user `redact` function,
 * a fault, a value near the size cap, deep nesting) goes the general way, so every rule of the walk
 * still holds; the tests check both ways give the same text.
 */
import { REDACTED } from './json-value.js';
import { decide } from './key-redaction.js';
import { sanitizeJson, type JsonSanitizer } from './sanitize.js';
import { cleanString } from './text.js';
import { PAIR_NAME_SET, PAIR_VALUE_FIELDS, carriedName, pairedKeys } from './pairs.js';

/** Nesting the direct way handles; deeper values (and cycles) go the general way. */
const FAST_DEPTH = 12;

const REDACTED_TEXT = JSON.stringify(REDACTED);

/** Thrown inside the direct writer only: this value needs the general way. */
const GENERAL = Symbol('general');

/** One writer per sanitizer, reused (this runs for every JSON column of every run). */
const writers = new WeakMap<JsonSanitizer, DirectWriter>();
const CLEAN_KEYS_LIMIT = 10_000;

class DirectWriter {
  /** The walk's own size estimate, kept alike: the general way takes over well before the cap. */
  private used = 0;
  private readonly limit: number;
  /** Keys known to come out of cleaning and masking unchanged, with their JSON text. */
  private readonly keys = new Map<string, string>();
  private faulted = false;
  private readonly onFault = (): void => {
    this.faulted = true;
  };
  /** In use: a user's pattern `accept` that sanitizes again gets a writer of its own. */
  busy = false;

  constructor(private readonly s: JsonSanitizer) {
    this.limit = s.maxJsonBytes / 3;
  }

  /** The JSON text of `value` (undefined: left out), or throws GENERAL. */
  write(value: unknown): string | undefined {
    this.used = 0;
    this.faulted = false;
    this.busy = true;
    try {
      return this.value(value, 0);
    } finally {
      this.busy = false;
    }
  }

  private add(n: number): void {
    this.used += n;
    if (this.used >= this.limit) throw GENERAL;
  }

  private text(value: string): string {
    const clean = cleanString(value);
    const masked = this.s.masker === undefined ? clean : this.s.masker.mask(clean, this.onFault);
    if (this.faulted) throw GENERAL;
    return JSON.stringify(masked);
  }

  /** The key's JSON text; a key that cleaning or masking would change goes the general way. */
  private key(key: string): string {
    const known = this.keys.get(key);
    if (known !== undefined) return known;
    // `__proto__` would set the walk's output object's prototype rather than add a key.
    const quoted = JSON.stringify(key);
    if (key === '__proto__' || this.text(key) !== quoted) throw GENERAL;
    if (this.keys.size < CLEAN_KEYS_LIMIT) this.keys.set(key, quoted);
    return quoted;
  }

  /** The JSON text of `value`, or undefined for a value the walk leaves out (undefined). */
  private value(value: unknown, depth: number): string | undefined {
    switch (typeof value) {
      case 'string':
        this.add(value.length + 2);
        return this.text(value);
      case 'number':
        this.add(8);
        if (Number.isFinite(value)) return String(value); // as JSON writes a finite number
        return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
      case 'boolean':
        this.add(5);
        return value ? 'true' : 'false';
      case 'undefined':
        return undefined;
      case 'object':
        break;
      default:
        throw GENERAL; // bigint, symbol, function: written as strings by the walk
    }
    if (value === null) {
      this.add(4);
      return 'null';
    }
    if (depth >= FAST_DEPTH || depth >= this.s.maxDepth) throw GENERAL;
    if (Array.isArray(value)) return this.array(value as readonly unknown[], depth);
    if (value instanceof Date) {
      this.add(26);
      return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw GENERAL;
    const record = value as Record<string | symbol, unknown>;
    if (record[Symbol.toStringTag] !== undefined || typeof record.toJSON === 'function')
      throw GENERAL;
    return this.object(record, depth);
  }

  private array(items: readonly unknown[], depth: number): string {
    const n = items.length;
    // `['authorization', 'Bearer …']` and `[name, value, …]` header lists: each value is judged
    // by the name before it, as the walk does.
    const paired = pairedKeys(items);
    let out = '[';
    for (let i = 0; i < n; i++) {
      this.add(1);
      const item = items[i];
      let v: string | undefined;
      if (paired && i % 2 === 1) {
        const decision = decide(this.s.redactor.verdict(items[i - 1] as string, []), item);
        if (decision === 'redact') {
          this.add(REDACTED.length);
          v = REDACTED_TEXT;
        } else if (decision === 'keep') v = this.value(item, depth + 1);
        else throw GENERAL; // a counter's container
      } else v = this.value(item, depth + 1);
      out += (i === 0 ? '' : ',') + (v ?? 'null');
    }
    return out + ']';
  }

  private object(record: Record<string, unknown>, depth: number): string {
    let out = '{';
    let first = true;
    let valueField = false;
    let nameField = false;
    // for-in walks the object's own keys in Object.keys order without building the array; a key
    // it finds up the chain (an enumerable Object.prototype addition) is not the object's own.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      if (PAIR_VALUE_FIELDS.has(key)) valueField = true;
      else if (PAIR_NAME_SET.has(key)) nameField = true;
      const quoted = this.key(key);
      this.add(key.length + 4);
      const value = record[key];
      let v: string | undefined;
      const decision = decide(this.s.redactor.verdict(key, []), value);
      if (decision === 'keep') v = this.value(value, depth + 1);
      else if (decision === 'redact') {
        this.add(REDACTED.length);
        v = REDACTED_TEXT;
      } else throw GENERAL; // a counter's container: its numbers only, the general way
      if (v === undefined) continue;
      out += (first ? '' : ',') + quoted + ':' + v;
      first = false;
    }
    // `{ name: 'DB_PASSWORD', value }`: judged by the name it carries, the general way (the text
    // written so far is dropped). Checked once both fields are seen, so other objects pay nothing.
    if (valueField && nameField) {
      const named = carriedName(record);
      if (named !== undefined && this.s.redactor.verdict(named, []) !== 'plain') throw GENERAL;
    }
    return out + '}';
  }
}

/**
 * `JSON.stringify(sanitizeJson(value, sanitizer))`, written directly when the value allows it.
 * Never throws.
 */
export function sanitizeJsonText(value: unknown, sanitizer: JsonSanitizer): string {
  if (sanitizer.options.redact === undefined) {
    let writer = writers.get(sanitizer);
    if (writer === undefined) {
      writer = new DirectWriter(sanitizer);
      writers.set(sanitizer, writer);
    } else if (writer.busy) writer = new DirectWriter(sanitizer);
    try {
      return writer.write(value) ?? 'null';
    } catch {
      // GENERAL, or user code (a getter, a Proxy trap) that threw: the walk handles and reports it
    }
  }
  return JSON.stringify(sanitizeJson(value, sanitizer));
}
