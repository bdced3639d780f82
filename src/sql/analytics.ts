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

/**
 * Successes and rated executions, optionally for one intent and since a time. Whole UTC hours come
 * from execution_outcomes_hourly (kept by triggers); the part of the first hour after `since` is
 * counted from executions through the created_at index. Cost: buckets plus at most an hour of rows.
 */
export function selectSuccessRate(intent: string | null, since: Date | null): Query {
  return {
    text: `WITH bounds AS (
             SELECT CASE WHEN $2::timestamptz IS NULL THEN NULL
                         WHEN date_trunc('hour', $2::timestamptz AT TIME ZONE 'UTC') = $2::timestamptz AT TIME ZONE 'UTC'
                           THEN $2::timestamptz AT TIME ZONE 'UTC'
                         ELSE date_trunc('hour', $2::timestamptz AT TIME ZONE 'UTC') + interval '1 hour' END AS first_full_hour),
           buckets AS (
             SELECT coalesce(sum(h.successes), 0) AS successes, coalesce(sum(h.rated), 0) AS rated
               FROM execution_outcomes_hourly h, bounds b
              WHERE ($1::varchar IS NULL OR h.intent = $1)
                AND (b.first_full_hour IS NULL OR h.hour >= b.first_full_hour)),
           head AS (
             SELECT count(*) FILTER (WHERE e.success) AS successes, count(e.success) AS rated
               FROM executions e, bounds b
              WHERE b.first_full_hour IS NOT NULL
                AND e.created_at >= $2::timestamptz
                AND e.created_at < b.first_full_hour AT TIME ZONE 'UTC'
                AND ($1::varchar IS NULL OR e.intent = $1))
           SELECT (buckets.successes + head.successes)::bigint AS successes,
                  (buckets.rated + head.rated)::bigint AS rated
             FROM buckets, head`,
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
