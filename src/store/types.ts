import type { JsonValue, SanitizeOptions } from '../json/sanitize.js';
import type { DatabaseConfig } from '../config.js';
import type { EmbeddedStoreOption } from '../db/embedded-store.js';
import type { ExecutionColumns, ToolCountColumns, ToolRunColumns } from '../schema/rows.js';

export interface StoreOptions extends SanitizeOptions {
  /** A postgres:// URL. Default: from the environment (`DATABASE_URL` or `POSTGRES_*`). */
  connectionString?: string;
  /** Connection settings, merged over the environment's. Default: the environment. */
  config?: Partial<DatabaseConfig>;
  /** Apply pending migrations on open. Default true. With false, open fails if the schema is behind. */
  migrate?: boolean;
  /** Replica for analytics reads. Default `POSTGRES_READ_URL`, else the primary. */
  readUrl?: string;
  /** Per-statement timeout for the store's queries, in ms. Default none. */
  statementTimeoutMs?: number;
  /**
   * Start an embedded PostgreSQL (no server or Docker needed) and use it instead of the
   * environment's database; `close()` stops it. `true` keeps the data in `.dendrite/pg` under the
   * working folder (where the CLI's `--embedded` looks), `{ dataDir }` elsewhere. Default false.
   */
  embedded?: EmbeddedStoreOption;
}

export interface StoreExecutionInput {
  goalText: string;
  goalId?: string | number | null;
  intent?: string | null;
  success?: boolean | null;
  error?: unknown;
  durationMs?: number | null;
  metadata?: unknown;
  /** Client-chosen id (UUID). Default: a new UUIDv7. */
  executionId?: string;
  createdAt?: Date | string;
}

export interface StoreToolExecutionInput {
  executionId: string;
  toolName: string;
  parameters?: unknown;
  result?: unknown;
  success: boolean;
  error?: unknown;
  durationMs?: number | null;
  /** Idempotency key (UUID): storing the same callId twice keeps one row. Default: a new UUIDv7. */
  callId?: string;
  createdAt?: Date | string;
}

export interface StoreFeedbackInput {
  executionId: string;
  /** Whole number from 1 to 5. */
  rating: number;
  feedbackText?: string | null;
}

export interface StoreToolCreationInput {
  toolName: string;
  generatedCode: string;
  validationPassed: boolean;
  goalText?: string | null;
  validationErrors?: unknown;
  metadata?: unknown;
  createdAt?: Date | string;
}

/** Per-tool counts: `successRate` is successful / total, or null with no executions. */
export interface ToolStatisticsRecord extends ToolCountColumns<number> {
  firstUsed: Date | null;
  lastUsed: Date | null;
  metadata: JsonValue;
  updatedAt: Date;
}

export interface ToolRunRecord extends ToolRunColumns<JsonValue, Date> {
  id: number;
}

export interface ExecutionRecord extends ExecutionColumns<JsonValue, Date> {
  toolRuns: ToolRunRecord[];
}

export interface ToolPerformanceRecord extends ToolCountColumns<number> {
  firstUsed: Date;
  lastUsed: Date;
}

/** What the weekly lifecycle job may recommend for a tool. */
export type RecommendationAction = 'archive' | 'deprecate' | 'promote' | 'watch';
/** 'expired': the weekly run no longer found it (closed by the loop, not by a user). */
export type RecommendationStatus = 'open' | 'accepted' | 'dismissed' | 'expired';

export interface RecommendationRecord {
  id: number;
  toolName: string;
  action: RecommendationAction;
  reason: string;
  /** The numbers behind it: counts, rates, Wilson intervals, dates. */
  evidence: JsonValue;
  status: RecommendationStatus;
  /** The job run that created or last refreshed it. */
  jobRunId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'crashed';

export interface JobRunRecord {
  id: number;
  jobName: string;
  /** The scheduled fire time (or, for a manual run, when it was asked for). */
  fireTime: Date;
  trigger: 'scheduled' | 'manual';
  instanceId: string;
  /** A `running` row whose lease expired reads as `crashed`. */
  status: JobRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  leaseExpiresAt: Date;
  summary: JsonValue | null;
  error: string | null;
}

export interface RankToolsOptions {
  /** How many to return. Default 5. */
  limit?: number;
  /** Beta prior as pseudo runs: successes. Default 1 (with failures 1: a uniform prior). */
  priorSuccesses?: number;
  /** Beta prior as pseudo runs: failures. Default 1. */
  priorFailures?: number;
  /** z of the Wilson bound. Default 1.96 (95%). */
  z?: number;
}

export interface RankedTool {
  toolName: string;
  /** Wilson lower bound of the prior-smoothed success rate: the sort key. */
  score: number;
  /** 1-based position in the result. */
  rank: number;
  /** False when the tool has no statistics yet (ranked by the prior alone). */
  known: boolean;
  totalExecutions: number;
  successfulExecutions: number;
  successRate: number | null;
  avgDurationMs: number | null;
  /** p95 duration over the recent window, when known. */
  p95DurationMs: number | null;
  lastUsed: Date | null;
}

/** Options of getLatencyPercentiles: a window of whole UTC hours, optionally some tools only. */
export interface LatencyWindowOptions {
  /** Start of the window (the UTC hour holding it counts in full). Default: `hours` before now. */
  since?: Date | string;
  /** End of the window (exclusive). Default: no end (everything recorded so far). */
  until?: Date | string;
  /** The window's length when `since` is not given. Default: 24. */
  hours?: number;
  /** Only these tools. Default: every tool with runs in the window. */
  tools?: readonly string[];
}

/** One tool's latency over a window, merged from hourly sketches (estimates within 1%). */
export interface LatencyWindowRecord {
  toolName: string;
  /** Runs in the window, timed or not. */
  runs: number;
  /** Runs with a duration: the ones the percentiles describe. */
  timedRuns: number;
  p50Ms: number | null;
  p95Ms: number | null;
}
