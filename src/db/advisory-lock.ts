import type pg from 'pg';

/** Advisory lock keys owned by this library (two int4 halves: namespace, purpose). */
export const LOCK_NAMESPACE = 0x64656e64; // "dend"
export const LockPurpose = {
  migrate: 1,
  statisticsRefresh: 2,
  retention: 3,
} as const;

/**
 * Runs fn while holding a session-level advisory lock on a dedicated connection, so concurrent
 * processes doing the same thing take turns. The lock is released even if fn throws.
 */
export async function withSessionAdvisoryLock<T>(
  client: pg.ClientBase,
  purpose: number,
  fn: () => Promise<T>,
): Promise<T> {
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, purpose]);
  try {
    return await fn();
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, purpose])
      .catch(() => undefined);
  }
}
