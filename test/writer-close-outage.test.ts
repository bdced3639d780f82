// close() / flush() awaited with the database away and nothing else keeping the event loop busy:
// the process must stay alive until the deadline, spool (fsync) what is not written, report it,
// and exit normally; the next handle on the folder replays every row. Issue 10, item 1.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Orchestrator, attachExecutionHistory, type ExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { requireBuilt } from './helpers/built.js';

const CHILD = path.resolve('dist/test/fixtures/writer-close-child.js');
const RUNS = 100;

let store: ExecutionStore;
let url: string;
let root: string;
let admin: pg.Pool;

beforeAll(async () => {
  requireBuilt(CHILD);
  ({ store, url } = await openTestStore());
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-close-outage-'));
  admin = new pg.Pool({ connectionString: url, max: 1 });
});
afterAll(async () => {
  await admin?.end();
  if (!process.env.KEEP) await rm(root, { recursive: true, force: true });
});

interface ChildOutcome {
  code: number | null;
  ids: string[];
  report: { report: Record<string, unknown>; stats: Record<string, number> } | undefined;
}

/** Runs the child through a proxy that is stopped before the child records its runs. */
async function runChild(mode: 'close' | 'flush', spoolDir: string): Promise<ChildOutcome> {
  const proxy = TcpProxy.forUrl(url);
  await proxy.start();
  const child = spawn(process.execPath, [CHILD, spoolDir, mode, String(RUNS), '1500'], {
    env: { ...process.env, DENDRITE_CLOSE_URL: proxy.proxyUrl(url) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const outcome: ChildOutcome = { code: null, ids: [], report: undefined };
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'ready') {
        await proxy.stop(); // the database is gone for this child from now on
        child.stdin!.end('go\n');
      } else if (line.startsWith('ids ')) outcome.ids = JSON.parse(line.slice(4)) as string[];
      else if (line.startsWith('report ')) outcome.report = JSON.parse(line.slice(7));
    }
    outcome.code = await exited;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await proxy.stop();
  }
  if (outcome.code !== 0) throw new Error(`child exited with ${outcome.code}: ${stderr}`);
  return outcome;
}

async function storedExecutions(ids: string[]): Promise<number> {
  const r = await admin.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
    [ids],
  );
  return r.rows[0]!.n;
}

/** A later handle on the same folder, straight to the database: replays what the child left. */
async function replay(spoolDir: string): Promise<void> {
  const handle = attachExecutionHistory(new Orchestrator(), { store, spoolDir });
  handle.on('error', () => undefined);
  const closed = await handle.close({ timeoutMs: 20_000 });
  expect(closed.spooledRows).toBe(0);
}

describe('close() and flush() while the database is away (child process, ES module)', () => {
  it('close(): the process waits for the deadline, spools every row, exits 0; all replayed', async () => {
    const spoolDir = path.join(root, 'close');
    const out = await runChild('close', spoolDir);
    expect(out.ids).toHaveLength(RUNS);
    expect(out.report).toBeDefined();
    const report = out.report!.report;
    // 100 runs of one tool each: 200 rows, all on disk, none dropped.
    expect(report.spooledRows).toBe(2 * RUNS);
    expect(report.dropped).toBe(0);
    expect((await readdir(spoolDir)).some((f) => f.endsWith('.jsonl'))).toBe(true);
    expect(await storedExecutions(out.ids)).toBe(0);
    await replay(spoolDir);
    expect(await storedExecutions(out.ids)).toBe(RUNS);
  });

  it('flush(): the process waits for the deadline, spools what is held, exits 0; all replayed', async () => {
    const spoolDir = path.join(root, 'flush');
    const out = await runChild('flush', spoolDir);
    expect(out.ids).toHaveLength(RUNS);
    expect(out.report).toBeDefined();
    expect(out.report!.report.complete).toBe(false);
    expect(out.report!.stats.dropped).toBe(0);
    expect(await storedExecutions(out.ids)).toBe(0);
    await replay(spoolDir);
    expect(await storedExecutions(out.ids)).toBe(RUNS);
  });
});
