import path from 'node:path';
import { numberIn } from '../checks.js';
import { ValidationError } from '../errors.js';
import { isStore } from '../schema/ports.js';
import type { OverflowPolicy } from '../writer/types.js';

/** Node's timers hold at most 2^31-1 ms: a longer delay fires at once (with a warning on stderr). */
export const MAX_TIMER_MS = 2_147_483_647;
/** Rows in one batch statement at most (each column is one array parameter). */
const MAX_BATCH_ROWS = 100_000;
/** Rows held in memory at most. */
const MAX_QUEUE_ROWS = 100_000_000;

/** `value` when it is a number in (0, max] (or [0, max] with `zero`), `fallback` when undefined. */
export function boundedNumber(
  value: unknown,
  fallback: number,
  field: string,
  max: number,
  zero = false,
): number {
  return value === undefined ? fallback : numberIn(value, field, 0, max, { aboveMin: !zero });
}

/** A `timeoutMs` of flush()/close(): 0 to Node's longest timer (less `graceMs` added to it). */
export function readTimeout(
  options: { timeoutMs?: unknown } | undefined,
  fallback: number,
  graceMs = 0,
): number {
  return boundedNumber(options?.timeoutMs, fallback, 'timeoutMs', MAX_TIMER_MS - graceMs, true);
}

export interface WriterSettings {
  batchSize: number;
  maxQueueRows: number;
  flushIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  onOverflow: OverflowPolicy;
  spoolDir: string;
}

/**
 * The recorder's writer options, checked: a typed error naming the option rather than a raw
 * TypeError later, a timer that fires at once, or a spool written to the working folder.
 */
export function readWriterSettings(options: {
  store?: unknown;
  batchSize?: unknown;
  maxQueueRows?: unknown;
  flushIntervalMs?: unknown;
  retryBaseMs?: unknown;
  retryMaxMs?: unknown;
  onOverflow?: unknown;
  spoolDir?: unknown;
}): WriterSettings {
  if (options.store === undefined) throw new ValidationError('options.store is required', 'store');
  if (!isStore(options.store))
    throw new ValidationError(
      'options.store must be an ExecutionStore (from ExecutionStore.open())',
      'store',
    );
  const onOverflow = options.onOverflow ?? 'spool';
  if (onOverflow !== 'spool' && onOverflow !== 'drop')
    throw new ValidationError(`onOverflow must be 'spool' or 'drop'`, 'onOverflow');
  const spoolDir = options.spoolDir ?? path.join(process.cwd(), '.dendrite', 'spool');
  if (typeof spoolDir !== 'string' || spoolDir.trim() === '' || spoolDir.includes('\0'))
    throw new ValidationError('spoolDir must be a folder path (a non-empty string)', 'spoolDir');
  const batchSize = Math.floor(boundedNumber(options.batchSize, 500, 'batchSize', MAX_BATCH_ROWS));
  if (batchSize < 1) throw new ValidationError('batchSize must be at least 1 row', 'batchSize');
  const queueRows = boundedNumber(options.maxQueueRows, 10_000, 'maxQueueRows', MAX_QUEUE_ROWS);
  return {
    batchSize,
    maxQueueRows: Math.max(batchSize, Math.floor(queueRows)),
    flushIntervalMs: boundedNumber(options.flushIntervalMs, 200, 'flushIntervalMs', MAX_TIMER_MS),
    retryBaseMs: boundedNumber(options.retryBaseMs, 100, 'retryBaseMs', MAX_TIMER_MS),
    retryMaxMs: boundedNumber(options.retryMaxMs, 5_000, 'retryMaxMs', MAX_TIMER_MS),
    onOverflow,
    spoolDir,
  };
}
