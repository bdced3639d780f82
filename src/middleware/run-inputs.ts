/**
 * What a run recorder is fed: one shape for the orchestrator contract and for every framework
 * adapter. Every field past the ids is optional; a field of the wrong type is repaired (dropped or
 * replaced and noted in the execution's `metadata._repaired`), never a reason to lose the run.
 */

import type { ResultFields } from './rows.js';

/** A run's identifier as its source gives it. A UUID is used as the execution id as is. */
export type RunId = string | number;

/** A point in time: a Date or Unix epoch milliseconds. */
export type Timestamp = Date | number;

/** Token counts of one model call, or of a whole run once summed. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** Default: inputTokens + outputTokens when both are given. */
  totalTokens?: number;
}

export interface RunStartInput {
  runId: RunId;
  /** The goal as the user gave it; stored as `goal_text`. Default ''. */
  goalText?: string;
  goalId?: string | number | null;
  /** Stored as `intent` (50 characters at most) unless the run's end gives one. */
  intent?: string | null;
  /** Wall-clock start; the execution's `created_at`. Default: when the recorder sees the call. */
  startedAt?: Timestamp;
  /** Merged into the execution's metadata (keys given at the end win). */
  metadata?: Record<string, unknown>;
}

export interface ToolStartInput {
  runId: RunId;
  /** Unique per tool run within its run; a UUID is stored as is, anything else is mapped to one. */
  callId: string | number;
  toolName: string;
  parameters?: unknown;
  /** The tool run's `created_at`. Default: now. */
  startedAt?: Timestamp;
}

export interface ToolEndInput {
  runId: RunId;
  callId: string | number;
  /** Needed only when no startTool() came for this call. Default 'unknown'. */
  toolName?: string;
  /** Default: true unless `error` is given. */
  success?: boolean;
  /** Used when the start did not carry them (frameworks often report a call once it finished). */
  parameters?: unknown;
  result?: unknown;
  error?: unknown;
  /** Measured by the caller. Default: `endedAt - startedAt` when both are known, else measured from startTool(). */
  durationMs?: number;
  /** Used when no startTool() came: the row's `created_at`. */
  startedAt?: Timestamp;
  endedAt?: Timestamp;
}

export interface ModelCallInput {
  runId: RunId;
  /** The model id; stored as the execution's `metadata.model`. */
  model?: string;
  /** Summed over the run's model calls into `metadata.usage`. */
  usage?: TokenUsage;
}

/** A tool the run names without having reported it (logged only when no tool runs were reported). */
export interface SelectedTool {
  toolName: string;
  parameters?: unknown;
  result?: unknown;
}

export interface RunEndInput {
  runId: RunId;
  /** Default: true unless `error` is given. */
  success?: boolean;
  error?: unknown;
  /** The run's output, stored as `metadata.result` (sanitized, capped). Default: not stored. */
  result?: unknown;
  intent?: string | null;
  goalId?: string | number | null;
  /** Merged over the start's metadata. A non-object value is stored as `metadata.value`. */
  metadata?: unknown;
  /** Default: `endedAt - startedAt` when both are known, else measured from startRun(). */
  durationMs?: number;
  endedAt?: Timestamp;
  /** A model call's model and usage, the same as one more recordModelCall(). */
  model?: string;
  usage?: TokenUsage;
  /** Logged as tool runs only when the run reported none. */
  selectedTools?: readonly SelectedTool[];
}

/**
 * endRun's input from an attached orchestrator's process result: its named tools (selectedTools,
 * toolParameters, executionResult) are read from `namedBy` only for a run that reported no tool
 * events, instead of for every run.
 */
export interface RunEndFromResult extends RunEndInput {
  namedBy?: ResultFields;
}

export interface RunAbandonInput {
  runId: RunId;
  /** Why the run was given up; stored as the execution's `error`. Default: none. */
  reason?: unknown;
}
