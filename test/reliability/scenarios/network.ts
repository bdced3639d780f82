import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ExecutionStore, attachExecutionHistory } from '../../../src/index.js';
import {
  deliveryProblems,
  expectFigure,
  sleep,
  storedCounts,
  type ScenarioResult,
} from './common.js';
import { drive, referenceOrchestrator } from './workload.js';
import { poolOf } from '../../../src/store/internal.js';

/**
 * Connections are reset mid-batch: every few milliseconds another session terminates the writer's
 * backends (pg_terminate_backend) while workers keep logging. Batches are retried; nothing lost or doubled.
 */
export async function connectionResets(options: {
  url: string;
  durationMs: number;
}): Promise<ScenarioResult> {
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-reset-'));
  const store = await ExecutionStore.open({ connectionString: options.url, migrate: false });
  const killer = new pg.Client({
    connectionString: options.url,
    application_name: 'dendrite-reliability-killer',
  });
  await killer.connect();
  try {
    const orch = referenceOrchestrator();
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir,
      batchSize: 100,
      flushIntervalMs: 10,
      retryBaseMs: 10,
      retryMaxMs: 100,
    });
    handle.on('error', () => undefined);
    let terminated = 0;
    let stop = false;
    const killing = (async () => {
      while (!stop) {
        // Only this database's writer sessions: other databases on the server are left alone.
        const r = await killer.query<{ n: number }>(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
             FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND application_name = 'dendrite-history' AND state = 'active'`,
        );
        terminated += r.rows[0]!.n;
        await sleep(3);
      }
    })();
    const run = await drive(orch, { workers: 4, durationMs: options.durationMs, pauseMs: 0 });
    stop = true;
    await killing;
    const closed = await handle.close({ timeoutMs: 30_000 });
    const stats = handle.stats();
    const stored = await storedCounts(poolOf(store), run.runIds);
    const problems: string[] = [];
    expectFigure(
      problems,
      terminated > 0,
      'no writer session was caught mid-statement; the scenario proved nothing',
    );
    deliveryProblems(problems, { runs: run.runIds.length, toolRuns: run.toolEnds }, stored, {
      spooledRows: closed.spooledRows,
      dropped: stats.dropped,
    });
    return {
      name: 'connection-resets',
      figures: {
        sent: run.runIds.length,
        stored: stored.executions,
        duplicated: stored.duplicateToolRuns,
        lost: run.runIds.length - stored.executions,
        backends_terminated: terminated,
        retried: stats.retried,
      },
      problems,
    };
  } finally {
    await killer.end().catch(() => undefined);
    await store.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/**
 * Statement timeouts: a session holds a lock on the tables for longer than the writer's
 * statement_timeout, so its inserts are cancelled (SQLSTATE 57014) and retried until the lock goes.
 */
export async function statementTimeouts(options: {
  url: string;
  lockMs: number;
}): Promise<ScenarioResult> {
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-timeout-'));
  const store = await ExecutionStore.open({
    connectionString: options.url,
    migrate: false,
    statementTimeoutMs: 100,
  });
  const locker = new pg.Client({ connectionString: options.url });
  await locker.connect();
  try {
    const orch = referenceOrchestrator();
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir,
      flushIntervalMs: 20,
      retryBaseMs: 20,
      retryMaxMs: 200,
    });
    handle.on('error', () => undefined);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE executions IN EXCLUSIVE MODE');
    const release = (async () => {
      await sleep(options.lockMs);
      await locker.query('COMMIT');
    })();
    const run = await drive(orch, { workers: 2, durationMs: options.lockMs + 300 });
    await release;
    const closed = await handle.close({ timeoutMs: 30_000 });
    const stats = handle.stats();
    const stored = await storedCounts(poolOf(store), run.runIds);
    const problems: string[] = [];
    expectFigure(
      problems,
      stats.retried > 0,
      'no statement timed out; the scenario proved nothing',
    );
    deliveryProblems(problems, { runs: run.runIds.length, toolRuns: run.toolEnds }, stored, {
      spooledRows: closed.spooledRows,
      dropped: stats.dropped,
    });
    return {
      name: 'statement-timeout',
      figures: {
        sent: run.runIds.length,
        stored: stored.executions,
        duplicated: stored.duplicateToolRuns,
        lost: run.runIds.length - stored.executions,
        retried: stats.retried,
      },
      problems,
    };
  } finally {
    await locker.end().catch(() => undefined);
    await store.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}
