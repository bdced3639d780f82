import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { reportAdapterFault } from '../shared/fault.js';
import { RecorderLink, type HistoryTarget } from '../shared/recorder-link.js';
import { BoundedMap } from '../shared/bounded-map.js';
import {
  failureOf,
  goalOf,
  hrToMs,
  kindOf,
  modelOf,
  parentOf,
  toolOf,
  usageOf,
} from './span-facts.js';

interface RunEntry {
  goalText: string;
  startedAt: number;
  /** A model-call span below reported usage: the root's own total would count it twice. */
  usageSeen: boolean;
  modelSeen: boolean;
}

/** Spans remembered after they end, so that late children still find their run. */
const REMEMBERED_SPANS = 10_000;

/**
 * An OpenTelemetry `SpanProcessor` that records GenAI spans as executions: one execution per
 * top-level agent or model-call span (GenAI semantic conventions, `gen_ai.*`, or the AI SDK's
 * `ai.*` spans), one tool run per tool span, model and token usage from the model-call spans. Ids
 * are derived from trace and span ids, so spans delivered twice never make a second row.
 * Everything is recorded as the spans end; `forceFlush()` waits for the writes.
 */
export class HistorySpanProcessor implements SpanProcessor {
  private readonly link: RecorderLink;
  /** span (trace:span) → the run it belongs to. */
  private readonly spans = new BoundedMap<string, string>(REMEMBERED_SPANS);
  /** trace → its latest run, for spans whose parent is not known (it ended long ago). */
  private readonly traces = new BoundedMap<string, string>(REMEMBERED_SPANS);
  private readonly runs = new Map<string, RunEntry>();

  /** `{ store, ...writer options }` for a recorder of its own, or an existing recorder/handle. */
  constructor(target: HistoryTarget) {
    this.link = new RecorderLink(target);
  }

  onStart(span: Span, _parentContext?: Context): void {
    try {
      this.started(span);
    } catch (error) {
      reportAdapterFault(this.link.recorder, 'HistorySpanProcessor onStart', error);
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      this.ended(span);
    } catch (error) {
      reportAdapterFault(this.link.recorder, 'HistorySpanProcessor onEnd', error);
    }
  }

  private started(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    const parent = parentOf(span);
    const kind = kindOf(span.attributes);
    let runId = parent === undefined ? undefined : this.spans.get(`${traceId}:${parent}`);
    if (runId === undefined && kind === 'tool') runId = this.traces.get(traceId);
    if (runId === undefined) {
      if (kind === 'other') return;
      runId = `otel:${traceId}:${spanId}`;
      const startedAt = hrToMs(span.startTime);
      const goalText = goalOf(span.attributes);
      this.runs.set(runId, { goalText, startedAt, usageSeen: false, modelSeen: false });
      this.traces.set(traceId, runId);
      this.link.startRun({ runId, goalText, startedAt });
    }
    this.spans.set(`${traceId}:${spanId}`, runId);
    if (kind === 'tool') {
      const tool = toolOf(span.attributes);
      this.link.startTool({
        runId,
        callId: spanId,
        toolName: tool.toolName ?? span.name,
        parameters: tool.parameters,
        startedAt: hrToMs(span.startTime),
      });
    }
  }

  private ended(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    const attributes = span.attributes;
    const kind = kindOf(attributes);
    let runId = this.spans.get(`${traceId}:${spanId}`);
    if (runId === undefined) {
      // GenAI attributes set only after the span started: recorded now, from the span alone.
      if (kind === 'other') return;
      this.started(span);
      runId = this.spans.get(`${traceId}:${spanId}`);
      if (runId === undefined) return;
    }
    const run = this.runs.get(runId);
    const isRoot = runId === `otel:${traceId}:${spanId}`;
    if (kind === 'tool') {
      const tool = toolOf(attributes);
      const error = failureOf(span);
      this.link.endTool({
        runId,
        callId: spanId,
        toolName: tool.toolName ?? span.name,
        parameters: tool.parameters,
        success: error === undefined,
        result: tool.result,
        error,
        durationMs: hrToMs(span.duration),
      });
    } else if (kind === 'model' && !isRoot) {
      const usage = usageOf(attributes);
      const model = modelOf(attributes);
      if (run !== undefined) {
        run.usageSeen ||= usage !== undefined;
        run.modelSeen ||= model !== undefined;
      }
      this.link.recordModelCall({ runId, model, usage });
    }
    if (!isRoot || run === undefined) return;
    this.runs.delete(runId);
    // Inputs may be set after the span started (a framework that fills them in as it goes).
    const goalText = goalOf(attributes);
    if (goalText !== '' && goalText !== run.goalText)
      this.link.startRun({ runId, goalText, startedAt: run.startedAt });
    const error = kind === 'tool' ? undefined : failureOf(span);
    this.link.endRun({
      runId,
      success: error === undefined,
      error,
      durationMs: hrToMs(span.duration),
      model: run.modelSeen ? undefined : modelOf(attributes),
      usage: run.usageSeen ? undefined : usageOf(attributes),
    });
  }

  /** Writes everything seen so far. */
  async forceFlush(): Promise<void> {
    await this.link.flush();
  }

  /** Records runs still open as unfinished, writes everything, closes its own recorder. */
  async shutdown(): Promise<void> {
    this.runs.clear();
    await this.link.close();
  }
}
