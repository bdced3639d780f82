import type { Query } from './query.js';

/**
 * One tool's runs per bucket ('hour' or 'day', in the session's time zone) since a time: volume
 * and successes exact from the hourly rollup (migration 0009: whole UTC hours, rows at the edge),
 * p50/p95 latency from the latency sketches (within 1% of percentile_cont; the hour holding
 * `since` counts in full). Buckets without runs are left out (the page draws gaps). Cost: hours ×
 * buckets of one tool, never its rows.
 */
export function selectToolSeries(toolName: string, since: Date, bucket: 'hour' | 'day'): Query {
  return {
    text: `WITH c AS (
             SELECT date_trunc($3::text, hour) AS bucket, sum(runs) AS runs, sum(successes) AS successes
               FROM tool_runs_window($2, 'infinity', ARRAY[$1]::varchar[])
              GROUP BY 1),
           l AS (
             SELECT period, p50_ms, p95_ms
               FROM tool_latency_series($2, 'infinity', ARRAY[$1]::varchar[], true, $3::text))
           SELECT c.bucket, c.runs, c.successes, l.p50_ms AS p50, l.p95_ms AS p95
             FROM c LEFT JOIN l ON l.period = c.bucket
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
