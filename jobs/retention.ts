import { ValidationError } from '../src/errors.js';
import { pruneHistory, resolvePruneOptions, type PruneResult } from '../src/retention/prune.js';
import type { JobDefinition, JobSummary } from './types.js';

export interface RetentionJobOptions {
  /** Executions older than this many days go, with their tool runs and feedback. At least 1. Required to run. */
  retentionDays?: number;
  /** Executions that carry feedback are kept this many days (at least `retentionDays`). Default: `retentionDays`. */
  feedbackRetentionDays?: number;
  /** Executions deleted per statement. Default 1000. */
  batchSize?: number;
  /** Scheduled by default? Default false: history is kept forever unless asked. */
  enabled?: boolean;
  /** node-cron expression. Default `30 4 * * *` (daily, after the low-performer check). */
  schedule?: string;
}

function summarize(result: PruneResult): JobSummary {
  return {
    cutoff: result.cutoff.toISOString(),
    feedbackCutoff: result.feedbackCutoff.toISOString(),
    executions: result.executions,
    toolExecutions: result.toolExecutions,
    feedback: result.feedback,
    batches: result.batches,
  };
}

/**
 * The `retention` job: daily, off by default. Validates its days when created (so a bad setting
 * fails at startup, not at 4 a.m.). Statistics are unaffected: they keep counting pruned runs.
 */
export function createRetentionJob(options: RetentionJobOptions = {}): JobDefinition {
  const { retentionDays, feedbackRetentionDays, batchSize } = options;
  const check = (value: number | undefined, field: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new ValidationError(`${field} must be a whole number of days, at least 1`, field);
  };
  check(retentionDays, 'retentionDays');
  check(feedbackRetentionDays, 'feedbackRetentionDays');
  if (retentionDays === undefined && feedbackRetentionDays !== undefined)
    throw new ValidationError('feedbackRetentionDays needs retentionDays', 'retentionDays');
  if (
    retentionDays !== undefined &&
    feedbackRetentionDays !== undefined &&
    feedbackRetentionDays < retentionDays
  )
    throw new ValidationError(
      'feedbackRetentionDays must be at least retentionDays: rated executions are kept longer',
      'feedbackRetentionDays',
    );
  // The rest as pruneHistory will check it at 4 a.m. (days within the calendar PostgreSQL holds,
  // batchSize), so a setting that cannot run fails now, when it is made.
  resolvePruneOptions({
    olderThan: retentionDays ?? 1,
    ...(feedbackRetentionDays === undefined ? {} : { feedbackOlderThan: feedbackRetentionDays }),
    ...(batchSize === undefined ? {} : { batchSize }),
  });
  return {
    name: 'retention',
    schedule: options.schedule ?? '30 4 * * *',
    enabled: options.enabled ?? false,
    description:
      'delete executions older than retentionDays (rated ones after feedbackRetentionDays)',
    async run({ store }) {
      if (retentionDays === undefined)
        throw new ValidationError(
          'the retention job needs retentionDays: pass createRetentionJob({ retentionDays: 30 }) in the loop jobs',
          'retentionDays',
        );
      const result = await pruneHistory(store, {
        olderThan: retentionDays,
        ...(feedbackRetentionDays === undefined
          ? {}
          : { feedbackOlderThan: feedbackRetentionDays }),
        ...(batchSize === undefined ? {} : { batchSize }),
      });
      return summarize(result);
    },
  };
}

/** The built-in entry: off, and keeping everything until given retentionDays. */
export const retentionJob: JobDefinition = createRetentionJob();
