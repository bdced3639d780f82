import { performance } from 'node:perf_hooks';
import { EventEmitter } from 'eventemitter3';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { OrchestratorEvents } from '../middleware/contract.js';
import { intentWithoutTool, keywordsOf, numbersIn, score, stepsOf, words } from './intent.js';

/** What a tool receives: the step of the goal it was chosen for. */
export interface ToolParams {
  /** The step's text. */
  text: string;
  /** Numbers found in the step. */
  numbers: number[];
}

export type ToolFn = (params: ToolParams) => unknown;

export interface RegisterToolOptions {
  /** Words that select this tool. Default: the words of its name ("prime_checker" → prime, checker). */
  keywords?: readonly string[];
  /** Intent recorded for runs this tool serves. Default 'tool_use'. */
  intent?: string;
  /** When this tool throws, process() rejects (emitting process:error). Default false: the run fails softly. */
  critical?: boolean;
}

export interface OrchestratorRunResult {
  runId: string;
  goalText: string;
  intent: string;
  success: boolean;
  error?: string;
  selectedTools: string[];
  toolParameters: ToolParams[];
  /** The tool's output (one tool), the outputs in order (several), or null (none). */
  executionResult: unknown;
  durationMs: number;
}

interface Tool {
  name: string;
  fn: ToolFn;
  keywords: string[];
  intent: string;
  critical: boolean;
}

/**
 * A small reference orchestrator that emits the contract: splits a goal into steps ("… then …"),
 * picks for each step the registered tool whose keywords match best, and runs the tools in order.
 * A failing tool ends the run with `success: false` (or rejects, for a `critical` tool).
 */
export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  private readonly registry: Tool[] = [];

  registerTool(name: string, fn: ToolFn, options: RegisterToolOptions = {}): this {
    if (typeof name !== 'string' || name.trim().length === 0)
      throw new ValidationError('a tool needs a non-empty name', 'name');
    if (typeof fn !== 'function') throw new ValidationError(`tool ${name} needs a function`, 'fn');
    if (this.registry.some((t) => t.name === name))
      throw new ValidationError(`tool ${name} is already registered`, 'name');
    const keywords = (options.keywords ?? keywordsOf(name)).map((k) => k.toLowerCase());
    this.registry.push({
      name,
      fn,
      keywords,
      intent: options.intent ?? 'tool_use',
      critical: options.critical ?? false,
    });
    return this;
  }

  /** Names of the registered tools, in registration order. */
  get tools(): string[] {
    return this.registry.map((t) => t.name);
  }

  /** The tool chosen for one step, or undefined. Ties go to the earlier registered tool. */
  pickTool(step: string): Tool | undefined {
    const stepWords = words(step);
    let best: Tool | undefined;
    let bestScore = 0;
    for (const tool of this.registry) {
      const s = score(stepWords, tool.keywords);
      if (s > bestScore) {
        best = tool;
        bestScore = s;
      }
    }
    return best;
  }

  async process(goalText: string): Promise<OrchestratorRunResult> {
    const runId = newId();
    const t0 = performance.now();
    this.emit('process:start', { runId, goalText: String(goalText) });
    if (typeof goalText !== 'string' || goalText.trim().length === 0) {
      const error = new ValidationError('goalText must be a non-empty string', 'goalText');
      this.emit('process:error', { runId, error });
      throw error;
    }
    const plan: Array<{ tool: Tool; params: ToolParams }> = [];
    for (const step of stepsOf(goalText)) {
      const tool = this.pickTool(step);
      if (tool !== undefined) plan.push({ tool, params: { text: step, numbers: numbersIn(step) } });
    }
    const outputs: unknown[] = [];
    let error: string | undefined;
    for (const { tool, params } of plan) {
      const callId = newId();
      this.emit('tool:start', { runId, callId, toolName: tool.name, parameters: params });
      const started = performance.now();
      try {
        const result = await tool.fn(params);
        outputs.push(result);
        this.emit('tool:end', {
          runId,
          callId,
          toolName: tool.name,
          success: true,
          result,
          durationMs: performance.now() - started,
        });
      } catch (caught) {
        this.emit('tool:end', {
          runId,
          callId,
          toolName: tool.name,
          success: false,
          error: caught,
          durationMs: performance.now() - started,
        });
        if (tool.critical) {
          this.emit('process:error', { runId, error: caught });
          throw caught;
        }
        error = caught instanceof Error ? caught.message : String(caught);
        break;
      }
    }
    const result: OrchestratorRunResult = {
      runId,
      goalText,
      intent: plan.length > 0 ? plan[0]!.tool.intent : intentWithoutTool(goalText),
      success: error === undefined,
      selectedTools: plan.map((p) => p.tool.name),
      toolParameters: plan.map((p) => p.params),
      executionResult: outputs.length === 0 ? null : outputs.length === 1 ? outputs[0] : outputs,
      durationMs: performance.now() - t0,
    };
    if (error !== undefined) result.error = error;
    this.emit('process:end', { runId, result });
    return result;
  }
}
