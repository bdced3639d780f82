// Loss faults found by the adversarial pass on issue 10, at full size for `npm run reliability`:
// the spool folder deleted again and again while a handle spools an outage, and one run the
// server can never write within its statement timeout amid a stream of live runs.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExecutionStore, Orchestrator, attachExecutionHistory } from '../../../src/index.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';
import { expectFigure, storedCounts, type ScenarioResult } from './common.js';

async function storedOf(url: string, ids: string[]) {
  const store = await ExecutionStore.open({ connectionString: url, migrate: false });
  try {
    const { poolOf } = await import('../../../src/store/internal.js');
    return await storedCounts(poolOf(store), ids);
  } finally {
    await store.close();
  }
}

function orchestrator(): Orchestrator {
  const orch = new Orchestrator();
  orch.registerTool('alpha_tool', (p) => ({ n: p.numbers[0] ?? 0 }));
  return orch;
}

/**
 * The database is away; a handle records `runs` runs in `rounds` rounds and the spool folder is
 * deleted after each round (an operator cleaning /tmp). Every run must replay, none counted lost.
 */
export async function folderDeleted(options: {
  url: string;
  runs: number;
  rounds: number;
}): Promise<ScenarioResult> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'dendrite-rel-rmrf-')), 'spool');
  const proxy = TcpProxy.forUrl(options.url);
  await proxy.start();
  const store = await ExecutionStore.open({
    connectionString: proxy.proxyUrl(options.url),
    migrate: false,
  });
  const orch = orchestrator();
  const handle = attachExecutionHistory(orch, {
    store,
    spoolDir: dir,
    maxQueueRows: 200,
    retryBaseMs: 20,
    retryMaxMs: 100,
  });
  handle.on('error', () => undefined);
  await handle.flush({ timeoutMs: 10_000 });
  await proxy.stop();
  const ids: string[] = [];
  const perRound = Math.ceil(options.runs / options.rounds);
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < perRound && ids.length < options.runs; i++)
      ids.push((await orch.process(`alpha ${ids.length}`)).runId);
    await handle.flush({ timeoutMs: 1 });
    await rm(dir, { recursive: true, force: true });
  }
  const closed = await handle.close({ timeoutMs: 500 });
  await store.close();
  await proxy.start();
  const back = await ExecutionStore.open({
    connectionString: proxy.proxyUrl(options.url),
    migrate: false,
  });
  const replayer = attachExecutionHistory(new Orchestrator(), { store: back, spoolDir: dir });
  replayer.on('error', () => undefined);
  await replayer.flush({ timeoutMs: 60_000 });
  const left = await replayer.close({ timeoutMs: 10_000 });
  await back.close();
  await proxy.stop();
  const s = await storedOf(options.url, ids);
  await rm(path.dirname(dir), { recursive: true, force: true });
  const lost = options.runs - s.executions;
  const problems: string[] = [];
  expectFigure(problems, lost === 0, `${lost} runs lost`);
  expectFigure(problems, closed.dropped === 0, `${closed.dropped} rows counted lost`);
  expectFigure(problems, left.spooledRows === 0, `${left.spooledRows} rows left in the spool`);
  return {
    name: 'spool-folder-deleted',
    figures: { runs: options.runs, deletions: options.rounds, stored: s.executions, lost },
    problems,
  };
}

/**
 * `runs` live runs with one among them whose insert always outlasts the statement timeout (a
 * trigger sleeps for its goal text): every other run is written, the one is set aside in the spool.
 */
export async function poisonRun(options: { url: string; runs: number }): Promise<ScenarioResult> {
  const poison = `poison ${randomUUID()}`;
  const admin = await ExecutionStore.open({ connectionString: options.url, migrate: false });
  const { poolOf } = await import('../../../src/store/internal.js');
  await poolOf(admin)
    .query(`CREATE OR REPLACE FUNCTION rel_poison_sleep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.goal_text = '${poison}' THEN PERFORM pg_sleep(600); END IF; RETURN NEW; END $$`);
  await poolOf(admin).query(`CREATE OR REPLACE TRIGGER rel_poison_sleep BEFORE INSERT ON executions
      FOR EACH ROW EXECUTE FUNCTION rel_poison_sleep()`);
  const dir = await mkdtemp(path.join(tmpdir(), 'dendrite-rel-poison-'));
  const store = await ExecutionStore.open({
    connectionString: options.url,
    migrate: false,
    statementTimeoutMs: 1_000,
  });
  const orch = orchestrator();
  const handle = attachExecutionHistory(orch, {
    store,
    spoolDir: dir,
    retryBaseMs: 20,
    retryMaxMs: 100,
  });
  let setAside = 0;
  handle.on('error', (e) => {
    if ((e as { code?: string }).code === 'SET_ASIDE') setAside += 1;
  });
  const ids: string[] = [];
  let poisonId = '';
  for (let i = 0; i < options.runs; i++) {
    const goal = i === options.runs >> 1 ? poison : `alpha ${i}`;
    const { runId } = await orch.process(goal);
    if (goal === poison) poisonId = runId;
    else ids.push(runId);
  }
  const flushed = await handle.flush({ timeoutMs: 60_000 });
  const closed = await handle.close({ timeoutMs: 1_000 });
  await store.close();
  await poolOf(admin).query('DROP TRIGGER rel_poison_sleep ON executions');
  await admin.close();
  const s = await storedOf(options.url, ids);
  const poisonStored = (await storedOf(options.url, [poisonId])).executions;
  await rm(dir, { recursive: true, force: true });
  const lost = ids.length - s.executions;
  const problems: string[] = [];
  expectFigure(problems, flushed.complete, 'flush() did not complete: the writer is stuck');
  expectFigure(problems, lost === 0, `${lost} other runs not written`);
  expectFigure(problems, setAside > 0, 'the poison run was not reported');
  expectFigure(
    problems,
    poisonStored + closed.spooledRows >= 1 && closed.dropped === 0,
    'the poison run was lost',
  );
  return {
    name: 'poison-run',
    figures: {
      runs: options.runs,
      others_stored: s.executions,
      lost,
      set_aside: setAside,
      spooled_at_close: closed.spooledRows,
    },
    problems,
  };
}
