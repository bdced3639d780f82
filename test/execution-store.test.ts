import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, withExecutionStore } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

// The seed's 13 tests, against a real PostgreSQL.
describe('ExecutionStore (seed tests)', () => {
  let store: ExecutionStore;
  let url: string;
  beforeAll(async () => {
    ({ store, url } = await openTestStore());
  });

  it('test_connection: connects and answers', async () => {
    const result = await poolOf(store).query('SELECT 1 AS one');
    expect(result.rows[0].one).toBe(1);
    expect(store.describe()).not.toContain('dendrite_pass');
  });

  it('test_store_execution: stores a goal execution with metadata', async () => {
    const id = await store.storeExecution({
      goalId: 'goal_42',
      goalText: 'What is 2 + 2?',
      intent: 'generative',
      success: true,
      durationMs: 150,
      metadata: { neuron: 'GenerativeNeuron', depth: 0, tokens: 120 },
    });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    const row = (
      await poolOf(store).query('SELECT * FROM executions WHERE execution_id = $1', [id])
    ).rows[0];
    expect(row.goal_id).toBe('goal_42');
    expect(row.goal_text).toBe('What is 2 + 2?');
    expect(row.intent).toBe('generative');
    expect(row.success).toBe(true);
    expect(row.duration_ms).toBe(150);
    expect(row.metadata).toEqual({ neuron: 'GenerativeNeuron', depth: 0, tokens: 120 });
  });

  it('test_store_tool_execution: stores tool usage within an execution', async () => {
    const executionId = await store.storeExecution({
      goalText: 'Check if 17 is prime',
      intent: 'tool_use',
      success: true,
    });
    const rowId = await store.storeToolExecution({
      executionId,
      toolName: 'prime_checker_tool',
      parameters: { n: 17 },
      result: { prime: true },
      success: true,
      durationMs: 50,
    });
    expect(rowId).toBeGreaterThan(0);
    const row = (await poolOf(store).query('SELECT * FROM tool_executions WHERE id = $1', [rowId]))
      .rows[0];
    expect(row.execution_id).toBe(executionId);
    expect(row.tool_name).toBe('prime_checker_tool');
    expect(row.parameters).toEqual({ n: 17 });
    expect(row.result).toEqual({ prime: true });
    expect(row.duration_ms).toBe(50);
  });

  it('stores a tool run idempotently by callId', async () => {
    const executionId = await store.storeExecution({ goalText: 'idempotent' });
    const callId = '018f0000-0000-7000-8000-000000000001';
    const a = await store.storeToolExecution({ executionId, toolName: 't', success: true, callId });
    const b = await store.storeToolExecution({
      executionId,
      toolName: 't',
      success: false,
      callId,
    });
    expect(b).toBe(a);
    const count = await poolOf(store).query(
      'SELECT count(*)::int AS n FROM tool_executions WHERE call_id = $1',
      [callId],
    );
    expect(count.rows[0].n).toBe(1);
  });

  it('test_store_feedback: stores user ratings (1-5)', async () => {
    const executionId = await store.storeExecution({ goalText: 'rate me', success: true });
    const id = await store.storeFeedback({
      executionId,
      rating: 5,
      feedbackText: 'Perfect answer!',
    });
    const row = (await poolOf(store).query('SELECT * FROM execution_feedback WHERE id = $1', [id]))
      .rows[0];
    expect(row.rating).toBe(5);
    expect(row.feedback_text).toBe('Perfect answer!');
    expect(row.execution_id).toBe(executionId);
  });

  it('test_store_tool_creation: tracks AI-generated tools', async () => {
    const id = await store.storeToolCreation({
      toolName: 'fibonacci_tool',
      generatedCode: 'export const fib = (n) => n < 2 ? n : fib(n - 1) + fib(n - 2);',
      validationPassed: false,
      goalText: 'compute fibonacci',
      validationErrors: ['too slow for n > 40'],
      metadata: { model: 'x' },
    });
    const row = (
      await poolOf(store).query('SELECT * FROM tool_creation_events WHERE id = $1', [id])
    ).rows[0];
    expect(row.tool_name).toBe('fibonacci_tool');
    expect(row.validation_passed).toBe(false);
    expect(row.validation_errors).toEqual(['too slow for n > 40']);
    expect(row.goal_text).toBe('compute fibonacci');
  });

  it('test_get_recent_executions: newest first, each with its tool runs', async () => {
    const base = Date.parse('2030-01-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await store.storeExecution({
        goalText: `recent ${i}`,
        createdAt: new Date(base + i * 1000),
      });
      ids.push(id);
      await store.storeToolExecution({
        executionId: id,
        toolName: `tool_${i}`,
        success: i !== 1,
        durationMs: i,
      });
      await store.storeToolExecution({ executionId: id, toolName: `tool_${i}_b`, success: true });
    }
    const recent = await store.getRecentExecutions({ limit: 2 });
    expect(recent.map((r) => r.executionId)).toEqual([ids[2], ids[1]]);
    expect(recent[0]!.toolRuns.map((t) => t.toolName)).toEqual(['tool_2', 'tool_2_b']);
    expect(recent[1]!.toolRuns[0]!.success).toBe(false);
    expect(recent[0]!.createdAt).toBeInstanceOf(Date);
  });

  it('test_update_statistics: aggregates tool performance', async () => {
    const executionId = await store.storeExecution({ goalText: 'stats' });
    for (let i = 0; i < 4; i++)
      await store.storeToolExecution({
        executionId,
        toolName: 'stats_tool',
        success: i < 3,
        durationMs: 10 * (i + 1),
      });
    const touched = await store.updateStatistics();
    expect(touched).toBeGreaterThanOrEqual(1);
    const stats = await store.getToolStatistics('stats_tool');
    expect(stats).not.toBeNull();
    expect(stats!.totalExecutions).toBe(4);
    expect(stats!.successfulExecutions).toBe(3);
    expect(stats!.failedExecutions).toBe(1);
    expect(stats!.successRate).toBeCloseTo(0.75, 10);
    expect(stats!.avgDurationMs).toBeCloseTo(25, 10);
    expect(stats!.firstUsed).toBeInstanceOf(Date);
    expect(await store.getToolStatistics('never_used_tool')).toBeNull();
  });

  it('test_get_success_rate and test_get_success_rate_by_intent', async () => {
    const { store: s } = await openTestStore();
    expect(await s.getSuccessRate()).toBeNull();
    await s.storeExecution({ goalText: 'a', intent: 'tool_use', success: true });
    await s.storeExecution({ goalText: 'b', intent: 'tool_use', success: false });
    await s.storeExecution({ goalText: 'c', intent: 'tool_use', success: true });
    await s.storeExecution({ goalText: 'd', intent: 'generative', success: true });
    await s.storeExecution({ goalText: 'e', intent: 'generative' }); // unknown outcome: not rated
    expect(await s.getSuccessRate()).toBeCloseTo(3 / 4, 10);
    expect(await s.getSuccessRate({ intent: 'tool_use' })).toBeCloseTo(2 / 3, 10);
    expect(await s.getSuccessRate({ intent: 'generative' })).toBe(1);
    expect(await s.getSuccessRate({ intent: 'nothing' })).toBeNull();
    expect(await s.getSuccessRate({ since: new Date(Date.now() + 3_600_000) })).toBeNull();
  });

  it('test_context_manager: await using and withExecutionStore close the store', async () => {
    let outer: ExecutionStore | undefined;
    {
      await using scoped = await ExecutionStore.open({ connectionString: url });
      outer = scoped;
      await scoped.storeExecution({ goalText: 'scoped' });
      expect(scoped.isClosed).toBe(false);
    }
    expect(outer.isClosed).toBe(true);
    await expect(outer.storeExecution({ goalText: 'after close' })).rejects.toMatchObject({
      code: 'CLOSED',
    });
    let inside: ExecutionStore | undefined;
    const n = await withExecutionStore(
      async (s) => {
        inside = s;
        return (
          await poolOf(s).query('SELECT count(*)::int AS n FROM executions WHERE goal_text = $1', [
            'scoped',
          ])
        ).rows[0].n;
      },
      { connectionString: url },
    );
    expect(n).toBe(1);
    expect(inside!.isClosed).toBe(true);
    await expect(
      withExecutionStore(
        async () => {
          throw new Error('boom');
        },
        { connectionString: url },
      ),
    ).rejects.toThrow('boom');
  });

  it('test_tool_performance_view: real-time aggregates', async () => {
    const executionId = await store.storeExecution({ goalText: 'view' });
    await store.storeToolExecution({
      executionId,
      toolName: 'view_tool',
      success: true,
      durationMs: 10,
    });
    await store.storeToolExecution({
      executionId,
      toolName: 'view_tool',
      success: false,
      durationMs: 30,
    });
    const rows = await store.getToolPerformanceView();
    const view = rows.find((r) => r.toolName === 'view_tool');
    expect(view).toMatchObject({
      totalExecutions: 2,
      successfulExecutions: 1,
      failedExecutions: 1,
      successRate: 0.5,
      avgDurationMs: 20,
    });
  });

  it('test_get_top_tools: ranks by success rate, then volume, above a minimum', async () => {
    const { store: s } = await openTestStore();
    const executionId = await s.storeExecution({ goalText: 'top' });
    const plan: Array<[string, number, number]> = [
      ['perfect_small', 3, 3],
      ['perfect_big', 6, 6],
      ['half', 4, 2],
      ['too_few', 2, 2],
    ];
    for (const [name, total, ok] of plan)
      for (let i = 0; i < total; i++)
        await s.storeToolExecution({ executionId, toolName: name, success: i < ok });
    await s.updateStatistics();
    const top = await s.getTopTools({ limit: 10, minExecutions: 3 });
    expect(top.map((t) => t.toolName)).toEqual(['perfect_big', 'perfect_small', 'half']);
    expect((await s.getTopTools({ limit: 1, minExecutions: 0 })).map((t) => t.toolName)).toEqual([
      'perfect_big',
    ]);
  });

  it('test_metadata_storage: complex nested JSONB round-trips', async () => {
    const metadata = {
      pipeline: {
        stages: ['intent', 'select', 'execute'],
        depth: 3,
        nested: { a: [1, { b: [true, null, 'x'] }] },
      },
      unicode: 'héllo ✓ 日本',
      numbers: [0, -1, 1.5, 1e20],
    };
    const id = await store.storeExecution({ goalText: 'meta', metadata });
    const row = (
      await poolOf(store).query('SELECT metadata FROM executions WHERE execution_id = $1', [id])
    ).rows[0];
    expect(row.metadata).toEqual(metadata);
  });

  it('reads through the view match raw SQL counts', async () => {
    const direct = await poolOf(store).query('SELECT count(*)::int AS n FROM tool_executions');
    const total = (await store.getToolPerformanceView()).reduce((n, r) => n + r.totalExecutions, 0);
    expect(total).toBe(direct.rows[0].n);
  });
});
