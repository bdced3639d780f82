/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;
/** The default Beta prior of tool ranking, as pseudo runs: one success, one failure (uniform). */
export const DEFAULT_PRIOR = { successes: 1, failures: 1 } as const;

/** A [low, high] bound on a success rate. */
export type Interval = [low: number, high: number];

/**
 * Wilson score interval for `successes` out of `total` trials. With no trials the interval is the
 * whole [0, 1]: nothing is known. Unlike the plain p ± z·se interval it stays inside [0, 1] and is
 * honest about small samples (5 of 12 spans 0.19–0.68; 400 of 1,000 spans 0.37–0.43).
 */
export function wilsonInterval(successes: number, total: number, z: number = Z_95): Interval {
  if (!Number.isFinite(total) || total <= 0) return [0, 1];
  if (successes < 0 || successes > total)
    throw new RangeError(`successes (${successes}) must be within 0..total (${total})`);
  const p = successes / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  // At 0% the low end is exactly 0 and at 100% the high end exactly 1 (the algebra says so); in
  // floating point they land a rounding away (0.9999999999999999 for 10 of 10), enough for a
  // perfect tool to read as "below a threshold of 1".
  return [
    successes === 0 ? 0 : Math.max(0, centre - half),
    successes === total ? 1 : Math.min(1, centre + half),
  ];
}

export function wilsonLowerBound(successes: number, total: number, z: number = Z_95): number {
  return wilsonInterval(successes, total, z)[0];
}

export function wilsonUpperBound(successes: number, total: number, z: number = Z_95): number {
  return wilsonInterval(successes, total, z)[1];
}

/**
 * The same lower bound as a SQL expression over numeric expressions `s` (successes) and `n`
 * (trials), for ORDER BY inside one query. `z` is passed as a parameter placeholder. No successes
 * is exactly 0, as in wilsonInterval.
 */
export function wilsonLowerBoundSql(s: string, n: string, z: string): string {
  return `CASE WHEN (${s}) <= 0 THEN 0 WHEN (${n}) > 0 THEN
    (((${s}) / (${n}) + ${z} * ${z} / (2 * (${n})))
      - ${z} * sqrt(greatest(((${s}) / (${n})) * (1 - (${s}) / (${n})), 0) / (${n}) + ${z} * ${z} / (4 * (${n}) * (${n}))))
    / (1 + ${z} * ${z} / (${n})) ELSE 0 END`;
}
