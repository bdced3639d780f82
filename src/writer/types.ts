import type { HistorySink } from '../schema/ports.js';
import type { Spool } from './spool.js';

export type OverflowPolicy = 'spool' | 'drop';

export interface WriterStats {
  /** Rows held in memory: waiting, being written, or about to be spooled. */
  queued: number;
  /** Rows committed to the database (replayed ones included). */
  written: number;
  /** Batch attempts that failed with a retryable fault and were tried again. */
  retried: number;
  /** Rows this handle put in the spool that have not been replayed yet. */
  spooled: number;
  /** Rows replayed from spool files into the database. */
  replayed: number;
  /** Rows given up: only with `onOverflow: 'drop'`, or when the spool itself cannot be written. */
  dropped: number;
  /** Rows the database refused for good, kept in `rejected.jsonl` in the spool folder. */
  rejected: number;
  /** Failed spool writes (disk full, short writes, folder unwritable). */
  spoolErrors: number;
  /**
   * Spool lines that could not be replayed (torn, damaged bytes, wrong shape): moved to
   * `rejected.jsonl` in the spool folder, each reported on the `error` event.
   */
  quarantined: number;
  /** Errors reported on the `error` event. */
  errors: number;
}

/** The counters a writer keeps itself (`queued` and `spooled` are read from its parts). */
export type WriterCounters = Omit<WriterStats, 'queued' | 'spooled'>;

export interface FlushedEvent {
  executions: number;
  toolRuns: number;
  rows: number;
  /** True when the batch came from the spool. */
  replay: boolean;
}

export interface WriterEvents {
  error: (error: Error) => void;
  flushed: (event: FlushedEvent) => void;
}

export interface FlushReport {
  /** True when nothing was left in memory and no spool replay was pending. */
  complete: boolean;
  queued: number;
  spooled: number;
}

export interface CloseReport {
  written: number;
  dropped: number;
  /** Rows left in the spool folder, replayed by the next handle on it. */
  spooledRows: number;
  /** The spool files left behind. */
  spoolFiles: string[];
  /**
   * False when counting the spool's rows was cut short by the deadline: `spooledRows` is then a
   * lower bound (the files are all listed).
   */
  spooledRowsExact: boolean;
  /** Spool files in the folder meant for another database: left in place, never replayed here. */
  foreignSpoolFiles: string[];
}

export interface BatchWriterOptions {
  /** Where batches go (the store's; one transaction per batch). */
  sink: HistorySink;
  spool: Spool;
  batchSize: number;
  flushIntervalMs: number;
  maxQueueRows: number;
  onOverflow: OverflowPolicy;
  retryBaseMs: number;
  retryMaxMs: number;
}
