import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  NotFoundError,
  PluginError,
  ValidationError,
  startLearningLoop,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

async function count(store: ExecutionStore, table: string): Promise<number> {
  const result = await poolOf(store).query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table}`,
  );
  return result.rows[0]!.n;
}

/** `total` runs of a tool `daysAgo`, the first `successes` succeeding, straight in SQL. */
async function addRuns(
  store: ExecutionStore,
  tool: string,
  total: number,
  successes: number,
  daysAgo: number,
): Promise<void> {
  const id = (
    await poolOf(store).query<{ id: string }>(
      `INSERT INTO executions (execution_id, goal_text, created_at)
       VALUES (gen_random_uuid(), 'crafted', now() - $1::double precision * interval '1 day')
       RETURNING execution_id AS id`,
      [daysAgo],
    )
  ).rows[0]!.id;
  await poolOf(store).query(
    `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT gen_random_uuid(), $1, $2, g <= $4, 50, now() - $5::double precision * interval '1 day'
       FROM generate_series(1, $3) g`,
    [id, tool, total, successes, daysAgo],
  );
}

async function openRecommendation(
  store: ExecutionStore,
  tool: string,
  action: string,
): Promise<number> {
  const result = await poolOf(store).query<{ id: string }>(
    `INSERT INTO tool_lifecycle_recommendations (tool_name, action, reason)
     VALUES ($1, $2, 'crafted') RETURNING id`,
    [tool, action],
  );
  return Number(result.rows[0]!.id);
}

describe('tool registry', () => {
  let store: ExecutionStore;
  beforeAll(async () => {
    ({ store } = await openTestStore());
  });

  it('registers, updates by name (version up only on a change) and links AI tools to their creation event', async () => {
    const eventId = await store.storeToolCreation({
      toolName: 'pdf_table_tool',
      generatedCode: 'export default () => []',
      validationPassed: true,
    });
    const first = await store.registerTools([
      { name: 'web_search_tool', description: 'Search the web for pages about a topic' },
      {
        name: 'pdf_table_tool',
        description: 'Extract tables from PDF files',
        parameters: { type: 'object', properties: { apiKey: { type: 'string' } } },
        origin: 'ai-generated',
      },
    ]);
    expect(first).toMatchObject({ inserted: 2, updated: 0 });
    const pdf = first.tools.find((t) => t.name === 'pdf_table_tool')!;
    expect(pdf).toMatchObject({ origin: 'ai-generated', creationEventId: eventId, version: 1 });
    // A parameter schema is stored as given: property names are not secrets to redact.
    expect(pdf.parameters).toEqual({
      type: 'object',
      properties: { apiKey: { type: 'string' } },
    });

    const again = await store.registerTools([
      { name: 'web_search_tool', description: 'Search the web for pages about a topic' },
      { name: 'pdf_table_tool', description: 'Extract tables from PDF files and scans' },
    ]);
    expect(again).toMatchObject({ inserted: 0, updated: 2 });
    const byName = new Map(again.tools.map((t) => [t.name, t]));
    expect(byName.get('web_search_tool')).toMatchObject({ version: 1, origin: 'human' });
    // Origin left out keeps the stored one.
    expect(byName.get('pdf_table_tool')).toMatchObject({ version: 2, origin: 'ai-generated' });
  });

  it('lists tools seen in history but never registered, marked as such', async () => {
    await addRuns(store, 'legacy_tool', 3, 3, 1);
    await store.updateStatistics();
    const tools = await store.listTools();
    const legacy = tools.find((t) => t.name === 'legacy_tool');
    expect(legacy).toMatchObject({ registered: false, status: 'active', version: null });
    expect(tools.find((t) => t.name === 'web_search_tool')).toMatchObject({ registered: true });
    expect((await store.listTools({ status: 'archived' })).map((t) => t.name)).toEqual([]);
  });

  it('bad input is a ValidationError and registers nothing of the batch', async () => {
    const before = await count(store, 'tools');
    const bad: unknown[] = [
      [
        { name: 'ok_tool', description: 'fine' },
        { name: 'ok_tool', description: 'twice' },
      ],
      [
        { name: 'ok_tool', description: 'fine' },
        { name: '', description: 'x' },
      ],
      [
        { name: 'ok_tool', description: 'fine' },
        { name: 'b', description: 3 },
      ],
      [
        { name: 'ok_tool', description: 'fine' },
        { name: 'b', description: '', origin: 'alien' },
      ],
      [
        { name: 'ok_tool', description: 'fine' },
        { name: 'b', description: '', parameters: [1] },
      ],
      [],
      'web_search_tool',
    ];
    for (const tools of bad) {
      const error = await store
        .registerTools(tools as Parameters<ExecutionStore['registerTools']>[0])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
    }
    await expect(store.listTools({ status: 'gone' as 'active' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await count(store, 'tools')).toBe(before);
  });

  it('an embedder that throws or answers the wrong shape is a PluginError; nothing is written', async () => {
    const before = await count(store, 'tools');
    const tools = [{ name: 'embedded_tool', description: 'x' }];
    const embedders = [
      async () => {
        throw new Error('model offline');
      },
      async () => [],
      async () => [[0, 0, 0]],
      async () => [[1, Number.NaN]],
    ];
    for (const embed of embedders) {
      const error = await store.registerTools(tools, { embed }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PluginError);
      expect((error as PluginError).code).toBe('PLUGIN');
    }
    await store.registerTools(tools, { embed: async (texts) => texts.map(() => [3, 4]) });
    // Stored vectors have two dimensions: a three-dimensional model is refused.
    const error = await store
      .registerTools([{ name: 'other_tool', description: 'y' }], {
        embed: async (texts) => texts.map(() => [1, 2, 3]),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect((error as Error).message).toContain('expected 2');
    expect(await count(store, 'tools')).toBe(before + 1);
    const stored = await poolOf(store).query<{ embedding: number[] }>(
      `SELECT embedding FROM tools WHERE name = 'embedded_tool'`,
    );
    const [x, y] = stored.rows[0]!.embedding;
    expect(x).toBeCloseTo(0.6, 12);
    expect(y).toBeCloseTo(0.8, 12);
  });

  it('setToolStatus records who changed what; an unknown tool is a NotFoundError', async () => {
    const tool = await store.setToolStatus('web_search_tool', 'deprecated', {
      by: 'ops',
      reason: 'flaky upstream',
    });
    expect(tool.status).toBe('deprecated');
    const [change] = await store.listToolStatusChanges({ toolName: 'web_search_tool' });
    expect(change).toMatchObject({
      fromStatus: 'active',
      toStatus: 'deprecated',
      changedBy: 'ops',
      reason: 'flaky upstream',
      recommendationId: null,
    });
    await store.setToolStatus('web_search_tool', 'active');
    const before = await count(store, 'tool_status_changes');
    await expect(store.setToolStatus('no_such_tool', 'archived')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      store.setToolStatus('web_search_tool', 'retired' as 'archived'),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await count(store, 'tool_status_changes')).toBe(before);
  });

  it('accepting a recommendation applies it to the registry, with its id in the audit', async () => {
    const deprecate = await openRecommendation(store, 'web_search_tool', 'deprecate');
    await store.acceptRecommendation(deprecate, { by: 'alice' });
    const promote = await openRecommendation(store, 'pdf_table_tool', 'promote');
    await store.acceptRecommendation(promote);
    // Known only from history: the decision gets a registry row.
    const archive = await openRecommendation(store, 'legacy_tool', 'archive');
    await store.acceptRecommendation(archive);
    const watch = await openRecommendation(store, 'pdf_table_tool', 'watch');
    await store.acceptRecommendation(watch);

    const tools = new Map((await store.listTools()).map((t) => [t.name, t]));
    expect(tools.get('web_search_tool')).toMatchObject({ status: 'deprecated' });
    expect(tools.get('pdf_table_tool')).toMatchObject({
      status: 'active',
      promoted: true,
      origin: 'ai-generated',
    });
    expect(tools.get('legacy_tool')).toMatchObject({ status: 'archived', registered: true });
    const changes = await store.listToolStatusChanges();
    expect(changes.find((c) => c.recommendationId === deprecate)).toMatchObject({
      toolName: 'web_search_tool',
      toStatus: 'deprecated',
      changedBy: 'alice',
    });
    expect(changes.find((c) => c.recommendationId === promote)).toMatchObject({
      fromStatus: 'active',
      toStatus: 'active',
      promoted: true,
      changedBy: 'user',
    });
    expect(changes.some((c) => c.recommendationId === watch)).toBe(false);

    // Accepting again is a no-op; unknown or settled ids change nothing.
    const before = await count(store, 'tool_status_changes');
    await store.acceptRecommendation(deprecate);
    await expect(store.acceptRecommendation(999_999)).rejects.toBeInstanceOf(NotFoundError);
    const dismissed = await openRecommendation(store, 'web_search_tool', 'archive');
    await store.dismissRecommendation(dismissed);
    await expect(store.acceptRecommendation(dismissed)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.acceptRecommendation(deprecate, { by: '' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await count(store, 'tool_status_changes')).toBe(before);
  });

  it('startLearningLoop({ applyRecommendations }) applies the chosen actions itself', async () => {
    await store.registerTools([{ name: 'failing_tool', description: 'Fails most of the time' }]);
    await addRuns(store, 'failing_tool', 40, 4, 2);
    expect(() =>
      startLearningLoop({ store, applyRecommendations: ['delete' as 'archive'] }),
    ).toThrow(ValidationError);
    const loop = startLearningLoop({
      store,
      enabled: { 'hourly-statistics': false, 'daily-low-performers': false },
      schedules: { 'weekly-tool-lifecycle': false },
      applyRecommendations: ['deprecate'],
      instanceId: 'loop-a',
    });
    const errors: Error[] = [];
    loop.on('error', (e) => errors.push(e));
    try {
      await loop.runNow('weekly-tool-lifecycle');
    } finally {
      await loop.stop();
    }
    expect(errors).toEqual([]);
    const tool = (await store.listTools()).find((t) => t.name === 'failing_tool');
    expect(tool?.status).toBe('deprecated');
    const [change] = await store.listToolStatusChanges({ toolName: 'failing_tool' });
    expect(change).toMatchObject({ changedBy: 'learning-loop:loop-a', toStatus: 'deprecated' });
    const recs = await store.listRecommendations({ toolName: 'failing_tool' });
    expect(recs.find((r) => r.action === 'deprecate')?.status).toBe('accepted');
    // Archive was not in the policy: the idle legacy tool's recommendation stays for people.
    expect(
      (await store.listRecommendations({ status: 'open' })).every((r) => r.action !== 'deprecate'),
    ).toBe(true);
  });
});
