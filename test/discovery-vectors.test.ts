import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, PluginError, type Embedder } from '../src/index.js';
import { Random } from '../src/demo/random.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

const DIM = 16;
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'zeta'];

/** Feature hashing into DIM buckets: equal texts share a vector, so scores tie on purpose. */
const hashEmbed: Embedder = async (texts) =>
  texts.map((text) => {
    const v = new Array<number>(DIM).fill(0);
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      v[(h >>> 0) % DIM]! += 1 + (word.length % 3) / 7;
    }
    v[0]! += 0.01;
    return v;
  });

async function generation(store: ExecutionStore): Promise<string> {
  const r = await poolOf(store).query<{ generation: string }>(
    'SELECT generation FROM tool_registry_state WHERE id = 1',
  );
  return r.rows[0]!.generation;
}

const goalsOf = (random: Random, n: number): string[] =>
  Array.from({ length: n }, () => `${random.pick(WORDS)} ${random.pick(WORDS)} please`);

describe('semantic discovery: in-process vectors vs SQL, invalidation', () => {
  let store: ExecutionStore;
  let other: ExecutionStore;
  let url: string;
  beforeAll(async () => {
    ({ store, url } = await openTestStore());
    other = await ExecutionStore.open({ connectionString: url });
    const random = new Random(3);
    // Names in mixed case and with digits, so a JS tie order would differ from the collation's.
    const tools = Array.from({ length: 300 }, (_, i) => ({
      name: `${random.pick(['Tool', 'tool', '_t', 'T'])}_${random.pick(WORDS)}_${i}`,
      description: `${random.pick(WORDS)} ${random.pick(WORDS)}`,
    }));
    await store.registerTools(tools, { embed: hashEmbed });
    await store.registerTools([{ name: 'text_only_tool', description: 'alpha beta, no vector' }]);
    await store.setToolStatus(tools[0]!.name, 'archived');
  });
  afterAll(async () => await other.close());

  it('the in-process index gives exactly the scores and order of the SQL scan, ties included', async () => {
    for (const goal of goalsOf(new Random(9), 25))
      for (const candidates of [1, 7, 20]) {
        const options = { embed: hashEmbed, candidates, limit: 3 };
        const memory = await store.discoverTools(goal, options);
        const database = await store.discoverTools(goal, { ...options, vectorSearch: 'database' });
        expect(memory).toEqual(database);
        if (candidates === 20)
          expect(memory.candidates.some((c) => c.retrieval.methods.includes('semantic'))).toBe(
            true,
          );
      }
  });

  it('a registration through another store handle is seen by the next discovery', async () => {
    // The embedded text of a tool is its name in words, then its description.
    const goal = 'fresh omega tool omega omega sigma';
    await store.discoverTools(goal, { embed: hashEmbed }); // the index is loaded
    const before = await generation(store);
    await other.registerTools([{ name: 'fresh_omega_tool', description: 'omega omega sigma' }], {
      embed: hashEmbed,
    });
    const bumped = await generation(store);
    expect(BigInt(bumped)).toBeGreaterThan(BigInt(before));
    const found = await store.discoverTools(goal, { embed: hashEmbed, semanticWeight: 1 });
    const fresh = found.candidates.find((c) => c.toolName === 'fresh_omega_tool');
    expect(fresh?.retrieval.semantic).toBeCloseTo(1, 12);
    expect(found).toEqual(
      await store.discoverTools(goal, {
        embed: hashEmbed,
        semanticWeight: 1,
        vectorSearch: 'database',
      }),
    );
    // A status change leaves the vectors (and the generation) alone, yet shows at once.
    await other.setToolStatus('fresh_omega_tool', 'archived');
    expect(await generation(store)).toBe(bumped);
    const after = await store.discoverTools(goal, { embed: hashEmbed, semanticWeight: 1 });
    expect(after.candidates.find((c) => c.toolName === 'fresh_omega_tool')?.status).toBe(
      'archived',
    );
    expect(after.chosen).not.toContain('fresh_omega_tool');
  });

  it('a model of another dimension is a PluginError at discovery and at registration; nothing written', async () => {
    const wrong: Embedder = async (texts) => texts.map(() => [1, 2, 3]);
    for (const vectorSearch of ['in-process', 'database'] as const) {
      const error = await store
        .discoverTools('alpha', { embed: wrong, vectorSearch })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PluginError);
      expect((error as PluginError).code).toBe('PLUGIN');
      expect((error as Error).message).toContain(`expected ${DIM}`);
    }
    const count = async () =>
      (await poolOf(store).query<{ n: number }>('SELECT count(*)::int AS n FROM tools')).rows[0]!.n;
    const [tools, gen] = [await count(), await generation(store)];
    const error = await other
      .registerTools([{ name: 'three_d_tool', description: 'gamma' }], { embed: wrong })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(await count()).toBe(tools);
    expect(await generation(store)).toBe(gen);
  });

  it('a batch bumps the generation; deleting tools bumps it and drops their vectors', async () => {
    const before = BigInt(await generation(store));
    await store.registerTools(
      [
        { name: 'batch_a_tool', description: 'kappa' },
        { name: 'batch_b_tool', description: 'kappa theta' },
      ],
      { embed: hashEmbed },
    );
    const registered = BigInt(await generation(store));
    expect(registered).toBeGreaterThan(before);
    expect(
      (
        await store.discoverTools('batch a tool kappa', { embed: hashEmbed, semanticWeight: 1 })
      ).candidates.map((c) => c.toolName),
    ).toContain('batch_a_tool');
    await poolOf(other).query(`DELETE FROM tools WHERE name = 'batch_a_tool'`);
    expect(BigInt(await generation(store))).toBeGreaterThan(registered);
    const found = await store.discoverTools('batch a tool kappa', {
      embed: hashEmbed,
      semanticWeight: 1,
    });
    expect(found.candidates.map((c) => c.toolName)).not.toContain('batch_a_tool');
  });
});
