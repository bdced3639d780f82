/**
 * bench:stats — the statistics refresh against history size, and the read path's latency.
 *
 *   npm run bench:stats              1,000,000 and 10,000,000 tool runs of history
 *   npm run bench:stats -- --quick   100,000 and 1,000,000 (under a minute)
 *
 * For each size: load history with generate_series (not the store API), then three rounds of
 * "insert 10,000 new rows in 10 batches (a fifth of them late), time update_tool_statistics()
 * (incremental), time recompute_tool_statistics() (full) on the same data", and the median latency
 * of the read queries. Then the latency sketches' accuracy: every tool's p50/p95 over all history
 * and over the last 24 hours against PostgreSQL's exact percentile_cont on the same rows (worst
 * tool's relative error). Uses DATABASE_URL when set, else an embedded PostgreSQL in a temp dir.
 */
import { poolOf } from '../src/store/internal.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionStore, startEmbeddedPostgres } from '../src/index.js';

const quick = process.argv.includes('--quick');
const BASE = quick ? 100_000 : 1_000_000;
const NEW_ROWS = 10_000;
const ROUNDS = 3;
const TOOLS = 50;
const RUNS_PER_EXECUTION = 5;
const RATE_PER_DAY = 10_000; // history is spread at a constant rate: 10x history = 10x as many days

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

/** Adds `count` tool runs (and their executions), row g being g / RATE_PER_DAY days old: more history is older history. */
async function loadHistory(store: ExecutionStore, offset: number, count: number): Promise<void> {
  const chunk = 1_000_000;
  for (let from = offset; from < offset + count; from += chunk) {
    const to = Math.min(offset + count, from + chunk) - 1;
    // Sequential UUIDs (from the row number) keep the unique indexes append-only, as UUIDv7 does.
    await poolOf(store).query(
      `INSERT INTO executions (execution_id, goal_text, intent, success, duration_ms, created_at)
       SELECT lpad(to_hex(g), 32, '0')::uuid, 'goal ' || g, 'tool_use', g % 7 <> 0, 50 + g % 900,
              now() - g * $3::bigint * interval '1 day' / $4::double precision
         FROM generate_series($1::bigint / $3::bigint, $2::bigint / $3::bigint) g
       ON CONFLICT DO NOTHING`,
      [from, to, RUNS_PER_EXECUTION, RATE_PER_DAY],
    );
    await poolOf(store).query(
      `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
       SELECT lpad(to_hex(g), 32, '0')::uuid, lpad(to_hex(g / $3::bigint), 32, '0')::uuid,
              'tool_' || (g % ${TOOLS}), (g * 7919) % 100 < 60 + (g % ${TOOLS}), 10 + (g * 31) % 2000,
              now() - g * interval '1 day' / $4::double precision
         FROM generate_series($1::bigint, $2::bigint) g`,
      [from, to, RUNS_PER_EXECUTION, RATE_PER_DAY],
    );
  }
}

let callSeq = 0;
/**
 * 10,000 new rows in 10 statements like the batch writer's, RUNS_PER_EXECUTION to an execution
 * as in the history; a fifth carry an old created_at (replayed spools).
 */
async function addNewRows(store: ExecutionStore): Promise<void> {
  for (let b = 0; b < 10; b++) {
    const base = 1_000_000_000 + callSeq;
    callSeq += NEW_ROWS / 10;
    await poolOf(store).query(
      `INSERT INTO executions (execution_id, goal_text, intent, success, created_at)
       SELECT lpad(to_hex(($1::bigint + g) / $3::bigint), 32, '0')::uuid, 'bench round', 'tool_use', true, now()
         FROM generate_series(0, $2::int - 1, $3::int) g
       ON CONFLICT DO NOTHING`,
      [base, NEW_ROWS / 10, RUNS_PER_EXECUTION],
    );
    await poolOf(store).query(
      `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
       SELECT lpad(to_hex($1::bigint + g), 32, '0')::uuid, lpad(to_hex(($1::bigint + g) / $3::bigint), 32, '0')::uuid,
              'tool_' || (g % ${TOOLS}), g % 10 <> 0, 10 + (g * 17) % 1500,
              CASE WHEN g % 5 = 0 THEN now() - (g % 20) * interval '1 day' ELSE now() END
         FROM generate_series(0, $2::int - 1) g`,
      [base, NEW_ROWS / 10, RUNS_PER_EXECUTION],
    );
  }
}

interface SizeResult {
  historyRows: number;
  incrementalMs: number;
  fullMs: number;
  queryP50Ms: Record<string, number>;
  allToolsWindowMs: number;
  p50MaxRelErr: number;
  p95MaxRelErr: number;
}

/** The worst tool's relative error of the sketched p50/p95 against percentile_cont, per window. */
async function accuracy(store: ExecutionStore): Promise<{ p50: number; p95: number }> {
  let p50 = 0;
  let p95 = 0;
  for (const hours of [24, null]) {
    const since = hours === null ? new Date(0) : new Date(Date.now() - hours * 3_600_000);
    const sketched = await store.getLatencyPercentiles({ since });
    const exact = await poolOf(store).query(
      `SELECT tool_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM tool_executions WHERE created_at >= date_trunc('hour', $1::timestamptz, 'UTC')
        GROUP BY tool_name`,
      [since],
    );
    const truth = new Map(exact.rows.map((r) => [r.tool_name as string, r]));
    if (truth.size !== sketched.length) throw new Error('sketched and exact tool lists differ');
    for (const row of sketched) {
      const t = truth.get(row.toolName)!;
      p50 = Math.max(p50, Math.abs(row.p50Ms! - t.p50) / t.p50);
      p95 = Math.max(p95, Math.abs(row.p95Ms! - t.p95) / t.p95);
    }
  }
  return { p50, p95 };
}

async function measure(store: ExecutionStore, historyRows: number): Promise<SizeResult> {
  await store.recomputeStatistics();
  // The steady state autovacuum keeps: the bulk load's folded deltas are dead rows until then.
  await poolOf(store).query('VACUUM ANALYZE');
  const incremental: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    await addNewRows(store);
    incremental.push(await timed(() => store.updateStatistics()));
    full.push(await timed(() => store.recomputeStatistics()));
  }
  const candidates = Array.from({ length: 10 }, (_, i) => `tool_${i * 5}`).concat('not_a_tool');
  const queries: Record<string, () => Promise<unknown>> = {
    getToolStatistics: () => store.getToolStatistics('tool_7'),
    getTopTools: () => store.getTopTools(),
    getSuccessRate: () => store.getSuccessRate(),
    getRecentExecutions: () => store.getRecentExecutions({ limit: 50 }),
    rankTools: () => store.rankTools(candidates),
    latencyWindow7d: () => store.getLatencyPercentiles({ hours: 24 * 7, tools: ['tool_7'] }),
  };
  const queryP50Ms: Record<string, number> = {};
  for (const [name, fn] of Object.entries(queries)) {
    for (let i = 0; i < 5; i++) await fn();
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) samples.push(await timed(fn));
    queryP50Ms[name] = round(median(samples), 3);
  }
  const windowSamples: number[] = [];
  for (let i = 0; i < 10; i++)
    windowSamples.push(await timed(() => store.getLatencyPercentiles({ hours: 24 })));
  const error = await accuracy(store);
  return {
    historyRows,
    incrementalMs: median(incremental),
    fullMs: median(full),
    queryP50Ms,
    allToolsWindowMs: round(median(windowSamples), 3),
    p50MaxRelErr: error.p50,
    p95MaxRelErr: error.p95,
  };
}

async function main(): Promise<void> {
  let url = process.env.DATABASE_URL;
  const cleanups: Array<() => Promise<void>> = [];
  if (url === undefined) {
    const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-bench-stats-'));
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      persistent: false,
      serverFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_wal_size=4GB'],
    });
    url = await server.createDatabase(`bench_stats_${process.pid}`);
    cleanups.push(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }
  const store = await ExecutionStore.open({ connectionString: url });
  try {
    await poolOf(store).query(
      'TRUNCATE executions, tool_executions, tool_statistics, tool_statistics_deltas, tool_duration_totals, tool_latency_buckets, tool_latency_deltas CASCADE',
    );
    console.log(`bench:stats ${quick ? '(quick) ' : ''}against ${store.describe()}`);
    const results: SizeResult[] = [];
    let loaded = 0;
    for (const size of [BASE, BASE * 10]) {
      const started = performance.now();
      await loadHistory(store, loaded, size - loaded);
      loaded = size;
      console.log(
        `loaded ${size.toLocaleString('en-US')} tool runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const result = await measure(store, size);
      results.push(result);
      console.log(
        `history ${size.toLocaleString('en-US')}: refresh after ${NEW_ROWS.toLocaleString('en-US')} new rows ` +
          `${result.incrementalMs.toFixed(1)} ms incremental vs ${result.fullMs.toFixed(1)} ms full ` +
          `(${(result.fullMs / result.incrementalMs).toFixed(1)}x); query medians (ms) ${JSON.stringify(result.queryP50Ms)}; ` +
          `all tools' 24 h p50/p95 ${result.allToolsWindowMs} ms; worst relative error p50 ` +
          `${result.p50MaxRelErr.toFixed(4)}, p95 ${result.p95MaxRelErr.toFixed(4)}`,
      );
    }
    const [base, big] = results as [SizeResult, SizeResult];
    console.log(
      JSON.stringify({
        history_rows: base.historyRows,
        incremental_ms: round(base.incrementalMs),
        full_ms: round(base.fullMs),
        ratio_full_over_incremental: round(big.fullMs / big.incrementalMs),
        ratio_full_over_incremental_base: round(base.fullMs / base.incrementalMs),
        growth_10x: round(big.incrementalMs / base.incrementalMs),
        p50_max_rel_err: round(Math.max(base.p50MaxRelErr, big.p50MaxRelErr), 5),
        p95_max_rel_err: round(Math.max(base.p95MaxRelErr, big.p95MaxRelErr), 5),
        query_p50_ms: base.queryP50Ms,
        all_tools_window_24h_ms: base.allToolsWindowMs,
        history_rows_10x: big.historyRows,
        incremental_ms_10x: round(big.incrementalMs),
        full_ms_10x: round(big.fullMs),
        query_p50_ms_10x: big.queryP50Ms,
      }),
    );
  } finally {
    await store.close();
    for (const cleanup of cleanups) await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
