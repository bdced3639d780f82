import { describe, expect, it } from 'vitest';
import { ExecutionStore } from '../src/index.js';
import { createTestDatabase } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

// getSuccessRate reads hourly buckets kept by triggers; it must equal a scan of executions exactly.
describe('getSuccessRate from hourly buckets', () => {
  it('equals a direct count for any intent and since, in a half-hour time zone, after deletes', async () => {
    const url = await createTestDatabase();
    // Buckets are UTC hours whatever the session's time zone: a +05:30 zone would shift naive ones.
    const admin = await ExecutionStore.open({ connectionString: url });
    const db = new URL(url).pathname.slice(1);
    await poolOf(admin).query(`ALTER DATABASE "${db}" SET timezone = 'Asia/Kolkata'`);
    await admin.close();
    const store = await ExecutionStore.open({ connectionString: url });
    try {
      const intents = ['tool_use', 'generative', null];
      const now = Date.now();
      let seed = 7;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 400; i++) {
        const success = rand() < 0.15 ? null : rand() < 0.7;
        await store.storeExecution({
          goalText: `g${i}`,
          intent: intents[i % 3],
          success,
          createdAt: new Date(now - rand() * 48 * 3_600_000),
        });
      }
      const direct = async (intent: string | null, since: Date | null): Promise<number | null> => {
        const r = await poolOf(store).query(
          `SELECT count(*) FILTER (WHERE success)::int AS s, count(success)::int AS n FROM executions
            WHERE ($1::varchar IS NULL OR intent = $1) AND ($2::timestamptz IS NULL OR created_at >= $2)`,
          [intent, since],
        );
        return r.rows[0].n === 0 ? null : r.rows[0].s / r.rows[0].n;
      };
      const check = async () => {
        for (let k = 0; k < 25; k++) {
          const intent = k % 4 === 3 ? null : intents[k % 3]!;
          const since = k % 5 === 0 ? null : new Date(now - rand() * 50 * 3_600_000);
          const expected = await direct(intent, since);
          const got = await store.getSuccessRate({
            ...(intent ? { intent } : {}),
            ...(since ? { since } : {}),
          });
          if (expected === null) expect(got).toBeNull();
          else expect(got).toBeCloseTo(expected, 12);
        }
        // Exactly on an hour boundary too.
        const boundary = new Date(Math.floor((now - 5 * 3_600_000) / 3_600_000) * 3_600_000);
        expect(await store.getSuccessRate({ since: boundary })).toBeCloseTo(
          (await direct(null, boundary))!,
          12,
        );
      };
      await check();
      const deleted = await poolOf(store).query(
        `DELETE FROM executions WHERE created_at < now() - interval '30 hours' RETURNING 1`,
      );
      expect(deleted.rowCount).toBeGreaterThan(0);
      await check();
      const buckets = await poolOf(store).query(
        `SELECT coalesce(sum(total), 0)::int AS n FROM execution_outcomes_hourly`,
      );
      const rows = await poolOf(store).query(`SELECT count(*)::int AS n FROM executions`);
      expect(buckets.rows[0].n).toBe(rows.rows[0].n);
    } finally {
      await store.close();
    }
  });
});
