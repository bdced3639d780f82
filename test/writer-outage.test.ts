import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  Orchestrator,
  attachExecutionHistory,
  startEmbeddedPostgres,
  type EmbeddedServer,
} from '../src/index.js';
import { poolOf } from '../src/store/internal.js';

// Its own server: these tests stop and start PostgreSQL.
let server: EmbeddedServer;
let store: ExecutionStore;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-outage-'));
  server = await startEmbeddedPostgres({
    dataDir: path.join(root, 'data'),
    persistent: true, // restart() needs the folder; removed in afterAll
    serverFlags: ['-c', 'fsync=off'],
  });
  store = await ExecutionStore.open({ connectionString: server.url });
});
afterAll(async () => {
  await store?.close();
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const spoolDir = () => mkdtemp(path.join(root, 'spool-'));

function orchestrator(): Orchestrator {
  const orch = new Orchestrator();
  orch.registerTool('alpha_tool', (p) => ({ a: p.numbers }));
  orch.registerTool('beta_tool', async (p) => ({ b: p.numbers }));
  return orch;
}

async function counts(runIds: string[]) {
  const e = await poolOf(store).query(
    'SELECT count(*)::int AS n, count(DISTINCT execution_id)::int AS d FROM executions WHERE execution_id = ANY($1::uuid[])',
    [runIds],
  );
  const t = await poolOf(store).query(
    'SELECT count(*)::int AS n, count(DISTINCT call_id)::int AS d FROM tool_executions WHERE execution_id = ANY($1::uuid[])',
    [runIds],
  );
  return { executions: e.rows[0].n, distinctExecutions: e.rows[0].d, tools: t.rows[0].n };
}

describe('database outages', () => {
  it('loses nothing and duplicates nothing when PostgreSQL stops mid-run', async () => {
    const orch = orchestrator();
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir: await spoolDir(),
      batchSize: 50,
      flushIntervalMs: 20,
      maxQueueRows: 300, // small, so the outage overflows to the spool as well
      retryBaseMs: 20,
      retryMaxMs: 200,
    });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    const runIds: string[] = [];
    const go = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await orch.process(`alpha ${i} then beta ${i}`);
        runIds.push(r.runId);
        if (i % 20 === 0) await sleep(1);
      }
    };
    await go(200);
    await server.stop();
    await go(400); // 1,200 rows while the database is away
    await sleep(1_500); // the database stays away for a while
    expect(handle.stats().retried).toBeGreaterThan(0);
    expect(handle.stats().spooled).toBeGreaterThan(0);
    await server.restart();
    await go(200);
    const report = await handle.flush({ timeoutMs: 30_000 });
    expect(report.complete).toBe(true);
    const c = await counts(runIds);
    expect(c).toEqual({ executions: 800, distinctExecutions: 800, tools: 1600 });
    const s = handle.stats();
    expect(s.dropped).toBe(0);
    expect(s.spooled).toBe(0);
    expect(s.replayed).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect((await handle.close()).spooledRows).toBe(0);
  });

  it('spools at close() while the database is away; a new handle replays it', async () => {
    const dir = await spoolDir();
    const orch = orchestrator();
    const first = attachExecutionHistory(orch, { store, spoolDir: dir, retryBaseMs: 20 });
    first.on('error', () => undefined);
    await server.stop();
    const runIds: string[] = [];
    for (let i = 0; i < 30; i++) runIds.push((await orch.process(`alpha ${i}`)).runId);
    const closed = await first.close({ timeoutMs: 300 });
    expect(closed.spooledRows).toBe(60);
    expect(closed.spoolFiles.length).toBeGreaterThan(0);
    await server.restart();
    expect((await counts(runIds)).executions).toBe(0);
    const second = attachExecutionHistory(orchestrator(), { store, spoolDir: dir });
    expect((await second.flush()).complete).toBe(true);
    expect(await counts(runIds)).toEqual({ executions: 30, distinctExecutions: 30, tools: 30 });
    expect(second.stats().replayed).toBe(60);
    expect((await readdir(dir)).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    // Replaying the same spool again changes nothing (idempotent ids).
    await second.close();
  });

  it("durability 'sync' journals each run before the handler returns, then compacts", async () => {
    const dir = await spoolDir();
    const orch = orchestrator();
    // A long flush interval, and the start-up replay pass finished first: the run stays in the
    // journal until flush() below, whatever the machine's timing.
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir: dir,
      durability: 'sync',
      flushIntervalMs: 60_000,
    });
    await handle.flush();
    const r = await orch.process('alpha 1');
    const files = await readdir(dir);
    expect(files.some((f) => f.includes('.open.'))).toBe(true);
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(
      path.join(
        dir,
        files.find((f) => f.includes('.open.'))!,
      ),
      'utf8',
    );
    expect(text).toContain(r.runId);
    await handle.flush();
    const after = await readFile(
      path.join(
        dir,
        files.find((f) => f.includes('.open.'))!,
      ),
      'utf8',
    );
    expect(after).toBe('');
    expect((await counts([r.runId])).executions).toBe(1);
    const closed = await handle.close();
    expect(closed.spooledRows).toBe(0);
    expect((await readdir(dir)).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it("onOverflow 'drop' counts what it drops; a broken spool is an error and a stat, never a crash", async () => {
    await server.stop();
    try {
      const orch = orchestrator();
      const dropping = attachExecutionHistory(orch, {
        store,
        spoolDir: await spoolDir(),
        batchSize: 10,
        maxQueueRows: 10,
        onOverflow: 'drop',
        retryBaseMs: 20,
      });
      const codes: string[] = [];
      dropping.on('error', (e) => codes.push((e as unknown as { code: string }).code));
      for (let i = 0; i < 50; i++) await orch.process(`alpha ${i}`);
      await sleep(50);
      expect(dropping.stats().dropped).toBeGreaterThan(0);
      expect(codes).toContain('DROPPED');
      dropping.detach();

      // A spool folder that cannot exist (its parent is a file): like a full disk, reported.
      const blocker = path.join(root, 'not-a-folder');
      await writeFile(blocker, 'x');
      const orch2 = orchestrator();
      const broken = attachExecutionHistory(orch2, {
        store,
        spoolDir: path.join(blocker, 'spool'),
        maxQueueRows: 10,
        batchSize: 10,
        retryBaseMs: 20,
      });
      const errors: Array<{ code: string }> = [];
      broken.on('error', (e) => errors.push(e as never));
      for (let i = 0; i < 30; i++) {
        const res = await orch2.process(`beta ${i}`);
        expect(res.success).toBe(true);
      }
      await sleep(50);
      expect(broken.stats().spoolErrors).toBeGreaterThan(0);
      expect(errors.map((e) => e.code)).toContain('SPOOL_WRITE');
      await dropping.close({ timeoutMs: 100 });
      await broken.close({ timeoutMs: 100 });
    } finally {
      await server.restart();
    }
  });
});
