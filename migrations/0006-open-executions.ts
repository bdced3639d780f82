import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A long run's execution row can be written while the run is still going (success null,
 * `metadata._open`) and replaced by its final row later (see bulkInsertExecutions). The per-hour
 * outcome buckets of 0003 counted inserts and deletes only; this statement trigger moves an
 * updated row from its old bucket and outcome to its new ones, so the buckets keep matching the
 * executions table whatever updates it.
 */
export class OpenExecutions1764000000006 implements MigrationInterface {
  name = 'OpenExecutions1764000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`CREATE FUNCTION execution_outcomes_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        -- One statement for both sides, sorted, so concurrent writers lock buckets in one order.
        INSERT INTO execution_outcomes_hourly AS h (hour, intent, total, rated, successes)
        SELECT hour, intent, sum(total), sum(rated), sum(successes)
          FROM (SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AS hour, coalesce(intent, '') AS intent,
                       -1 AS total, -(success IS NOT NULL)::int AS rated, -(success IS TRUE)::int AS successes
                  FROM old_rows
                UNION ALL
                SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC'), coalesce(intent, ''),
                       1, (success IS NOT NULL)::int, (success IS TRUE)::int
                  FROM new_rows) d
         GROUP BY hour, intent
        HAVING sum(total) <> 0 OR sum(rated) <> 0 OR sum(successes) <> 0
         ORDER BY hour, intent
        ON CONFLICT (hour, intent) DO UPDATE SET
          total = h.total + EXCLUDED.total,
          rated = h.rated + EXCLUDED.rated,
          successes = h.successes + EXCLUDED.successes;
        RETURN NULL;
      END
    $fn$`);
    await q.query(`CREATE TRIGGER trg_executions_outcomes_update AFTER UPDATE ON executions
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION execution_outcomes_update()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS trg_executions_outcomes_update ON executions`);
    await q.query(`DROP FUNCTION IF EXISTS execution_outcomes_update()`);
  }
}
