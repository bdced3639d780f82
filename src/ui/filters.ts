/**
 * Query parameters → typed filters. Anything malformed is a ValidationError naming the parameter
 * (the routes answer 400); parameters the UI does not know are ignored, like any web page does.
 */
import { ValidationError } from '../errors.js';
import type { ExecutionCursor, ExecutionFilterValues } from '../sql/ui-executions.js';
import type { RecommendationStatus } from '../store/types.js';

export type QueryParams = Record<string, string | undefined>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SPAN = /^(\d{1,6})\s*([mhdw])$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Default page size of the executions list, and its ceiling. */
export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

function present(params: QueryParams, key: string): string | null {
  const value = params[key]?.trim();
  return value === undefined || value === '' ? null : value;
}

export function requireUuidParam(value: string, field: string): string {
  if (!UUID.test(value))
    throw new ValidationError(`${field} must be a UUID, got "${value.slice(0, 80)}"`, field);
  return value.toLowerCase();
}

/** An ISO date/time, or a span back from now (30m, 24h, 7d, 2w). */
export function parseInstant(raw: string, field: string, now: Date): Date {
  const span = SPAN.exec(raw);
  if (span !== null)
    return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2]!.toLowerCase()]!);
  const date = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new ValidationError(
      `${field} must be an ISO date (2026-01-31, 2026-01-31T12:00Z) or a span like 24h, 7d, 2w; got "${raw.slice(0, 80)}"`,
      field,
    );
  return date;
}

function name(params: QueryParams, key: string, max: number): string | null {
  const value = present(params, key);
  if (value !== null && value.length > max)
    throw new ValidationError(`${key} must be at most ${max} characters`, key);
  return value;
}

/** The filters of /executions and /api/executions. */
export function parseExecutionFilter(params: QueryParams, now: Date): ExecutionFilterValues {
  const success = present(params, 'success');
  if (success !== null && success !== 'true' && success !== 'false')
    throw new ValidationError(
      `success must be true or false, got "${success.slice(0, 80)}"`,
      'success',
    );
  const sinceRaw = present(params, 'since');
  const untilRaw = present(params, 'until');
  const since = sinceRaw === null ? null : parseInstant(sinceRaw, 'since', now);
  const until = untilRaw === null ? null : parseInstant(untilRaw, 'until', now);
  if (since !== null && until !== null && since >= until)
    throw new ValidationError('since must be before until', 'since');
  return {
    success: success === null ? null : success === 'true',
    intent: name(params, 'intent', 50),
    toolName: name(params, 'tool', 255),
    text: name(params, 'q', 200),
    since,
    until,
  };
}

/** The filter's own query parameters (without the cursor), for links and the form. */
export function filterParams(params: QueryParams): Record<string, string | null> {
  const keys = ['success', 'tool', 'intent', 'q', 'since', 'until', 'limit'];
  return Object.fromEntries(keys.map((key) => [key, present(params, key)]));
}

export function parseLimit(params: QueryParams): number {
  const raw = present(params, 'limit');
  if (raw === null) return PAGE_SIZE;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_PAGE_SIZE)
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'limit');
  return value;
}

/** The opaque `after` parameter: base64url of "<created_at µs ISO>|<execution uuid>". */
export function encodeCursor(cursor: ExecutionCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.executionId}`).toString('base64url');
}

export function parseCursor(params: QueryParams): ExecutionCursor | null {
  const raw = present(params, 'after');
  if (raw === null) return null;
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(raw) ? Buffer.from(raw, 'base64url').toString() : '';
  const [createdAt = '', executionId = ''] = text.split('|');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(createdAt) || !UUID.test(executionId))
    throw new ValidationError(
      'after is not a page position this UI gave out; start again from the first page',
      'after',
    );
  return { createdAt, executionId };
}

/** Overview and tool page ranges: a preset or a custom start. */
export const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type RangeName = keyof typeof RANGES;

export interface TimeRange {
  /** The preset, or 'custom' when `since` was given. */
  name: RangeName | 'custom';
  since: Date;
  now: Date;
}

export function parseRange(params: QueryParams, now: Date, fallback: RangeName): TimeRange {
  const since = present(params, 'since');
  const range = present(params, 'range');
  if (range === 'custom' || (range === null && since !== null)) {
    if (since === null) throw new ValidationError('a custom range needs since', 'since');
    const start = parseInstant(since, 'since', now);
    if (start >= now) throw new ValidationError('since must be in the past', 'since');
    if (now.getTime() - start.getTime() > 3650 * 86_400_000)
      throw new ValidationError('since must be within the last ten years', 'since');
    return { name: 'custom', since: start, now };
  }
  const key = range ?? fallback;
  if (!Object.hasOwn(RANGES, key))
    throw new ValidationError(
      `range must be one of ${Object.keys(RANGES).join(', ')} or custom, got "${key.slice(0, 40)}"`,
      'range',
    );
  return { name: key as RangeName, since: new Date(now.getTime() - RANGES[key as RangeName]), now };
}

const STATUSES = ['open', 'accepted', 'dismissed', 'expired'] as const;

/** `status` of the recommendations list: one status, or `all` (null). Default open. */
export function parseStatus(params: QueryParams): RecommendationStatus | null {
  const raw = present(params, 'status') ?? 'open';
  if (raw === 'all') return null;
  if (!(STATUSES as readonly string[]).includes(raw))
    throw new ValidationError(
      `status must be one of ${STATUSES.join(', ')} or all, got "${raw.slice(0, 40)}"`,
      'status',
    );
  return raw as RecommendationStatus;
}
