/**
 * Everything the web UI reads or changes, behind one interface. `storeData()` is the only place
 * that knows how the store is reached: the UI's own statements go to the store's read pool (the
 * replica when POSTGRES_READ_URL is set), faults mapped like the store maps them; accept/dismiss
 * and job runs go through the store's public methods and the jobs' runner, on the primary.
 */
import { runJob } from '../../jobs/run-job.js';
import { builtInJobs } from '../../jobs/registry.js';
import { ClosedError, mapDatabaseError } from '../errors.js';
import { buildReport, type ReportModel } from '../analytics/report-model.js';
import type { JsonValue } from '../json/sanitize.js';
import type { Query } from '../sql/query.js';
import {
  selectExecutionDetail,
  selectExecutionPage,
  selectFilterChoices,
  type ExecutionCursor,
  type ExecutionFilterValues,
} from '../sql/ui-executions.js';
import {
  selectToolCreations,
  selectToolErrors,
  selectToolRecentRuns,
  selectToolSeries,
} from '../sql/ui-tools.js';
import type { ToolRecord, ToolStatusChangeRecord } from '../discovery/types.js';
import { selectTool } from '../sql/registry.js';
import { toTool } from '../store/mappers.js';
import { wilsonInterval } from '../stats/wilson.js';
import type { ExecutionStore } from '../store/execution-store.js';
import { internalsOf } from '../store/internal.js';
import type {
  ExecutionRecord,
  JobRunRecord,
  RecommendationRecord,
  RecommendationStatus,
  ToolRunRecord,
  ToolStatisticsRecord,
} from '../store/types.js';

export type { ExecutionCursor, ExecutionFilterValues };

/** A row of the executions list: the execution and which tools it ran (in order). */
export interface ExecutionListItem extends Omit<ExecutionRecord, 'metadata' | 'toolRuns'> {
  tools: Array<{ toolName: string; success: boolean }>;
}

export interface ExecutionPage {
  items: ExecutionListItem[];
  /** Where the next page starts, or null on the last page. */
  next: ExecutionCursor | null;
}

export interface FeedbackItem {
  id: number;
  rating: number;
  feedbackText: string | null;
  createdAt: Date;
}

/** One execution as `recent --json` shows it, plus its feedback. */
export interface ExecutionDetail extends ExecutionRecord {
  feedback: FeedbackItem[];
}

export interface ToolSeriesPoint {
  bucket: Date;
  runs: number;
  successes: number;
  successRate: number;
  /** Wilson 95% interval of the bucket's success rate. */
  interval: [number, number];
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface ToolErrorGroup {
  message: string;
  count: number;
  lastSeen: Date;
  exampleExecutionId: string;
}

export interface ToolCreation {
  id: number;
  goalText: string | null;
  generatedCode: string;
  validationPassed: boolean;
  validationErrors: JsonValue | null;
  metadata: JsonValue;
  createdAt: Date;
}

export interface ToolRecentRun {
  executionId: string;
  goalText: string;
  success: boolean;
  error: string | null;
  durationMs: number | null;
  createdAt: Date;
}

export interface ToolDetail {
  toolName: string;
  /** From tool_statistics, as of its last refresh; null when the tool has none yet. */
  statistics: ToolStatisticsRecord | null;
  window: { since: Date; bucket: 'hour' | 'day' };
  series: ToolSeriesPoint[];
  errors: ToolErrorGroup[];
  recentRuns: ToolRecentRun[];
  recommendations: RecommendationRecord[];
  creations: ToolCreation[];
  /** Null when the tool is not in the registry. */
  registry: ToolRecord | null;
  /** Its status changes, newest first: who or what changed it, and why. */
  statusChanges: ToolStatusChangeRecord[];
}

export interface FilterChoices {
  intents: string[];
  tools: string[];
}

/** The UI's data access. Every method rejects with the library's typed errors. */
export interface UiData {
  overview(range: { since: Date; now: Date }): Promise<ReportModel>;
  executions(
    filter: ExecutionFilterValues,
    after: ExecutionCursor | null,
    limit: number,
  ): Promise<ExecutionPage>;
  execution(executionId: string): Promise<ExecutionDetail | null>;
  filterChoices(): Promise<FilterChoices>;
  tools(): Promise<ToolStatisticsRecord[]>;
  tool(toolName: string, since: Date): Promise<ToolDetail | null>;
  recommendations(
    status: RecommendationStatus | null,
    limit: number,
  ): Promise<RecommendationRecord[]>;
  settleRecommendation(id: number, status: 'accepted' | 'dismissed'): Promise<RecommendationRecord>;
  jobRuns(limit: number): Promise<JobRunRecord[]>;
  jobNames(): readonly string[];
  runJob(jobName: string): Promise<unknown>;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
const optNum = (value: unknown): number | null =>
  value === null || value === undefined ? null : num(value);
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(value as string));

function toToolRun(t: Record<string, unknown>): ToolRunRecord {
  return {
    id: num(t.id),
    callId: t.callId as string,
    toolName: t.toolName as string,
    parameters: (t.parameters as JsonValue | null) ?? null,
    result: (t.result as JsonValue | null) ?? null,
    success: t.success as boolean,
    error: (t.error as string | null) ?? null,
    durationMs: optNum(t.durationMs),
    createdAt: date(t.createdAt),
  };
}

const DAY_MS = 86_400_000;

/** The UI's data access on an open store. */
export function storeData(store: ExecutionStore): UiData {
  const { readPool } = internalsOf(store);
  const read = async (query: Query, context: string): Promise<Array<Record<string, unknown>>> => {
    if (store.isClosed) throw new ClosedError('ExecutionStore');
    try {
      return (await readPool.query(query.text, query.values)).rows as Array<
        Record<string, unknown>
      >;
    } catch (error) {
      if (store.isClosed) throw new ClosedError('ExecutionStore');
      throw mapDatabaseError(error, `ui: ${context}`);
    }
  };

  return {
    async overview({ since, now }) {
      return await buildReport(store, { days: (now.getTime() - since.getTime()) / DAY_MS, now });
    },

    async executions(filter, after, limit) {
      const rows = await read(selectExecutionPage(filter, after, limit + 1), 'executions');
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => ({
          executionId: r.execution_id as string,
          goalId: (r.goal_id as string | null) ?? null,
          goalText: r.goal_text as string,
          intent: (r.intent as string | null) ?? null,
          success: (r.success as boolean | null) ?? null,
          error: (r.error as string | null) ?? null,
          durationMs: optNum(r.duration_ms),
          createdAt: date(r.created_at),
          tools: r.tools as Array<{ toolName: string; success: boolean }>,
        })),
        next:
          rows.length > limit && last !== undefined
            ? { createdAt: last.cursor_at as string, executionId: last.execution_id as string }
            : null,
      };
    },

    async execution(executionId) {
      const row = (await read(selectExecutionDetail(executionId), 'execution'))[0];
      if (row === undefined) return null;
      return {
        executionId: row.execution_id as string,
        goalId: (row.goal_id as string | null) ?? null,
        goalText: row.goal_text as string,
        intent: (row.intent as string | null) ?? null,
        success: (row.success as boolean | null) ?? null,
        error: (row.error as string | null) ?? null,
        durationMs: optNum(row.duration_ms),
        createdAt: date(row.created_at),
        metadata: (row.metadata as JsonValue) ?? {},
        toolRuns: (row.tool_runs as Array<Record<string, unknown>>).map(toToolRun),
        feedback: (row.feedback as Array<Record<string, unknown>>).map((f) => ({
          id: num(f.id),
          rating: num(f.rating),
          feedbackText: (f.feedbackText as string | null) ?? null,
          createdAt: date(f.createdAt),
        })),
      };
    },

    async filterChoices() {
      const rows = await read(selectFilterChoices(), 'filter choices');
      const pick = (kind: string): string[] =>
        rows.filter((r) => r.kind === kind).map((r) => r.name as string);
      return { intents: pick('intent'), tools: pick('tool') };
    },

    async tools() {
      return await store.getTopTools({ limit: 10_000, minExecutions: 0 });
    },

    async tool(toolName, since) {
      const bucket = Date.now() - since.getTime() <= 2 * DAY_MS ? 'hour' : 'day';
      const [statistics, series, errors, recent, recommendations, creations, registry, changes] =
        await Promise.all([
          store.getToolStatistics(toolName),
          read(selectToolSeries(toolName, since, bucket), 'tool series'),
          read(selectToolErrors(toolName, since, 10), 'tool errors'),
          read(selectToolRecentRuns(toolName, 20), 'tool runs'),
          store.listRecommendations({ toolName, limit: 50 }),
          read(selectToolCreations(toolName), 'tool creations'),
          read(selectTool(toolName), 'tool registry'),
          store.listToolStatusChanges({ toolName, limit: 20 }),
        ]);
      const entry = registry[0];
      if (
        statistics === null &&
        recent.length === 0 &&
        creations.length === 0 &&
        entry === undefined
      )
        return null;
      return {
        toolName,
        statistics,
        window: { since, bucket },
        series: series.map((r) => {
          const runs = num(r.runs);
          const successes = num(r.successes);
          return {
            bucket: date(r.bucket),
            runs,
            successes,
            successRate: successes / runs,
            interval: wilsonInterval(successes, runs),
            p50Ms: optNum(r.p50),
            p95Ms: optNum(r.p95),
          };
        }),
        errors: errors.map((r) => ({
          message: r.message as string,
          count: num(r.count),
          lastSeen: date(r.last_seen),
          exampleExecutionId: r.example_execution_id as string,
        })),
        recentRuns: recent.map((r) => ({
          executionId: r.execution_id as string,
          goalText: r.goal_text as string,
          success: r.success as boolean,
          error: (r.error as string | null) ?? null,
          durationMs: optNum(r.duration_ms),
          createdAt: date(r.created_at),
        })),
        recommendations,
        creations: creations.map((r) => ({
          id: num(r.id),
          goalText: (r.goal_text as string | null) ?? null,
          generatedCode: r.generated_code as string,
          validationPassed: r.validation_passed === true,
          validationErrors: (r.validation_errors as JsonValue | null) ?? null,
          metadata: (r.metadata as JsonValue) ?? {},
          createdAt: date(r.created_at),
        })),
        registry: entry === undefined ? null : toTool(entry),
        statusChanges: changes,
      };
    },

    async recommendations(status, limit) {
      return await store.listRecommendations({ ...(status === null ? {} : { status }), limit });
    },

    async settleRecommendation(id, status) {
      return status === 'accepted'
        ? await store.acceptRecommendation(id)
        : await store.dismissRecommendation(id);
    },

    async jobRuns(limit) {
      return await store.listJobRuns({ limit });
    },

    jobNames() {
      return builtInJobs.map((job) => job.name);
    },

    async runJob(jobName) {
      return await runJob(store, jobName);
    },
  };
}
