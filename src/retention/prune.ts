import { ValidationError } from '../errors.js';
import type { ExecutionStore } from '../store/execution-store.js';
import { jobRepositoryOf } from '../store/internal.js';
import { retentionCutoff, type RetentionPeriod } from './period.js';

export interface PruneOptions {
  /** Executions older than this go, with their tool runs and feedback. At least 1 day. Required. */
  olderThan: RetentionPeriod;
  /**
   * Executions that carry user feedback are kept until they are older than this (at least as long
   * as `olderThan`). Default: the same as `olderThan`.
   */
  feedbackOlderThan?: RetentionPeriod;
  /** Only count what would go; write nothing. Default false. */
  dryRun?: boolean;
  /** Executions deleted per statement: bounds how long any row lock is held. Default 1000. */
  batchSize?: number;
  /** Called after the plan (done 0) and after every batch. Errors it throws are ignored. */
  onProgress?: (progress: PruneProgress) => void;
  /** Stops between batches when aborted; the result then says what went so far. Default none. */
  signal?: AbortSignal;
}

export interface PruneProgress {
  /** Executions deleted so far. */
  done: number;
  /** Executions the plan counted at the start. */
  total: number;
  batches: number;
}

export interface PruneCounts {
  executions: number;
  toolExecutions: number;
  feedback: number;
}

export interface PruneResult extends PruneCounts {
  /** True when nothing was deleted because `dryRun` was set. */
  dryRun: boolean;
  /** Unrated executions created before this went (or would go). */
  cutoff: Date;
  /** Rated executions created before this went (or would go). */
  feedbackCutoff: Date;
  /** What the plan counted before deleting (equals the counts above on a dry run). */
  planned: PruneCounts & { oldest: Date | null; newest: Date | null };
  /** Delete statements run. */
  batches: number;
  /** True when `signal` stopped the run before everything planned went. */
  aborted: boolean;
}

const DEFAULT_BATCH_SIZE = 1000;

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Validates prune options once; throws ValidationError before anything touches the database. */
export function resolvePruneOptions(options: PruneOptions): {
  cutoff: Date;
  feedbackCutoff: Date;
  batchSize: number;
  dryRun: boolean;
} {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('pruneHistory needs options with olderThan');
  if (options.olderThan === undefined)
    throw new ValidationError('olderThan is required (e.g. "30d")', 'olderThan');
  const now = new Date();
  const cutoff = retentionCutoff(options.olderThan, 'olderThan', now);
  const feedbackCutoff =
    options.feedbackOlderThan === undefined
      ? cutoff
      : retentionCutoff(options.feedbackOlderThan, 'feedbackOlderThan', now);
  if (feedbackCutoff.getTime() > cutoff.getTime())
    throw new ValidationError(
      'feedbackOlderThan must keep rated executions at least as long as olderThan keeps the rest',
      'feedbackOlderThan',
    );
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
    throw new ValidationError(
      `batchSize must be a whole number from 1 to 100000, got ${batchSize}`,
      'batchSize',
    );
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean')
    throw new ValidationError('dryRun must be true or false', 'dryRun');
  return { cutoff, feedbackCutoff, batchSize, dryRun: options.dryRun ?? false };
}

/**
 * Removes old history from the primary: executions older than `olderThan` (rated ones only once
 * older than `feedbackOlderThan`), with their tool runs and feedback, in short batches so writers
 * are never locked out. Statistics are untouched: they keep counting what was deleted.
 */
export async function pruneHistory(
  store: ExecutionStore,
  options: PruneOptions,
): Promise<PruneResult> {
  const { cutoff, feedbackCutoff, batchSize, dryRun } = resolvePruneOptions(options);
  const report = (progress: PruneProgress): void => {
    try {
      options.onProgress?.(progress);
    } catch {
      // A failing progress callback must not stop or corrupt the prune.
    }
  };
  const jobs = jobRepositoryOf(store);
  const planRow = await jobs.countPrunable(cutoff, feedbackCutoff);
  const planned = {
    executions: toNumber(planRow?.executions ?? 0),
    toolExecutions: toNumber(planRow?.tool_executions ?? 0),
    feedback: toNumber(planRow?.feedback ?? 0),
    oldest: (planRow?.oldest as Date | null | undefined) ?? null,
    newest: (planRow?.newest as Date | null | undefined) ?? null,
  };
  const result: PruneResult = {
    dryRun,
    cutoff,
    feedbackCutoff,
    planned,
    executions: 0,
    toolExecutions: 0,
    feedback: 0,
    batches: 0,
    aborted: false,
  };
  report({ done: 0, total: planned.executions, batches: 0 });
  if (dryRun) {
    return {
      ...result,
      executions: planned.executions,
      toolExecutions: planned.toolExecutions,
      feedback: planned.feedback,
    };
  }
  if (planned.executions === 0) return result;
  for (;;) {
    if (options.signal?.aborted === true) {
      result.aborted = true;
      break;
    }
    const row = await jobs.deletePrunableBatch(cutoff, feedbackCutoff, batchSize);
    const executions = toNumber(row?.executions ?? 0);
    result.batches += 1;
    result.executions += executions;
    result.toolExecutions += toNumber(row?.tool_executions ?? 0);
    result.feedback += toNumber(row?.feedback ?? 0);
    report({
      done: result.executions,
      total: Math.max(planned.executions, result.executions),
      batches: result.batches,
    });
    // The plan met ends the run (rows that aged past the cutoff since go next time). Short of it,
    // rows were skipped while a writer held them: go round again until a batch finds nothing.
    if (executions === 0 || result.executions >= planned.executions) break;
  }
  return result;
}
