import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { EventEmitter } from 'eventemitter3';
import { ExecutionStore, attachExecutionHistory, type Durability } from '../../../src/index.js';
import { expectFigure, sleep, storedCounts, type ScenarioResult } from './common.js';
import { poolOf } from '../../../src/store/internal.js';
import { requireBuilt } from '../../helpers/built.js';

const CHILD = path.resolve('dist/test/reliability/fixtures/crash-child.js');

/** Refuses to run without the compiled child (see requireBuilt). */
export function ensureBuilt(file: string): void {
  requireBuilt(file);
}

export interface CrashOptions {
  url: string;
  durability: Durability;
  /** How long the child logs before SIGKILL. */
  runMs: number;
  flushIntervalMs?: number;
}

/**
 * A child logging through the middleware is killed with SIGKILL mid-run; a new handle on the same
 * spool folder replays what was spooled. Loss must stay within the rows accepted during the last
 * flush interval ('batched') or be zero ('sync').
 */
export async function crashAndReplay(options: CrashOptions): Promise<ScenarioResult> {
  ensureBuilt(CHILD);
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-crash-'));
  const store = await ExecutionStore.open({ connectionString: options.url, migrate: false });
  try {
    const child = spawn(
      process.execPath,
      [CHILD, spoolDir, options.durability, String(flushIntervalMs)],
      {
        env: { ...process.env, DENDRITE_CRASH_URL: options.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const acks: Array<{ runId: string; at: number }> = [];
    let readyResolve: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (readyResolve = resolve));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line === 'ready') readyResolve();
      else if (line.startsWith('ack ')) acks.push({ runId: line.slice(4), at: performance.now() });
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await Promise.race([ready, exited]);
    if (child.exitCode !== null) throw new Error(`crash child exited early: ${stderr.trim()}`);
    await sleep(options.runMs);
    const killedAt = performance.now();
    child.kill('SIGKILL');
    await exited;
    lines.close();

    // A new process would do just this: attach a handle on the same spool folder.
    const replayer = attachExecutionHistory(new EventEmitter(), { store, spoolDir });
    replayer.on('error', () => undefined);
    await replayer.flush({ timeoutMs: 30_000 });
    const closed = await replayer.close({ timeoutMs: 30_000 });
    const runIds = acks.map((a) => a.runId);
    const stored = await storedCounts(poolOf(store), runIds);
    const lost = runIds.length - stored.executions;
    // Runs acknowledged in the last flush interval before the kill, plus half a second for the
    // batch that was on the wire (a loaded machine makes it slow) and for the pipe to the parent.
    const window = acks.filter((a) => a.at >= killedAt - flushIntervalMs - 500).length;
    const problems: string[] = [];
    if (options.durability === 'sync')
      expectFigure(problems, lost === 0, `lost ${lost} runs in sync mode`);
    else
      expectFigure(
        problems,
        lost <= window,
        `lost ${lost} runs, more than the ${window} of the last flush interval`,
      );
    expectFigure(
      problems,
      stored.duplicateToolRuns === 0,
      `${stored.duplicateToolRuns} duplicated tool runs`,
    );
    expectFigure(
      problems,
      closed.spooledRows === 0,
      `${closed.spooledRows} rows still spooled after replay`,
    );
    expectFigure(problems, runIds.length > 0, 'the child acknowledged no runs');
    return {
      name: `crash-${options.durability}`,
      figures: {
        sent: runIds.length,
        stored: stored.executions,
        duplicated: stored.duplicateToolRuns,
        lost,
        loss_bound_last_interval: options.durability === 'sync' ? 0 : window,
        replayed: replayer.stats().replayed,
      },
      problems,
    };
  } finally {
    await store.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}
