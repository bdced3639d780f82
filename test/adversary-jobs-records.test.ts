import { beforeAll, describe, expect, it } from 'vitest';
import {
  runJob,
  type ExecutionStore,
  type JobDefinition,
  type LifecycleSummary,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;
let store: ExecutionStore;
beforeAll(async () => {
  ({ store } = await openTestStore());
});

describe('a job whose result cannot be recorded (issue 10.12: rows always finished)', () => {
  it('is recorded failed with the reason and reported, never left running', async () => {
    // The database refuses the success row of this one run (as a failover, a full disk or a
    // revoked privilege might): the run itself did its work.
    const job: JobDefinition = {
      name: 'unrecordable',
      schedule: '0 0 1 1 *',
      description: 'its success cannot be written',
      async run({ runId }) {
        await poolOf(store).query(
          `ALTER TABLE job_runs ADD CONSTRAINT adversary_no_success
             CHECK (status <> 'succeeded' OR id <> ${Number(runId)}) NOT VALID`,
        );
        return { done: true };
      },
    };
    const errors: Error[] = [];
    try {
      await expect(
        runJob(store, 'unrecordable', { jobs: [job], onError: (e) => errors.push(e) }),
      ).rejects.toThrow();
    } finally {
      await poolOf(store).query(
        `ALTER TABLE job_runs DROP CONSTRAINT IF EXISTS adversary_no_success`,
      );
    }
    const [run] = await store.listJobRuns({ jobName: 'unrecordable', limit: 1 });
    expect(run).toMatchObject({ status: 'failed', summary: null });
    expect(run!.error).toContain('could not be recorded');
    expect(run!.finishedAt).toBeInstanceOf(Date);
    expect(errors.length).toBe(1);
  });
});

describe('weekly-tool-lifecycle does not recommend what the registry already did', () => {
  it('an accepted archive does not come back once its quiet period ends; nor deprecate or promote', async () => {
    const pool = poolOf(store);
    const addRuns = async (
      tool: string,
      total: number,
      ok: number,
      daysAgo: number,
    ): Promise<void> => {
      const id = await store.storeExecution({
        goalText: tool,
        createdAt: new Date(Date.now() - daysAgo * DAY),
      });
      await pool.query(
        `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, created_at)
         SELECT gen_random_uuid(), $1, $2, g <= $4, now() - $5::double precision * interval '1 day'
           FROM generate_series(1, $3) g`,
        [id, tool, total, ok, daysAgo],
      );
    };
    await addRuns('idle-tool', 5, 5, 40); // archive
    await addRuns('broken-tool', 30, 2, 2); // deprecate
    await addRuns('gen-tool', 40, 40, 2); // promote (AI-generated)
    await store.storeToolCreation({
      toolName: 'gen-tool',
      goalText: 'made it',
      generatedCode: 'export default () => 1',
      validationPassed: true,
      createdAt: new Date(Date.now() - 10 * DAY),
    });
    const first = (await runJob(store, 'weekly-tool-lifecycle')) as LifecycleSummary;
    expect(first.recommendations.map((r) => `${r.action} ${r.toolName}`).sort()).toEqual([
      'archive idle-tool',
      'deprecate broken-tool',
      'promote gen-tool',
    ]);
    for (const rec of await store.listRecommendations({ status: 'open' }))
      await store.acceptRecommendation(rec.id);
    // The quiet period over (0 days), the same history: nothing to recommend, the registry did it.
    const again = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { settledQuietDays: 0 },
    })) as LifecycleSummary;
    expect(again.recommendations).toEqual([]);
    expect(again.created).toBe(0);
    expect(await store.listRecommendations({ status: 'open' })).toEqual([]);
    // A tool set back to active by a person is judged again.
    await store.setToolStatus('broken-tool', 'active', { reason: 'fixed, watching it' });
    const third = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { settledQuietDays: 0 },
    })) as LifecycleSummary;
    expect(third.recommendations.map((r) => `${r.action} ${r.toolName}`)).toEqual([
      'deprecate broken-tool',
    ]);
  });
});

describe('a run swept as crashed while it still runs (a pause or an outage longer than its lease)', () => {
  it('says so once through the error hook, and still records its result', async () => {
    let lost: () => void = () => undefined;
    const told = new Promise<void>((r) => (lost = r));
    const errors: Error[] = [];
    const job: JobDefinition = {
      name: 'lease-lost',
      schedule: '0 0 1 1 *',
      description: 'is swept as crashed mid-run',
      async run({ runId }) {
        // What another instance's sweep does to a run whose lease lapsed.
        await poolOf(store).query(`UPDATE job_runs SET status = 'crashed' WHERE id = $1`, [runId]);
        // Waits for the heartbeat to notice (a guard ends the wait if it never does).
        await Promise.race([told, new Promise((r) => setTimeout(r, 10_000))]);
        return { finished: true };
      },
    };
    await runJob(store, 'lease-lost', {
      jobs: [job],
      leaseMs: 1_000,
      onError: (e) => {
        errors.push(e);
        lost();
      },
    });
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('lost its lease')]);
    const [run] = await store.listJobRuns({ jobName: 'lease-lost', limit: 1 });
    expect(run).toMatchObject({ status: 'succeeded', summary: { finished: true } });
  });
});
