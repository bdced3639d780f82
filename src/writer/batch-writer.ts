import { EventEmitter } from 'eventemitter3';
import { Committer } from './committer.js';
import { Deadline } from './deadline.js';
import { HistoryError } from './errors.js';
import { SpoolHandOff } from './hand-off.js';
import { IdleWaiters } from './idle.js';
import { RunQueue, entryRows, toEntry, type Entry } from './queue.js';
import { replaySpool } from './replay.js';
import { SpoolTarget, configKey } from './spool-target.js';
import type { JournalSegment } from './spool.js';
import type {
  BatchWriterOptions,
  CloseReport,
  FlushReport,
  WriterCounters,
  WriterEvents,
  WriterStats,
} from './types.js';
import type { HistoryUnit } from './unit.js';

export type {
  BatchWriterOptions,
  CloseReport,
  FlushReport,
  FlushedEvent,
  OverflowPolicy,
  WriterEvents,
  WriterStats,
} from './types.js';

/** True for a run that exists in memory only (not journaled, no copy spooled). */
function notOnDisk(e: Entry): boolean {
  return e.journal === undefined && e.spooled !== true;
}

/** Time the close report may take to count spooled rows when the deadline has already passed. */
const INVENTORY_MIN_MS = 200;

/** Live batches written at once, each on its own pooled connection. */
const WRITE_LANES = 2;

/** How many batches' worth of rows one statement may carry while the writer is behind. */
const BACKLOG_BATCH_FACTOR = 4;

/**
 * Takes runs from the middleware and writes them in batches: one transaction per batch, one bulk
 * INSERT per table, executions first. Retryable faults back off and retry; the queue is bounded
 * and overflows to the spool; the spool is replayed once the database answers.
 *
 * This class schedules (when to write, when to replay, when to stop); the parts do the work:
 * RunQueue holds runs, Committer writes and retries, SpoolHandOff spools, replaySpool replays.
 */
export class BatchWriter extends EventEmitter<WriterEvents> {
  private readonly o: BatchWriterOptions;
  private readonly queue = new RunQueue();
  private readonly inFlight = new Set<Entry[]>();
  private inFlightRows = 0;
  private readonly handOff: SpoolHandOff;
  private readonly committer: Committer;
  private readonly deadline = new Deadline();
  private readonly idle = new IdleWaiters(() => this.isIdle());
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private draining = false;
  private replayWanted = true;
  private replayingAtClose = false;
  private stopping = false;
  private closing: Promise<CloseReport> | undefined;
  /** close() has taken what was held: a run given from now on is spooled on its own. */
  private closed = false;
  private readonly counters: WriterCounters = {
    written: 0,
    retried: 0,
    replayed: 0,
    dropped: 0,
    rejected: 0,
    spoolErrors: 0,
    quarantined: 0,
    errors: 0,
  };
  private readonly target: SpoolTarget;
  private retryReplay: NodeJS.Timeout | undefined;

  constructor(options: BatchWriterOptions) {
    super();
    this.o = options;
    this.target = new SpoolTarget(configKey(options.sink.configTarget));
    options.spool.setTarget(this.target);
    const report = (error: Error): void => this.report(error);
    this.handOff = new SpoolHandOff({
      spool: options.spool,
      counters: this.counters,
      maxQueueRows: options.maxQueueRows,
      onOverflow: options.onOverflow,
      report,
      spooled: (appended) => {
        this.replayWanted = true;
        if (appended && this.closing === undefined) this.kick();
      },
      settled: () => this.idle.notify(),
    });
    this.committer = new Committer({
      sink: options.sink,
      spool: options.spool,
      counters: this.counters,
      deadline: this.deadline,
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      report,
      flushed: (event) => {
        try {
          this.emit('flushed', event);
        } catch {
          // a listener's own fault
        }
      },
    });
    // Replay whatever an earlier process left in the spool folder.
    this.kick();
  }

  stats(): WriterStats {
    return {
      queued: this.queue.rows + this.inFlightRows + this.handOff.bufferedRows,
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
    const entry = toEntry(unit, journal);
    if (this.closed) {
      this.handOff.afterClose(entry);
      return;
    }
    if (this.closing !== undefined || this.queue.rows + entry.rows > this.o.maxQueueRows) {
      this.handOff.overflow(entry, this.closing !== undefined);
      return;
    }
    this.queue.push(entry);
    if (this.queue.rows >= this.o.batchSize) this.kick();
    else if (this.timer === undefined && !this.draining) this.schedule();
  }

  /** Writes the queue after `flushIntervalMs`, so that a trickle of runs still forms batches. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.o.flushIntervalMs);
    this.timer.unref();
  }

  private kick(): void {
    if (this.draining || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      void this.drain();
    });
  }

  private take(): Entry[] {
    // Behind (a backlog of several batches): write bigger batches. Fewer commits per row let the
    // writer catch up instead of overflowing to the spool, which would write every row twice.
    const limit =
      this.queue.rows >= 2 * this.o.batchSize
        ? BACKLOG_BATCH_FACTOR * this.o.batchSize
        : this.o.batchSize;
    return this.queue.take(limit);
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
        // Up to WRITE_LANES batches on the wire at once (each on its own connection): the server
        // works on one while this process builds the next, instead of each waiting on the other.
        // The batch is taken once a lane is free, so it holds everything queued meanwhile: fewer,
        // fuller statements (taken before the wait, half of them were half full).
        if (lanes.size >= WRITE_LANES) await Promise.race(lanes);
        const batch = this.take();
        if (batch.length > 0) {
          this.inFlight.add(batch);
          this.inFlightRows += entryRows(batch);
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
      this.reportFault(error);
    } finally {
      await Promise.allSettled(lanes);
      this.draining = false;
      if (this.queue.rows >= this.o.batchSize || (this.stopping && this.queue.rows > 0))
        this.kick();
      else if (this.queue.rows > 0 && this.timer === undefined) this.schedule();
      this.idle.notify();
    }
  }

  private reportFault(error: unknown): void {
    this.report(
      new HistoryError('WRITE_FAILED', `history writer fault: ${String(error)}`, 0, {
        cause: error,
      }),
    );
  }

  /**
   * Writes one live batch (already counted in flight); a batch that closing cut short goes to
   * the spool. Never throws.
   */
  private async writeLive(batch: Entry[]): Promise<void> {
    const rows = entryRows(batch);
    let ok = false;
    try {
      ok = await this.committer.commit(batch, false);
    } catch (error) {
      this.reportFault(error);
    } finally {
      this.inFlight.delete(batch);
      this.inFlightRows -= rows;
    }
    // Closing with the database away (or a fault): the batch goes to the spool instead.
    if (!ok) await this.handOff.write(batch.filter(notOnDisk));
  }

  private async replay(): Promise<void> {
    this.replayWanted = false;
    const outcome = await replaySpool({
      spool: this.o.spool,
      sink: this.o.sink,
      target: this.target,
      committer: this.committer,
      batchSize: this.o.batchSize,
      report: (error) => this.report(error),
      quarantined: (lines) => (this.counters.quarantined += lines),
      shouldStop: () => this.stopping && !this.replayingAtClose,
    });
    if (outcome === 'interrupted') this.replayWanted = !this.stopping;
    else if (outcome === 'failed' && !this.stopping && this.retryReplay === undefined) {
      // Not at once (that would spin on a fault that persists): after the longest retry delay.
      this.retryReplay = setTimeout(() => {
        this.retryReplay = undefined;
        this.replayWanted = true;
        this.kick();
      }, this.o.retryMaxMs);
      this.retryReplay.unref();
    }
  }

  private isIdle(): boolean {
    return (
      !this.draining &&
      this.queue.rows === 0 &&
      this.handOff.bufferedRows === 0 &&
      this.handOff.writing === 0 &&
      (!this.replayWanted || this.stopping)
    );
  }

  /**
   * Writes everything held now (and replays the spool if the database answers). When `timeoutMs`
   * passes first, every run still held is put in the spool (fsync) before this resolves, so a
   * process that exits right after loses nothing; the writer goes on trying meanwhile.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<FlushReport> {
    if (this.handOff.hasBuffered()) void this.handOff.writeBuffer();
    this.kick();
    const complete = await this.idle.wait(options.timeoutMs ?? 30_000);
    if (!complete && this.closing === undefined) await this.spoolHeld();
    const s = this.stats();
    return { complete, queued: s.queued, spooled: s.spooled };
  }

  /**
   * Puts every run held in memory on disk. Queued runs move to the spool (replayed from there);
   * runs on the wire keep their live write and a copy goes to the spool (a replay of a run
   * already written is a no-op: ids are client-generated, inserts skip conflicts).
   */
  private async spoolHeld(): Promise<void> {
    const entries = this.handOff.takeBuffer();
    for (const e of this.queue.takeAll()) {
      if (e.journal !== undefined) this.handOff.overflow(e, false);
      else entries.push(e);
    }
    for (const batch of this.inFlight)
      for (const e of batch)
        if (notOnDisk(e)) {
          e.spooled = true;
          entries.push(e);
        }
    if (entries.length > 0) await this.handOff.write(entries);
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
    this.deadline.at = Date.now() + timeoutMs;
    const timer = setTimeout(() => this.deadline.wake(), timeoutMs);
    timer.unref();
    this.kick();
    // Grace beyond the deadline for a statement already on the wire.
    const idle = await this.idle.wait(timeoutMs + 1_000);
    if (idle && !this.deadline.passed() && (await this.o.spool.hasReplayable())) {
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
    if (this.retryReplay !== undefined) clearTimeout(this.retryReplay);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    const leftovers: Entry[] = this.handOff.takeBuffer();
    this.closed = true;
    // Still on the wire after the grace period (a server that accepts and never answers): spool
    // a copy, marked so that the write, if it ever gives up, does not spool it again.
    if (!idle) for (const batch of this.inFlight) leftovers.push(...batch);
    leftovers.push(...this.queue.takeAll());
    const toSpool = leftovers.filter(notOnDisk);
    for (const e of toSpool) e.spooled = true;
    if (toSpool.length > 0) await this.handOff.write(toSpool);
    this.o.spool.sealJournals();
    await this.o.spool.sealSpill();
    // Counting what is left must not break the deadline (a spool can hold gigabytes): past it,
    // the report lists every file and gives a lower bound of rows.
    const countUntil = Math.max(this.deadline.at, Date.now() + INVENTORY_MIN_MS);
    const inventory = await this.o.spool
      .inventory(() => Date.now() >= countUntil)
      .catch(() => ({ files: [], rows: 0, exact: false, foreign: [] }));
    await this.o.spool.release();
    return {
      written: this.counters.written,
      dropped: this.counters.dropped,
      spooledRows: inventory.rows,
      spoolFiles: inventory.files,
      spooledRowsExact: inventory.exact,
      foreignSpoolFiles: inventory.foreign,
    };
  }
}
