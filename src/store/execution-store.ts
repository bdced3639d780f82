import { inspect } from 'node:util';
import {
  configFromUrl,
  describeConfig,
  loadConfig,
  parseDatabaseUrl,
  type DatabaseConfig,
} from '../config.js';
import { SchemaBehindError, ValidationError, mapDatabaseError } from '../errors.js';
import { migrateOnClient, pendingMigrations } from '../db/migrate.js';
import { openOnEmbedded } from '../db/embedded-store.js';
import type { EmbeddedServer } from '../db/embedded.js';
import {
  createJsonSanitizer,
  DEFAULT_MAX_TEXT_BYTES,
  type JsonSanitizer,
} from '../json/sanitize.js';
import { storePorts, type StorePorts } from '../schema/ports.js';
import { configView } from './config-view.js';
import { StoreDatabase } from './database.js';
import { PoolHistorySink } from './history-sink.js';
import { storeInternals, type StoreInternals } from './internal.js';
import { JobRepository } from './job-repository.js';
import { LoopRecords } from './loop-records.js';
import { StoreReads } from './reads.js';
import { ToolRegistry } from './registry.js';
import { createReportReads } from './report-reads.js';
import type {
  ExecutionRecord,
  JobRunRecord,
  LatencyWindowOptions,
  LatencyWindowRecord,
  RankToolsOptions,
  RankedTool,
  RecommendationRecord,
  RecommendationStatus,
  StoreExecutionInput,
  StoreFeedbackInput,
  StoreOptions,
  StoreToolCreationInput,
  StoreToolExecutionInput,
  ToolPerformanceRecord,
  ToolStatisticsRecord,
} from './types.js';
import { StoreWrites } from './writes.js';
import { checkStoreOptions } from './store-options.js';
import { numberIn } from '../checks.js';
import { readOptions } from './validate.js';
import { discoverTools } from '../discovery/pipeline.js';
import type {
  DiscoverToolsOptions,
  DiscoveryResult,
  RegisterToolInput,
  RegisterToolsOptions,
  RegisterToolsResult,
  SetToolStatusOptions,
  ToolRecord,
  ToolStatus,
  ToolStatusChangeRecord,
} from '../discovery/types.js';

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

/**
 * The execution history: writes goal executions, tool runs, feedback and tool-creation events to
 * PostgreSQL and answers analytics over them. Open with `ExecutionStore.open()`; close with
 * `close()` (or `await using`). The work is done by small modules (writes, reads, loop records);
 * this class is the one thing users open.
 */
export class ExecutionStore implements AsyncDisposable {
  /**
   * Where this store connects. The password and a replica URL are readable but never shown:
   * `JSON.stringify` and `util.inspect` print them masked.
   */
  readonly config: DatabaseConfig;
  /** The sanitizer (redaction, caps) every stored JSON value passes through. */
  readonly sanitizer: JsonSanitizer;
  readonly maxTextBytes: number;
  readonly #db: StoreDatabase;
  readonly #writes: StoreWrites;
  readonly #reads: StoreReads;
  readonly #loop: LoopRecords;
  readonly #registry: ToolRegistry;
  readonly #internals: StoreInternals;
  readonly #ports: StorePorts;
  /** The embedded PostgreSQL this store started (`embedded` option), stopped by close(). */
  #server: EmbeddedServer | undefined;

  private constructor(config: DatabaseConfig, options: StoreOptions) {
    this.config = configView(config);
    this.sanitizer = createJsonSanitizer(options);
    this.maxTextBytes = options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
    this.#db = new StoreDatabase(
      config,
      options.statementTimeoutMs === undefined
        ? {}
        : { statementTimeoutMs: options.statementTimeoutMs },
    );
    this.#writes = new StoreWrites(this.#db, this.sanitizer, this.maxTextBytes);
    this.#reads = new StoreReads(this.#db);
    this.#loop = new LoopRecords(this.#db);
    this.#registry = new ToolRegistry(this.#db, this.sanitizer);
    this.#internals = {
      jobs: new JobRepository(this.#db, this.sanitizer, this.maxTextBytes),
      pool: this.#db.pool,
      readPool: this.#db.readPool,
    };
    this.#ports = {
      sink: new PoolHistorySink(this.#db.pool, () => this.#db.isClosed),
      reports: createReportReads(this.#db),
    };
  }

  /**
   * Connects, applies pending migrations (unless `{ migrate: false }`), and returns a ready store.
   * Opening costs one pool: migrations run on one of its connections.
   */
  static async open(options: StoreOptions = {}): Promise<ExecutionStore> {
    checkStoreOptions(options);
    const { value: store, server } = await openOnEmbedded(options.embedded, (url) =>
      ExecutionStore.#connect(url === undefined ? options : { ...options, connectionString: url }),
    );
    store.#server = server;
    return store;
  }

  static async #connect(options: StoreOptions): Promise<ExecutionStore> {
    const config = resolveConfig(options);
    const store = new ExecutionStore(config, options);
    try {
      const client = await store.#db.pool.connect().catch((error: unknown) => {
        throw mapDatabaseError(error, `cannot connect to PostgreSQL at ${describeConfig(config)}`);
      });
      try {
        if (options.migrate !== false) await migrateOnClient(client, config);
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

  /** What `util.inspect` shows: where it points and whether it is open, never credentials. */
  [inspect.custom](): string {
    return `ExecutionStore { ${this.describe()}${this.isClosed ? ', closed' : ''} }`;
  }

  /** What `JSON.stringify` writes: the masked config and the state. */
  toJSON(): { config: DatabaseConfig; closed: boolean } {
    return { config: this.config, closed: this.isClosed };
  }

  /** Where this store points, without the password. */
  describe(): string {
    return describeConfig(this.config);
  }

  /** Records one goal execution. Returns its id (the given one, or a new UUIDv7). */
  async storeExecution(input: StoreExecutionInput): Promise<string> {
    return await this.#writes.execution(input);
  }

  /** Records one tool run inside an execution. Returns the row id. Unknown execution → NotFoundError. */
  async storeToolExecution(input: StoreToolExecutionInput): Promise<number> {
    return await this.#writes.toolExecution(input);
  }

  /** Records a user's rating (1-5) of an execution. Returns the row id. */
  async storeFeedback(input: StoreFeedbackInput): Promise<number> {
    return await this.#writes.feedback(input);
  }

  /** Records a tool the AI generated, with its validation outcome. Returns the row id. */
  async storeToolCreation(input: StoreToolCreationInput): Promise<number> {
    return await this.#writes.toolCreation(input);
  }

  /** Aggregates for one tool from tool_statistics (as of the last refresh), or null. */
  async getToolStatistics(toolName: string): Promise<ToolStatisticsRecord | null> {
    return await this.#reads.toolStatistics(toolName);
  }

  /** Tools ranked by success rate, then volume, among those with at least minExecutions runs. */
  async getTopTools(
    options: { limit?: number; minExecutions?: number } = {},
  ): Promise<ToolStatisticsRecord[]> {
    return await this.#reads.topTools(readOptions(options, 'getTopTools'));
  }

  /** The newest executions, newest first, each with its tool runs. */
  async getRecentExecutions(options: { limit?: number } = {}): Promise<ExecutionRecord[]> {
    return await this.#reads.recentExecutions(readOptions(options, 'getRecentExecutions'));
  }

  /** Share of successful executions in [0,1] (optionally for one intent, since a time), or null if none. */
  async getSuccessRate(
    options: { intent?: string; since?: Date | string } = {},
  ): Promise<number | null> {
    return await this.#reads.successRate(readOptions(options, 'getSuccessRate'));
  }

  /** Real-time aggregates per tool from the tool_performance view. */
  async getToolPerformanceView(): Promise<ToolPerformanceRecord[]> {
    return await this.#reads.toolPerformance();
  }

  /**
   * p50/p95 duration per tool over any window (default: the last 24 hours), merged from hourly
   * latency sketches: each estimate within 1% of PostgreSQL's percentile_cont over the same runs,
   * at a cost of hours × buckets whatever the history's size. Windows are whole UTC hours.
   */
  async getLatencyPercentiles(options: LatencyWindowOptions = {}): Promise<LatencyWindowRecord[]> {
    return await this.#reads.latencyPercentiles(readOptions(options, 'getLatencyPercentiles'));
  }

  /** Refreshes tool_statistics. Returns how many tools it touched. */
  async updateStatistics(): Promise<number> {
    return await this.#reads.updateStatistics();
  }

  /**
   * Recomputes tool_statistics from all of tool_executions (repair or verification; the hourly job
   * uses the incremental `updateStatistics()`). Returns how many tools it wrote.
   */
  async recomputeStatistics(): Promise<number> {
    return await this.#reads.recomputeStatistics();
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
    return await this.#reads.rankTools(candidates, readOptions(options, 'rankTools'));
  }

  /** Lifecycle recommendations, most recently updated first. */
  async listRecommendations(
    options: { status?: RecommendationStatus; toolName?: string; limit?: number } = {},
  ): Promise<RecommendationRecord[]> {
    return await this.#loop.recommendations(readOptions(options, 'listRecommendations'));
  }

  /**
   * Marks an open recommendation accepted and applies it to the tool registry in one transaction
   * (archive → archived, deprecate → deprecated, promote → active + promoted; watch: no change).
   * `by` (default 'user') is recorded with the status change. Unknown id → NotFoundError.
   */
  async acceptRecommendation(
    id: number,
    options: { by?: string } = {},
  ): Promise<RecommendationRecord> {
    return await this.#registry.acceptRecommendation(
      id,
      readOptions(options, 'acceptRecommendation').by ?? 'user',
    );
  }

  /** Marks an open recommendation dismissed. Unknown id → NotFoundError. */
  async dismissRecommendation(id: number): Promise<RecommendationRecord> {
    return await this.#loop.settle(id, 'dismissed');
  }

  /** Registers tools or updates them by name, all or none; `embed` stores vectors for discovery. */
  async registerTools(
    tools: readonly RegisterToolInput[],
    options: RegisterToolsOptions = {},
  ): Promise<RegisterToolsResult> {
    return await this.#registry.register(tools, readOptions(options, 'registerTools'));
  }

  /** Registered tools (then tools seen in history only, `registered: false`), by name. */
  async listTools(options: { status?: ToolStatus; limit?: number } = {}): Promise<ToolRecord[]> {
    return await this.#registry.list(readOptions(options, 'listTools'));
  }

  /** Sets a registered tool's status, recorded with who and why. Unknown tool → NotFoundError. */
  async setToolStatus(
    toolName: string,
    status: ToolStatus,
    options: SetToolStatusOptions = {},
  ): Promise<ToolRecord> {
    return await this.#registry.setStatus(toolName, status, readOptions(options, 'setToolStatus'));
  }

  /** The registry's status changes, newest first. */
  async listToolStatusChanges(
    options: { toolName?: string; limit?: number } = {},
  ): Promise<ToolStatusChangeRecord[]> {
    return await this.#registry.statusChanges(readOptions(options, 'listToolStatusChanges'));
  }

  /**
   * Picks tools for a goal in three stages: retrieval in PostgreSQL (full text, trigram for short
   * queries, cosine similarity with `embed`), statistical ranking (rankTools; archived skipped,
   * deprecated after the rest), then `choose` (default: the top candidate). Empty goal →
   * ValidationError; a failing embedder or chooser → PluginError.
   */
  async discoverTools(goal: string, options: DiscoverToolsOptions = {}): Promise<DiscoveryResult> {
    return await discoverTools(
      {
        rows: async (query, context) => await this.#db.rows(query, context),
        rankTools: async (names, rankOptions) => await this.#reads.rankTools(names, rankOptions),
        semantic: async (where) => await this.#registry.semanticSource(where),
        trigramAvailable: async () => await this.#registry.trigramAvailable(),
      },
      goal,
      readOptions(options, 'discoverTools'),
    );
  }

  /** The learning loop's job history, newest first (what ran where, and how it ended). */
  async listJobRuns(options: { limit?: number; jobName?: string } = {}): Promise<JobRunRecord[]> {
    return await this.#loop.jobRuns(readOptions(options, 'listJobRuns'));
  }

  /** Closes the pools (idempotent). Waits at most timeoutMs (default 5000) for in-flight queries. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    const given = readOptions(options, 'close').timeoutMs;
    const timeoutMs =
      given === undefined
        ? 5_000
        : numberIn(given, 'timeoutMs', 0, 2_147_483_647, { unit: ' of ms' });
    await this.#db.close(timeoutMs);
    await this.#server?.stop();
  }

  get isClosed(): boolean {
    return this.#db.isClosed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Internal: the jobs' repository. Not part of the public API. */
  [storeInternals](): StoreInternals {
    return this.#internals;
  }

  /** Internal: what middleware, writer and analytics use. Not part of the public API. */
  [storePorts](): StorePorts {
    return this.#ports;
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
