import { setImmediate as yieldToIo } from 'node:timers/promises';
import {
  Orchestrator,
  attachExecutionHistory,
  runJob,
  type ExecutionStore,
  type HistoryStats,
  type ToolParams,
} from '../index.js';
import { DEMO_TOOLS, FEEDBACK_TEXT, UNUSED_GENERATED_TOOLS, type DemoTool } from './catalogue.js';
import { planGoals, successRateAt } from './goals.js';
import { Random } from './random.js';
import { SimulatedClock } from './simulated-clock.js';

const DAY_MS = 86_400_000;
const JOBS = ['hourly-statistics', 'daily-low-performers', 'weekly-tool-lifecycle'] as const;

export interface DemoOptions {
  /** How many goals. Default 5,000. */
  goals?: number;
  /** Seed of every random choice: the same seed gives the same goals and outcomes. Default 1. */
  seed?: number;
  /** "Now" of the simulated history. Default the current time. */
  now?: Date;
  /** Where the middleware spools if the database goes away. Default its own default. */
  spoolDir?: string;
  /** Share of runs users rate. Default 0.22. */
  feedbackShare?: number;
  /** Called as goals are processed. */
  onProgress?: (done: number, total: number) => void;
  /** Called when a phase starts ("writing", "feedback", "jobs"). */
  onPhase?: (phase: string) => void;
}

export interface DemoResult {
  goals: number;
  toolRuns: number;
  feedback: number;
  generatedToolEvents: number;
  history: HistoryStats;
  /** Summaries of the three jobs, by name. */
  jobs: Record<(typeof JOBS)[number], Record<string, unknown>>;
  timings: {
    goalsMs: number;
    writeMs: number;
    feedbackMs: number;
    jobsMs: number;
    totalMs: number;
  };
}

class ToolFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFailure';
  }
}

/** A result that looks like the tool's job was done, small enough to store. */
function outputOf(tool: DemoTool, params: ToolParams): unknown {
  switch (tool.intent) {
    case 'calculation':
      return { value: params.numbers.reduce((a, b) => a + b, 0) };
    case 'search':
      return { hits: 3 + (params.text.length % 7), top: `https://example.test/${tool.keyword}` };
    default:
      return { ok: true, chars: params.text.length };
  }
}

async function recordGeneratedTools(
  store: ExecutionStore,
  now: Date,
  random: Random,
): Promise<number> {
  let events = 0;
  for (const tool of DEMO_TOOLS) {
    if (tool.generated === undefined) continue;
    const created = now.getTime() - tool.generated.daysAgo * DAY_MS;
    for (let attempt = 0; attempt <= tool.generated.failedAttempts; attempt++) {
      const passed = attempt === tool.generated.failedAttempts;
      await store.storeToolCreation({
        toolName: tool.name,
        goalText: fillFirst(tool, random),
        generatedCode: tool.generated.code,
        validationPassed: passed,
        ...(passed
          ? {}
          : { validationErrors: [`attempt ${attempt + 1}: 1 of 6 validation cases failed`] }),
        metadata: { attempt: attempt + 1, model: 'demo-codegen', source: 'demo' },
        createdAt: new Date(created - (tool.generated.failedAttempts - attempt) * 600_000),
      });
      events++;
    }
  }
  for (const tool of UNUSED_GENERATED_TOOLS) {
    await store.storeToolCreation({
      toolName: tool.name,
      goalText: tool.goalText,
      generatedCode: tool.code,
      validationPassed: tool.validationPassed,
      validationErrors: tool.validationErrors,
      metadata: { attempt: 1, model: 'demo-codegen', source: 'demo' },
      createdAt: new Date(now.getTime() - tool.daysAgo * DAY_MS),
    });
    events++;
  }
  return events;
}

function fillFirst(tool: DemoTool, random: Random): string {
  return tool.goals[0]!.replaceAll('{n}', '12').replaceAll(
    '{x}',
    random.pick(tool.fillers ?? ['it']),
  );
}

function ratingFor(success: boolean, durationMs: number, random: Random): number {
  const r = random.next();
  if (!success) return r < 0.55 ? 1 : r < 0.9 ? 2 : 3;
  const base = r < 0.55 ? 5 : r < 0.9 ? 4 : 3;
  return durationMs > 8000 ? Math.max(2, base - 1) : base;
}

/**
 * The demo scenario: the reference orchestrator with the demo's tools, the middleware attached,
 * `goals` goals over six weeks of simulated time, user feedback, then the three learning-loop jobs.
 */
export async function runDemo(
  store: ExecutionStore,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const started = performance.now();
  const total = options.goals ?? 5_000;
  const now = options.now ?? new Date();
  const random = new Random(options.seed ?? 1);
  const feedbackShare = options.feedbackShare ?? 0.22;

  const generatedToolEvents = await recordGeneratedTools(store, now, random);

  const orchestrator = new Orchestrator();
  const clock = new SimulatedClock(orchestrator);
  let currentAt = now;
  for (const tool of DEMO_TOOLS) {
    orchestrator.registerTool(
      tool.name,
      (params) => {
        if (random.chance(successRateAt(tool, currentAt, now))) {
          clock.toolTakes(random.logNormal(tool.latency.medianMs, tool.latency.sigma));
          return outputOf(tool, params);
        }
        const failure = random.pick(tool.failures);
        clock.toolTakes(
          failure.timeoutMs ?? random.logNormal(tool.latency.medianMs * 0.6, tool.latency.sigma),
        );
        throw new ToolFailure(failure.message);
      },
      { keywords: [tool.keyword], intent: tool.intent },
    );
  }
  const history = attachExecutionHistory(clock, {
    store,
    batchSize: 1_000,
    maxQueueRows: 50_000,
    ...(options.spoolDir === undefined ? {} : { spoolDir: options.spoolDir }),
  });
  const historyErrors: Error[] = [];
  history.on('error', (error) => historyErrors.push(error));

  const plan = planGoals(total, now, random);
  const rated: Array<{ executionId: string; success: boolean; durationMs: number }> = [];
  for (let i = 0; i < plan.length; i++) {
    const goal = plan[i]!;
    currentAt = goal.at;
    clock.nextGoal(goal.at, random.logNormal(120, 0.3));
    const result = await orchestrator.process(goal.text);
    if (result.selectedTools.length > 0 && random.chance(feedbackShare))
      rated.push({
        executionId: result.runId,
        success: result.success,
        durationMs: clock.lastRunMs,
      });
    // Let the writer's I/O run alongside, as it would in a live process.
    if ((i + 1) % 250 === 0 || i + 1 === plan.length) {
      options.onProgress?.(i + 1, plan.length);
      await yieldToIo();
    }
  }
  const goalsDone = performance.now();

  options.onPhase?.('writing');
  const closed = await history.close({ timeoutMs: 60_000 });
  const stats = history.stats();
  if (closed.spooledRows > 0 || historyErrors.length > 0)
    throw new Error(
      `the middleware could not write everything (${closed.spooledRows} rows spooled${historyErrors.length > 0 ? `; ${historyErrors[0]!.message}` : ''})`,
    );
  const written = performance.now();

  options.onPhase?.('feedback');
  for (let i = 0; i < rated.length; i += 50) {
    await Promise.all(
      rated.slice(i, i + 50).map((r) => {
        const rating = ratingFor(r.success, r.durationMs, random);
        return store.storeFeedback({
          executionId: r.executionId,
          rating,
          feedbackText: random.chance(0.4) ? random.pick(FEEDBACK_TEXT[rating]!) : null,
        });
      }),
    );
  }
  const feedbackDone = performance.now();

  options.onPhase?.('jobs');
  const jobs = {} as DemoResult['jobs'];
  for (const name of JOBS)
    jobs[name] = (await runJob(store, name, { now })) as Record<string, unknown>;
  const end = performance.now();

  return {
    goals: plan.length,
    toolRuns: clock.toolRuns,
    feedback: rated.length,
    generatedToolEvents,
    history: stats,
    jobs,
    timings: {
      goalsMs: goalsDone - started,
      writeMs: written - goalsDone,
      feedbackMs: feedbackDone - written,
      jobsMs: end - feedbackDone,
      totalMs: end - started,
    },
  };
}
