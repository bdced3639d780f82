import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  LATENCY_ALPHA,
  latencyBucket,
  latencyBucketValue,
  mergeSketches,
  sketchOf,
  sketchQuantile,
} from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';
import { rng } from './helpers/rng.js';

/** PostgreSQL's percentile_cont, in JavaScript: the reference for the pure property test. */
function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const rank = q * (s.length - 1);
  const lo = s[Math.floor(rank)]!;
  const hi = s[Math.ceil(rank)]!;
  return lo + (rank - Math.floor(rank)) * (hi - lo);
}

function relativeError(estimate: number | null, exact: number | null): number {
  if (estimate === null || exact === null) return estimate === exact ? 0 : Infinity;
  if (exact === 0) return estimate === 0 ? 0 : Infinity;
  return Math.abs(estimate - exact) / Math.abs(exact);
}

type Shape = 'skewed' | 'bimodal' | 'constant' | 'heavy-tailed' | 'uniform' | 'with-zeros';
const SHAPES: Shape[] = ['skewed', 'bimodal', 'constant', 'heavy-tailed', 'uniform', 'with-zeros'];

/** Whole milliseconds (the column is an integer) of one of the shapes durations take in practice. */
function durations(shape: Shape, n: number, seed: number): number[] {
  const random = rng(seed);
  const out: number[] = [];
  const constant = 1 + Math.floor(random() * 5_000);
  for (let i = 0; i < n; i++) {
    const u = random();
    let ms: number;
    switch (shape) {
      case 'skewed': // log-normal around 120 ms
        ms = Math.exp(
          Math.log(120) + 0.9 * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * random()),
        );
        break;
      case 'bimodal': // a cache hit or a cold call
        ms = random() < 0.5 ? 3 + random() * 4 : 800 + random() * 400;
        break;
      case 'constant':
        ms = constant;
        break;
      case 'heavy-tailed': // Pareto, alpha 1.2
        ms = 20 / Math.pow(1 - u, 1 / 1.2);
        break;
      case 'uniform':
        ms = u * 60_000;
        break;
      case 'with-zeros':
        ms = random() < 0.3 ? 0 : u * 50;
        break;
    }
    out.push(Math.min(2_000_000_000, Math.round(ms)));
  }
  return out;
}

describe('latency sketch maths', () => {
  it('p50 and p95 are within 1% of percentile_cont for every shape, 1 to 100k runs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SHAPES),
        fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 100_000 })),
        fc.integer(),
        (shape, n, seed) => {
          const values = durations(shape, n, seed);
          const sketch = sketchOf(values);
          for (const q of [0.5, 0.95]) {
            const error = relativeError(sketchQuantile(sketch, q), percentileCont(values, q));
            expect(error).toBeLessThanOrEqual(LATENCY_ALPHA + 1e-12);
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('merging hourly sketches equals sketching the whole window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat({ max: 100_000 }), { maxLength: 200 }), { maxLength: 24 }),
        (hours) => {
          const merged = mergeSketches(hours.map((h) => sketchOf(h)));
          expect(merged).toEqual(sketchOf(hours.flat()));
        },
      ),
    );
  });

  it('runs without a duration count but are left out of percentiles', () => {
    const sketch = sketchOf([null, null, 10, 10, 10]);
    expect(sketchQuantile(sketch, 0.5)).toBeCloseTo(10, 0);
    expect(sketchQuantile(sketchOf([null]), 0.5)).toBeNull();
    expect(() => sketchQuantile(sketch, 1.5)).toThrow(RangeError);
  });
});

describe('latency sketches in PostgreSQL', () => {
  let store: ExecutionStore;
  let executionId: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    executionId = await store.storeExecution({ goalText: 'latency sketches' });
  });

  async function insertRuns(
    runs: Array<{ tool: string; ms: number | null; at: Date }>,
  ): Promise<void> {
    for (let i = 0; i < runs.length; i += 5_000) {
      const part = runs.slice(i, i + 5_000);
      await poolOf(store).query(
        `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
         SELECT u.c, $1, u.t, true, u.d, u.at
           FROM unnest($2::uuid[], $3::varchar[], $4::integer[], $5::timestamptz[]) AS u(c, t, d, at)`,
        [
          executionId,
          part.map(() => randomUUID()),
          part.map((r) => r.tool),
          part.map((r) => r.ms),
          part.map((r) => r.at),
        ],
      );
    }
  }

  async function exact(
    tools: string[],
    since: Date,
  ): Promise<Map<string, { runs: number; p50: number | null; p95: number | null }>> {
    const result = await poolOf(store).query(
      `SELECT tool_name, count(*)::int AS runs,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM tool_executions
        WHERE tool_name = ANY ($1) AND created_at >= date_trunc('hour', $2::timestamptz, 'UTC')
        GROUP BY tool_name`,
      [tools, since],
    );
    return new Map(result.rows.map((r) => [r.tool_name, { runs: r.runs, p50: r.p50, p95: r.p95 }]));
  }

  async function buckets(): Promise<unknown[]> {
    const result = await poolOf(store).query(
      `SELECT tool_name, hour, bucket, count::int FROM tool_latency_buckets ORDER BY 1, 2, 3`,
    );
    return result.rows;
  }

  it('PostgreSQL puts every duration in the bucket the reference mapping does', async () => {
    const values: Array<number | null> = [null, 0, 1, 2, 3, 2_147_483_647];
    for (let ms = 1; ms <= 20_000; ms++) values.push(ms);
    for (let ms = 20_000; ms < 2_000_000_000; ms = Math.ceil(ms * 1.013)) values.push(ms);
    const result = await poolOf(store).query(
      `SELECT d, latency_bucket(d) AS b FROM unnest($1::integer[]) AS d`,
      [values],
    );
    const mismatches = result.rows.filter((r) => r.b !== latencyBucket(r.d)).slice(0, 5);
    expect(mismatches).toEqual([]);
    expect(result.rows).toHaveLength(values.length);
    // And estimates each bucket as the reference does: exactly for the single-millisecond ones.
    const estimates = await poolOf(store).query(
      `SELECT b, latency_bucket_value(b) AS v FROM unnest($1::integer[]) AS b`,
      [[...new Set(result.rows.map((r) => r.b as number))]],
    );
    const off = estimates.rows
      .filter((r) => relativeError(r.v, latencyBucketValue(r.b)) > 1e-12)
      .slice(0, 5);
    expect(off).toEqual([]);
    for (const ms of [1, 2, 7, 10, 33]) expect(latencyBucketValue(latencyBucket(ms))).toBe(ms);
  });

  it('windowed p50/p95 stay within 1% of percentile_cont on the same runs (any window, several tools)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            shape: fc.constantFrom(...SHAPES),
            n: fc.integer({ min: 1, max: 1_500 }),
            seed: fc.integer(),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom(6, 24, 24 * 7, 24 * 30),
        async (specs, windowHours) => {
          const prefix = `p${randomUUID().slice(0, 8)}`;
          const now = Date.now();
          const runs = specs.flatMap((spec, t) => {
            const random = rng(spec.seed ^ 0x5bd1e995);
            return durations(spec.shape, spec.n, spec.seed).map((ms) => ({
              tool: `${prefix}_${t}`,
              ms: random() < 0.05 ? null : ms,
              // Spread over 40 days: some runs fall outside the window.
              at: new Date(now - random() * 40 * 86_400_000),
            }));
          });
          await insertRuns(runs);
          const tools = specs.map((_, t) => `${prefix}_${t}`);
          // Half the time read before the refresh: pending deltas count as well.
          if (specs.length % 2 === 0) await store.updateStatistics();
          const since = new Date(now - windowHours * 3_600_000);
          const sketched = await store.getLatencyPercentiles({ since, tools });
          const truth = await exact(tools, since);
          expect(sketched.map((r) => r.toolName).sort()).toEqual([...truth.keys()].sort());
          for (const row of sketched) {
            const t = truth.get(row.toolName)!;
            expect(row.runs).toBe(t.runs);
            expect(relativeError(row.p50Ms, t.p50)).toBeLessThanOrEqual(0.01 + 1e-9);
            expect(relativeError(row.p95Ms, t.p95)).toBeLessThanOrEqual(0.01 + 1e-9);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a prune removes its runs from the buckets; a full recompute rebuilds exactly what the deltas kept', async () => {
    const now = Date.now();
    const runs = durations('skewed', 3_000, 7).map((ms, i) => ({
      tool: `prune_${i % 3}`,
      ms,
      at: new Date(now - (i % 60) * 86_400_000),
    }));
    await insertRuns(runs);
    await store.updateStatistics();
    await poolOf(store).query(
      `DELETE FROM tool_executions WHERE tool_name LIKE 'prune_%' AND created_at < $1`,
      [new Date(now - 30 * 86_400_000)],
    );
    await store.updateStatistics();
    const incremental = await buckets();
    const left = await poolOf(store).query(
      `SELECT count(*)::int AS n FROM tool_latency_buckets
        WHERE tool_name LIKE 'prune_%' AND hour < date_trunc('hour', $1::timestamptz, 'UTC')`,
      [new Date(now - 30 * 86_400_000)],
    );
    expect(left.rows[0].n).toBe(0);
    const [window] = await store.getLatencyPercentiles({ since: new Date(0), tools: ['prune_0'] });
    const truth = (await exact(['prune_0'], new Date(0))).get('prune_0')!;
    expect(window!.runs).toBe(truth.runs);
    expect(relativeError(window!.p95Ms, truth.p95)).toBeLessThanOrEqual(0.01 + 1e-9);
    await store.recomputeStatistics();
    expect(await buckets()).toEqual(incremental);
  });

  it('bad options are a ValidationError', async () => {
    await expect(store.getLatencyPercentiles({ hours: 0 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(store.getLatencyPercentiles({ since: 'not a date' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      store.getLatencyPercentiles({ tools: 'alpha' as unknown as string[] }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
