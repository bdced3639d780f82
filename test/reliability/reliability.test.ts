// The reliability scenarios at test size. `npm run reliability` runs them at full size and prints
// the figures; latency comparisons live only there (shared machines make timed assertions flaky).
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.js';
import { crashAndReplay } from './scenarios/crash.js';
import { manyInstances } from './scenarios/instances.js';
import { longRun } from './scenarios/long-run.js';
import { connectionResets, statementTimeouts } from './scenarios/network.js';
import { outageUnderLoad } from './scenarios/outage.js';
import { formatResult, type ScenarioResult } from './scenarios/common.js';

/** Prints the scenario's figures (kept in CI logs) and returns it. */
function shown(result: ScenarioResult): ScenarioResult {
  console.log(formatResult(result));
  return result;
}

describe('reliability', () => {
  it('database outage under load: stored = sent, no duplicates, memory bounded', async () => {
    const result = shown(
      await outageUnderLoad({
        durationMs: 6_000,
        outageMs: 2_000,
        maxQueueRows: 2_000,
      }),
    );
    expect(result.problems).toEqual([]);
    expect(Number(result.figures.spooled_during_outage)).toBeGreaterThan(0);
  });

  it('SIGKILL mid-run (batched): a new process replays the spool; loss within the last flush interval', async () => {
    const result = shown(
      await crashAndReplay({
        url: await createTestDatabase(),
        durability: 'batched',
        runMs: 1_500,
      }),
    );
    expect(result.problems).toEqual([]);
  });

  it('SIGKILL mid-run (sync durability): nothing lost', async () => {
    const result = shown(
      await crashAndReplay({
        url: await createTestDatabase(),
        durability: 'sync',
        runMs: 1_500,
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.figures.lost).toBe(0);
  });

  it('connections reset mid-batch: retried, nothing lost or doubled', async () => {
    const result = shown(
      await connectionResets({ url: await createTestDatabase(), durationMs: 2_000 }),
    );
    expect(result.problems).toEqual([]);
  });

  it('statement timeouts: retried until the lock goes, nothing lost', async () => {
    const result = shown(await statementTimeouts({ url: await createTestDatabase(), lockMs: 800 }));
    expect(result.problems).toEqual([]);
  });

  it('three instances on one empty database: migrate together, each fire once, statistics exact', async () => {
    const result = shown(
      await manyInstances({
        url: await createTestDatabase({ empty: true }),
        runMs: 4_000,
      }),
    );
    expect(result.problems).toEqual([]);
  });

  it('long run: exact count, memory flat', async () => {
    const result = shown(
      await longRun({
        url: await createTestDatabase(),
        executions: 50_000,
        rssLimitMb: 1024,
      }),
    );
    expect(result.problems).toEqual([]);
    // Growth, not the absolute figure: the test worker carries vitest itself.
    expect(Number(result.figures.rss_peak_mb) - Number(result.figures.rss_start_mb)).toBeLessThan(
      160,
    );
  });
});
