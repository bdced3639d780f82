import { ValidationError } from '../src/errors.js';
import { dailyLowPerformers } from './daily-low-performers.js';
import { hourlyStatistics } from './hourly-statistics.js';
import { retentionJob } from './retention.js';
import type { JobDefinition } from './types.js';
import { weeklyToolLifecycle } from './weekly-tool-lifecycle.js';

/**
 * The jobs this library ships, in schedule order. A job that should exist but not run unless asked
 * (say, retention) is added here with `enabled: false`; users turn it on with `enabled: { name: true }`.
 */
export const builtInJobs: readonly JobDefinition[] = Object.freeze([
  hourlyStatistics,
  dailyLowPerformers,
  weeklyToolLifecycle,
  retentionJob,
]);

const JOB_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The built-in jobs with the caller's extra ones (same name = replaces the built-in). */
export function resolveJobs(extra: readonly JobDefinition[] = []): Map<string, JobDefinition> {
  if (!Array.isArray(extra))
    throw new ValidationError('jobs must be an array of job definitions', 'jobs');
  const jobs = new Map<string, JobDefinition>();
  for (const job of [...builtInJobs, ...extra]) {
    if (typeof job !== 'object' || job === null || typeof job.run !== 'function')
      throw new ValidationError(
        'each job needs a name, a schedule and a run(context) function',
        'jobs',
      );
    if (typeof job.name !== 'string' || !JOB_NAME.test(job.name))
      throw new ValidationError(
        `job name ${JSON.stringify(job.name)} must be lowercase letters, digits and dashes (at most 100)`,
        'jobs',
      );
    jobs.set(job.name, job);
  }
  return jobs;
}

export function requireJob(jobs: Map<string, JobDefinition>, name: unknown): JobDefinition {
  const job = typeof name === 'string' ? jobs.get(name) : undefined;
  if (job === undefined)
    throw new ValidationError(
      `unknown job ${JSON.stringify(name)}; known jobs: ${[...jobs.keys()].join(', ')}`,
      'jobName',
    );
  return job;
}
