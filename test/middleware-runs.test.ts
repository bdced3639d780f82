import { EventEmitter } from 'node:events';
import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attachExecutionHistory,
  createRunRecorder,
  instrument,
  reportModelCall,
  trackTool,
  type ExecutionStore,
  type HistoryError,
} from '../src/index.js';
import { executionsOf, openRowsFixture, toolsOf } from './helpers/middleware-rows.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
});

/** A promise and its resolve, to settle a tool at a moment the test picks. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('hostile events', () => {
  it('null, undefined and throwing tool and run events never reach the orchestrator; the run around them is kept', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const errors: string[] = [];
    handle.on('error', (e) => errors.push((e as HistoryError).code));
    const trap = {
      get runId(): string {
        throw new Error('boom');
      },
    };
    const runId = 'hostile_events_run';
    expect(() => {
      em.emit('process:start', { runId, goalText: 'hostile events' });
      for (const name of ['tool:start', 'tool:end', 'process:start', 'process:end'])
        for (const bad of [null, undefined, trap]) em.emit(name, bad);
      em.emit('tool:start', { runId, callId: 'c1', toolName: 'fine' });
      em.emit('tool:end', { runId, callId: 'c1', toolName: 'fine', result: 1 });
      em.emit('process:end', { runId, result: { success: true } });
    }).not.toThrow();
    await handle.close();
    expect(errors.length).toBeGreaterThanOrEqual(12);
    expect(new Set(errors)).toEqual(new Set(['HANDLER']));
    const [execution] = await executionsOf(db, 'hostile events');
    expect(execution).toBeDefined();
    expect(await toolsOf(db, execution!.execution_id)).toHaveLength(1);
  });
});

describe('runs that never end', () => {
  it('are reported (OPEN_RUNS) at 10,000 open runs and at each doubling, and written as unfinished at close', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const notices: string[] = [];
    recorder.on('error', (e) => {
      if ((e as HistoryError).code === 'OPEN_RUNS') notices.push(e.message);
    });
    for (let i = 0; i < 20_000; i++)
      recorder.startRun({ runId: `never-${i}`, goalText: 'never ends' });
    expect(notices).toHaveLength(2);
    expect(notices[0]).toContain('10000 runs started and not ended');
    expect(notices[1]).toContain('20000 runs');
    expect(recorder.stats().openRuns).toBe(20_000);
    const report = await recorder.close({ timeoutMs: 30_000 });
    expect(report.spooledRows).toBe(0);
    const r = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM executions WHERE goal_text = 'never ends' AND success IS NULL",
    );
    expect(r.rows[0]!.n).toBe(20_000);
  });
});

describe('after close()', () => {
  it("a recorder's runs after close() land in a sealed spool file, the lock let go: the next handle, in this process too, writes them", async () => {
    const dir = await spoolDir();
    const first = createRunRecorder({ store, spoolDir: dir });
    first.startRun({ runId: 'before_close', goalText: 'written before close' });
    first.endRun({ runId: 'before_close', success: true });
    await first.close();
    first.startRun({ runId: 'after_close', goalText: 'given after close' });
    first.startTool({ runId: 'after_close', callId: 'c', toolName: 'late_tool' });
    first.endTool({ runId: 'after_close', callId: 'c', result: 1 });
    first.endRun({ runId: 'after_close', success: true });
    // The spool write is in the background: wait for a sealed file and no lock left.
    for (let i = 0; i < 200; i++) {
      const names = await readdir(dir);
      if (names.some((n) => n.includes('.sealed.')) && !names.some((n) => n.endsWith('.owner')))
        break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(first.stats().spooled).toBe(2);
    const next = createRunRecorder({ store, spoolDir: dir });
    expect((await next.flush({ timeoutMs: 10_000 })).complete).toBe(true);
    await next.close();
    const [execution] = await executionsOf(db, 'given after close');
    expect(execution).toBeDefined();
    expect(await toolsOf(db, execution!.execution_id)).toHaveLength(1);
    expect((await readdir(dir)).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
  });
});

describe('foreign ids', () => {
  it('megabyte-long run and call ids: kept by a digest, the same execution id as before, a late tool joins its run', async () => {
    const { runUuid } = await import('../src/ids.js');
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const runId = `run-${'r'.repeat(1_000_000)}`;
    const callA = `call-${'a'.repeat(500_000)}`;
    const callB = `call-${'b'.repeat(500_000)}`;
    em.emit('process:start', { runId, goalText: 'long ids' });
    em.emit('tool:start', { runId, callId: callA, toolName: 'first' });
    em.emit('tool:end', { runId, callId: callA, toolName: 'first', result: 1 });
    em.emit('process:end', { runId, result: { success: true } });
    em.emit('tool:end', { runId, callId: callB, toolName: 'late', result: 2 }); // after the end
    em.emit('tool:end', { runId, callId: callA, toolName: 'first', result: 1 }); // redelivered
    // What stays in memory for the ended run is keyed by a digest, not the megabyte id.
    const remembered = (handle as unknown as { assembly: { ended: { keys(): Iterable<string> } } })
      .assembly.ended;
    const keys = [...remembered.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]!.length).toBeLessThanOrEqual(256);
    await handle.close();
    const executions = await executionsOf(db, 'long ids');
    expect(executions.map((e) => e.execution_id)).toEqual([runUuid(runId)]);
    const tools = await toolsOf(db, runUuid(runId));
    expect(tools.map((t) => t.tool_name).sort()).toEqual(['first', 'late']);
  });

  it('a replayed run with non-UUID ids (trace_…, call_…, OTel hex, numbers) writes no duplicate', async () => {
    const runs = [
      { runId: 'trace_8f2a', callId: 'call_Xy12' },
      { runId: '4bf92f3577b34da6a3ce929d0e0e4736', callId: '00f067aa0ba902b7' },
      { runId: 42, callId: '7' },
    ];
    for (let delivery = 0; delivery < 2; delivery++) {
      const em = new EventEmitter();
      const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
      for (const { runId, callId } of runs) {
        em.emit('process:start', { runId, goalText: 'replayed foreign ids' });
        em.emit('tool:start', { runId, callId, toolName: 'lookup', parameters: { q: 1 } });
        em.emit('tool:end', { runId, callId, toolName: 'lookup', success: true, result: 1 });
        em.emit('process:end', { runId, result: { success: true } });
      }
      await handle.close();
    }
    const executions = await executionsOf(db, 'replayed foreign ids');
    expect(executions).toHaveLength(3);
    for (const e of executions) expect(await toolsOf(db, e.execution_id)).toHaveLength(1);
  });

  it('one call id used twice in a run is two tool runs; a repeated end is one', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const runId = 'trace_reuse';
    recorder.startRun({ runId, goalText: 'call id reuse' });
    for (let i = 0; i < 2; i++) {
      recorder.startTool({ runId, callId: 'c', toolName: 't', parameters: { i } });
      recorder.endTool({ runId, callId: 'c', result: i });
      recorder.endTool({ runId, callId: 'c', result: 'redelivered' });
    }
    recorder.endRun({ runId });
    await recorder.close();
    const [e] = await executionsOf(db, 'call id reuse');
    expect((await toolsOf(db, e.execution_id)).map((t) => t.result)).toEqual([0, 1]);
  });
});

describe('tool events as frameworks send them', () => {
  it('a tool:end without tool:start carries parameters and times', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const runId = 'run_end_only';
    em.emit('process:start', { runId, goalText: 'end only tool' });
    em.emit('tool:end', {
      runId,
      callId: 'call_1',
      toolName: 'search',
      parameters: { query: 'weather' },
      result: { sunny: true },
      startedAt: Date.UTC(2030, 0, 1, 0, 0, 0),
      endedAt: Date.UTC(2030, 0, 1, 0, 0, 2),
    });
    em.emit('process:end', { runId });
    await handle.close();
    const [e] = await executionsOf(db, 'end only tool');
    const [t] = await toolsOf(db, e.execution_id);
    expect(t).toMatchObject({
      tool_name: 'search',
      parameters: { query: 'weather' },
      result: { sunny: true },
      success: true,
      duration_ms: 2000,
    });
    expect(t.created_at.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('a tool that settles after process() returned joins its run, written before close()', async () => {
    const gate = deferred<string>();
    let late: Promise<string> | undefined;
    const events = instrument(async (goal: string) => {
      await trackTool('quick', {}, async () => 'ok');
      late = trackTool('slow', { goal }, () => gate.promise); // not awaited
      return { success: true };
    });
    const handle = attachExecutionHistory(events, { store, spoolDir: await spoolDir() });
    await events.process('late tool');
    await handle.flush();
    expect(handle.stats().openRuns).toBe(0);
    const [e] = await executionsOf(db, 'late tool');
    expect(e.success).toBe(true);
    expect((await toolsOf(db, e.execution_id)).map((t) => t.tool_name)).toEqual(['quick']);

    gate.resolve('finally');
    await late;
    await handle.flush();
    const executions = await executionsOf(db, 'late tool');
    expect(executions).toHaveLength(1);
    const tools = await toolsOf(db, e.execution_id);
    expect(tools.map((t) => [t.tool_name, t.success, t.result, t.error])).toEqual([
      ['quick', true, 'ok', null],
      ['slow', true, 'finally', null],
    ]);
    expect(handle.stats().openRuns).toBe(0);
    await handle.close();
    expect(await executionsOf(db, 'late tool')).toHaveLength(1);
  });

  it('a tool:start and tool:end after process:end are written under the ended execution', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const runId = 'trace_after_end';
    em.emit('process:start', { runId, goalText: 'events after end' });
    em.emit('process:end', { runId, result: { success: false, error: 'model refused' } });
    em.emit('tool:start', { runId, callId: 'call_9', toolName: 'cleanup' });
    em.emit('tool:end', { runId, callId: 'call_9', toolName: 'cleanup', success: true });
    await handle.flush();
    const executions = await executionsOf(db, 'events after end');
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ success: false, error: 'model refused' });
    expect(await toolsOf(db, executions[0].execution_id)).toHaveLength(1);
    expect(handle.stats().openRuns).toBe(0);
    await handle.close();
    expect(await executionsOf(db, 'events after end')).toHaveLength(1);
  });
});

describe('streamed results', () => {
  async function* chunks(fail: boolean) {
    yield 'a';
    await new Promise((r) => setImmediate(r));
    yield 'b';
    if (fail) throw new Error('stream broke');
    yield 'c';
  }

  it('a run returning an async iterable ends when it is consumed, fails or is abandoned', async () => {
    const events = instrument({ process: async (goal: string) => chunks(goal.includes('fail')) });
    const handle = attachExecutionHistory(events, { store, spoolDir: await spoolDir() });

    const ok = await events.process('stream ok');
    await handle.flush();
    expect(await executionsOf(db, 'stream ok')).toHaveLength(0);
    expect(handle.stats().openRuns).toBe(1);
    const got: string[] = [];
    for await (const c of ok) got.push(c);
    expect(got).toEqual(['a', 'b', 'c']);

    const bad = await events.process('stream fail');
    await expect(async () => {
      for await (const c of bad) void c;
    }).rejects.toThrow('stream broke');

    const left = await events.process('stream abandoned');
    for await (const c of left) if (c === 'a') break;

    await handle.flush();
    expect((await executionsOf(db, 'stream ok'))[0].success).toBe(true);
    expect((await executionsOf(db, 'stream fail'))[0]).toMatchObject({
      success: false,
      error: 'Error: stream broke',
    });
    expect((await executionsOf(db, 'stream abandoned'))[0].success).toBeNull();
    expect(handle.stats().openRuns).toBe(0);
    await handle.close();
  });

  it('web ReadableStream and Node Readable results end with the stream', async () => {
    const events = instrument((goal: string) =>
      goal === 'web stream'
        ? new ReadableStream<string>({
            start(c) {
              c.enqueue('x');
              c.close();
            },
          })
        : Readable.from(['y', 'z']),
    );
    const handle = attachExecutionHistory(events, { store, spoolDir: await spoolDir() });
    const web = events.process('web stream') as ReadableStream<string>;
    const node = events.process('node stream') as Readable;
    await handle.flush();
    expect(handle.stats().openRuns).toBe(2);
    const reader = web.getReader();
    expect((await reader.read()).value).toBe('x');
    expect((await reader.read()).done).toBe(true);
    const parts: string[] = [];
    for await (const p of node) parts.push(p as string);
    expect(parts).toEqual(['y', 'z']);
    await handle.flush();
    expect(handle.stats().openRuns).toBe(0);
    expect((await executionsOf(db, 'web stream'))[0].success).toBe(true);
    expect((await executionsOf(db, 'node stream'))[0].success).toBe(true);
    await handle.close();
  });
});

describe('model and token usage', () => {
  it('sums usage over a run’s model calls into metadata.model / metadata.usage', async () => {
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const runId = 'run_usage';
    recorder.startRun({ runId, goalText: 'usage run', metadata: { team: 'a' } });
    recorder.recordModelCall({
      runId,
      model: 'gpt-x',
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    recorder.recordModelCall({
      runId,
      model: 'gpt-x',
      usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 },
    });
    recorder.endRun({ runId, result: 'the answer' });
    await recorder.close();
    const [e] = await executionsOf(db, 'usage run');
    expect(e.metadata).toEqual({
      team: 'a',
      model: 'gpt-x',
      usage: { inputTokens: 17, outputTokens: 8, totalTokens: 25 },
      result: 'the answer',
    });
  });

  it('reportModelCall() inside an instrumented run reaches its execution', async () => {
    const events = instrument(async (_goal: string) => {
      reportModelCall({ model: 'm-1', usage: { inputTokens: 3, outputTokens: 4 } });
      return { success: true };
    });
    const handle = attachExecutionHistory(events, { store, spoolDir: await spoolDir() });
    await events.process('reported usage');
    await handle.close();
    expect(reportModelCall({ model: 'outside' })).toBe(false);
    const [e] = await executionsOf(db, 'reported usage');
    expect(e.metadata).toMatchObject({
      model: 'm-1',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
  });
});

describe('instrument() and trackTool() edges', () => {
  it('trackTool() outside any run is recorded as a run of its own', async () => {
    const handle = createRunRecorder({ store, spoolDir: await spoolDir() });
    expect(await trackTool('free_tool', { n: 1 }, (p) => p.n + 1)).toBe(2);
    await expect(
      trackTool('free_fail', {}, () => Promise.reject(new Error('nope'))),
    ).rejects.toThrow('nope');
    await handle.close();
    const [ok] = await executionsOf(db, 'trackTool: free_tool');
    expect(ok).toMatchObject({ success: true, metadata: { _outsideRun: true } });
    expect(await toolsOf(db, ok.execution_id)).toMatchObject([
      { tool_name: 'free_tool', parameters: { n: 1 }, result: 2, success: true },
    ]);
    const [bad] = await executionsOf(db, 'trackTool: free_fail');
    expect(bad.success).toBe(false);
  });

  it('attaching the same orchestrator twice throws instead of doubling rows', async () => {
    const em = new EventEmitter();
    const first = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    expect(() => attachExecutionHistory(em, { store, spoolDir: '/nonexistent' })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION', field: 'orchestrator' }),
    );
    em.emit('process:start', { runId: 'attach_once', goalText: 'attached once' });
    em.emit('process:end', { runId: 'attach_once' });
    await first.close();
    const second = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    await second.close();
    expect(await executionsOf(db, 'attached once')).toHaveLength(1);
  });
});

describe('field-level repair', () => {
  it('one bad timestamp or field in one tool event is repaired and noted; the run is kept', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    const warnings: Error[] = [];
    process.on('warning', (w) => warnings.push(w));
    const runId = 'run_bad_fields';
    // 1e20 ms is past JavaScript's Date range: new Date(1e20) is an Invalid Date, which pg warns
    // about on the host's stderr (a DeprecationWarning) and the server refuses.
    em.emit('process:start', { runId, goalText: 'bad fields', startedAt: 1e20 });
    em.emit('tool:start', {
      runId,
      callId: 'a',
      toolName: 'good',
      startedAt: new Date(-8.64e15),
    });
    em.emit('tool:end', { runId, callId: 'a', toolName: 'good', success: 'yes', durationMs: NaN });
    em.emit('tool:end', {
      runId,
      callId: 'b',
      toolName: 'other',
      success: true,
      startedAt: 'not a date',
      endedAt: Number.MAX_VALUE,
    });
    em.emit('process:end', { runId, result: { success: true } });
    await handle.close();
    const [e] = await executionsOf(db, 'bad fields');
    expect(e.success).toBe(true);
    expect(e.metadata._repaired.length).toBeGreaterThanOrEqual(4);
    expect(e.metadata._repaired.join('\n')).toMatch(/startedAt/);
    const tools = await toolsOf(db, e.execution_id);
    expect(tools.map((t) => t.tool_name)).toEqual(['good', 'other']);
    for (const t of tools) expect(t.created_at.getUTCFullYear()).toBeGreaterThan(2000);
    expect(handle.stats()).toMatchObject({ rejected: 0, dropped: 0 });
    expect(errors).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual([]);
  });
});

describe('field-level repair, every field × hostile values', () => {
  const unprintable = {
    toString() {
      throw new Error('no string');
    },
    get boom() {
      throw new Error('getter');
    },
  };
  const hostile: unknown[] = [
    undefined,
    null,
    NaN,
    -1,
    Infinity,
    1e20,
    -8.64e15,
    '',
    'garbage',
    {},
    [],
    Symbol('s'),
    10n,
    new Date(NaN),
    () => 1,
    unprintable,
  ];
  const fields = [
    'toolName',
    'parameters',
    'startedAt',
    'success',
    'result',
    'error',
    'durationMs',
    'endedAt',
  ];

  it('keeps the run and its tool runs whatever one tool field holds', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    let n = 0;
    for (const field of fields)
      for (const value of hostile) {
        const runId = `fuzz_${n++}`;
        em.emit('process:start', { runId, goalText: 'hostile field' });
        const start = { runId, callId: 'a', toolName: 'ok_tool', parameters: { p: 1 } };
        const end = { runId, callId: 'a', toolName: 'ok_tool', success: true, result: 1 };
        if (field === 'toolName' || field === 'parameters' || field === 'startedAt')
          em.emit('tool:start', { ...start, [field]: value });
        else em.emit('tool:start', start);
        em.emit('tool:end', field in end ? { ...end, [field]: value } : { ...end, [field]: value });
        em.emit('tool:end', { runId, callId: 'b', toolName: 'only_end', [field]: value });
        em.emit('process:end', { runId, result: { success: true } });
      }
    await handle.close();
    // Unreadable parts of a payload are the sanitizer's to mark and report (PAYLOAD); nothing else.
    expect(errors.filter((e) => (e as { code?: string }).code !== 'PAYLOAD')).toEqual([]);
    expect(handle.stats()).toMatchObject({ rejected: 0, dropped: 0 });
    const counts = (
      await db.query(
        `SELECT count(DISTINCT e.execution_id)::int AS runs, count(t.id)::int AS tools
           FROM executions e LEFT JOIN tool_executions t USING (execution_id)
          WHERE e.goal_text = 'hostile field'`,
      )
    ).rows[0];
    expect(counts).toEqual({ runs: n, tools: 2 * n });
  });
});
