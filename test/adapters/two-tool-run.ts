import type pg from 'pg';
import { expect } from 'vitest';
import { executionsOf, toolsOf } from '../helpers/middleware-rows.js';

/**
 * The scenario every adapter test drives through its framework: the model asks for two tools at
 * once (`weather`, which answers, and `broken`, which throws), then answers. Each model call takes
 * at least MODEL_MS, so the execution's duration must cover both.
 */
export const MODEL_MS = 25;
export const WEATHER_ARGS = { city: 'Paris' };
export const WEATHER_RESULT = { city: 'Paris', temp: 21 };
export const BROKEN_ARGS = { x: 1 };
export const BROKEN_MESSAGE = 'tool exploded';
/** Token counts of the two model calls. */
export const FIRST_USAGE = { inputTokens: 10, outputTokens: 5 };
export const SECOND_USAGE = { inputTokens: 20, outputTokens: 7 };

export function pause(ms = MODEL_MS): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function weather(args: { city: string }): { city: string; temp: number } {
  return { city: args.city, temp: WEATHER_RESULT.temp };
}

export function broken(): never {
  throw new Error(BROKEN_MESSAGE);
}

export interface Expected {
  model?: string;
  /** Tool error text; default BROKEN_MESSAGE. */
  brokenError?: string;
  /** Whether the tool results are stored as JSON text (frameworks that stringify them). */
  weatherResult?: unknown;
  /** Whether usage is expected (default true). */
  usage?: boolean;
}

/** Asserts the rows of one run of the two-tool scenario and returns the execution row. */
export async function expectTwoToolRun(
  db: pg.Pool,
  goalText: string,
  expected: Expected = {},
): Promise<Record<string, unknown>> {
  const executions = await executionsOf(db, goalText);
  expect(executions).toHaveLength(1);
  const execution = executions[0]!;
  expect(execution).toMatchObject({ goal_text: goalText, success: true, error: null });
  // Two model calls of MODEL_MS each (timers may fire a millisecond early).
  expect(execution.duration_ms).toBeGreaterThanOrEqual(2 * MODEL_MS - 2);
  if (expected.model !== undefined) expect(execution.metadata.model).toBe(expected.model);
  if (expected.usage !== false)
    expect(execution.metadata.usage).toEqual({
      inputTokens: FIRST_USAGE.inputTokens + SECOND_USAGE.inputTokens,
      outputTokens: FIRST_USAGE.outputTokens + SECOND_USAGE.outputTokens,
      totalTokens:
        FIRST_USAGE.inputTokens +
        SECOND_USAGE.inputTokens +
        FIRST_USAGE.outputTokens +
        SECOND_USAGE.outputTokens,
    });
  const tools = await toolsOf(db, execution.execution_id as string);
  const byName = new Map(tools.map((t) => [t.tool_name as string, t]));
  expect([...byName.keys()].sort()).toEqual(['broken', 'weather']);
  expect(tools).toHaveLength(2);
  expect(byName.get('weather')).toMatchObject({
    success: true,
    parameters: WEATHER_ARGS,
    result: expected.weatherResult ?? WEATHER_RESULT,
    error: null,
  });
  expect(byName.get('broken')).toMatchObject({ success: false, parameters: BROKEN_ARGS });
  expect(byName.get('broken')!.error).toContain(expected.brokenError ?? BROKEN_MESSAGE);
  return execution;
}
