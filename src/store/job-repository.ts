import {
  claimManualJobRun,
  claimScheduledJobRun,
  extendJobRunLease,
  finishJobRun,
  lockJobClaims,
  markCrashedJobRuns,
  withdrawJobRun,
} from '../sql/jobs.js';
import {
  expireRecommendations,
  selectGeneratedToolStats,
  selectIdleTools,
  selectLifecycleWindows,
  selectRegistryStates,
  upsertRecommendation,
} from '../sql/recommendations.js';
import { countPrunable, deletePrunableBatch } from '../sql/retention.js';
import {
  callUpdateToolStatisticsWindow,
  selectPendingDeltas,
  selectToolWindowCounts,
} from '../sql/statistics.js';
import { sanitizeJson, sanitizeText, type JsonSanitizer } from '../json/sanitize.js';
import { windowStart } from '../retention/period.js';
import type { Row, StoreDatabase } from './database.js';
import { TIMESTAMP_MIN_MS } from './validate.js';
import { toNumber, toRecommendation } from './mappers.js';
import type { RecommendationRecord } from './types.js';

const DAY_MS = 86_400_000;

export interface JobClaim {
  runId: number;
  fireTime: Date;
}

/**
 * The learning loop's way into the database (internal: not exported from the package). Jobs,
 * the run coordinator and retention ask for what they need by name; the SQL stays in src/sql and
 * result rows are handed back as the driver returns them where the job does the interpreting.
 */
export class JobRepository {
  constructor(
    private readonly db: StoreDatabase,
    private readonly sanitizer: JsonSanitizer,
    private readonly maxTextBytes: number,
  ) {}

  // --- job_runs -------------------------------------------------------------------------------

  /** Inserts a manual run's row ("now"); undefined in the rare case of a microsecond clash. */
  async claimManualRun(
    jobName: string,
    instanceId: string,
    leaseMs: number,
  ): Promise<JobClaim | undefined> {
    const result = await this.db.run<{ id: number; fire_time: Date }>(
      claimManualJobRun(jobName, instanceId, leaseMs),
      `claim ${jobName}`,
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { runId: toNumber(row.id), fireTime: row.fire_time };
  }

  /**
   * Inserts the (job, fire time) row of a scheduled fire. `overlap` when another scheduled run of
   * the job is still going (live lease), `taken` when another instance got the fire first.
   */
  async claimScheduledRun(
    jobName: string,
    fireTime: Date,
    instanceId: string,
    leaseMs: number,
  ): Promise<JobClaim | 'overlap' | 'taken'> {
    return await this.db.transaction(`claim ${jobName}`, async (run) => {
      await run(lockJobClaims(jobName));
      const result = await run<{ id: number | null; fire_time: Date; busy_id: unknown }>(
        claimScheduledJobRun(jobName, fireTime, instanceId, leaseMs),
      );
      const row = result.rows[0];
      if (row !== undefined && row.id !== null)
        return { runId: toNumber(row.id), fireTime: row.fire_time };
      return row?.busy_id !== null && row?.busy_id !== undefined ? 'overlap' : 'taken';
    });
  }

  /** Extends a running run's lease; false when the row is no longer running (swept as crashed). */
  async extendLease(runId: number, leaseMs: number, context: string): Promise<boolean> {
    return ((await this.db.run(extendJobRunLease(runId, leaseMs), context)).rowCount ?? 0) > 0;
  }

  /**
   * Records how a run ended. The summary and error go through the store's sanitizer like any
   * payload (redacted, capped, made storable: a BigInt, a NUL or a cycle cannot leave the row
   * `running`), since custom jobs return whatever they like.
   */
  async finishRun(
    runId: number,
    status: 'succeeded' | 'failed',
    summary: unknown,
    error: string | null,
    context: string,
  ): Promise<void> {
    const summaryJson =
      summary === null || summary === undefined ? null : this.summaryJson(summary);
    const errorText =
      error === null ? null : sanitizeText(error, this.maxTextBytes, this.sanitizer);
    await this.db.run(finishJobRun(runId, status, summaryJson, errorText), context);
  }

  private summaryJson(summary: unknown): string {
    try {
      return JSON.stringify(sanitizeJson(summary, this.sanitizer));
    } catch (error) {
      // The run still finishes: what could not be stored is said in its place.
      const reason = sanitizeText(error instanceof Error ? error.message : 'unreadable', 200);
      return JSON.stringify({ _unserializable: reason });
    }
  }

  /** Removes the row of a claim whose run never started. */
  async withdrawRun(runId: number): Promise<void> {
    await this.db.run(withdrawJobRun(runId), 'job_runs');
  }

  /** Marks runs left `running` by an instance that stopped heartbeating as crashed. */
  async markCrashed(): Promise<void> {
    await this.db.run(markCrashedJobRuns(), 'job_runs crash sweep');
  }

  // --- statistics -----------------------------------------------------------------------------

  /** Folds pending deltas into tool_statistics. Returns [tools touched, deltas folded]. */
  async refreshStatistics(durationWindowHours: number, context: string): Promise<[number, number]> {
    // A window longer than the database's calendar is all of it: the server subtracts it from
    // now(), which must stay a timestamp it holds (a day of slack for its clock against ours).
    const allHours = (Date.now() - TIMESTAMP_MIN_MS) / 3_600_000 - 24;
    const hours = Math.min(durationWindowHours, allHours);
    const pending = await this.db.run(selectPendingDeltas(), context);
    const result = await this.db.run(callUpdateToolStatisticsWindow(hours), context);
    return [toNumber(result.rows[0]?.touched ?? 0), toNumber(pending.rows[0]?.pending ?? 0)];
  }

  /** Per-tool run and success counts in [since, until). */
  async toolWindowCounts(since: Date, until: Date, context: string): Promise<Row[]> {
    return (await this.db.run(selectToolWindowCounts(since, until), context)).rows;
  }

  // --- lifecycle ------------------------------------------------------------------------------

  async idleTools(cutoff: Date, context: string): Promise<Row[]> {
    return (await this.db.run(selectIdleTools(cutoff), context)).rows;
  }

  /** Per-tool counts in the recent window and in the last two weeks of `weekDays` days before now. */
  async lifecycleWindows(
    now: Date,
    recentDays: number,
    weekDays: number,
    context: string,
  ): Promise<Row[]> {
    const query = selectLifecycleWindows(
      now,
      windowStart(now, recentDays * DAY_MS),
      windowStart(now, weekDays * DAY_MS),
      windowStart(now, 2 * weekDays * DAY_MS),
    );
    return (await this.db.run(query, context)).rows;
  }

  /** The registry's status and promoted mark of these tools (unregistered ones are absent). */
  async registryStates(toolNames: readonly string[], context: string): Promise<Row[]> {
    if (toolNames.length === 0) return [];
    return (await this.db.run(selectRegistryStates(toolNames), context)).rows;
  }

  async generatedToolStats(context: string): Promise<Row[]> {
    return (await this.db.run(selectGeneratedToolStats(), context)).rows;
  }

  /**
   * Opens or refreshes a recommendation. Undefined when the user settled the same (tool, action)
   * within `quietDays` (not reopened).
   */
  async upsertRecommendation(
    rec: { toolName: string; action: string; reason: string; evidenceJson: string },
    runId: number | null,
    quietDays: number,
    context: string,
  ): Promise<{ recommendation: RecommendationRecord; isNew: boolean } | undefined> {
    const result = await this.db.run(
      upsertRecommendation(
        rec.toolName,
        rec.action,
        rec.reason,
        rec.evidenceJson,
        runId,
        // The server subtracts it from now(): past its calendar's first day it means "ever".
        Math.min(quietDays, (Date.now() - TIMESTAMP_MIN_MS) / DAY_MS - 1),
      ),
      context,
    );
    const row = result.rows[0];
    if (row === undefined) return undefined;
    return { recommendation: toRecommendation(row), isNew: row.inserted === true };
  }

  /** Closes the open recommendations not found again. Returns how many it closed. */
  async expireRecommendations(
    found: readonly { toolName: string; action: string }[],
    runId: number | null,
    context: string,
  ): Promise<number> {
    const result = await this.db.run(
      expireRecommendations(
        found.map((r) => r.toolName),
        found.map((r) => r.action),
        runId,
      ),
      context,
    );
    return result.rows.length;
  }

  // --- retention ------------------------------------------------------------------------------

  async countPrunable(cutoff: Date, feedbackCutoff: Date): Promise<Row | undefined> {
    return (await this.db.run(countPrunable(cutoff, feedbackCutoff), 'pruneHistory(plan)')).rows[0];
  }

  async deletePrunableBatch(
    cutoff: Date,
    feedbackCutoff: Date,
    batchSize: number,
  ): Promise<Row | undefined> {
    return (
      await this.db.run(deletePrunableBatch(cutoff, feedbackCutoff, batchSize), 'pruneHistory')
    ).rows[0];
  }
}
