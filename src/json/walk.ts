/**
 * The one traversal every stored value goes through: JavaScript value → JSON value, with secrets
 * redacted by key, masked inside strings, within a byte budget. It never throws: whatever user code
 * it meets (getters, Proxy traps, toJSON, iterators) that throws is replaced by a marker and reported.
 */
import { isUtf8 } from 'node:buffer';
import { REDACTED, type JsonObject, type JsonValue } from './json-value.js';
import { isNumericText, queryKeyMeaning } from './key-matcher.js';
import { decide, type Redactor } from './key-redaction.js';
import {
  describeThrown,
  report,
  shortReason,
  unreadableMarker,
  type IssueHandler,
  type SanitizeIssue,
} from './issues.js';
import { cleanString, cutUnits } from './text.js';
import type { Budget } from './truncation.js';
import type { ValueMasker } from './value-masking.js';
import { PAIR_VALUE_FIELDS, pairName, pairedKeys } from './pairs.js';

export interface WalkState {
  redactor: Redactor;
  masker: ValueMasker | undefined;
  budget: Budget;
  maxDepth: number;
  onIssue: IssueHandler | undefined;
  seen: Set<object>;
  path: string[];
  /** Inside a counter (`tokenUsage: {...}`): strings that are not numbers are redacted. */
  numbersOnly: boolean;
  /**
   * The value is a JSON Schema (a tool's parameters): an object under a secret-named key is the
   * definition of a secret parameter, walked rather than replaced; inside it (`secretScope`) only
   * the schema's descriptive words are kept (`type`, `format`, …), any other string is redacted.
   */
  schema?: boolean;
  secretScope?: boolean;
}

/** Schema keywords whose strings describe a parameter rather than hold its value. */
const SCHEMA_TEXT_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  '$ref',
  '$id',
  '$schema',
  '$comment',
  'pattern',
  'contentEncoding',
  'contentMediaType',
]);

/** How far past the cut a crossing string is masked, so a secret straddling the cut is still seen. */
const MASK_MARGIN = 256;

export function maskString(text: string, state: WalkState): string {
  const masker = state.masker;
  if (masker === undefined) return text;
  return masker.mask(text, (pattern, error) =>
    issue(state, 'mask', `pattern ${pattern}: ${describeThrown(error)}`),
  );
}

function issue(state: WalkState, kind: SanitizeIssue['kind'], reason: string): string {
  const masked = shortReason(cleanString(state.masker?.mask(reason) ?? reason));
  report(state.onIssue, { kind, path: state.path.join('.'), reason: masked });
  return masked;
}

function unreadable(state: WalkState, error: unknown): string {
  const marker = unreadableMarker(issue(state, 'unreadable', describeThrown(error)));
  state.budget.add(marker.length);
  return marker;
}

function walkString(value: string, state: WalkState): string {
  const { budget } = state;
  const room = budget.room();
  if (!budget.add(value.length + 2)) {
    // The string that crosses the stop point: keep what the preview can show of it.
    const head = maskString(cleanString(cutUnits(value, room + MASK_MARGIN)), state);
    return cutUnits(head, room);
  }
  if (state.numbersOnly && !isNumericText(value)) return REDACTED;
  if (state.secretScope === true && !SCHEMA_TEXT_KEYS.has(state.path[state.path.length - 1] ?? ''))
    return REDACTED;
  return maskString(cleanString(value), state);
}

export function walk(value: unknown, state: WalkState, depth: number): JsonValue | undefined {
  const { budget } = state;
  switch (typeof value) {
    case 'string':
      return walkString(value, state);
    case 'number':
      budget.add(8);
      if (Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'boolean':
      budget.add(5);
      return value;
    case 'bigint':
      return walkString(value.toString(), state);
    case 'undefined':
      return undefined;
    case 'symbol':
      return walkString(value.toString(), state);
    case 'function': {
      let name = 'anonymous';
      try {
        name = typeof value.name === 'string' && value.name !== '' ? value.name : name;
      } catch {
        // a throwing `name` getter: keep "anonymous"
      }
      return walkString(`[Function ${name}]`, state);
    }
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
  state.seen.add(obj);
  try {
    return walkObject(obj, state, depth);
  } catch (error) {
    // A Proxy whose traps throw, a revoked Proxy, a throwing iterator: the node becomes a marker.
    return unreadable(state, error);
  } finally {
    state.seen.delete(obj);
  }
}

function walkObject(obj: object, state: WalkState, depth: number): JsonValue | undefined {
  const { budget } = state;
  if (Array.isArray(obj)) return walkArray(obj, state, depth);
  if (obj instanceof Date) {
    budget.add(26);
    return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  }
  if (obj instanceof RegExp) return walkString(obj.toString(), state);
  if (obj instanceof ArrayBuffer || ArrayBuffer.isView(obj)) return walkBinary(obj, state);
  if (obj instanceof Set) return walkArray([...obj], state, depth);
  if (obj instanceof Map) return walkEntries(obj, state, depth);
  const tag = Object.prototype.toString.call(obj);
  if (tag === '[object URLSearchParams]')
    return walkEntries(obj as Iterable<[unknown, unknown]>, state, depth, true);
  if (tag === '[object Headers]' || tag === '[object FormData]')
    return walkEntries(obj as Iterable<[unknown, unknown]>, state, depth);
  const out: JsonObject = {};
  if (obj instanceof Error) {
    for (const key of ['name', 'message', 'stack', 'cause'] as const)
      putEntry(out, key, () => obj[key], state, depth);
  } else {
    let toJSON: unknown;
    try {
      toJSON = (obj as { toJSON?: unknown }).toJSON;
    } catch (error) {
      return unreadable(state, error);
    }
    if (typeof toJSON === 'function') {
      let converted: unknown;
      try {
        converted = toJSON.call(obj) as unknown;
      } catch (error) {
        return unreadable(state, error);
      }
      if (converted !== obj) return walk(converted, state, depth + 1);
    }
  }
  const keys = Object.keys(obj);
  // `{ name: 'DB_PASSWORD', value: '…' }` (Kubernetes env, HAR and Postman headers, SSM
  // parameters): the value is judged by the name it carries.
  const named = keys.length <= 4 ? pairName(obj as Record<string, unknown>, keys) : undefined;
  for (const key of keys) {
    if (budget.stopped) break;
    const judgeAs = named !== undefined && PAIR_VALUE_FIELDS.has(key) ? named : undefined;
    putEntry(out, key, () => (obj as Record<string, unknown>)[key], state, depth, judgeAs);
  }
  return out;
}

function walkBinary(obj: ArrayBuffer | ArrayBufferView, state: WalkState): JsonValue {
  const bytes =
    obj instanceof ArrayBuffer
      ? Buffer.from(obj)
      : Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength);
  const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null;
  const kind = Buffer.isBuffer(obj) ? 'Buffer' : String(proto?.constructor?.name ?? 'Binary');
  const size = Math.ceil((bytes.length * 4) / 3) + 40;
  const room = state.budget.room();
  const kept = state.budget.add(size) ? bytes : bytes.subarray(0, Math.ceil((room * 3) / 4));
  return { _type: kind, base64: maskedBytes(kept, state).toString('base64') };
}

/**
 * Bytes that are UTF-8 text (a file read without an encoding, an HTTP body, an `.env`) are masked
 * like any string before they are encoded: base64 hides a secret from a search, not from a reader.
 * Other bytes (msgpack, protobuf, a Latin-1 file) are read one byte per character (Latin-1), so an
 * ASCII secret inside them is masked too and every other byte comes back as it was.
 */
function maskedBytes(bytes: Buffer, state: WalkState): Buffer {
  if (state.masker === undefined || bytes.length < 6) return bytes;
  const encoding = isUtf8(bytes) ? 'utf8' : 'latin1';
  const text = bytes.toString(encoding);
  const masked = maskString(text, state);
  return masked === text ? bytes : Buffer.from(masked, encoding);
}

function mapKey(k: unknown, state: WalkState, depth: number): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'object' && k !== null) {
    try {
      return JSON.stringify(walk(k, state, depth + 1) ?? null);
    } catch (error) {
      return unreadable(state, error);
    }
  }
  return typeof k === 'symbol' ? k.toString() : String(k);
}

function walkEntries(
  entries: Iterable<[unknown, unknown]>,
  state: WalkState,
  depth: number,
  query = false,
): JsonObject {
  const out: JsonObject = {};
  try {
    for (const [k, v] of entries) {
      if (state.budget.stopped) break;
      const key = mapKey(k, state, depth);
      putEntry(out, key, () => v, state, depth, query ? queryKeyMeaning(key) : key);
    }
  } catch (error) {
    out['[Unreadable]'] = unreadable(state, error);
  }
  return out;
}

function readItem(items: readonly unknown[], i: number, state: WalkState): unknown {
  try {
    return items[i];
  } catch (error) {
    return unreadable(state, error);
  }
}

function walkArray(items: readonly unknown[], state: WalkState, depth: number): JsonValue[] {
  const out: JsonValue[] = [];
  const paired = state.schema !== true && pairedKeys(items);
  for (let i = 0; i < items.length; i++) {
    if (state.budget.stopped) break;
    state.budget.add(1);
    const item = readItem(items, i, state);
    if (paired && i % 2 === 1) {
      const key = items[i - 1] as string;
      const verdict = state.redactor.verdict(key, state.path, (k, e) => redactFault(state, k, e));
      const decision = decide(verdict, item);
      if (decision === 'redact') {
        state.budget.add(REDACTED.length);
        out.push(REDACTED);
        continue;
      }
      out.push(walkUnder(item, decision === 'numbers', state, depth) ?? null);
      continue;
    }
    const v = walk(item, state, depth + 1);
    out.push(v === undefined ? null : v);
  }
  return out;
}

function redactFault(state: WalkState, key: string, error: unknown): void {
  issue(state, 'redact', `redact(${JSON.stringify(key)}) threw ${describeThrown(error)}`);
}

function walkUnder(
  value: unknown,
  numbersOnly: boolean,
  state: WalkState,
  depth: number,
): JsonValue | undefined {
  const previous = state.numbersOnly;
  state.numbersOnly = previous || numbersOnly;
  try {
    return walk(value, state, depth + 1);
  } finally {
    state.numbersOnly = previous;
  }
}

function isSchemaNode(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

function walkSecretSchema(value: object, state: WalkState, depth: number): JsonValue | undefined {
  const previous = state.secretScope;
  state.secretScope = true;
  try {
    return walk(value, state, depth + 1);
  } finally {
    state.secretScope = previous;
  }
}

function putEntry(
  out: JsonObject,
  rawKey: string,
  read: () => unknown,
  state: WalkState,
  depth: number,
  judgeAs: string = rawKey,
): void {
  const key = maskString(cleanString(rawKey), state);
  if (!state.budget.add(key.length + 4)) return;
  const verdict = state.redactor.verdict(judgeAs, state.path, (k, e) => redactFault(state, k, e));
  state.path.push(key);
  try {
    let value: unknown;
    let failed = false;
    try {
      value = read();
    } catch (error) {
      failed = true;
      value = error;
    }
    if (failed) {
      const marker = unreadable(state, value);
      out[key] = verdict === 'plain' ? marker : REDACTED;
      return;
    }
    let decision;
    try {
      decision = decide(verdict, value);
    } catch (error) {
      out[key] = unreadable(state, error);
      return;
    }
    if (decision === 'redact' && state.schema === true && isSchemaNode(value)) {
      const s = walkSecretSchema(value, state, depth);
      if (s !== undefined) out[key] = s;
      return;
    }
    if (decision === 'redact') {
      state.budget.add(REDACTED.length);
      out[key] = REDACTED;
      return;
    }
    const s = walkUnder(value, decision === 'numbers', state, depth);
    if (s !== undefined) out[key] = s;
  } finally {
    state.path.pop();
  }
}
