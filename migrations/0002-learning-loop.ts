import type { MigrationInterface, QueryRunner } from 'typeorm';

// Advisory lock key (namespace "dend", purpose statisticsRefresh) shared with src/db/advisory-lock.ts.
export const REFRESH_LOCK = '1684368996, 2';

/**
 * The incremental fold: pending deltas summed per tool and added to tool_statistics (and the
 * duration totals) in one statement, so one snapshot sees a batch's deltas and deletes them. Later
 * migrations compose their refresh from it.
 */
export const FOLD_DELTAS = `        WITH gone AS (
          DELETE FROM tool_statistics_deltas RETURNING *),
        agg AS (
          SELECT tool_name, sum(total_executions)::bigint AS total, sum(successful_executions)::bigint AS ok,
                 sum(duration_sum_ms)::bigint AS dsum, sum(duration_count)::bigint AS dcount,
                 min(first_used) AS first_used, max(last_used) AS last_used
            FROM gone GROUP BY tool_name),
        dur AS (
          INSERT INTO tool_duration_totals AS d (tool_name, duration_sum_ms, duration_count)
          SELECT tool_name, dsum, dcount FROM agg
          ON CONFLICT (tool_name) DO UPDATE SET
            duration_sum_ms = d.duration_sum_ms + EXCLUDED.duration_sum_ms,
            duration_count = d.duration_count + EXCLUDED.duration_count
          RETURNING tool_name, duration_sum_ms, duration_count)
        INSERT INTO tool_statistics AS s (tool_name, total_executions, successful_executions, failed_executions,
                                          avg_duration_ms, first_used, last_used, updated_at)
        SELECT a.tool_name, a.total, a.ok, a.total - a.ok,
               CASE WHEN dur.duration_count > 0
                    THEN (dur.duration_sum_ms::numeric / dur.duration_count)::double precision END,
               a.first_used, a.last_used, now()
          FROM agg a JOIN dur ON dur.tool_name = a.tool_name
        ON CONFLICT (tool_name) DO UPDATE SET
          total_executions = s.total_executions + EXCLUDED.total_executions,
          successful_executions = s.successful_executions + EXCLUDED.successful_executions,
          failed_executions = s.failed_executions + EXCLUDED.failed_executions,
          avg_duration_ms = EXCLUDED.avg_duration_ms,
          first_used = least(s.first_used, EXCLUDED.first_used),
          last_used = greatest(s.last_used, EXCLUDED.last_used),
          updated_at = EXCLUDED.updated_at;`;

/**
 * Folds the per-window duration percentiles into tool_statistics.metadata.durationWindow. Shared by
 * the incremental and the full refresh so both produce the same value. Cost: the rows inside the
 * window (an index range scan on created_at), never the whole history.
 */
export const PERCENTILES = `
        -- EXECUTE plans with the actual cutoff, so the planner sees a narrow created_at range and
        -- uses the index (a cached generic plan would guess a third of the table and scan it all).
        EXECUTE $q$
        WITH w AS (
          SELECT tool_name,
                 count(*) AS runs,
                 count(duration_ms) AS timed,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                 percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
            FROM tool_executions
           WHERE created_at >= $1
           GROUP BY tool_name)
        UPDATE tool_statistics s
           SET metadata = s.metadata || jsonb_build_object('durationWindow', jsonb_build_object(
                 'hours', $2,
                 'runs', coalesce(w.runs, 0),
                 'timedRuns', coalesce(w.timed, 0),
                 'p50Ms', w.p50,
                 'p95Ms', w.p95,
                 'asOf', now()))
          FROM tool_statistics t
          LEFT JOIN w ON w.tool_name = t.tool_name
         WHERE s.tool_name = t.tool_name
           AND (w.tool_name IS NOT NULL OR coalesce((s.metadata->'durationWindow'->>'runs')::bigint, 0) > 0)
        $q$ USING now() - duration_window, extract(epoch FROM duration_window) / 3600`;

/** The full recompute as this migration defines it (0005 replaces it and restores it on down). */
export const RECOMPUTE_0002 = `CREATE FUNCTION recompute_tool_statistics(duration_window interval DEFAULT '24 hours')
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE touched integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${REFRESH_LOCK});
        WITH gone AS (
          DELETE FROM tool_statistics_deltas),
        agg AS (
          SELECT tool_name, count(*) AS total, count(*) FILTER (WHERE success) AS ok,
                 coalesce(sum(duration_ms), 0)::bigint AS dsum, count(duration_ms) AS dcount,
                 min(created_at) AS first_used, max(created_at) AS last_used
            FROM tool_executions GROUP BY tool_name),
        dur AS (
          INSERT INTO tool_duration_totals AS d (tool_name, duration_sum_ms, duration_count)
          SELECT tool_name, dsum, dcount FROM agg
          ON CONFLICT (tool_name) DO UPDATE SET
            duration_sum_ms = EXCLUDED.duration_sum_ms, duration_count = EXCLUDED.duration_count)
        INSERT INTO tool_statistics AS s (tool_name, total_executions, successful_executions, failed_executions,
                                          avg_duration_ms, first_used, last_used, updated_at)
        SELECT a.tool_name, a.total, a.ok, a.total - a.ok,
               CASE WHEN a.dcount > 0 THEN (a.dsum::numeric / a.dcount)::double precision END,
               a.first_used, a.last_used, now()
          FROM agg a
        ON CONFLICT (tool_name) DO UPDATE SET
          total_executions = EXCLUDED.total_executions,
          successful_executions = EXCLUDED.successful_executions,
          failed_executions = EXCLUDED.failed_executions,
          avg_duration_ms = EXCLUDED.avg_duration_ms,
          first_used = EXCLUDED.first_used,
          last_used = EXCLUDED.last_used,
          updated_at = EXCLUDED.updated_at;
        GET DIAGNOSTICS touched = ROW_COUNT;
        ${PERCENTILES};
        RETURN touched;
      END
    $fn$`;

/**
 * Learning loop: job_runs (the exactly-once ledger and job history), lifecycle recommendations,
 * and an incremental statistics refresh (trigger → delta table → update_tool_statistics()).
 */
export class LearningLoop1764000000002 implements MigrationInterface {
  name = 'LearningLoop1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`SET LOCAL lock_timeout = '30s'`);
    await q.query(`CREATE TABLE "job_runs" (
      "id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
      "job_name" character varying(100) NOT NULL,
      "fire_time" TIMESTAMP WITH TIME ZONE NOT NULL,
      "trigger" character varying(20) NOT NULL DEFAULT 'scheduled',
      "instance_id" character varying(255) NOT NULL,
      "status" character varying(20) NOT NULL DEFAULT 'running',
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "finished_at" TIMESTAMP WITH TIME ZONE,
      "lease_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "summary" jsonb,
      "error" text,
      CONSTRAINT "chk_job_runs_trigger" CHECK ("trigger" IN ('scheduled', 'manual')),
      CONSTRAINT "chk_job_runs_status" CHECK ("status" IN ('running', 'succeeded', 'failed', 'crashed')),
      CONSTRAINT "PK_4d0012c04fcfc287550b76be7e9" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_job_runs_started_at" ON "job_runs" ("started_at")`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_job_runs_job_name_fire_time" ON "job_runs" ("job_name", "fire_time")`,
    );

    await q.query(`CREATE TABLE "tool_lifecycle_recommendations" (
      "id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
      "tool_name" character varying(255) NOT NULL,
      "action" character varying(20) NOT NULL,
      "reason" text NOT NULL,
      "evidence" jsonb NOT NULL DEFAULT '{}',
      "status" character varying(20) NOT NULL DEFAULT 'open',
      "job_run_id" bigint,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "chk_tool_lifecycle_recommendations_status" CHECK ("status" IN ('open', 'accepted', 'dismissed')),
      CONSTRAINT "chk_tool_lifecycle_recommendations_action" CHECK ("action" IN ('archive', 'deprecate', 'promote', 'watch')),
      CONSTRAINT "PK_c04acaecab762a7982820d74b36" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE INDEX "idx_tool_lifecycle_recommendations_status" ON "tool_lifecycle_recommendations" ("status")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_tool_lifecycle_recommendations_open" ON "tool_lifecycle_recommendations" ("tool_name", "action") WHERE "status" = 'open'`,
    );

    await q.query(`CREATE TABLE "tool_statistics_deltas" (
      "id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,
      "tool_name" character varying(255) NOT NULL,
      "total_executions" bigint NOT NULL,
      "successful_executions" bigint NOT NULL,
      "duration_sum_ms" bigint NOT NULL,
      "duration_count" bigint NOT NULL,
      "first_used" TIMESTAMP WITH TIME ZONE,
      "last_used" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_fae04e803aac1584a9a5293da09" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "tool_duration_totals" (
      "tool_name" character varying(255) NOT NULL,
      "duration_sum_ms" bigint NOT NULL DEFAULT '0',
      "duration_count" bigint NOT NULL DEFAULT '0',
      CONSTRAINT "PK_99676018ac59009e8c85da156a2" PRIMARY KEY ("tool_name"))`);

    // One delta row per tool per INSERT statement, written in the inserting transaction: a refresh
    // sees a batch's rows and its deltas together or not at all. Deletes add nothing (cumulative).
    await q.query(`CREATE FUNCTION tool_statistics_capture() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO tool_statistics_deltas (tool_name, total_executions, successful_executions,
                                            duration_sum_ms, duration_count, first_used, last_used)
        SELECT tool_name, count(*), count(*) FILTER (WHERE success), coalesce(sum(duration_ms), 0),
               count(duration_ms), min(created_at), max(created_at)
          FROM new_rows
         GROUP BY tool_name;
        RETURN NULL;
      END
    $fn$`);
    await q.query(`CREATE TRIGGER "trg_tool_executions_statistics" AFTER INSERT ON "tool_executions"
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tool_statistics_capture()`);

    // Incremental refresh: folds and deletes the deltas in one statement (one snapshot), then
    // refreshes the windowed percentiles. Returns how many tools had new rows.
    await q.query(`DROP FUNCTION update_tool_statistics()`);
    await q.query(`CREATE FUNCTION update_tool_statistics(duration_window interval DEFAULT '24 hours')
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE touched integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(${REFRESH_LOCK});
${FOLD_DELTAS}
        GET DIAGNOSTICS touched = ROW_COUNT;
        ${PERCENTILES};
        RETURN touched;
      END
    $fn$`);

    // Full recompute from history (repair, verification, the benchmark's baseline). Pending deltas
    // are dropped in the same statement that reads tool_executions, so nothing is counted twice.
    await q.query(RECOMPUTE_0002);
    // Start from the truth: whatever history exists now (the trigger blocks writers until commit).
    await q.query(`SELECT recompute_tool_statistics()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS "trg_tool_executions_statistics" ON "tool_executions"`);
    await q.query(`DROP FUNCTION IF EXISTS tool_statistics_capture()`);
    await q.query(`DROP FUNCTION IF EXISTS recompute_tool_statistics(interval)`);
    await q.query(`DROP FUNCTION IF EXISTS update_tool_statistics(interval)`);
    // The foundation's full recompute, as it was.
    await q.query(`CREATE FUNCTION update_tool_statistics() RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE touched integer;
      BEGIN
        INSERT INTO tool_statistics AS s (tool_name, total_executions, successful_executions, failed_executions,
                                          avg_duration_ms, first_used, last_used, updated_at)
        SELECT tool_name, count(*), count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success),
               avg(duration_ms), min(created_at), max(created_at), now()
          FROM tool_executions
         GROUP BY tool_name
        ON CONFLICT (tool_name) DO UPDATE SET
          total_executions = EXCLUDED.total_executions,
          successful_executions = EXCLUDED.successful_executions,
          failed_executions = EXCLUDED.failed_executions,
          avg_duration_ms = EXCLUDED.avg_duration_ms,
          first_used = EXCLUDED.first_used,
          last_used = EXCLUDED.last_used,
          updated_at = EXCLUDED.updated_at;
        GET DIAGNOSTICS touched = ROW_COUNT;
        RETURN touched;
      END
    $fn$`);
    await q.query(`DROP TABLE IF EXISTS "tool_duration_totals"`);
    await q.query(`DROP TABLE IF EXISTS "tool_statistics_deltas"`);
    await q.query(`DROP TABLE IF EXISTS "tool_lifecycle_recommendations"`);
    await q.query(`DROP TABLE IF EXISTS "job_runs"`);
  }
}
