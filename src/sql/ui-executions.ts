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
 * order comes straight off idx_executions_created_at however deep the page. Each unused filter is
 * a null parameter that PostgreSQL folds away when it plans the (unnamed) statement. The cursor
 * column carries created_at to the microsecond, which a JS Date would lose.
 */
export function selectExecutionPage(
  filter: ExecutionFilterValues,
  after: ExecutionCursor | null,
  limit: number,
): Query {
  return {
    text: `SELECT e.execution_id, e.goal_id, e.goal_text, e.intent, e.success, e.error, e.duration_ms, e.created_at,
                  to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
                  coalesce((SELECT json_agg(json_build_object('toolName', te.tool_name, 'success', te.success)
                                            ORDER BY te.id)
                              FROM tool_executions te WHERE te.execution_id = e.execution_id), '[]'::json) AS tools
             FROM executions e
            WHERE ($1::boolean IS NULL OR e.success = $1)
              AND ($2::varchar IS NULL OR e.intent = $2)
              AND ($3::varchar IS NULL OR EXISTS (
                    SELECT 1 FROM tool_executions t WHERE t.execution_id = e.execution_id AND t.tool_name = $3))
              AND ($4::text IS NULL OR e.goal_text ILIKE '%' || $4 || '%')
              AND ($5::timestamptz IS NULL OR e.created_at >= $5)
              AND ($6::timestamptz IS NULL OR e.created_at < $6)
              AND ($7::timestamptz IS NULL OR (e.created_at, e.execution_id) < ($7, $8::uuid))
            ORDER BY e.created_at DESC, e.execution_id DESC
            LIMIT $9`,
    values: [
      filter.success,
      filter.intent,
      filter.toolName,
      filter.text === null ? null : likeLiteral(filter.text),
      filter.since,
      filter.until,
      after?.createdAt ?? null,
      after?.executionId ?? null,
      limit,
    ],
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
