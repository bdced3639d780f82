import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ExecutionStore,
  attachExecutionHistory,
  startEmbeddedPostgres,
} from '../../../src/index.js';
import {
  deliveryProblems,
  expectFigure,
  percentile,
  sleep,
  sortedCopy,
  storedCounts,
  type ScenarioResult,
} from './common.js';
import { drive, referenceOrchestrator } from './workload.js';
import { poolOf } from '../../../src/store/internal.js';

export interface OutageOptions {
  /** Whole run. */
  durationMs: number;
  /** How long the server is down, centred in the run. */
  outageMs: number;
  workers?: number;
  /** The handle's in-memory bound (rows). */
  maxQueueRows?: number;
}

/**
 * Workers drive the reference orchestrator while PostgreSQL is stopped and restarted in the middle.
 * Everything sent must be stored exactly once; process() must not slow down; memory stays bounded.
 */
export async function outageUnderLoad(options: OutageOptions): Promise<ScenarioResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-outage-'));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'data'),
    persistent: true,
    serverFlags: ['-c', 'fsync=off'],
  });
  const store = await ExecutionStore.open({ connectionString: server.url });
  const maxQueueRows = options.maxQueueRows ?? 10_000;
  try {
    const orch = referenceOrchestrator();
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir: path.join(root, 'spool'),
      maxQueueRows,
      retryBaseMs: 50,
      retryMaxMs: 500,
    });
    handle.on('error', () => undefined); // counted in stats(); the outage makes plenty
    global.gc?.();
    const heapBase = process.memoryUsage().heapUsed;
    let heapPeak = heapBase;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 50);
    const outageStart = (options.durationMs - options.outageMs) / 2;
    const outage = (async () => {
      await sleep(outageStart);
      await server.stop();
      await sleep(options.outageMs);
      await server.restart();
    })();
    const run = await drive(orch, {
      workers: options.workers ?? 4,
      durationMs: options.durationMs,
    });
    await outage;
    const closed = await handle.close({ timeoutMs: 60_000 });
    clearInterval(sampler);
    const stats = handle.stats();
    const stored = await storedCounts(poolOf(store), run.runIds);

    const before = sortedCopy(run.latencies.filter((l) => l.at < outageStart).map((l) => l.ms));
    const during = sortedCopy(
      run.latencies
        .filter((l) => l.at >= outageStart && l.at < outageStart + options.outageMs)
        .map((l) => l.ms),
    );
    const p99Before = percentile(before, 99);
    const p99During = percentile(during, 99);
    const heapGrowthMb = (heapPeak - heapBase) / 2 ** 20;
    // In memory: at most the queue bound of rows (~2 KiB each, generously) plus runtime slack.
    const heapBoundMb = (maxQueueRows * 2048) / 2 ** 20 + 48;
    const sent = run.runIds.length;
    const problems: string[] = [];
    deliveryProblems(problems, { runs: sent, toolRuns: run.toolEnds }, stored, {
      spooledRows: closed.spooledRows,
      dropped: stats.dropped,
    });
    expectFigure(
      problems,
      heapGrowthMb < heapBoundMb,
      `heap grew ${heapGrowthMb.toFixed(1)} MiB (bound ${heapBoundMb.toFixed(0)})`,
    );
    return {
      name: 'outage-under-load',
      figures: {
        sent,
        tool_runs_sent: run.toolEnds,
        stored: stored.executions,
        tool_runs_stored: stored.toolRuns,
        duplicated: stored.duplicateToolRuns,
        lost: sent - stored.executions + (run.toolEnds - stored.toolRuns),
        spooled_during_outage: stats.spooled + stats.replayed,
        retried: stats.retried,
        p99_before_ms: p99Before,
        p99_during_ms: p99During,
        heap_growth_mb: heapGrowthMb,
      },
      problems,
    };
  } finally {
    await store.close();
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** The latency check, kept out of the test suite (shared machines are noisy): the report applies it. */
export function latencyProblems(result: ScenarioResult): string[] {
  const before = Number(result.figures.p99_before_ms);
  const during = Number(result.figures.p99_during_ms);
  // Sub-millisecond p99s are timer noise; compare with a 1 ms floor.
  return during <= 2 * Math.max(before, 1)
    ? []
    : [`process() p99 ${during.toFixed(2)} ms during the outage vs ${before.toFixed(2)} ms before`];
}
