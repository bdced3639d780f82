/**
 * The orchestrator contract: the events an orchestrator emits for each `process()` call. Any event
 * emitter (eventemitter3 or node:events) that emits these can be recorded by
 * `attachExecutionHistory`.
 */

import type { RunId, TokenUsage } from './run-inputs.js';

export type { RunId };

export interface ProcessStartEvent {
  runId: RunId;
  goalText: string;
  goalId?: string | number | null;
  /** Wall-clock start. Default: when the middleware sees the event. */
  startedAt?: Date | number;
}

export interface ToolStartEvent {
  runId: RunId;
  /** Unique per tool run; a UUID is stored as the row's idempotency key, anything else is mapped to one. */
  callId: string;
  toolName: string;
  parameters?: unknown;
  /** When the tool started (Date or epoch ms); stored as the row's created_at. Default: now. */
  startedAt?: Date | number;
}

export interface ToolEndEvent {
  runId: RunId;
  callId: string;
  /** Needed when no `tool:start` came for this call. */
  toolName: string;
  /** Default: true unless `error` is given. */
  success?: boolean;
  /** Used when `tool:start` did not carry them or never came. */
  parameters?: unknown;
  result?: unknown;
  error?: unknown;
  /** Measured by the orchestrator. Default: `endedAt - startedAt`, else measured from `tool:start`. */
  durationMs?: number;
  /** For a `tool:end` without `tool:start`: when the tool started (Date or epoch ms). */
  startedAt?: Date | number;
  endedAt?: Date | number;
}

/** A model call within a run: its model id and token usage, summed into the execution's metadata. */
export interface ModelCallEvent {
  runId: RunId;
  model?: string;
  usage?: TokenUsage;
}

/** A run given up before it ended (a stream abandoned by its consumer): stored with success null. */
export interface ProcessAbandonEvent {
  runId: RunId;
  reason?: unknown;
}

/**
 * What a run produced. Every field is optional; the seed's snake_case spellings (`goal_id`,
 * `selected_tools`, `tool_parameters`, `execution_result`) are accepted too.
 */
export interface ProcessResult {
  goalId?: string | number | null;
  intent?: string | null;
  success?: boolean;
  error?: unknown;
  metadata?: unknown;
  /** Tools the run used; logged as tool runs when the run emitted no tool events. */
  selectedTools?: readonly string[];
  /** Parameters per selected tool: an object keyed by tool name, an array by position, or one value. */
  toolParameters?: unknown;
  /** The run's output; stored as the result of the selected tools when no tool events came. */
  executionResult?: unknown;
  goal_id?: string | number | null;
  selected_tools?: readonly string[];
  tool_parameters?: unknown;
  execution_result?: unknown;
  durationMs?: number;
  [key: string]: unknown;
}

export interface ProcessEndEvent {
  runId: RunId;
  result?: ProcessResult | unknown;
}

export interface ProcessErrorEvent {
  runId: RunId;
  error: unknown;
}

/** The typed event map of the contract (eventemitter3 style: name → listener). */
export interface OrchestratorEvents {
  'process:start': (event: ProcessStartEvent) => void;
  'tool:start': (event: ToolStartEvent) => void;
  'tool:end': (event: ToolEndEvent) => void;
  'process:end': (event: ProcessEndEvent) => void;
  'process:error': (event: ProcessErrorEvent) => void;
  'process:abandon': (event: ProcessAbandonEvent) => void;
  'model:call': (event: ModelCallEvent) => void;
}

export type OrchestratorEventName = keyof OrchestratorEvents;

/**
 * The least an orchestrator must offer: `on()` to subscribe, and `off()` or `removeListener()` to
 * unsubscribe, with the contract's event names (eventemitter3 and node:events both fit; the
 * signature is loose so that either emitter's generic typing is accepted).
 */
export interface OrchestratorLike {
  on(...args: never[]): unknown;
  off?(...args: never[]): unknown;
  removeListener?(...args: never[]): unknown;
}
