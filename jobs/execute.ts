import { DendriteError, isRetryable, sqlStateOf } from '../src/errors.js';
import type { ExecutionStore } from '../src/store/execution-store.js';
import { jobRepositoryOf } from '../src/store/internal.js';
import type { LearningThresholds } from './thresholds.js';
import type { JobDefinition, JobRunInfo, JobSummary, RecommendationEvent } from './types.js';

/** Hooks through which a run reports; none of them may throw into the run. */
export interface RunHooks {
  started?(info: JobRunInfo): void;
  finished?(info: JobRunInfo & { summary: JobSummary; durationMs: number }): void;
  failed?(info: JobRunInfo & { error: Error; durationMs: number }): void;
  recommendation?(event: RecommendationEvent): void | Promise<void>;
  error?(error: Error): void;
}

export interface ExecuteOptions {
  store: ExecutionStore;
  job: JobDefinition;
  thresholds: LearningThresholds;
  instanceId: string;
  leaseMs: number;
  trigger: 'scheduled' | 'manual';
  /** A run already claimed by the coordinator; absent → claim a manual run now. */
  claimed?: { runId: number; fireTime: Date };
  now?: Date;
  hooks?: RunHooks;
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  try {
    return new Error(String(error));
  } catch {
    // Object.create(null) and friends have no string form.
    return new Error(Object.prototype.toString.call(error));
  }
}

/** One line for job_runs.error: name, code, message and SQLSTATE; never throws. */
function describeFailure(error: Error): string {
  try {
    const code = error instanceof DendriteError ? ` [${error.code}]` : '';
    const state = sqlStateOf((error as { cause?: unknown }).cause ?? error);
    return `${error.name}${code}: ${error.message}${state === undefined ? '' : ` (SQLSTATE ${state})`}`;
  } catch {
    return 'the job failed with an error that cannot be described';
  }
}

/** Records a manual run in job_runs. Two manual runs in one microsecond retry with a new time. */
export async function claimManualRun(
  store: ExecutionStore,
  jobName: string,
  instanceId: string,
  leaseMs: number,
): Promise<{ runId: number; fireTime: Date }> {
  const jobs = jobRepositoryOf(store);
  for (let attempt = 0; ; attempt++) {
    const claim = await jobs.claimManualRun(jobName, instanceId, leaseMs);
    if (claim !== undefined) return claim;
    if (attempt >= 5) throw new Error(`could not record a manual run of ${jobName}`);
  }
}

/**
 * Runs a job once inside its job_runs row: heartbeats the lease while it runs, then records
 * succeeded (with the summary) or failed (with the error). Resolves to the summary; rejects with
 * the job's error after recording it.
 */
export async function executeJob(options: ExecuteOptions): Promise<JobSummary> {
  const { store, job, hooks = {} } = options;
  const jobs = jobRepositoryOf(store);
  const claim =
    options.claimed ?? (await claimManualRun(store, job.name, options.instanceId, options.leaseMs));
  const info: JobRunInfo = {
    jobName: job.name,
    runId: claim.runId,
    fireTime: claim.fireTime,
    trigger: options.trigger,
    instanceId: options.instanceId,
  };
  const reportError = (error: unknown): void => {
    try {
      hooks.error?.(asError(error));
    } catch {
      // A throwing error listener must not take the run down with it.
    }
  };
  let leaseLost = false;
  const heartbeat = setInterval(
    () => {
      jobs
        .extendLease(claim.runId, options.leaseMs, `heartbeat ${job.name}`)
        .then((held) => {
          // Swept as crashed while still running (a pause or an outage longer than the lease):
          // said once, since another instance may now run the job's next fire beside this one.
          if (held || leaseLost) return;
          leaseLost = true;
          reportError(
            new Error(
              `${job.name} run ${claim.runId} lost its lease (recorded crashed while still running); it goes on and records its result`,
            ),
          );
        })
        .catch(reportError);
    },
    // Three beats per lease: with the shortest lease (1 s) a beat every second would let the
    // lease lapse between beats, and another instance sweep a live run as crashed.
    Math.floor(options.leaseMs / 3),
  );
  heartbeat.unref();
  const started = performance.now();
  hooks.started?.(info);
  let summary: JobSummary;
  try {
    summary = await job.run({
      store,
      thresholds: options.thresholds,
      runId: claim.runId,
      fireTime: claim.fireTime,
      trigger: options.trigger,
      instanceId: options.instanceId,
      now: options.now ?? new Date(),
      async recommend(event) {
        try {
          await hooks.recommendation?.(event);
        } catch (error) {
          reportError(error);
        }
      },
    });
  } catch (thrown) {
    clearInterval(heartbeat);
    const error = asError(thrown);
    const durationMs = performance.now() - started;
    await jobs
      .finishRun(claim.runId, 'failed', null, describeFailure(error), `record ${job.name} failure`)
      .catch(reportError);
    hooks.failed?.({ ...info, error, durationMs });
    throw error;
  }
  clearInterval(heartbeat);
  const durationMs = performance.now() - started;
  try {
    await recordSuccess(jobs, claim.runId, job.name, summary);
  } catch (thrown) {
    // The job did its work but the row could not say so: never leave it `running` (it would read
    // as crashed, and nothing would tell why). Recorded failed with the reason, and reported.
    const error = asError(thrown);
    reportError(error);
    await jobs
      .finishRun(
        claim.runId,
        'failed',
        null,
        `the job finished but its result could not be recorded: ${describeFailure(error)}`,
        `record ${job.name} failure`,
      )
      .catch(reportError);
    hooks.failed?.({ ...info, error, durationMs });
    throw error;
  }
  hooks.finished?.({ ...info, summary, durationMs });
  return summary;
}

/** Records a success; a fault the database may not repeat (a reset, a failover) is tried again once. */
async function recordSuccess(
  jobs: ReturnType<typeof jobRepositoryOf>,
  runId: number,
  jobName: string,
  summary: JobSummary,
): Promise<void> {
  try {
    await jobs.finishRun(runId, 'succeeded', summary, null, `record ${jobName} result`);
  } catch (error) {
    if (!isRetryable(error)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await jobs.finishRun(runId, 'succeeded', summary, null, `record ${jobName} result`);
  }
}
