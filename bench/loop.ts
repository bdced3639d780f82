/**
 * bench:loop — does the learning loop, acting through discovery, make an orchestrator pick better
 * tools? A simulation on the demo's catalogue and a simulated clock, with fixed seeds.
 *
 *   npm run bench:loop                 5 simulated weeks (after 2 of recorded history), 200
 *                                      goals a day, 320 tools, seed set 1
 *   npm run bench:loop -- --seed-set 2 the same world drawn from other seeds
 *   ... -- --window all|N --explore off|upper-bound|thompson --z 1 --trial-share 0.1
 *          --trial-runs 5 --new-days 7   stage 2 options (defaults: what the loop uses below)
 *
 * Every demo tool becomes a family of 10 interchangeable tools (the demo tool, the popular one,
 * plus 9 variants of lower quality). Quality drifts: from day 14 the popular tool of a third of
 * the families degrades to 35%; from day 14 an AI-generated tool, better than all, appears in
 * another third; two families stop receiving goals on day 21 (their tools fall idle).
 *
 * Before day 0, two weeks of history are recorded: the orchestrator used each family's popular
 * tool (the one the baseline keeps), so both start knowing the same thing.
 * Three orchestrators see the same goals and the same random outcomes per (tool, goal):
 * - baseline: keeps using the tool it was configured with (the popular one), no loop;
 * - loop: store.discoverTools(goal, { now, windowDays: 14, explore: true }) over the registry
 *   with the default choice (the top tool): stage 2 judges the last 14 days, orders by the Wilson
 *   upper bound (z 1: an untried tool is tried only while the leader does worse than 79%), and a
 *   tool registered in the last 7 days gets trial runs (at most 10% of its candidate set's runs,
 *   until it has 5). Every simulated day the hourly-statistics job and the lifecycle job run (the
 *   lifecycle job scheduled daily, thresholds: 3-day deprecate window, deprecate when the Wilson
 *   upper bound is below 60%, 14 idle days to archive) and its archive/deprecate/promote advice is
 *   accepted, i.e. applied to the registry. It learns only from the history it recorded itself
 *   (runs written to PostgreSQL with their simulated times; registrations stamped on the same
 *   clock: the first tools existed when history begins, the AI-generated ones on their day);
 * - oracle: always the truly best tool of the family at that moment.
 * A tool of the wrong family (discovery mistook the goal) succeeds 5% of the time.
 * Ends with one JSON line: baseline/loop/oracle success rates and the share of the oracle's gain
 * over the baseline that the loop recovers.
 */
import { ExecutionStore, runJob, type DiscoverToolsOptions } from '../src/index.js';
import { DEMO_TOOLS, type DemoTool } from '../src/demo/catalogue.js';
import { Random } from '../src/demo/random.js';
import { poolOf } from '../src/store/internal.js';
import { benchDatabase } from './lib/database.js';
import { round } from './lib/stats.js';

const DAY_MS = 86_400_000;
const DAYS = 35;
/** Days of history recorded before the comparison starts: the configured (popular) tools at work. */
const WARM_DAYS = 14;
/** The loop's thresholds here: judge on the last 3 days, deprecate below 60% (upper bound). */
const THRESHOLDS = {
  deprecateWindowDays: 3,
  deprecateSuccessRate: 0.6,
  archiveIdleDays: 14,
};
const GOALS_PER_DAY = 200;
const VARIANTS = 9;
const DRIFT_DAY = 14;
const IDLE_DAY = 21;
const START = new Date('2026-01-05T00:00:00Z');
const FLAVOURS = ['lite', 'fast', 'legacy', 'community', 'mirror', 'beta', 'mini', 'plus', 'edge'];

interface SimTool {
  name: string;
  family: string;
  description: string;
  base: number;
  /** Success rate from DRIFT_DAY on. */
  drifted: number;
  /** First day the tool exists. */
  from: number;
  generated: boolean;
}

interface Family {
  demo: DemoTool;
  tools: SimTool[];
  popular: SimTool;
  idleFrom: number;
}

function describeFamily(demo: DemoTool): string {
  const example = demo.goals[0]!.replaceAll('{n}', '').replaceAll('{x}', '');
  return `${demo.keyword} ${demo.intent}: ${example}`;
}

function buildFamilies(random: Random): Family[] {
  return DEMO_TOOLS.map((demo, f) => {
    const text = describeFamily(demo);
    const popular: SimTool = {
      name: demo.name,
      family: demo.name,
      description: text,
      base: 0.9,
      drifted: f % 3 === 0 ? 0.35 : 0.9,
      from: 0,
      generated: false,
    };
    const tools = [popular];
    for (let v = 0; v < VARIANTS - (f % 3 === 1 ? 1 : 0); v++) {
      const base = 0.45 + random.next() * 0.4;
      tools.push({
        name: `${demo.name.replace(/_tool$/, '')}_${FLAVOURS[v]}_tool`,
        family: demo.name,
        description: `${text} (${FLAVOURS[v]} edition)`,
        base,
        drifted: base,
        from: 0,
        generated: false,
      });
    }
    if (f % 3 === 1)
      tools.push({
        name: `${demo.name.replace(/_tool$/, '')}_ai_tool`,
        family: demo.name,
        description: `${text} (generated)`,
        base: 0.97,
        drifted: 0.97,
        from: DRIFT_DAY,
        generated: true,
      });
    return { demo, tools, popular, idleFrom: f < 2 ? IDLE_DAY : Number.POSITIVE_INFINITY };
  });
}

const rateAt = (tool: SimTool, day: number): number =>
  day >= DRIFT_DAY ? tool.drifted : tool.base;

function fillGoal(demo: DemoTool, random: Random): string {
  return random
    .pick(demo.goals)
    .replaceAll('{n}', () => String(random.int(2, 999)))
    .replaceAll('{x}', () => random.pick(demo.fillers ?? ['it']));
}

/** The same uniform draw decides a goal's outcome whichever tool each arm used: fair comparison. */
function succeeds(tool: SimTool | undefined, family: string, day: number, draw: number): boolean {
  if (tool === undefined) return false;
  return draw < (tool.family === family ? rateAt(tool, day) : 0.05);
}

interface Run {
  at: Date;
  goal: string;
  tool: string;
  success: boolean;
}

async function record(store: ExecutionStore, runs: Run[]): Promise<void> {
  if (runs.length === 0) return;
  await poolOf(store).query(
    `WITH r AS (SELECT gen_random_uuid() AS id, u.* FROM unnest($1::timestamptz[], $2::text[],
                  $3::varchar[], $4::boolean[]) AS u(at, goal, tool, success)),
          e AS (INSERT INTO executions (execution_id, goal_text, success, created_at)
                SELECT id, goal, success, at FROM r)
     INSERT INTO tool_executions (call_id, execution_id, tool_name, success, duration_ms, created_at)
     SELECT gen_random_uuid(), id, tool, success, 100, at FROM r`,
    [
      runs.map((r) => r.at),
      runs.map((r) => r.goal),
      runs.map((r) => r.tool),
      runs.map((r) => r.success),
    ],
  );
}

/** Fixed seed sets: the first is the reference figure, the second checks it is not tuned to one. */
const SEED_SETS = [
  { families: 7, goals: 11, warm: 5, outcomes: 13, explore: 17 },
  { families: 107, goals: 111, warm: 105, outcomes: 113, explore: 117 },
];

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** Registration times on the simulated clock (registerTools stamps the wall clock). */
async function stampRegistration(store: ExecutionStore, at: Date, name?: string): Promise<void> {
  await poolOf(store).query(
    `UPDATE tools SET created_at = $1, updated_at = $1 WHERE $2::varchar IS NULL OR name = $2`,
    [at, name ?? null],
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const seeds = SEED_SETS[Number(argValue('seed-set') ?? 1) - 1]!;
  const window = argValue('window');
  const exploreRandom = new Random(seeds.explore);
  const discoverOptions = (at: Date): DiscoverToolsOptions => ({
    now: at,
    windowDays: window === 'all' ? null : Number(window ?? 14),
    explore:
      argValue('explore') === 'off'
        ? false
        : {
            method: argValue('explore') === 'thompson' ? 'thompson' : 'upper-bound',
            random: () => exploreRandom.next(),
            maxTrialShare: Number(argValue('trial-share') ?? 0.1),
            trialRuns: Number(argValue('trial-runs') ?? 5),
            newToolDays: Number(argValue('new-days') ?? 7),
            z: Number(argValue('z') ?? 1),
          },
  });
  const families = buildFamilies(new Random(seeds.families));
  const byName = new Map(families.flatMap((f) => f.tools.map((t) => [t.name, t] as const)));
  const db = await benchDatabase('loop');
  const store = await ExecutionStore.open({ connectionString: db.url });
  const totals = { baseline: 0, loop: 0, oracle: 0, goals: 0 };
  // Where the gains and losses are: families whose popular tool degrades, that get a better
  // AI-generated tool, or that stay as they are (exploring there can only cost).
  const kindOf = (f: Family): 'degrading' | 'ai' | 'stable' =>
    f.popular.drifted < f.popular.base
      ? 'degrading'
      : f.tools.some((t) => t.generated)
        ? 'ai'
        : 'stable';
  const byKind = {
    degrading: { baseline: 0, loop: 0, oracle: 0, goals: 0 },
    ai: { baseline: 0, loop: 0, oracle: 0, goals: 0 },
    stable: { baseline: 0, loop: 0, oracle: 0, goals: 0 },
  };
  const applied: Record<string, number> = {};
  try {
    await store.registerTools(
      families
        .flatMap((f) => f.tools.filter((t) => t.from === 0))
        .map((t) => ({
          name: t.name,
          description: t.description,
        })),
    );
    // The registry lives on the simulated clock too: these tools existed when history begins.
    await stampRegistration(store, new Date(START.getTime() - WARM_DAYS * DAY_MS));
    const goals = new Random(seeds.goals);
    // The history before day 0: the orchestrator used each family's popular tool.
    const warm = new Random(seeds.warm);
    for (let day = -WARM_DAYS; day < 0; day++) {
      const dayStart = new Date(START.getTime() + day * DAY_MS);
      const runs: Run[] = [];
      for (let g = 0; g < GOALS_PER_DAY; g++) {
        const family = warm.weighted(families, (f) => f.demo.weight);
        const at = new Date(dayStart.getTime() + ((g + 0.5) / GOALS_PER_DAY) * DAY_MS);
        const goal = fillGoal(family.demo, warm);
        runs.push({
          at,
          goal,
          tool: family.popular.name,
          success: warm.chance(family.popular.base),
        });
      }
      await record(store, runs);
    }
    await runJob(store, 'hourly-statistics', { now: START });
    const outcomes = new Random(seeds.outcomes);
    let misrouted = 0;
    for (let day = 0; day < DAYS; day++) {
      const dayStart = new Date(START.getTime() + day * DAY_MS);
      for (const f of families)
        for (const t of f.tools.filter((x) => x.generated && x.from === day)) {
          const eventId = await store.storeToolCreation({
            toolName: t.name,
            generatedCode: 'export default async (input) => input',
            validationPassed: true,
            createdAt: dayStart,
          });
          await store.registerTools([
            {
              name: t.name,
              description: t.description,
              origin: 'ai-generated',
              creationEventId: eventId,
            },
          ]);
          await stampRegistration(store, dayStart, t.name);
        }
      const live = families.filter((f) => day < f.idleFrom);
      const runs: Run[] = [];
      for (let g = 0; g < GOALS_PER_DAY; g++) {
        const family = goals.weighted(live, (f) => f.demo.weight);
        const goal = fillGoal(family.demo, goals);
        const at = new Date(dayStart.getTime() + ((g + 0.5) / GOALS_PER_DAY) * DAY_MS);
        const draw = outcomes.next();
        const available = family.tools.filter((t) => t.from <= day);
        const best = available.reduce((a, b) => (rateAt(b, day) > rateAt(a, day) ? b : a));
        const result = await store.discoverTools(goal, discoverOptions(at));
        const chosen = byName.get(result.chosen[0] ?? '');
        const loopOk = succeeds(chosen, family.demo.name, day, draw);
        if (chosen?.family !== family.demo.name) misrouted++;
        if (chosen !== undefined) runs.push({ at, goal, tool: chosen.name, success: loopOk });
        totals.loop += loopOk ? 1 : 0;
        totals.baseline += succeeds(family.popular, family.demo.name, day, draw) ? 1 : 0;
        totals.oracle += succeeds(best, family.demo.name, day, draw) ? 1 : 0;
        totals.goals++;
        const kind = byKind[kindOf(family)];
        kind.loop += loopOk ? 1 : 0;
        kind.baseline += succeeds(family.popular, family.demo.name, day, draw) ? 1 : 0;
        kind.oracle += succeeds(best, family.demo.name, day, draw) ? 1 : 0;
        kind.goals++;
      }
      await record(store, runs);
      const now = new Date(dayStart.getTime() + DAY_MS);
      await runJob(store, 'hourly-statistics', { now });
      // The lifecycle job scheduled daily (schedules: { 'weekly-tool-lifecycle': '0 4 * * *' }).
      await runJob(store, 'weekly-tool-lifecycle', {
        now,
        thresholds: THRESHOLDS,
        onRecommendation: async ({ recommendation }) => {
          if (recommendation.action === 'watch') return;
          await store.acceptRecommendation(recommendation.id, { by: 'learning-loop:bench' });
          applied[recommendation.action] = (applied[recommendation.action] ?? 0) + 1;
        },
      });
    }
    const rate = (n: number): number => n / totals.goals;
    const baseline = rate(totals.baseline);
    const loop = rate(totals.loop);
    const oracle = rate(totals.oracle);
    const statuses = await store.listTools({ limit: 10_000 });
    console.log(
      JSON.stringify({
        seed_set: SEED_SETS.indexOf(seeds) + 1,
        options: process.argv.slice(2).join(' '),
        tools: byName.size,
        goals: totals.goals,
        days: DAYS,
        warm_days: WARM_DAYS,
        misrouted,
        by_family: Object.fromEntries(
          Object.entries(byKind).map(([k, v]) => [
            k,
            {
              goals: v.goals,
              baseline: round(v.baseline / v.goals, 3),
              loop: round(v.loop / v.goals, 3),
              oracle: round(v.oracle / v.goals, 3),
            },
          ]),
        ),
        applied,
        deprecated: statuses.filter((t) => t.status === 'deprecated').length,
        archived: statuses.filter((t) => t.status === 'archived').length,
        promoted: statuses.filter((t) => t.promoted).length,
        seconds: round((performance.now() - started) / 1000, 1),
      }),
    );
    console.log(
      JSON.stringify({
        baseline_success_rate: round(baseline, 4),
        loop_success_rate: round(loop, 4),
        oracle_success_rate: round(oracle, 4),
        recovered_share: round((loop - baseline) / (oracle - baseline), 3),
      }),
    );
  } finally {
    await store.close();
    await db.dispose();
  }
}

await main();
