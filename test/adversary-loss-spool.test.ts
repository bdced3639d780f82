// Adversarial loss tests for the spool (issue 10, loss items): faults of the folder itself and of
// the timing around it that the first round of tests did not try. Real PostgreSQL, real files,
// child processes for crashes; a stopped proxy stands for a database that is away.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  Orchestrator,
  attachExecutionHistory,
  type HistoryError,
} from '../src/index.js';
import { portsOf } from '../src/schema/ports.js';
import { BatchWriter } from '../src/writer/batch-writer.js';
import { Spool } from '../src/writer/spool.js';
import { nodeSpoolIo, type SpoolIo } from '../src/writer/spool-io.js';
import { PIECE_CHARS } from '../src/writer/spool-lines.js';
import { SpoolTarget, serverKey } from '../src/writer/spool-target.js';
import type { HistoryUnit } from '../src/writer/unit.js';
import { spoolUnit as unit } from './helpers/spool-units.js';
import { openTestStore } from './helpers/db.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { requireBuilt } from './helpers/built.js';

const SPOOL_JS = path.resolve('dist/src/writer/spool.js');
const TARGET_JS = path.resolve('dist/src/writer/spool-target.js');

let store: ExecutionStore;
let url: string;
let db: pg.Pool;
let root: string;

beforeAll(async () => {
  requireBuilt(SPOOL_JS);
  ({ store, url } = await openTestStore());
  db = new pg.Pool({ connectionString: url, max: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-adv-loss-'));
});
afterAll(async () => {
  await db?.end();
  await rm(root, { recursive: true, force: true });
});

let dirs = 0;
const newDir = () => path.join(root, `s${++dirs}`);

async function targetKey(): Promise<string> {
  return serverKey(await portsOf(store).sink.serverTarget());
}

async function stored(units: HistoryUnit[]): Promise<{ executions: number; tools: number }> {
  const ids = units.map((u) => u.execution.executionId);
  const e = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
    [ids],
  );
  const t = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM tool_executions WHERE execution_id = ANY($1::uuid[])',
    [ids],
  );
  return { executions: e.rows[0]!.n, tools: t.rows[0]!.n };
}

/** A handle on the folder replays what it may, then closes. */
async function replayWith(s: ExecutionStore, spoolDir: string) {
  const handle = attachExecutionHistory(new Orchestrator(), { store: s, spoolDir });
  const errors: HistoryError[] = [];
  handle.on('error', (e) => errors.push(e as HistoryError));
  await handle.flush({ timeoutMs: 20_000 });
  const closed = await handle.close({ timeoutMs: 5_000 });
  return { errors, closed, stats: handle.stats() };
}

/** A writer on a database that is away (a stopped proxy), with a small queue bound. */
async function writerWithoutDatabase(dir: string) {
  const proxy = TcpProxy.forUrl(url);
  await proxy.start();
  const away = await ExecutionStore.open({ connectionString: proxy.proxyUrl(url), migrate: false });
  await proxy.stop();
  const writer = new BatchWriter({
    sink: portsOf(away).sink,
    spool: new Spool(dir),
    batchSize: 4,
    flushIntervalMs: 5,
    maxQueueRows: 4,
    onOverflow: 'spool',
    retryBaseMs: 10,
    retryMaxMs: 50,
  });
  const errors: HistoryError[] = [];
  writer.on('error', (e) => errors.push(e as HistoryError));
  return { proxy, away, writer, errors };
}

/** Waits until the writer has nothing in memory (everything beyond the bound is in the spool). */
async function settled(writer: BatchWriter): Promise<void> {
  await writer.flush({ timeoutMs: 1 });
}

describe('a spool folder deleted while a handle writes to it', () => {
  it('the open spill file is written again from its handle: every row replays, none counted lost', async () => {
    const dir = newDir();
    const { proxy, away, writer } = await writerWithoutDatabase(dir);
    const before = Array.from({ length: 6 }, () => unit(1));
    for (const u of before) writer.enqueue(u);
    await settled(writer);
    expect((await readdir(dir)).some((n) => n.includes('.open.'))).toBe(true);
    await rm(dir, { recursive: true, force: true }); // an operator "cleans up" /tmp
    const after = Array.from({ length: 6 }, () => unit(1));
    for (const u of after) writer.enqueue(u);
    const closed = await writer.close({ timeoutMs: 200 });
    await away.close();
    expect(closed.dropped).toBe(0);
    expect(closed.spooledRows).toBe(24);
    await proxy.start();
    const back = await ExecutionStore.open({
      connectionString: proxy.proxyUrl(url),
      migrate: false,
    });
    try {
      const { stats } = await replayWith(back, dir);
      expect(stats.quarantined).toBe(0);
    } finally {
      await back.close();
      await proxy.stop();
    }
    expect(await stored([...before, ...after])).toEqual({ executions: 12, tools: 12 });
  });

  it('a folder deleted between the last write and close(): the file is still sealed with its rows', async () => {
    const dir = newDir();
    const spool = new Spool(dir);
    const target = new SpoolTarget('cunused');
    target.confirm(await targetKey());
    spool.setTarget(target);
    const units = [unit(2), unit(0), unit(1)];
    await spool.appendBatch(units);
    await rm(dir, { recursive: true, force: true });
    await spool.sealSpill();
    await spool.release();
    await replayWith(store, dir);
    expect(await stored(units)).toEqual({ executions: 3, tools: 3 });
  });

  it("durability 'sync': runs journaled before and after the folder was deleted survive a SIGKILL", async () => {
    const dir = newDir();
    const before = [unit(), unit(2)];
    const after = [unit(1), unit(0)];
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createInterface } from 'node:readline';
         const { Spool } = await import(${JSON.stringify(SPOOL_JS)});
         const { SpoolTarget } = await import(${JSON.stringify(TARGET_JS)});
         const s = new Spool(${JSON.stringify(dir)});
         const t = new SpoolTarget('cunused'); t.confirm(${JSON.stringify(await targetKey())}); s.setTarget(t);
         const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
         for (const u of ${JSON.stringify(before)}) s.appendSync(u);
         process.stdout.write('first\\n');
         await lines.next();
         for (const u of ${JSON.stringify(after)}) s.appendSync(u);
         process.stdout.write('second\\n');
         setTimeout(() => {}, 60000);`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const said = (word: string) =>
      new Promise<void>((resolve) => {
        const on = (d: Buffer) => {
          if (d.toString().includes(word)) {
            child.stdout!.off('data', on);
            resolve();
          }
        };
        child.stdout!.on('data', on);
      });
    await said('first');
    await rm(dir, { recursive: true, force: true });
    const second = said('second');
    child.stdin!.write('go\n');
    await second;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await replayWith(store, dir);
    expect(await stored([...before, ...after])).toEqual({ executions: 4, tools: 4 });
  });

  it('the lock file comes back with the folder: another handle never takes a live open file', async () => {
    const dir = newDir();
    const spool = new Spool(dir);
    const target = new SpoolTarget('cunused');
    target.confirm(await targetKey());
    spool.setTarget(target);
    const first = [unit()];
    await spool.appendBatch(first);
    await rm(dir, { recursive: true, force: true });
    const second = [unit(3)];
    await spool.appendBatch(second);
    // The spill file was written again; its owner is alive, so a replayer leaves it alone.
    expect((await readdir(dir)).filter((n) => n.endsWith('.owner'))).toHaveLength(1);
    await replayWith(store, dir);
    expect(await stored([...first, ...second])).toEqual({ executions: 0, tools: 0 });
    await spool.sealSpill();
    await spool.release();
    await replayWith(store, dir);
    expect(await stored([...first, ...second])).toEqual({ executions: 2, tools: 4 });
  });
});

describe('a spool folder that cannot be made again', () => {
  it('rows of a removed spill file that cannot be written again are counted as lost and reported', async () => {
    const parent = newDir();
    const dir = path.join(parent, 'spool');
    const { away, writer, errors } = await writerWithoutDatabase(dir);
    const units = Array.from({ length: 6 }, () => unit(1));
    for (const u of units) writer.enqueue(u);
    await settled(writer);
    // The folder goes, and a file takes the parent's place: nothing can be made there any more.
    await rm(parent, { recursive: true, force: true });
    await mkdir(path.dirname(parent), { recursive: true });
    await import('node:fs/promises').then((fs) => fs.writeFile(parent, 'not a folder'));
    const closed = await writer.close({ timeoutMs: 200 });
    await away.close();
    await rm(parent, { force: true });
    const stats = writer.stats();
    // 6 runs of 2 rows: 4 rows stayed within the bound (spooled at close: lost too), 8 overflowed.
    expect(closed.dropped).toBe(12);
    expect(stats.spoolErrors).toBeGreaterThan(0);
    expect(errors.filter((e) => e.code === 'SPOOL_WRITE').reduce((n, e) => n + e.rows, 0)).toBe(12);
  });
});

describe('rejected.jsonl after a torn append', () => {
  /** A disk that fills up once: the first write stores 10 bytes, the next fails with ENOSPC. */
  function fullOnce(): SpoolIo {
    let writes = 0;
    return {
      openAppendSync: nodeSpoolIo.openAppendSync,
      async openAppend(p) {
        const file = await nodeSpoolIo.openAppend(p);
        return {
          ...file,
          async write(buffer, offset, length) {
            writes += 1;
            if (writes === 2)
              throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
            return file.write(buffer, offset, writes === 1 ? Math.min(10, length) : length);
          },
        };
      },
    };
  }

  it('a run kept after a torn record is on a line of its own, readable', async () => {
    const dir = newDir();
    const spool = new Spool(dir, fullOnce());
    const lost = unit(1);
    const kept = unit(2);
    await expect(spool.reject([lost])).rejects.toThrow(/short write/);
    await spool.reject([kept]);
    const lines = (await readFile(path.join(dir, 'rejected.jsonl'), 'utf8')).split('\n');
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as HistoryUnit];
      } catch {
        return [];
      }
    });
    expect(parsed.map((u) => u.execution.executionId)).toEqual([kept.execution.executionId]);
  });
});

describe('a run too big for one spool line', () => {
  it('is spooled as several lines a reader can take back, and replays whole', async () => {
    const dir = newDir();
    const spool = new Spool(dir);
    const target = new SpoolTarget('cunused');
    target.confirm(await targetKey());
    spool.setTarget(target);
    // 40 tool runs of 1 MiB each: one line of 40 MiB before, more than a piece (16 MiB) now.
    const big = unit(40);
    const result = JSON.stringify({ text: 'x'.repeat(1024 * 1024) });
    for (const t of big.tools) t.result = result;
    const small = [unit(1), unit(0)];
    await spool.appendBatch([small[0]!, big, small[1]!]);
    await spool.sealSpill();
    await spool.release();
    const files = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    const lines = (await readFile(path.join(dir, files[0]!), 'utf8')).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(PIECE_CHARS);
    const { stats, closed } = await replayWith(store, dir);
    expect(stats.quarantined).toBe(0);
    expect(closed.spooledRows).toBe(0);
    expect(await stored([big, ...small])).toEqual({ executions: 3, tools: 41 });
  });
});
