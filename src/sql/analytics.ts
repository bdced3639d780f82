import type { Query } from './query.js';

const TOOL_STATS_COLUMNS = `tool_name, total_executions, successful_executions, failed_executions, success_rate,
       avg_duration_ms, first_used, last_used, metadata, updated_at`;

export function selectToolStatistics(toolName: string): Query {
  return {
    text: `SELECT ${TOOL_STATS_COLUMNS} FROM tool_statistics WHERE tool_name = $1`,
    values: [toolName],
  };
}

export function selectTopTools(limit: number, minExecutions: number): Query {
  return {
    text: `SELECT ${TOOL_STATS_COLUMNS}
             FROM tool_statistics
            WHERE total_executions >= $2
            ORDER BY success_rate DESC NULLS LAST, total_executions DESC, tool_name
            LIMIT $1`,
    values: [limit, minExecutions],
  };
}

/** Newest executions, each with its tool runs in the order they were recorded. */
export function selectRecentExecutions(limit: number): Query {
  return {
    text: `SELECT e.execution_id, e.goal_id, e.goal_text, e.intent, e.success, e.error, e.duration_ms, e.created_at, e.metadata,
                  coalesce(t.runs, '[]'::json) AS tool_runs
             FROM (SELECT * FROM executions ORDER BY created_at DESC, execution_id DESC LIMIT $1) e
             LEFT JOIN LATERAL (
               SELECT json_agg(json_build_object(
                        'id', te.id, 'callId', te.call_id, 'toolName', te.tool_name, 'parameters', te.parameters,
                        'result', te.result, 'success', te.success, 'error', te.error, 'durationMs', te.duration_ms,
                        'createdAt', te.created_at) ORDER BY te.id) AS runs
                 FROM tool_executions te
                WHERE te.execution_id = e.execution_id) t ON true
            ORDER BY e.created_at DESC, e.execution_id DESC`,
    values: [limit],
  };
}

export function selectSuccessRate(intent: string | null, since: Date | null): Query {
  return {
    text: `SELECT count(*) FILTER (WHERE success) AS successes, count(success) AS rated
             FROM executions
            WHERE ($1::varchar IS NULL OR intent = $1)
              AND ($2::timestamptz IS NULL OR created_at >= $2)`,
    values: [intent, since],
  };
}

export function selectToolPerformance(): Query {
  return {
    text: `SELECT tool_name, total_executions, successful_executions, failed_executions, success_rate, avg_duration_ms,
                  first_used, last_used
             FROM tool_performance
            ORDER BY tool_name`,
    values: [],
  };
}

export function callUpdateToolStatistics(): Query {
  return { text: 'SELECT update_tool_statistics() AS touched', values: [] };
}
