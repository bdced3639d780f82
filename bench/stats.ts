/**
 * bench:stats — the statistics refresh against history size, and the read path's latency.
 *
 *   npm run bench:stats              1,000,000 and 10,000,000 tool runs of history
 *   npm run bench:stats -- --quick   100,000 and 1,000,000 (under a minute)
 *
 * For each size: load history with generate_series (not the store API), then three rounds of
 * "insert 10,000 new rows in 10 batches (a fifth of them late), time update_tool_statistics()
 * (incremental), time recompute_tool_statistics() (full) on the same data", and the median latency
 * of five read queries. Uses DATABASE_URL when set, else an embedded PostgreSQL in a temp dir.
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
}

async function measure(store: ExecutionStore, historyRows: number): Promise<SizeResult> {
  await poolOf(store).query('VACUUM ANALYZE');
  await store.recomputeStatistics();
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
  };
  const queryP50Ms: Record<string, number> = {};
  for (const [name, fn] of Object.entries(queries)) {
    for (let i = 0; i < 5; i++) await fn();
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) samples.push(await timed(fn));
    queryP50Ms[name] = round(median(samples), 3);
  }
  return { historyRows, incrementalMs: median(incremental), fullMs: median(full), queryP50Ms };
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
      'TRUNCATE executions, tool_executions, tool_statistics, tool_statistics_deltas, tool_duration_totals CASCADE',
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
          `(${(result.fullMs / result.incrementalMs).toFixed(1)}x); query medians (ms) ${JSON.stringify(result.queryP50Ms)}`,
      );
    }
    const [base, big] = results as [SizeResult, SizeResult];
    console.log(
      JSON.stringify({
        history_rows: base.historyRows,
        incremental_ms: round(base.incrementalMs),
        full_ms: round(base.fullMs),
        ratio_full_over_incremental: round(base.fullMs / base.incrementalMs),
        growth_10x: round(big.incrementalMs / base.incrementalMs),
        query_p50_ms: base.queryP50Ms,
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
