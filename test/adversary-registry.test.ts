// Paths into the database that once bypassed the sanitizer (issue 10, "every stored field"): the
// tool registry's description and parameter schema, discovery's goal, and hostile input objects
// given to the store's writes. Secrets never stored, NUL never a raw database error.
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';

const { store } = await openTestStore();

const OPENAI = 'sk-proj-Adv3rsaryK3yAbcdefGHIJklmn0123';
const PLAIN = 'hunter2-plain-pw';

async function tableText(sql: string): Promise<string> {
  return JSON.stringify((await poolOf(store).query(sql)).rows);
}

describe('tool registry', () => {
  it('masks secrets in descriptions and parameter schemas, keeping the schema readable', async () => {
    const { tools } = await store.registerTools([
      {
        name: 'adv_login',
        description: `Logs in. Example: password=${PLAIN} or key ${OPENAI}`,
        parameters: {
          type: 'object',
          properties: {
            user: { type: 'string', default: 'alice' },
            password: { type: 'string', format: 'password', default: PLAIN },
            apiKey: { type: 'string', enum: [OPENAI, PLAIN], description: 'your key' },
            token: PLAIN,
          },
          required: ['user', 'password'],
          examples: [{ user: 'bob', password: PLAIN }],
        },
      },
    ]);
    const text = JSON.stringify(tools) + (await tableText('SELECT * FROM tools'));
    expect(text).not.toContain(PLAIN);
    expect(text).not.toContain('Adv3rsaryK3y');
    const params = tools[0]!.parameters as {
      properties: Record<string, unknown>;
      required: string[];
    };
    // A secret parameter's definition stays a definition; its example values do not.
    expect(params.properties.password).toEqual({
      type: 'string',
      format: 'password',
      default: '[REDACTED]',
    });
    expect(params.properties.apiKey).toMatchObject({ type: 'string', description: 'your key' });
    expect(params.properties.user).toEqual({ type: 'string', default: 'alice' });
    expect(params.properties.token).toBe('[REDACTED]');
    expect(params.required).toEqual(['user', 'password']);
  });

  it('stores NUL and lone surrogates in descriptions and schemas instead of failing', async () => {
    const result = await store.registerTools([
      { name: 'adv_nul', description: 'a\u0000b\ud800c', parameters: { d: 'x\u0000y' } },
    ]);
    expect(result.tools[0]!.description).toBe('a\uFFFDb\uFFFDc');
    expect(result.tools[0]!.parameters).toEqual({ d: 'x\uFFFDy' });
  });

  it('discovers with a goal holding NUL or a lone surrogate', async () => {
    for (const goal of ['adv login \u0000', 'login \ud800'])
      await expect(store.discoverTools(goal)).resolves.toHaveProperty('candidates');
  });
});

describe('hostile input objects', () => {
  it('a Proxy or getter that throws is a ValidationError without the thrown text, nothing written', async () => {
    const before = await tableText('SELECT count(*) FROM executions');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error(`trap holding ${OPENAI}`);
        },
      },
    );
    const withGetter = {
      get goalText(): string {
        throw new Error(`getter holding ${OPENAI}`);
      },
    };
    for (const input of [hostile, withGetter]) {
      const error = await store.storeExecution(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('VALIDATION');
      expect(String((error as Error).message)).not.toContain('Adv3rsaryK3y');
    }
    for (const call of [
      () => store.storeToolExecution(hostile as never),
      () => store.storeFeedback(hostile as never),
      () => store.storeToolCreation(hostile as never),
    ])
      await expect(call()).rejects.toBeInstanceOf(ValidationError);
    expect(await tableText('SELECT count(*) FROM executions')).toBe(before);
  });
});

describe('error messages that quote the input', () => {
  it('mask a secret given in the wrong field', async () => {
    const token = 'ghp_Adv3rsaryQuotedT0ken0123456789';
    const error = await store
      .storeExecution({ goalText: 'x', executionId: token })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('executionId');
    expect((error as Error).message).not.toContain('Adv3rsary');
  });
});
