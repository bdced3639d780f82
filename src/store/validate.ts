import { wholeNumber } from '../checks.js';
import { ValidationError } from '../errors.js';
import { isUuid } from '../ids.js';
import { cleanString, codePointLength, maskSecrets } from '../json/sanitize.js';

const INT4_MAX = 2_147_483_647;

export function requireUuid(value: unknown, field: string): string {
  if (!isUuid(value))
    throw new ValidationError(`${field} must be a UUID string, got ${describe(value)}`, field);
  return value.toLowerCase();
}

export function optionalUuid(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : requireUuid(value, field);
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string')
    throw new ValidationError(`${field} must be a string, got ${describe(value)}`, field);
  return value;
}

/** A non-empty name of at most maxLength characters (tool names, intents). */
export function requireName(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ValidationError(`${field} must be a non-empty string, got ${describe(value)}`, field);
  // Masked like every stored text; counted in characters as PostgreSQL's varchar(n) counts them.
  const cleaned = maskSecrets(cleanString(value));
  const length = codePointLength(cleaned);
  if (length > maxLength)
    throw new ValidationError(
      `${field} must be at most ${maxLength} characters, got ${length}`,
      field,
    );
  return cleaned;
}

export function optionalName(value: unknown, field: string, maxLength: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value))
    return requireName(String(value), field, maxLength);
  return requireName(value, field, maxLength);
}

export function optionalBoolean(value: unknown, field: string): boolean | null {
  if (value === undefined || value === null) return null;
  return requireBoolean(value, field);
}

export function requireBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new ValidationError(`${field} must be true or false, got ${describe(value)}`, field);
  return value;
}

/** A non-negative duration in ms, rounded to a whole number; null when absent. */
export function optionalDuration(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > INT4_MAX)
    throw new ValidationError(
      `${field} must be a number of milliseconds from 0 to ${INT4_MAX}, got ${describe(value)}`,
      field,
    );
  return Math.round(value);
}

/**
 * The earliest instant PostgreSQL's timestamptz holds: 4714-11-24 00:00 UTC BC (Julian day 0).
 * Its latest (294276 AD) lies beyond JavaScript's own last date (275760-09-13), so only the lower
 * bound can be crossed by a valid Date.
 */
export const TIMESTAMP_MIN_MS = Date.UTC(-4713, 10, 24);
/** How the valid range reads in messages. */
export const TIMESTAMP_RANGE = '4714-11-24 BC to 275760-09-13 AD (UTC)';

/** A valid Date PostgreSQL can store, or a ValidationError naming the range. */
export function requireTimestamp(date: Date, field: string): Date {
  if (Number.isNaN(date.getTime()))
    throw new ValidationError(`${field} is an invalid date (valid: ${TIMESTAMP_RANGE})`, field);
  if (date.getTime() < TIMESTAMP_MIN_MS)
    throw new ValidationError(
      `${field} is out of range: PostgreSQL stores dates from ${TIMESTAMP_RANGE}`,
      field,
    );
  return date;
}

export function optionalDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime()))
    throw new ValidationError(
      `${field} must be a Date or an ISO 8601 string (from ${TIMESTAMP_RANGE}), got ${describe(value)}`,
      field,
    );
  return requireTimestamp(date, field);
}

export function requireRating(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5)
    throw new ValidationError(
      `rating must be a whole number from 1 to 5, got ${describe(value)}`,
      'rating',
    );
  return value;
}

/** A whole number within [min, max] (limits, thresholds). */
export function requireCount(value: unknown, field: string, min: number, max: number): number {
  return wholeNumber(value, field, min, max);
}

export function describe(value: unknown): string {
  // Masked: a value rejected for its form may still be a secret (a key given as an id).
  if (typeof value === 'string')
    return value.length > 40
      ? `a string of ${value.length} characters`
      : JSON.stringify(maskSecrets(cleanString(value)));
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  )
    return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * A method's options argument: undefined as `{}`, a plain object as it is; anything else (a
 * number, null, a string, an array) is a ValidationError instead of options silently ignored.
 */
export function readOptions<T extends object>(value: T | undefined, method: string): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(
      `${method}() takes an options object, got ${describe(value)}`,
      'options',
    );
  return value;
}
