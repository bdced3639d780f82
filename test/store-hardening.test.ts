import { inspect } from 'node:util';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import {
  ClosedError,
  ExecutionStore,
  ValidationError,
  newId,
  pruneHistory,
  runJob,
} from '../src/index.js';
import { portsOf } from '../src/schema/ports.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';

async function count(store: ExecutionStore, table: string): Promise<number> {
  return (await poolOf(store).query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

const PG_FIRST_DAY = Date.UTC(-4713, 10, 24); // 4714-11-24 BC, PostgreSQL's first timestamptz

describe('dates JavaScript accepts and PostgreSQL does not (issue 10.24)', () => {
  let store: ExecutionStore;
  let executionId: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    executionId = await store.storeExecution({ goalText: 'target' });
  });

  it.each([
    ['the first JavaScript date', new Date(-8.64e15)],
    ['one millisecond before 4714-11-24 BC', new Date(PG_FIRST_DAY - 1)],
    ['an invalid Date', new Date(Number.NaN)],
    ['an ISO string before 4714 BC', '-010000-01-01T00:00:00Z'],
  ])('createdAt = %s is a ValidationError naming the range; nothing written', async (_, at) => {
    const executions = await count(store, 'executions');
    const tools = await count(store, 'tool_executions');
    const creations = await count(store, 'tool_creation_events');
    const attempts = [
      store.storeExecution({ goalText: 'old', createdAt: at }),
      store.storeToolExecution({ executionId, toolName: 't', success: true, createdAt: at }),
      store.storeToolCreation({
        toolName: 't',
        generatedCode: 'x',
        validationPassed: true,
        createdAt: at,
      }),
      store.getSuccessRate({ since: at }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('4714-11-24 BC');
      expect((error as Error).message).not.toContain('undefined');
    }
    expect(await count(store, 'executions')).toBe(executions);
    expect(await count(store, 'tool_executions')).toBe(tools);
    expect(await count(store, 'tool_creation_events')).toBe(creations);
  });

  it('the edges of the range are stored as given', async () => {
    for (const at of [new Date(PG_FIRST_DAY), new Date(8.64e15)]) {
      const id = await store.storeExecution({ goalText: 'edge', createdAt: at });
      const row = await poolOf(store).query(
        'SELECT created_at FROM executions WHERE execution_id = $1',
        [id],
      );
      expect((row.rows[0].created_at as Date).getTime()).toBe(at.getTime());
    }
  });

  it('a retention period reaching before 4714 BC names the valid range', async () => {
    for (const olderThan of ['3000000d', '999999999d', 999_999_999, '99999999999999999999w']) {
      const error = await pruneHistory(store, { olderThan }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/from 1 to \d+ days/);
      expect((error as Error).message).toContain('4714-11-24 BC');
    }
    const before = new Date(PG_FIRST_DAY - 1);
    const error = await pruneHistory(store, { olderThan: before }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('4714-11-24 BC');
  });
});

describe('a closed store answers ClosedError everywhere (issue 10.24)', () => {
  it('every call after close(), including jobs, retention and the writer sink', async () => {
    const { store } = await openTestStore();
    const executionId = await store.storeExecution({ goalText: 'before close' });
    await store.close();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['storeExecution', () => store.storeExecution({ goalText: 'after' })],
      [
        'storeToolExecution',
        () => store.storeToolExecution({ executionId, toolName: 't', success: true }),
      ],
      ['storeFeedback', () => store.storeFeedback({ executionId, rating: 3 })],
      [
        'storeToolCreation',
        () =>
          store.storeToolCreation({ toolName: 't', generatedCode: 'x', validationPassed: true }),
      ],
      ['getToolStatistics', () => store.getToolStatistics('t')],
      ['getTopTools', () => store.getTopTools()],
      ['getRecentExecutions', () => store.getRecentExecutions()],
      ['getSuccessRate', () => store.getSuccessRate()],
      ['getToolPerformanceView', () => store.getToolPerformanceView()],
      ['updateStatistics', () => store.updateStatistics()],
      ['recomputeStatistics', () => store.recomputeStatistics()],
      ['rankTools', () => store.rankTools(['t'])],
      ['listRecommendations', () => store.listRecommendations()],
      ['acceptRecommendation', () => store.acceptRecommendation(1)],
      ['listJobRuns', () => store.listJobRuns()],
      ['runJob', () => runJob(store, 'hourly-statistics')],
      ['pruneHistory', () => pruneHistory(store, { olderThan: '30d' })],
      ['sink.insertBatch', () => portsOf(store).sink.insertBatch([], [])],
      ['reports.totals', () => portsOf(store).reports.totals(new Date())],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(ClosedError);
      expect((error as ClosedError).code, name).toBe('CLOSED');
    }
    await store.close(); // idempotent
  });
});

describe('the store never shows its password (issue 10.17)', () => {
  it('util.inspect(store), JSON.stringify(store) and of store.config are masked', async () => {
    const password = inject('pgPassword');
    const { url } = await openTestStore();
    const readUrl = url; // a replica URL holds the password too
    const store = await ExecutionStore.open({ connectionString: url, readUrl });
    try {
      const shown = [
        inspect(store),
        inspect(store, { depth: Infinity, showHidden: true }),
        inspect(store.config, { depth: Infinity, showHidden: true }),
        JSON.stringify(store),
        JSON.stringify(store.config),
        JSON.stringify({ ...store.config }),
        `${String(store.config)} ${store.describe()}`,
      ];
      for (const text of shown) expect(text).not.toContain(password);
      expect(JSON.parse(JSON.stringify(store.config))).toMatchObject({
        password: '***',
        database: store.config.database,
      });
      // Still usable by code that connects with it.
      expect(store.config.password).toBe(password);
      expect(store.config.readUrl).toBe(readUrl);
      const id = await store.storeExecution({ executionId: newId(), goalText: 'still works' });
      expect((await store.getRecentExecutions({ limit: 1 }))[0]?.executionId).toBe(id);
    } finally {
      await store.close();
    }
  });
});
