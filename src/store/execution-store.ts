import type pg from 'pg';
import {
  configFromUrl,
  describeConfig,
  loadConfig,
  parseDatabaseUrl,
  type DatabaseConfig,
} from '../config.js';
import {
  ClosedError,
  NotFoundError,
  SchemaBehindError,
  ValidationError,
  mapDatabaseError,
} from '../errors.js';
import { newId } from '../ids.js';
import { createPool } from '../db/pool.js';
import { migrate as runMigrations, pendingMigrations } from '../db/migrate.js';
import {
  callUpdateToolStatistics,
  selectRecentExecutions,
  selectSuccessRate,
  selectToolPerformance,
  selectToolStatistics,
  selectTopTools,
} from '../sql/analytics.js';
import {
  insertExecution,
  insertFeedback,
  insertToolCreation,
  insertToolExecution,
} from '../sql/executions.js';
import type { Query } from '../sql/query.js';
import { selectRankedTools } from '../sql/ranking.js';
import {
  selectRecommendationStatus,
  selectRecommendations,
  updateRecommendationStatus,
} from '../sql/recommendations.js';
import { selectJobRuns } from '../sql/jobs.js';
import { callRecomputeToolStatistics } from '../sql/statistics.js';
import { Z_95 } from '../stats/wilson.js';
import {
  createJsonSanitizer,
  sanitizeJson,
  sanitizeText,
  DEFAULT_MAX_TEXT_BYTES,
  type JsonSanitizer,
  type JsonValue,
} from '../json/sanitize.js';
import type {
  JobRunRecord,
  RankToolsOptions,
  RankedTool,
  RecommendationRecord,
  RecommendationStatus,
  ExecutionRecord,
  StoreExecutionInput,
  StoreFeedbackInput,
  StoreOptions,
  StoreToolCreationInput,
  StoreToolExecutionInput,
  ToolPerformanceRecord,
  ToolRunRecord,
  ToolStatisticsRecord,
} from './types.js';
import {
  optionalBoolean,
  optionalDate,
  optionalDuration,
  optionalName,
  optionalUuid,
  describe,
  requireBoolean,
  requireCount,
  requireName,
  requireRating,
  requireString,
  requireUuid,
} from './validate.js';

function resolveConfig(options: StoreOptions): DatabaseConfig {
  const base =
    options.connectionString !== undefined ? configFromUrl(options.connectionString) : loadConfig();
  const merged: DatabaseConfig = { ...base, ...options.config };
  if (options.readUrl !== undefined) {
    parseDatabaseUrl(options.readUrl, 'readUrl');
    merged.readUrl = options.readUrl;
  }
  if (merged.poolMin > merged.poolMax)
    throw new ValidationError(
      `poolMin (${merged.poolMin}) must not exceed poolMax (${merged.poolMax})`,
      'poolMin',
    );
  return merged;
}

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

const RECOMMENDATION_STATUSES = new Set(['open', 'accepted', 'dismissed', 'expired']);

/** Maps a tool_lifecycle_recommendations row (internal; used by the lifecycle job). */
export function toRecommendation(row: Record<string, unknown>): RecommendationRecord {
  return {
    id: toNumber(row.id),
    toolName: row.tool_name as string,
    action: row.action as RecommendationRecord['action'],
    reason: row.reason as string,
    evidence: (row.evidence as JsonValue) ?? {},
    status: row.status as RecommendationStatus,
    jobRunId:
      row.job_run_id === null || row.job_run_id === undefined ? null : toNumber(row.job_run_id),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

function toJobRun(row: Record<string, unknown>): JobRunRecord {
  return {
    id: toNumber(row.id),
    jobName: row.job_name as string,
    fireTime: row.fire_time as Date,
    trigger: row.trigger as JobRunRecord['trigger'],
    instanceId: row.instance_id as string,
    status: row.status as JobRunRecord['status'],
    startedAt: row.started_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    leaseExpiresAt: row.lease_expires_at as Date,
    summary: (row.summary as JsonValue | null) ?? null,
    error: (row.error as string | null) ?? null,
  };
}

function requireId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new ValidationError(
      `${field} must be a positive whole number, got ${describe(value)}`,
      field,
    );
  return value;
}

function requireFinite(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new ValidationError(
      `${field} must be a number from ${min} to ${max}, got ${describe(value)}`,
      field,
    );
  return value;
}

function toStats(row: Record<string, unknown>): ToolStatisticsRecord {
  return {
    toolName: row.tool_name as string,
    totalExecutions: toNumber(row.total_executions),
    successfulExecutions: toNumber(row.successful_executions),
    failedExecutions: toNumber(row.failed_executions),
    successRate: (row.success_rate as number | null) ?? null,
    avgDurationMs: (row.avg_duration_ms as number | null) ?? null,
    firstUsed: (row.first_used as Date | null) ?? null,
    lastUsed: (row.last_used as Date | null) ?? null,
    metadata: (row.metadata as JsonValue) ?? {},
    updatedAt: row.updated_at as Date,
  };
}

/**
 * The execution history: writes goal executions, tool runs, feedback and tool-creation events to
 * PostgreSQL and answers analytics over them. Open with `ExecutionStore.open()`; close with
 * `close()` (or `await using`).
 */
export class ExecutionStore implements AsyncDisposable {
  /** Where the store writes (primary). Advanced use: bulk SQL of your own. */
  readonly pool: pg.Pool;
  /** Where analytics reads go: the replica when one is configured, else the primary. */
  readonly readPool: pg.Pool;
  readonly config: DatabaseConfig;
  /** The sanitizer (redaction, caps) every stored JSON value passes through. */
  readonly sanitizer: JsonSanitizer;
  readonly maxTextBytes: number;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(config: DatabaseConfig, options: StoreOptions) {
    this.config = config;
    this.sanitizer = createJsonSanitizer(options);
    this.maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
    const poolOptions =
      options.statementTimeoutMs === undefined
        ? {}
        : { statementTimeoutMs: options.statementTimeoutMs };
    this.pool = createPool(config, poolOptions);
    this.readPool =
      config.readUrl === undefined
        ? this.pool
        : createPool(
            { ...configFromUrl(config.readUrl), poolMin: config.poolMin, poolMax: config.poolMax },
            { ...poolOptions, applicationName: 'dendrite-history:read' },
          );
  }

  /** Connects, applies pending migrations (unless `{ migrate: false }`), and returns a ready store. */
  static async open(options: StoreOptions = {}): Promise<ExecutionStore> {
    const config = resolveConfig(options);
    if (options.migrate !== false) await runMigrations(config);
    const store = new ExecutionStore(config, options);
    try {
      const client = await store.pool.connect().catch((error: unknown) => {
        throw mapDatabaseError(error, `cannot connect to PostgreSQL at ${describeConfig(config)}`);
      });
      try {
        const pending = await pendingMigrations(client);
        if (pending.length > 0) throw new SchemaBehindError(pending);
      } finally {
        client.release();
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Where this store points, without the password. */
  describe(): string {
    return describeConfig(this.config);
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('ExecutionStore');
  }

  /** Runs one statement on the primary, mapping faults to this library's errors. */
  async run<R extends pg.QueryResultRow = Record<string, unknown>>(
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    return await this.execute<R>(this.pool, query, context);
  }

  /** Runs one read statement on the read pool (replica when configured). */
  async read<R extends pg.QueryResultRow = Record<string, unknown>>(
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    return await this.execute<R>(this.readPool, query, context);
  }

  private async execute<R extends pg.QueryResultRow>(
    pool: pg.Pool,
    query: Query,
    context: string,
  ): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await pool.query<R>(query.text, query.values);
    } catch (error) {
      throw mapDatabaseError(error, context);
    }
  }

  /** Sanitizes a value into JSON text for a jsonb column (redacted, capped). */
  toJsonText(value: unknown): string {
    return JSON.stringify(sanitizeJson(value, this.sanitizer));
  }

  private optionalText(value: unknown): string | null {
    return value === undefined || value === null ? null : sanitizeText(value, this.maxTextBytes);
  }

  /** Records one goal execution. Returns its id (the given one, or a new UUIDv7). */
  async storeExecution(input: StoreExecutionInput): Promise<string> {
    if (typeof input !== 'object' || input === null)
      throw new ValidationError('storeExecution needs an object');
    const executionId = optionalUuid(input.executionId, 'executionId') ?? newId();
    const row = {
      executionId,
      goalId: optionalName(input.goalId, 'goalId', 255),
      goalText: sanitizeText(requireString(input.goalText, 'goalText'), this.maxTextBytes),
      intent: optionalName(input.intent, 'intent', 50),
      success: optionalBoolean(input.success, 'success'),
      error: this.optionalText(input.error),
      durationMs: optionalDuration(input.durationMs, 'durationMs'),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
      metadata: this.toJsonText(input.metadata ?? {}),
    };
    await this.run(insertExecution(row), 'storeExecution');
    return executionId;
  }

  /** Records one tool run inside an execution. Returns the row id. Unknown execution → NotFoundError. */
  async storeToolExecution(input: StoreToolExecutionInput): Promise<number> {
    if (typeof input !== 'object' || input === null)
      throw new ValidationError('storeToolExecution needs an object');
    const row = {
      callId: optionalUuid(input.callId, 'callId') ?? newId(),
      executionId: requireUuid(input.executionId, 'executionId'),
      toolName: requireName(input.toolName, 'toolName', 255),
      parameters: input.parameters === undefined ? null : this.toJsonText(input.parameters),
      result: input.result === undefined ? null : this.toJsonText(input.result),
      success: requireBoolean(input.success, 'success'),
      error: this.optionalText(input.error),
      durationMs: optionalDuration(input.durationMs, 'durationMs'),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
    };
    const result = await this.run<{ id: number }>(
      insertToolExecution(row),
      `storeToolExecution(${row.executionId})`,
    );
    return toNumber(result.rows[0]?.id);
  }

  /** Records a user's rating (1-5) of an execution. Returns the row id. */
  async storeFeedback(input: StoreFeedbackInput): Promise<number> {
    if (typeof input !== 'object' || input === null)
      throw new ValidationError('storeFeedback needs an object');
    const rating = requireRating(input.rating);
    const executionId = requireUuid(input.executionId, 'executionId');
    const text = this.optionalText(input.feedbackText);
    const result = await this.run<{ id: number }>(
      insertFeedback(executionId, rating, text),
      `storeFeedback(${executionId})`,
    );
    return toNumber(result.rows[0]?.id);
  }

  /** Records a tool the AI generated, with its validation outcome. Returns the row id. */
  async storeToolCreation(input: StoreToolCreationInput): Promise<number> {
    if (typeof input !== 'object' || input === null)
      throw new ValidationError('storeToolCreation needs an object');
    const row = {
      toolName: requireName(input.toolName, 'toolName', 255),
      goalText: this.optionalText(input.goalText),
      generatedCode: sanitizeText(
        requireString(input.generatedCode, 'generatedCode'),
        Math.max(this.maxTextBytes, 1 << 20),
      ),
      validationPassed: requireBoolean(input.validationPassed, 'validationPassed'),
      validationErrors:
        input.validationErrors === undefined || input.validationErrors === null
          ? null
          : this.toJsonText(input.validationErrors),
      metadata: this.toJsonText(input.metadata ?? {}),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
    };
    const result = await this.run<{ id: number }>(insertToolCreation(row), 'storeToolCreation');
    return toNumber(result.rows[0]?.id);
  }

  /** Aggregates for one tool from tool_statistics (as of the last refresh), or null. */
  async getToolStatistics(toolName: string): Promise<ToolStatisticsRecord | null> {
    const name = requireName(toolName, 'toolName', 255);
    const result = await this.read(selectToolStatistics(name), 'getToolStatistics');
    const row = result.rows[0];
    return row === undefined ? null : toStats(row);
  }

  /** Tools ranked by success rate, then volume, among those with at least minExecutions runs. */
  async getTopTools(
    options: { limit?: number; minExecutions?: number } = {},
  ): Promise<ToolStatisticsRecord[]> {
    const limit = requireCount(options.limit ?? 20, 'limit', 1, 10_000);
    const min = requireCount(
      options.minExecutions ?? 3,
      'minExecutions',
      0,
      Number.MAX_SAFE_INTEGER,
    );
    const result = await this.read(selectTopTools(limit, min), 'getTopTools');
    return result.rows.map(toStats);
  }

  /** The newest executions, newest first, each with its tool runs. */
  async getRecentExecutions(options: { limit?: number } = {}): Promise<ExecutionRecord[]> {
    const limit = requireCount(options.limit ?? 50, 'limit', 1, 10_000);
    const result = await this.read(selectRecentExecutions(limit), 'getRecentExecutions');
    return result.rows.map((row) => ({
      executionId: row.execution_id as string,
      goalId: (row.goal_id as string | null) ?? null,
      goalText: row.goal_text as string,
      intent: (row.intent as string | null) ?? null,
      success: (row.success as boolean | null) ?? null,
      error: (row.error as string | null) ?? null,
      durationMs: (row.duration_ms as number | null) ?? null,
      createdAt: row.created_at as Date,
      metadata: row.metadata as JsonValue,
      toolRuns: (row.tool_runs as Array<Record<string, unknown>>).map((t): ToolRunRecord => ({
        id: toNumber(t.id),
        callId: t.callId as string,
        toolName: t.toolName as string,
        parameters: (t.parameters as JsonValue | null) ?? null,
        result: (t.result as JsonValue | null) ?? null,
        success: t.success as boolean,
        error: (t.error as string | null) ?? null,
        durationMs: (t.durationMs as number | null) ?? null,
        createdAt: new Date(t.createdAt as string),
      })),
    }));
  }

  /** Share of successful executions in [0,1] (optionally for one intent, since a time), or null if none. */
  async getSuccessRate(
    options: { intent?: string; since?: Date | string } = {},
  ): Promise<number | null> {
    const intent = optionalName(options.intent, 'intent', 50);
    const since = optionalDate(options.since, 'since');
    const result = await this.read<{ successes: number; rated: number }>(
      selectSuccessRate(intent, since),
      'getSuccessRate',
    );
    const row = result.rows[0];
    if (row === undefined || toNumber(row.rated) === 0) return null;
    return toNumber(row.successes) / toNumber(row.rated);
  }

  /** Real-time aggregates per tool from the tool_performance view. */
  async getToolPerformanceView(): Promise<ToolPerformanceRecord[]> {
    const result = await this.read(selectToolPerformance(), 'getToolPerformanceView');
    return result.rows.map((row) => ({
      toolName: row.tool_name as string,
      totalExecutions: toNumber(row.total_executions),
      successfulExecutions: toNumber(row.successful_executions),
      failedExecutions: toNumber(row.failed_executions),
      successRate: (row.success_rate as number | null) ?? null,
      avgDurationMs: (row.avg_duration_ms as number | null) ?? null,
      firstUsed: row.first_used as Date,
      lastUsed: row.last_used as Date,
    }));
  }

  /** Refreshes tool_statistics. Returns how many tools it touched. */
  async updateStatistics(): Promise<number> {
    const result = await this.run<{ touched: number }>(
      callUpdateToolStatistics(),
      'updateStatistics',
    );
    return toNumber(result.rows[0]?.touched ?? 0);
  }

  /**
   * Recomputes tool_statistics from all of tool_executions (repair or verification; the hourly job
   * uses the incremental `updateStatistics()`). Returns how many tools it wrote.
   */
  async recomputeStatistics(): Promise<number> {
    const result = await this.run<{ touched: number }>(
      callRecomputeToolStatistics(),
      'recomputeStatistics',
    );
    return toNumber(result.rows[0]?.touched ?? 0);
  }

  /**
   * Orders candidate tools (say, from a semantic search) by a smoothed success estimate: the Wilson
   * lower bound of their counts plus a Beta prior, then by average latency. Unknown tools are kept,
   * ranked by the prior alone. One query through tool_statistics' primary key.
   */
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
    const a = requireFinite(options.priorSuccesses ?? 1, 'priorSuccesses', 0, 1e6);
    const b = requireFinite(options.priorFailures ?? 1, 'priorFailures', 0, 1e6);
    const z = requireFinite(options.z ?? Z_95, 'z', 0, 10);
    if (names.length === 0) return [];
    const result = await this.read(selectRankedTools(names, limit, a, b, z), 'rankTools');
    return result.rows.map((row, i) => ({
      toolName: row.tool_name as string,
      score: toNumber(row.score),
      rank: i + 1,
      known: row.known as boolean,
      totalExecutions: toNumber(row.total),
      successfulExecutions: toNumber(row.successes),
      successRate: (row.success_rate as number | null) ?? null,
      avgDurationMs: (row.avg_duration_ms as number | null) ?? null,
      p95DurationMs: (row.p95_duration_ms as number | null) ?? null,
      lastUsed: (row.last_used as Date | null) ?? null,
    }));
  }

  /** Lifecycle recommendations, most recently updated first. */
  async listRecommendations(
    options: { status?: RecommendationStatus; toolName?: string; limit?: number } = {},
  ): Promise<RecommendationRecord[]> {
    const status = options.status ?? null;
    if (status !== null && !RECOMMENDATION_STATUSES.has(status))
      throw new ValidationError(
        `status must be open, accepted or dismissed, got ${describe(status)}`,
        'status',
      );
    const toolName = optionalName(options.toolName, 'toolName', 255);
    const limit = requireCount(options.limit ?? 100, 'limit', 1, 10_000);
    const result = await this.read(
      selectRecommendations(status, toolName, limit),
      'listRecommendations',
    );
    return result.rows.map(toRecommendation);
  }

  /** Marks an open recommendation accepted (you applied it). Unknown id → NotFoundError. */
  async acceptRecommendation(id: number): Promise<RecommendationRecord> {
    return await this.settleRecommendation(id, 'accepted');
  }

  /** Marks an open recommendation dismissed. Unknown id → NotFoundError. */
  async dismissRecommendation(id: number): Promise<RecommendationRecord> {
    return await this.settleRecommendation(id, 'dismissed');
  }

  private async settleRecommendation(
    id: number,
    status: 'accepted' | 'dismissed',
  ): Promise<RecommendationRecord> {
    const key = requireId(id, 'id');
    const result = await this.run(
      updateRecommendationStatus(key, status),
      `${status} recommendation ${key}`,
    );
    const row = result.rows[0];
    if (row !== undefined) return toRecommendation(row);
    const current = await this.run<{ status: string }>(
      selectRecommendationStatus(key),
      'recommendation',
    );
    const found = current.rows[0];
    if (found === undefined) throw new NotFoundError(`recommendation ${key} does not exist`);
    throw new ValidationError(
      `recommendation ${key} is already ${found.status}; only an open one can be ${status}`,
      'id',
    );
  }

  /** The learning loop's job history, newest first (what ran where, and how it ended). */
  async listJobRuns(options: { limit?: number; jobName?: string } = {}): Promise<JobRunRecord[]> {
    const limit = requireCount(options.limit ?? 50, 'limit', 1, 10_000);
    const jobName = optionalName(options.jobName, 'jobName', 100);
    const result = await this.read(selectJobRuns(limit, jobName), 'listJobRuns');
    return result.rows.map(toJobRun);
  }

  /** Closes the pools (idempotent). Waits at most timeoutMs for in-flight queries. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closing !== undefined) return await this.closing;
    this.closed = true;
    const timeoutMs = options.timeoutMs ?? 5_000;
    const end = async (): Promise<void> => {
      await this.pool.end().catch(() => undefined);
      if (this.readPool !== this.pool) await this.readPool.end().catch(() => undefined);
    };
    let timer: NodeJS.Timeout | undefined;
    this.closing = Promise.race([
      end(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
    return await this.closing;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Opens a store, runs fn with it, and always closes it. */
export async function withExecutionStore<T>(
  fn: (store: ExecutionStore) => Promise<T>,
  options: StoreOptions = {},
): Promise<T> {
  const store = await ExecutionStore.open(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
