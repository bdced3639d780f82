// A learning-loop instance SIGKILLed while its scheduled job runs: the run reads as crashed, the
// dead run blocks the job only until its lease ends, and the next fire runs on another instance.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLearningLoop, type ExecutionStore, type JobDefinition } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';
import { requireBuilt } from './helpers/built.js';

const CHILD = path.resolve('dist/test/fixtures/adversary-jobs-loop-child.js');
let store: ExecutionStore;
let url: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  requireBuilt(CHILD);
  ({ store, url } = await openTestStore());
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the child instance; resolves with the run id its job announced. */
function startChild(instanceId: string): { child: ChildProcess; running: Promise<number> } {
  const child = spawn(process.execPath, [CHILD, instanceId], {
    env: { ...process.env, DENDRITE_JOBS_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const running = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^running (\d+)$/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
  return { child, running };
}

describe('an instance killed mid-run', () => {
  it('reads as crashed; the next fire runs once on a live instance, never beside the dead run', async () => {
    const { child, running } = startChild('doomed');
    const deadRunId = await running;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    const finished: string[] = [];
    const skipped: string[] = [];
    let firstRun: () => void = () => undefined;
    const ran = new Promise<void>((r) => (firstRun = r));
    const quick: JobDefinition = {
      name: 'crash-me',
      schedule: '* * * * * *',
      description: 'the live instance: ends at once',
      async run({ fireTime }) {
        firstRun();
        return { fireTime: fireTime.toISOString() };
      },
    };
    const loop = startLearningLoop({
      store,
      jobs: [quick],
      enabled: {
        'hourly-statistics': false,
        'daily-low-performers': false,
        'weekly-tool-lifecycle': false,
      },
      instanceId: 'survivor',
      leaseMs: 1_000,
    });
    loop.on('job:finished', (info) => finished.push(info.fireTime.toISOString()));
    loop.on('job:skipped', (info) => skipped.push(info.reason));
    await ran;
    await loop.stop({ timeoutMs: 5_000 });

    const runs = await store.listJobRuns({ jobName: 'crash-me', limit: 100 });
    const dead = runs.find((r) => r.id === deadRunId)!;
    expect(dead).toMatchObject({ status: 'crashed', instanceId: 'doomed' });
    // The sweep recorded it in the row itself, not only in how it reads.
    const stored = await poolOf(store).query(`SELECT status, error FROM job_runs WHERE id = $1`, [
      deadRunId,
    ]);
    expect(stored.rows[0]).toMatchObject({ status: 'crashed' });
    expect(String(stored.rows[0].error)).toContain('lease expired');
    // Every other run is the survivor's, finished, one per fire, none started before the dead
    // run's lease ended.
    const live = runs.filter((r) => r.id !== deadRunId);
    expect(live.length).toBeGreaterThanOrEqual(1);
    expect(live.every((r) => r.instanceId === 'survivor' && r.status === 'succeeded')).toBe(true);
    expect(new Set(runs.map((r) => r.fireTime.toISOString())).size).toBe(runs.length);
    for (const r of live)
      expect(r.startedAt.getTime()).toBeGreaterThanOrEqual(dead.leaseExpiresAt.getTime());
    expect(finished.length).toBe(live.length);
    expect(skipped.every((reason) => reason === 'overlap' || reason === 'not-elected')).toBe(true);
  });
});
