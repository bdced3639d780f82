import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

export { sleep };

/** One scenario's outcome: figures to print and the checks that failed (empty: all good). */
export interface ScenarioResult {
  name: string;
  figures: Record<string, number | string>;
  problems: string[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** How many of the given executions and their tool runs are stored, and how many twice. */
export async function storedCounts(
  pool: pg.Pool,
  runIds: readonly string[],
): Promise<{ executions: number; toolRuns: number; duplicateToolRuns: number }> {
  const e = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
    [runIds],
  );
  const t = await pool.query<{ n: number; d: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT call_id)::int AS d
       FROM tool_executions WHERE execution_id = ANY($1::uuid[])`,
    [runIds],
  );
  return {
    executions: e.rows[0]!.n,
    toolRuns: t.rows[0]!.n,
    duplicateToolRuns: t.rows[0]!.n - t.rows[0]!.d,
  };
}

/** Adds a problem when a figure is off. */
export function expectFigure(problems: string[], ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

export function formatResult(result: ScenarioResult): string {
  const figures = Object.entries(result.figures)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`)
    .join(' ');
  const verdict = result.problems.length === 0 ? 'OK' : `FAIL: ${result.problems.join('; ')}`;
  return `${result.name.padEnd(22)} ${figures}  ${verdict}`;
}

/** The delivery checks every write scenario makes: all sent stored once, nothing left behind. */
export function deliveryProblems(
  problems: string[],
  sent: { runs: number; toolRuns: number },
  stored: { executions: number; toolRuns: number; duplicateToolRuns: number },
  leftover: { spooledRows: number; dropped: number },
): void {
  expectFigure(
    problems,
    stored.executions === sent.runs,
    `stored ${stored.executions} of ${sent.runs} executions`,
  );
  expectFigure(
    problems,
    stored.toolRuns === sent.toolRuns,
    `stored ${stored.toolRuns} of ${sent.toolRuns} tool runs`,
  );
  expectFigure(
    problems,
    stored.duplicateToolRuns === 0,
    `${stored.duplicateToolRuns} duplicated tool runs`,
  );
  expectFigure(problems, leftover.dropped === 0, `${leftover.dropped} rows dropped`);
  expectFigure(
    problems,
    leftover.spooledRows === 0,
    `${leftover.spooledRows} rows left in the spool`,
  );
}
