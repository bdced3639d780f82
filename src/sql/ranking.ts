import { wilsonLowerBoundSql } from '../stats/wilson.js';
import type { Query } from './query.js';

const PS = 'r.prior_successes';
const PN = 'r.prior_total';

/**
 * Candidates ordered by the Wilson lower bound of prior-smoothed counts (Beta prior as pseudo
 * runs), then by average latency, then by the caller's order. One statement: the candidates are
 * looked up through tool_statistics' primary key, unknown ones get the prior alone.
 */
export function selectRankedTools(
  candidates: readonly string[],
  limit: number,
  priorSuccesses: number,
  priorFailures: number,
  z: number,
): Query {
  return {
    text: `WITH c AS (
             SELECT name, min(ord) AS ord
               FROM unnest($1::varchar[]) WITH ORDINALITY AS u(name, ord)
              GROUP BY name),
           r AS (
             SELECT c.name AS tool_name, c.ord, s.tool_name IS NOT NULL AS known,
                    coalesce(s.total_executions, 0) AS total,
                    coalesce(s.successful_executions, 0) AS successes,
                    s.success_rate, s.avg_duration_ms,
                    (s.metadata -> 'durationWindow' ->> 'p95Ms')::double precision AS p95_duration_ms,
                    s.last_used,
                    coalesce(s.successful_executions, 0) + $3::double precision AS prior_successes,
                    coalesce(s.total_executions, 0) + $3::double precision + $4::double precision AS prior_total
               FROM c LEFT JOIN tool_statistics s ON s.tool_name = c.name)
           SELECT r.tool_name, r.known, r.total, r.successes, r.success_rate, r.avg_duration_ms,
                  r.p95_duration_ms, r.last_used,
                  ${wilsonLowerBoundSql(PS, PN, '$5::double precision')} AS score
             FROM r
            ORDER BY score DESC, r.avg_duration_ms ASC NULLS LAST, r.ord
            LIMIT $2`,
    values: [candidates, limit, priorSuccesses, priorFailures, z],
  };
}
