import { beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore, PluginError, ValidationError, type Embedder } from '../src/index.js';
import { cli } from './helpers/cli.js';
import { openTestStore } from './helpers/db.js';
import { poolOf } from '../src/store/internal.js';

/** A toy embedding model: one dimension per concept, synonyms share it. */
const CONCEPTS: string[][] = [
  ['weather', 'forecast', 'rain', 'umbrella', 'sunny'],
  ['search', 'web', 'pages', 'find', 'look'],
  ['calculate', 'arithmetic', 'sum', 'numbers', 'math'],
  ['news', 'headlines', 'today'],
];
const conceptEmbed: Embedder = async (texts) =>
  texts.map((text) => {
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    return [...CONCEPTS.map((c) => words.filter((w) => c.includes(w)).length), 0.01];
  });

async function addRuns(store: ExecutionStore, tool: string, total: number, ok: number) {
  const id = (
    await poolOf(store).query<{ id: string }>(
      `INSERT INTO executions (execution_id, goal_text) VALUES (gen_random_uuid(), 'crafted')
       RETURNING execution_id AS id`,
    )
  ).rows[0]!.id;
  await poolOf(store).query(
    `INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms)
     SELECT gen_random_uuid(), $1, $2, g <= $4, 50 FROM generate_series(1, $3) g`,
    [id, tool, total, ok],
  );
}

describe('discoverTools: retrieval, ranking, choice', () => {
  let store: ExecutionStore;
  let url: string;
  let trigramInstalled: boolean;
  beforeAll(async () => {
    ({ store, url } = await openTestStore());
    await store.registerTools(
      [
        { name: 'web_search_tool', description: 'Search the web for pages about a topic' },
        { name: 'deep_search_tool', description: 'Search the web deeply, following links' },
        { name: 'old_search_tool', description: 'Search the web with the retired engine' },
        { name: 'flaky_search_tool', description: 'Search the web through a mirror' },
        { name: 'news_search_tool', description: "Find today's news headlines about a topic" },
        { name: 'calculator_tool', description: 'Evaluate arithmetic expressions' },
        { name: 'weather_lookup_tool', description: 'Forecast for a city' },
      ],
      { embed: conceptEmbed },
    );
    await addRuns(store, 'web_search_tool', 100, 60);
    await addRuns(store, 'deep_search_tool', 100, 95);
    await addRuns(store, 'old_search_tool', 100, 99);
    await addRuns(store, 'flaky_search_tool', 100, 98);
    await store.updateStatistics();
    await store.setToolStatus('old_search_tool', 'archived');
    await store.setToolStatus('flaky_search_tool', 'deprecated');
    const ext = await poolOf(store).query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`,
    );
    trigramInstalled = ext.rows.length > 0;
  });

  it('full text finds the search tools; statistics order them; archived skipped, deprecated last', async () => {
    const result = await store.discoverTools('Search the web for solid-state batteries');
    const names = result.candidates.map((c) => c.toolName);
    expect(names.slice(0, 2)).toEqual(['deep_search_tool', 'web_search_tool']);
    expect(result.chosen).toEqual(['deep_search_tool']);
    const flaky = result.candidates.find((c) => c.toolName === 'flaky_search_tool')!;
    const old = result.candidates.find((c) => c.toolName === 'old_search_tool')!;
    // Deprecated: after the relevant active tools, ahead of the weaker match (news: "search" only).
    expect(flaky.rank).toBe(3);
    const news = result.candidates.find((c) => c.toolName === 'news_search_tool')!;
    expect(news.rank).toBe(4);
    expect(news.reason).toContain('below 0.50');
    expect(flaky.reason).toContain('deprecated');
    expect(old).toMatchObject({ ranking: null, rank: null, chosen: false });
    expect(old.reason).toContain('archived: skipped');
    expect(names.at(-1)).toBe('old_search_tool');
    expect(names).not.toContain('calculator_tool');
    for (const c of result.candidates) {
      expect(c.retrieval.methods).toContain('fulltext');
      expect(c.reason).toMatch(/fulltext \d\.\d\d/);
    }
    expect(result.candidates[0]!.reason).toContain('95% of 100 runs');
  });

  it('a short query falls back to trigrams on names when the server has pg_trgm', async () => {
    const result = await store.discoverTools('calc');
    expect(result.trigram).toBe(trigramInstalled);
    if (trigramInstalled) {
      expect(result.chosen).toEqual(['calculator_tool']);
      expect(result.candidates[0]!.retrieval.methods).toEqual(['trigram']);
    } else expect(result.chosen).toEqual([]);
  });

  it('an embedder finds what no word matches, mixed with text relevance', async () => {
    const lexical = await store.discoverTools('Do I need an umbrella tomorrow?');
    expect(lexical.chosen).not.toContain('weather_lookup_tool');
    const hybrid = await store.discoverTools('Do I need an umbrella tomorrow?', {
      embed: conceptEmbed,
    });
    expect(hybrid.chosen).toEqual(['weather_lookup_tool']);
    const top = hybrid.candidates[0]!;
    expect(top.retrieval.methods).toEqual(['semantic']);
    expect(top.retrieval.semantic).toBeGreaterThan(0.9);
  });

  it('a chooser picks among the shortlist; a bad chooser or embedder is a PluginError', async () => {
    const seen: string[][] = [];
    const result = await store.discoverTools('search the web', {
      limit: 2,
      choose: ({ candidates }) => {
        seen.push(candidates.map((c) => c.toolName));
        return candidates[1]!.toolName;
      },
    });
    expect(seen).toEqual([['deep_search_tool', 'web_search_tool']]);
    expect(result.chosen).toEqual(['web_search_tool']);
    expect(result.candidates.find((c) => c.chosen)?.toolName).toBe('web_search_tool');

    const outside = await store
      .discoverTools('search the web', { choose: () => 'old_search_tool' })
      .catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(PluginError);
    const throwing = await store
      .discoverTools('search the web', {
        choose: () => {
          throw new Error('model timeout');
        },
      })
      .catch((e: unknown) => e);
    expect(throwing).toMatchObject({ code: 'PLUGIN', plugin: 'choose' });
    const wrongDimension = await store
      .discoverTools('search the web', { embed: async () => [[1, 2]] })
      .catch((e: unknown) => e);
    expect(wrongDimension).toMatchObject({ code: 'PLUGIN', plugin: 'embed' });
  });

  it('dendrite-history discover prints the choice and every candidate with its reason', async () => {
    const env = { DATABASE_URL: url };
    const json = await cli(['discover', 'Search the web', '--json'], { env });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { chosen: string[]; candidates: unknown[] };
    expect(parsed.chosen).toEqual(['deep_search_tool']);
    expect(parsed.candidates.length).toBeGreaterThanOrEqual(4);
    const text = await cli(['discover', 'Search the web', '--limit', '1'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('chosen: deep_search_tool');
    expect(text.stdout).toContain('archived: skipped');
    const tuned = await cli(
      ['discover', 'Search the web', '--window-days', '14', '--explore', '--json'],
      { env },
    );
    expect(tuned.code, tuned.stderr).toBe(0);
    const ranked = (
      JSON.parse(tuned.stdout) as {
        candidates: Array<{ ranking: { windowDays: number | null; optimistic: number | null } }>;
      }
    ).candidates.filter((c) => c.ranking !== null);
    expect(ranked.length).toBeGreaterThan(0);
    for (const c of ranked) {
      expect(c.ranking.windowDays).toBe(14);
      expect(c.ranking.optimistic).not.toBeNull();
    }
    const badWindow = await cli(['discover', 'Search the web', '--window-days', '0'], { env });
    expect(badWindow.code).toBe(2);
    const empty = await cli(['discover', '  '], { env });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('goal must be a non-empty string');
  });

  it('an empty goal or bad options are ValidationErrors', async () => {
    for (const [goal, options] of [
      ['', {}],
      ['   ', {}],
      [42, {}],
      ['search', { limit: 0 }],
      ['search', { candidates: 2.5 }],
      ['search', { semanticWeight: 2 }],
    ] as const)
      await expect(
        store.discoverTools(goal as string, options as Record<string, number>),
      ).rejects.toBeInstanceOf(ValidationError);
  });
});
