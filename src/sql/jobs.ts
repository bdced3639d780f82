import type { Query } from './query.js';

const LEASE_EXPIRED = 'the instance running this job stopped before it finished (lease expired)';

const JOB_RUN_COLUMNS = `id, job_name, fire_time, trigger, instance_id,
       CASE WHEN status = 'running' AND lease_expires_at < now() THEN 'crashed' ELSE status END AS status,
       started_at, finished_at, lease_expires_at, summary, error`;

/**
 * Claims one manual run of a job, "now" to the microsecond. Manual runs never wait for or block a
 * scheduled one.
 */
export function claimManualJobRun(jobName: string, instanceId: string, leaseMs: number): Query {
  return {
    text: `INSERT INTO job_runs (job_name, fire_time, trigger, instance_id, status, started_at, lease_expires_at)
           VALUES ($1, clock_timestamp(), 'manual', $2, 'running', clock_timestamp(),
                   clock_timestamp() + $3::double precision * interval '1 millisecond')
           ON CONFLICT (job_name, fire_time) DO NOTHING
           RETURNING id, fire_time`,
    values: [jobName, instanceId, leaseMs],
  };
}

/**
 * Serializes the scheduled claims of one job (until the claiming transaction ends), so the check
 * for a run still going and the insert below are one step. A single bigint key: the two-int4 keys
 * of src/db/advisory-lock.ts are another key space.
 */
export function lockJobClaims(jobName: string): Query {
  return {
    text: `SELECT pg_advisory_xact_lock(hashtextextended('dendrite-history job ' || $1::text, 0))`,
    values: [jobName],
  };
}

/**
 * Claims one scheduled fire of a job (run under lockJobClaims). The unique (job_name, fire_time)
 * key lets exactly one instance win a fire; a fire that comes while another scheduled run of the
 * job still holds a live lease (a run longer than the interval, on any instance) is not claimed
 * at all, as node-cron's noOverlap does within one process. The job's runs whose lease has ended
 * are marked crashed in the same step, by the same clock, so a run is either live (blocks) or
 * recorded crashed, never neither. Always one row: `id` null when not
 * claimed, `busy_id` the run still going when that was the reason.
 */
export function claimScheduledJobRun(
  jobName: string,
  fireTime: Date,
  instanceId: string,
  leaseMs: number,
): Query {
  return {
    text: `WITH t AS (SELECT clock_timestamp() AS at),
           swept AS (
             UPDATE job_runs r
                SET status = 'crashed', finished_at = r.lease_expires_at,
                    error = coalesce(r.error, '${LEASE_EXPIRED}')
               FROM t
              WHERE r.job_name = $1 AND r.status = 'running' AND r.lease_expires_at < t.at
             RETURNING r.id),
           busy AS (
             SELECT id FROM job_runs, t
              WHERE job_name = $1 AND trigger = 'scheduled' AND status = 'running'
                AND fire_time <> $2 AND lease_expires_at >= t.at
              LIMIT 1),
           claimed AS (
             INSERT INTO job_runs (job_name, fire_time, trigger, instance_id, status, started_at, lease_expires_at)
             SELECT $1, $2, 'scheduled', $3, 'running', clock_timestamp(),
                    clock_timestamp() + $4::double precision * interval '1 millisecond'
              WHERE NOT EXISTS (SELECT 1 FROM busy)
             ON CONFLICT (job_name, fire_time) DO NOTHING
             RETURNING id, fire_time)
           SELECT c.id, c.fire_time, (SELECT id FROM busy) AS busy_id, (SELECT count(*) FROM swept) AS swept
             FROM (SELECT 1) one LEFT JOIN claimed c ON true`,
    values: [jobName, fireTime, instanceId, leaseMs],
  };
}

/** Extends a running job's lease (its heartbeat). */
export function extendJobRunLease(id: number, leaseMs: number): Query {
  return {
    text: `UPDATE job_runs SET lease_expires_at = clock_timestamp() + $2::double precision * interval '1 millisecond'
            WHERE id = $1 AND status = 'running'`,
    values: [id, leaseMs],
  };
}

export function finishJobRun(
  id: number,
  status: 'succeeded' | 'failed',
  summaryJson: string | null,
  error: string | null,
): Query {
  return {
    text: `UPDATE job_runs SET status = $2, summary = $3::jsonb, error = $4, finished_at = clock_timestamp()
            WHERE id = $1`,
    values: [id, status, summaryJson, error],
  };
}

/** Withdraws a claim whose run never started (the loop stopped): the fire was not run here. */
export function withdrawJobRun(id: number): Query {
  return { text: `DELETE FROM job_runs WHERE id = $1 AND status = 'running'`, values: [id] };
}

/** Marks runs whose instance stopped heartbeating as crashed. Returns their ids. */
export function markCrashedJobRuns(): Query {
  return {
    text: `UPDATE job_runs
              SET status = 'crashed', finished_at = lease_expires_at,
                  error = coalesce(error, '${LEASE_EXPIRED}')
            WHERE status = 'running' AND lease_expires_at < now()
            RETURNING id`,
    values: [],
  };
}

/** Newest runs first; a running row past its lease reads as crashed. */
export function selectJobRuns(limit: number, jobName: string | null): Query {
  return {
    text: `SELECT ${JOB_RUN_COLUMNS}
             FROM job_runs
            WHERE ($2::varchar IS NULL OR job_name = $2)
            ORDER BY started_at DESC, id DESC
            LIMIT $1`,
    values: [limit, jobName],
  };
}
