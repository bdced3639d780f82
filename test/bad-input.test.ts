import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, NotFoundError, ValidationError, REDACTED } from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

async function count(store: ExecutionStore, table: string): Promise<number> {
  return (await poolOf(store).query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
}

describe('bad input gets a clear error and writes nothing', () => {
  let store: ExecutionStore;
  let executionId: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    executionId = await store.storeExecution({ goalText: 'target' });
  });

  it.each([0, 6, 2.5, Number.NaN, '5', null, undefined, Infinity, -1])(
    'rating %s is a ValidationError',
    async (rating) => {
      const before = await count(store, 'execution_feedback');
      const error = await store
        .storeFeedback({ executionId, rating: rating as number })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('VALIDATION');
      expect((error as ValidationError).field).toBe('rating');
      expect(await count(store, 'execution_feedback')).toBe(before);
    },
  );

  it('feedback for an unknown execution is a NotFoundError (SQLSTATE 23503)', async () => {
    const error = await store
      .storeFeedback({ executionId: '018f0000-0000-7000-8000-00000000dead', rating: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('NOT_FOUND');
    expect(((error as Error).cause as { code: string }).code).toBe('23503');
  });

  it('a tool run for an unknown execution is a NotFoundError and writes nothing', async () => {
    const before = await count(store, 'tool_executions');
    await expect(
      store.storeToolExecution({
        executionId: '018f0000-0000-7000-8000-00000000beef',
        toolName: 'x',
        success: true,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await count(store, 'tool_executions')).toBe(before);
  });

  it.each(['', '   ', 42, null])('tool name %j is a ValidationError', async (toolName) => {
    const before = await count(store, 'tool_executions');
    await expect(
      store.storeToolExecution({ executionId, toolName: toolName as string, success: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'toolName' });
    await expect(
      store.storeToolCreation({
        toolName: toolName as string,
        generatedCode: 'x',
        validationPassed: true,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await count(store, 'tool_executions')).toBe(before);
  });

  it('other malformed fields are ValidationErrors', async () => {
    await expect(store.storeExecution({ goalText: 42 as unknown as string })).rejects.toMatchObject(
      { field: 'goalText' },
    );
    await expect(
      store.storeExecution({ goalText: 'x', executionId: 'not-a-uuid' }),
    ).rejects.toMatchObject({ field: 'executionId' });
    await expect(store.storeExecution({ goalText: 'x', durationMs: -5 })).rejects.toMatchObject({
      field: 'durationMs',
    });
    await expect(
      store.storeExecution({ goalText: 'x', intent: 'i'.repeat(51) }),
    ).rejects.toMatchObject({ field: 'intent' });
    await expect(
      store.storeExecution({ goalText: 'x', createdAt: 'yesterday-ish' }),
    ).rejects.toMatchObject({ field: 'createdAt' });
    await expect(
      store.storeToolExecution({
        executionId,
        toolName: 't',
        success: 'yes' as unknown as boolean,
      }),
    ).rejects.toMatchObject({ field: 'success' });
    await expect(store.getTopTools({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.getRecentExecutions({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('hostile values are stored as valid JSON/text and never crash', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const error = new TypeError('bad thing');
    const metadata = {
      nul: 'a\u0000b',
      lone: 'x\uD800y',
      circular,
      big: 2n ** 70n,
      undef: undefined,
      date: new Date('2030-01-02T03:04:05.000Z'),
      error,
      map: new Map<string, unknown>([['k', 1]]),
      set: new Set([1, 2]),
      nan: Number.NaN,
      inf: Infinity,
      fn: () => 1,
      sym: Symbol('s'),
      buf: Buffer.from('hi'),
      arr: [undefined, 1],
      'key\u0000with nul': 1,
      password: 'hunter2',
      nested: { apiKey: 'abc', Authorization: 'Bearer x', list: [{ access_token: 't' }] },
    };
    const id = await store.storeExecution({
      goalText: 'goal\u0000 with \uDC00 bad text',
      error: 'err\u0000',
      metadata,
    });
    const row = (
      await poolOf(store).query('SELECT * FROM executions WHERE execution_id = $1', [id])
    ).rows[0];
    expect(row.goal_text).toBe('goal\uFFFD with \uFFFD bad text');
    expect(row.error).toBe('err\uFFFD');
    const m = row.metadata;
    expect(m.nul).toBe('a\uFFFDb');
    expect(m.lone).toBe('x\uFFFDy');
    expect(m.circular).toEqual({ name: 'loop', self: '[Circular]' });
    expect(m.big).toBe((2n ** 70n).toString());
    expect('undef' in m).toBe(false);
    expect(m.date).toBe('2030-01-02T03:04:05.000Z');
    expect(m.error).toMatchObject({ name: 'TypeError', message: 'bad thing' });
    expect(typeof m.error.stack).toBe('string');
    expect(m.map).toEqual({ k: 1 });
    expect(m.set).toEqual([1, 2]);
    expect(m.nan).toBe('NaN');
    expect(m.inf).toBe('Infinity');
    expect(m.fn).toBe('[Function fn]');
    expect(m.sym).toBe('Symbol(s)');
    expect(m.buf).toEqual({ _type: 'Buffer', base64: Buffer.from('hi').toString('base64') });
    expect(m.arr).toEqual([null, 1]);
    expect(m['key\uFFFDwith nul']).toBe(1);
    expect(m.password).toBe(REDACTED);
    expect(m.nested).toEqual({
      apiKey: REDACTED,
      Authorization: REDACTED,
      list: [{ access_token: REDACTED }],
    });
    expect(JSON.stringify(m)).not.toContain('hunter2');
  });

  it('SQL-injection strings are stored verbatim', async () => {
    const evil = "'); DROP TABLE executions; --";
    const id = await store.storeExecution({ goalText: evil, intent: "x' OR '1'='1", goalId: evil });
    await store.storeToolExecution({
      executionId: id,
      toolName: evil,
      success: true,
      parameters: { q: evil },
    });
    const row = (
      await poolOf(store).query(
        'SELECT goal_text, intent, goal_id FROM executions WHERE execution_id = $1',
        [id],
      )
    ).rows[0];
    expect(row).toEqual({ goal_text: evil, intent: "x' OR '1'='1", goal_id: evil });
    const tool = (
      await poolOf(store).query(
        'SELECT tool_name, parameters FROM tool_executions WHERE execution_id = $1',
        [id],
      )
    ).rows[0];
    expect(tool).toEqual({ tool_name: evil, parameters: { q: evil } });
  });

  it('an oversized value is replaced by a truncation marker', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const id = await store.storeExecution({ goalText: huge, metadata: { huge } });
    const row = (
      await poolOf(store).query(
        'SELECT goal_text, metadata FROM executions WHERE execution_id = $1',
        [id],
      )
    ).rows[0];
    expect(row.goal_text.length).toBeLessThan(70 * 1024);
    expect(row.goal_text).toContain('[truncated');
    expect(row.metadata._truncated).toBe(true);
    expect(row.metadata.originalBytes).toBeGreaterThan(5 * 1024 * 1024);
    expect(row.metadata.preview.length).toBeLessThanOrEqual(1024);
  });
});
