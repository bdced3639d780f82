import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, ValidationError, type DiscoverToolsOptions } from '../src/index.js';
import { Random } from '../src/demo/random.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-03-01T00:00:00Z');
const daysAgo = (d: number): Date => new Date(NOW.getTime() - d * DAY_MS);

/** `total` finished runs of a tool, `ok` of them successful, all at `at`. */
async function addRuns(store: ExecutionStore, tool: string, total: number, ok: number, at: Date) {
  await poolOf(store).query(
    `WITH e AS (INSERT INTO executions (execution_id, goal_text, created_at)
                VALUES (gen_random_uuid(), 'crafted', $4) RETURNING execution_id)
     INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT gen_random_uuid(), e.execution_id, $1, g <= $3, 50, $4
       FROM e, generate_series(1, $2) g`,
    [tool, total, ok, at],
  );
}

async function registeredAt(store: ExecutionStore, names: string[], at: Date) {
  await poolOf(store).query(`UPDATE tools SET created_at = $2 WHERE name = ANY($1)`, [names, at]);
}

const order = async (store: ExecutionStore, goal: string, options: DiscoverToolsOptions) =>
  (await store.discoverTools(goal, { now: NOW, ...options })).candidates.map((c) => c.toolName);

describe('discoverTools stage 2: recent window, exploration, trials', () => {
  let store: ExecutionStore;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    await store.registerTools([
      { name: 'veteran_convert_tool', description: 'Convert currency amounts between codes' },
      { name: 'steady_convert_tool', description: 'Convert currency amounts between codes' },
      { name: 'untried_convert_tool', description: 'Convert currency amounts between codes' },
    ]);
    await registeredAt(
      store,
      ['veteran_convert_tool', 'steady_convert_tool', 'untried_convert_tool'],
      daysAgo(90),
    );
    // The veteran was excellent for months and has failed lately; the steady one is decent.
    await addRuns(store, 'veteran_convert_tool', 300, 297, daysAgo(40));
    await addRuns(store, 'veteran_convert_tool', 20, 4, daysAgo(2));
    await addRuns(store, 'steady_convert_tool', 30, 24, daysAgo(3));
    await store.updateStatistics();
  });

  it('windowDays judges recent runs only: old successes no longer carry a degraded tool', async () => {
    const goal = 'convert currency amounts';
    expect((await order(store, goal, {}))[0]).toBe('veteran_convert_tool');
    const recent = await store.discoverTools(goal, { now: NOW, windowDays: 14 });
    expect(recent.chosen).toEqual(['steady_convert_tool']);
    const veteran = recent.candidates.find((c) => c.toolName === 'veteran_convert_tool')!;
    expect(veteran.ranking).toMatchObject({
      totalExecutions: 20,
      successRate: 0.2,
      windowDays: 14,
    });
    expect(veteran.reason).toContain('20% of 20 runs in 14 days');
    // The window ends at `now`: seen from 60 days earlier, every run is outside it.
    const earlier = await store.discoverTools(goal, { now: daysAgo(60), windowDays: 14 });
    expect(earlier.candidates.every((c) => c.ranking!.totalExecutions === 0)).toBe(true);
  });

  it('explore by upper bound tries an untried tool only while the leader does badly', async () => {
    const goal = 'convert currency amounts';
    // All history: the veteran's bound (~0.97) is above an untried tool's (0.79 at z = 1).
    const calm = await store.discoverTools(goal, { now: NOW, explore: true });
    expect(calm.chosen).toEqual(['veteran_convert_tool']);
    const untried = calm.candidates.find((c) => c.toolName === 'untried_convert_tool')!;
    expect(untried.ranking!.optimistic).toBeCloseTo(0.7887, 3);
    expect(untried.ranking!.trial).toBe(false); // registered 90 days ago: not new
    // Over the last week the steady tool (24 of 30, bound 0.85) leads an untried tool (0.79);
    // with z = 2 the untried tool's bound (0.91) beats the steady one's (0.89).
    const recent = { now: NOW, windowDays: 7 };
    expect((await order(store, goal, { ...recent, explore: true }))[0]).toBe('steady_convert_tool');
    expect((await order(store, goal, { ...recent, explore: { z: 2 } }))[0]).toBe(
      'untried_convert_tool',
    );
    // Without explore the lower bound never puts an untried tool first.
    expect((await order(store, goal, { ...recent, explore: false })).at(-1)).toBe(
      'untried_convert_tool',
    );
  });

  it('a new tool gets trial runs up to the capped share, then is judged like the others', async () => {
    await store.registerTools([
      { name: 'fresh_convert_tool', description: 'Convert currency amounts between codes' },
    ]);
    await registeredAt(store, ['fresh_convert_tool'], daysAgo(1));
    const goal = 'convert currency amounts';
    const options: DiscoverToolsOptions = { now: NOW, windowDays: 7, explore: true };
    const first = await store.discoverTools(goal, options);
    expect(first.chosen).toEqual(['fresh_convert_tool']);
    const fresh = first.candidates[0]!;
    expect(fresh.ranking!.trial).toBe(true);
    expect(fresh.reason).toContain('new: on trial');
    // Older than newToolDays: no longer new.
    expect((await order(store, goal, { ...options, explore: { newToolDays: 0.5 } }))[0]).not.toBe(
      'fresh_convert_tool',
    );
    // 4 runs out of the tier's 54 in the window: under 10%, still on trial; with a 5% cap, not.
    await addRuns(store, 'fresh_convert_tool', 4, 2, daysAgo(1));
    expect((await order(store, goal, options))[0]).toBe('fresh_convert_tool');
    const capped = await store.discoverTools(goal, {
      ...options,
      explore: { maxTrialShare: 0.05 },
    });
    expect(capped.candidates.every((c) => c.ranking?.trial !== true)).toBe(true);
    // Five runs: the trial is over; 3 of 5 is judged like the rest.
    await addRuns(store, 'fresh_convert_tool', 1, 1, daysAgo(1));
    const judged = await store.discoverTools(goal, options);
    expect(judged.candidates.every((c) => c.ranking?.trial !== true)).toBe(true);
    expect(judged.chosen).toEqual(['steady_convert_tool']);
  });

  it('thompson draws replay with a seeded generator and order the tier by the draw', async () => {
    const goal = 'convert currency amounts';
    const run = async (seed: number) => {
      const random = new Random(seed);
      return await store.discoverTools(goal, {
        now: NOW,
        windowDays: 7,
        explore: { method: 'thompson', random: () => random.next(), maxTrialShare: 0 },
      });
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    const draws = a.candidates.filter((c) => c.ranking !== null).map((c) => c.ranking!.optimistic!);
    for (const d of draws) expect(d).toBeGreaterThan(0);
    expect([...draws].sort((x, y) => y - x)).toEqual(draws);
    // Over many seeds, the tool with 4 of 20 recent successes is rarely first.
    let veteranFirst = 0;
    for (let seed = 1; seed <= 40; seed++)
      if ((await run(seed)).chosen[0] === 'veteran_convert_tool') veteranFirst++;
    expect(veteranFirst).toBeLessThan(4);
  });

  it('bad stage 2 options are ValidationErrors', async () => {
    for (const options of [
      { windowDays: 0 },
      { windowDays: 'week' },
      { now: new Date('nope') },
      { now: '2026-01-01' },
      { explore: { method: 'greedy' } },
      { explore: { maxTrialShare: 2 } },
      { explore: { z: -1 } },
      { explore: { random: 4 } },
      { explore: 'yes' },
    ])
      await expect(
        store.discoverTools('convert', options as unknown as DiscoverToolsOptions),
      ).rejects.toBeInstanceOf(ValidationError);
  });
});
