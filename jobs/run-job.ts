import { ValidationError } from '../src/errors.js';
import { requireTimestamp } from '../src/store/validate.js';
import type { ExecutionStore } from '../src/store/execution-store.js';
import { executeJob } from './execute.js';
import { requireInstanceId, requireLeaseMs } from './learning-loop.js';
import { requireJob, resolveJobs } from './registry.js';
import { resolveThresholds, type LearningThresholds } from './thresholds.js';
import type { JobDefinition, JobSummary, RecommendationEvent } from './types.js';

export interface RunJobOptions {
  /** Overrides of the judging thresholds. Default DEFAULT_THRESHOLDS. */
  thresholds?: Partial<LearningThresholds>;
  /** Name recorded in job_runs.instance_id. Default `<hostname>:<pid>:<random>`. */
  instanceId?: string;
  /** Called with every recommendation stored. Default none. */
  onRecommendation?: (event: RecommendationEvent) => void | Promise<void>;
  /** Called with errors that did not fail the run (a throwing hook). Default: ignored. */
  onError?: (error: Error) => void;
  /** Extra job definitions, so custom jobs can be run by name. Default none. */
  jobs?: readonly JobDefinition[];
  /** The instant the job judges "now" by (backtesting). Default the wall clock. */
  now?: Date;
  /** Lease before the run reads as crashed, in ms. Default 300000. */
  leaseMs?: number;
}

/**
 * Runs one job once, now, on this process (the CLI's `jobs run`, tests): recorded in job_runs as a
 * manual run. Resolves to the job's summary; rejects with its error after recording the failure.
 */
export async function runJob(
  store: ExecutionStore,
  jobName: string,
  options: RunJobOptions = {},
): Promise<JobSummary> {
  if (typeof store !== 'object' || store === null || typeof store.storeExecution !== 'function')
    throw new ValidationError('runJob needs an ExecutionStore', 'store');
  const job = requireJob(resolveJobs(options.jobs), jobName);
  if (options.now !== undefined) {
    if (!(options.now instanceof Date))
      throw new ValidationError('now must be a valid Date', 'now');
    requireTimestamp(options.now, 'now');
  }
  const onRecommendation = options.onRecommendation;
  return await executeJob({
    store,
    job,
    thresholds: resolveThresholds(options.thresholds),
    instanceId: requireInstanceId(options.instanceId),
    leaseMs: requireLeaseMs(options.leaseMs),
    trigger: 'manual',
    ...(options.now === undefined ? {} : { now: options.now }),
    hooks: {
      ...(onRecommendation === undefined ? {} : { recommendation: onRecommendation }),
      ...(options.onError === undefined ? {} : { error: options.onError }),
    },
  });
}
