// Three processes record runs through the middleware into one database at the same moment; the
// totals (rows and the trigger-fed statistics) must come out exact.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';
import { requireBuilt } from './helpers/built.js';

const WORKER = path.resolve('dist/test/fixtures/multi-process-worker.js');
const PROCESSES = 3;
const RUNS = 400;

interface WorkerReport {
  worker: number;
  runIds: string[];
  reportedSuccesses: number;
  succeeded: number;
  toolRuns: number;
  expected: Record<string, { total: number; ok: number }>;
  dropped: number;
  spooledRows: number;
  errors: string[];
}

let store: ExecutionStore;
let url: string;
let spoolRoot: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // `npm test` builds dist/ first (pretest); a lone run of this file builds it when missing.
  requireBuilt(WORKER);
  ({ store, url } = await openTestStore());
  spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-mp-'));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await rm(spoolRoot, { recursive: true, force: true });
});

function startWorker(index: number): {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<WorkerReport>;
} {
  const child = spawn(
    process.execPath,
    [WORKER, String(index), String(RUNS), path.join(spoolRoot, `w${index}`)],
    {
      env: { ...process.env, DENDRITE_MP_URL: url },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<WorkerReport>((resolve, reject) => {
    let report: WorkerReport | undefined;
    lines.on('line', (line) => {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) report = JSON.parse(line) as WorkerReport;
    });
    child.on('exit', (code) => {
      if (code === 0 && report !== undefined) resolve(report);
      else reject(new Error(`worker ${index} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
  // A worker that dies before `ready` must fail the test, not hang it.
  void done.catch(() => markReady());
  return { child, ready, done };
}

describe('middleware in three processes against one database', () => {
  it('records every run exactly once, with exact per-tool statistics', async () => {
    const workers = Array.from({ length: PROCESSES }, (_, i) => startWorker(i));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin!.write('go\n');
    const reports = await Promise.all(workers.map((w) => w.done));

    for (const r of reports) {
      expect(r.errors).toEqual([]);
      expect(r.dropped).toBe(0);
      expect(r.spooledRows).toBe(0);
      expect(r.reportedSuccesses).toBe(r.succeeded);
    }
    const runIds = reports.flatMap((r) => r.runIds);
    expect(new Set(runIds).size).toBe(PROCESSES * RUNS);

    const totals = (
      await poolOf(store).query<{ executions: number; ok: number; tools: number; ids: number }>(
        `SELECT (SELECT count(*) FROM executions)::int AS executions,
                (SELECT count(*) FROM executions WHERE success)::int AS ok,
                (SELECT count(*) FROM tool_executions)::int AS tools,
                (SELECT count(*) FROM executions WHERE execution_id = ANY($1::uuid[]))::int AS ids`,
        [runIds],
      )
    ).rows[0]!;
    expect(totals).toEqual({
      executions: PROCESSES * RUNS,
      ok: reports.reduce((n, r) => n + r.succeeded, 0),
      tools: reports.reduce((n, r) => n + r.toolRuns, 0),
      ids: PROCESSES * RUNS,
    });

    const expected = new Map<string, { total: number; ok: number }>();
    for (const r of reports)
      for (const [tool, e] of Object.entries(r.expected)) {
        const sum = expected.get(tool) ?? { total: 0, ok: 0 };
        expected.set(tool, { total: sum.total + e.total, ok: sum.ok + e.ok });
      }
    await store.updateStatistics();
    const stats = await store.getTopTools({ minExecutions: 0 });
    expect(
      Object.fromEntries(
        stats.map((s) => [s.toolName, { total: s.totalExecutions, ok: s.successfulExecutions }]),
      ),
    ).toEqual(Object.fromEntries([...expected].sort(([a], [b]) => a.localeCompare(b))));
  });
});
