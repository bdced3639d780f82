/**
 * The sanitizer's options checked once, where they are given (a store, a recorder, a handle): a
 * wrong type would otherwise surface later as a raw TypeError, or quietly store every value as
 * "[REDACTED]" or truncated. The one import of this leaf is errors.ts, which imports nothing.
 */
import { ValidationError } from '../errors.js';
import type { SanitizeOptions } from './sanitize.js';

const MAX_BYTES = 1 << 30;

function describe(value: unknown): string {
  // A string given where a number or list was expected may be anything (a key pasted in the
  // wrong place): say what it is, never what it says.
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

function fail(field: string, expected: string, value: unknown): never {
  throw new ValidationError(`${field} must be ${expected}, got ${describe(value)}`, field);
}

function checkBytes(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 256 || value > MAX_BYTES)
    fail(field, `a whole number of bytes from 256 to ${MAX_BYTES}`, value);
}

function checkFunction(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') fail(field, 'a function', value);
}

function checkPatterns(value: unknown): void {
  const field = 'maskValues.patterns';
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(field, 'an array of { name, pattern, hints?, accept? }', value);
  (value as unknown[]).forEach((p, i) => {
    const at = `${field}[${i}]`;
    if (typeof p !== 'object' || p === null) fail(at, 'an object { name, pattern }', p);
    const { name, pattern, hints, accept } = p as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '')
      fail(`${at}.name`, 'a non-empty string', name);
    if (!(pattern instanceof RegExp)) fail(`${at}.pattern`, 'a RegExp', pattern);
    if (hints !== undefined && (!Array.isArray(hints) || hints.some((h) => typeof h !== 'string')))
      fail(`${at}.hints`, 'an array of strings', hints);
    checkFunction(`${at}.accept`, accept);
  });
}

function checkMaskValues(value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('maskValues', 'true, false or { builtIn?, patterns?, assignments? }', value);
  const { builtIn, assignments, patterns } = value as Record<string, unknown>;
  if (builtIn !== undefined && typeof builtIn !== 'boolean')
    fail('maskValues.builtIn', 'true or false', builtIn);
  if (assignments !== undefined && typeof assignments !== 'boolean')
    fail('maskValues.assignments', 'true or false', assignments);
  checkPatterns(patterns);
}

/** Throws a ValidationError naming the first option that cannot be used as given. */
export function checkSanitizeOptions(options: SanitizeOptions): void {
  const { redactKeys, maxDepth } = options;
  if (
    redactKeys !== undefined &&
    (!Array.isArray(redactKeys) || redactKeys.some((k) => typeof k !== 'string'))
  )
    fail('redactKeys', 'an array of key names', redactKeys);
  checkFunction('redact', options.redact);
  checkFunction('onIssue', options.onIssue);
  checkMaskValues(options.maskValues);
  checkBytes('maxJsonBytes', options.maxJsonBytes);
  checkBytes('maxTextBytes', options.maxTextBytes);
  if (maxDepth !== undefined && (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 1000))
    fail('maxDepth', 'a whole number from 1 to 1000', maxDepth);
}
