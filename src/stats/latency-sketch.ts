/**
 * Mergeable latency sketches (the DDSketch mapping): a duration x > 0 falls into bucket
 * ceil(log_gamma(x)) with gamma = (1 + alpha) / (1 - alpha), and a bucket i is estimated as
 * gamma^i * (1 - alpha), within a relative error of alpha of every value it holds (a bucket that
 * can hold one whole millisecond only is estimated as exactly that). Sketches merge
 * by adding bucket counts, so hourly sketches give any window's percentiles. PostgreSQL keeps the
 * same mapping (migration 0007: latency_bucket, latency_bucket_value, tool_latency_window); this
 * module is the reference the tests hold the SQL to. A leaf: imports nothing of ours.
 */

/** Relative accuracy of every estimate: 1%. */
export const LATENCY_ALPHA = 0.01;
export const LATENCY_GAMMA = (1 + LATENCY_ALPHA) / (1 - LATENCY_ALPHA);
/** Runs without a duration: counted as runs, left out of percentiles. */
export const UNTIMED_BUCKET = -2147483648;
/** Durations of 0 (or below): estimated as exactly 0. */
export const ZERO_BUCKET = -2147483647;

const LN_GAMMA = Math.log(LATENCY_GAMMA);

/** The bucket of a duration in milliseconds (null or undefined: untimed). */
export function latencyBucket(ms: number | null | undefined): number {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return UNTIMED_BUCKET;
  if (ms <= 0) return ZERO_BUCKET;
  return Math.ceil(Math.log(ms) / LN_GAMMA);
}

/**
 * The estimate for a bucket (null for the untimed one). Durations are whole milliseconds, so a
 * bucket narrower than a millisecond (below ~50 ms) holds one possible value: that value, exactly.
 */
export function latencyBucketValue(bucket: number): number | null {
  if (bucket === UNTIMED_BUCKET) return null;
  if (bucket === ZERO_BUCKET) return 0;
  const upper = Math.floor(Math.pow(LATENCY_GAMMA, bucket));
  if (Math.floor(Math.pow(LATENCY_GAMMA, bucket - 1)) + 1 === upper) return upper;
  return Math.pow(LATENCY_GAMMA, bucket) * (1 - LATENCY_ALPHA);
}

/** Bucket → count. */
export type LatencySketch = Map<number, number>;

/** A sketch of the given durations. */
export function sketchOf(durations: Iterable<number | null>): LatencySketch {
  const sketch: LatencySketch = new Map();
  for (const ms of durations) addToSketch(sketch, latencyBucket(ms), 1);
  return sketch;
}

/** Adds count runs to a bucket (a negative count removes them; empty buckets are dropped). */
export function addToSketch(sketch: LatencySketch, bucket: number, count: number): void {
  const next = (sketch.get(bucket) ?? 0) + count;
  if (next === 0) sketch.delete(bucket);
  else sketch.set(bucket, next);
}

/** The union of sketches (windows merge by adding counts). */
export function mergeSketches(sketches: Iterable<LatencySketch>): LatencySketch {
  const merged: LatencySketch = new Map();
  for (const sketch of sketches)
    for (const [bucket, count] of sketch) addToSketch(merged, bucket, count);
  return merged;
}

/**
 * The q-quantile as PostgreSQL's percentile_cont defines it (linear interpolation between the
 * values at ranks floor(q(n-1)) and ceil(q(n-1))), each of those values estimated from its bucket.
 * Both estimates are within alpha of the true values, so the interpolation is too. Null when the
 * sketch holds no timed run.
 */
export function sketchQuantile(sketch: LatencySketch, q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be within [0, 1], got ${q}`);
  const buckets = [...sketch]
    .filter(([bucket, count]) => bucket !== UNTIMED_BUCKET && count > 0)
    .sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return null;
  const rank = q * (n - 1);
  const lo = valueAtRank(buckets, Math.floor(rank));
  const hi = valueAtRank(buckets, Math.ceil(rank));
  return lo + (rank - Math.floor(rank)) * (hi - lo);
}

function valueAtRank(sorted: ReadonlyArray<readonly [number, number]>, rank: number): number {
  let seen = 0;
  for (const [bucket, count] of sorted) {
    seen += count;
    if (seen > rank) return latencyBucketValue(bucket) ?? 0;
  }
  return latencyBucketValue(sorted[sorted.length - 1]![0]) ?? 0;
}
