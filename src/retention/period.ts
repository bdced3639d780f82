import { ValidationError } from '../errors.js';
import { TIMESTAMP_MIN_MS, TIMESTAMP_RANGE, requireTimestamp } from '../store/validate.js';

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/**
 * How far back history is kept: a number of days, a span such as `30d`, `36h` or `2w`, or a
 * cutoff date. Anything shorter than one day is refused: retention is not a way to empty tables.
 */
export type RetentionPeriod = number | string | Date;

/**
 * The instant `ms` milliseconds before `now`, or PostgreSQL's first instant when that lies before
 * it: a window reaching further back than the database can hold means "all history", not a date
 * the driver cannot send (an Invalid Date) or the server cannot store (22008).
 */
export function windowStart(now: Date, ms: number): Date {
  const start = now.getTime() - ms;
  return new Date(Number.isFinite(start) ? Math.max(start, TIMESTAMP_MIN_MS) : TIMESTAMP_MIN_MS);
}

/** Turns a retention period into the cutoff before which rows go. Throws ValidationError. */
export function retentionCutoff(value: RetentionPeriod, field: string, now = new Date()): Date {
  if (value instanceof Date) {
    requireTimestamp(value, field);
    if (value.getTime() > now.getTime() - DAY_MS)
      throw new ValidationError(`${field} must be at least one day in the past`, field);
    return new Date(value.getTime());
  }
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new ValidationError(`${field} must be a whole number of days, got ${value}`, field);
    ms = value * DAY_MS;
  } else if (typeof value === 'string') {
    const match = /^(\d+)\s*([hdw])$/i.exec(value.trim());
    if (match === null)
      throw new ValidationError(
        `${field} must be a span like 30d, 36h or 2w (or a number of days), got "${value}"`,
        field,
      );
    ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  } else {
    throw new ValidationError(
      `${field} must be a number of days, a span like 30d, or a date`,
      field,
    );
  }
  if (!(ms >= DAY_MS)) throw new ValidationError(`${field} must be at least 1 day`, field);
  // The cutoff must be a date PostgreSQL holds: at most back to its first day.
  const maxDays = Math.floor((now.getTime() - TIMESTAMP_MIN_MS) / DAY_MS);
  if (!Number.isSafeInteger(ms) || now.getTime() - ms < TIMESTAMP_MIN_MS)
    throw new ValidationError(
      `${field} must be from 1 to ${maxDays} days (PostgreSQL stores dates from ${TIMESTAMP_RANGE})`,
      field,
    );
  return new Date(now.getTime() - ms);
}
