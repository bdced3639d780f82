import type { Query } from './query.js';

export const RECOMMENDATION_COLUMNS = `id, tool_name, action, reason, evidence, status, job_run_id, created_at, updated_at`;

/**
 * Records a recommendation, or refreshes the open one for the same (tool, action): reason,
 * evidence and job run are replaced, created_at is kept. `inserted` tells which happened.
 */
/**
 * Opens a recommendation, or refreshes the open one for the same (tool, action). Returns no row
 * when there is no open one and the user settled (accepted or dismissed) that (tool, action)
 * within the last `quietDays`.
 */
export function upsertRecommendation(
  toolName: string,
  action: string,
  reason: string,
  evidenceJson: string,
  jobRunId: number | null,
  quietDays: number,
): Query {
  return {
    text: `INSERT INTO tool_lifecycle_recommendations AS r (tool_name, action, reason, evidence, job_run_id)
           SELECT $1::varchar, $2::varchar, $3::text, $4::jsonb, $5::bigint
            WHERE EXISTS (
                    SELECT 1 FROM tool_lifecycle_recommendations o
                     WHERE o.tool_name = $1::varchar AND o.action = $2::varchar AND o.status = 'open')
               OR NOT EXISTS (
                    SELECT 1 FROM tool_lifecycle_recommendations s
                     WHERE s.tool_name = $1::varchar AND s.action = $2::varchar
                       AND s.status IN ('accepted', 'dismissed')
                       AND s.updated_at > now() - $6::double precision * interval '1 day')
           ON CONFLICT (tool_name, action) WHERE status = 'open' DO UPDATE SET
             reason = EXCLUDED.reason, evidence = EXCLUDED.evidence, job_run_id = EXCLUDED.job_run_id,
             updated_at = now()
           RETURNING ${RECOMMENDATION_COLUMNS}, (xmax = 0) AS inserted`,
    values: [toolName, action, reason, evidenceJson, jobRunId, quietDays],
  };
}

/**
 * Closes as 'expired' the open recommendations this run did not find again (given as parallel
 * arrays of tool names and actions). Returns the rows it closed.
 */
export function expireRecommendations(
  foundTools: readonly string[],
  foundActions: readonly string[],
  jobRunId: number | null,
): Query {
  return {
    text: `UPDATE tool_lifecycle_recommendations r
              SET status = 'expired', updated_at = now(), job_run_id = $3
            WHERE r.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM unnest($1::varchar[], $2::varchar[]) AS f(tool_name, action)
                               WHERE f.tool_name = r.tool_name AND f.action = r.action)
            RETURNING ${RECOMMENDATION_COLUMNS}`,
    values: [foundTools, foundActions, jobRunId],
  };
}

export function selectRecommendations(
  status: string | null,
  toolName: string | null,
  limit: number,
): Query {
  return {
    text: `SELECT ${RECOMMENDATION_COLUMNS}
             FROM tool_lifecycle_recommendations
            WHERE ($1::varchar IS NULL OR status = $1)
              AND ($2::varchar IS NULL OR tool_name = $2)
            ORDER BY updated_at DESC, id DESC
            LIMIT $3`,
    values: [status, toolName, limit],
  };
}

/** Moves an open recommendation to accepted/dismissed (idempotent for the same target status). */
export function updateRecommendationStatus(id: number, status: 'accepted' | 'dismissed'): Query {
  return {
    text: `UPDATE tool_lifecycle_recommendations
              SET status = $2, updated_at = CASE WHEN status = $2 THEN updated_at ELSE now() END
            WHERE id = $1 AND status IN ('open', $2)
            RETURNING ${RECOMMENDATION_COLUMNS}`,
    values: [id, status],
  };
}

export function selectRecommendationStatus(id: number): Query {
  return {
    text: `SELECT status FROM tool_lifecycle_recommendations WHERE id = $1`,
    values: [id],
  };
}

/**
 * Per tool, over [min(recentSince, prevStart), now): runs and successes in the recent window
 * (deprecate) and in this week [weekStart, now) and the week before [prevStart, weekStart) (watch).
 * One range scan on created_at. The bounds come computed (and clamped to what PostgreSQL holds).
 */
export function selectLifecycleWindows(
  now: Date,
  recentSince: Date,
  weekStart: Date,
  prevStart: Date,
): Query {
  return {
    text: `SELECT tool_name,
                  count(*) FILTER (WHERE created_at >= $2)::bigint AS recent_total,
                  count(*) FILTER (WHERE success AND created_at >= $2)::bigint AS recent_successes,
                  count(*) FILTER (WHERE created_at >= $3)::bigint AS this_total,
                  count(*) FILTER (WHERE success AND created_at >= $3)::bigint AS this_successes,
                  count(*) FILTER (WHERE created_at < $3 AND created_at >= $4)::bigint AS prev_total,
                  count(*) FILTER (WHERE success AND created_at < $3 AND created_at >= $4)::bigint AS prev_successes
             FROM tool_executions
            WHERE created_at >= least($2::timestamptz, $4::timestamptz)
              AND created_at < $1::timestamptz
            GROUP BY tool_name
            ORDER BY tool_name`,
    values: [now, recentSince, weekStart, prevStart],
  };
}

/** Registry status and promoted mark of the given tools (those registered). */
export function selectRegistryStates(toolNames: readonly string[]): Query {
  return {
    text: `SELECT name AS tool_name, status, promoted FROM tools WHERE name = ANY ($1::varchar[])`,
    values: [toolNames],
  };
}

/**
 * Tools idle since before the cutoff: used once and not since (tool_statistics), or generated and
 * validated but never used at all (tool_creation_events).
 */
export function selectIdleTools(cutoff: Date): Query {
  return {
    text: `SELECT tool_name, total_executions::bigint AS total, last_used, NULL::timestamptz AS created_at
             FROM tool_statistics
            WHERE last_used < $1
           UNION ALL
           SELECT e.tool_name, 0::bigint, NULL::timestamptz, max(e.created_at)
             FROM tool_creation_events e
            WHERE e.validation_passed
              AND NOT EXISTS (SELECT 1 FROM tool_statistics s WHERE s.tool_name = e.tool_name)
            GROUP BY e.tool_name
           HAVING max(e.created_at) < $1
            ORDER BY tool_name`,
    values: [cutoff],
  };
}

/** AI-generated tools that passed validation, with their all-time counts. */
export function selectGeneratedToolStats(): Query {
  return {
    text: `SELECT s.tool_name, s.total_executions::bigint AS total, s.successful_executions::bigint AS successes,
                  g.created_at AS generated_at
             FROM (SELECT tool_name, min(created_at) AS created_at
                     FROM tool_creation_events WHERE validation_passed GROUP BY tool_name) g
             JOIN tool_statistics s ON s.tool_name = g.tool_name
            ORDER BY s.tool_name`,
    values: [],
  };
}
