/**
 * The sanitizer's options checked once, where they are given (a store, a recorder, a handle): a
 * wrong type would otherwise surface later as a raw TypeError, or quietly store every value as
 * "[REDACTED]" or truncated. Its imports, checks.ts and errors.ts, are leaves.
 */
import { shapeOf, wholeNumber } from '../checks.js';
import { ValidationError } from '../errors.js';
import type { SanitizeOptions } from './sanitize.js';

const MAX_BYTES = 1 << 30;

function fail(field: string, expected: string, value: unknown): never {
  throw new ValidationError(`${field} must be ${expected}, got ${shapeOf(value)}`, field);
}

function checkBytes(field: string, value: unknown): void {
  if (value !== undefined) wholeNumber(value, field, 256, MAX_BYTES, ' of bytes');
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
