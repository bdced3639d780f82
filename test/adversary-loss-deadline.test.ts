// Adversarial loss tests for deadlines (issue 10, items 1 and 25): close() must keep its deadline
// however it is spent (a replay at close, several retries asleep at once, a wall clock that jumps),
// and never lose or double-count a row for it. Real PostgreSQL, real files; time is never measured:
// the wall clock is moved instead.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExecutionStore } from '../src/index.js';
import { portsOf } from '../src/schema/ports.js';
import { BatchWriter } from '../src/writer/batch-writer.js';
import { Deadline } from '../src/writer/deadline.js';
import { Spool } from '../src/writer/spool.js';
import { SpoolTarget, serverKey } from '../src/writer/spool-target.js';
import type { HistoryUnit } from '../src/writer/unit.js';
import { spoolUnit as unit } from './helpers/spool-units.js';
import { openTestStore } from './helpers/db.js';
import { requireBuilt } from './helpers/built.js';

const CHILD = path.resolve('dist/test/fixtures/adversary-loss-replay-child.js');
const CLOCK_CHILD = path.resolve('dist/test/fixtures/adversary-loss-clock-child.js');

let store: ExecutionStore;
let url: string;
let db: pg.Pool;
let root: string;

beforeAll(async () => {
  requireBuilt(CHILD, CLOCK_CHILD);
  ({ store, url } = await openTestStore());
  db = new pg.Pool({ connectionString: url, max: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-adv-deadline-'));
});
afterAll(async () => {
  await db?.end();
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

let dirs = 0;
const newDir = () => path.join(root, `s${++dirs}`);

async function storedExecutions(units: HistoryUnit[]): Promise<number> {
  const ids = units.map((u) => u.execution.executionId);
  const e = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
    [ids],
  );
  return e.rows[0]!.n;
}

/** Leaves `units` in a sealed spool file of `dir`, as a handle that closed during an outage would. */
async function leaveSpooled(dir: string, units: HistoryUnit[]): Promise<void> {
  const spool = new Spool(dir);
  const target = new SpoolTarget('cunused');
  target.confirm(serverKey(await portsOf(store).sink.serverTarget()));
  spool.setTarget(target);
  await spool.appendBatch(units);
  await spool.sealSpill();
  await spool.release();
}

function newWriter(dir: string): BatchWriter {
  return new BatchWriter({
    sink: portsOf(store).sink,
    spool: new Spool(dir),
    batchSize: 4,
    flushIntervalMs: 5,
    maxQueueRows: 1_000,
    onOverflow: 'spool',
    retryBaseMs: 10,
    retryMaxMs: 50,
  });
}

describe('close() keeps its deadline', () => {
  it('a replay at close stops at the deadline; what it did not replay stays in the spool and is reported', async () => {
    const dir = newDir();
    const writer = newWriter(dir);
    expect((await writer.flush({ timeoutMs: 20_000 })).complete).toBe(true);
    // Another handle's outage left 20 runs (40 rows) behind; close finds them with time to spare.
    const units = Array.from({ length: 20 }, () => unit(1));
    await leaveSpooled(dir, units);
    // The deadline runs on the monotonic clock: that is the clock moved here (timers stay real).
    vi.useFakeTimers({ toFake: ['Date', 'performance'], now: Date.now() });
    let replayed = 0;
    writer.on('flushed', (e) => {
      if (!e.replay) return;
      replayed += e.rows;
      // The first replayed batch took all of close's time.
      if (replayed === e.rows) vi.advanceTimersByTime(3_600_000);
    });
    const closed = await writer.close({ timeoutMs: 60_000 });
    vi.useRealTimers();
    const written = await storedExecutions(units);
    expect(written).toBeLessThan(20);
    // The file is handed back whole (its replayed rows are replayed again: a no-op).
    expect(closed.spooledRows).toBeGreaterThanOrEqual(40 - written * 2);
    expect(closed.spoolFiles.length).toBeGreaterThan(0);
    expect(closed.dropped).toBe(0);
    const next = newWriter(dir);
    expect((await next.flush({ timeoutMs: 20_000 })).complete).toBe(true);
    expect((await next.close({ timeoutMs: 5_000 })).spooledRows).toBe(0);
    expect(await storedExecutions(units)).toBe(20);
  });

  it('every retry asleep when the deadline comes wakes up, not only the last one to sleep', async () => {
    const deadline = new Deadline();
    const hour = 3_600_000;
    const sleeps = [deadline.sleep(hour), deadline.sleep(hour), deadline.sleep(hour)];
    deadline.at = Date.now();
    deadline.wake();
    // Before the fix only the last sleep woke; the others slept their hour (the test times out).
    await Promise.all(sleeps);
    expect(deadline.passed()).toBe(true);
  }, 20_000);

  it('a process awaiting close() stays alive while a replay at close retries a database that went away again', async () => {
    const dir = newDir();
    const child = spawn(process.execPath, [CHILD, dir, '1500'], {
      env: { ...process.env, DENDRITE_CLOSE_URL: url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const units = Array.from({ length: 30 }, () => unit(1));
    let report: { spooledRows: number; dropped: number } | undefined;
    try {
      for await (const line of createInterface({ input: child.stdout! })) {
        if (line === 'ready') {
          await leaveSpooled(dir, units);
          child.stdin!.end('go\n');
        } else if (line.startsWith('report ')) report = JSON.parse(line.slice(7)).report;
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // Before: the retry's sleep was the only thing left and unref'd: exit 13, no report.
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
    expect(report).toBeDefined();
    expect(report!.dropped).toBe(0);
    const written = await storedExecutions(units);
    expect(written).toBeLessThan(30);
    expect(report!.spooledRows).toBeGreaterThanOrEqual(60 - written * 2);
    const next = newWriter(dir);
    expect((await next.flush({ timeoutMs: 20_000 })).complete).toBe(true);
    await next.close({ timeoutMs: 5_000 });
    expect(await storedExecutions(units)).toBe(30);
  });

  it('a wall clock set back during close() neither stretches the deadline nor keeps the process alive', async () => {
    const dir = newDir();
    const child = spawn(process.execPath, [CLOCK_CHILD, dir, '40'], {
      env: { ...process.env, DENDRITE_CLOSE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    let out: { report: { dropped: number; spooledRows: number }; ids: string[] } | undefined;
    // Before: retries judged the deadline by the wall clock, an hour away again, and their timers
    // held the process: it never exited (killed here, after close() had long resolved).
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      for await (const line of createInterface({ input: child.stdout! }))
        if (line.startsWith('report ')) out = JSON.parse(line.slice(7));
    } finally {
      clearTimeout(guard);
    }
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: '' });
    expect(out!.report.dropped).toBe(0);
    expect(out!.report.spooledRows).toBe(80);
    const next = newWriter(dir);
    expect((await next.flush({ timeoutMs: 20_000 })).complete).toBe(true);
    await next.close({ timeoutMs: 5_000 });
    const e = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
      [out!.ids],
    );
    expect(e.rows[0]!.n).toBe(40);
  }, 60_000);
});
