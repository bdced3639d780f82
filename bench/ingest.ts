// Ingest benchmark: what the middleware costs and how fast it writes, measured side by side in
// one run on the same database.
//
//   npm run bench:ingest [-- --quick]
//
// (a) executions/s logged through attachExecutionHistory (reference Orchestrator, 3 tool runs each),
//     the producer pacing itself on the handle's queue; also the unpaced burst, which spools
// (b), (a) and (b2) run in rounds (--rounds, 5 with --quick, else 3), order rotated; each figure
//     is the median of its rounds, each ratio the median of the ratios within a round
// (b) the same rows written by the fastest raw path: unnest bulk INSERTs straight through pg, both
//     tables in one statement per batch, two connections at once like the writer (also printed:
//     the usual BEGIN + INSERT + INSERT + COMMIT, four round trips per batch)
//     ((b) and (a) each write 2,000 untimed runs first, so both are timed with warm code)
// (b2) the same orchestrator and producer as (a), logged by a hand-written listener with (b)'s
//     statement and lanes: what the library adds over writing the rows yourself
// (b), (a), (b2) again with the embedded server on cores of its own and this process on the others
//     (taskset; half each, one each on two cores): the producer's CPU is then not taken from the
//     server, as with the database on its own host
// (c) the seed's way: one awaited INSERT per call
// (d) p50/p99 that attaching the middleware adds to process()
// (e) the same runs traced with the OpenTelemetry SDK instead (root span + one per tool run,
//     BatchSpanProcessor, in-memory exporter)
// (f) value-pattern masking (on by default, so in (a) and (d)): the middleware with it switched
//     off, and sanitizeJson of a text-heavy tool result with it on and off (also as the JSON column
//     text the middleware stores, sanitizeJsonText)
// (g) emit() of a tool:end carrying 1,000 arrays of 1,536 floats (the size walk stops at the cap)
// Uses DATABASE_URL's server when set, else an embedded PostgreSQL with default settings.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { context, trace, type Span } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
} from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import {
  ExecutionStore,
  Orchestrator,
  attachExecutionHistory,
  newId,
  type ExecutionHistory,
} from '../src/index.js';
import {
  bulkInsertExecutions,
  bulkInsertRuns,
  bulkInsertToolExecutions,
} from '../src/sql/executions.js';
import type { ExecutionRow, ToolExecutionRow } from '../src/schema/rows.js';
import { coreSplit } from './lib/cpu-split.js';
import { benchDatabase } from './lib/database.js';
import { HandLogger } from './lib/hand-logger.js';
import { maskingCost, sizeWalkCost } from './lib/payload-cost.js';
import { argValue, percentile, round, yieldMacrotask } from './lib/stats.js';
import { poolOf } from '../src/store/internal.js';

const quick = process.argv.includes('--quick');
const INGEST_RUNS = Number(argValue('--runs') ?? (quick ? 20_000 : 100_000));
/** Runs through (b) and (a) before they are timed, so both are measured with compiled code. */
const WARM_RUNS = Math.min(INGEST_RUNS, 2_000);
/**
 * Rounds of (b), (a) and (b2): each figure is the median of its rounds, each ratio the median of
 * the ratios within a round (trials run back to back share the machine's load of the moment).
 */
const ROUNDS = Number(argValue('--rounds') ?? (quick ? 5 : 3));
const SEED_RUNS = Number(argValue('--seed-runs') ?? (quick ? 400 : 2_000));
const LATENCY_CALLS = Number(argValue('--calls') ?? (quick ? 15_000 : 60_000));
const BATCH_ROWS = 500;
/** The latency runs go on once each handle holds at most this many rows (two batches). */
const CAUGHT_UP_ROWS = 2 * BATCH_ROWS;
const GOAL = 'alpha 1 then beta 2 then gamma 3';

function makeOrchestrator(): Orchestrator {
  const orch = new Orchestrator();
  orch.registerTool('alpha_tool', (p) => ({ value: p.numbers[0], ok: true }));
  orch.registerTool('beta_tool', async (p) => ({ value: p.numbers[0], ok: true }));
  orch.registerTool('gamma_tool', (p) => ({ value: p.numbers[0], ok: true }));
  return orch;
}

async function truncate(store: ExecutionStore): Promise<void> {
  await poolOf(store).query('TRUNCATE executions, tool_executions CASCADE');
  await poolOf(store).query('CHECKPOINT');
}

/** Pacing threshold of (a) and (b2): half of (a)'s queue bound. */
const PACE_ROWS = 5_000;

/**
 * The producer of (a) and (b2): waves of 250 process() calls at once, a yield to the event loop
 * after each, and a wait while `behind()` says the logger holds too much.
 */
async function produce(orch: Orchestrator, runs: number, behind: () => boolean): Promise<void> {
  const wave = 250;
  for (let done = 0; done < runs; done += wave) {
    const n = Math.min(wave, runs - done);
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < n; i++) calls.push(orch.process(GOAL));
    await Promise.all(calls);
    await yieldMacrotask();
    while (behind()) await new Promise((r) => setTimeout(r, 1));
  }
}

/** (b2) The same orchestrator and producer, logged by hand (see lib/hand-logger.ts). */
async function handWritten(store: ExecutionStore, runs = INGEST_RUNS): Promise<number> {
  const orch = makeOrchestrator();
  const logger = new HandLogger(orch, poolOf(store), BATCH_ROWS);
  const t0 = performance.now();
  await produce(orch, runs, () => logger.queuedRows > PACE_ROWS);
  await logger.end();
  const seconds = (performance.now() - t0) / 1000;
  const { rows } = await poolOf(store).query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tool_executions',
  );
  if (rows[0]!.n !== runs * 3)
    throw new Error(`hand-written logging wrote ${rows[0]!.n} tool runs`);
  return runs / seconds;
}

/**
 * (a) Runs through the middleware, many in flight at once, until everything is committed. With
 * `paced`, the producer waits while the handle's queue is over half full: the sustained rate of
 * the write path. Without, it bursts as fast as process() returns, so the bounded queue overflows
 * to the spool and back (what an overloaded orchestrator gets: nothing lost, every row written twice).
 */
async function ingest(
  store: ExecutionStore,
  spoolDir: string,
  paced: boolean,
  runs = INGEST_RUNS,
): Promise<{ perS: number; spooledRows: number }> {
  const orch = makeOrchestrator();
  const maxQueueRows = 2 * PACE_ROWS;
  const handle = attachExecutionHistory(orch, { store, spoolDir, maxQueueRows });
  let errors = 0;
  handle.on('error', () => errors++);
  const t0 = performance.now();
  await produce(orch, runs, paced ? () => handle.stats().queued > maxQueueRows / 2 : () => false);
  const report = await handle.flush({ timeoutMs: 600_000 });
  const seconds = (performance.now() - t0) / 1000;
  const stats = handle.stats();
  await handle.close();
  if (!report.complete || errors > 0 || stats.written !== runs * 4)
    throw new Error(`ingest incomplete: ${JSON.stringify(stats)}, ${errors} errors`);
  return { perS: runs / seconds, spooledRows: stats.replayed };
}

function rawRows(n: number): Array<{ execution: ExecutionRow; tools: ToolExecutionRow[] }> {
  const units = [];
  for (let i = 0; i < n; i++) {
    const executionId = newId();
    const now = new Date();
    units.push({
      execution: {
        executionId,
        goalId: null,
        goalText: GOAL,
        intent: 'tool_use',
        success: true,
        error: null,
        durationMs: 1,
        createdAt: now,
        metadata: '{}',
      },
      tools: ['alpha_tool', 'beta_tool', 'gamma_tool'].map((toolName, k) => ({
        callId: newId(),
        executionId,
        toolName,
        parameters: JSON.stringify({ text: `step ${k}`, numbers: [k] }),
        result: JSON.stringify({ value: k, ok: true }),
        success: true,
        error: null,
        durationMs: 0,
        createdAt: now,
      })),
    });
  }
  return units;
}

/**
 * (b) Prepared rows, unnest bulk INSERTs, batches as large as the writer's largest and as many
 * connections at once as it uses (two): the raw path at its best. `one`: both tables in one
 * statement (one round trip, the writer's own statement); `four`: BEGIN, one INSERT per table,
 * COMMIT (four round trips, the usual way; printed for comparison).
 */
async function raw(
  store: ExecutionStore,
  runs = INGEST_RUNS,
  statements: 'one' | 'four' = 'one',
): Promise<number> {
  const units = rawRows(runs);
  // The writer's largest batch (it grows to 4x batchSize when behind): the raw path's best case.
  const perBatch = (4 * BATCH_ROWS) / 4;
  let next = 0;
  const lane = async (): Promise<void> => {
    const client = await poolOf(store).connect();
    try {
      for (let i = next; i < units.length; i = next) {
        next += perBatch;
        const slice = units.slice(i, i + perBatch);
        const executions = slice.map((u) => u.execution);
        const tools = slice.flatMap((u) => u.tools);
        if (statements === 'one') {
          const q = bulkInsertRuns(executions, tools);
          await client.query(q.text, q.values);
          continue;
        }
        const e = bulkInsertExecutions(executions);
        const t = bulkInsertToolExecutions(tools);
        await client.query('BEGIN');
        await client.query(e.text, e.values);
        await client.query(t.text, t.values);
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }
  };
  const t0 = performance.now();
  await Promise.all([lane(), lane()]);
  return runs / ((performance.now() - t0) / 1000);
}

/** (c) The seed's way: one awaited INSERT per execution and per tool run. */
async function seed(store: ExecutionStore): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < SEED_RUNS; i++) {
    const executionId = await store.storeExecution({
      goalText: GOAL,
      intent: 'tool_use',
      success: true,
      durationMs: 1,
    });
    for (const [k, toolName] of ['alpha_tool', 'beta_tool', 'gamma_tool'].entries())
      await store.storeToolExecution({
        executionId,
        toolName,
        parameters: { text: `step ${k}`, numbers: [k] },
        result: { value: k, ok: true },
        success: true,
        durationMs: 0,
      });
  }
  return SEED_RUNS / ((performance.now() - t0) / 1000);
}

/** Subscribes OpenTelemetry spans to the same events: a root span per run, one per tool run. */
function traceWithOtel(orch: Orchestrator): { shutdown: () => Promise<void>; reset: () => void } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('dendrite-history-bench');
  const runs = new Map<unknown, Span>();
  const tools = new Map<string, Span>();
  orch.on('process:start', (e) => {
    runs.set(e.runId, tracer.startSpan('process', { attributes: { 'goal.text': e.goalText } }));
  });
  orch.on('tool:start', (e) => {
    const root = runs.get(e.runId);
    const ctx = root === undefined ? context.active() : trace.setSpan(context.active(), root);
    tools.set(
      e.callId,
      tracer.startSpan(
        e.toolName,
        {
          attributes: { 'tool.name': e.toolName, 'tool.parameters': JSON.stringify(e.parameters) },
        },
        ctx,
      ),
    );
  });
  orch.on('tool:end', (e) => {
    const span = tools.get(e.callId);
    tools.delete(e.callId);
    if (span === undefined) return;
    span.setAttributes({ 'tool.success': e.success, 'tool.result': JSON.stringify(e.result) });
    span.end();
  });
  const endRun = (e: { runId: unknown }): void => {
    const span = runs.get(e.runId);
    runs.delete(e.runId);
    span?.end();
  };
  orch.on('process:end', endRun);
  orch.on('process:error', endRun);
  return { shutdown: () => provider.shutdown(), reset: () => exporter.reset() };
}

/** (d)/(e) process() latency without history, with the middleware, and with OpenTelemetry. */
async function latency(
  store: ExecutionStore,
  spoolDir: string,
): Promise<{
  spooledRows: number;
  base: number[];
  mw: number[];
  otel: number[];
  unmasked: number[];
}> {
  const base = makeOrchestrator();
  const withMw = makeOrchestrator();
  const withOtel = makeOrchestrator();
  const unmasked = makeOrchestrator();
  const handle: ExecutionHistory = attachExecutionHistory(withMw, { store, spoolDir });
  const handleOff = attachExecutionHistory(unmasked, {
    store,
    spoolDir: `${spoolDir}-off`,
    maskValues: false,
  });
  const otel = traceWithOtel(withOtel);
  const variants = [
    { orch: base, samples: [] as number[] },
    { orch: withMw, samples: [] as number[] },
    { orch: withOtel, samples: [] as number[] },
    { orch: unmasked, samples: [] as number[] },
  ];
  const block = 100;
  const measure = async (warm: boolean, calls: number): Promise<void> => {
    for (let done = 0; done < calls; done += block) {
      // Interleaved blocks: drift and neighbours' noise hit every variant alike.
      for (const v of variants) {
        for (let i = 0; i < block; i++) {
          const t0 = performance.now();
          await v.orch.process(GOAL);
          const dt = performance.now() - t0;
          if (!warm) v.samples.push(dt * 1000);
          await yieldMacrotask();
        }
      }
      otel.reset();
      // Steady state, not overload: the two handles together get runs faster than the database
      // takes them (about 30,000/s against 20,000/s here), and an overflowing writer spools and
      // replays between the timed calls. Waiting here (untimed) keeps (d) about the middleware;
      // overload is the unpaced burst's figure. The spool's use is printed to show it stayed idle.
      while (handle.stats().queued > CAUGHT_UP_ROWS || handleOff.stats().queued > CAUGHT_UP_ROWS)
        await new Promise((r) => setTimeout(r, 1));
    }
  };
  await measure(true, Math.min(3_000, LATENCY_CALLS / 4));
  await measure(false, LATENCY_CALLS);
  const spooledRows = handle.stats().replayed + handleOff.stats().replayed;
  await handle.close();
  await handleOff.close();
  await otel.shutdown();
  return {
    spooledRows,
    base: variants[0]!.samples,
    mw: variants[1]!.samples,
    otel: variants[2]!.samples,
    unmasked: variants[3]!.samples,
  };
}

interface Trials {
  raw: number[];
  ingest: number[];
  hand: number[];
  /** Rows (a)'s paced runs sent through the spool. */
  spooledRows: number;
}

/**
 * (b), (a) and (b2) in ROUNDS rounds, their order rotated each round, each figure the median of
 * its rounds: a burst of a neighbour's load then hits one trial of each, not one path.
 */
async function rounds(store: ExecutionStore, spoolRoot: string, label: string): Promise<Trials> {
  const trials: Trials = { raw: [], ingest: [], hand: [], spooledRows: 0 };
  const paths: Array<() => Promise<void>> = [
    async () => void trials.raw.push(await raw(store)),
    async () => {
      const folder = path.join(spoolRoot, `${label}-a${trials.ingest.length}`);
      const paced = await ingest(store, folder, true);
      trials.ingest.push(paced.perS);
      trials.spooledRows += paced.spooledRows;
    },
    async () => void trials.hand.push(await handWritten(store)),
  ];
  for (let round = 0; round < ROUNDS; round++)
    for (let k = 0; k < paths.length; k++) {
      await paths[(round + k) % paths.length]!();
      await truncate(store);
    }
  return trials;
}

async function main(): Promise<void> {
  const db = await benchDatabase('ingest');
  const spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-bench-spool-'));
  const store = await ExecutionStore.open({ connectionString: db.url });
  try {
    // Figures from a shared machine mean little without its load: printed at the start and end.
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
    const loadAtStart = loadavg()[0]!;
    console.log(
      `ingest benchmark${quick ? ' (--quick)' : ''} on ${db.source}: ${INGEST_RUNS} runs x 3 tool runs, ` +
        `seed ${SEED_RUNS} runs, ${LATENCY_CALLS} latency calls per variant; load average ${load()}`,
    );
    await seed(store); // warm the pool and the server
    await truncate(store);
    const seedPerS = await seed(store);
    console.log(`(c) seed, one awaited INSERT per call: ${round(seedPerS, 0)} executions/s`);
    await truncate(store);
    // Both paths warmed the same way first (JIT, pool, server caches); then each timed once.
    await raw(store, WARM_RUNS);
    await raw(store, WARM_RUNS, 'four');
    await ingest(store, path.join(spoolRoot, 'warm'), true, WARM_RUNS);
    await truncate(store);
    await handWritten(store, WARM_RUNS);
    await truncate(store);
    const trials = await rounds(store, spoolRoot, 'shared');
    const pacedSpooledRows = trials.spooledRows;
    const median = (xs: number[]) => percentile(xs, 50);
    const each = (xs: number[]) => xs.map((x) => round(x, 0)).join(', ');
    const rawPerS = median(trials.raw);
    const ingestPerS = median(trials.ingest);
    const handPerS = median(trials.hand);
    console.log(
      `(b) raw unnest bulk INSERT via pg, one statement per batch: ${round(rawPerS, 0)} executions/s (rounds: ${each(trials.raw)})`,
    );
    const rawFourPerS = await raw(store, INGEST_RUNS, 'four');
    console.log(
      `    the same as BEGIN + one INSERT per table + COMMIT (four round trips): ${round(rawFourPerS, 0)} executions/s`,
    );
    await truncate(store);
    // Rows that went through the spool are printed on the line of the run they belong to.
    const through = (rows: number) => (rows > 0 ? `, ${rows} rows through the spool and back` : '');
    console.log(
      `(a) middleware (attachExecutionHistory): ${round(ingestPerS, 0)} executions/s (rounds: ${each(trials.ingest)})` +
        through(pacedSpooledRows),
    );
    console.log(
      `(b2) the same orchestrator logged by hand (rows from its events, no masking, bounds or spool; (b)'s statement and lanes): ${round(handPerS, 0)} executions/s (rounds: ${each(trials.hand)})`,
    );
    const burst = await ingest(store, path.join(spoolRoot, 'a-burst'), false);
    const burstPerS = burst.perS;
    console.log(
      `    unpaced burst (producer outruns the database; overflow spooled): ${round(burstPerS, 0)} executions/s` +
        through(burst.spooledRows),
    );
    await truncate(store);
    // The same rounds with the server on cores of its own: on shared cores every microsecond the
    // producer spends (orchestrator, middleware or hand-written logger) is taken from the server.
    const split = coreSplit(db.dataDir);
    let splitTrials: Trials | undefined;
    if (typeof split === 'string') {
      console.log(`(a), (b), (b2) with the server on cores of its own: not measured (${split})`);
    } else {
      split.apply();
      try {
        splitTrials = await rounds(store, spoolRoot, 'split');
      } finally {
        split.restore();
      }
      console.log(
        `with the ${split.description} (as with the database on its own host): ` +
          `(b) ${round(median(splitTrials.raw), 0)}, (a) ${round(median(splitTrials.ingest), 0)}, ` +
          `(b2) ${round(median(splitTrials.hand), 0)} executions/s` +
          through(splitTrials.spooledRows),
      );
      await truncate(store);
    }
    const { spooledRows, base, mw, otel, unmasked } = await latency(
      store,
      path.join(spoolRoot, 'd'),
    );
    const p = (s: number[], q: number) => percentile(s, q);
    const added50 = p(mw, 50) - p(base, 50);
    const added99 = p(mw, 99) - p(base, 99);
    const otel50 = p(otel, 50) - p(base, 50);
    const otel99 = p(otel, 99) - p(base, 99);
    console.log(
      `process() latency, µs  p50/p99: bare ${round(p(base, 50))}/${round(p(base, 99))}, ` +
        `middleware ${round(p(mw, 50))}/${round(p(mw, 99))}, OpenTelemetry ${round(p(otel, 50))}/${round(p(otel, 99))}`,
    );
    console.log(
      `(d) added by the middleware:  p50 ${round(added50)} µs, p99 ${round(added99)} µs` +
        ` (rows through the spool meanwhile: ${spooledRows})`,
    );
    console.log(`(e) added by OpenTelemetry:   p50 ${round(otel50)} µs, p99 ${round(otel99)} µs`);
    const off50 = p(unmasked, 50) - p(base, 50);
    const off99 = p(unmasked, 99) - p(base, 99);
    console.log(
      `(f) added with value masking on ${round(added50)}/${round(added99)} µs vs off ` +
        `${round(off50)}/${round(off99)} µs (p50/p99)`,
    );
    const masking = maskingCost(quick ? 20_000 : 100_000);
    console.log(
      `    sanitizeJson of a text-heavy tool result, µs p50/p99: masking on ` +
        `${round(masking.on.p50)}/${round(masking.on.p99)}, off ${round(masking.off.p50)}/${round(masking.off.p99)}`,
    );
    console.log(
      `    the same as the JSON column text the middleware stores (sanitizeJsonText), µs p50/p99: ` +
        `masking on ${round(masking.columnOn.p50)}/${round(masking.columnOn.p99)}, ` +
        `off ${round(masking.columnOff.p50)}/${round(masking.columnOff.p99)}`,
    );
    await truncate(store);
    const walk = await sizeWalkCost(store, path.join(spoolRoot, 'g'), quick ? 30 : 100);
    console.log(
      `(g) emit() of tool:end with 1,000 x 1,536 floats: p50 ${round(walk.p50, 3)} ms, ` +
        `p99 ${round(walk.p99, 3)} ms`,
    );
    const ratios = (xs: number[], ys: number[]) => xs.map((x, i) => x / ys[i]!);
    const perRound = (xs: number[], ys: number[]) => median(ratios(xs, ys));
    const listed = (xs: number[], ys: number[]) =>
      ` (rounds: ${ratios(xs, ys)
        .map((r) => round(r, 2))
        .join(', ')})`;
    const ratioRaw = perRound(trials.ingest, trials.raw);
    const ratioSeed = ingestPerS / seedPerS;
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
    console.log(
      `ratio (a)/(b) = ${round(ratioRaw, 3)} with value masking on, server and producer on shared cores (target >= 0.9: ${verdict(ratioRaw >= 0.9)})` +
        listed(trials.ingest, trials.raw),
    );
    const ratioRawSplit =
      splitTrials === undefined ? undefined : perRound(splitTrials.ingest, splitTrials.raw);
    const ratioHandSplit =
      splitTrials === undefined ? undefined : perRound(splitTrials.ingest, splitTrials.hand);
    if (splitTrials !== undefined && ratioRawSplit !== undefined)
      console.log(
        `ratio (a)/(b) = ${round(ratioRawSplit, 3)} with value masking on, server on cores of its own (target >= 0.9: ${verdict(ratioRawSplit >= 0.9)})` +
          listed(splitTrials.ingest, splitTrials.raw),
      );
    const ratioHand = perRound(trials.ingest, trials.hand);
    console.log(
      `ratio (a)/(b2) = ${round(ratioHand, 3)}: the library against hand-written logging, orchestrator on both sides` +
        listed(trials.ingest, trials.hand),
    );
    console.log(
      `ratio (a)/(c) = ${round(ratioSeed, 1)} (target >= 20: ${verdict(ratioSeed >= 20)})`,
    );
    console.log(
      `added p99 ${round(added99)} µs with value masking on (target < 20: ${verdict(added99 < 20)}); ` +
        `added p50 ${round(added50)} vs OpenTelemetry ${round(otel50)} µs (target below: ${verdict(added50 < otel50)})`,
    );
    console.log(`load average at the end: ${load()}`);
    console.log(
      JSON.stringify({
        load_avg_1m_start: round(loadAtStart, 2),
        load_avg_1m_end: round(loadavg()[0]!, 2),
        ingest_per_s: round(ingestPerS, 1),
        ingest_burst_per_s: round(burstPerS, 1),
        raw_per_s: round(rawPerS, 1),
        raw_four_statements_per_s: round(rawFourPerS, 1),
        seed_per_s: round(seedPerS, 1),
        ratio_raw: round(ratioRaw, 3),
        hand_written_per_s: round(handPerS, 1),
        ratio_hand_written: round(ratioHand, 3),
        raw_split_per_s: splitTrials && round(median(splitTrials.raw), 1),
        ingest_split_per_s: splitTrials && round(median(splitTrials.ingest), 1),
        hand_written_split_per_s: splitTrials && round(median(splitTrials.hand), 1),
        ratio_raw_split: ratioRawSplit && round(ratioRawSplit, 3),
        ratio_hand_written_split: ratioHandSplit && round(ratioHandSplit, 3),
        ratio_seed: round(ratioSeed, 2),
        added_p50_us: round(added50, 2),
        added_p99_us: round(added99, 2),
        otel_p50_us: round(otel50, 2),
        otel_p99_us: round(otel99, 2),
        unmasked_p50_us: round(off50, 2),
        unmasked_p99_us: round(off99, 2),
        sanitize_masked_p50_us: round(masking.on.p50, 2),
        sanitize_masked_p99_us: round(masking.on.p99, 2),
        sanitize_unmasked_p50_us: round(masking.off.p50, 2),
        sanitize_unmasked_p99_us: round(masking.off.p99, 2),
        column_masked_p50_us: round(masking.columnOn.p50, 2),
        column_unmasked_p50_us: round(masking.columnOff.p50, 2),
        huge_emit_p50_ms: round(walk.p50, 3),
        huge_emit_p99_ms: round(walk.p99, 3),
      }),
    );
  } finally {
    await store.close();
    await db.dispose();
    await rm(spoolRoot, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
