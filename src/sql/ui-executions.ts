import type { Query } from './query.js';

/** What the executions list can be narrowed by; null means "any". */
export interface ExecutionFilterValues {
  success: boolean | null;
  intent: string | null;
  /** Executions that ran this tool at least once (through tool_executions). */
  toolName: string | null;
  /** Case-insensitive substring of the goal text. */
  text: string | null;
  since: Date | null;
  until: Date | null;
}

/** The keyset position after the last row shown: its exact created_at (µs) and id. */
export interface ExecutionCursor {
  createdAt: string;
  executionId: string;
}

/** `%`, `_` and `\` in user text match themselves in LIKE. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * One page of executions, newest first, keyset-paginated on (created_at, execution_id) so the
 * order comes straight off idx_executions_created_at however deep the page. Only the filters in
 * use are written into the statement: a filter written as `$n IS NULL OR …` cannot be planned as
 * a join, and the tool filter then became a hashed subplan that read every run of the tool before
 * the first row (tens of ms for a busy tool); as a plain EXISTS it is a semi-join that probes
 * one execution's runs at a time and stops at the page's last row. The cursor column carries
 * created_at to the microsecond, which a JS Date would lose.
 */
export function selectExecutionPage(
  filter: ExecutionFilterValues,
  after: ExecutionCursor | null,
  limit: number,
): Query {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (filter.success !== null) where.push(`e.success = ${param(filter.success)}::boolean`);
  if (filter.intent !== null) where.push(`e.intent = ${param(filter.intent)}::varchar`);
  if (filter.toolName !== null)
    where.push(`EXISTS (SELECT 1 FROM tool_executions t
                         WHERE t.execution_id = e.execution_id AND t.tool_name = ${param(filter.toolName)}::varchar)`);
  if (filter.text !== null)
    where.push(`e.goal_text ILIKE '%' || ${param(likeLiteral(filter.text))}::text || '%'`);
  if (filter.since !== null) where.push(`e.created_at >= ${param(filter.since)}::timestamptz`);
  if (filter.until !== null) where.push(`e.created_at < ${param(filter.until)}::timestamptz`);
  if (after !== null)
    where.push(
      `(e.created_at, e.execution_id) < (${param(after.createdAt)}::timestamptz, ${param(after.executionId)}::uuid)`,
    );
  return {
    text: `SELECT e.execution_id, e.goal_id, e.goal_text, e.intent, e.success, e.error, e.duration_ms, e.created_at,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
                  coalesce((SELECT json_agg(json_build_object('toolName', te.tool_name, 'success', te.success)
                                            ORDER BY te.id)
                              FROM tool_executions te WHERE te.execution_id = e.execution_id), '[]'::json) AS tools
             FROM executions e
            WHERE ${where.length === 0 ? 'true' : where.join('\n              AND ')}
            ORDER BY e.created_at DESC, e.execution_id DESC
            LIMIT ${param(limit)}`,
    values,
  };
}

/** One execution with its tool runs (in recorded order) and its feedback. */
export function selectExecutionDetail(executionId: string): Query {
  return {
    text: `SELECT e.execution_id, e.goal_id, e.goal_text, e.intent, e.success, e.error, e.duration_ms, e.created_at,
                  e.metadata,
                  coalesce((SELECT json_agg(json_build_object(
                             'id', te.id, 'callId', te.call_id, 'toolName', te.tool_name,
                             'parameters', te.parameters, 'result', te.result, 'success', te.success,
                             'error', te.error, 'durationMs', te.duration_ms, 'createdAt', te.created_at)
                             ORDER BY te.created_at, te.id)
                              FROM tool_executions te WHERE te.execution_id = e.execution_id), '[]'::json) AS tool_runs,
                  coalesce((SELECT json_agg(json_build_object(
                             'id', f.id, 'rating', f.rating, 'feedbackText', f.feedback_text, 'createdAt', f.created_at)
                             ORDER BY f.id)
                              FROM execution_feedback f WHERE f.execution_id = e.execution_id), '[]'::json) AS feedback
             FROM executions e
            WHERE e.execution_id = $1`,
    values: [executionId],
  };
}

/**
 * The choices of the filter form: intents from the hourly buckets (a small table kept by triggers)
 * and tool names from tool_statistics (one row per tool), never a scan of the history.
 */
export function selectFilterChoices(): Query {
  return {
    text: `SELECT 'intent' AS kind, intent AS name FROM (SELECT DISTINCT intent FROM execution_outcomes_hourly WHERE intent <> '') i
           UNION ALL
           SELECT 'tool', tool_name FROM tool_statistics
           ORDER BY 1, 2`,
    values: [],
  };
}
