/** A source of uniform numbers in [0, 1), e.g. Math.random or a seeded generator. */
export type Uniform = () => number;

function normal(random: Uniform): number {
  // Box–Muller; 1 - u keeps the logarithm finite when random() returns 0.
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia and Tsang's squeeze method; shapes below 1 are boosted. */
function gamma(shape: number, random: Uniform): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * One draw from Beta(a, b): a plausible success rate of a tool with a - 1 successes and b - 1
 * failures after a uniform prior. Thompson sampling orders tools by such draws, so a tool is tried
 * about as often as it is likely to be the best: rarely when the evidence against it is strong,
 * often while little is known.
 */
export function betaSample(a: number, b: number, random: Uniform): number {
  const x = gamma(a, random);
  const y = gamma(b, random);
  return x / (x + y);
}
