/**
 * bench:ui — server time per web UI page at 1M tool runs, side by side with the library call the
 * CLI makes for the same view (the CLI has no filtered or paged listing: those rows compare with
 * `recent --limit 50`, the closest read).
 *
 *   npm run bench:ui              1,000,000 tool runs (200,000 executions) over 30 days
 *   npm run bench:ui -- --quick   100,000 tool runs
 *
 * History is generated with generate_series (as bench:stats does): 50 tools, one of them rare
 * (0.1% of runs), a seventh of executions failed, five runs per execution. The weekly and daily
 * jobs run once so recommendations and job history exist. Each page is requested 3 times to warm
 * up, then 15 times; the median of the wall time of a request over loopback is the server's time
 * (rendering included). Uses DATABASE_URL when set, else an embedded PostgreSQL in a temp folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildReport,
  ExecutionStore,
  runJob,
  serveUi,
  startEmbeddedPostgres,
} from '../src/index.js';
import { poolOf } from '../src/store/internal.js';

const quick = process.argv.includes('--quick');
const TOOL_RUNS = quick ? 100_000 : 1_000_000;
const RUNS_PER_EXECUTION = 5;
const TOOLS = 50;
const DAYS = 30;
const WARMUP = 3;
const SAMPLES = 15;
const GOAL_MS = 300;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timedMedian(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function load(store: ExecutionStore): Promise<void> {
  const pool = poolOf(store);
  const executions = TOOL_RUNS / RUNS_PER_EXECUTION;
  const chunk = 200_000;
  for (let from = 0; from < executions; from += chunk) {
    const to = Math.min(executions, from + chunk) - 1;
    await pool.query(
      `INSERT INTO executions (execution_id, goal_text, intent, success, error, duration_ms, created_at, metadata)
       SELECT lpad(to_hex(g), 32, '0')::uuid,
              'goal ' || g || CASE WHEN g % 1000 = 0 THEN ' quarterly invoice' ELSE ' lookup' END,
              (ARRAY['search','calculate','files','chat'])[1 + g % 4], g % 7 <> 0,
              CASE WHEN g % 7 = 0 THEN 'tool failed' END, 50 + g % 900,
              now() - g * ($3::double precision * interval '1 day') / $4::double precision,
              '{"model":"bench","usage":{"inputTokens":100,"outputTokens":20}}'
         FROM generate_series($1::bigint, $2::bigint) g`,
      [from, to, DAYS, executions],
    );
    await pool.query(
      `INSERT INTO tool_executions (call_id, execution_id, tool_name, parameters, success, error, duration_ms, created_at)
       SELECT lpad(to_hex(g), 32, '0')::uuid, lpad(to_hex(g / $3::bigint), 32, '0')::uuid,
              CASE WHEN g % 1000 = 7 THEN 'rare_tool' ELSE 'tool_' || (g % ${TOOLS}) END,
              jsonb_build_object('n', g), (g / $3::bigint) % 7 <> 0 OR g % $3::bigint <> 0,
              CASE WHEN (g / $3::bigint) % 7 = 0 AND g % $3::bigint = 0 THEN 'Timeout after ' || (g % 3) || ' s' END,
              10 + (g * 31) % 2000,
              now() - (g / $3::bigint) * ($4::double precision * interval '1 day') / $5::double precision
                    + (g % $3::bigint) * interval '10 ms'
         FROM generate_series($1::bigint * $3::bigint, ($2::bigint + 1) * $3::bigint - 1) g`,
      [from, to, RUNS_PER_EXECUTION, DAYS, executions],
    );
  }
  await pool.query('VACUUM ANALYZE');
  await store.recomputeStatistics();
  for (const job of ['hourly-statistics', 'daily-low-performers', 'weekly-tool-lifecycle'])
    await runJob(store, job);
}

async function main(): Promise<void> {
  let url = process.env.DATABASE_URL;
  const cleanups: Array<() => Promise<void>> = [];
  if (url === undefined) {
    const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-bench-ui-'));
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      persistent: false,
      serverFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_wal_size=4GB'],
    });
    url = await server.createDatabase(`bench_ui_${process.pid}`);
    cleanups.push(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }
  const store = await ExecutionStore.open({ connectionString: url });
  const started = performance.now();
  await load(store);
  console.log(
    `loaded ${TOOL_RUNS.toLocaleString('en')} tool runs (${(TOOL_RUNS / RUNS_PER_EXECUTION).toLocaleString('en')} executions, ${DAYS} days) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const ui = await serveUi({ store, port: 0 });
  try {
    const page = async (route: string): Promise<void> => {
      const res = await fetch(new URL(route, ui.url));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${route} answered ${res.status}`);
    };
    const first = (await (await fetch(new URL('/api/executions?limit=1', ui.url))).json()) as {
      items: Array<{ executionId: string }>;
    };
    const executionId = first.items[0]!.executionId;
    // A cursor 20 pages deep, to show keyset pages cost the same at any depth.
    let after = '';
    for (let i = 0; i < 20; i++) {
      const body = (await (
        await fetch(new URL(`/api/executions${after === '' ? '' : `?after=${after}`}`, ui.url))
      ).json()) as { next: string };
      after = body.next;
    }
    const recent = (): Promise<unknown> => store.getRecentExecutions({ limit: 50 });
    const rows: Array<[string, string, () => Promise<unknown>, string, () => Promise<unknown>]> = [
      [
        'overview 24h',
        '/?range=24h',
        () => page('/?range=24h'),
        'report --days 1',
        () => buildReport(store, { days: 1 }),
      ],
      [
        'overview 7d',
        '/?range=7d',
        () => page('/?range=7d'),
        'report --days 7',
        () => buildReport(store, { days: 7 }),
      ],
      [
        'overview 30d',
        '/?range=30d',
        () => page('/?range=30d'),
        'report --days 30',
        () => buildReport(store, { days: 30 }),
      ],
      ['executions', '/executions', () => page('/executions'), 'recent --limit 50', recent],
      [
        'executions page 21',
        '/executions?after=…',
        () => page(`/executions?after=${after}`),
        'recent --limit 50',
        recent,
      ],
      [
        'failures of tool_3',
        '/executions?success=false&tool=tool_3',
        () => page('/executions?success=false&tool=tool_3'),
        'recent --limit 50',
        recent,
      ],
      [
        'failures of rare_tool',
        '/executions?success=false&tool=rare_tool',
        () => page('/executions?success=false&tool=rare_tool'),
        'recent --limit 50',
        recent,
      ],
      [
        'goal text search',
        '/executions?q=invoice',
        () => page('/executions?q=invoice'),
        'recent --limit 50',
        recent,
      ],
      [
        'execution detail',
        '/executions/:id',
        () => page(`/executions/${executionId}`),
        'recent --limit 1',
        () => store.getRecentExecutions({ limit: 1 }),
      ],
      [
        'tools',
        '/tools',
        () => page('/tools'),
        'stats',
        () => store.getTopTools({ limit: 10_000, minExecutions: 0 }),
      ],
      [
        'tool page 30d',
        '/tools/tool_3',
        () => page('/tools/tool_3'),
        'stats tool_3',
        () => store.getToolStatistics('tool_3'),
      ],
      [
        'tool page 7d',
        '/tools/tool_3?range=7d',
        () => page('/tools/tool_3?range=7d'),
        'stats tool_3',
        () => store.getToolStatistics('tool_3'),
      ],
      [
        'recommendations',
        '/recommendations',
        () => page('/recommendations'),
        'recommendations',
        () => store.listRecommendations(),
      ],
      [
        'jobs',
        '/jobs',
        () => page('/jobs'),
        'jobs history',
        () => store.listJobRuns({ limit: 100 }),
      ],
    ];
    console.log(`\nmedian of ${SAMPLES} after ${WARMUP} warm-up, ms (goal: page < ${GOAL_MS} ms)`);
    console.log(
      `${'page'.padEnd(24)}${'UI ms'.padStart(9)}  ${'CLI equivalent'.padEnd(20)}${'CLI ms'.padStart(9)}${'ratio'.padStart(8)}  ok`,
    );
    for (const [name, , uiFn, cliName, cliFn] of rows) {
      const uiMs = await timedMedian(uiFn);
      const cliMs = await timedMedian(cliFn);
      console.log(
        `${name.padEnd(24)}${uiMs.toFixed(1).padStart(9)}  ${cliName.padEnd(20)}${cliMs.toFixed(1).padStart(9)}${(uiMs / cliMs).toFixed(2).padStart(8)}  ${uiMs < GOAL_MS ? 'yes' : 'NO'}`,
      );
    }
  } finally {
    await ui.close();
    await store.close();
    for (const cleanup of cleanups) await cleanup();
  }
}

await main();
