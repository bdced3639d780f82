import { EventEmitter } from 'eventemitter3';
import type pg from 'pg';
import { isRetryable, mapDatabaseError } from '../errors.js';
import { bulkInsertExecutions, bulkInsertToolExecutions } from '../sql/executions.js';
import type { ToolExecutionRow } from '../sql/executions.js';
import { backoffDelay } from './backoff.js';
import { HistoryError } from './errors.js';
import type { ClaimedFile, JournalSegment, Spool } from './spool.js';
import { unitRows, type HistoryUnit } from './unit.js';

export type OverflowPolicy = 'spool' | 'drop';

/** Live batches written at once, each on its own pooled connection. */
const WRITE_LANES = 2;

/** How many batches' worth of rows one statement may carry while the writer is behind. */
const BACKLOG_BATCH_FACTOR = 4;

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
  /** Failed spool writes (disk full, folder unwritable). */
  spoolErrors: number;
  /** Errors reported on the `error` event. */
  errors: number;
}

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
}

export interface BatchWriterOptions {
  pool: pg.Pool;
  spool: Spool;
  batchSize: number;
  flushIntervalMs: number;
  maxQueueRows: number;
  onOverflow: OverflowPolicy;
  retryBaseMs: number;
  retryMaxMs: number;
}

interface Entry {
  unit: HistoryUnit;
  rows: number;
  journal: JournalSegment | undefined;
}

/**
 * Takes runs from the middleware and writes them in batches: one transaction per batch, one bulk
 * INSERT per table, executions first. Retryable faults back off and retry; the queue is bounded
 * and overflows to the spool; the spool is replayed once the database answers.
 */
export class BatchWriter extends EventEmitter<WriterEvents> {
  private readonly o: BatchWriterOptions;
  private queue: Entry[] = [];
  private head = 0;
  private queuedRows = 0;
  private readonly inFlight = new Set<Entry[]>();
  private inFlightRows = 0;
  private spillBuffer: Entry[] = [];
  private spillRows = 0;
  private spilling = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private draining = false;
  private replayWanted = true;
  private replayingAtClose = false;
  private stopping = false;
  private deadline = Infinity;
  private wakeSleep: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private droppingReported = false;
  private closing: Promise<CloseReport> | undefined;
  private readonly counters = {
    written: 0,
    retried: 0,
    replayed: 0,
    dropped: 0,
    rejected: 0,
    spoolErrors: 0,
    errors: 0,
  };

  constructor(options: BatchWriterOptions) {
    super();
    this.o = options;
    // Replay whatever an earlier process left in the spool folder.
    this.kick();
  }

  stats(): WriterStats {
    return {
      queued: this.queuedRows + this.inFlightRows + this.spillRows,
      spooled: this.o.spool.pendingRows(),
      ...this.counters,
    };
  }

  /** Reports an error on the `error` event; a throwing listener never reaches the caller. */
  report(error: Error): void {
    this.counters.errors += 1;
    try {
      this.emit('error', error);
    } catch {
      // a listener's own fault; the writer carries on
    }
  }

  /** Hot path: O(1), never awaits, never throws. */
  enqueue(unit: HistoryUnit, journal?: JournalSegment): void {
    const entry: Entry = { unit, rows: unitRows(unit), journal };
    if (this.closing !== undefined || this.queuedRows + entry.rows > this.o.maxQueueRows) {
      this.overflow(entry);
      return;
    }
    this.queue.push(entry);
    this.queuedRows += entry.rows;
    if (this.queuedRows >= this.o.batchSize) this.kick();
    else if (this.timer === undefined && !this.draining) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.drain();
      }, this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  private overflow(entry: Entry): void {
    if (entry.journal !== undefined) {
      // Already on disk (sync durability): let go of the memory copy, replay the file later.
      this.o.spool.orphaned(entry.journal);
      this.replayWanted = true;
      return;
    }
    if (this.o.onOverflow === 'drop' && this.closing === undefined) {
      this.counters.dropped += entry.rows;
      if (!this.droppingReported) {
        this.droppingReported = true;
        this.report(
          new HistoryError(
            'DROPPED',
            `queue full (${this.o.maxQueueRows} rows): dropping rows as configured (onOverflow: 'drop')`,
            entry.rows,
          ),
        );
      }
      return;
    }
    this.spillBuffer.push(entry);
    this.spillRows += entry.rows;
    if (this.spillBuffer.length === 1) setImmediate(() => void this.spill());
  }

  /** Writes the overflow buffer to the spool: one append, one fsync. */
  private async spill(): Promise<void> {
    if (this.spillBuffer.length === 0) return;
    const entries = this.spillBuffer;
    const rows = this.spillRows;
    this.spillBuffer = [];
    this.spillRows = 0;
    await this.spillEntries(entries, rows);
  }

  private async spillEntries(entries: Entry[], rows: number): Promise<void> {
    this.spilling += 1;
    try {
      await this.o.spool.appendBatch(entries.map((e) => e.unit));
      this.replayWanted = true;
      if (this.closing === undefined) this.kick();
    } catch (error) {
      this.counters.spoolErrors += 1;
      this.counters.dropped += rows;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      this.report(
        new HistoryError(
          'SPOOL_WRITE',
          `cannot write the spool in ${this.o.spool.dir} (${code}); ${rows} rows lost`,
          rows,
          { cause: error },
        ),
      );
    } finally {
      this.spilling -= 1;
      this.notifyIdle();
    }
  }

  private kick(): void {
    if (this.draining || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.drain();
    });
  }

  private take(): Entry[] {
    const batch: Entry[] = [];
    let rows = 0;
    // Behind (a backlog of several batches): write bigger batches. Fewer commits per row let the
    // writer catch up instead of overflowing to the spool, which would write every row twice.
    const limit =
      this.queuedRows >= 2 * this.o.batchSize
        ? BACKLOG_BATCH_FACTOR * this.o.batchSize
        : this.o.batchSize;
    while (this.head < this.queue.length && rows < limit) {
      const entry = this.queue[this.head]!;
      this.queue[this.head] = undefined as unknown as Entry;
      this.head += 1;
      batch.push(entry);
      rows += entry.rows;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queuedRows -= rows;
    return batch;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const lanes = new Set<Promise<void>>();
    try {
      for (;;) {
        const batch = this.take();
        if (batch.length > 0) {
          // Up to WRITE_LANES batches on the wire at once (each on its own connection): the server
          // works on one while this process builds the next, instead of each waiting on the other.
          if (lanes.size >= WRITE_LANES) await Promise.race(lanes);
          const lane: Promise<void> = this.writeLive(batch).finally(() => lanes.delete(lane));
          lanes.add(lane);
          if (!this.replayWanted || this.stopping) continue;
        }
        await Promise.all(lanes);
        // One replay pass after live batches, not only when the queue runs dry: under steady
        // load the queue never empties, and the spool would otherwise wait until the next process.
        if (this.replayWanted && !this.stopping) {
          await this.replay();
          continue;
        }
        if (batch.length === 0) break;
      }
    } catch (error) {
      this.report(
        new HistoryError('WRITE_FAILED', `history writer fault: ${String(error)}`, 0, {
          cause: error,
        }),
      );
    } finally {
      await Promise.allSettled(lanes);
      this.draining = false;
      if (this.queuedRows >= this.o.batchSize || (this.stopping && this.queuedRows > 0))
        this.kick();
      else if (this.queuedRows > 0 && this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.drain();
        }, this.o.flushIntervalMs);
        this.timer.unref();
      }
      this.notifyIdle();
    }
  }

  /** Writes one live batch; a batch that closing cut short goes to the spool. Never throws. */
  private async writeLive(batch: Entry[]): Promise<void> {
    const rows = batch.reduce((n, e) => n + e.rows, 0);
    this.inFlight.add(batch);
    this.inFlightRows += rows;
    let ok = false;
    try {
      ok = await this.writeWithRetry(batch, false);
    } catch (error) {
      this.report(
        new HistoryError('WRITE_FAILED', `history writer fault: ${String(error)}`, 0, {
          cause: error,
        }),
      );
    } finally {
      this.inFlight.delete(batch);
      this.inFlightRows -= rows;
    }
    if (!ok) {
      // Closing with the database away (or a fault): the batch goes to the spool instead.
      await this.spillEntries(
        batch.filter((e) => e.journal === undefined),
        batch.reduce((n, e) => n + (e.journal === undefined ? e.rows : 0), 0),
      );
    }
  }

  private async replay(): Promise<void> {
    this.replayWanted = false;
    await this.o.spool.sealSpill();
    let files: ClaimedFile[];
    try {
      files = await this.o.spool.claim();
    } catch (error) {
      this.report(
        new HistoryError('SPOOL_REPLAY', `cannot read the spool in ${this.o.spool.dir}`, 0, {
          cause: error,
        }),
      );
      return;
    }
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      let finished = false;
      try {
        finished = true;
        for await (const units of this.o.spool.read(file, this.o.batchSize)) {
          const entries = units.map((unit) => ({ unit, rows: unitRows(unit), journal: undefined }));
          if (
            (this.stopping && !this.replayingAtClose) ||
            !(await this.writeWithRetry(entries, true))
          ) {
            finished = false;
            break;
          }
        }
      } catch (error) {
        finished = false;
        this.report(
          new HistoryError('SPOOL_REPLAY', `cannot replay ${file.path}`, 0, { cause: error }),
        );
      }
      if (finished) await this.o.spool.done(file);
      else {
        for (const rest of files.slice(i)) await this.o.spool.giveBack(rest);
        this.replayWanted = !this.stopping;
        return;
      }
    }
  }

  /** Returns false only when closing cut the retries short (the caller spools the batch). */
  private async writeWithRetry(entries: Entry[], replay: boolean): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.writeBatch(entries, replay);
        return true;
      } catch (error) {
        if (!isRetryable(error)) {
          await this.isolate(entries, error, replay);
          return true;
        }
        this.counters.retried += 1;
        this.report(mapDatabaseError(error, `history batch of ${entries.length} runs`));
        if (Date.now() >= this.deadline) return false;
        await this.sleep(backoffDelay(attempt, this.o.retryBaseMs, this.o.retryMaxMs));
        if (Date.now() >= this.deadline) return false;
      }
    }
  }

  /** A batch failed for good: split it to find the runs the database refuses, keep the rest. */
  private async isolate(entries: Entry[], error: unknown, replay: boolean): Promise<void> {
    if (entries.length > 1) {
      const mid = entries.length >> 1;
      await this.writeWithRetry(entries.slice(0, mid), replay);
      await this.writeWithRetry(entries.slice(mid), replay);
      return;
    }
    const entry = entries[0]!;
    let where = 'nowhere';
    try {
      where = await this.o.spool.reject([entry.unit]);
      this.counters.rejected += entry.rows;
    } catch (spoolError) {
      this.counters.spoolErrors += 1;
      this.counters.dropped += entry.rows;
    }
    if (entry.journal !== undefined) this.o.spool.committed(entry.journal);
    this.report(
      new HistoryError(
        'REJECTED',
        `the database refused execution ${entry.unit.execution.executionId}; kept in ${where}`,
        entry.rows,
        { cause: mapDatabaseError(error, 'history batch') },
      ),
    );
  }

  private async writeBatch(entries: Entry[], replay: boolean): Promise<void> {
    const executions = entries.map((e) => e.unit.execution);
    const tools: ToolExecutionRow[] = [];
    for (const e of entries) for (const t of e.unit.tools) tools.push(t);
    const client = await this.o.pool.connect();
    let broken: Error | undefined;
    // A server shutdown can hit a checked-out client between statements: keep it off the host.
    const onClientError = (error: Error): void => {
      broken ??= error;
    };
    client.on('error', onClientError);
    try {
      await client.query('BEGIN');
      const exec = bulkInsertExecutions(executions);
      await client.query(exec.text, exec.values);
      if (tools.length > 0) {
        const tool = bulkInsertToolExecutions(tools);
        await client.query(tool.text, tool.values);
      }
      await client.query('COMMIT');
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onClientError);
      // A connection-level fault discards the client instead of returning it to the pool.
      client.release(broken !== undefined && isRetryable(broken) ? broken : undefined);
    }
    const rows = executions.length + tools.length;
    this.counters.written += rows;
    if (replay) this.counters.replayed += rows;
    for (const e of entries) if (e.journal !== undefined) this.o.spool.committed(e.journal);
    try {
      this.emit('flushed', { executions: executions.length, toolRuns: tools.length, rows, replay });
    } catch {
      // a listener's own fault
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.min(ms, Math.max(0, this.deadline - Date.now())));
      timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeSleep === done) self.wakeSleep = undefined;
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  private isIdle(): boolean {
    return (
      !this.draining &&
      this.queuedRows === 0 &&
      this.spillRows === 0 &&
      this.spilling === 0 &&
      (!this.replayWanted || this.stopping)
    );
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const onIdle = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(onIdle);
    });
  }

  /** Writes everything held now (and replays the spool if the database answers). */
  async flush(options: { timeoutMs?: number } = {}): Promise<FlushReport> {
    if (this.spillBuffer.length > 0) void this.spill();
    this.kick();
    const complete = await this.waitIdle(options.timeoutMs ?? 30_000);
    const s = this.stats();
    return { complete, queued: s.queued, spooled: s.spooled };
  }

  /**
   * Stops: tries to write what is held until `timeoutMs`, then spools the rest. Idempotent; the
   * same report is returned to every caller.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseReport> {
    this.closing ??= this.doClose(options.timeoutMs ?? 5_000);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<CloseReport> {
    this.stopping = true;
    this.deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => this.wakeSleep?.(), timeoutMs);
    timer.unref();
    this.kick();
    // Grace beyond the deadline for a statement already on the wire.
    const idle = await this.waitIdle(timeoutMs + 1_000);
    if (idle && Date.now() < this.deadline && (await this.o.spool.hasReplayable())) {
      // The database answered the last batch: use the time left to empty the spool too, so a
      // close after an outage does not leave rows waiting for the next process.
      this.replayingAtClose = true;
      try {
        await this.replay();
      } catch (error) {
        this.report(
          new HistoryError('SPOOL_REPLAY', `replay at close failed: ${String(error)}`, 0, {
            cause: error,
          }),
        );
      } finally {
        this.replayingAtClose = false;
      }
    }
    clearTimeout(timer);
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    const leftovers: Entry[] = [...this.spillBuffer];
    this.spillBuffer = [];
    this.spillRows = 0;
    if (!idle) for (const batch of this.inFlight) leftovers.push(...batch);
    for (let i = this.head; i < this.queue.length; i++) leftovers.push(this.queue[i]!);
    this.queue = [];
    this.head = 0;
    this.queuedRows = 0;
    const toSpool = leftovers.filter((e) => e.journal === undefined);
    if (toSpool.length > 0)
      await this.spillEntries(
        toSpool,
        toSpool.reduce((n, e) => n + e.rows, 0),
      );
    this.o.spool.sealJournals();
    await this.o.spool.sealSpill();
    const inventory = await this.o.spool.inventory().catch(() => ({ files: [], rows: 0 }));
    return {
      written: this.counters.written,
      dropped: this.counters.dropped,
      spooledRows: inventory.rows,
      spoolFiles: inventory.files,
    };
  }
}
