import type { ToolStatus } from '../discovery/types.js';
import type { JsonValue } from '../json/sanitize.js';

export interface IntentSuccess {
  /** The intent recorded with the executions (null when none was). */
  intent: string | null;
  /** Executions with an outcome (success true or false). */
  executions: number;
  /** Share that succeeded, or null with none. */
  successRate: number | null;
}

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
  /** Observed share of successful runs (successes / total). */
  successRate: number;
  /** Wilson score interval of the success rate; `tools` are ranked by its lower end. */
  interval: [number, number];
  p50Ms: number | null;
  p95Ms: number | null;
  lastUsed: string;
  /** True when the AI generated this tool (it has tool_creation_events). */
  generated: boolean;
  /** Its status in the tool registry (store.registerTools); null when it is not registered. */
  status: ToolStatus | null;
  /** Marked by an accepted `promote` recommendation. */
  promoted: boolean;
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

/** One bucket (hour or day) of the timeline. */
export interface TimelinePoint {
  /** Start of the bucket. */
  bucket: string;
  executions: number;
  failures: number;
  /**
   * True when the window covers only part of the bucket (the first one starts before the window,
   * the last one ends after now): its counts are not comparable to a whole bucket's.
   */
  partial: boolean;
  /** Wilson score interval of failures / executions at the report's z, or null with none. */
  failureInterval: [number, number] | null;
}

/** How the report orders `tools`: by the lower end of the Wilson interval of the success rate. */
export type ToolRanking = 'wilson-lower-bound';

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
  /**
   * What `tools` is sorted by: the Wilson lower bound (the success rate the tool reaches with the
   * window's confidence), then runs, then name — so 2 of 2 does not outrank 990 of 1,000.
   */
  toolRanking: ToolRanking;
  tools: ToolReportRow[];
  timeline: TimelinePoint[];
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
    /** The success rate the whole interval must lie below: the job's, or `LOW_PERFORMER_CEILING`. */
    threshold: number;
    items: Array<{
      toolName: string;
      total: number;
      successRate: number;
      interval: [number, number];
    }>;
  };
  /** `available` is false while the learning loop's tables are not migrated. Ordered by id. */
  recommendations: { available: boolean; items: ReportRecommendation[] };
  jobs: { available: boolean; items: ReportJobRun[] };
}
