// The spool under hostile conditions (issue 10, items 2, 3, 4, 7, 10, 20): files of crashed
// processes whose PID is now someone else's, poison and damaged lines, a full disk, a folder shared
// by two databases. Real PostgreSQL, real files; a stopped proxy stands for a database that is away.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
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
import { SpoolTarget, serverKey } from '../src/writer/spool-target.js';
import type { HistoryUnit } from '../src/writer/unit.js';
import {
  legacySpoolName as legacyName,
  spoolLine as line,
  spoolUnit as unit,
} from './helpers/spool-units.js';
import { createTestDatabase, openTestStore } from './helpers/db.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

let store: ExecutionStore;
let url: string;
let db: pg.Pool;
let root: string;

beforeAll(async () => {
  ({ store, url } = await openTestStore());
  db = new pg.Pool({ connectionString: url, max: 1 });
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-spool-hard-'));
});
afterAll(async () => {
  await db?.end();
  await rm(root, { recursive: true, force: true });
});

let dirs = 0;
const newDir = () => path.join(root, `s${++dirs}`);

/** The key the writer names files for this test's database with. */
async function targetKey(): Promise<string> {
  return serverKey(await portsOf(store).sink.serverTarget());
}

/** A bare spool (no writer) meant for this test's database, as a writer would set it up. */
async function spoolFor(dir: string): Promise<Spool> {
  const spool = new Spool(dir);
  const target = new SpoolTarget('cunused');
  target.confirm(await targetKey());
  spool.setTarget(target);
  return spool;
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

/** A handle on the folder: replays what it may, then closes. Returns its errors and report. */
async function replayWith(s: ExecutionStore, spoolDir: string) {
  const handle = attachExecutionHistory(new Orchestrator(), { store: s, spoolDir });
  const errors: HistoryError[] = [];
  handle.on('error', (e) => errors.push(e as HistoryError));
  const flushed = await handle.flush({ timeoutMs: 20_000 });
  const stats = handle.stats();
  const closed = await handle.close({ timeoutMs: 5_000 });
  return { errors, stats, closed, flushed };
}

/**
 * Replays rows spooled before the server ever answered: those are named by the configured address,
 * so a handle configured the same way (through the proxy, back on its port) takes them.
 */
async function replayThrough(proxy: TcpProxy, spoolDir: string) {
  await proxy.start();
  const back = await ExecutionStore.open({ connectionString: proxy.proxyUrl(url), migrate: false });
  try {
    return await replayWith(back, spoolDir);
  } finally {
    await back.close();
    await proxy.stop();
  }
}

describe('spool ownership does not depend on PIDs (10.2)', () => {
  it('replays an earlier-version file that claims this very process PID', async () => {
    const dir = newDir();
    const units = [unit(), unit(2), unit(0)];
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(path.join(dir, legacyName(process.pid)), units.map(line).join(''));
    const { closed } = await replayWith(store, dir);
    expect(await stored(units)).toEqual({ executions: 3, tools: 3 });
    expect(closed.spooledRows).toBe(0);
  });

  it('replays a file whose PID now belongs to a live process that started after it was written', async () => {
    const dir = newDir();
    const units = [unit(), unit()];
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
      const file = path.join(dir, legacyName(other.pid!));
      await writeFile(file, units.map(line).join(''));
      const hourAgo = new Date(Date.now() - 3_600_000);
      await utimes(file, hourAgo, hourAgo); // written long before that process started
      await replayWith(store, dir);
      expect(await stored(units)).toEqual({ executions: 2, tools: 2 });
    } finally {
      other.kill('SIGKILL');
    }
  });

  it("replays a crashed handle's open file when its lock names this PID (a reused PID)", async () => {
    const dir = newDir();
    // A handle in a child process journals runs (sync durability) and is killed mid-way.
    const units = [unit(), unit(3)];
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { Spool } = await import(${JSON.stringify(path.resolve('dist/src/writer/spool.js'))});
         const { SpoolTarget } = await import(${JSON.stringify(path.resolve('dist/src/writer/spool-target.js'))});
         const s = new Spool(${JSON.stringify(dir)});
         const t = new SpoolTarget('cunused'); t.confirm(${JSON.stringify(await targetKey())}); s.setTarget(t);
         for (const u of ${JSON.stringify(units)}) s.appendSync(u);
         process.stdout.write('journaled\\n'); setTimeout(() => {}, 60000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Now pretend this process got the dead one's PID: its lock claims our PID, with its start time.
    const lockName = (await readdir(dir)).find((n) => n.endsWith('.owner'))!;
    const lock = JSON.parse(await readFile(path.join(dir, lockName), 'utf8'));
    expect(lock.pid).toBe(child.pid);
    await writeFile(path.join(dir, lockName), JSON.stringify({ ...lock, pid: process.pid }));
    const { closed } = await replayWith(store, dir);
    expect(await stored(units)).toEqual({ executions: 2, tools: 4 });
    expect(closed.spooledRows).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.owner'))).toEqual([]);
  });

  it('never takes the open file of a live handle (same process), and takes it once it is sealed', async () => {
    const dir = newDir();
    const a = await spoolFor(dir);
    const units = [unit(), unit()];
    for (const u of units) a.appendSync(u);
    await replayWith(store, dir);
    expect(await stored(units)).toEqual({ executions: 0, tools: 0 });
    a.sealJournals();
    await a.release();
    await replayWith(store, dir);
    expect(await stored(units)).toEqual({ executions: 2, tools: 2 });
  });
});

describe('spool lines are validated; bad and damaged ones are quarantined (10.3, 10.7)', () => {
  it('one wrong-shaped line of each kind: the rest replays, each is moved to rejected.jsonl and counted', async () => {
    const dir = newDir();
    const good = [unit(), unit(2), unit(0), unit()];
    const tooEarly = unit();
    const poisons = [
      `{"execution":${JSON.stringify(good[0]!.execution)},"tools":[null]}`,
      '{"execution":null,"tools":[]}',
      '[]',
      '"just a string"',
      JSON.stringify({ ...unit(), execution: { ...unit().execution, executionId: 'not-a-uuid' } }),
      JSON.stringify({ ...tooEarly, execution: { ...tooEarly.execution, createdAt: 'yesterday' } }),
      JSON.stringify({ ...unit(), execution: { ...unit().execution, durationMs: '12' } }),
      JSON.stringify({ execution: unit().execution, tools: unit().tools }), // tool of another run
    ];
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const text = [
      line(good[0]!),
      poisons[0],
      line(good[1]!),
      ...poisons.slice(1),
      line(good[2]!),
      line(good[3]!),
    ]
      .map((l) => (l.endsWith('\n') ? l : `${l}\n`))
      .join('');
    await writeFile(path.join(dir, legacyName(999_999_999, 'sealed')), text);
    const { errors, stats, flushed, closed } = await replayWith(store, dir);
    expect(flushed.complete).toBe(true); // no endless retry of the same file
    expect(await stored(good)).toEqual({ executions: 4, tools: 4 });
    expect(stats.quarantined).toBe(poisons.length);
    expect(errors.filter((e) => e.code === 'SPOOL_DAMAGED')).toHaveLength(1);
    const rejected = await readFile(path.join(dir, 'rejected.jsonl'), 'utf8');
    for (const p of poisons) expect(rejected).toContain(p);
    expect(closed.spooledRows).toBe(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.jsonl'))).toEqual(['rejected.jsonl']);
  });

  it('a run the database refuses is written whole or not at all: its execution is not kept without its tool runs', async () => {
    // The batch is one statement for both tables; the tool row's JSON is refused (22P02), so the
    // committer splits the batch down to that run, and its (valid) execution row goes with it.
    const dir = newDir();
    const good = [unit(2), unit(1), unit(3)];
    const refused = unit(2);
    refused.tools[1]!.parameters = '{"not": json';
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const text = [good[0]!, refused, good[1]!, good[2]!].map(line).join('');
    await writeFile(path.join(dir, legacyName(999_999_997, 'sealed')), text);
    const { errors, stats } = await replayWith(store, dir);
    expect(await stored(good)).toEqual({ executions: 3, tools: 6 });
    expect(await stored([refused])).toEqual({ executions: 0, tools: 0 });
    expect(stats.rejected).toBe(3);
    expect(errors.filter((e) => e.code === 'REJECTED')).toHaveLength(1);
    const rejected = await readFile(path.join(dir, 'rejected.jsonl'), 'utf8');
    expect(rejected).toContain(refused.execution.executionId);
  });

  it('garbage bytes and a torn last line: readable lines replayed, damaged bytes kept exactly', async () => {
    const dir = newDir();
    const good = [unit(), unit(), unit(2)];
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0xc3, 0x28, 0x0d]);
    const torn = line(unit(4)).slice(0, 57);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    const bytes = Buffer.concat([
      Buffer.from(line(good[0]!)),
      garbage,
      Buffer.from('\n'),
      Buffer.from(line(good[1]!)),
      Buffer.from(line(good[2]!)),
      Buffer.from(torn),
    ]);
    await writeFile(path.join(dir, legacyName(999_999_998, 'sealed')), bytes);
    const { errors, stats } = await replayWith(store, dir);
    expect(await stored(good)).toEqual({ executions: 3, tools: 4 });
    expect(stats.quarantined).toBe(2);
    expect(errors.some((e) => e.code === 'SPOOL_DAMAGED')).toBe(true);
    const kept = (await readFile(path.join(dir, 'rejected.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).damaged as { base64: string; reason: string });
    expect(kept.map((d) => Buffer.from(d.base64, 'base64'))).toEqual([garbage, Buffer.from(torn)]);
  });
});

describe('a full disk (10.4)', () => {
  /**
   * A disk that fills up once: the first write stores half its bytes, the next fails with ENOSPC,
   * then space is freed and writes succeed again.
   */
  function fillingDisk(): SpoolIo {
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
            return file.write(buffer, offset, writes === 1 ? Math.max(1, length >> 1) : length);
          },
        };
      },
    };
  }

  it('a short write is detected, cut back, counted as dropped and reported; nothing else lost', async () => {
    const proxy = TcpProxy.forUrl(url);
    await proxy.start();
    const away = await ExecutionStore.open({
      connectionString: proxy.proxyUrl(url),
      migrate: false,
    });
    await proxy.stop();
    const dir = newDir();
    const spool = new Spool(dir, fillingDisk());
    const writer = new BatchWriter({
      sink: portsOf(away).sink,
      spool,
      batchSize: 10,
      flushIntervalMs: 5,
      maxQueueRows: 1_000,
      onOverflow: 'spool',
      retryBaseMs: 10,
      retryMaxMs: 50,
    });
    const errors: HistoryError[] = [];
    writer.on('error', (e) => errors.push(e as HistoryError));
    const units = Array.from({ length: 20 }, () => unit(2));
    for (const u of units) writer.enqueue(u);
    const closed = await writer.close({ timeoutMs: 300 });
    await away.close();
    const stats = writer.stats();
    expect(stats.spoolErrors).toBeGreaterThan(0);
    // Every row is accounted for: spooled (readable) or dropped (counted), none silently gone.
    expect(closed.dropped + closed.spooledRows).toBe(60);
    expect(closed.dropped).toBeGreaterThan(0);
    expect(closed.spooledRows).toBeGreaterThan(0);
    expect(errors.some((e) => e.code === 'SPOOL_WRITE' && e.rows > 0)).toBe(true);
    // The torn half-line was cut off: a later replay finds no damage.
    const { stats: after } = await replayThrough(proxy, dir);
    expect(after.quarantined).toBe(0);
    const s = await stored(units);
    expect(s.executions * 3).toBe(60 - closed.dropped);
  });
});

/** A 64 KiB tmpfs (root only): a real full disk. Undefined where it cannot be mounted. */
function tinyDisk(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const at = mkdtempSync(path.join(tmpdir(), 'dendrite-tiny-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', at]);
  return r.status === 0 ? at : undefined;
}

describe('a real full disk (10.4)', () => {
  const disk = tinyDisk();
  afterAll(() => {
    if (disk !== undefined) spawnSync('umount', [disk]);
    if (disk !== undefined) rmSync(disk, { recursive: true, force: true });
  });
  it.skipIf(disk === undefined)(
    'rows that do not fit are counted as lost, the rest replays',
    async () => {
      const proxy = TcpProxy.forUrl(url);
      await proxy.start();
      const away = await ExecutionStore.open({
        connectionString: proxy.proxyUrl(url),
        migrate: false,
      });
      await proxy.stop();
      const dir = path.join(disk!, 'spool');
      const writer = new BatchWriter({
        sink: portsOf(away).sink,
        spool: new Spool(dir),
        batchSize: 20,
        flushIntervalMs: 5,
        maxQueueRows: 40, // overflow to the spool while the database is away
        onOverflow: 'spool',
        retryBaseMs: 10,
        retryMaxMs: 50,
      });
      const errors: HistoryError[] = [];
      writer.on('error', (e) => errors.push(e as HistoryError));
      const units = Array.from({ length: 400 }, () => unit(1));
      for (const u of units) {
        u.tools[0]!.parameters = JSON.stringify({ pad: 'x'.repeat(300) });
        writer.enqueue(u);
      }
      const closed = await writer.close({ timeoutMs: 300 });
      await away.close();
      expect(writer.stats().spoolErrors).toBeGreaterThan(0);
      expect(closed.dropped).toBeGreaterThan(0);
      expect(closed.dropped + closed.spooledRows).toBe(800);
      expect(errors.some((e) => e.code === 'SPOOL_WRITE')).toBe(true);
      const { stats: after } = await replayThrough(proxy, dir);
      expect(after.quarantined).toBe(0);
      expect((await stored(units)).executions * 2).toBe(800 - closed.dropped);
    },
  );
});

describe('a spool folder shared by two databases (10.10)', () => {
  it('rows spooled for A are never replayed into B; left in place, reported; A replays them', async () => {
    const otherUrl = await createTestDatabase();
    const storeB = await ExecutionStore.open({ connectionString: otherUrl });
    const dbB = new pg.Pool({ connectionString: otherUrl, max: 1 });
    const proxy = TcpProxy.forUrl(url);
    await proxy.start();
    const storeA = await ExecutionStore.open({
      connectionString: proxy.proxyUrl(url),
      migrate: false,
    });
    try {
      const dir = newDir();
      const orch = new Orchestrator();
      orch.registerTool('alpha_tool', () => 1);
      const handleA = attachExecutionHistory(orch, {
        store: storeA,
        spoolDir: dir,
        retryMaxMs: 50,
      });
      handleA.on('error', () => undefined);
      await handleA.flush(); // A has said which database it is
      await proxy.stop();
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await orch.process(`alpha ${i}`)).runId);
      const closedA = await handleA.close({ timeoutMs: 300 });
      expect(closedA.spooledRows).toBe(20);

      const onB = await replayWith(storeB, dir);
      const inB = await dbB.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
        [ids],
      );
      expect(inB.rows[0]!.n).toBe(0);
      expect(onB.errors.some((e) => e.code === 'SPOOL_FOREIGN')).toBe(true);
      expect(onB.closed.foreignSpoolFiles.length).toBeGreaterThan(0);
      expect(onB.closed.spooledRows).toBe(0);

      // A again, by another route (no proxy): the server key matches, the rows go in.
      const onA = await replayWith(store, dir);
      expect(onA.closed.spooledRows).toBe(0);
      const inA = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM executions WHERE execution_id = ANY($1::uuid[])',
        [ids],
      );
      expect(inA.rows[0]!.n).toBe(10);
    } finally {
      await storeA.close();
      await storeB.close();
      await dbB.end();
      await proxy.stop();
    }
  });
});

describe('spool permissions (10.20)', () => {
  it('the folder is 0700; spool files, the lock and rejected.jsonl are 0600', async () => {
    const dir = path.join(newDir(), 'nested', 'spool');
    const spool = new Spool(dir);
    spool.appendSync(unit());
    await spool.appendBatch([unit()]);
    await spool.reject([unit()]);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.dirname(dir))).mode & 0o777).toBe(0o700);
    for (const name of await readdir(dir))
      expect([name, (await stat(path.join(dir, name))).mode & 0o777]).toEqual([name, 0o600]);
    spool.sealJournals();
    await spool.sealSpill();
    await spool.release();
  });
});

describe('the close report counts rows by streaming, and stops when told (10.25)', () => {
  it('exact count without parsing; a stop gives a lower bound with every file listed', async () => {
    const dir = newDir();
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    // A tool run whose parameters mention "callId": inside a string, so not counted.
    const tricky = unit(1);
    tricky.tools[0]!.parameters = JSON.stringify({ callId: 'x', nested: { callId: 'y' } });
    const units = [tricky, ...Array.from({ length: 3000 }, (_, i) => unit(i % 4))];
    const rows = units.reduce((n, u) => n + 1 + u.tools.length, 0);
    await writeFile(path.join(dir, legacyName(999_999_997, 'sealed')), units.map(line).join(''));
    await writeFile(path.join(dir, legacyName(999_999_996, 'sealed')), line(unit(2)));
    const spool = new Spool(dir);
    const full = await spool.inventory();
    expect(full).toMatchObject({ rows: rows + 3, exact: true });
    expect(full.files).toHaveLength(2);
    let chunks = 0;
    const cut = await spool.inventory(() => ++chunks > 1);
    expect(cut.exact).toBe(false);
    expect(cut.files).toHaveLength(2);
    expect(cut.rows).toBeLessThan(rows);
  });
});
