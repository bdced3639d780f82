import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'eventemitter3';
import {
  ExecutionStore,
  attachExecutionHistory,
  newId,
  type OrchestratorEvents,
} from '../../../src/index.js';
import { expectFigure, type ScenarioResult } from './common.js';
import { poolOf } from '../../../src/store/internal.js';

/**
 * Many executions logged through the middleware in one process: the database count must be exact
 * and the resident memory must stay flat (the queue is bounded; nothing accumulates per run).
 * Runs are emitted straight through the contract (process:start, one tool, process:end) so the
 * figure measures the history layer, not an orchestrator.
 */
export async function longRun(options: {
  url: string;
  executions: number;
  rssLimitMb: number;
}): Promise<ScenarioResult> {
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-long-'));
  const store = await ExecutionStore.open({ connectionString: options.url, migrate: false });
  try {
    const before = (
      await poolOf(store).query<{ n: number }>('SELECT count(*)::int AS n FROM executions')
    ).rows[0]!.n;
    const orch = new EventEmitter<OrchestratorEvents>();
    const handle = attachExecutionHistory(orch, { store, spoolDir });
    handle.on('error', () => undefined);
    const rssStart = process.memoryUsage().rss;
    let rssPeak = rssStart;
    const sampler = setInterval(
      () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)),
      100,
    );
    for (let i = 0; i < options.executions; i++) {
      const runId = newId();
      const callId = newId();
      orch.emit('process:start', { runId, goalText: `long run goal ${i}` });
      orch.emit('tool:start', { runId, callId, toolName: `tool_${i % 20}`, parameters: { i } });
      orch.emit('tool:end', {
        runId,
        callId,
        toolName: `tool_${i % 20}`,
        success: i % 7 !== 0,
        result: { ok: i },
        durationMs: i % 50,
      });
      orch.emit('process:end', { runId, result: { success: i % 7 !== 0, intent: 'tool_use' } });
      // Yield now and then so the writer can flush, as a real event loop would.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
      // Back-pressure as a real orchestrator gets it from its own work: wait while the queue is large.
      while (handle.stats().queued > 5_000) await new Promise((r) => setTimeout(r, 5));
    }
    const closed = await handle.close({ timeoutMs: 120_000 });
    clearInterval(sampler);
    const after = (
      await poolOf(store).query<{ n: number }>('SELECT count(*)::int AS n FROM executions')
    ).rows[0]!.n;
    const stored = after - before;
    const rssPeakMb = rssPeak / 2 ** 20;
    const problems: string[] = [];
    expectFigure(
      problems,
      stored === options.executions,
      `stored ${stored} of ${options.executions}`,
    );
    expectFigure(
      problems,
      closed.spooledRows === 0 && handle.stats().dropped === 0,
      'rows left spooled or dropped',
    );
    expectFigure(
      problems,
      rssPeakMb < options.rssLimitMb,
      `RSS peaked at ${rssPeakMb.toFixed(0)} MB (limit ${options.rssLimitMb})`,
    );
    return {
      name: 'long-run',
      figures: {
        sent: options.executions,
        stored,
        lost: options.executions - stored,
        rss_start_mb: rssStart / 2 ** 20,
        rss_peak_mb: rssPeakMb,
      },
      problems,
    };
  } finally {
    await store.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}
