import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  ValidationError,
  builtInJobs,
  createRetentionJob,
  retentionJob,
  runJob,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';

const DAY = 86_400_000;
let store: ExecutionStore;
let url: string;

async function seed(ageDays: number, rated: boolean): Promise<string> {
  const createdAt = new Date(Date.now() - ageDays * DAY);
  const executionId = await store.storeExecution({ goalText: 'g', success: true, createdAt });
  await store.storeToolExecution({ executionId, toolName: 'kept_tool', success: true, createdAt });
  if (rated) await store.storeFeedback({ executionId, rating: 5 });
  return executionId;
}

async function executionIds(): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ id: string }>('SELECT execution_id AS id FROM executions');
    return r.rows.map((row) => row.id).sort();
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  ({ store, url } = await openTestStore());
});

describe('retention job', () => {
  it('is registered, daily and off by default', () => {
    const job = builtInJobs.find((j) => j.name === 'retention');
    expect(job).toBe(retentionJob);
    expect(job?.enabled).toBe(false);
    expect(job?.schedule.split(' ')).toHaveLength(5);
  });

  it.each([
    [{ retentionDays: 0 }],
    [{ retentionDays: 1.5 }],
    [{ retentionDays: 30, feedbackRetentionDays: 7 }],
    [{ feedbackRetentionDays: 90 }],
  ])('refuses %j when created', (options) => {
    expect(() => createRetentionJob(options)).toThrow(ValidationError);
  });

  it('without retentionDays refuses to run and deletes nothing', async () => {
    await seed(400, false);
    const before = await executionIds();
    await expect(runJob(store, 'retention')).rejects.toBeInstanceOf(ValidationError);
    expect(await executionIds()).toEqual(before);
  });

  it('prunes by retentionDays and keeps rated executions for feedbackRetentionDays', async () => {
    const recent = await seed(1, false);
    const ratedOld = await seed(40, true);
    await seed(40, false);
    const summary = await runJob(store, 'retention', {
      jobs: [createRetentionJob({ retentionDays: 30, feedbackRetentionDays: 60, batchSize: 1 })],
    });
    expect(summary).toMatchObject({ executions: 2, toolExecutions: 2, feedback: 0, batches: 2 });
    expect(await executionIds()).toEqual([recent, ratedOld].sort());
  });
});
