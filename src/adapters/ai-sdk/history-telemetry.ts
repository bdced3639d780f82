import type {
  GenerateTextAbortEvent,
  GenerateTextStartEvent,
  LanguageModelCallEndEvent,
  Telemetry,
  ToolExecutionEndEvent,
  ToolExecutionStartEvent,
} from 'ai';
import type { CloseReport, FlushReport } from '../../index.js';
import { reportAdapterFault } from '../shared/fault.js';
import { errorText, isRecord } from '../shared/payload.js';
import { RecorderLink, type HistoryTarget } from '../shared/recorder-link.js';
import { userText } from '../shared/user-text.js';

/** The operations that are runs: text generation, plain or streamed (objects are runs too). */
const RUN_OPERATIONS = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
]);

/** An AI SDK 7 telemetry integration that records each generation as an execution. */
export interface HistoryTelemetry extends Telemetry {
  /** Writes everything seen so far. */
  flush(options?: { timeoutMs?: number }): Promise<FlushReport>;
  /** Records runs still open as unfinished and writes everything (closes its own recorder). */
  close(options?: { timeoutMs?: number }): Promise<CloseReport | FlushReport>;
}

function runIdOf(event: unknown): string | undefined {
  const callId = isRecord(event) ? event.callId : undefined;
  return typeof callId === 'string' && callId !== '' ? `ai-sdk:${callId}` : undefined;
}

/**
 * Records every `generateText` / `streamText` (and object generation) call as one execution: the
 * user's prompt as goal text, each tool execution as a tool run, model and token usage from each
 * model call. A streamed call ends when its stream has been read to the end (or fails or is
 * aborted), not when `streamText` returns. Use it per call
 * (`telemetry: { integrations: [historyTelemetry({ store })] }`) or for every call
 * (`registerTelemetry(historyTelemetry({ store }))`).
 *
 * @param target `{ store, ...writer options }` for a recorder of its own, or an existing
 *   recorder (the handle from `attachExecutionHistory`) to share its writer and spool.
 */
export function historyTelemetry(target: HistoryTarget): HistoryTelemetry {
  const link = new RecorderLink(target);
  // Calls that are runs (embeddings, reranking and the like are not).
  const runs = new Set<string>();

  const guard =
    <E>(what: string, fn: (event: E) => void) =>
    (event: E): void => {
      try {
        fn(event);
      } catch (error) {
        reportAdapterFault(link.recorder, `historyTelemetry ${what}`, error);
      }
    };

  const ownRun = (event: unknown): string | undefined => {
    const runId = runIdOf(event);
    return runId !== undefined && runs.has(runId) ? runId : undefined;
  };

  return {
    onStart: guard('onStart', (event: GenerateTextStartEvent & { timestamp?: number }) => {
      const runId = runIdOf(event);
      if (runId === undefined || !RUN_OPERATIONS.has(event.operationId)) return;
      runs.add(runId);
      link.startRun({
        runId,
        goalText: userText(event.messages),
        startedAt: event.timestamp,
      });
    }),
    onLanguageModelCallEnd: guard('onLanguageModelCallEnd', (event: LanguageModelCallEndEvent) => {
      const runId = ownRun(event);
      if (runId === undefined) return;
      link.recordModelCall({
        runId,
        model: event.modelId,
        usage: {
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
          totalTokens: event.usage.totalTokens,
        },
      });
    }),
    onToolExecutionStart: guard('onToolExecutionStart', (event: ToolExecutionStartEvent) => {
      const runId = runIdOf(event);
      if (runId === undefined) return;
      link.startTool({
        runId,
        callId: event.toolCall.toolCallId,
        toolName: event.toolCall.toolName,
        parameters: event.toolCall.input,
      });
    }),
    onToolExecutionEnd: guard('onToolExecutionEnd', (event: ToolExecutionEndEvent) => {
      const runId = runIdOf(event);
      if (runId === undefined) return;
      const output = event.toolOutput;
      const failed = output.type === 'tool-error';
      link.endTool({
        runId,
        callId: event.toolCall.toolCallId,
        toolName: event.toolCall.toolName,
        parameters: event.toolCall.input,
        success: !failed,
        result: failed ? undefined : output.output,
        error: failed ? errorText(output.error) : undefined,
        durationMs: event.toolExecutionMs,
      });
    }),
    onEnd: guard('onEnd', (event: unknown) => {
      const runId = ownRun(event);
      if (runId === undefined) return;
      runs.delete(runId);
      link.endRun({ runId, success: true });
    }),
    onAbort: guard('onAbort', (event: GenerateTextAbortEvent) => {
      const runId = ownRun(event);
      if (runId === undefined) return;
      runs.delete(runId);
      link.abandonRun({
        runId,
        reason: event.reason === undefined ? 'aborted' : `aborted: ${errorText(event.reason)}`,
      });
    }),
    onError: guard('onError', (event: unknown) => {
      // The event carries the call's id next to the error (`{ callId, error }`).
      const runId = ownRun(event);
      if (runId === undefined) return;
      runs.delete(runId);
      const error = isRecord(event) && 'error' in event ? event.error : event;
      link.endRun({ runId, success: false, error: errorText(error) });
    }),
    flush: (options) => link.flush(options),
    close: (options) => link.close(options),
  };
}
