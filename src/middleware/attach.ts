import { ValidationError } from '../errors.js';
import type {
  OrchestratorEventName,
  ModelCallEvent,
  OrchestratorLike,
  ProcessAbandonEvent,
  ProcessEndEvent,
  ProcessErrorEvent,
  ProcessStartEvent,
  ToolEndEvent,
  ToolStartEvent,
} from './contract.js';
import { readResult } from './rows.js';
import type { RunEndFromResult } from './run-inputs.js';
import { RunRecorder, type CloseReport, type RecorderOptions } from './run-recorder.js';

export type AttachOptions = RecorderOptions;

/** Marks an attached orchestrator; Symbol.for so two copies of the library see each other. */
const ATTACHED = Symbol.for('dendrite-history.attached');

type Subscribe = (event: OrchestratorEventName, listener: (event: never) => void) => unknown;

/**
 * The handle returned by `attachExecutionHistory`: a `RunRecorder` fed by one orchestrator's
 * contract events. Handlers do synchronous, bounded work and never throw; writing happens in the
 * background. One orchestrator has at most one handle at a time: attaching it again before
 * `detach()`/`close()` throws a ValidationError (field 'orchestrator') instead of doubling rows.
 */
export class ExecutionHistory extends RunRecorder {
  private readonly orchestrator: OrchestratorLike;
  private readonly subscriptions: Array<[OrchestratorEventName, (event: never) => void]>;
  private attached = true;

  constructor(orchestrator: OrchestratorLike, options: AttachOptions) {
    if (typeof orchestrator?.on !== 'function')
      throw new ValidationError('the orchestrator must be an event emitter (it has no on())');
    if (Object.hasOwn(orchestrator, ATTACHED))
      throw new ValidationError(
        'this orchestrator already has an execution history attached, so every row would be ' +
          'written twice: reuse that handle, or detach() or close() it first',
        'orchestrator',
      );
    super(options);
    this.orchestrator = orchestrator;
    // Marked on the object itself (not in a registry of ours), so a frozen orchestrator, which
    // cannot be marked, is simply not checked.
    try {
      Object.defineProperty(orchestrator, ATTACHED, { value: this, configurable: true });
    } catch {
      // not extensible
    }
    this.subscriptions = [
      ['process:start', (e: ProcessStartEvent) => this.onProcessStart(e)],
      ['tool:start', (e: ToolStartEvent) => this.onToolStart(e)],
      ['tool:end', (e: ToolEndEvent) => this.onToolEnd(e)],
      ['process:end', (e: ProcessEndEvent) => this.onProcessEnd(e)],
      ['process:error', (e: ProcessErrorEvent) => this.onProcessError(e)],
      ['process:abandon', (e: ProcessAbandonEvent) => this.onProcessAbandon(e)],
      ['model:call', (e: ModelCallEvent) => this.onModelCall(e)],
    ] as Array<[OrchestratorEventName, (event: never) => void]>;
    const on = orchestrator.on as Subscribe;
    for (const [name, fn] of this.subscriptions) on.call(orchestrator, name, fn);
  }

  // Each handler reads its event inside a try: a hostile event object (a throwing getter, null) is
  // reported on `error` and never reaches the orchestrator. No closure per event (hot path).
  private onProcessStart(e: ProcessStartEvent): void {
    try {
      this.startRun({
        runId: e.runId,
        goalText: e.goalText,
        goalId: e.goalId,
        startedAt: e.startedAt,
      });
    } catch (error) {
      this.fault('handler', error);
    }
  }

  // A tool event has the recorder's input fields exactly, so it is handed over as it is (no copy
  // per event); the recorder reads it inside its own guard.
  private onToolStart(e: ToolStartEvent): void {
    this.startTool(e);
  }

  private onToolEnd(e: ToolEndEvent): void {
    this.endTool(e);
  }

  private onProcessEnd(e: ProcessEndEvent): void {
    try {
      const fields = readResult(e.result);
      if (fields === undefined) {
        this.endRun({ runId: e.runId, success: true });
        return;
      }
      const error = fields.error ?? undefined;
      const input: RunEndFromResult = {
        runId: e.runId,
        success: typeof fields.success === 'boolean' ? fields.success : undefined,
        error,
        goalId: fields.goalId as string | number | null | undefined,
        intent: fields.intent as string | null | undefined,
        durationMs: fields.durationMs as number | undefined,
        metadata: fields.metadata,
        // Read only for a run that reported no tool events (toolsNamedBy): most runs did.
        namedBy: fields,
      };
      this.endRun(input);
    } catch (error) {
      this.fault('handler', error);
    }
  }

  private onProcessError(e: ProcessErrorEvent): void {
    try {
      this.endRun({
        runId: e.runId,
        success: false,
        error: e.error ?? 'process() failed',
        metadata: { error: e.error },
      });
    } catch (error) {
      this.fault('handler', error);
    }
  }

  private onModelCall(e: ModelCallEvent): void {
    try {
      this.recordModelCall({ runId: e.runId, model: e.model, usage: e.usage });
    } catch (error) {
      this.fault('handler', error);
    }
  }

  private onProcessAbandon(e: ProcessAbandonEvent): void {
    try {
      this.abandonRun({ runId: e.runId, reason: e.reason });
    } catch (error) {
      this.fault('handler', error);
    }
  }

  /** Stops listening to the orchestrator (idempotent). Runs already seen are still written. */
  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    const o = this.orchestrator;
    const marks = o as unknown as Partial<Record<symbol, unknown>>;
    if (marks[ATTACHED] === this) delete marks[ATTACHED];
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
  override close(options: { timeoutMs?: number } = {}): Promise<CloseReport> {
    this.detach();
    return super.close(options);
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

export type {
  CloseReport,
  Durability,
  FlushReport,
  FlushedEvent,
  HistoryEvents,
  HistoryStats,
  OverflowPolicy,
  WriterStats,
} from './run-recorder.js';
