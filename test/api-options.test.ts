// Options of the public API: a recorder's options and the timeouts of flush()/close(), those of
// ExecutionStore.open(), and the store methods' options arguments. Each bad value is a
// ValidationError naming the option, before anything is written or any folder made (not a raw
// TypeError later, a timer that fires at once, or a spool in the working folder).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  Orchestrator,
  ValidationError,
  attachExecutionHistory,
  createRunRecorder,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';

let store: ExecutionStore;
let url: string;
let root: string;

beforeAll(async () => {
  ({ store, url } = await openTestStore());
  root = await mkdtemp(path.join(tmpdir(), 'dendrite-rec-opts-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('recorder options', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['store', { store: {} }],
    ['store', { store: null }],
    ['spoolDir', { spoolDir: 42 }],
    ['spoolDir', { spoolDir: '' }],
    ['spoolDir', { spoolDir: 'a\u0000b' }],
    ['batchSize', { batchSize: 0 }],
    ['batchSize', { batchSize: '500' }],
    ['batchSize', { batchSize: 1e9 }],
    ['batchSize', { batchSize: 0.5 }],
    ['maxQueueRows', { maxQueueRows: -1 }],
    ['flushIntervalMs', { flushIntervalMs: Infinity }],
    ['retryBaseMs', { retryBaseMs: Number.NaN }],
    ['retryMaxMs', { retryMaxMs: 1e12 }],
    ['durability', { durability: 'SYNC' }],
    ['onOverflow', { onOverflow: 'ignore' }],
  ];
  for (const [field, given] of bad)
    it(`refuses ${JSON.stringify(given)}: ValidationError on ${field}, no folder made`, async () => {
      const spoolDir = path.join(root, `never-${field}`);
      const options = { store, spoolDir, ...given } as never;
      let caught: unknown;
      try {
        createRunRecorder(options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).field).toBe(field);
      expect(existsSync(spoolDir)).toBe(false);
      // attaching with the same options leaves the orchestrator free for a good handle
      const orch = new Orchestrator();
      expect(() => attachExecutionHistory(orch, options)).toThrow(ValidationError);
      const good = attachExecutionHistory(orch, {
        store,
        spoolDir: path.join(root, `ok-${field}`),
      });
      await good.close();
    });
});

describe('flush() and close() timeouts', () => {
  it('a bad timeoutMs rejects with a ValidationError and leaves the recorder working', async () => {
    const recorder = createRunRecorder({ store, spoolDir: path.join(root, 'timeouts') });
    recorder.startRun({ runId: 'timeout-run', goalText: 'bad timeouts' });
    recorder.endRun({ runId: 'timeout-run', success: true });
    for (const timeoutMs of [-1, Number.NaN, Infinity, 1e12, '5000'])
      await expect(recorder.flush({ timeoutMs } as never)).rejects.toBeInstanceOf(ValidationError);
    for (const timeoutMs of [-1, 2_147_483_647, '5000'])
      await expect(recorder.close({ timeoutMs } as never)).rejects.toMatchObject({
        code: 'VALIDATION',
        field: 'timeoutMs',
      });
    expect((await recorder.flush({ timeoutMs: 0 })).queued).toBeGreaterThanOrEqual(0);
    const report = await recorder.close({ timeoutMs: 10_000 });
    expect(report.written).toBeGreaterThanOrEqual(1);
    expect(report.spooledRows).toBe(0);
  });
});

describe('ExecutionStore.open() options', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['connectionString', { connectionString: 42 }],
    ['readUrl', { readUrl: {} }],
    ['migrate', { migrate: 'yes' }],
    ['statementTimeoutMs', { statementTimeoutMs: -1 }],
    ['statementTimeoutMs', { statementTimeoutMs: 1.5 }],
    ['statementTimeoutMs', { statementTimeoutMs: 1e12 }],
    ['config', { config: 'host=db' }],
    ['config.port', { config: { port: 'abc' } }],
    ['config.port', { config: { port: 70_000 } }],
    ['config.host', { config: { host: '' } }],
    ['config.poolMax', { config: { poolMax: 0 } }],
    ['config.connectTimeoutMs', { config: { connectTimeoutMs: -5 } }],
  ];
  for (const [field, given] of bad)
    it(`refuses ${JSON.stringify(given)} before connecting: ValidationError on ${field}`, async () => {
      const error = await ExecutionStore.open({ ...given, embedded: undefined } as never).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    });
});

describe('store methods given something other than an options object', () => {
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['getTopTools', () => store.getTopTools(-1 as never)],
    ['getRecentExecutions', () => store.getRecentExecutions(null as never)],
    ['getSuccessRate', () => store.getSuccessRate(Number.NaN as never)],
    ['getLatencyPercentiles', () => store.getLatencyPercentiles('24h' as never)],
    ['rankTools', () => store.rankTools(['a'], [] as never)],
    ['listRecommendations', () => store.listRecommendations('open' as never)],
    ['listTools', () => store.listTools(5 as never)],
    ['listToolStatusChanges', () => store.listToolStatusChanges(true as never)],
    ['discoverTools', () => store.discoverTools('find a tool', 3 as never)],
    ['listJobRuns', () => store.listJobRuns(null as never)],
  ];
  for (const [method, call] of calls)
    it(`${method}() refuses it with a ValidationError naming the method`, async () => {
      await expect(call()).rejects.toMatchObject({
        code: 'VALIDATION',
        field: 'options',
        message: expect.stringContaining(`${method}()`) as unknown,
      });
    });

  it('close() refuses a bad timeout and stays open', async () => {
    const own = await ExecutionStore.open({ connectionString: url });
    await expect(own.close({ timeoutMs: 'soon' } as never)).rejects.toMatchObject({
      field: 'timeoutMs',
    });
    expect(own.isClosed).toBe(false);
    await own.close();
    expect(own.isClosed).toBe(true);
  });
});

describe('other entry points', () => {
  it('buildReport, instrument, trackTool and serveUi refuse what they cannot use with a ValidationError', async () => {
    const { buildReport, instrument, trackTool } = await import('../src/index.js');
    for (const options of [{ days: -1 }, { days: Number.NaN }, { limit: 2.5 }, { z: 0 }])
      await expect(buildReport(store, options)).rejects.toBeInstanceOf(ValidationError);
    await expect(buildReport(store, { now: new Date(Number.NaN) })).rejects.toMatchObject({
      field: 'now',
    });
    await expect(buildReport({} as never)).rejects.toMatchObject({ field: 'store' });
    for (const target of [null, 42, {}, { process: 'no' }])
      expect(() => instrument(target as never)).toThrow(ValidationError);
    await expect(trackTool('lookup', {}, null as never)).rejects.toMatchObject({ field: 'fn' });
    const { serveUi } = await import('../src/index.js');
    await expect(serveUi({ store: null } as never)).rejects.toMatchObject({ field: 'store' });
  });
});
