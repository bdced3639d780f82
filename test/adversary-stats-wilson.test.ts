import { beforeAll, describe, expect, it } from 'vitest';
import {
  runJob,
  wilsonInterval,
  Z_95,
  type ExecutionStore,
  type LifecycleSummary,
  type LowPerformersSummary,
} from '../src/index.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

describe('Wilson bounds at the ends', () => {
  it('100% success has an upper bound of exactly 1 and 0% a lower bound of exactly 0, any n and z', () => {
    const off: string[] = [];
    for (const z of [0.5, 1, Z_95, 3, 10])
      for (let n = 1; n <= 2_000; n++) {
        if (wilsonInterval(n, n, z)[1] !== 1) off.push(`${n}/${n} z=${z}`);
        if (wilsonInterval(0, n, z)[0] !== 0) off.push(`0/${n} z=${z}`);
      }
    expect(off).toEqual([]);
  });

  it('n = 1 gives the closed forms: 1 of 1 is [1/(1+z²), 1], 0 of 1 is [0, z²/(1+z²)]', () => {
    const z2 = Z_95 * Z_95;
    const [lo1, hi1] = wilsonInterval(1, 1);
    const [lo0, hi0] = wilsonInterval(0, 1);
    expect(lo1).toBeCloseTo(1 / (1 + z2), 12);
    expect(hi1).toBe(1);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(z2 / (1 + z2), 12);
  });
});

describe('a perfect tool is never judged below a threshold of 1', () => {
  let store: ExecutionStore;
  const PERFECT = [10, 13, 25, 49];
  beforeAll(async () => {
    ({ store } = await openTestStore());
    for (const n of PERFECT) {
      const id = await store.storeExecution({ goalText: `perfect ${n}` });
      await poolOf(store).query(
        `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, created_at)
         SELECT gen_random_uuid(), $1, $2, true, now() - interval '1 hour' FROM generate_series(1, $3)`,
        [id, `perfect-${n}`, n],
      );
    }
  });

  it('daily-low-performers at lowPerformerSuccessRate 1', async () => {
    const summary = (await runJob(store, 'daily-low-performers', {
      thresholds: { lowPerformerSuccessRate: 1, lowPerformerMinExecutions: 1 },
    })) as LowPerformersSummary;
    expect(summary.toolsJudged).toBe(PERFECT.length);
    expect(summary.lowPerformers).toEqual([]);
  });

  it('weekly deprecate at deprecateSuccessRate 1', async () => {
    const summary = (await runJob(store, 'weekly-tool-lifecycle', {
      thresholds: { deprecateSuccessRate: 1, deprecateMinExecutions: 1 },
    })) as LifecycleSummary;
    expect(summary.recommendations.filter((r) => r.action === 'deprecate')).toEqual([]);
  });

  it('rankTools without a prior: no successes scores exactly 0, like an unknown tool', async () => {
    const id = await store.storeExecution({ goalText: 'failing' });
    for (const n of [3, 6, 7, 12])
      await poolOf(store).query(
        `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, created_at)
         SELECT gen_random_uuid(), $1, $2, false, now() FROM generate_series(1, $3)`,
        [id, `failing-${n}`, n],
      );
    await store.updateStatistics();
    const ranked = await store.rankTools(['failing-3', 'failing-6', 'failing-7', 'failing-12'], {
      priorSuccesses: 0,
      priorFailures: 0,
      limit: 10,
    });
    expect(ranked.map((r) => r.score)).toEqual([0, 0, 0, 0]);
  });
});
