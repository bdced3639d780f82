/**
 * Checks of plain values shared by every layer (store, middleware, analytics, sanitizer): a
 * ValidationError naming the field, with the value described by its shape. A leaf: its one
 * import, errors.ts, imports nothing.
 */
import { ValidationError } from './errors.js';

/**
 * How a rejected value reads in a message. Never a string's text: a string given where a number
 * was expected may be anything (a key pasted in the wrong place).
 */
export function shapeOf(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** `value` when it is a whole number from `min` to `max`; `unit` reads after "number" (" of ms"). */
export function wholeNumber(
  value: unknown,
  field: string,
  min: number,
  max: number,
  unit = '',
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ValidationError(
      `${field} must be a whole number${unit} from ${min} to ${max}, got ${shapeOf(value)}`,
      field,
    );
  return value;
}

/** `value` when it is a finite number from `min` (or above it, with `aboveMin`) to `max`. */
export function numberIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
  options: { aboveMin?: boolean; unit?: string } = {},
): number {
  const low = options.aboveMin === true;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (low && value === min) ||
    value > max
  )
    throw new ValidationError(
      `${field} must be a number${options.unit ?? ''} ${low ? 'above' : 'from'} ${min} to ${max}, got ${shapeOf(value)}`,
      field,
    );
  return value;
}
