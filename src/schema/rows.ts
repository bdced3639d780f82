/**
 * Row shapes, written out once. Each table's columns are one generic interface; the write side
 * (rows handed to INSERTs: JSON as text, `createdAt: null` meaning "now()"), the read side (records
 * the store returns) and the TypeORM entity are instances of it, so a column added here is a type
 * error everywhere it is missing. A neutral module: middleware, writer and store all use it, and it
 * imports nothing of ours.
 */

/** The columns of `executions` (camelCase). J: how JSON travels; T: how created_at does. */
export interface ExecutionColumns<J, T> {
  executionId: string;
  goalId: string | null;
  goalText: string;
  intent: string | null;
  success: boolean | null;
  error: string | null;
  durationMs: number | null;
  createdAt: T;
  metadata: J;
}

/** The columns of `tool_executions` other than the identity `id` and the parent key. */
export interface ToolRunColumns<J, T> {
  callId: string;
  toolName: string;
  parameters: J | null;
  result: J | null;
  success: boolean;
  error: string | null;
  durationMs: number | null;
  createdAt: T;
}

/** The counters shared by `tool_statistics` and the `tool_performance` view. */
export interface ToolCountColumns<C> {
  toolName: string;
  totalExecutions: C;
  successfulExecutions: C;
  failedExecutions: C;
  successRate: number | null;
  avgDurationMs: number | null;
}

/** An execution on its way in: JSON as serialized text, `createdAt: null` → the server's now(). */
export type ExecutionRow = ExecutionColumns<string, Date | null>;

/** A tool run on its way in, with the execution it belongs to. */
export interface ToolExecutionRow extends ToolRunColumns<string, Date | null> {
  executionId: string;
}

/** A generated tool on its way in. */
export interface ToolCreationRow {
  toolName: string;
  goalText: string | null;
  generatedCode: string;
  validationPassed: boolean;
  /** Serialized JSON text or null. */
  validationErrors: string | null;
  /** Serialized JSON text. */
  metadata: string;
  createdAt: Date | null;
}
