/**
 * bench:discovery — how long discovery takes for one goal as the registry grows.
 *
 *   npm run bench:discovery            1,000 and 10,000 registered tools
 *
 * For each size: register synthetic tools (names and descriptions drawn from a fixed vocabulary
 * with a seeded generator; statistics for every tool), then for 60 goals time, side by side,
 * discoverTools(goal) with text search only (the zero-setup default) and with a 64-dimension
 * hashing embedder (hybrid), its cosine similarities computed both ways: over the in-process copy
 * of the vectors (the default; one generation check per goal) and in SQL over every float8[]
 * (vectorSearch: 'database'); and text search with stage 2 over the last 14 days with exploration
 * ({ windowDays: 14, explore: true }; 100 recorded runs per tool over 30 days). The first hybrid query of a size loads the vectors (timed apart as
 * `vector_load_ms`). Both ways are checked to give the same candidates. Median and p95 in ms, all
 * three stages included (retrieval, rankTools, default choice). Uses DATABASE_URL when set,
 * else an embedded PostgreSQL in a temp dir.
 */
import { ExecutionStore, type Embedder } from '../src/index.js';
import { Random } from '../src/demo/random.js';
import { poolOf } from '../src/store/internal.js';
import { benchDatabase } from './lib/database.js';
import { percentile, round } from './lib/stats.js';

const SIZES = [1_000, 10_000];
const GOALS = 60;
const DIM = 64;
const RUNS_PER_TOOL = 100;
const VERBS = [
  'search',
  'fetch',
  'convert',
  'summarize',
  'translate',
  'validate',
  'parse',
  'render',
  'compute',
  'classify',
  'extract',
  'schedule',
  'monitor',
  'compress',
  'encrypt',
  'resize',
];
const NOUNS = [
  'invoices',
  'images',
  'weather',
  'stocks',
  'emails',
  'papers',
  'logs',
  'contracts',
  'recipes',
  'flights',
  'tickets',
  'videos',
  'sensors',
  'genomes',
  'maps',
  'receipts',
  'tweets',
  'calendars',
  'playlists',
  'spreadsheets',
];
const EXTRA = [
  'quickly',
  'from PDF files',
  'for a city',
  'in bulk',
  'with retries',
  'over HTTP',
  'from the archive',
  'in real time',
  'with a cache',
  'for mobile',
  'using OCR',
  'safely',
];

/** Feature hashing of words into DIM buckets: a stand-in for a real model, deterministic and fast. */
const hashEmbed: Embedder = async (texts) =>
  texts.map((text) => {
    const v = new Array<number>(DIM).fill(0);
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      v[(h >>> 0) % DIM]! += 1;
    }
    v[0]! += 0.01;
    return v;
  });

async function register(store: ExecutionStore, count: number, random: Random): Promise<void> {
  for (let from = 0; from < count; from += 1_000) {
    const batch = [];
    for (let i = from; i < Math.min(count, from + 1_000); i++) {
      const verb = random.pick(VERBS);
      const noun = random.pick(NOUNS);
      batch.push({
        name: `${verb}_${noun}_${i}`,
        description: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${noun} ${random.pick(EXTRA)}`,
      });
    }
    await store.registerTools(batch, { embed: hashEmbed });
  }
  await poolOf(store).query(
    `INSERT INTO tool_statistics (tool_name, total_executions, successful_executions, failed_executions,
                                  avg_duration_ms, first_used, last_used)
     SELECT name, 100, 50 + (id % 50), 50 - (id % 50), 100 + id % 900, now(), now() FROM tools
     ON CONFLICT DO NOTHING`,
  );
  // 100 recorded runs per tool over the last 30 days, for stage 2 over a recent window.
  await poolOf(store).query(
    `WITH e AS (INSERT INTO executions (execution_id, goal_text)
                SELECT gen_random_uuid(), name FROM tools RETURNING execution_id, goal_text)
     INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT gen_random_uuid(), e.execution_id, e.goal_text, g % 4 > 0, 100,
            now() - (g % 30) * interval '1 day'
       FROM e, generate_series(1, ${RUNS_PER_TOOL}) g`,
  );
  // What the hourly-statistics job does: fold the rollup deltas those runs appended.
  await store.updateStatistics();
  await poolOf(store).query('ANALYZE tools; ANALYZE tool_statistics; ANALYZE tool_executions');
}

async function timeEach(goals: string[], run: (goal: string) => Promise<unknown>) {
  for (const goal of goals.slice(0, 5)) await run(goal); // warm-up
  const samples: number[] = [];
  for (const goal of goals) {
    const start = performance.now();
    await run(goal);
    samples.push(performance.now() - start);
  }
  return { median_ms: round(percentile(samples, 50)), p95_ms: round(percentile(samples, 95)) };
}

async function main(): Promise<void> {
  const results = [];
  for (const size of SIZES) {
    const db = await benchDatabase(`discovery${size}`);
    const store = await ExecutionStore.open({ connectionString: db.url });
    try {
      const random = new Random(16);
      await register(store, size, random);
      const goals = Array.from(
        { length: GOALS },
        () => `Please ${random.pick(VERBS)} the ${random.pick(NOUNS)} ${random.pick(EXTRA)}`,
      );
      const text = await timeEach(goals, (g) => store.discoverTools(g));
      const loadStart = performance.now();
      await store.discoverTools(goals[0]!, { embed: hashEmbed });
      const vectorLoadMs = round(performance.now() - loadStart);
      const hybrid = await timeEach(goals, (g) => store.discoverTools(g, { embed: hashEmbed }));
      const hybridSql = await timeEach(goals, (g) =>
        store.discoverTools(g, { embed: hashEmbed, vectorSearch: 'database' }),
      );
      for (const goal of goals.slice(0, 10)) {
        const a = await store.discoverTools(goal, { embed: hashEmbed });
        const b = await store.discoverTools(goal, { embed: hashEmbed, vectorSearch: 'database' });
        if (JSON.stringify(a) !== JSON.stringify(b))
          throw new Error(`in-process and SQL cosine disagree for ${JSON.stringify(goal)}`);
      }
      const windowed = await timeEach(goals, (g) =>
        store.discoverTools(g, { windowDays: 14, explore: true }),
      );
      const short = await timeEach(
        goals.map((g) => g.split(' ')[1]!.slice(0, 4)),
        (g) => store.discoverTools(g),
      );
      const row = {
        tools: size,
        source: db.source,
        text,
        text_window_explore: windowed,
        short_query: short,
        hybrid,
        hybrid_sql_cosine: hybridSql,
        vector_load_ms: vectorLoadMs,
      };
      console.log(JSON.stringify(row));
      results.push(row);
    } finally {
      await store.close();
      await db.dispose();
    }
  }
  const worst = Math.max(...results.map((r) => r.text.median_ms));
  const worstHybrid = Math.max(...results.map((r) => r.hybrid.median_ms));
  console.log(
    JSON.stringify({
      goal_ms: 20,
      text_median_ms_at_10000: results.at(-1)!.text.median_ms,
      hybrid_median_ms_at_10000: results.at(-1)!.hybrid.median_ms,
      hybrid_sql_cosine_median_ms_at_10000: results.at(-1)!.hybrid_sql_cosine.median_ms,
      text_within_goal: worst < 20,
      hybrid_within_goal: worstHybrid < 20,
    }),
  );
}

await main();
