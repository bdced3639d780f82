// Statistics under everything at once: writers inserting late rows and replays, prunes deleting
// history, incremental refreshes and full recomputes racing each other, on names and durations at
// their edges. After a final refresh the incremental statistics, the rollups and the latency
// windows must equal a full recompute from what is left plus what was pruned.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory, type ExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { rng } from './helpers/rng.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;
// Names at the edges: case, trailing and leading spaces, combining marks, emoji, 255 characters
// (an emoji counted once), right-to-left text.
const NAMES = [
  'search',
  'Search',
  'search ',
  ' search',
  'cafe\u0301',
  'café',
  '🔍 lookup',
  'x'.repeat(254) + '🔥',
  'بحث',
];
const DURATIONS = [null, 0, 1, 2_147_483_647, 49, 50, 51, 999];

let store: ExecutionStore;
beforeAll(async () => {
  ({ store } = await openTestStore());
});

const INSERT_RUN = `WITH e AS (INSERT INTO executions (execution_id, goal_text, success, created_at)
                VALUES ($1, 'concurrency', $7, $8) ON CONFLICT DO NOTHING)
     INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT u.c, $1, u.t, u.s, u.d, u.at
       FROM unnest($2::uuid[], $3::varchar[], $4::boolean[], $5::integer[], $6::timestamptz[]) AS u(c, t, s, d, at)
     ON CONFLICT (execution_id, call_id) DO NOTHING`;

/** One execution (aged `ageMs`) with its tool runs, as the writer sends them: one statement. */
function runOf(random: () => number, ageMs: number): unknown[] {
  const createdAt = new Date(Date.now() - ageMs);
  const n = 1 + Math.floor(random() * 6);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const rows = Array.from({ length: n }, () => ({
    c: randomUUID(),
    t: pick(NAMES),
    s: random() < 0.7,
    d: pick(DURATIONS),
    // Within a run, tool runs can straddle an hour or a day boundary.
    at: new Date(createdAt.getTime() + Math.floor(random() * 2 * 3_600_000)),
  }));
  return [
    randomUUID(),
    rows.map((r) => r.c),
    rows.map((r) => r.t),
    rows.map((r) => r.s),
    rows.map((r) => r.d),
    rows.map((r) => r.at),
    // Executions: unfinished (null) as well as finished.
    random() < 0.2 ? null : random() < 0.5,
    createdAt,
  ];
}

async function snapshot(): Promise<unknown> {
  const pool = poolOf(store);
  const q = async (sql: string): Promise<unknown[]> => (await pool.query(sql)).rows;
  return {
    statistics:
      await q(`SELECT tool_name, total_executions, successful_executions, failed_executions,
                                success_rate, avg_duration_ms, first_used, last_used,
                                metadata->'durationWindow'->'runs' AS runs,
                                metadata->'durationWindow'->'p50Ms' AS p50,
                                metadata->'durationWindow'->'p95Ms' AS p95
                           FROM tool_statistics ORDER BY tool_name`),
    durations: await q(`SELECT * FROM tool_duration_totals ORDER BY tool_name`),
    latency: await q(
      `SELECT tool_name, hour, bucket, count FROM tool_latency_buckets ORDER BY 1, 2, 3`,
    ),
    runs: await q(`SELECT tool_name, hour, runs, successes FROM tool_runs_hourly ORDER BY 1, 2`),
    runsDaily: await q(`SELECT * FROM tool_runs_daily ORDER BY 1, 2`),
    latencyDaily: await q(`SELECT * FROM tool_latency_daily ORDER BY 1, 2, 3`),
    pending: await q(`SELECT (SELECT count(*) FROM tool_statistics_deltas) AS s,
                             (SELECT count(*) FROM tool_latency_deltas) AS l,
                             (SELECT count(*) FROM tool_runs_hourly_deltas) AS r`),
    windows: await store.getLatencyPercentiles({ hours: 24 * 60 }),
    top: await store
      .getTopTools({ minExecutions: 0, limit: 100 })
      .then((r) => r.map((t) => [t.toolName, t.totalExecutions, t.successRate])),
  };
}

describe('statistics under concurrent writers, prunes, refreshes and recomputes', () => {
  it('the incremental path equals a full recompute afterwards, whatever interleaved', async () => {
    let stop = false;
    const writer = async (seed: number): Promise<void> => {
      const random = rng(seed);
      const sent: unknown[][] = [];
      for (let i = 0; i < 40; i++) {
        // A fifth are replays of a statement already sent (a retried batch); half the rest are
        // late: up to 40 days old (past the prune cutoff below, hours and days already folded).
        const replay = sent.length > 0 && random() < 0.2;
        const params = replay
          ? sent[Math.floor(random() * sent.length)]!
          : runOf(random, random() < 0.5 ? random() * 40 * DAY : random() * 60_000);
        await poolOf(store).query(INSERT_RUN, params);
        if (!replay) sent.push(params);
      }
    };
    const refresher = async (): Promise<void> => {
      while (!stop) await store.updateStatistics();
    };
    const recomputer = async (): Promise<void> => {
      while (!stop) {
        await store.recomputeStatistics();
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const pruner = async (): Promise<void> => {
      while (!stop) {
        await pruneHistory(store, { olderThan: '20d', batchSize: 3 });
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const background = [refresher(), refresher(), recomputer(), pruner()];
    await Promise.all([writer(1), writer(2), writer(3)]);
    stop = true;
    await Promise.all(background);

    await store.updateStatistics();
    const incremental = await snapshot();
    await store.recomputeStatistics();
    const full = await snapshot();
    expect(incremental).toEqual(full);
    // The race really pruned, and the statistics still count every row ever written once.
    const counts = (
      await poolOf(store)
        .query(`SELECT (SELECT sum(total_executions) FROM tool_statistics) AS cumulative,
                                        (SELECT count(*) FROM tool_executions) AS kept,
                                        (SELECT sum(total_executions) FROM tool_statistics_pruned) AS pruned`)
    ).rows[0];
    expect(Number(counts.pruned)).toBeGreaterThan(0);
    expect(Number(counts.cumulative)).toBe(Number(counts.kept) + Number(counts.pruned));
    expect(
      new Set((full as { statistics: { tool_name: string }[] }).statistics.map((r) => r.tool_name)),
    ).toEqual(new Set(NAMES));
  });
});
