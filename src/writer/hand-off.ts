import { HistoryError } from './errors.js';
import { entryRows, type Entry } from './queue.js';
import type { Spool } from './spool.js';
import type { OverflowPolicy, WriterCounters } from './types.js';

export interface HandOffOptions {
  spool: Spool;
  counters: WriterCounters;
  maxQueueRows: number;
  onOverflow: OverflowPolicy;
  report: (error: Error) => void;
  /** Runs reached the spool (a replay is due); `appended` when this hand-off wrote them. */
  spooled: (appended: boolean) => void;
  /** A spool write finished, well or not (the writer may be idle now). */
  settled: () => void;
}

/**
 * Hands runs the writer cannot hold (queue full, closing, database away at close) to the spool:
 * buffered within one tick, then one append and one fsync per group.
 */
export class SpoolHandOff {
  private buffer: Entry[] = [];
  /** Rows waiting in the buffer. */
  bufferedRows = 0;
  /** Spool writes under way. */
  writing = 0;
  private droppingReported = false;

  constructor(private readonly o: HandOffOptions) {
    o.spool.onLost = (error) => {
      o.counters.spoolErrors += 1;
      o.counters.dropped += error.rows;
      o.report(new HistoryError('SPOOL_WRITE', error.message, error.rows, { cause: error }));
    };
  }

  /** A run that does not fit in memory: spooled, or dropped as configured (never while closing). */
  overflow(entry: Entry, closing: boolean): void {
    if (entry.journal !== undefined) {
      // Already on disk (sync durability): let go of the memory copy, replay the file later.
      this.o.spool.orphaned(entry.journal);
      this.o.spooled(false);
      return;
    }
    if (this.o.onOverflow === 'drop' && !closing) {
      this.o.counters.dropped += entry.rows;
      if (!this.droppingReported) {
        this.droppingReported = true;
        this.o.report(
          new HistoryError(
            'DROPPED',
            `queue full (${this.o.maxQueueRows} rows): dropping rows as configured (onOverflow: 'drop')`,
            entry.rows,
          ),
        );
      }
      return;
    }
    this.buffer.push(entry);
    this.bufferedRows += entry.rows;
    if (this.buffer.length === 1) setImmediate(() => void this.writeBuffer());
  }

  /**
   * A run given after close() took what was held: spooled in a sealed file and the folder's lock
   * let go again, so the next handle on the folder replays it (this process's too), instead of a
   * file held by a handle that no longer writes.
   */
  afterClose(entry: Entry): void {
    const spool = this.o.spool;
    if (entry.journal !== undefined) spool.orphaned(entry.journal);
    const onDisk = entry.journal !== undefined ? Promise.resolve() : this.write([entry]);
    void onDisk
      .then(async () => {
        spool.sealJournals();
        await spool.sealSpill();
        await spool.release();
      })
      .catch((error: unknown) =>
        this.o.report(
          new HistoryError(
            'SPOOL_WRITE',
            `cannot seal the spool in ${spool.dir}: ${String(error)}`,
            0,
            {
              cause: error,
            },
          ),
        ),
      );
  }

  /** Writes the overflow buffer to the spool: one append, one fsync. */
  async writeBuffer(): Promise<void> {
    if (this.buffer.length === 0) return;
    const entries = this.takeBuffer();
    await this.write(entries);
  }

  hasBuffered(): boolean {
    return this.buffer.length > 0;
  }

  /** Empties the buffer, returning what was in it. */
  takeBuffer(): Entry[] {
    const entries = this.buffer;
    this.buffer = [];
    this.bufferedRows = 0;
    return entries;
  }

  /** Appends runs to the spool (journaled ones are on disk already). Never throws. */
  async write(entries: Entry[]): Promise<void> {
    // Nothing to write (a batch whose copy close() spooled already): no new file, no new lock.
    if (entries.length === 0) return;
    const rows = entryRows(entries);
    this.writing += 1;
    try {
      await this.o.spool.appendBatch(entries.map((e) => e.unit));
      this.o.spooled(true);
    } catch (error) {
      this.o.counters.spoolErrors += 1;
      this.o.counters.dropped += rows;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      this.o.report(
        new HistoryError(
          'SPOOL_WRITE',
          `cannot write the spool in ${this.o.spool.dir} (${code}); ${rows} rows lost`,
          rows,
          { cause: error },
        ),
      );
    } finally {
      this.writing -= 1;
      this.o.settled();
    }
  }
}
