import type { Query } from './query.js';

const JOB_RUN_COLUMNS = `id, job_name, fire_time, trigger, instance_id,
       CASE WHEN status = 'running' AND lease_expires_at < now() THEN 'crashed' ELSE status END AS status,
       started_at, finished_at, lease_expires_at, summary, error`;

/**
 * Claims one fire of a job. The unique (job_name, fire_time) key lets exactly one instance win; the
 * others get no row back. A null fireTime (manual run) means "now", to the microsecond.
 */
export function claimJobRun(
  jobName: string,
  fireTime: Date | null,
  trigger: 'scheduled' | 'manual',
  instanceId: string,
  leaseMs: number,
): Query {
  return {
    text: `INSERT INTO job_runs (job_name, fire_time, trigger, instance_id, status, started_at, lease_expires_at)
           VALUES ($1, coalesce($2, clock_timestamp()), $3, $4, 'running', clock_timestamp(),
                   clock_timestamp() + $5::double precision * interval '1 millisecond')
           ON CONFLICT (job_name, fire_time) DO NOTHING
           RETURNING id, fire_time`,
    values: [jobName, fireTime, trigger, instanceId, leaseMs],
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

/** Marks runs whose instance stopped heartbeating as crashed. Returns their ids. */
export function markCrashedJobRuns(): Query {
  return {
    text: `UPDATE job_runs
              SET status = 'crashed', finished_at = lease_expires_at,
                  error = coalesce(error, 'the instance running this job stopped before it finished (lease expired)')
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
