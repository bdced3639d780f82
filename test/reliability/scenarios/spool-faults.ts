// Spool faults for `npm run reliability` (issue 10): close during an outage in a child process,
// a spool file claiming a reused PID, a poison line, a damaged file, a disk that fills up.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ExecutionStore, Orchestrator, attachExecutionHistory } from '../../../src/index.js';
import { portsOf } from '../../../src/schema/ports.js';
import { BatchWriter } from '../../../src/writer/batch-writer.js';
import { Spool } from '../../../src/writer/spool.js';
import { nodeSpoolIo, type SpoolIo } from '../../../src/writer/spool-io.js';
import type { HistoryUnit } from '../../../src/writer/unit.js';
import { legacySpoolName, spoolLine, spoolUnit } from '../../helpers/spool-units.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';
import { expectFigure, storedCounts, type ScenarioResult } from './common.js';

const rowsOf = (units: HistoryUnit[]) => units.reduce((n, u) => n + 1 + u.tools.length, 0);

/** Opens a handle on the folder with a store on `url`, lets it replay, closes it. */
async function replay(url: string, spoolDir: string) {
  const store = await ExecutionStore.open({ connectionString: url, migrate: false });
  try {
    const handle = attachExecutionHistory(new Orchestrator(), { store, spoolDir });
    handle.on('error', () => undefined);
    await handle.flush({ timeoutMs: 60_000 });
    const stats = handle.stats();
    const closed = await handle.close({ timeoutMs: 10_000 });
    return { stats, closed };
  } finally {
    await store.close();
  }
}

async function storedOf(url: string, ids: string[]) {
  const store = await ExecutionStore.open({ connectionString: url, migrate: false });
  try {
    const { poolOf } = await import('../../../src/store/internal.js');
    return await storedCounts(poolOf(store), ids);
  } finally {
    await store.close();
  }
}

/** A child awaits close() behind a proxy that was stopped: it must spool everything and exit 0. */
export async function closeDuringOutage(options: {
  url: string;
  runs: number;
}): Promise<ScenarioResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-close-'));
  const proxy = TcpProxy.forUrl(options.url);
  await proxy.start();
  const child = spawn(
    process.execPath,
    [
      path.resolve('dist/test/fixtures/writer-close-child.js'),
      dir,
      'close',
      String(options.runs),
      '2000',
    ],
    {
      env: { ...process.env, DENDRITE_CLOSE_URL: proxy.proxyUrl(options.url) },
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  let ids: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'ready') {
      await proxy.stop();
      child.stdin!.end('go\n');
    } else if (line.startsWith('ids ')) ids = JSON.parse(line.slice(4)) as string[];
  }
  const code = await exited;
  await proxy.stop();
  await replay(options.url, dir);
  const s = await storedOf(options.url, ids);
  await rm(dir, { recursive: true, force: true });
  const lost = options.runs - s.executions;
  const problems: string[] = [];
  expectFigure(problems, code === 0, `child exited ${code}`);
  expectFigure(problems, ids.length === options.runs, `child recorded ${ids.length} runs`);
  expectFigure(problems, lost === 0, `${lost} runs lost`);
  return {
    name: 'close-during-outage',
    figures: { runs: options.runs, exit: code ?? -1, stored: s.executions, lost },
    problems,
  };
}

/** Writes one spool file by hand (an earlier version's name), replays, counts. */
async function handWritten(url: string, name: string, bytes: Buffer, good: HistoryUnit[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-spool-'));
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), bytes);
  const { stats, closed } = await replay(url, dir);
  const s = await storedOf(
    url,
    good.map((u) => u.execution.executionId),
  );
  await rm(dir, { recursive: true, force: true });
  return { stats, closed, stored: s.executions + s.toolRuns };
}

/** A crashed process's open file that names this very process's PID (a reused PID). */
export async function pidReuse(options: { url: string; runs: number }): Promise<ScenarioResult> {
  const good = Array.from({ length: options.runs }, (_, i) => spoolUnit(i % 3));
  const r = await handWritten(
    options.url,
    legacySpoolName(process.pid),
    Buffer.from(good.map(spoolLine).join('')),
    good,
  );
  const lost = rowsOf(good) - r.stored;
  return {
    name: 'pid-reuse',
    figures: { rows: rowsOf(good), stored: r.stored, lost },
    problems: lost === 0 ? [] : [`${lost} rows lost`],
  };
}

/** One valid-JSON line of the wrong shape among good ones. */
export async function poisonLine(options: { url: string; runs: number }): Promise<ScenarioResult> {
  const good = Array.from({ length: options.runs }, () => spoolUnit(1));
  const lines = good.map(spoolLine);
  lines.splice(
    options.runs >> 1,
    0,
    `{"execution":${JSON.stringify(good[0]!.execution)},"tools":[null]}\n`,
  );
  const r = await handWritten(
    options.url,
    legacySpoolName(999_999_991, 'sealed'),
    Buffer.from(lines.join('')),
    good,
  );
  const problems: string[] = [];
  expectFigure(problems, r.stored === rowsOf(good), `replayed ${r.stored} of ${rowsOf(good)} rows`);
  expectFigure(problems, r.stats.quarantined === 1, `${r.stats.quarantined} lines quarantined`);
  return {
    name: 'poison-line',
    figures: { replayed: r.stored, quarantined: r.stats.quarantined },
    problems,
  };
}

/** Garbage bytes mid-file and a torn last line. */
export async function damagedFile(options: { url: string; runs: number }): Promise<ScenarioResult> {
  const good = Array.from({ length: options.runs }, () => spoolUnit(2));
  const bytes = Buffer.concat([
    Buffer.from(
      good
        .slice(0, options.runs >> 1)
        .map(spoolLine)
        .join(''),
    ),
    Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0a]),
    Buffer.from(
      good
        .slice(options.runs >> 1)
        .map(spoolLine)
        .join(''),
    ),
    Buffer.from(spoolLine(spoolUnit(3)).slice(0, 40)),
  ]);
  const r = await handWritten(options.url, legacySpoolName(999_999_992, 'sealed'), bytes, good);
  const problems: string[] = [];
  expectFigure(problems, r.stored === rowsOf(good), `replayed ${r.stored} of ${rowsOf(good)} rows`);
  expectFigure(problems, r.stats.quarantined === 2, `${r.stats.quarantined} regions quarantined`);
  return {
    name: 'damaged-file',
    figures: { replayed: r.stored, quarantined: r.stats.quarantined },
    problems,
  };
}

/** The disk fills up during a close with the database away: every row written or counted. */
export async function diskFull(options: { url: string; runs: number }): Promise<ScenarioResult> {
  let writes = 0;
  const filling: SpoolIo = {
    openAppendSync: nodeSpoolIo.openAppendSync,
    async openAppend(p) {
      const file = await nodeSpoolIo.openAppend(p);
      return {
        ...file,
        async write(buffer, offset, length) {
          writes += 1;
          if (writes % 3 === 2) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
          return file.write(buffer, offset, writes % 3 === 1 ? Math.max(1, length >> 1) : length);
        },
      };
    },
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-full-'));
  const proxy = TcpProxy.forUrl(options.url);
  await proxy.start();
  const away = await ExecutionStore.open({
    connectionString: proxy.proxyUrl(options.url),
    migrate: false,
  });
  await proxy.stop();
  const writer = new BatchWriter({
    sink: portsOf(away).sink,
    spool: new Spool(dir, filling),
    batchSize: 50,
    flushIntervalMs: 5,
    maxQueueRows: 100,
    onOverflow: 'spool',
    retryBaseMs: 10,
    retryMaxMs: 50,
  });
  writer.on('error', () => undefined);
  const units = Array.from({ length: options.runs }, () => spoolUnit(1));
  for (const u of units) writer.enqueue(u);
  const closed = await writer.close({ timeoutMs: 500 });
  await away.close();
  await proxy.start();
  await replay(proxy.proxyUrl(options.url), dir);
  await proxy.stop();
  const s = await storedOf(
    options.url,
    units.map((u) => u.execution.executionId),
  );
  await rm(dir, { recursive: true, force: true });
  const sent = rowsOf(units);
  const stored = s.executions + s.toolRuns;
  const uncounted = sent - stored - closed.dropped;
  const problems: string[] = [];
  expectFigure(problems, uncounted === 0, `${uncounted} rows lost without being counted`);
  expectFigure(problems, writer.stats().spoolErrors > 0, 'no spool error counted');
  return {
    name: 'disk-full',
    figures: { rows: sent, stored, dropped_counted: closed.dropped, lost_uncounted: uncounted },
    problems,
  };
}
