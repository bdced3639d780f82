import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { ChainValues } from '@langchain/core/utils/types';
import type { CloseReport, FlushReport } from '../../index.js';
import { BoundedMap } from '../shared/bounded-map.js';
import { reportAdapterFault } from '../shared/fault.js';
import { errorText, isRecord, parseJsonText } from '../shared/payload.js';
import { RecorderLink, type HistoryTarget } from '../shared/recorder-link.js';
import { userText } from '../shared/user-text.js';
import { modelAtStart, readLlmResult } from './llm-output.js';

/** LangChain runs remembered after they end, so that late tool callbacks find their execution. */
const REMEMBERED_RUNS = 10_000;

interface RunLink {
  /** The top-level run (the execution) this run belongs to. */
  root: string;
  /** For model runs: the model named when the run started. */
  model?: string;
}

function nameOf(serialized: Serialized | undefined, runName: string | undefined): string {
  if (runName !== undefined && runName !== '') return runName;
  const s = serialized as { name?: unknown; id?: unknown } | undefined;
  if (typeof s?.name === 'string' && s.name !== '') return s.name;
  if (Array.isArray(s?.id) && typeof s.id.at(-1) === 'string') return s.id.at(-1) as string;
  return 'unknown';
}

/** LangGraph's error when the stream's reader stops (`Abort`), or an aborted signal's. */
function isAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || /^abort(ed)?$/i.test(error.message.trim());
}

/** A tool's output as its result: a ToolMessage's content, anything else as is. */
function toolResult(output: unknown): unknown {
  if (isRecord(output) && 'content' in output && typeof output.tool_call_id === 'string')
    return output.content;
  return output;
}

/**
 * A LangChain callback handler (`@langchain/core` 1.x) that records each top-level invoke or stream
 * of a Runnable (an agent from `createAgent`, a LangGraph graph, a chain, a chat model) as one
 * execution: the user's input as goal text, each tool call as a tool run (with its error text),
 * model and token usage from the model calls. A stream ends when it has been read to the end.
 * Pass it as `callbacks: [handler]`.
 */
export class HistoryCallbackHandler extends BaseCallbackHandler {
  name = 'dendrite-history';
  // The handler does bounded in-memory work; awaiting it keeps events in order and the execution
  // recorded by the time invoke() returns.
  override awaitHandlers = true;
  private readonly link: RecorderLink;
  private readonly runs = new BoundedMap<string, RunLink>(REMEMBERED_RUNS);

  /** `{ store, ...writer options }` for a recorder of its own, or an existing recorder/handle. */
  constructor(target: HistoryTarget) {
    super();
    this.link = new RecorderLink(target);
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportAdapterFault(this.link.recorder, `HistoryCallbackHandler ${what}`, error);
    }
  }

  /** Links `runId` to its execution; a run without a known parent starts one. */
  private enter(runId: string, parentRunId: string | undefined, goal: () => string): RunLink {
    const parent = parentRunId === undefined ? undefined : this.runs.get(parentRunId);
    if (parent !== undefined) {
      const link = { root: parent.root };
      this.runs.set(runId, link);
      return link;
    }
    const link = { root: runId };
    this.runs.set(runId, link);
    this.link.startRun({ runId, goalText: goal() });
    return link;
  }

  private isRoot(runId: string): boolean {
    return this.runs.get(runId)?.root === runId;
  }

  override handleChainStart(
    _chain: Serialized,
    inputs: ChainValues,
    runId: string,
    parentRunId?: string,
  ): void {
    this.guard('handleChainStart', () => this.enter(runId, parentRunId, () => userText(inputs)));
  }

  override handleChainEnd(_outputs: ChainValues, runId: string): void {
    this.guard('handleChainEnd', () => {
      if (this.isRoot(runId)) this.link.endRun({ runId, success: true });
    });
  }

  override handleChainError(error: unknown, runId: string): void {
    this.guard('handleChainError', () => {
      if (!this.isRoot(runId)) return;
      // A consumer that stops reading a stream (or aborts) gives the run up: like the middleware's
      // abandoned streams, it is recorded as unfinished, not as a failure of the agent.
      if (isAbort(error)) this.link.abandonRun({ runId, reason: `abandoned: ${errorText(error)}` });
      else this.link.endRun({ runId, success: false, error: errorText(error) });
    });
  }

  override handleChatModelStart(
    _llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.guard('handleChatModelStart', () => {
      const link = this.enter(runId, parentRunId, () => userText(messages[0] ?? []));
      link.model = modelAtStart(extraParams, metadata);
    });
  }

  override handleLLMStart(
    _llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.guard('handleLLMStart', () => {
      const link = this.enter(runId, parentRunId, () => prompts.at(-1) ?? '');
      link.model = modelAtStart(extraParams, metadata);
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    this.guard('handleLLMEnd', () => {
      const link = this.runs.get(runId);
      if (link === undefined) return;
      const { model, usage } = readLlmResult(output);
      this.link.recordModelCall({ runId: link.root, model: model ?? link.model, usage });
      if (link.root === runId) this.link.endRun({ runId, success: true });
    });
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.guard('handleLLMError', () => {
      if (this.isRoot(runId)) this.link.endRun({ runId, success: false, error: errorText(error) });
    });
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.guard('handleToolStart', () => {
      const link = this.enter(runId, parentRunId, () => input);
      this.link.startTool({
        runId: link.root,
        callId: runId,
        toolName: nameOf(tool, runName),
        parameters: parseJsonText(input),
      });
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.guard('handleToolEnd', () => {
      const link = this.runs.get(runId);
      if (link === undefined) return;
      this.link.endTool({
        runId: link.root,
        callId: runId,
        success: true,
        result: toolResult(output),
      });
      if (link.root === runId) this.link.endRun({ runId, success: true });
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    this.guard('handleToolError', () => {
      const link = this.runs.get(runId);
      if (link === undefined) return;
      const text = errorText(error);
      this.link.endTool({ runId: link.root, callId: runId, success: false, error: text });
      if (link.root === runId) this.link.endRun({ runId, success: false, error: text });
    });
  }

  /** Writes everything seen so far. */
  flush(options?: { timeoutMs?: number }): Promise<FlushReport> {
    return this.link.flush(options);
  }

  /** Records runs still open as unfinished and writes everything (closes its own recorder). */
  close(options?: { timeoutMs?: number }): Promise<CloseReport | FlushReport> {
    return this.link.close(options);
  }
}
