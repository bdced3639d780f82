// The report's timeline in zones whose offset is whole hours now but was not for part of the
// window (Lord Howe: +10:30 in winter, +11 in summer; Pyongyang: +8:30 from 2015 to 2018, +9
// before and since), in always-fractional zones, and across DST changes: its buckets must hold
// what a scan of the rows puts there.
import { beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { ExecutionStore } from '../src/index.js';
import { selectTimeline } from '../src/sql/report.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DAY = 86_400_000;
let store: ExecutionStore;
const since = new Date(Date.now() - 400 * DAY);
const pyongyang = new Date('2017-01-01T00:00:00Z');
// Hour buckets over the last 200 days: across at least one DST change of each zone whatever the
// date (Lord Howe moves by half an hour in April and October).
const recent = new Date(Date.now() - 200 * DAY);

beforeAll(async () => {
  ({ store } = await openTestStore());
  // An execution every 7 h 13 min over 400 days: every minute-of-hour and hour-of-day comes up,
  // on both sides of every DST change; a third failed.
  await poolOf(store).query(
    `INSERT INTO executions (execution_id, goal_text, success, created_at)
     SELECT gen_random_uuid(), 'tz', g % 3 <> 0, $1::timestamptz + g * interval '433 minutes'
       FROM generate_series(0, 1300) g`,
    [since],
  );
  await poolOf(store).query(
    `INSERT INTO executions (execution_id, goal_text, success, created_at)
     SELECT gen_random_uuid(), 'tz', g % 3 <> 0, $1::timestamptz + g * interval '433 minutes'
       FROM generate_series(0, 300) g`,
    [pyongyang],
  );
  await store.updateStatistics();
});

async function inZone<T>(timeZone: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await poolOf(store).connect();
  try {
    await client.query(`SELECT set_config('timezone', $1, false)`, [timeZone]);
    return await fn(client);
  } finally {
    await client.query('RESET timezone');
    client.release();
  }
}

describe('report timeline buckets in every kind of time zone', () => {
  it.each([
    ['Australia/Lord_Howe', since, 'day'],
    ['Asia/Pyongyang', pyongyang, 'day'],
    ['Asia/Kathmandu', since, 'day'],
    ['America/St_Johns', since, 'day'],
    ['Asia/Kolkata', since, 'day'],
    ['Europe/Berlin', since, 'day'],
    ['UTC', since, 'day'],
    ['America/Santiago', since, 'day'],
    ['America/Havana', since, 'day'],
    ['Asia/Beirut', since, 'day'],
    ['America/Santiago', recent, 'hour'],
    ['Europe/Berlin', recent, 'hour'],
    ['America/New_York', recent, 'hour'],
    ['Australia/Lord_Howe', recent, 'hour'],
    ['Asia/Kathmandu', recent, 'hour'],
  ] as const)(
    '%s since %s: %s buckets equal a scan of the rows',
    async (timeZone, since, bucket = 'day') => {
      const [timeline, scan] = await inZone(timeZone, async (client) => {
        const q = selectTimeline(since, bucket);
        const timeline = (await client.query(q.text, q.values)).rows.filter(
          (r) => Number(r.executions) > 0,
        );
        const scan = (
          await client.query(
            `SELECT date_trunc($2::text, created_at) AS bucket, count(*)::bigint AS executions,
                  count(*) FILTER (WHERE success IS FALSE)::bigint AS failures
             FROM executions WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
            [since, bucket],
          )
        ).rows;
        return [timeline, scan];
      });
      const plain = (rows: Record<string, unknown>[]): string[] =>
        rows.map(
          (r) => `${new Date(r.bucket as Date).toISOString()} ${r.executions} ${r.failures}`,
        );
      expect(plain(timeline)).toEqual(plain(scan));
    },
  );
});
