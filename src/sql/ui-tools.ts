import type { Query } from './query.js';

/**
 * One tool's runs per bucket ('hour' or 'day') since a time: volume, successes, p50/p95 latency.
 * Buckets without runs are left out (the page draws gaps). Reads the tool's rows through
 * idx_tool_executions_tool_name.
 */
export function selectToolSeries(toolName: string, since: Date, bucket: 'hour' | 'day'): Query {
  return {
    text: `SELECT date_trunc($3::text, created_at) AS bucket,
                  count(*) AS runs,
                  count(*) FILTER (WHERE success) AS successes,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                  percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
             FROM tool_executions
            WHERE tool_name = $1 AND created_at >= $2
            GROUP BY 1
            ORDER BY 1`,
    values: [toolName, since, bucket],
  };
}

/** The most frequent error messages of a tool's failed runs since a time, with when each was last seen. */
export function selectToolErrors(toolName: string, since: Date, limit: number): Query {
  return {
    text: `SELECT left(coalesce(error, '(no message)'), 500) AS message, count(*) AS count,
                  max(created_at) AS last_seen,
                  (array_agg(execution_id ORDER BY created_at DESC))[1] AS example_execution_id
             FROM tool_executions
            WHERE tool_name = $1 AND created_at >= $2 AND NOT success
            GROUP BY 1
            ORDER BY count(*) DESC, max(created_at) DESC
            LIMIT $3`,
    values: [toolName, since, limit],
  };
}

/** A tool's newest runs, each with its execution's goal. */
export function selectToolRecentRuns(toolName: string, limit: number): Query {
  return {
    text: `SELECT te.execution_id, te.success, te.error, te.duration_ms, te.created_at, e.goal_text
             FROM (SELECT * FROM tool_executions WHERE tool_name = $1 ORDER BY created_at DESC, id DESC LIMIT $2) te
             JOIN executions e ON e.execution_id = te.execution_id
            ORDER BY te.created_at DESC, te.id DESC`,
    values: [toolName, limit],
  };
}

/** Every recorded generation of a tool by the AI, newest first. */
export function selectToolCreations(toolName: string): Query {
  return {
    text: `SELECT id, goal_text, generated_code, validation_passed, validation_errors, metadata, created_at
             FROM tool_creation_events
            WHERE tool_name = $1
            ORDER BY created_at DESC, id DESC
            LIMIT 20`,
    values: [toolName],
  };
}
