import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRunRecorder, type ExecutionStore } from '../src/index.js';
import { executionsOf, openRowsFixture, toolsOf } from './helpers/middleware-rows.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
});

describe('RunRecorder: the run assembly fed by method calls', () => {
  it('records a run with a tool started and ended, and one reported only at its end', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const runId = randomUUID();
    const started = new Date('2025-03-01T10:00:00Z');
    recorder.startRun({ runId, goalText: 'recorder basic', intent: 'search', startedAt: started });
    recorder.startTool({ runId, callId: 'a', toolName: 'lookup', parameters: { q: 1 } });
    recorder.endTool({ runId, callId: 'a', result: { hits: 2 } });
    recorder.endTool({
      runId,
      callId: 'b',
      toolName: 'fetch',
      parameters: { url: 'x' },
      error: new Error('boom'),
    });
    expect(recorder.stats().openRuns).toBe(1);
    recorder.endRun({ runId, success: true, metadata: { tag: 'k' } });
    expect(recorder.stats()).toMatchObject({ runs: 1, openRuns: 0 });
    await recorder.close();

    const [execution] = await executionsOf(db, 'recorder basic');
    expect(execution).toMatchObject({
      execution_id: runId,
      intent: 'search',
      success: true,
      metadata: { tag: 'k' },
    });
    expect(execution.created_at.toISOString()).toBe(started.toISOString());
    const tools = await toolsOf(db, runId);
    expect(tools.map((t) => [t.tool_name, t.success, t.parameters, t.result, t.error])).toEqual([
      ['lookup', true, { q: 1 }, { hits: 2 }, null],
      ['fetch', false, { url: 'x' }, null, 'Error: boom'],
    ]);
  });

  it('records an abandoned run as unfinished with its reason', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const runId = randomUUID();
    recorder.startRun({ runId, goalText: 'recorder abandoned' });
    recorder.abandonRun({ runId, reason: 'user cancelled' });
    await recorder.close();
    const [execution] = await executionsOf(db, 'recorder abandoned');
    expect(execution).toMatchObject({
      success: null,
      error: 'user cancelled',
      metadata: { _unfinished: true },
    });
  });

  it('never throws on hostile input and reports the fault on `error`', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const errors: Error[] = [];
    recorder.on('error', (e) => errors.push(e));
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('getter trap');
        },
      },
    );
    expect(() => recorder.startRun(hostile as never)).not.toThrow();
    expect(() => recorder.endTool(null as never)).not.toThrow();
    expect(errors.length).toBeGreaterThan(0);
    await recorder.close();
  });
});
