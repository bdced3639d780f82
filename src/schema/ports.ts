/**
 * What the store offers the layers above it (middleware, writer, analytics) without their
 * importing the store, SQL or database modules: small interfaces, reached through one symbol-keyed
 * method of ExecutionStore that is not part of the documented API.
 */
import type { ExecutionRow, ToolExecutionRow } from './rows.js';

/** Where the batch writer puts rows: one transaction per call, all or nothing. */
export interface HistorySink {
  /**
   * Inserts executions, then their tool runs, in one transaction; rows already present are
   * skipped. Rejects with the driver's own error (SQLSTATE intact) so the caller can classify it.
   */
  insertBatch(
    executions: readonly ExecutionRow[],
    tools: readonly ToolExecutionRow[],
  ): Promise<void>;
  /** Where rows go as configured, known without a connection (names the spool's target). */
  readonly configTarget: { host: string; port: number; database: string; user: string };
  /**
   * Which database the server says this is (names the spool's target exactly: a spool is only
   * replayed into the database it was written for). Rejects like insertBatch.
   */
  serverTarget(): Promise<{ systemIdentifier: string; database: string; user: string }>;
}

/** A result row as the driver returns it (snake_case columns). */
export type ResultRow = Record<string, unknown>;

/** The report's aggregate reads (the dashboard, `report`, `successRateByIntent`). */
export interface ReportReads {
  tablesPresent(names: readonly string[]): Promise<ResultRow[]>;
  totals(since: Date): Promise<ResultRow[]>;
  tools(since: Date, z: number): Promise<ResultRow[]>;
  timeline(since: Date, bucket: 'hour' | 'day'): Promise<ResultRow[]>;
  ratings(since: Date): Promise<ResultRow[]>;
  successByIntent(since: Date | null): Promise<ResultRow[]>;
  generatedTools(): Promise<ResultRow[]>;
  registry(): Promise<ResultRow[]>;
  openRecommendations(limit: number): Promise<ResultRow[]>;
  jobHistory(limit: number): Promise<ResultRow[]>;
  latestJobSummary(jobName: string): Promise<ResultRow[]>;
}

export interface StorePorts {
  sink: HistorySink;
  reports: ReportReads;
}

/** The key of ExecutionStore's ports method. */
export const storePorts: unique symbol = Symbol('dendrite-history.store-ports');

/** Anything that offers the ports (ExecutionStore). */
export interface HasStorePorts {
  [storePorts](): StorePorts;
}

/** True for an ExecutionStore (anything that offers the ports): the check at entry points. */
export function isStore(value: unknown): value is HasStorePorts {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Record<symbol, unknown>>)[storePorts] === 'function'
  );
}

/** The ports of a store. */
export function portsOf(store: HasStorePorts): StorePorts {
  return store[storePorts]();
}
