import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStore } from '../src/index.js';
import type { Query } from '../src/sql/query.js';
import { bulkInsertExecutions, bulkInsertToolExecutions } from '../src/sql/executions.js';
import { selectToolSeries } from '../src/sql/ui-tools.js';
import {
  selectReportTotals,
  selectSuccessByIntent,
  selectTimeline,
  selectToolReport,
} from '../src/sql/report.js';
import type { ExecutionRow, ToolExecutionRow } from '../src/schema/rows.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';
import { rng } from './helpers/rng.js';

/*
 * The report's counts read hourly rollups (migration 0009); here they are held to a direct scan of
 * the rows, for windows starting on and between hour boundaries, after late rows, open runs
 * replaced by their final row, pending (unfolded) deltas, a full rebuild, and prunes that cut an
 * hour in two.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOOLS = ['search', 'calc', 'fetch', 'rare'];
const INTENTS = [null, 'search', 'calculate'];

/** The same numbers, counted from the rows. */
const scan = {
  totals: (since: Date): Query => ({
    text: `SELECT count(*)::bigint AS executions, count(*) FILTER (WHERE success)::bigint AS successes,
                  count(success)::bigint AS rated,
                  (SELECT count(*) FROM tool_executions WHERE created_at >= $1)::bigint AS tool_runs,
                  (SELECT count(DISTINCT tool_name) FROM tool_executions WHERE created_at >= $1)::bigint AS tools
             FROM executions WHERE created_at >= $1`,
    values: [since],
  }),
  tools: (since: Date): Query => ({
    text: `SELECT tool_name, count(*)::double precision AS total,
                  count(*) FILTER (WHERE success)::double precision AS successes, max(created_at) AS last_used
             FROM tool_executions WHERE created_at >= $1 GROUP BY tool_name ORDER BY tool_name`,
    values: [since],
  }),
  timeline: (since: Date, bucket: 'hour' | 'day'): Query => ({
    text: `SELECT date_trunc($2::text, created_at) AS bucket, count(*)::bigint AS executions,
                  count(*) FILTER (WHERE success IS FALSE)::bigint AS failures
             FROM executions WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
    values: [since, bucket],
  }),
  intents: (since: Date | null): Query => ({
    text: `SELECT intent, count(success)::bigint AS total, count(*) FILTER (WHERE success)::bigint AS successes
             FROM executions WHERE ($1::timestamptz IS NULL OR created_at >= $1)
            GROUP BY intent ORDER BY count(success) DESC, intent NULLS LAST`,
    values: [since],
  }),
};

type Row = Record<string, unknown>;

async function rows(client: pg.PoolClient, query: Query): Promise<Row[]> {
  return (await client.query(query.text, query.values)).rows as Row[];
}

/** The values as plain strings/numbers, so bigint-as-text and numbers compare. */
function plain(list: Row[], keys: string[]): Array<Record<string, string>> {
  return list.map((r) =>
    Object.fromEntries(
      keys.map((k) => {
        const v = r[k];
        return [k, v instanceof Date ? v.toISOString() : v === null ? 'null' : String(Number(v))];
      }),
    ),
  );
}

describe('report rollups equal a scan of the rows', () => {
  let store: ExecutionStore;
  let pool: pg.Pool;
  const now = Date.now();
  const random = rng(15);

  /** Executions (some open, replaced by a final row) with tool runs at the given times. */
  async function write(times: number[], options: { open?: boolean } = {}): Promise<void> {
    const executions: ExecutionRow[] = [];
    const runs: ToolExecutionRow[] = [];
    for (const at of times) {
      const executionId = randomUUID();
      const roll = random();
      executions.push({
        executionId,
        goalId: null,
        goalText: 'goal',
        intent: INTENTS[Math.floor(random() * INTENTS.length)]!,
        success: options.open === true ? null : roll < 0.15 ? null : roll < 0.35 ? false : true,
        error: null,
        durationMs: 10,
        createdAt: new Date(at),
        metadata: options.open === true ? '{"_open":true}' : '{}',
      });
      const n = 1 + Math.floor(random() * 3);
      for (let i = 0; i < n; i++)
        runs.push({
          executionId,
          callId: randomUUID(),
          toolName: random() < 0.03 ? 'rare' : TOOLS[Math.floor(random() * 3)]!,
          parameters: null,
          result: null,
          success: random() < 0.8,
          error: null,
          durationMs: Math.floor(random() * 500),
          createdAt: new Date(at + i * 37_000),
        });
    }
    const q1 = bulkInsertExecutions(executions);
    await pool.query(q1.text, q1.values);
    const q2 = bulkInsertToolExecutions(runs);
    await pool.query(q2.text, q2.values);
    if (options.open === true) {
      // The runs' final rows replace the provisional ones (an UPDATE through ON CONFLICT).
      const final = bulkInsertExecutions(
        executions.map((e) => ({ ...e, success: random() < 0.7, metadata: '{}' })),
      );
      await pool.query(final.text, final.values);
    }
  }

  /** Times spread over the last `days` days, plus hour boundaries exactly. */
  function spread(count: number, days: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(now - Math.floor(random() * days * DAY));
    const hour = Math.floor(now / HOUR) * HOUR;
    out.push(hour, hour - HOUR, hour - 5 * HOUR, hour - 3 * DAY);
    return out;
  }

  /** Window starts: on hour boundaries, inside hours, inside the current hour, before any row. */
  function starts(): Date[] {
    const hour = Math.floor(now / HOUR) * HOUR;
    return [
      now - DAY,
      now - 7 * DAY,
      now - 30 * DAY,
      now - 60 * DAY,
      hour,
      hour - HOUR,
      hour - 3 * DAY,
      now - 90_000,
      hour - 2 * HOUR + 1,
      hour - 26 * HOUR - 1,
      Math.floor(now / DAY) * DAY - 2 * DAY,
      Math.floor(now / DAY) * DAY - 4 * DAY + 5 * HOUR + 1,
      now + HOUR,
    ].map((t) => new Date(t));
  }

  /**
   * The tool page's series: runs and successes per bucket exact; p50/p95 within the sketches' 1%
   * of percentile_cont over the same runs (whole UTC hours: the hour holding since in full).
   */
  async function expectToolSeries(client: pg.PoolClient, timeZone: string): Promise<void> {
    for (const since of starts())
      for (const bucket of ['hour', 'day'] as const)
        for (const tool of TOOLS) {
          const at = `${timeZone} ${tool} ${bucket} since ${since.toISOString()}`;
          const series = await rows(client, selectToolSeries(tool, since, bucket));
          const direct = await rows(client, {
            text: `SELECT date_trunc($3::text, created_at) AS bucket,
                          count(*) FILTER (WHERE created_at >= $2) AS runs,
                          count(*) FILTER (WHERE success AND created_at >= $2) AS successes,
                          percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
                          percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
                     FROM tool_executions
                    WHERE tool_name = $1 AND created_at >= date_trunc('hour', $2::timestamptz, 'UTC')
                    GROUP BY 1 HAVING count(*) FILTER (WHERE created_at >= $2) > 0 ORDER BY 1`,
            values: [tool, since, bucket],
          });
          const keys = ['bucket', 'runs', 'successes'];
          expect(plain(series, keys), at).toEqual(plain(direct, keys));
          for (const [i, row] of series.entries())
            for (const q of ['p50', 'p95']) {
              const exact = Number(direct[i]![q]);
              const estimate = Number(row[q]);
              expect(Math.abs(estimate - exact), `${at} ${q}`).toBeLessThanOrEqual(
                0.01 * Math.abs(exact) + 1e-9,
              );
            }
        }
  }

  async function expectEqual(timeZone = 'UTC'): Promise<void> {
    const client = await pool.connect();
    try {
      await client.query(`SELECT set_config('timezone', $1, false)`, [timeZone]);
      for (const since of starts()) {
        const at = `${timeZone} since ${since.toISOString()}`;
        const totalsKeys = ['executions', 'successes', 'rated'];
        const direct = (await rows(client, scan.totals(since)))[0]!;
        expect(plain(await rows(client, selectReportTotals(since)), totalsKeys), at).toEqual(
          plain([direct], totalsKeys),
        );
        const toolKeys = ['tool_name', 'total', 'successes', 'last_used'];
        const tools = (await rows(client, selectToolReport(since, 1.96))).sort((a, b) =>
          String(a.tool_name).localeCompare(String(b.tool_name)),
        );
        expect(plain(tools, toolKeys), at).toEqual(
          plain(await rows(client, scan.tools(since)), toolKeys),
        );
        // The report's totals add these rows up: tool runs and tools in the window.
        expect(
          tools.reduce((sum, r) => sum + Number(r.total), 0),
          at,
        ).toBe(Number(direct.tool_runs));
        expect(tools.length, at).toBe(Number(direct.tools));
        for (const bucket of ['hour', 'day'] as const) {
          const timeline = (await rows(client, selectTimeline(since, bucket))).filter(
            (r) => Number(r.executions) > 0,
          );
          const keys = ['bucket', 'executions', 'failures'];
          const direct = (await rows(client, scan.timeline(since, bucket))).filter(
            (r) => new Date(r.bucket as Date).getTime() <= now,
          );
          expect(plain(timeline, keys), `${at} ${bucket}`).toEqual(plain(direct, keys));
        }
        const intentKeys = ['intent', 'total', 'successes'];
        expect(plain(await rows(client, selectSuccessByIntent(since)), intentKeys), at).toEqual(
          plain(await rows(client, scan.intents(since)), intentKeys),
        );
      }
      // Bounded windows [since, until): per-tool sums of both window functions equal a scan.
      for (const since of timeZone === 'UTC' ? starts() : [])
        for (const until of starts())
          if (until > since) {
            const scanned = await rows(client, {
              text: `SELECT tool_name, count(*)::bigint AS runs, count(*) FILTER (WHERE success)::bigint AS successes
                       FROM tool_executions WHERE created_at >= $1 AND created_at < $2
                      GROUP BY 1 ORDER BY 1`,
              values: [since, until],
            });
            for (const fn of [
              `SELECT tool_name, runs, successes FROM tool_runs_totals($1, $2) ORDER BY 1`,
              `SELECT tool_name, sum(runs)::bigint AS runs, sum(successes)::bigint AS successes
                 FROM tool_runs_window($1, $2) GROUP BY 1 ORDER BY 1`,
            ])
              expect(
                await rows(client, { text: fn, values: [since, until] }),
                `${since.toISOString()} until ${until.toISOString()}: ${fn.slice(0, 60)}`,
              ).toEqual(scanned);
          }
      // In a zone offset by a fraction of an hour the page's buckets split UTC hours (documented).
      if (timeZone !== 'Asia/Kolkata') await expectToolSeries(client, timeZone);
      const intentKeys = ['intent', 'total', 'successes'];
      expect(plain(await rows(client, selectSuccessByIntent(null)), intentKeys)).toEqual(
        plain(await rows(client, scan.intents(null)), intentKeys),
      );
    } finally {
      await client.query('RESET timezone');
      client.release();
    }
  }

  beforeAll(async () => {
    ({ store } = await openTestStore());
    pool = poolOf(store);
    await write(spread(300, 40));
    await store.updateStatistics();
    // After the refresh: pending deltas, late rows for old hours, open runs replaced.
    await write(spread(60, 2));
    await write([now - 20 * DAY, now - 20 * DAY + 1000, now - 2 * HOUR]);
    await write(spread(40, 3), { open: true });
  });

  it('with folded and pending deltas, late rows and replaced open runs', async () => {
    const pending = await pool.query('SELECT count(*)::int AS n FROM tool_runs_hourly_deltas');
    expect(pending.rows[0].n).toBeGreaterThan(0);
    await expectEqual();
  });

  it('in time zones offset by whole hours and by half hours', async () => {
    await expectEqual('America/New_York');
    await expectEqual('Asia/Kolkata');
  });

  it('after prunes that cut hours in two, folded or not, and after a full rebuild', async () => {
    const cutoff = new Date(now - 10 * DAY - 17 * 60_000);
    await pool.query('DELETE FROM executions WHERE created_at < $1', [cutoff]);
    await pool.query('DELETE FROM tool_executions WHERE created_at < $1', [cutoff]);
    await expectEqual();
    await store.updateStatistics();
    const folded = await pool.query('SELECT count(*)::int AS n FROM tool_runs_hourly_deltas');
    expect(folded.rows[0].n).toBe(0);
    // Emptied hours and days leave the rollups; what stays equals a regrouping of the rows.
    for (const [table, unit] of [
      ['tool_runs_hourly', 'hour'],
      ['tool_runs_daily', 'day'],
    ] as const) {
      const rollup = await pool.query(
        `SELECT tool_name, ${unit}, runs, successes FROM ${table} ORDER BY 1, 2`,
      );
      const direct = await pool.query(
        `SELECT tool_name, date_trunc('${unit}', created_at, 'UTC') AS ${unit}, count(*) AS runs,
                count(*) FILTER (WHERE success) AS successes
           FROM tool_executions GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      expect(rollup.rows, table).toEqual(direct.rows);
    }
    await pool.query('DELETE FROM tool_executions WHERE created_at < $1', [
      new Date(now - 3 * DAY + 5 * 60_000),
    ]);
    await expectEqual();
    await store.recomputeStatistics();
    await expectEqual();
  });
});
