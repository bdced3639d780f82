// Every stored field goes through the same sanitizer (issue 10 items 16, 19, 6): secrets inside
// text columns, Error objects, URLs, header tuples and env copies never reach a row; unreadable
// parts become markers, the run is stored and the fault is an `error` event.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, HistoryError, attachExecutionHistory, newId } from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { openTestStore } from './helpers/db.js';

let store: ExecutionStore;
let spoolRoot: string;

beforeAll(async () => {
  ({ store } = await openTestStore());
  spoolRoot = await mkdtemp(path.join(tmpdir(), 'dendrite-secrets-'));
});
afterAll(async () => {
  await rm(spoolRoot, { recursive: true, force: true });
});

const spoolDir = () => mkdtemp(path.join(spoolRoot, 's-'));

/** Every row of every table that mentions the execution, as JSON text. */
async function dump(executionId: string): Promise<string> {
  const q = async (sql: string) =>
    (await poolOf(store).query(sql, [executionId])).rows
      .map((r: unknown) => JSON.stringify(r))
      .join('\n');
  return [
    await q('SELECT * FROM executions WHERE execution_id = $1'),
    await q('SELECT * FROM tool_executions WHERE execution_id = $1'),
    await q('SELECT * FROM execution_feedback WHERE execution_id = $1'),
  ].join('\n');
}

// Secrets of known shapes (fake, but shaped like the real ones).
const S = {
  pgPassword: 'Pg9pw-1x7Qz',
  openai: 'sk-proj-T3stK3yAbcdefGHIJklmnop0123456789',
  anthropic: 'sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp',
  github: 'ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
  aws: 'AKIAQWERTYUIOPASDF12',
  slack: 'xoxb-2233445566-7788990011-AbCdEfGhIjKlMnOp',
  google: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.Qm9ndXNTaWduYXR1cmVWYWx1ZTEyMw',
  bearer: 'opaqueBearerV4lue77',
  urlPassword: 'Url-Pw-5521',
  envKey: 'envValueZ81',
  headerTuple: 'tupleV4lue993',
  pem: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  assigned: 'assignedS3cret',
  stripe: 'sk_live_51HqLyjWDarjtT1zdp7dcXyZ',
};
const pem = `-----BEGIN PRIVATE KEY-----\n${S.pem}\n-----END PRIVATE KEY-----`;

function expectNoSecret(text: string): void {
  for (const [name, secret] of Object.entries(S)) {
    if (text.includes(secret)) throw new Error(`secret ${name} stored: ${secret}`);
  }
}

describe('secrets in every stored field (middleware)', () => {
  it('masks secrets in goal text, errors, Error objects, URLs, tuples and env copies', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, { store, spoolDir: await spoolDir() });
    const runId = newId();
    em.emit('process:start', {
      runId,
      goalText: `deploy with postgres://app:${S.pgPassword}@db.internal:5432/prod and key ${S.openai}`,
    });
    em.emit('tool:start', {
      runId,
      callId: 'c1',
      toolName: 'http_call',
      parameters: {
        headers: [
          ['authorization', `Bearer ${S.bearer}`],
          ['x-custom-auth', S.headerTuple],
        ],
        url: new URL(`https://deploy:${S.urlPassword}@git.example.com/repo.git`),
        body: `{"client_secret":"${S.assigned}","grant":"x"}`,
      },
    });
    em.emit('tool:end', {
      runId,
      callId: 'c1',
      toolName: 'http_call',
      success: false,
      error: new Error(`401 from api: token ${S.github} rejected (aws ${S.aws})`),
      result: {
        env: {
          DATABASE_URL: `postgres://u:${S.pgPassword}@h/db`,
          OPENAI_API_KEY: S.openai,
          STRIPE_KEY: S.envKey,
          HOME: '/home/app',
        },
        log: `slack ${S.slack} google ${S.google}\n${pem}`,
      },
    });
    const failure = new Error(`upstream refused jwt ${S.jwt}`);
    em.emit('process:end', {
      runId,
      result: {
        success: false,
        error: {
          message: 'request failed',
          config: { headers: { Authorization: `Bearer ${S.bearer}` } },
        },
        metadata: {
          usage: { inputTokens: 120, outputTokens: 48 },
          cause: failure,
          stripe: S.stripe,
        },
      },
    });
    const runId2 = newId();
    em.emit('process:start', { runId: runId2, goalText: 'second' });
    em.emit('process:error', {
      runId: runId2,
      error: new Error(`boom with ${S.anthropic} and password=${S.assigned}`),
    });
    expect((await handle.flush()).complete).toBe(true);
    const text = (await dump(runId)) + (await dump(runId2));
    expectNoSecret(text);
    // Only the secret part is masked: the rest stays readable.
    expect(text).toContain('postgres://app:[REDACTED]@db.internal:5432/prod');
    expect(text).toContain('sk-proj-[REDACTED]');
    expect(text).toContain('"HOME":"/home/app"');
    expect(text).toContain('"inputTokens":120');
    expect(text).toContain('-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----');
    await handle.close();
  });

  it('value masking can be switched off (key redaction stays)', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, {
      store,
      spoolDir: await spoolDir(),
      maskValues: false,
    });
    const runId = newId();
    em.emit('process:start', { runId, goalText: `key ${S.openai}` });
    em.emit('process:end', { runId, result: { metadata: { password: S.assigned } } });
    await handle.flush();
    const text = await dump(runId);
    expect(text).toContain(S.openai);
    expect(text).not.toContain(S.assigned);
    await handle.close();
  });
});

describe('secrets in every stored field (ExecutionStore)', () => {
  it('masks goal text, error, feedback, tool creation code and validation errors', async () => {
    const id = await store.storeExecution({
      goalText: `use ${S.github}`,
      error: new Error(`failed with Authorization: Bearer ${S.bearer}`) as unknown as string,
      metadata: { conn: `mysql://root:${S.urlPassword}@db/x` },
    });
    await store.storeToolExecution({
      executionId: id,
      toolName: 'tool_x',
      success: false,
      error: { password: S.assigned } as unknown as string,
      result: { jwt: S.jwt },
    });
    await store.storeFeedback({ executionId: id, rating: 2, feedbackText: `leaked ${S.slack}` });
    const creation = await store.storeToolCreation({
      toolName: 'gen_tool',
      goalText: `aws ${S.aws}`,
      generatedCode: `const client = new OpenAI({ apiKey: "${S.openai}" });\n${pem}`,
      validationPassed: false,
      validationErrors: [`line 1: hard-coded secret ${S.stripe}`],
    });
    const created = (
      await poolOf(store).query('SELECT * FROM tool_creation_events WHERE id = $1', [creation])
    ).rows;
    const text = (await dump(id)) + JSON.stringify(created);
    expectNoSecret(text);
    expect(text).toContain('apiKey: \\"[REDACTED]\\"');
  });
});

describe('unreadable parts (issue 10 item 6)', () => {
  it('a throwing getter, Proxy or redact() becomes a marker; the run is stored; error event', async () => {
    const em = new EventEmitter();
    const handle = attachExecutionHistory(em, {
      store,
      spoolDir: await spoolDir(),
      redact: (key) => {
        if (key === 'explode') throw new Error('redact bug');
        return false;
      },
    });
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const runId = newId();
    em.emit('process:start', { runId, goalText: 'hostile' });
    em.emit('tool:end', {
      runId,
      callId: 'c1',
      toolName: 'hostile_tool',
      success: true,
      result: {
        ok: 1,
        get boom() {
          throw new Error(`getter saw password=${S.assigned}`);
        },
        trap: new Proxy(
          {},
          {
            ownKeys: () => {
              throw new TypeError('no keys');
            },
          },
        ),
        revoked,
        json: {
          toJSON: () => {
            throw new RangeError('bad toJSON');
          },
        },
      },
    });
    em.emit('process:end', {
      runId,
      result: { success: true, metadata: { explode: 'value', kept: 'yes' } },
    });
    await handle.flush();
    const tool = (
      await poolOf(store).query('SELECT result FROM tool_executions WHERE execution_id = $1', [
        runId,
      ])
    ).rows[0].result;
    expect(tool.ok).toBe(1);
    expect(tool.boom).toBe('[Unreadable: Error: getter saw password=[REDACTED]]');
    expect(tool.trap).toBe('[Unreadable: TypeError: no keys]');
    expect(tool.revoked).toMatch(/^\[Unreadable: TypeError: /);
    expect(tool.json).toBe('[Unreadable: RangeError: bad toJSON]');
    const exec = (
      await poolOf(store).query('SELECT metadata FROM executions WHERE execution_id = $1', [runId])
    ).rows[0];
    // A throwing redact() fails closed: the key is redacted.
    expect(exec.metadata).toEqual({ explode: '[REDACTED]', kept: 'yes' });
    const payload = errors.filter((e) => e instanceof HistoryError && e.code === 'PAYLOAD');
    expect(payload.length).toBeGreaterThanOrEqual(5);
    expect(payload.map((e) => e.message).join('\n')).not.toContain(S.assigned);
    await handle.close();
  });
});
