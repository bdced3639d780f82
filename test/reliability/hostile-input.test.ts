import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, REDACTED, ValidationError, sanitizeJson } from '../../src/index.js';
import { openTestStore } from '../helpers/db.js';
import { poolOf } from '../../src/store/internal.js';

// Property-based: whatever a caller passes, the store either keeps valid JSON or says why.
describe('hostile input (property-based)', () => {
  let store: ExecutionStore;
  let executionId: string;
  beforeAll(async () => {
    ({ store } = await openTestStore());
    executionId = await store.storeExecution({ goalText: 'hostile input target' });
  });

  const anyValue = fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withObjectString: true,
    withUnicodeString: true,
    maxDepth: 4,
  });

  it('any JavaScript value as metadata, parameters or result is stored as valid JSON', async () => {
    await fc.assert(
      fc.asyncProperty(anyValue, anyValue, anyValue, async (metadata, parameters, result) => {
        const id = await store.storeExecution({ goalText: 'any', metadata });
        const rowId = await store.storeToolExecution({
          executionId: id,
          toolName: 'any_tool',
          parameters,
          result,
          success: true,
        });
        const e = (
          await poolOf(store).query('SELECT metadata FROM executions WHERE execution_id = $1', [id])
        ).rows[0];
        const t = (
          await poolOf(store).query(
            'SELECT parameters, result FROM tool_executions WHERE id = $1',
            [rowId],
          )
        ).rows[0];
        // What PostgreSQL returns is exactly the sanitized value (undefined at the top level is null).
        const expected = (v: unknown) => JSON.parse(JSON.stringify(sanitizeJson(v)));
        // A missing metadata (undefined or null) is stored as {}, the column's default.
        expect(e.metadata).toEqual(
          metadata === undefined || metadata === null ? {} : expected(metadata),
        );
        if (parameters !== undefined) expect(t.parameters).toEqual(expected(parameters));
        if (result !== undefined) expect(t.result).toEqual(expected(result));
      }),
      { numRuns: 60 },
    );
  });

  const secretKey = fc.constantFrom(
    'password',
    'PASSWORD',
    'passwd',
    'db_password',
    'passwordHash',
    'secret',
    'client_secret',
    'token',
    'accessToken',
    'refresh_token',
    'api_key',
    'apiKey',
    'X-Api-Key',
    'apikey',
    'authorization',
    'Authorization',
    'cookie',
    'set-cookie',
    'private_key',
    'privateKey',
  );
  const plainKey = fc.constantFrom(
    'name',
    'tokens',
    'keyboard',
    'author',
    'value',
    'items',
    'nested',
    'k',
  );

  /** Objects nested at random depth where every secret key holds a value carrying the marker. */
  function tree(marker: string): fc.Arbitrary<unknown> {
    const { node } = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc
          .array(
            fc.oneof(
              fc.tuple(
                secretKey,
                fc.constantFrom(marker, { inner: marker }, [marker], `Bearer ${marker}`),
              ),
              fc.tuple(plainKey, tie('node')),
            ),
            { maxLength: 4 },
          )
          .map((pairs) => Object.fromEntries(pairs)),
      ),
    }));
    return node;
  }

  it('redacted keys never reach a stored row, at any depth', async () => {
    const marker = 'MARKER-8c1f5e';
    let exercised = 0;
    await fc.assert(
      fc.asyncProperty(tree(marker), tree(marker), async (metadata, parameters) => {
        if (JSON.stringify([metadata, parameters]).includes(marker)) exercised++;
        const id = await store.storeExecution({
          goalText: 'redaction',
          metadata: { wrap: metadata },
        });
        await store.storeToolExecution({
          executionId: id,
          toolName: 'redaction_tool',
          parameters: { wrap: parameters },
          success: true,
        });
        const rows = await poolOf(store).query(
          `SELECT e.metadata::text AS m, t.parameters::text AS p
             FROM executions e JOIN tool_executions t USING (execution_id) WHERE e.execution_id = $1`,
          [id],
        );
        expect(rows.rows[0].m).not.toContain(marker);
        expect(rows.rows[0].p).not.toContain(marker);
      }),
      { numRuns: 80 },
    );
    // The generator must actually put secrets in front of the redactor for the property to mean anything.
    expect(exercised).toBeGreaterThan(20);
    const direct = await store.storeExecution({ goalText: 'x', metadata: { password: marker } });
    const row = await poolOf(store).query(
      'SELECT metadata FROM executions WHERE execution_id = $1',
      [direct],
    );
    expect(row.rows[0].metadata).toEqual({ password: REDACTED });
  });

  const nasty = fc.oneof(
    fc.constantFrom(
      "'; DROP TABLE executions; --",
      '" OR 1=1 --',
      '$1); DELETE FROM tool_executions; --',
      '\\x00\\\\',
      "E'\\\\'",
      '$$; SELECT pg_sleep(10); $$',
      '\u202E\u0007\u001b[31mred\u001b[0m\r\n\t\b\f\v',
    ),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );

  it('SQL-injection and control-character strings are stored verbatim in every text field', async () => {
    await fc.assert(
      fc.asyncProperty(
        nasty,
        nasty,
        nasty,
        nasty,
        async (goalText, intentRaw, toolName, feedbackText) => {
          const intent = intentRaw.slice(0, 50);
          const tool = toolName.trim() === '' ? `t${toolName}` : toolName;
          // NUL and lone surrogates cannot be stored by PostgreSQL: they become U+FFFD. Everything else is kept.
          const storable = (s: string) => s.replaceAll('\u0000', '\uFFFD').toWellFormed();
          const id = await store.storeExecution({
            goalText,
            intent: intent.trim() === '' ? null : intent,
            error: goalText,
          });
          await store.storeToolExecution({
            executionId: id,
            toolName: tool,
            success: false,
            error: toolName,
          });
          await store.storeFeedback({ executionId: id, rating: 3, feedbackText });
          const row = (
            await poolOf(store).query(
              `SELECT e.goal_text, e.intent, e.error, t.tool_name, t.error AS tool_error, f.feedback_text
               FROM executions e JOIN tool_executions t USING (execution_id) JOIN execution_feedback f USING (execution_id)
              WHERE e.execution_id = $1`,
              [id],
            )
          ).rows[0];
          expect(row.goal_text).toBe(storable(goalText));
          expect(row.error).toBe(storable(goalText));
          expect(row.intent).toBe(intent.trim() === '' ? null : storable(intent));
          expect(row.tool_name).toBe(storable(tool));
          expect(row.tool_error).toBe(storable(toolName));
          expect(row.feedback_text).toBe(storable(feedbackText));
        },
      ),
      { numRuns: 60 },
    );
    expect(
      (await poolOf(store).query("SELECT to_regclass('executions') IS NOT NULL AS ok")).rows[0].ok,
    ).toBe(true);
  });

  it('ratings outside 1..5 are rejected with nothing written', async () => {
    const outside = fc.oneof(
      fc.integer().filter((n) => n < 1 || n > 5),
      fc.double().filter((n) => !Number.isInteger(n) || n < 1 || n > 5),
      fc.constantFrom<unknown>('3', null, undefined, true, [4], { rating: 4 }, 4n),
    );
    const before = (await poolOf(store).query('SELECT count(*)::int AS n FROM execution_feedback'))
      .rows[0].n;
    await fc.assert(
      fc.asyncProperty(outside, async (rating) => {
        await expect(
          store.storeFeedback({ executionId, rating: rating as number }),
        ).rejects.toBeInstanceOf(ValidationError);
      }),
      { numRuns: 200 },
    );
    expect(
      (await poolOf(store).query('SELECT count(*)::int AS n FROM execution_feedback')).rows[0].n,
    ).toBe(before);
  });
});
