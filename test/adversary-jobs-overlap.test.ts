import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  runJob,
  startLearningLoop,
  type JobDefinition,
  type LearningLoop,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';

const OFF = {
  'hourly-statistics': false,
  'daily-low-performers': false,
  'weekly-tool-lifecycle': false,
};

/** A promise with its resolve. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('a scheduled job running longer than its interval, on two instances', () => {
  const stores: ExecutionStore[] = [];
  beforeAll(async () => {
    const { store, url } = await openTestStore();
    stores.push(store, await ExecutionStore.open({ connectionString: url }));
  });
  afterAll(async () => {
    await stores[1]?.close();
  });

  it('never runs twice at once: fires during a run are skipped everywhere as overlap, and said so', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let bodies = 0;
    const release = gate();
    const overlapsSeen = gate();
    const slow: JobDefinition = {
      name: 'slow',
      schedule: '* * * * * *',
      description: 'the first run lasts until the test lets it go',
      async run() {
        running++;
        bodies++;
        mostAtOnce = Math.max(mostAtOnce, running);
        try {
          if (bodies === 1) await release.promise;
        } finally {
          running--;
        }
        return { bodies };
      },
    };
    const skipped: { instance: number; reason: string; fireTime: string }[] = [];
    const loops: LearningLoop[] = stores.map((store, i) => {
      const loop = startLearningLoop({
        store,
        jobs: [slow],
        enabled: OFF,
        instanceId: `instance-${i}`,
        leaseMs: 60_000,
      });
      loop.on('job:skipped', (info) => {
        skipped.push({ instance: i, reason: info.reason, fireTime: info.fireTime.toISOString() });
        // Two later fires refused because the first run is still going.
        if (skipped.filter((s) => s.reason === 'overlap').length >= 3) overlapsSeen.open();
      });
      return loop;
    });
    await overlapsSeen.promise;
    release.open();
    // One more fire after the long run ended runs again (the guard lifts with the run).
    while (bodies < 2) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(loops.map((l) => l.stop({ timeoutMs: 5_000 })));

    expect(mostAtOnce).toBe(1);
    const runs = (await stores[0]!.listJobRuns({ jobName: 'slow', limit: 100 })).sort(
      (a, b) => a.fireTime.getTime() - b.fireTime.getTime(),
    );
    // Scheduled runs of the job never overlap in job_runs either.
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(
        runs[i - 1]!.finishedAt!.getTime(),
      );
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    // Both instances said why they did not run the fires that came during the long run.
    const overlapFires = new Set(
      skipped.filter((s) => s.reason === 'overlap').map((s) => s.fireTime),
    );
    expect(overlapFires.size).toBeGreaterThanOrEqual(1);
    const stats = loops.map((l) => l.stats());
    expect(stats[0]!.skipped + stats[1]!.skipped).toBe(skipped.length);
  });

  it('a manual run is not blocked by a scheduled one and does not block it', async () => {
    const release = gate();
    const started = gate();
    const hold: JobDefinition = {
      name: 'hold',
      schedule: '* * * * * *',
      description: 'waits for the test',
      async run({ trigger }) {
        if (trigger === 'scheduled') {
          started.open();
          await release.promise;
        }
        return { trigger };
      },
    };
    const loop = startLearningLoop({ store: stores[0]!, jobs: [hold], enabled: OFF });
    await started.promise;
    await expect(runJob(stores[1]!, 'hold', { jobs: [hold] })).resolves.toEqual({
      trigger: 'manual',
    });
    release.open();
    await loop.stop({ timeoutMs: 5_000 });
    const runs = await stores[0]!.listJobRuns({ jobName: 'hold', limit: 100 });
    expect(runs.some((r) => r.trigger === 'manual' && r.status === 'succeeded')).toBe(true);
    expect(runs.some((r) => r.trigger === 'scheduled' && r.status === 'succeeded')).toBe(true);
  });
});
