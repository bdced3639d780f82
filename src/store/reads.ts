import { ValidationError } from '../errors.js';
import {
  callUpdateToolStatistics,
  selectRecentExecutions,
  selectSuccessRate,
  selectToolPerformance,
  selectToolStatistics,
  selectTopTools,
} from '../sql/analytics.js';
import { selectRankedTools } from '../sql/ranking.js';
import { callRecomputeToolStatistics } from '../sql/statistics.js';
import { selectLatencyWindow } from '../sql/latency.js';
import { DEFAULT_PRIOR, Z_95 } from '../stats/wilson.js';
import type { StoreDatabase } from './database.js';
import { toExecution, toNumber, toPerformance, toRankedTool, toStatistics } from './mappers.js';
import type {
  ExecutionRecord,
  LatencyWindowOptions,
  LatencyWindowRecord,
  RankToolsOptions,
  RankedTool,
  ToolPerformanceRecord,
  ToolStatisticsRecord,
} from './types.js';
import { numberIn } from '../checks.js';
import { describe, optionalDate, optionalName, requireCount, requireName } from './validate.js';

/** The store's analytics: statistics (read and refresh), recent history, rates and rankings. */
export class StoreReads {
  constructor(private readonly db: StoreDatabase) {}

  async toolStatistics(toolName: string): Promise<ToolStatisticsRecord | null> {
    const name = requireName(toolName, 'toolName', 255);
    const rows = await this.db.rows(selectToolStatistics(name), 'getToolStatistics');
    return rows[0] === undefined ? null : toStatistics(rows[0]);
  }

  async topTools(
    options: { limit?: number; minExecutions?: number } = {},
  ): Promise<ToolStatisticsRecord[]> {
    const limit = requireCount(options.limit ?? 20, 'limit', 1, 10_000);
    const min = requireCount(
      options.minExecutions ?? 3,
      'minExecutions',
      0,
      Number.MAX_SAFE_INTEGER,
    );
    return (await this.db.rows(selectTopTools(limit, min), 'getTopTools')).map(toStatistics);
  }

  async recentExecutions(options: { limit?: number } = {}): Promise<ExecutionRecord[]> {
    const limit = requireCount(options.limit ?? 50, 'limit', 1, 10_000);
    const rows = await this.db.rows(selectRecentExecutions(limit), 'getRecentExecutions');
    return rows.map(toExecution);
  }

  async successRate(
    options: { intent?: string; since?: Date | string } = {},
  ): Promise<number | null> {
    const intent = optionalName(options.intent, 'intent', 50);
    const since = optionalDate(options.since, 'since');
    const row = (await this.db.rows(selectSuccessRate(intent, since), 'getSuccessRate'))[0];
    if (row === undefined || toNumber(row.rated) === 0) return null;
    return toNumber(row.successes) / toNumber(row.rated);
  }

  async toolPerformance(): Promise<ToolPerformanceRecord[]> {
    const rows = await this.db.rows(selectToolPerformance(), 'getToolPerformanceView');
    return rows.map(toPerformance);
  }

  async latencyPercentiles(options: LatencyWindowOptions = {}): Promise<LatencyWindowRecord[]> {
    const hours = numberIn(options.hours ?? 24, 'hours', 1 / 60, 24 * 365 * 100);
    const since = optionalDate(options.since, 'since') ?? new Date(Date.now() - hours * 3_600_000);
    const until = optionalDate(options.until, 'until');
    let tools: string[] | null = null;
    if (options.tools !== undefined) {
      if (!Array.isArray(options.tools))
        throw new ValidationError(
          `tools must be an array of tool names, got ${describe(options.tools)}`,
          'tools',
        );
      tools = options.tools.map((t, i) => requireName(t, `tools[${i}]`, 255));
    }
    const rows = await this.db.rows(
      selectLatencyWindow(since, until, tools),
      'getLatencyPercentiles',
    );
    return rows.map((r) => ({
      toolName: String(r.tool_name),
      runs: toNumber(r.runs),
      timedRuns: toNumber(r.timed_runs),
      p50Ms: r.p50_ms === null ? null : Number(r.p50_ms),
      p95Ms: r.p95_ms === null ? null : Number(r.p95_ms),
    }));
  }

  async updateStatistics(): Promise<number> {
    const result = await this.db.run(callUpdateToolStatistics(), 'updateStatistics');
    return toNumber(result.rows[0]?.touched ?? 0);
  }

  async recomputeStatistics(): Promise<number> {
    const result = await this.db.run(callRecomputeToolStatistics(), 'recomputeStatistics');
    return toNumber(result.rows[0]?.touched ?? 0);
  }

  async rankTools(
    candidates: readonly string[],
    options: RankToolsOptions = {},
  ): Promise<RankedTool[]> {
    if (!Array.isArray(candidates))
      throw new ValidationError(
        `candidates must be an array of tool names, got ${describe(candidates)}`,
        'candidates',
      );
    if (candidates.length > 10_000)
      throw new ValidationError(
        `candidates must hold at most 10000 names, got ${candidates.length}`,
        'candidates',
      );
    const names = candidates.map((c, i) => requireName(c, `candidates[${i}]`, 255));
    const limit = requireCount(options.limit ?? 5, 'limit', 1, 10_000);
    const a = numberIn(options.priorSuccesses ?? DEFAULT_PRIOR.successes, 'priorSuccesses', 0, 1e6);
    const b = numberIn(options.priorFailures ?? DEFAULT_PRIOR.failures, 'priorFailures', 0, 1e6);
    const z = numberIn(options.z ?? Z_95, 'z', 0, 10);
    if (names.length === 0) return [];
    const rows = await this.db.rows(selectRankedTools(names, limit, a, b, z), 'rankTools');
    return rows.map(toRankedTool);
  }
}
