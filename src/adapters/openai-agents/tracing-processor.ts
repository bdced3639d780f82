import type { Trace, TracingProcessor } from '@openai/agents';
import type { TokenUsage } from '../../index.js';
import { BoundedMap } from '../shared/bounded-map.js';
import { reportAdapterFault } from '../shared/fault.js';
import { parseJsonText } from '../shared/payload.js';
import { RecorderLink, type HistoryTarget } from '../shared/recorder-link.js';
import {
  addUsage,
  errorOf,
  factsOf,
  modelCallOf,
  timeOf,
  usageOf,
  type AnySpan,
} from './span-facts.js';

interface TraceState {
  startedAt: number;
  goalText: string;
  model?: string;
  /** Summed from turn spans (one per model call in SDK 0.20+). */
  turnUsage?: TokenUsage;
  /** Summed from generation/response spans: used only when there are no turn spans. */
  callUsage?: TokenUsage;
}

/** Traces remembered after they end, so that a late trace end or span is not a second run. */
const REMEMBERED_TRACES = 10_000;

/**
 * A tracing processor for the OpenAI Agents SDK (`@openai/agents` 0.20+) that records each trace
 * (one `run()`, plain or streamed) as one execution: each function span as a tool run, model and
 * usage from the turn and generation spans, the user's input (as the model received it) from the
 * model's response or generation span. A run that fails is recorded as a failure when its root
 * span ends, even when the SDK never ends the trace. Register it with `addTraceProcessor(...)`.
 *
 * The SDK replaces a failing tool's error with "Tool execution failed. Error details are
 * redacted." unless the tool sets `errorFunction`; the tool run records what the SDK reports.
 */
export class HistoryTracingProcessor implements TracingProcessor {
  private readonly link: RecorderLink;
  private readonly traces = new Map<string, TraceState>();
  private readonly ended = new BoundedMap<string, true>(REMEMBERED_TRACES);

  /** `{ store, ...writer options }` for a recorder of its own, or an existing recorder/handle. */
  constructor(target: HistoryTarget) {
    this.link = new RecorderLink(target);
  }

  private guard(what: string, fn: () => void): Promise<void> {
    try {
      fn();
    } catch (error) {
      reportAdapterFault(this.link.recorder, `HistoryTracingProcessor ${what}`, error);
    }
    return Promise.resolve();
  }

  private runIdOf(traceId: string): string {
    return `openai-agents:${traceId}`;
  }

  /** The state of a trace in progress (opened by its first span if its start was not seen). */
  private state(traceId: string, startedAt?: number): TraceState | undefined {
    if (this.ended.has(traceId)) return undefined;
    let state = this.traces.get(traceId);
    if (state === undefined) {
      state = { startedAt: startedAt ?? Date.now(), goalText: '' };
      this.traces.set(traceId, state);
      this.link.startRun({ runId: this.runIdOf(traceId), startedAt: state.startedAt });
    }
    return state;
  }

  onTraceStart(trace: Trace): Promise<void> {
    return this.guard('onTraceStart', () => {
      this.state(trace.traceId);
    });
  }

  onSpanStart(span: AnySpan): Promise<void> {
    return this.guard('onSpanStart', () => {
      const facts = factsOf(span);
      if (facts.type !== 'function') return;
      this.state(span.traceId, timeOf(span.startedAt));
      this.link.startTool({
        runId: this.runIdOf(span.traceId),
        callId: span.spanId,
        toolName: String(facts.data.name ?? 'unknown'),
        startedAt: timeOf(span.startedAt),
      });
    });
  }

  onSpanEnd(span: AnySpan): Promise<void> {
    return this.guard('onSpanEnd', () => {
      const facts = factsOf(span);
      const runId = this.runIdOf(span.traceId);
      if (facts.type === 'function') {
        // A tool ending after its run is still recorded, in that run's execution.
        const error = errorOf(span);
        const started = timeOf(span.startedAt);
        const ended = timeOf(span.endedAt);
        this.link.endTool({
          runId,
          callId: span.spanId,
          toolName: String(facts.data.name ?? 'unknown'),
          parameters: parseJsonText(facts.data.input),
          success: error === undefined,
          result: error === undefined ? parseJsonText(facts.data.output) : undefined,
          error,
          durationMs: started !== undefined && ended !== undefined ? ended - started : undefined,
        });
        return;
      }
      const state = this.traces.get(span.traceId);
      if (state === undefined) return;
      if (facts.type === 'turn') {
        const usage = usageOf(facts.data.usage);
        if (usage !== undefined) state.turnUsage = addUsage(state.turnUsage, usage);
      } else if (facts.type === 'generation' || facts.type === 'response') {
        const call = modelCallOf(facts);
        state.model ??= call.model;
        if (call.usage !== undefined) state.callUsage = addUsage(state.callUsage, call.usage);
        if (state.goalText === '' && call.goalText !== '') {
          state.goalText = call.goalText;
          this.link.startRun({ runId, goalText: call.goalText, startedAt: state.startedAt });
        }
      }
      // The root span (task, or agent in older SDKs) ends even when a failed run's trace does not.
      if (span.parentId === null)
        this.finish(span.traceId, errorOf(span), usageOf(facts.data.usage), timeOf(span.endedAt));
    });
  }

  onTraceEnd(trace: Trace): Promise<void> {
    return this.guard('onTraceEnd', () => {
      if (this.traces.has(trace.traceId)) this.finish(trace.traceId, undefined, undefined);
    });
  }

  private finish(
    traceId: string,
    error: string | undefined,
    rootUsage: TokenUsage | undefined,
    endedAt?: number,
  ): void {
    const state = this.traces.get(traceId);
    if (state === undefined) return;
    this.traces.delete(traceId);
    this.ended.set(traceId, true);
    const end = endedAt ?? Date.now();
    this.link.endRun({
      runId: this.runIdOf(traceId),
      success: error === undefined,
      error,
      durationMs: end - state.startedAt,
      model: state.model,
      usage: state.turnUsage ?? state.callUsage ?? rootUsage,
    });
  }

  /** Writes everything seen so far. */
  async forceFlush(): Promise<void> {
    await this.link.flush();
  }

  /** Records runs still open as unfinished, writes everything, closes its own recorder. */
  async shutdown(timeout?: number): Promise<void> {
    this.traces.clear();
    await this.link.close(timeout === undefined ? {} : { timeoutMs: timeout });
  }

  /** The same as `forceFlush()`, named like the other adapters. */
  async flush(): Promise<void> {
    await this.link.flush();
  }

  /** The same as `shutdown()`, named like the other adapters. */
  async close(): Promise<void> {
    await this.shutdown();
  }
}
