import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'eventemitter3';
import { ValidationError } from '../errors.js';
import { isUuid, newId } from '../ids.js';
import type { ExecutionStore } from '../store/execution-store.js';
import {
  BatchWriter,
  type CloseReport,
  type FlushReport,
  type FlushedEvent,
  type OverflowPolicy,
  type WriterStats,
} from '../writer/batch-writer.js';
import { HistoryError } from '../writer/errors.js';
import { createJsonSanitizer, type SanitizeOptions } from '../json/sanitize.js';
import { Spool, type JournalSegment } from '../writer/spool.js';
import type { HistoryUnit } from '../writer/unit.js';
import type {
  OrchestratorEventName,
  OrchestratorLike,
  ProcessEndEvent,
  ProcessErrorEvent,
  ProcessStartEvent,
  RunId,
  ToolEndEvent,
  ToolStartEvent,
} from './contract.js';
import {
  RowBuilder,
  pickFor,
  readResult,
  toDate,
  toDuration,
  type ExecutionRow,
  type ToolExecutionRow,
} from './rows.js';

export type Durability = 'batched' | 'sync';

export interface AttachOptions extends SanitizeOptions {
  /** Where rows go. Its sanitizer settings apply unless redaction/cap options are given here. */
  store: ExecutionStore;
  /** Rows per batch (executions + tool runs). Default 500. */
  batchSize?: number;
  /** Longest a row waits before its batch is written, in ms. Default 200. */
  flushIntervalMs?: number;
  /** Rows held in memory at most; beyond, `onOverflow` applies. Default 10,000. */
  maxQueueRows?: number;
  /** What happens beyond `maxQueueRows`: 'spool' to disk (nothing lost) or 'drop' (counted). Default 'spool'. */
  onOverflow?: OverflowPolicy;
  /**
   * 'batched': a run is durable once its batch commits (or is spooled with fsync); a crash loses
   * what is still in memory (at most `maxQueueRows` rows, usually under `flushIntervalMs` worth).
   * 'sync': each run is appended and fsynced to the spool before the `process:end` handler
   * returns, then written and the spool compacted; a crash loses only runs still in progress.
   * Default 'batched'.
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
  /** Runs seen so far (process:end or process:error). */
  runs: number;
  /** Runs started and not ended yet. */
  openRuns: number;
}

export interface HistoryEvents {
  /** Anything that went wrong in the history layer; never thrown to the orchestrator. */
  error: (error: Error) => void;
  /** A batch reached the database. */
  flushed: (event: FlushedEvent) => void;
}

interface ToolState {
  row: ToolExecutionRow;
  callKey: string;
  t0: number;
  ended: boolean;
}

interface RunState {
  executionId: string;
  goalText: string;
  goalId: string | null;
  createdAt: Date;
  t0: number;
  tools: ToolState[];
}

const EMPTY_JSON = '{}';

type Subscribe = (event: OrchestratorEventName, listener: (event: never) => void) => unknown;

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(`${field} must be a positive number`, field);
  return value;
}

/**
 * The handle returned by `attachExecutionHistory`: records every run of one orchestrator.
 * Handlers do synchronous, bounded work and never throw; writing happens in the background.
 */
export class ExecutionHistory extends EventEmitter<HistoryEvents> {
  private readonly orchestrator: OrchestratorLike;
  private readonly writer: BatchWriter;
  private readonly spool: Spool;
  private readonly rows: RowBuilder;
  private readonly durability: Durability;
  private readonly runs = new Map<RunId, RunState>();
  private readonly subscriptions: Array<[OrchestratorEventName, (event: never) => void]>;
  private attached = true;
  private runCount = 0;
  private closing: Promise<CloseReport> | undefined;

  constructor(orchestrator: OrchestratorLike, options: AttachOptions) {
    super();
    if (typeof orchestrator?.on !== 'function')
      throw new ValidationError('the orchestrator must be an event emitter (it has no on())');
    if (options?.store === undefined)
      throw new ValidationError('options.store is required', 'store');
    const { store } = options;
    const durability = options.durability ?? 'batched';
    if (durability !== 'batched' && durability !== 'sync')
      throw new ValidationError(`durability must be 'batched' or 'sync'`, 'durability');
    const onOverflow = options.onOverflow ?? 'spool';
    if (onOverflow !== 'spool' && onOverflow !== 'drop')
      throw new ValidationError(`onOverflow must be 'spool' or 'drop'`, 'onOverflow');
    const batchSize = Math.floor(positive(options.batchSize, 500, 'batchSize'));
    const ownSanitizer =
      options.redactKeys !== undefined ||
      options.redact !== undefined ||
      options.maxJsonBytes !== undefined ||
      options.maxDepth !== undefined;
    const sanitizer = ownSanitizer
      ? createJsonSanitizer({
          maxJsonBytes: store.sanitizer.maxJsonBytes,
          maxDepth: store.sanitizer.maxDepth,
          ...options,
        })
      : store.sanitizer;
    this.rows = new RowBuilder(sanitizer, options.maxTextBytes ?? store.maxTextBytes);
    this.durability = durability;
    this.orchestrator = orchestrator;
    this.spool = new Spool(options.spoolDir ?? path.join(process.cwd(), '.dendrite', 'spool'));
    this.writer = new BatchWriter({
      pool: store.pool,
      spool: this.spool,
      batchSize,
      flushIntervalMs: positive(options.flushIntervalMs, 200, 'flushIntervalMs'),
      maxQueueRows: Math.max(
        batchSize,
        Math.floor(positive(options.maxQueueRows, 10_000, 'maxQueueRows')),
      ),
      onOverflow,
      retryBaseMs: positive(options.retryBaseMs, 100, 'retryBaseMs'),
      retryMaxMs: positive(options.retryMaxMs, 5_000, 'retryMaxMs'),
    });
    this.writer.on('error', (error) => this.safeEmit('error', error));
    this.writer.on('flushed', (event) => this.safeEmit('flushed', event));
    this.subscriptions = [
      ['process:start', this.guard((e: ProcessStartEvent) => this.onProcessStart(e))],
      ['tool:start', this.guard((e: ToolStartEvent) => this.onToolStart(e))],
      ['tool:end', this.guard((e: ToolEndEvent) => this.onToolEnd(e))],
      ['process:end', this.guard((e: ProcessEndEvent) => this.onProcessEnd(e))],
      ['process:error', this.guard((e: ProcessErrorEvent) => this.onProcessError(e))],
    ];
    const on = orchestrator.on as Subscribe;
    for (const [name, fn] of this.subscriptions) on.call(orchestrator, name, fn);
  }

  private safeEmit<E extends keyof HistoryEvents>(
    name: E,
    ...args: Parameters<HistoryEvents[E]>
  ): void {
    try {
      (this.emit as (n: E, ...a: Parameters<HistoryEvents[E]>) => boolean)(name, ...args);
    } catch {
      // a listener's own fault must not reach the orchestrator or the writer
    }
  }

  /** Wraps a handler so that nothing it does can throw into the orchestrator. */
  private guard<T>(fn: (event: T) => void): (event: never) => void {
    return (event: never) => {
      try {
        fn(event as T);
      } catch (error) {
        this.writer.report(
          new HistoryError('HANDLER', `history handler failed: ${String(error)}`, 0, {
            cause: error,
          }),
        );
      }
    };
  }

  private run(runId: RunId): RunState {
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = {
        executionId: isUuid(runId) ? runId : newId(),
        goalText: '',
        goalId: null,
        createdAt: new Date(),
        t0: performance.now(),
        tools: [],
      };
      this.runs.set(runId, run);
    }
    return run;
  }

  private onProcessStart(e: ProcessStartEvent): void {
    const run = this.run(e.runId);
    run.goalText = this.rows.text(e.goalText ?? '');
    run.goalId = this.rows.name(e.goalId, 255);
    const startedAt = toDate(e.startedAt);
    if (startedAt !== null) run.createdAt = startedAt;
  }

  /** A tool run's state as of its start (or of its end, for a tool:end without tool:start). */
  private addTool(
    run: RunState,
    callKey: string,
    toolName: unknown,
    parameters: unknown,
    createdAt: Date,
  ): ToolState {
    const tool: ToolState = {
      callKey,
      t0: performance.now(),
      ended: false,
      row: {
        callId: isUuid(callKey) ? callKey : newId(),
        executionId: run.executionId,
        toolName: this.rows.name(toolName, 255) ?? 'unknown',
        parameters: this.rows.optionalJson(parameters),
        result: null,
        success: false,
        error: null,
        durationMs: null,
        createdAt,
      },
    };
    run.tools.push(tool);
    return tool;
  }

  private onToolStart(e: ToolStartEvent): void {
    const run = this.run(e.runId);
    this.addTool(
      run,
      String(e.callId),
      e.toolName,
      e.parameters,
      toDate(e.startedAt) ?? new Date(),
    );
  }

  private onToolEnd(e: ToolEndEvent): void {
    const run = this.run(e.runId);
    const callKey = String(e.callId);
    let tool: ToolState | undefined;
    for (let i = run.tools.length - 1; i >= 0; i--)
      if (run.tools[i]!.callKey === callKey && !run.tools[i]!.ended) {
        tool = run.tools[i];
        break;
      }
    const now = performance.now();
    tool ??= this.addTool(run, callKey, e.toolName, undefined, new Date());
    tool.ended = true;
    const row = tool.row;
    row.success = e.success === true;
    row.result = this.rows.optionalJson(e.result);
    row.error = this.rows.optionalText(e.error);
    row.durationMs = toDuration(e.durationMs) ?? toDuration(now - tool.t0);
  }

  private finish(
    runId: RunId,
    execution: (run: RunState) => ExecutionRow,
    fallback: unknown,
  ): void {
    const run = this.run(runId);
    this.runs.delete(runId);
    this.runCount += 1;
    const row = execution(run);
    const tools: ToolExecutionRow[] = [];
    for (const tool of run.tools) {
      if (!tool.ended) {
        tool.row.error = 'the run ended before this tool reported tool:end';
        tool.row.durationMs = toDuration(performance.now() - tool.t0);
      }
      tools.push(tool.row);
    }
    if (tools.length === 0) this.fallbackTools(run, row, fallback, tools);
    this.enqueue({ execution: row, tools });
  }

  /** No tool events: log the tools the result names (`selectedTools`), if any. */
  private fallbackTools(
    run: RunState,
    row: ExecutionRow,
    result: unknown,
    tools: ToolExecutionRow[],
  ): void {
    const fields = readResult(result);
    const names = fields?.selectedTools;
    if (fields === undefined || !Array.isArray(names) || names.length === 0) return;
    for (let i = 0; i < names.length; i++) {
      const name = this.rows.name(names[i], 255);
      if (name === null || name.length === 0) continue;
      tools.push({
        callId: newId(),
        executionId: run.executionId,
        toolName: name,
        parameters: this.rows.optionalJson(pickFor(fields.toolParameters, name, i, names.length)),
        result: this.rows.optionalJson(pickFor(fields.executionResult, name, i, names.length)),
        success: row.success !== false,
        error: row.error,
        durationMs: null,
        createdAt: run.createdAt,
      });
    }
  }

  private onProcessEnd(e: ProcessEndEvent): void {
    this.finish(
      e.runId,
      (run) => {
        const fields = readResult(e.result);
        const error = fields === undefined ? null : this.rows.optionalText(fields.error);
        const success = typeof fields?.success === 'boolean' ? fields.success : error === null;
        const goalId = fields === undefined ? null : this.rows.name(fields.goalId, 255);
        return {
          executionId: run.executionId,
          goalId: goalId ?? run.goalId,
          goalText: run.goalText,
          intent: fields === undefined ? null : this.rows.name(fields.intent, 50),
          success,
          error,
          durationMs: toDuration(fields?.durationMs) ?? toDuration(performance.now() - run.t0),
          createdAt: run.createdAt,
          metadata:
            fields === undefined || fields.metadata === undefined || fields.metadata === null
              ? EMPTY_JSON
              : this.rows.json(fields.metadata),
        };
      },
      e.result,
    );
  }

  private onProcessError(e: ProcessErrorEvent): void {
    this.finish(
      e.runId,
      (run) => ({
        executionId: run.executionId,
        goalId: run.goalId,
        goalText: run.goalText,
        intent: null,
        success: false,
        error: this.rows.text(e.error ?? 'process() failed'),
        durationMs: toDuration(performance.now() - run.t0),
        createdAt: run.createdAt,
        metadata: this.rows.json({ error: e.error }),
      }),
      undefined,
    );
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
    return { ...this.writer.stats(), runs: this.runCount, openRuns: this.runs.size };
  }

  /** Writes everything held now; resolves when done or after `timeoutMs` (default 30,000). */
  flush(options: { timeoutMs?: number } = {}): Promise<FlushReport> {
    return this.writer.flush(options);
  }

  /** Stops listening to the orchestrator (idempotent). Runs already seen are still written. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    const o = this.orchestrator;
    for (const [name, fn] of this.subscriptions) {
      const off = (o.off ?? o.removeListener) as Subscribe | undefined;
      off?.call(o, name, fn);
    }
  }

  /**
   * Detaches, records runs still open as unfinished (success null), writes what it can within
   * `timeoutMs` (default 5,000) and spools the rest. Idempotent. The report says what remains
   * spooled. The store is left open: it belongs to the caller.
   */
  close(options: { timeoutMs?: number } = {}): Promise<CloseReport> {
    if (this.closing === undefined) {
      this.detach();
      for (const [runId, run] of [...this.runs]) {
        this.finish(
          runId,
          () => ({
            executionId: run.executionId,
            goalId: run.goalId,
            goalText: run.goalText,
            intent: null,
            success: null,
            error: null,
            durationMs: toDuration(performance.now() - run.t0),
            createdAt: run.createdAt,
            metadata: '{"_unfinished":true}',
          }),
          undefined,
        );
      }
      this.closing = this.writer.close(options);
    }
    return this.closing;
  }
}

/**
 * Records every run of `orchestrator` in `options.store`: subscribe once, and each `process()` with
 * its tool runs lands in PostgreSQL. Returns the handle (flush, close, detach, stats, events).
 */
export function attachExecutionHistory(
  orchestrator: OrchestratorLike,
  options: AttachOptions,
): ExecutionHistory {
  return new ExecutionHistory(orchestrator, options);
}

export type { CloseReport, FlushReport, FlushedEvent, OverflowPolicy, WriterStats };
