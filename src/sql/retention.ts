import type { Query } from './query.js';

// Executions that may go: older than the feedback cutoff ($2, the longer period) whatever they
// carry, or older than the plain cutoff ($1) when nobody rated them. $2 <= $1 always.
const PRUNABLE = `e.created_at < $2
    OR (e.created_at < $1
        AND NOT EXISTS (SELECT 1 FROM execution_feedback f WHERE f.execution_id = e.execution_id))`;

/** What pruning with these cutoffs would remove: executions, their tool runs and their feedback. */
export function countPrunable(cutoff: Date, feedbackCutoff: Date): Query {
  return {
    text: `WITH doomed AS (SELECT e.execution_id, e.created_at FROM executions e WHERE ${PRUNABLE})
           SELECT (SELECT count(*) FROM doomed) AS executions,
                  (SELECT count(*) FROM tool_executions t
                    WHERE t.execution_id IN (SELECT execution_id FROM doomed)) AS tool_executions,
                  (SELECT count(*) FROM execution_feedback f
                    WHERE f.execution_id IN (SELECT execution_id FROM doomed)) AS feedback,
                  (SELECT min(created_at) FROM doomed) AS oldest,
                  (SELECT max(created_at) FROM doomed) AS newest`,
    values: [cutoff, feedbackCutoff],
  };
}

/**
 * Deletes one bounded batch, oldest first, in one short statement: the executions and, explicitly,
 * their tool runs and feedback (so the counts are exact and every row of a run goes together).
 * Rows a writer holds are skipped, never waited for: the next batch takes them.
 */
export function deletePrunableBatch(cutoff: Date, feedbackCutoff: Date, batchSize: number): Query {
  return {
    text: `WITH doomed AS (
             SELECT e.execution_id FROM executions e
              WHERE ${PRUNABLE}
              ORDER BY e.created_at
              LIMIT $3
                FOR UPDATE SKIP LOCKED),
           runs AS (DELETE FROM tool_executions t USING doomed d
                     WHERE t.execution_id = d.execution_id RETURNING 1),
           ratings AS (DELETE FROM execution_feedback f USING doomed d
                        WHERE f.execution_id = d.execution_id RETURNING 1),
           gone AS (DELETE FROM executions e USING doomed d
                     WHERE e.execution_id = d.execution_id RETURNING 1)
           SELECT (SELECT count(*) FROM gone) AS executions,
                  (SELECT count(*) FROM runs) AS tool_executions,
                  (SELECT count(*) FROM ratings) AS feedback`,
    values: [cutoff, feedbackCutoff, batchSize],
  };
}
