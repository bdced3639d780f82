import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read paths that stay fast as history grows, and a key ready for distribution:
 * - execution_outcomes_hourly: per (UTC hour, intent) counts kept by statement-level triggers on
 *   executions, so getSuccessRate sums buckets instead of scanning every execution;
 * - idx_executions_created_at on (created_at DESC, execution_id DESC), the exact order of
 *   getRecentExecutions, so the newest N come straight off the index;
 * - the tool-run idempotency key becomes (execution_id, call_id): as unique as call_id alone (a
 *   call belongs to one execution) and valid on a table distributed by execution_id.
 */
export class ReadPaths1764000000003 implements MigrationInterface {
  name = 'ReadPaths1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    // Writers wait while the buckets are created and filled, so none is counted twice or missed.
    await q.query(`LOCK TABLE executions IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`CREATE TABLE "execution_outcomes_hourly" (
      "hour" TIMESTAMP NOT NULL,
      "intent" character varying(50) NOT NULL,
      "total" bigint NOT NULL DEFAULT '0',
      "rated" bigint NOT NULL DEFAULT '0',
      "successes" bigint NOT NULL DEFAULT '0',
      CONSTRAINT "PK_execution_outcomes_hourly" PRIMARY KEY ("hour", "intent"))`);
    await q.query(`CREATE FUNCTION execution_outcomes_count() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          -- Sorted, so concurrent writers take bucket row locks in one order (no deadlocks).
          INSERT INTO execution_outcomes_hourly AS h (hour, intent, total, rated, successes)
          SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), coalesce(intent, ''),
                 count(*), count(success), count(*) FILTER (WHERE success)
            FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (hour, intent) DO UPDATE SET
            total = h.total + EXCLUDED.total,
            rated = h.rated + EXCLUDED.rated,
            successes = h.successes + EXCLUDED.successes;
        ELSE
          UPDATE execution_outcomes_hourly h SET
            total = h.total - d.total, rated = h.rated - d.rated, successes = h.successes - d.successes
            FROM (SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour, coalesce(intent, '') AS intent,
                         count(*) AS total, count(success) AS rated, count(*) FILTER (WHERE success) AS successes
                    FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2) d
           WHERE h.hour = d.hour AND h.intent = d.intent;
        END IF;
        RETURN NULL;
      END
    $fn$`);
    await q.query(`CREATE TRIGGER trg_executions_outcomes_insert AFTER INSERT ON executions
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION execution_outcomes_count()`);
    await q.query(`CREATE TRIGGER trg_executions_outcomes_delete AFTER DELETE ON executions
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION execution_outcomes_count()`);
    await q.query(`INSERT INTO execution_outcomes_hourly (hour, intent, total, rated, successes)
      SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), coalesce(intent, ''),
             count(*), count(success), count(*) FILTER (WHERE success)
        FROM executions GROUP BY 1, 2`);

    await q.query(`DROP INDEX "idx_executions_created_at"`);
    await q.query(
      `CREATE INDEX "idx_executions_created_at" ON "executions" ("created_at" DESC, "execution_id" DESC)`,
    );
    await q.query(`DROP INDEX "uq_tool_executions_call_id"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tool_executions_call_id" ON "tool_executions" ("execution_id", "call_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_tool_executions_call_id"`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_tool_executions_call_id" ON "tool_executions" ("call_id")`,
    );
    await q.query(`DROP INDEX "idx_executions_created_at"`);
    await q.query(`CREATE INDEX "idx_executions_created_at" ON "executions" ("created_at" DESC)`);
    await q.query(`DROP TRIGGER IF EXISTS trg_executions_outcomes_delete ON executions`);
    await q.query(`DROP TRIGGER IF EXISTS trg_executions_outcomes_insert ON executions`);
    await q.query(`DROP FUNCTION IF EXISTS execution_outcomes_count()`);
    await q.query(`DROP TABLE IF EXISTS "execution_outcomes_hourly"`);
  }
}
