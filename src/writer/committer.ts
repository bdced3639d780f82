import type { HistorySink } from '../schema/ports.js';
import { isRetryable, mapDatabaseError, sqlStateOf } from '../errors.js';
import { backoffDelay } from './backoff.js';
import type { Deadline } from './deadline.js';
import { HistoryError } from './errors.js';
import { insertBatch } from './insert-batch.js';
import type { Entry } from './queue.js';
import type { Spool } from './spool.js';
import type { FlushedEvent, WriterCounters } from './types.js';

export interface CommitterOptions {
  sink: HistorySink;
  spool: Spool;
  counters: WriterCounters;
  deadline: Deadline;
  retryBaseMs: number;
  retryMaxMs: number;
  report: (error: Error) => void;
  flushed: (event: FlushedEvent) => void;
}

/** SQLSTATE of a statement cancelled by `statement_timeout` (or by a user). */
const QUERY_CANCELED = '57014';

/** Thrown inside commit() only: the batch hit a statement timeout and is written in halves. */
class TooSlow extends Error {}

/**
 * A run written on its own that hits the statement timeout this many times in a row is set aside
 * in the spool: retrying it at once forever would hold its lane, and during a replay the whole
 * writer (live rows included), behind one run the server cannot take in time.
 */
const TIMEOUTS_BEFORE_SETTING_ASIDE = 3;

/** Thrown inside commit() only: a single run keeps hitting the statement timeout. */
class TooSlowAlone extends Error {}

/** What retrying() does on a statement timeout: retry, split the batch, or set the run aside. */
type OnTimeout = 'retry' | 'split' | 'set-aside';

/**
 * Commits batches: retries retryable faults with backoff until the deadline, writes a batch that
 * hits a statement timeout in halves, and splits a batch the database refuses for good to set
 * aside only the runs it refuses (in `rejected.jsonl`).
 */
export class Committer {
  constructor(private readonly o: CommitterOptions) {}

  /** True once close()'s deadline has passed (never before close()). */
  pastDeadline(): boolean {
    return this.o.deadline.passed();
  }

  /** Returns false only when the deadline cut the retries short (the caller spools the batch). */
  async commit(entries: Entry[], replay: boolean): Promise<boolean> {
    try {
      return await this.retrying(
        () => this.write(entries, replay),
        `history batch of ${entries.length} runs`,
        entries.length > 1 ? 'split' : 'set-aside',
      );
    } catch (error) {
      if (error instanceof TooSlowAlone) {
        await this.setAside(entries[0]!, error);
        return true;
      }
      if (error instanceof TooSlow) {
        // A statement timeout shorter than this batch takes: halves go through, retrying the same
        // batch never would.
        const mid = entries.length >> 1;
        const first = await this.commit(entries.slice(0, mid), replay);
        const second = await this.commit(entries.slice(mid), replay);
        return first && second;
      }
      await this.isolate(entries, error, replay);
      return true;
    }
  }

  /**
   * Runs `op`, retrying retryable faults with backoff. Resolves true once it succeeds, false when
   * the deadline cut the retries short; rejects with a fault that retrying cannot cure.
   */
  async retrying(
    op: () => Promise<void>,
    what: string,
    onTimeout: OnTimeout = 'retry',
  ): Promise<boolean> {
    let timeouts = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        await op();
        return true;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        this.o.counters.retried += 1;
        this.o.report(mapDatabaseError(error, what));
        const timedOut = sqlStateOf(error) === QUERY_CANCELED;
        timeouts = timedOut ? timeouts + 1 : 0;
        if (timedOut && onTimeout === 'split') throw new TooSlow();
        if (onTimeout === 'set-aside' && timeouts >= TIMEOUTS_BEFORE_SETTING_ASIDE)
          throw new TooSlowAlone(what, { cause: error });
        if (this.o.deadline.passed()) return false;
        await this.o.deadline.sleep(backoffDelay(attempt, this.o.retryBaseMs, this.o.retryMaxMs));
        if (this.o.deadline.passed()) return false;
      }
    }
  }

  /**
   * A run the server cannot write within its statement timeout goes to the spool (a journaled
   * run stays in its journal, sealed for replay) and is tried again at the next replay; the
   * runs behind it go on. Never dropped: only a spool that cannot be written counts it lost.
   */
  private async setAside(entry: Entry, error: TooSlowAlone): Promise<void> {
    const { counters, spool } = this.o;
    const id = entry.unit.execution.executionId;
    if (entry.journal !== undefined) spool.orphaned(entry.journal);
    else if (entry.spooled !== true) {
      try {
        await spool.appendBatch([entry.unit]);
      } catch (spoolError) {
        counters.spoolErrors += 1;
        counters.dropped += entry.rows;
        this.o.report(
          new HistoryError(
            'SPOOL_WRITE',
            `cannot set execution ${id} aside in the spool in ${spool.dir}; ${entry.rows} rows lost`,
            entry.rows,
            { cause: spoolError },
          ),
        );
        return;
      }
    }
    this.o.report(
      new HistoryError(
        'SET_ASIDE',
        `execution ${id} outlasted the statement timeout ${TIMEOUTS_BEFORE_SETTING_ASIDE} times on its own; set aside in the spool in ${spool.dir}, tried again at the next replay`,
        entry.rows,
        { cause: error.cause },
      ),
    );
  }

  /** A batch failed for good: split it to find the runs the database refuses, keep the rest. */
  private async isolate(entries: Entry[], error: unknown, replay: boolean): Promise<void> {
    if (entries.length > 1) {
      const mid = entries.length >> 1;
      await this.commit(entries.slice(0, mid), replay);
      await this.commit(entries.slice(mid), replay);
      return;
    }
    const entry = entries[0]!;
    const { counters, spool } = this.o;
    let where = 'nowhere';
    try {
      where = await spool.reject([entry.unit]);
      counters.rejected += entry.rows;
    } catch {
      counters.spoolErrors += 1;
      counters.dropped += entry.rows;
    }
    if (entry.journal !== undefined) spool.committed(entry.journal);
    this.o.report(
      new HistoryError(
        'REJECTED',
        `the database refused execution ${entry.unit.execution.executionId}; kept in ${where}`,
        entry.rows,
        { cause: mapDatabaseError(error, 'history batch') },
      ),
    );
  }

  private async write(entries: Entry[], replay: boolean): Promise<void> {
    const { executions, toolRuns } = await insertBatch(this.o.sink, entries);
    const rows = executions + toolRuns;
    this.o.counters.written += rows;
    if (replay) this.o.counters.replayed += rows;
    for (const e of entries) if (e.journal !== undefined) this.o.spool.committed(e.journal);
    this.o.flushed({ executions, toolRuns, rows, replay });
  }
}
