import type { ExecutionStore } from '../index.js';
import type { ToolStatus } from '../discovery/types.js';
import type { JsonValue } from '../json/sanitize.js';
import { successRateByIntent } from './report-intents.js';
import { isStore, portsOf } from '../schema/ports.js';
import { numberIn, wholeNumber } from '../checks.js';
import { ValidationError } from '../errors.js';
import { wilsonInterval } from '../stats/wilson.js';
import { DEFAULT_THRESHOLDS } from '../../jobs/thresholds.js';
import type {
  ReportModel,
  ReportOptions,
  ReportRecommendation,
  TimelinePoint,
  ToolReportRow,
} from './report-types.js';

export type {
  IntentSuccess,
  ReportJobRun,
  ReportModel,
  ReportOptions,
  ReportRecommendation,
  TimelinePoint,
  ToolRanking,
  ToolReportRow,
} from './report-types.js';

/**
 * Without a low-performers job run, a tool whose interval's top is below this is listed: the job's
 * own default, so the report and the job flag the same tools.
 */
export const LOW_PERFORMER_CEILING = DEFAULT_THRESHOLDS.lowPerformerSuccessRate;

/** The threshold a daily-low-performers summary says it used. */
function thresholdFrom(summary: unknown): number {
  const value = (summary as { threshold?: unknown } | null)?.threshold;
  return typeof value === 'number' && value > 0 && value <= 1 ? value : LOW_PERFORMER_CEILING;
}

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
/** The report's options, checked: a ValidationError naming the option, before any query. */
function readReportOptions(
  store: ExecutionStore,
  options: ReportOptions | undefined,
): { days: number; z: number; limit: number; now: Date } {
  if (!isStore(store)) throw new ValidationError('buildReport needs an ExecutionStore', 'store');
  const o = options ?? {};
  if (typeof o !== 'object' || Array.isArray(o))
    throw new ValidationError('buildReport() takes an options object', 'options');
  const now = o.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new ValidationError('now must be a valid Date', 'now');
  return {
    days: o.days === undefined ? 30 : numberIn(o.days, 'days', 0, 36_500, { aboveMin: true }),
    z: o.z === undefined ? 1.96 : numberIn(o.z, 'z', 0, 10, { aboveMin: true }),
    limit: o.limit === undefined ? 50 : wholeNumber(o.limit, 'limit', 1, 10_000),
    now,
  };
}

export async function buildReport(
  store: ExecutionStore,
  options: ReportOptions = {},
): Promise<ReportModel> {
  const { days, z, limit, now } = readReportOptions(store, options);
  const since = new Date(now.getTime() - days * 86_400_000);
  const bucket = days <= 2 ? 'hour' : 'day';
  const reads = portsOf(store).reports;
  const present = await reads.tablesPresent([
    'tool_lifecycle_recommendations',
    'job_runs',
    'tools',
  ]);
  const has = (name: string): boolean => present.some((r) => r.name === name && r.present === true);
  const hasRecommendations = has('tool_lifecycle_recommendations');
  const hasJobs = has('job_runs');
  const [totals, tools, timeline, ratings, intents, generated, recommendations, jobs, registry] =
    await Promise.all([
      reads.totals(since),
      reads.tools(since, z),
      reads.timeline(since, bucket),
      reads.ratings(since),
      successRateByIntent(store, { since }),
      reads.generatedTools(),
      hasRecommendations ? reads.openRecommendations(limit) : undefined,
      hasJobs ? reads.jobHistory(limit) : undefined,
      has('tools') ? reads.registry() : undefined,
    ]);
  const registered = new Map((registry ?? []).map((r) => [r.name as string, r]));
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
    status: (registered.get(r.tool_name as string)?.status as ToolStatus | undefined) ?? null,
    promoted: registered.get(r.tool_name as string)?.promoted === true,
  }));
  // One ranking: the Wilson lower bound, then runs, then name (the SQL hands them over by raw rate).
  toolRows.sort(
    (a, b) =>
      b.interval[0] - a.interval[0] ||
      b.total - a.total ||
      (a.toolName < b.toolName ? -1 : a.toolName > b.toolName ? 1 : 0),
  );
  const byTool = new Map(toolRows.map((row) => [row.toolName, row]));
  const bucketMs = bucket === 'hour' ? 3_600_000 : 86_400_000;
  return {
    generatedAt: now.toISOString(),
    database: store.describe(),
    window: { since: since.toISOString(), days, bucket, confidence: confidenceOf(z) },
    totals: {
      executions: num(t.executions ?? 0),
      successRate: num(t.rated ?? 0) === 0 ? null : num(t.successes) / num(t.rated),
      // Every tool that ran in the window has a row in the tool table, with its runs.
      toolRuns: toolRows.reduce((sum, row) => sum + row.total, 0),
      tools: toolRows.length,
      ratings: num(t.ratings ?? 0),
      averageRating: optNum(t.avg_rating),
    },
    toolRanking: 'wilson-lower-bound',
    tools: toolRows,
    lowPerformers: ((): ReportModel['lowPerformers'] => {
      const fromJob = lowPerformersFrom(lowJob?.[0]?.summary);
      if (fromJob !== undefined)
        return {
          source: 'daily-low-performers',
          threshold: thresholdFrom(lowJob?.[0]?.summary),
          items: fromJob,
        };
      return {
        source: 'interval',
        threshold: LOW_PERFORMER_CEILING,
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
    timeline: timeline.map((r): TimelinePoint => {
      const start = new Date(r.bucket as string | Date).getTime();
      const executions = num(r.executions);
      const failures = num(r.failures);
      return {
        bucket: iso(r.bucket),
        executions,
        failures,
        partial: start < since.getTime() || start + bucketMs > now.getTime(),
        failureInterval: executions === 0 ? null : wilsonInterval(failures, executions, z),
      };
    }),
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
      items: (recommendations ?? [])
        .map((r): ReportRecommendation => ({
          id: String(r.id),
          toolName: r.tool_name as string,
          action: r.action as string,
          reason: r.reason as string,
          evidence: (r.evidence as JsonValue) ?? {},
          createdAt: iso(r.created_at),
          updatedAt: iso(r.updated_at),
        }))
        // In id order, like the CLI's list: the id is what `recommendations accept <id>` takes.
        .sort((a, b) => Number(a.id) - Number(b.id)),
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
