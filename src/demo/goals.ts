import { DEMO_TOOLS, TOOLLESS_GOALS, type DemoTool } from './catalogue.js';
import type { Random } from './random.js';

const DAY_MS = 86_400_000;

/** How far back the demo's history reaches. */
export const HISTORY_DAYS = 42;

export interface PlannedGoal {
  /** When the goal "happened" (simulated). */
  at: Date;
  text: string;
  /** The tools the orchestrator should pick, in order (empty for a goal no tool serves). */
  tools: DemoTool[];
}

function isActive(tool: DemoTool, daysAgo: number): boolean {
  if (tool.activeFromDaysAgo !== undefined && daysAgo > tool.activeFromDaysAgo) return false;
  if (tool.activeUntilDaysAgo !== undefined && daysAgo < tool.activeUntilDaysAgo) return false;
  return true;
}

function fill(template: string, tool: DemoTool, random: Random): string {
  return template
    .replaceAll('{n}', () => String(random.int(2, 997)))
    .replaceAll('{x}', () => random.pick(tool.fillers ?? ['it']));
}

/**
 * Goals spread over the last HISTORY_DAYS days, oldest first, with usage growing over time (more
 * goals recently, as when a product gains users). Mostly one tool, sometimes two steps joined by
 * "then", sometimes a goal no tool serves.
 */
export function planGoals(count: number, now: Date, random: Random): PlannedGoal[] {
  const span = HISTORY_DAYS * DAY_MS;
  const start = now.getTime() - span;
  // Density grows linearly with time: the inverse of its distribution function is sqrt.
  const times = Array.from({ length: count }, () => start + span * Math.sqrt(random.next()));
  times.sort((a, b) => a - b);
  return times.map((time) => {
    const at = new Date(Math.min(time, now.getTime() - 1000));
    const daysAgo = (now.getTime() - at.getTime()) / DAY_MS;
    const active = DEMO_TOOLS.filter((tool) => isActive(tool, daysAgo));
    if (random.chance(0.04)) return { at, text: random.pick(TOOLLESS_GOALS), tools: [] };
    const first = random.weighted(active, (tool) => tool.weight);
    const text = fill(random.pick(first.goals), first, random);
    if (!random.chance(0.08)) return { at, text, tools: [first] };
    const second = random.weighted(
      active.filter((tool) => tool !== first),
      (tool) => tool.weight,
    );
    return {
      at,
      text: `${text} then ${fill(random.pick(second.goals), second, random)}`,
      tools: [first, second],
    };
  });
}

/** Chance that a run of the tool succeeds at a point in time (regressions included). */
export function successRateAt(tool: DemoTool, at: Date, now: Date): number {
  const daysAgo = (now.getTime() - at.getTime()) / DAY_MS;
  if (tool.regression !== undefined && daysAgo <= tool.regression.sinceDaysAgo)
    return tool.regression.successRate;
  return tool.successRate;
}
