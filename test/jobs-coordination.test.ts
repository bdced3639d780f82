import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  ValidationError,
  startLearningLoop,
  type JobDefinition,
  type LearningLoop,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const OFF = {
  'hourly-statistics': false,
  'daily-low-performers': false,
  'weekly-tool-lifecycle': false,
};

describe('three schedulers against one database', () => {
  let url: string;
  const stores: ExecutionStore[] = [];
  beforeAll(async () => {
    const opened = await openTestStore();
    url = opened.url;
    stores.push(opened.store);
    for (let i = 0; i < 2; i++) stores.push(await ExecutionStore.open({ connectionString: url }));
  });
  afterAll(async () => {
    for (const store of stores.slice(1)) await store.close();
  });

  it('each second-level fire is recorded once in job_runs and run once; a throwing job is recorded failed and the loop keeps going', async () => {
    const runsPerFire = new Map<string, number>();
    const tick: JobDefinition = {
      name: 'tick',
      schedule: '*/1 * * * * *',
      description: 'counts its fires',
      async run({ fireTime, instanceId }) {
        const key = fireTime.toISOString();
        runsPerFire.set(key, (runsPerFire.get(key) ?? 0) + 1);
        return { fireTime: key, instanceId };
      },
    };
    const boom: JobDefinition = {
      name: 'boom',
      schedule: '*/1 * * * * *',
      description: 'always throws',
      async run() {
        throw new Error('scheduled kaboom');
      },
    };
    const loops: LearningLoop[] = stores.map((store, i) =>
      startLearningLoop({ store, jobs: [tick, boom], enabled: OFF, instanceId: `instance-${i}` }),
    );
    const hostErrors: Error[] = [];
    for (const loop of loops) loop.on('error', (e) => hostErrors.push(e));
    await new Promise((r) => setTimeout(r, 3_300));
    await Promise.all(loops.map((l) => l.stop({ timeoutMs: 5_000 })));
    await Promise.all(loops.map((l) => l.stop())); // idempotent

    const rows = (
      await poolOf(stores[0]!).query(
        `SELECT job_name, fire_time, instance_id, status, error, summary FROM job_runs ORDER BY fire_time`,
      )
    ).rows;
    const ticks = rows.filter((r) => r.job_name === 'tick');
    const booms = rows.filter((r) => r.job_name === 'boom');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    // One row per fire, and the job body ran exactly once for each of them.
    expect(new Set(ticks.map((r) => r.fire_time.toISOString())).size).toBe(ticks.length);
    expect([...runsPerFire.keys()].sort()).toEqual(
      ticks.map((r) => r.fire_time.toISOString()).sort(),
    );
    expect([...runsPerFire.values()].every((n) => n === 1)).toBe(true);
    expect(ticks.every((r) => r.status === 'succeeded')).toBe(true);
    for (const r of ticks) expect(r.summary.instanceId).toBe(r.instance_id);
    // The failing job is recorded failed each time, and the ticks kept coming after its first failure.
    expect(booms.length).toBeGreaterThanOrEqual(2);
    expect(
      booms.every((r) => r.status === 'failed' && String(r.error).includes('scheduled kaboom')),
    ).toBe(true);
    expect(ticks.some((t) => t.fire_time > booms[0]!.fire_time)).toBe(true);
    const stats = loops.map((l) => l.stats());
    expect(stats.reduce((n, s) => n + s.succeeded, 0)).toBe(ticks.length);
    expect(stats.reduce((n, s) => n + s.failed, 0)).toBe(booms.length);
    expect(stats.reduce((n, s) => n + s.skipped, 0)).toBeGreaterThan(0);
    expect(hostErrors).toEqual([]);
  });

  it('runNow records a manual run; after stop it is refused', async () => {
    const loop = startLearningLoop({ store: stores[0]!, enabled: OFF });
    const finished: string[] = [];
    loop.on('job:finished', (info) => finished.push(`${info.jobName}:${info.trigger}`));
    const summary = await loop.runNow('hourly-statistics');
    expect(summary).toMatchObject({ toolsUpdated: 0 });
    expect(finished).toEqual(['hourly-statistics:manual']);
    const [run] = await stores[0]!.listJobRuns({ jobName: 'hourly-statistics', limit: 1 });
    expect(run).toMatchObject({
      trigger: 'manual',
      status: 'succeeded',
      instanceId: loop.instanceId,
    });
    await loop.stop();
    await expect(loop.runNow('hourly-statistics')).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('bad options are ValidationErrors at start', () => {
    const store = stores[0]!;
    expect(() =>
      startLearningLoop({ store, schedules: { 'hourly-statistics': 'every hour' } }),
    ).toThrow(ValidationError);
    expect(() => startLearningLoop({ store, schedules: { nope: '* * * * *' } })).toThrow(
      ValidationError,
    );
    expect(() => startLearningLoop({ store, timezone: 'Mars/Olympus' })).toThrow(ValidationError);
  });
});
