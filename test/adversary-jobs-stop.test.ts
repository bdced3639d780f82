// stop() while a fire is being claimed (the claim waits on the database): the claim must not
// turn into a run after stop() resolved, and no row may be left running.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { startLearningLoop, type JobDefinition } from '../src/index.js';
import { openTestStore } from './helpers/db.js';

describe('stopping the loop during a claim', () => {
  it('withdraws the claim and starts no run after stop()', async () => {
    const { store, url } = await openTestStore();
    // Hold the job's claim lock from another session: the loop's claim waits on it.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query(
      `SELECT pg_advisory_lock(hashtextextended('dendrite-history job ' || 'late-claim', 0))`,
    );
    let bodies = 0;
    const job: JobDefinition = {
      name: 'late-claim',
      schedule: '* * * * * *',
      description: 'counts its bodies',
      async run() {
        bodies++;
        return {};
      },
    };
    const loop = startLearningLoop({
      store,
      jobs: [job],
      enabled: {
        'hourly-statistics': false,
        'daily-low-performers': false,
        'weekly-tool-lifecycle': false,
      },
    });
    const skipped: string[] = [];
    loop.on('job:skipped', (info) => skipped.push(info.reason));
    try {
      // Wait until the loop's claim is queued behind the held lock.
      for (;;) {
        const waiting = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
        );
        if (waiting.rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const stopped = loop.stop({ timeoutMs: 30_000 });
      await holder.query(
        `SELECT pg_advisory_unlock(hashtextextended('dendrite-history job ' || 'late-claim', 0))`,
      );
      await stopped;
      const bodiesAtStop = bodies;
      const runs = await store.listJobRuns({ jobName: 'late-claim', limit: 10 });
      // The claim was withdrawn: no row left running, none recorded for a run that never was.
      expect(runs).toEqual([]);
      expect(bodiesAtStop).toBe(0);
      expect(skipped).toContain('stopped');
    } finally {
      await holder.end();
    }
  });
});
