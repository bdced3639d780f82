import type { Query } from './query.js';
import { booleanArray, numberArray, timestampArray } from './array-literal.js';
import { binaryTextArray, binaryTimestampArray } from './binary-array.js';
import type { ExecutionRow, ToolCreationRow, ToolExecutionRow } from '../schema/rows.js';

export function insertExecution(row: ExecutionRow): Query {
  return {
    text: `INSERT INTO executions (execution_id, goal_id, goal_text, intent, success, error, duration_ms, created_at, metadata)
           VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, now()), $9::jsonb)
           ON CONFLICT (execution_id) DO NOTHING`,
    values: [
      row.executionId,
      row.goalId,
      row.goalText,
      row.intent,
      row.success,
      row.error,
      row.durationMs,
      row.createdAt,
      row.metadata,
    ],
  };
}

export function insertToolExecution(row: ToolExecutionRow): Query {
  return {
    text: `WITH ins AS (
             INSERT INTO tool_executions (call_id, execution_id, tool_name, parameters, result, success, error, duration_ms, created_at)
             VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, coalesce($9, now()))
             ON CONFLICT (execution_id, call_id) DO NOTHING
             RETURNING id)
           SELECT id FROM ins
           UNION ALL
           SELECT id FROM tool_executions WHERE execution_id = $2 AND call_id = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
    values: [
      row.callId,
      row.executionId,
      row.toolName,
      row.parameters,
      row.result,
      row.success,
      row.error,
      row.durationMs,
      row.createdAt,
    ],
  };
}

/**
 * The unnest() argument list: one array parameter per column, numbered from `first`. Text-like
 * columns arrive as binary `text[]` (see binary-array.ts) and are cast to their type here; times
 * as binary `timestamptz[]` (or a literal, see times()), booleans and numbers as array literals.
 */
function arrayParams(types: readonly string[], first: number): string {
  return types
    .map((t, i) => {
      const p = `$${first + i}`;
      if (t === 'text') return `${p}::text[]`;
      return TEXT_SENT.has(t) ? `${p}::text[]::${t}[]` : `${p}::${t}[]`;
    })
    .join(', ');
}

/** Column types whose values are sent as binary text arrays. */
const TEXT_SENT = new Set(['text', 'uuid', 'varchar']);

const EXECUTION_TYPES = [
  'uuid',
  'varchar',
  'text',
  'varchar',
  'boolean',
  'text',
  'integer',
  'timestamptz',
  'text',
];
const TOOL_TYPES = [
  'uuid',
  'uuid',
  'varchar',
  'text',
  'text',
  'boolean',
  'text',
  'integer',
  'timestamptz',
];

/**
 * Many executions in one statement: one array per column, unnest()ed server side. Rows already
 * present (a replayed batch) are skipped, except a provisional row (`metadata._open`, written by
 * the middleware while a long run is still going), which the run's later row replaces. Within one
 * batch one row per execution is kept (DO UPDATE may touch a row only once per statement): a
 * final row over a provisional one, else the last.
 */
function executionsInsert(first: number): string {
  return `INSERT INTO executions AS e (execution_id, goal_id, goal_text, intent, success, error, duration_ms, created_at, metadata)
           SELECT DISTINCT ON (u.id) u.id, u.goal_id, u.goal_text, u.intent, u.success, u.error, u.duration_ms,
                  coalesce(u.created_at, now()), u.metadata::jsonb
             FROM unnest(${arrayParams(EXECUTION_TYPES, first)}) WITH ORDINALITY
                  AS u(id, goal_id, goal_text, intent, success, error, duration_ms, created_at, metadata, ord)
            ORDER BY u.id, u.metadata::jsonb @> '{"_open": true}', u.ord DESC
           ON CONFLICT (execution_id) DO UPDATE SET
             goal_id = EXCLUDED.goal_id, goal_text = EXCLUDED.goal_text, intent = EXCLUDED.intent,
             success = EXCLUDED.success, error = EXCLUDED.error, duration_ms = EXCLUDED.duration_ms,
             metadata = EXCLUDED.metadata
           WHERE e.metadata @> '{"_open": true}'`;
}

/** Many tool runs in one statement, in array order (so ids follow start order within a run). */
function toolExecutionsInsert(first: number): string {
  return `INSERT INTO tool_executions (call_id, execution_id, tool_name, parameters, result, success, error, duration_ms, created_at)
           SELECT u.call_id, u.execution_id, u.tool_name, u.parameters::jsonb, u.result::jsonb, u.success, u.error, u.duration_ms,
                  coalesce(u.created_at, now())
             FROM unnest(${arrayParams(TOOL_TYPES, first)}) WITH ORDINALITY
                  AS u(call_id, execution_id, tool_name, parameters, result, success, error, duration_ms, created_at, ord)
            ORDER BY u.ord
           ON CONFLICT (execution_id, call_id) DO NOTHING`;
}

// Text-like columns and times in binary (no quoting, escaping or formatting, see binary-array.ts);
// booleans and numbers as array literals built in one pass (array-literal.ts).

/** created_at in binary, or as text when a time is outside years 1-9999 (see binaryTimestampArray). */
function times(rows: ReadonlyArray<{ createdAt: Date | null }>): string | Buffer {
  const pick = (r: { createdAt: Date | null }): Date | null => r.createdAt;
  return binaryTimestampArray(rows, pick) ?? timestampArray(rows, pick);
}

function executionValues(rows: readonly ExecutionRow[]): Array<string | Buffer> {
  return [
    binaryTextArray(rows, (r) => r.executionId),
    binaryTextArray(rows, (r) => r.goalId),
    binaryTextArray(rows, (r) => r.goalText),
    binaryTextArray(rows, (r) => r.intent),
    booleanArray(rows, (r) => r.success),
    binaryTextArray(rows, (r) => r.error),
    numberArray(rows, (r) => r.durationMs),
    times(rows),
    binaryTextArray(rows, (r) => r.metadata),
  ];
}

function toolValues(rows: readonly ToolExecutionRow[]): Array<string | Buffer> {
  return [
    binaryTextArray(rows, (r) => r.callId),
    binaryTextArray(rows, (r) => r.executionId),
    binaryTextArray(rows, (r) => r.toolName),
    binaryTextArray(rows, (r) => r.parameters),
    binaryTextArray(rows, (r) => r.result),
    booleanArray(rows, (r) => r.success),
    binaryTextArray(rows, (r) => r.error),
    numberArray(rows, (r) => r.durationMs),
    times(rows),
  ];
}

const EXECUTIONS_TEXT = executionsInsert(1);
const TOOL_EXECUTIONS_TEXT = toolExecutionsInsert(1);
/**
 * Both inserts as one statement: the tool runs' foreign-key checks run at the end of the
 * statement, so they see the executions inserted beside them.
 */
const RUNS_TEXT = `WITH e AS (${executionsInsert(1)}) ${toolExecutionsInsert(EXECUTION_TYPES.length + 1)}`;

export function bulkInsertExecutions(rows: readonly ExecutionRow[]): Query {
  return { text: EXECUTIONS_TEXT, values: executionValues(rows) };
}

export function bulkInsertToolExecutions(rows: readonly ToolExecutionRow[]): Query {
  return { text: TOOL_EXECUTIONS_TEXT, values: toolValues(rows) };
}

/**
 * A batch of runs (executions and their tool runs) as ONE statement, so one round trip and one
 * implicit transaction: all of it is written or none. The writer's path: each round trip it saves
 * is a wait on a busy event loop (the orchestrator's own work) while the server sits idle.
 */
export function bulkInsertRuns(
  executions: readonly ExecutionRow[],
  tools: readonly ToolExecutionRow[],
): Query {
  if (tools.length === 0) return bulkInsertExecutions(executions);
  return { text: RUNS_TEXT, values: [...executionValues(executions), ...toolValues(tools)] };
}

export function insertFeedback(
  executionId: string,
  rating: number,
  feedbackText: string | null,
): Query {
  return {
    text: `INSERT INTO execution_feedback (execution_id, rating, feedback_text) VALUES ($1, $2, $3) RETURNING id`,
    values: [executionId, rating, feedbackText],
  };
}

export function insertToolCreation(row: ToolCreationRow): Query {
  return {
    text: `INSERT INTO tool_creation_events (tool_name, goal_text, generated_code, validation_passed, validation_errors, metadata, created_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, coalesce($7, now())) RETURNING id`,
    values: [
      row.toolName,
      row.goalText,
      row.generatedCode,
      row.validationPassed,
      row.validationErrors,
      row.metadata,
      row.createdAt,
    ],
  };
}
