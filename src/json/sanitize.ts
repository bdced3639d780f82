/**
 * Turns any JavaScript value into JSON that PostgreSQL accepts, redacts secrets by key, and caps
 * size. Runs on the orchestrator's path, so the work is bounded: traversal stops building once a
 * field passes its byte cap and only keeps counting up to a ceiling.
 */

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type RedactMatcher = (key: string, path: readonly string[]) => boolean;

export interface SanitizeOptions {
  /** Extra key names to redact (case-insensitive, matched like the built-in list). Default none. */
  redactKeys?: readonly string[];
  /** A function deciding redaction per key; applied in addition to the lists. Default none. */
  redact?: RedactMatcher;
  /** Largest serialized size of one JSON field, in bytes. Default 65,536 (64 KiB). */
  maxJsonBytes?: number;
  /** Largest size of a text column value (goal_text, error), in bytes. Default 65,536. */
  maxTextBytes?: number;
  /** Deepest nesting kept; deeper values become "[MaxDepth]". Default 64. */
  maxDepth?: number;
}

export const REDACTED = '[REDACTED]';
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024;
export const DEFAULT_MAX_TEXT_BYTES = 64 * 1024;
const PREVIEW_CHARS = 1024;
/** How far past the cap we keep counting to report originalBytes exactly. */
const COUNT_CEILING_FACTOR = 256;

/** Single words that mark a key as secret wherever they appear as a word of the key. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'authorization',
  'cookie',
]);
/** Two-word names that are secret when adjacent ("api_key", "apiKey", "private-key"). */
const SECRET_PAIRS = new Set(['apikey', 'privatekey', 'accesskey', 'secretkey']);

function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Compiled redaction rules: the built-in list plus the user's. */
export class Redactor {
  private readonly extra: Set<string>;
  private readonly fn: RedactMatcher | undefined;
  private readonly cache = new Map<string, boolean>();

  constructor(options: Pick<SanitizeOptions, 'redactKeys' | 'redact'> = {}) {
    this.extra = new Set(
      (options.redactKeys ?? []).map((k) => k.toLowerCase().replace(/[^a-z0-9]/g, '')),
    );
    this.fn = options.redact;
  }

  isSecret(key: string, path: readonly string[]): boolean {
    if (this.fn !== undefined && this.fn(key, path)) return true;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.match(key);
      if (this.cache.size < 10_000) this.cache.set(key, hit);
    }
    return hit;
  }

  private match(key: string): boolean {
    const words = keyWords(key);
    const joined = words.join('');
    if (SECRET_WORDS.has(joined) || SECRET_PAIRS.has(joined) || this.extra.has(joined)) return true;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (SECRET_WORDS.has(w) || this.extra.has(w)) return true;
      if (i + 1 < words.length && SECRET_PAIRS.has(w + words[i + 1]!)) return true;
    }
    return false;
  }
}

/** Makes a string storable in PostgreSQL text/jsonb: no NUL, no lone surrogates. */
export function cleanString(value: string): string {
  let out = value;
  if (out.includes('\u0000')) out = out.replaceAll('\u0000', '\uFFFD');
  if (!out.isWellFormed()) out = out.toWellFormed();
  return out;
}

/** Cleans and caps a text column value. Over the cap it keeps a prefix and says how much was cut. */
export function sanitizeText(value: unknown, maxBytes: number = DEFAULT_MAX_TEXT_BYTES): string {
  const text = typeof value === 'string' ? value : describeScalar(value);
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so a cut by units keeps us within the cap.
  if (text.length * 3 <= maxBytes) return cleanString(text);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return cleanString(text);
  const keep = Math.max(0, Math.floor(maxBytes / 3) - 64);
  return `${cleanString(text.slice(0, keep))}…[truncated, ${bytes} bytes in all]`;
}

function describeScalar(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(sanitizeJson(value));
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

class Budget {
  used = 0;
  overflow = false;
  constructor(
    readonly limit: number,
    readonly ceiling: number,
  ) {}
  /** Adds bytes; returns false once the ceiling is passed (stop walking entirely). */
  add(n: number): boolean {
    this.used += n;
    if (this.used > this.limit) this.overflow = true;
    return this.used <= this.ceiling;
  }
}

class StopWalk extends Error {}

interface WalkState {
  redactor: Redactor;
  budget: Budget;
  maxDepth: number;
  seen: Set<object>;
  path: string[];
}

function stringBytes(s: string): number {
  // Cheap upper-bound-ish estimate: exact for ASCII, close enough elsewhere for a budget.
  return s.length + 2;
}

function walk(value: unknown, state: WalkState, depth: number): JsonValue | undefined {
  const { budget } = state;
  switch (typeof value) {
    case 'string': {
      if (!budget.add(stringBytes(value))) throw new StopWalk();
      if (budget.overflow) return null;
      return cleanString(value);
    }
    case 'number':
      budget.add(8);
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'boolean':
      budget.add(5);
      return value;
    case 'bigint': {
      const s = value.toString();
      budget.add(s.length);
      return s;
    }
    case 'undefined':
      return undefined;
    case 'symbol':
      budget.add(16);
      return cleanString(value.toString());
    case 'function':
      budget.add(16);
      return `[Function ${cleanString(value.name || 'anonymous')}]`;
    default:
      break;
  }
  if (value === null) {
    budget.add(4);
    return null;
  }
  const obj = value as object;
  if (state.seen.has(obj)) {
    budget.add(12);
    return '[Circular]';
  }
  if (depth >= state.maxDepth) {
    budget.add(12);
    return '[MaxDepth]';
  }
  if (obj instanceof Date) {
    budget.add(26);
    return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  }
  if (obj instanceof RegExp) return walk(obj.toString(), state, depth);
  if (Buffer.isBuffer(obj) || obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) {
    const bytes = Buffer.isBuffer(obj)
      ? obj
      : obj instanceof ArrayBuffer
        ? Buffer.from(obj)
        : Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength);
    const kind = obj.constructor?.name ?? 'Buffer';
    if (!budget.add(Math.ceil((bytes.length * 4) / 3) + 40)) throw new StopWalk();
    if (budget.overflow) return null;
    return { _type: kind, base64: bytes.toString('base64') };
  }
  state.seen.add(obj);
  try {
    if (Array.isArray(obj)) return walkArray(obj, state, depth);
    if (obj instanceof Set) return walkArray([...obj], state, depth);
    if (obj instanceof Map) {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of obj) {
        const key =
          typeof k === 'string' ? k : String(typeof k === 'object' ? describeScalar(k) : k);
        putEntry(out, key, v, state, depth);
      }
      return out;
    }
    const out: { [key: string]: JsonValue } = {};
    if (obj instanceof Error) {
      putEntry(out, 'name', obj.name, state, depth);
      putEntry(out, 'message', obj.message, state, depth);
      if (obj.stack !== undefined) putEntry(out, 'stack', obj.stack, state, depth);
      if (obj.cause !== undefined) putEntry(out, 'cause', obj.cause, state, depth);
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function' && !(obj instanceof Error)) {
      let converted: unknown;
      try {
        converted = toJSON.call(obj);
      } catch {
        return '[Unserializable]';
      }
      if (converted !== obj) return walk(converted, state, depth + 1);
    }
    for (const key of Object.keys(obj)) {
      let v: unknown;
      try {
        v = (obj as Record<string, unknown>)[key];
      } catch {
        v = '[Unreadable]';
      }
      putEntry(out, key, v, state, depth);
    }
    return out;
  } finally {
    state.seen.delete(obj);
  }
}

function walkArray(items: readonly unknown[], state: WalkState, depth: number): JsonValue[] {
  const out: JsonValue[] = [];
  for (let i = 0; i < items.length; i++) {
    state.budget.add(1);
    const v = walk(items[i], state, depth + 1);
    out.push(v === undefined ? null : v);
  }
  return out;
}

function putEntry(
  out: { [key: string]: JsonValue },
  rawKey: string,
  v: unknown,
  state: WalkState,
  depth: number,
): void {
  const key = cleanString(rawKey);
  if (!state.budget.add(key.length + 4)) throw new StopWalk();
  if (state.redactor.isSecret(rawKey, state.path)) {
    state.budget.add(REDACTED.length);
    out[key] = REDACTED;
    return;
  }
  state.path.push(key);
  try {
    const s = walk(v, state, depth + 1);
    if (s !== undefined) out[key] = s;
  } finally {
    state.path.pop();
  }
}

/** What sanitizeJson needs beyond the value: a compiled redactor and caps. */
export interface JsonSanitizer {
  redactor: Redactor;
  maxJsonBytes: number;
  maxDepth: number;
}

export function createJsonSanitizer(options: SanitizeOptions = {}): JsonSanitizer {
  return {
    redactor: new Redactor(options),
    maxJsonBytes: options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES,
    maxDepth: options.maxDepth ?? 64,
  };
}

const defaultSanitizer = createJsonSanitizer();

/**
 * Any value → storable JSON. Circular references become "[Circular]", BigInt a decimal string,
 * Error {name, message, stack}, Date an ISO string, Map an object, Set an array, binary data base64,
 * NaN/Infinity strings, secrets "[REDACTED]". A value whose JSON passes the byte cap becomes
 * `{ _truncated: true, originalBytes, preview }`.
 */
export function sanitizeJson(
  value: unknown,
  sanitizer: JsonSanitizer = defaultSanitizer,
): JsonValue {
  const budget = new Budget(sanitizer.maxJsonBytes, sanitizer.maxJsonBytes * COUNT_CEILING_FACTOR);
  const state: WalkState = {
    redactor: sanitizer.redactor,
    budget,
    maxDepth: sanitizer.maxDepth,
    seen: new Set(),
    path: [],
  };
  let result: JsonValue | undefined;
  let stopped = false;
  try {
    result = walk(value, state, 0);
  } catch (error) {
    if (!(error instanceof StopWalk)) throw error;
    stopped = true;
  }
  if (!budget.overflow && !stopped) {
    const json = result === undefined ? null : result;
    // The estimate can be low for multi-byte text: check the exact size once when it is close.
    if (budget.used * 3 < sanitizer.maxJsonBytes) return json;
    const exact = Buffer.byteLength(JSON.stringify(json), 'utf8');
    if (exact <= sanitizer.maxJsonBytes) return json;
    return truncated(exact, false, previewOf(value, sanitizer));
  }
  return truncated(budget.used, stopped, previewOf(value, sanitizer));
}

function truncated(originalBytes: number, lowerBound: boolean, preview: string): JsonValue {
  const out: { [key: string]: JsonValue } = { _truncated: true, originalBytes, preview };
  if (lowerBound) out.originalBytesIsLowerBound = true;
  return out;
}

/** A short, redacted, cleaned preview of a value that was too big to keep. */
function previewOf(value: unknown, sanitizer: JsonSanitizer): string {
  if (typeof value === 'string') return cleanString(value.slice(0, PREVIEW_CHARS));
  const small: JsonSanitizer = { ...sanitizer, maxJsonBytes: PREVIEW_CHARS * 4 };
  const budget = new Budget(PREVIEW_CHARS * 4, PREVIEW_CHARS * 4);
  const state: WalkState = {
    redactor: sanitizer.redactor,
    budget,
    maxDepth: Math.min(8, small.maxDepth),
    seen: new Set(),
    path: [],
  };
  let s: string;
  try {
    s = JSON.stringify(walk(value, state, 0) ?? null);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return cleanString(s.slice(0, PREVIEW_CHARS));
}
