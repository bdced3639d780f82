import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  Orchestrator,
  attachExecutionHistory,
  instrument,
  trackTool,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

let store: ExecutionStore;
let spoolRoot: string;

beforeAll(async () => {
  ({ store } = await openTestStore());
  spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-mwp-'));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

const spoolDir = () => mkdtemp(path.join(spoolRoot, 's-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function executionRow(id: string) {
  return (await poolOf(store).query('SELECT * FROM executions WHERE execution_id = $1', [id]))
    .rows[0];
}
async function toolRows(id: string) {
  return (
    await poolOf(store).query('SELECT * FROM tool_executions WHERE execution_id = $1 ORDER BY id', [
      id,
    ])
  ).rows;
}

describe('payload hygiene', () => {
  it('stores poison payloads sanitized and leaves the orchestrator results untouched', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const poison = {
      circular,
      big: 12345678901234567890n,
      undef: undefined,
      fn: function namedFn() {},
      sym: Symbol('s'),
      err: new RangeError('bad range'),
      date: new Date('2024-01-02T03:04:05Z'),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      buf: Buffer.from('hi'),
      typed: new Uint8Array([1, 2, 3]),
      nan: NaN,
      inf: -Infinity,
      nul: 'a\u0000b',
      lone: 'x\uD800y',
    };
    const huge = 'z'.repeat(5 * 1024 * 1024);
    const orch = new Orchestrator();
    orch.registerTool('poison_tool', () => poison);
    orch.registerTool('huge_tool', () => huge);
    const handle = attachExecutionHistory(orch, { store, spoolDir: await spoolDir() });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    const a = await orch.process('poison \u0000 please');
    const b = await orch.process('huge output');
    // The orchestrator's own results are the originals, not sanitized copies.
    expect(a.executionResult).toBe(poison);
    expect(b.executionResult).toBe(huge);
    expect((await handle.flush()).complete).toBe(true);
    expect(errors).toEqual([]);

    const [pt] = await toolRows(a.runId);
    expect((await executionRow(a.runId)).goal_text).toBe('poison \uFFFD please');
    const r = pt.result;
    expect(r.circular).toEqual({ name: 'loop', self: '[Circular]' });
    expect(r.big).toBe('12345678901234567890');
    expect('undef' in r).toBe(false);
    expect(r.fn).toBe('[Function namedFn]');
    expect(r.sym).toBe('Symbol(s)');
    expect(r.err.name).toBe('RangeError');
    expect(r.err.message).toBe('bad range');
    expect(typeof r.err.stack).toBe('string');
    expect(r.date).toBe('2024-01-02T03:04:05.000Z');
    expect(r.map).toEqual({ k: 1 });
    expect(r.set).toEqual([1, 2]);
    expect(r.buf).toEqual({ _type: 'Buffer', base64: 'aGk=' });
    expect(r.typed.base64).toBe('AQID');
    expect(r.nan).toBe('NaN');
    expect(r.inf).toBe('-Infinity');
    expect(r.nul).toBe('a\uFFFDb');
    expect(r.lone).toBe('x\uFFFDy');

    const [ht] = await toolRows(b.runId);
    expect(ht.result._truncated).toBe(true);
    expect(ht.result.originalBytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(ht.result.preview.length).toBeLessThanOrEqual(1024);
    await handle.close();
  });

  it('never stores a redacted key, nested or user-listed, in any row', async () => {
    const secret = 'hunter2-SECRET-VALUE';
    const orch = new Orchestrator();
    orch.registerTool('login_tool', () => ({
      ok: true,
      session: { Token: secret, nested: [{ API_KEY: secret, apiKey: secret }] },
      headers: { Authorization: `Bearer ${secret}`, cookie: secret },
      customerSsn: secret,
    }));
    const handle = attachExecutionHistory(orch, {
      store,
      spoolDir: await spoolDir(),
      redactKeys: ['customer_ssn'],
      redact: (key) => key === 'weird',
    });
    // Parameters and metadata pass through the same redaction.
    const em = new EventEmitter();
    const h2 = attachExecutionHistory(em, { store, spoolDir: await spoolDir(), redactKeys: ['x'] });
    const runId = '0190c0de-0000-7000-8000-000000000001';
    em.emit('process:start', { runId, goalText: 'g' });
    em.emit('tool:start', {
      runId,
      callId: 'c1',
      toolName: 't',
      parameters: { password: secret, private_key: secret, weird: 1, x: secret },
    });
    em.emit('tool:end', {
      runId,
      callId: 'c1',
      toolName: 't',
      success: true,
      result: { passwd: secret },
    });
    em.emit('process:end', { runId, result: { metadata: { db: { secret } } } });
    const res = await orch.process('login now');
    await handle.flush();
    await h2.flush();
    const dump = JSON.stringify([
      await executionRow(res.runId),
      await toolRows(res.runId),
      await executionRow(runId),
      await toolRows(runId),
    ]);
    expect(dump).not.toContain(secret);
    expect(dump).toContain('[REDACTED]');
    const [t] = await toolRows(runId);
    expect(t.parameters.weird).toBe(1); // the `redact` function belongs to the other handle
    await handle.close();
    await h2.close();
  });

  it('logs selectedTools (camelCase or snake_case) as tool runs when no tool events came', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    em.emit('process:start', { runId: 'r1', goalText: 'seed style', goalId: 'goal_1' });
    em.emit('process:end', {
      runId: 'r1',
      result: {
        goal_id: 'goal_9',
        intent: 'tool_use',
        success: false,
        selected_tools: ['a_tool', 'b_tool'],
        tool_parameters: { a_tool: { q: 1 }, b_tool: { q: 2 } },
        execution_result: [{ out: 'A' }, { out: 'B' }],
      },
    });
    em.emit('process:end', {
      runId: 'r2',
      result: { selectedTools: ['solo'], toolParameters: { n: 3 }, executionResult: 42 },
    });
    await handle.flush();
    const rows = (
      await poolOf(store).query(
        `SELECT e.goal_id, e.intent, e.success AS esuccess, t.* FROM executions e
           JOIN tool_executions t USING (execution_id)
          WHERE e.goal_text IN ('seed style', '') ORDER BY t.id`,
      )
    ).rows;
    expect(
      rows.map((r) => [r.tool_name, r.parameters, r.result, r.success, r.duration_ms]),
    ).toEqual([
      ['a_tool', { q: 1 }, { out: 'A' }, false, null],
      ['b_tool', { q: 2 }, { out: 'B' }, false, null],
      ['solo', { n: 3 }, 42, true, null],
    ]);
    expect(rows[0].goal_id).toBe('goal_9');
    expect(rows[0].intent).toBe('tool_use');
    await handle.close();
  });

  it('stores the times the orchestrator gives: startedAt on process:start and tool:start', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const runId = '018f0000-0000-7000-8000-0000000000a1';
    const at = new Date('2031-02-03T04:05:06.000Z');
    em.emit('process:start', { runId, goalText: 'timed run', startedAt: at });
    em.emit('tool:start', {
      runId,
      callId: 'c1',
      toolName: 'timed_tool',
      startedAt: at.getTime() + 1_500,
    });
    em.emit('tool:end', {
      runId,
      callId: 'c1',
      toolName: 'timed_tool',
      success: true,
      durationMs: 40,
    });
    em.emit('tool:start', { runId, callId: 'c2', toolName: 'untimed_tool' });
    em.emit('tool:end', { runId, callId: 'c2', toolName: 'untimed_tool', success: true });
    em.emit('process:end', { runId, result: { success: true } });
    await handle.flush();
    expect((await executionRow(runId)).created_at.toISOString()).toBe(at.toISOString());
    const tools = await toolRows(runId);
    expect(tools[0].created_at.toISOString()).toBe('2031-02-03T04:05:07.500Z');
    expect(Math.abs(tools[1].created_at.getTime() - Date.now())).toBeLessThan(60_000);
    await handle.close();
  });

  it('a throwing listener or a broken payload never reaches process()', async () => {
    const orch = new Orchestrator();
    const hostile = {
      get boom() {
        throw new Error('getter');
      },
    };
    orch.registerTool('hostile_tool', () => hostile);
    const handle = attachExecutionHistory(orch, { store, spoolDir: await spoolDir() });
    handle.on('flushed', () => {
      throw new Error('listener bug');
    });
    const res = await orch.process('hostile call');
    expect(res.success).toBe(true);
    await handle.flush();
    const [t] = await toolRows(res.runId);
    expect(t.result).toEqual({ boom: '[Unreadable: Error: getter]' });
    await handle.close();
  });
});

describe('instrument() and trackTool()', () => {
  it('correlates tool runs to their run under interleaved concurrency', async () => {
    class Plain {
      async process(goal: { id: number; steps: number }) {
        const outs: number[] = [];
        for (let s = 0; s < goal.steps; s++) {
          // Interleave: each step yields for a varying time so runs overlap.
          const v = await trackTool(`tool_${s}`, { run: goal.id, step: s }, async (p) => {
            await sleep((goal.id * 7 + s * 3) % 5);
            if (p.step === 2 && goal.id % 4 === 0) throw new Error('step 2 failed');
            return p.run * 100 + p.step;
          }).catch(() => -1);
          outs.push(v);
        }
        // Tools in parallel inside one run, too.
        await Promise.all([
          trackTool('par_a', { run: goal.id }, async () => sleep(goal.id % 3)),
          trackTool('par_b', { run: goal.id }, async () => sleep((goal.id + 1) % 3)),
        ]);
        if (goal.id % 9 === 0) throw new Error('run failed');
        return { success: true, outs };
      }
    }
    const plain = new Plain();
    const events = instrument(plain);
    expect(instrument(plain)).toBe(events);
    const handle = attachExecutionHistory(events, { store, spoolDir: await spoolDir() });
    const runIds = new Map<string, { id: number; steps: number }>();
    events.on('process:start', (e) => runIds.set(String(e.runId), e.goalId as never));
    const goals = Array.from({ length: 60 }, (_, id) => ({ id, steps: 1 + (id % 4) }));
    const goalById = new Map(goals.map((g) => [g.id, g]));
    const results = await Promise.allSettled(goals.map((g) => plain.process(g)));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(
      goals.filter((g) => g.id % 9 === 0).length,
    );
    // Outside a run, the result passes through too (the call is recorded as a run of its own).
    expect(await trackTool('free', 1, (n) => n + 1)).toBe(2);
    await handle.flush();
    const rows = (
      await poolOf(store).query(
        `SELECT e.execution_id, e.goal_id, e.success AS run_ok, t.tool_name, t.parameters, t.success
           FROM executions e JOIN tool_executions t USING (execution_id) ORDER BY t.id`,
      )
    ).rows.filter((r) => runIds.has(r.execution_id));
    expect(new Set(rows.map((r) => r.execution_id)).size).toBe(60);
    for (const r of rows) {
      const goal = goalById.get(Number(r.goal_id))!;
      // Every tool row's parameters name the run it was called from.
      expect(r.parameters.run).toBe(goal.id);
      expect(r.run_ok).toBe(goal.id % 9 !== 0);
      if (r.tool_name === 'tool_2') expect(r.success).toBe(goal.id % 4 !== 0);
    }
    for (const g of goals) {
      const mine = rows.filter((r) => Number(r.goal_id) === g.id);
      const seq = mine.map((r) => r.tool_name).filter((n) => n.startsWith('tool_'));
      expect(seq).toEqual(Array.from({ length: g.steps }, (_, s) => `tool_${s}`));
      expect(mine.filter((r) => r.tool_name.startsWith('par_'))).toHaveLength(2);
    }
    events.restore();
    await handle.close();
  });
});

describe('handle lifecycle', () => {
  it('validates options with typed errors and closes idempotently', async () => {
    const orch = new Orchestrator();
    expect(() => attachExecutionHistory({} as never, { store })).toThrow(/event emitter/);
    expect(() =>
      attachExecutionHistory(orch, { store, durability: 'never' as never }),
    ).toThrowError(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => attachExecutionHistory(orch, { store, batchSize: 0 })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION', field: 'batchSize' }),
    );
    const handle = attachExecutionHistory(orch, { store, spoolDir: await spoolDir() });
    handle.detach();
    handle.detach();
    await orch.process('nothing recorded');
    expect(handle.stats().runs).toBe(0);
    const first = handle.close();
    expect(handle.close()).toBe(first);
    expect((await first).spooledRows).toBe(0);
  });
});
