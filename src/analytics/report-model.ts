import type { ExecutionStore } from '../index.js';
import type { JsonValue } from '../json/sanitize.js';
import { successRateByIntent, type IntentSuccess } from './report-intents.js';
import { portsOf } from '../schema/ports.js';

export interface ReportOptions {
  /** How many days back the report looks. Default 30. */
  days?: number;
  /** The z of the success-rate intervals. Default 1.96 (95%). */
  z?: number;
  /** At most this many recommendations and job runs. Default 50. */
  limit?: number;
  /** "Now" for the window. Default the current time. */
  now?: Date;
}

export interface ToolReportRow {
  toolName: string;
  total: number;
  successes: number;
  successRate: number;
  /** Wilson score interval of the success rate. */
  interval: [number, number];
  p50Ms: number | null;
  p95Ms: number | null;
  lastUsed: string;
  /** True when the AI generated this tool (it has tool_creation_events). */
  generated: boolean;
}

export interface ReportRecommendation {
  id: string;
  toolName: string;
  action: string;
  reason: string;
  evidence: JsonValue;
  createdAt: string;
  updatedAt: string;
}

export interface ReportJobRun {
  id: string;
  jobName: string;
  trigger: string;
  status: string;
  instanceId: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  summary: JsonValue | null;
}

/** Everything the text report and the HTML dashboard show; plain JSON (dates as ISO strings). */
export interface ReportModel {
  generatedAt: string;
  /** user@host:port/db, never the password. */
  database: string;
  window: { since: string; days: number; bucket: 'hour' | 'day'; confidence: number };
  totals: {
    executions: number;
    successRate: number | null;
    toolRuns: number;
    tools: number;
    ratings: number;
    averageRating: number | null;
  };
  tools: ToolReportRow[];
  timeline: Array<{ bucket: string; executions: number; failures: number }>;
  ratings: Array<{ rating: number; count: number }>;
  intents: IntentSuccess[];
  generatedTools: Array<{
    toolName: string;
    createdAt: string;
    attempts: number;
    validationPassed: boolean;
    runs: number;
    successRate: number | null;
  }>;
  /**
   * Tools that clearly underperform: from the newest daily-low-performers job run when there is
   * one, else the tools whose whole interval lies below `LOW_PERFORMER_CEILING`.
   */
  lowPerformers: {
    source: 'daily-low-performers' | 'interval';
    items: Array<{
      toolName: string;
      total: number;
      successRate: number;
      interval: [number, number];
    }>;
  };
  /** `available` is false while the learning loop's tables are not migrated. */
  recommendations: { available: boolean; items: ReportRecommendation[] };
  jobs: { available: boolean; items: ReportJobRun[] };
}

/** Without a low-performers job run, a tool whose interval's top is below this is listed. */
export const LOW_PERFORMER_CEILING = 0.6;

type LowPerformer = ReportModel['lowPerformers']['items'][number];

/** Reads `{ lowPerformers: [{ toolName, total, successRate, interval }] }` from a job summary. */
function lowPerformersFrom(summary: unknown): LowPerformer[] | undefined {
  const list = (summary as { lowPerformers?: unknown } | null)?.lowPerformers;
  if (!Array.isArray(list)) return undefined;
  const items: LowPerformer[] = [];
  for (const entry of list as Array<Record<string, unknown>>) {
    const interval = entry.interval;
    if (typeof entry.toolName !== 'string' || !Array.isArray(interval)) continue;
    items.push({
      toolName: entry.toolName,
      total: Number(entry.total),
      successRate: Number(entry.successRate),
      interval: [Number(interval[0]), Number(interval[1])],
    });
  }
  return items;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
const optNum = (value: unknown): number | null =>
  value === null || value === undefined ? null : num(value);
const iso = (value: unknown): string => new Date(value as string | Date).toISOString();

/** Confidence level of a z (two-sided), rounded: 1.96 → 0.95. */
function confidenceOf(z: number): number {
  // Abramowitz–Stegun 7.1.26 erf approximation, plenty for a label.
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.round((1 - poly * Math.exp(-x * x)) * 1000) / 1000;
}

/** Reads the report model from the store: a handful of aggregate queries over the window. */
export async function buildReport(
  store: ExecutionStore,
  options: ReportOptions = {},
): Promise<ReportModel> {
  const days = options.days ?? 30;
  const z = options.z ?? 1.96;
  const limit = options.limit ?? 50;
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - days * 86_400_000);
  const bucket = days <= 2 ? 'hour' : 'day';
  const reads = portsOf(store).reports;
  const present = await reads.tablesPresent(['tool_lifecycle_recommendations', 'job_runs']);
  const has = (name: string): boolean => present.some((r) => r.name === name && r.present === true);
  const hasRecommendations = has('tool_lifecycle_recommendations');
  const hasJobs = has('job_runs');
  const [totals, tools, timeline, ratings, intents, generated, recommendations, jobs] =
    await Promise.all([
      reads.totals(since),
      reads.tools(since, z),
      reads.timeline(since, bucket),
      reads.ratings(since),
      successRateByIntent(store, { since }),
      reads.generatedTools(),
      hasRecommendations ? reads.openRecommendations(limit) : undefined,
      hasJobs ? reads.jobHistory(limit) : undefined,
    ]);
  const lowJob = hasJobs ? await reads.latestJobSummary('daily-low-performers') : undefined;
  const t = totals[0] ?? {};
  const toolRows: ToolReportRow[] = tools.map((r) => ({
    toolName: r.tool_name as string,
    total: num(r.total),
    successes: num(r.successes),
    successRate: num(r.success_rate),
    interval: [num(r.low), num(r.high)],
    p50Ms: optNum(r.p50),
    p95Ms: optNum(r.p95),
    lastUsed: iso(r.last_used),
    generated: r.generated === true,
  }));
  const byTool = new Map(toolRows.map((row) => [row.toolName, row]));
  return {
    generatedAt: now.toISOString(),
    database: store.describe(),
    window: { since: since.toISOString(), days, bucket, confidence: confidenceOf(z) },
    totals: {
      executions: num(t.executions ?? 0),
      successRate: num(t.rated ?? 0) === 0 ? null : num(t.successes) / num(t.rated),
      toolRuns: num(t.tool_runs ?? 0),
      tools: num(t.tools ?? 0),
      ratings: num(t.ratings ?? 0),
      averageRating: optNum(t.avg_rating),
    },
    tools: toolRows,
    lowPerformers: ((): ReportModel['lowPerformers'] => {
      const fromJob = lowPerformersFrom(lowJob?.[0]?.summary);
      if (fromJob !== undefined) return { source: 'daily-low-performers', items: fromJob };
      return {
        source: 'interval',
        items: toolRows
          .filter((row) => row.interval[1] < LOW_PERFORMER_CEILING)
          .map(({ toolName, total, successRate, interval }) => ({
            toolName,
            total,
            successRate,
            interval,
          })),
      };
    })(),
    timeline: timeline.map((r) => ({
      bucket: iso(r.bucket),
      executions: num(r.executions),
      failures: num(r.failures),
    })),
    ratings: ratings.map((r) => ({ rating: num(r.rating), count: num(r.count) })),
    intents,
    generatedTools: generated.map((r) => {
      const usage = byTool.get(r.tool_name as string);
      return {
        toolName: r.tool_name as string,
        createdAt: iso(r.created_at),
        attempts: num(r.attempts),
        validationPassed: r.validation_passed === true,
        runs: usage?.total ?? 0,
        successRate: usage?.successRate ?? null,
      };
    }),
    recommendations: {
      available: hasRecommendations,
      items: (recommendations ?? []).map((r) => ({
        id: String(r.id),
        toolName: r.tool_name as string,
        action: r.action as string,
        reason: r.reason as string,
        evidence: (r.evidence as JsonValue) ?? {},
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      })),
    },
    jobs: {
      available: hasJobs,
      items: (jobs ?? []).map((r) => ({
        id: String(r.id),
        jobName: r.job_name as string,
        trigger: r.trigger as string,
        status: r.status as string,
        instanceId: r.instance_id as string,
        startedAt: iso(r.started_at),
        finishedAt: r.finished_at === null ? null : iso(r.finished_at),
        durationMs: optNum(r.duration_ms),
        error: (r.error as string | null) ?? null,
        summary: (r.summary as JsonValue | null) ?? null,
      })),
    },
  };
}
