import { EventEmitter } from 'eventemitter3';
import { ValidationError } from '../errors.js';
import type { ExecutionStore } from '../index.js';
import { portsOf } from '../schema/ports.js';
import {
  BatchWriter,
  type CloseReport,
  type FlushReport,
  type FlushedEvent,
  type OverflowPolicy,
  type WriterStats,
} from '../writer/batch-writer.js';
import { HistoryError } from '../writer/errors.js';
import { deriveSanitizer, type SanitizeOptions } from '../json/sanitize.js';
import { Spool, type JournalSegment } from '../writer/spool.js';
import type { HistoryUnit } from '../writer/unit.js';
import { RunAssembly } from './run-assembly.js';
import type {
  ModelCallInput,
  RunAbandonInput,
  RunEndInput,
  RunStartInput,
  ToolEndInput,
  ToolStartInput,
} from './run-inputs.js';
import { RowBuilder, safeString } from './rows.js';
import { readTimeout, readWriterSettings } from './recorder-options.js';
import { registerRecorder, unregisterRecorder } from './recorder-registry.js';

export type Durability = 'batched' | 'sync';

export interface RecorderOptions extends SanitizeOptions {
  /** Where rows go. Its sanitizer settings apply unless redaction/cap options are given here. */
  store: ExecutionStore;
  /** Rows per batch (executions + tool runs). Default 500. */
  batchSize?: number;
  /** Longest a row waits before its batch is written, in ms. Default 200. */
  flushIntervalMs?: number;
  /**
   * Rows the writer holds in memory at most; beyond, `onOverflow` applies. Runs in progress hold
   * at most as many tool rows again: past it (or past `batchSize` in one run) their ended tool
   * rows go to the writer ahead of the run's end. Default 10,000.
   */
  maxQueueRows?: number;
  /** What happens beyond `maxQueueRows`: 'spool' to disk (nothing lost) or 'drop' (counted). Default 'spool'. */
  onOverflow?: OverflowPolicy;
  /**
   * 'batched': a run is durable once its batch commits (or is spooled with fsync); a crash loses
   * what is still in memory (at most `maxQueueRows` rows, usually under `flushIntervalMs` worth).
   * 'sync': each run is appended and fsynced to the spool before endRun() (the `process:end`
   * handler) returns, then written and the spool compacted; a crash loses only runs still in
   * progress. Default 'batched'.
   */
  durability?: Durability;
  /** Spool folder (JSON lines), replayed by any later handle on it. Default `./.dendrite/spool`. */
  spoolDir?: string;
  /** First retry delay after a retryable fault, in ms (doubles, with jitter). Default 100. */
  retryBaseMs?: number;
  /** Longest retry delay, in ms. Default 5,000. */
  retryMaxMs?: number;
}

export interface HistoryStats extends WriterStats {
  /** Runs seen so far (ended, failed or abandoned). */
  runs: number;
  /** Runs started and not ended yet. */
  openRuns: number;
  /**
   * Tool rows held by runs in progress (and tools still running after their run ended). They
   * count against `maxQueueRows`: past it, or past `batchSize` rows in one run, a run's ended
   * tool rows are written ahead of its end.
   */
  openRows: number;
}

export interface HistoryEvents {
  /** Anything that went wrong in the history layer; never thrown to the caller. */
  error: (error: Error) => void;
  /** A batch reached the database. */
  flushed: (event: FlushedEvent) => void;
}

/**
 * Run assembly with a writer behind it: the one piece that the orchestrator contract
 * (`attachExecutionHistory`, `instrument`, `trackTool`) and framework adapters feed.
 *
 * A run is `startRun()`, any number of `startTool()`/`endTool()` and `recordModelCall()`, then
 * `endRun()` (or `abandonRun()`); calls are matched by `runId` and, for tools, `callId`. Each ended
 * run becomes one execution row and its tool rows, written in the background in batches (spooled
 * to disk while the database is away). Every method is synchronous, does bounded work and never
 * throws: a fault is reported on the `error` event and the run is kept. Events may come in any
 * order: an end without a start is recorded with what it carries.
 *
 * `close()` records runs still open as unfinished (success null), writes what it can in time and
 * spools the rest. The store is left open: it belongs to the caller.
 */
export class RunRecorder extends EventEmitter<HistoryEvents> {
  private readonly writer: BatchWriter;
  private readonly spool: Spool;
  private readonly durability: Durability;
  private readonly assembly: RunAssembly;
  private closing: Promise<CloseReport> | undefined;
  /** Open runs at which the next OPEN_RUNS notice goes out (doubles after each). */
  private openRunsNotice = 10_000;

  constructor(options: RecorderOptions) {
    super();
    const settings = readWriterSettings(options ?? {});
    const { store } = options;
    const durability = options.durability ?? 'batched';
    if (durability !== 'batched' && durability !== 'sync')
      throw new ValidationError(`durability must be 'batched' or 'sync'`, 'durability');
    // Payload faults (a throwing getter, a throwing `redact`) become markers and `error` events.
    const sanitizer = deriveSanitizer(store.sanitizer, options, (issue) =>
      this.writer.report(
        new HistoryError('PAYLOAD', `payload ${issue.kind} at "${issue.path}": ${issue.reason}`),
      ),
    );
    const rows = new RowBuilder(sanitizer, options.maxTextBytes ?? store.maxTextBytes);
    this.durability = durability;
    this.spool = new Spool(settings.spoolDir);
    const { batchSize, maxQueueRows } = settings;
    this.writer = new BatchWriter({
      sink: portsOf(store).sink,
      spool: this.spool,
      batchSize,
      flushIntervalMs: settings.flushIntervalMs,
      maxQueueRows,
      onOverflow: settings.onOverflow,
      retryBaseMs: settings.retryBaseMs,
      retryMaxMs: settings.retryMaxMs,
    });
    this.writer.on('error', (error) => this.safeEmit('error', error));
    this.writer.on('flushed', (event) => this.safeEmit('flushed', event));
    this.assembly = new RunAssembly(rows, (unit) => this.enqueue(unit), {
      perRun: batchSize,
      total: maxQueueRows,
    });
    registerRecorder(this);
  }

  private safeEmit<E extends keyof HistoryEvents>(
    name: E,
    ...args: Parameters<HistoryEvents[E]>
  ): void {
    try {
      (this.emit as (n: E, ...a: Parameters<HistoryEvents[E]>) => boolean)(name, ...args);
    } catch {
      // a listener's own fault must not reach the caller or the writer
    }
  }

  /** Runs `fn` so that nothing it does can throw into the caller. */
  protected guarded(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fault(what, error);
    }
  }

  /** Reports what a guarded call threw, on the `error` event. */
  protected fault(what: string, error: unknown): void {
    this.writer.report(
      new HistoryError('HANDLER', `history ${what} failed: ${safeString(error)}`, 0, {
        cause: error,
      }),
    );
  }

  // The per-event methods catch inline rather than through guarded(): no closure per event on
  // the orchestrator's path.

  /** A run began. Calling it again for the same `runId` updates the goal and start time. */
  startRun(input: RunStartInput): void {
    try {
      this.assembly.startRun(input);
      if (this.assembly.openRuns >= this.openRunsNotice) this.noticeOpenRuns();
    } catch (error) {
      this.fault('startRun', error);
    }
  }

  private noticeOpenRuns(): void {
    const open = this.assembly.openRuns;
    this.openRunsNotice *= 2;
    this.writer.report(
      new HistoryError(
        'OPEN_RUNS',
        `${open} runs started and not ended: are their ends reported (process:end, endRun)? ` +
          'Each is held in memory until it ends or close() records it as unfinished',
      ),
    );
  }

  /** A tool run began within `runId` (a run not started yet is opened). */
  startTool(input: ToolStartInput): void {
    try {
      this.assembly.startTool(input);
    } catch (error) {
      this.fault('startTool', error);
    }
  }

  /** A tool run ended; without a matching startTool() it is recorded from this call alone. */
  endTool(input: ToolEndInput): void {
    try {
      this.assembly.endTool(input);
    } catch (error) {
      this.fault('endTool', error);
    }
  }

  /** A model call within `runId`: its model and token usage go to the execution's metadata. */
  recordModelCall(input: ModelCallInput): void {
    try {
      this.assembly.recordModelCall(input);
    } catch (error) {
      this.fault('recordModelCall', error);
    }
  }

  /** The run ended: its execution row and tool rows are queued for writing. */
  endRun(input: RunEndInput): void {
    try {
      this.assembly.endRun(input);
    } catch (error) {
      this.fault('endRun', error);
    }
  }

  /** The run will not end (cancelled, lost): recorded as unfinished, success null. */
  abandonRun(input: RunAbandonInput): void {
    try {
      this.assembly.abandonRun(input);
    } catch (error) {
      this.fault('abandonRun', error);
    }
  }

  private enqueue(unit: HistoryUnit): void {
    let journal: JournalSegment | undefined;
    if (this.durability === 'sync') {
      try {
        journal = this.spool.appendSync(unit);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        this.writer.report(
          new HistoryError(
            'SPOOL_WRITE',
            `cannot journal a run in ${this.spool.dir} (${code}); it is kept in memory only`,
            1 + unit.tools.length,
            { cause: error },
          ),
        );
      }
    }
    this.writer.enqueue(unit, journal);
  }

  /** Counters: queued, written, retried, spooled, dropped and more. */
  stats(): HistoryStats {
    return {
      ...this.writer.stats(),
      runs: this.assembly.endedRuns,
      openRuns: this.assembly.openRuns,
      openRows: this.assembly.held,
    };
  }

  /** Writes everything held now; resolves when done or after `timeoutMs` (default 30,000). */
  flush(options: { timeoutMs?: number } = {}): Promise<FlushReport> {
    let timeoutMs: number;
    try {
      timeoutMs = readTimeout(options, 30_000);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.writer.flush({ timeoutMs });
  }

  /**
   * Records runs still open as unfinished (success null), writes what it can within `timeoutMs`
   * (default 5,000) and spools the rest. Idempotent. The report says what remains spooled. The
   * store is left open: it belongs to the caller.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseReport> {
    if (this.closing === undefined) {
      let timeoutMs: number;
      try {
        // close() keeps a second of grace past the deadline for a statement on the wire.
        timeoutMs = readTimeout(options, 5_000, 1_000);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      unregisterRecorder(this);
      this.guarded('close', () => this.assembly.closeAll());
      this.closing = this.writer.close({ timeoutMs });
    }
    return this.closing;
  }
}

/**
 * A run recorder writing to `options.store`: the entry point for framework adapters and for code
 * that reports its runs by calling methods instead of emitting the orchestrator contract's events.
 */
export function createRunRecorder(options: RecorderOptions): RunRecorder {
  return new RunRecorder(options);
}

export type { CloseReport, FlushReport, FlushedEvent, OverflowPolicy, WriterStats };
