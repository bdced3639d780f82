// The secrets property on real rows (issue 10 item 15): secret keys in any spelling, nesting and
// value shape, given to the middleware and to ExecutionStore, leave no secret in any stored row;
// usage counters in any spelling are stored readable.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecutionStore, attachExecutionHistory, newId } from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';
import { counterKey, secretKey } from './helpers/spellings.js';

let store: ExecutionStore;
let spoolRoot: string;

beforeAll(async () => {
  ({ store } = await openTestStore());
  spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-secrets-prop-'));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

const MARK = 'qZ8xV';

/** A secret value in one of several shapes; each holds MARK followed by a random tail. */
const secretValue = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9]{6,12}$/), fc.nat(5))
  .map(([tail, shape]) => {
    const s = `${MARK}${tail}`;
    switch (shape) {
      case 0:
        return s;
      case 1:
        return { inner: s, list: [s] };
      case 2:
        return [s, { deep: s }];
      case 3:
        return new Map([['k', s]]);
      case 4:
        return `Bearer ${s}`;
      default:
        return 713_915_448_271; // a numeric secret
    }
  });

/** Where the pair is put: an object, an array of objects, a Map, a header tuple, a header list. */
function hold(key: string, value: unknown, how: number): unknown {
  switch (how) {
    case 0:
      return { [key]: value };
    case 1:
      return [{ a: 1 }, { [key]: value }];
    case 2:
      return new Map<string, unknown>([[key, value]]);
    case 3:
      return { headers: [[key, value]] };
    case 4:
      return { rawHeaders: ['host', 'h', key, value] };
    default:
      return { l1: { l2: [{ l3: { [key]: value } }] } };
  }
}

const pair = fc
  .tuple(secretKey(), secretValue, fc.nat(5))
  .map(([key, value, how]) => ({ key, value, held: hold(key, value, how) }));

it('property: no secret in any stored row, counters readable (middleware and store)', async () => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(pair, { minLength: 3, maxLength: 6 }),
      counterKey(),
      fc.nat(100_000),
      async (pairs, counter, count) => {
        runs++;
        const em = new EventEmitter();
        const handle = attachExecutionHistory(em, {
          store,
          spoolDir: await mkdtemp(path.join(spoolRoot, 's-')),
        });
        const runId = newId();
        const held = pairs.map((p) => p.held);
        // In text fields the pairs arrive as JSON text and as `key=value`.
        const asText = pairs
          .map((p) => `${p.key}=${typeof p.value === 'string' ? p.value : 'x'}`)
          .join(' ');
        em.emit('process:start', { runId, goalText: asText });
        em.emit('tool:start', { runId, callId: 'c', toolName: 't', parameters: held[0] });
        em.emit('tool:end', {
          runId,
          callId: 'c',
          toolName: 't',
          success: false,
          result: held,
          error: new Error(
            `failed: ${JSON.stringify(Object.fromEntries(pairs.map((p) => [p.key, typeof p.value === 'string' ? p.value : 'x'])))}`,
          ),
        });
        em.emit('process:end', {
          runId,
          result: {
            success: false,
            error: asText,
            metadata: { held, usage: { [counter]: count } },
          },
        });
        await handle.flush();
        await handle.close();
        const storeId = await store.storeExecution({
          goalText: asText,
          error: asText,
          metadata: { held, usage: { [counter]: count } },
        });
        await store.storeToolExecution({
          executionId: storeId,
          toolName: 'store_tool',
          parameters: held,
          result: held[held.length - 1],
          success: true,
        });
        const rows = await poolOf(store).query(
          `SELECT row_to_json(e)::text AS e, coalesce(json_agg(t)::text, '') AS t
             FROM executions e LEFT JOIN tool_executions t USING (execution_id)
            WHERE e.execution_id = ANY($1) GROUP BY e.*`,
          [[runId, storeId]],
        );
        const text = rows.rows.map((r: { e: string; t: string }) => r.e + r.t).join('\n');
        expect(rows.rows.length).toBe(2);
        expect(text).not.toContain(MARK);
        expect(text).not.toContain('713915448271');
        for (const r of rows.rows as Array<{ e: string }>)
          expect(JSON.parse(r.e).metadata.usage[counter]).toBe(count);
      },
    ),
    { numRuns: 25 },
  );
  expect(runs).toBe(25);
});
