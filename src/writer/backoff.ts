/** Exponential backoff with jitter: attempt 0 waits about baseMs, doubling up to maxMs. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  // "Equal jitter": half fixed, half random, so retries spread out but never fire at once.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
