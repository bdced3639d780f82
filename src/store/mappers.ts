import type { ToolRecord, ToolStatus } from '../discovery/types.js';
import type { JsonValue } from '../json/sanitize.js';
import type { Row } from './database.js';
import type {
  ExecutionRecord,
  JobRunRecord,
  RankedTool,
  RecommendationRecord,
  ToolPerformanceRecord,
  ToolRunRecord,
  ToolStatisticsRecord,
} from './types.js';

// One mapper per row shape: snake_case result rows (or json_build_object's camelCase for tool runs
// nested in an execution) → the records the store returns.

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function orNull<T>(value: unknown): T | null {
  return (value as T | null | undefined) ?? null;
}

function toCounts(row: Row): Omit<ToolPerformanceRecord, 'firstUsed' | 'lastUsed'> {
  return {
    toolName: row.tool_name as string,
    totalExecutions: toNumber(row.total_executions),
    successfulExecutions: toNumber(row.successful_executions),
    failedExecutions: toNumber(row.failed_executions),
    successRate: orNull<number>(row.success_rate),
    avgDurationMs: orNull<number>(row.avg_duration_ms),
  };
}

export function toStatistics(row: Row): ToolStatisticsRecord {
  return {
    ...toCounts(row),
    firstUsed: orNull<Date>(row.first_used),
    lastUsed: orNull<Date>(row.last_used),
    metadata: (row.metadata as JsonValue) ?? {},
    updatedAt: row.updated_at as Date,
  };
}

export function toPerformance(row: Row): ToolPerformanceRecord {
  return { ...toCounts(row), firstUsed: row.first_used as Date, lastUsed: row.last_used as Date };
}

/** A tool run as selectRecentExecutions nests it (json_build_object: camelCase, text dates). */
export function toToolRun(t: Row): ToolRunRecord {
  return {
    id: toNumber(t.id),
    callId: t.callId as string,
    toolName: t.toolName as string,
    parameters: orNull<JsonValue>(t.parameters),
    result: orNull<JsonValue>(t.result),
    success: t.success as boolean,
    error: orNull<string>(t.error),
    durationMs: orNull<number>(t.durationMs),
    createdAt: new Date(t.createdAt as string),
  };
}

export function toExecution(row: Row): ExecutionRecord {
  return {
    executionId: row.execution_id as string,
    goalId: orNull<string>(row.goal_id),
    goalText: row.goal_text as string,
    intent: orNull<string>(row.intent),
    success: orNull<boolean>(row.success),
    error: orNull<string>(row.error),
    durationMs: orNull<number>(row.duration_ms),
    createdAt: row.created_at as Date,
    metadata: row.metadata as JsonValue,
    toolRuns: (row.tool_runs as Row[]).map(toToolRun),
  };
}

export function toRankedTool(row: Row, index: number): RankedTool {
  return {
    toolName: row.tool_name as string,
    score: toNumber(row.score),
    rank: index + 1,
    known: row.known as boolean,
    totalExecutions: toNumber(row.total),
    successfulExecutions: toNumber(row.successes),
    successRate: orNull<number>(row.success_rate),
    avgDurationMs: orNull<number>(row.avg_duration_ms),
    p95DurationMs: orNull<number>(row.p95_duration_ms),
    lastUsed: orNull<Date>(row.last_used),
  };
}

export function toRecommendation(row: Row): RecommendationRecord {
  return {
    id: toNumber(row.id),
    toolName: row.tool_name as string,
    action: row.action as RecommendationRecord['action'],
    reason: row.reason as string,
    evidence: (row.evidence as JsonValue) ?? {},
    status: row.status as RecommendationRecord['status'],
    jobRunId:
      row.job_run_id === null || row.job_run_id === undefined ? null : toNumber(row.job_run_id),
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

export function toJobRun(row: Row): JobRunRecord {
  return {
    id: toNumber(row.id),
    jobName: row.job_name as string,
    fireTime: row.fire_time as Date,
    trigger: row.trigger as JobRunRecord['trigger'],
    instanceId: row.instance_id as string,
    status: row.status as JobRunRecord['status'],
    startedAt: row.started_at as Date,
    finishedAt: orNull<Date>(row.finished_at),
    leaseExpiresAt: row.lease_expires_at as Date,
    summary: orNull<JsonValue>(row.summary),
    error: orNull<string>(row.error),
  };
}

/** A `tools` row (TOOL_COLUMNS, plus `registered` when listed beside history-only names). */
export function toTool(row: Row): ToolRecord {
  return {
    name: row.name as string,
    description: row.description as string,
    parameters: (row.parameters ?? null) as JsonValue | null,
    status: row.status as ToolStatus,
    promoted: row.promoted as boolean,
    origin: (row.origin ?? null) as ToolRecord['origin'],
    creationEventId: row.creation_event_id == null ? null : toNumber(row.creation_event_id),
    version: row.version == null ? null : toNumber(row.version),
    hasEmbedding: row.has_embedding as boolean,
    registered: row.registered !== false,
    createdAt: (row.created_at ?? null) as Date | null,
    updatedAt: (row.updated_at ?? null) as Date | null,
  };
}
