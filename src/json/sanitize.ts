/**
 * Turns any JavaScript value into what PostgreSQL accepts — JSON for jsonb columns, clean capped
 * text for text columns — with secrets redacted by key and masked inside strings. Runs on the
 * orchestrator's path: bounded work, never throws. A leaf: imports nothing of ours.
 */
import type { JsonValue } from './json-value.js';
import { Redactor, type RedactMatcher } from './key-redaction.js';
import { checkSanitizeOptions } from './sanitize-options.js';
import {
  describeThrown,
  report,
  shortReason,
  unreadableMarker,
  type IssueHandler,
} from './issues.js';
import { cleanString, cutCodePoints, cutUnits, cutUtf8 } from './text.js';
import { budgetFor, truncatedMarker } from './truncation.js';
import { ValueMasker, type MaskValuesOptions } from './value-masking.js';
import { maskString, walk, type WalkState } from './walk.js';

export { REDACTED } from './json-value.js';
export type { JsonValue } from './json-value.js';
export { cleanString, codePointLength } from './text.js';
export { Redactor } from './key-redaction.js';
export type { RedactMatcher } from './key-redaction.js';
export type { IssueHandler, SanitizeIssue } from './issues.js';
export type { MaskValuesOptions, ValuePattern } from './value-masking.js';

export interface SanitizeOptions {
  /**
   * Extra key names to redact, matched like the built-in list: case, separators and plurals
   * ignored ("customer_ssn" also hides customerSsn, CUSTOMER-SSNS). Default none.
   */
  redactKeys?: readonly string[];
  /** A function deciding redaction per key, in addition to the lists; if it throws, the key is redacted. Default none. */
  redact?: RedactMatcher;
  /**
   * Masking of secrets inside string values (API keys, tokens, JWTs, URL passwords, PEM keys,
   * `password=…` text): `true` (built-in patterns), `false` (off), or settings with extra
   * patterns. Default true.
   */
  maskValues?: boolean | MaskValuesOptions;
  /** Largest serialized size of one JSON field, in bytes. Default 65,536 (64 KiB). */
  maxJsonBytes?: number;
  /** Largest size of a text column value (goal_text, error), in bytes. Default 65,536. */
  maxTextBytes?: number;
  /** Deepest nesting kept; deeper values become "[MaxDepth]". Default 64. */
  maxDepth?: number;
  /** Told of each part that could not be read (it is stored as "[Unreadable: …]"). Default none. */
  onIssue?: IssueHandler;
}

export const DEFAULT_MAX_JSON_BYTES = 64 * 1024;
export const DEFAULT_MAX_TEXT_BYTES = 64 * 1024;
const DEFAULT_MAX_DEPTH = 64;

/** A compiled sanitizer: what sanitizeJson / sanitizeText need beyond the value. */
export interface JsonSanitizer {
  redactor: Redactor;
  /** Undefined when value masking is off. */
  masker: ValueMasker | undefined;
  maxJsonBytes: number;
  maxTextBytes: number;
  maxDepth: number;
  onIssue: IssueHandler | undefined;
  /** The options it was made from (derived sanitizers start from them). */
  options: SanitizeOptions;
}

/** Compiles the options once. Options that cannot be used as given → ValidationError. */
export function createJsonSanitizer(options: SanitizeOptions = {}): JsonSanitizer {
  checkSanitizeOptions(options);
  const redactor = new Redactor(options);
  const mask = options.maskValues ?? true;
  const masker =
    mask === false
      ? undefined
      : new ValueMasker(
          mask === true ? {} : mask,
          (key) => redactor.verdict(key, []),
          redactor.hintWords(),
        );
  return {
    redactor,
    masker,
    maxJsonBytes: options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES,
    maxTextBytes: options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    onIssue: options.onIssue,
    // Only the sanitizer's own settings: the options object may be a store's, whose connection
    // string (password and all) would then show in util.inspect of anything holding the sanitizer.
    options: { ...definedOnly(options), onIssue: options.onIssue },
  };
}

const SANITIZER_OPTIONS = [
  'redactKeys',
  'redact',
  'maskValues',
  'maxJsonBytes',
  'maxTextBytes',
  'maxDepth',
] as const;

/**
 * `base` with `overrides` applied (each given option replaces the base's), reporting issues to
 * `onIssue`. Returns a sanitizer sharing `base`'s compiled rules when no rule changes.
 */
export function deriveSanitizer(
  base: JsonSanitizer,
  overrides: SanitizeOptions,
  onIssue?: IssueHandler,
): JsonSanitizer {
  checkSanitizeOptions(overrides);
  const changed = SANITIZER_OPTIONS.some((k) => overrides[k] !== undefined);
  const own = changed ? createJsonSanitizer({ ...base.options, ...definedOnly(overrides) }) : base;
  const handlers = [onIssue, overrides.onIssue ?? base.onIssue].filter((h) => h !== undefined);
  return {
    ...own,
    onIssue:
      handlers.length <= 1
        ? handlers[0]
        : (issue) => {
            for (const h of handlers) report(h, issue);
          },
  };
}

function definedOnly(options: SanitizeOptions): SanitizeOptions {
  const out: Record<string, unknown> = {};
  for (const k of SANITIZER_OPTIONS) if (options[k] !== undefined) out[k] = options[k];
  return out as SanitizeOptions;
}

const defaultSanitizer = createJsonSanitizer();

function stateFor(sanitizer: JsonSanitizer, maxJsonBytes: number): WalkState {
  return {
    redactor: sanitizer.redactor,
    masker: sanitizer.masker,
    budget: budgetFor(maxJsonBytes),
    maxDepth: sanitizer.maxDepth,
    onIssue: sanitizer.onIssue,
    seen: new Set(),
    path: [],
    numbersOnly: false,
  };
}

/**
 * Any value → storable JSON. Circular references become "[Circular]", BigInt a decimal string,
 * Error {name, message, stack, cause, …}, Date an ISO string, Map/Headers an object, Set an array,
 * binary data base64, NaN/Infinity strings, secrets "[REDACTED]", unreadable parts
 * "[Unreadable: reason]". A value whose JSON passes the byte cap becomes
 * `{ _truncated: true, originalBytes, preview }`, the preview being its JSON text's first 1,024
 * characters. Never throws.
 */
export function sanitizeJson(
  value: unknown,
  sanitizer: JsonSanitizer = defaultSanitizer,
): JsonValue {
  return sanitizeWalk(value, sanitizer, false);
}

/**
 * A JSON Schema (a registered tool's `parameters`) → storable JSON, like sanitizeJson except that
 * a secret-named property's definition is kept (`password: { type: 'string' }`) with every string
 * in it other than its descriptive keywords (`type`, `format`, `title`, `description`, …) redacted,
 * so a `default`, `const`, `enum` or `examples` secret is not stored.
 */
export function sanitizeSchema(
  value: unknown,
  sanitizer: JsonSanitizer = defaultSanitizer,
): JsonValue {
  return sanitizeWalk(value, sanitizer, true);
}

function sanitizeWalk(value: unknown, sanitizer: JsonSanitizer, schema: boolean): JsonValue {
  const state = stateFor(sanitizer, sanitizer.maxJsonBytes);
  state.schema = schema;
  const { budget } = state;
  let result: JsonValue;
  try {
    result = walk(value, state, 0) ?? null;
  } catch (error) {
    // Not expected (the walk catches user code's faults): still, never throw on the hot path.
    const reason = shortReason(cleanString(maskString(describeThrown(error), state)));
    report(state.onIssue, { kind: 'unreadable', path: '', reason });
    return unreadableMarker(reason);
  }
  if (budget.stopped) return truncatedMarker(budget.used, true, result);
  // The estimate can be low (multi-byte text, long numbers): measure once when it is close.
  if (budget.used * 3 < sanitizer.maxJsonBytes) return result;
  const exact = Buffer.byteLength(JSON.stringify(result), 'utf8');
  if (exact <= sanitizer.maxJsonBytes) return result;
  return truncatedMarker(exact, false, result);
}

function describeValue(value: unknown, sanitizer: JsonSanitizer): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Error) return `${String(value.name)}: ${String(value.message)}`;
  if (typeof value === 'object' || typeof value === 'function')
    return JSON.stringify(sanitizeJson(value, sanitizer));
  return String(value);
}

function textOf(value: unknown, sanitizer: JsonSanitizer): string {
  if (typeof value === 'string') return value;
  try {
    return describeValue(value, sanitizer);
  } catch (error) {
    const reason = shortReason(cleanString(mask(describeThrown(error), sanitizer)));
    report(sanitizer.onIssue, { kind: 'unreadable', path: '', reason });
    return unreadableMarker(reason);
  }
}

function mask(text: string, sanitizer: JsonSanitizer): string {
  return sanitizer.masker === undefined ? text : sanitizer.masker.mask(text);
}

/** How far past a cut text is masked, so a secret straddling the cut is still recognised. */
const MASK_MARGIN = 256;

/**
 * A text column value: an Error as "Name: message", an object as its sanitized JSON, secrets
 * masked, cleaned, and within `maxBytes` of UTF-8 (over it: a prefix and how much was cut, never a
 * split character). Never throws.
 */
export function sanitizeText(
  value: unknown,
  maxBytes: number = DEFAULT_MAX_TEXT_BYTES,
  sanitizer: JsonSanitizer = defaultSanitizer,
): string {
  const text = textOf(value, sanitizer);
  if (text.length * 3 <= maxBytes) return mask(cleanString(text), sanitizer);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) {
    const whole = mask(cleanString(text), sanitizer);
    if (whole.length === text.length || Buffer.byteLength(whole, 'utf8') <= maxBytes) return whole;
  }
  const suffix = `…[truncated, ${bytes} bytes in all]`;
  const keep = Math.max(0, maxBytes - Buffer.byteLength(suffix, 'utf8'));
  const head = mask(cleanString(cutUnits(text, keep + MASK_MARGIN)), sanitizer);
  return cutUtf8(head, keep) + suffix;
}

/**
 * A short name column (tool_name, goal_id, intent): cleaned, secrets masked, at most `maxChars`
 * characters as PostgreSQL counts them (never half an emoji). Null for null/undefined.
 */
export function sanitizeName(
  value: unknown,
  maxChars: number,
  sanitizer: JsonSanitizer = defaultSanitizer,
): string | null {
  if (value === undefined || value === null) return null;
  const text = textOf(value, sanitizer);
  const head = cutUnits(text, maxChars * 2 + MASK_MARGIN);
  return cutCodePoints(mask(cleanString(head), sanitizer), maxChars);
}

/** `text` with secret-shaped parts masked by the default (or given) sanitizer's value patterns. */
export function maskSecrets(text: string, sanitizer: JsonSanitizer = defaultSanitizer): string {
  return mask(text, sanitizer);
}
