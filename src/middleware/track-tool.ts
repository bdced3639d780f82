import { performance } from 'node:perf_hooks';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { latestRecorder, type RunSink } from './recorder-registry.js';
import { runContext } from './run-context.js';
import { safeString } from './rows.js';

export interface TrackToolOptions {
  /**
   * Where a call made outside any instrumented run is recorded (as a run of its own). Default: the
   * most recently created recorder or attached handle still open in this process.
   */
  history?: RunSink;
}

/**
 * Runs a tool and records it. Inside an instrumented `process()` it is reported as `tool:start` /
 * `tool:end` of the run it belongs to (found through AsyncLocalStorage, so concurrent runs never
 * mix; a call still running when `process()` returns is recorded under that run when it settles).
 *
 * Outside any run it is recorded as a run of its own: one execution (goal text
 * `trackTool: <name>`, `metadata._outsideRun: true`, success = the tool's) with this one tool run,
 * in `options.history` or else the most recently created recorder still open. With no recorder
 * open at all it just runs `fn`. The tool's result or error passes through unchanged.
 */
export async function trackTool<P, T>(
  name: string,
  params: P,
  fn: (params: P) => T | Promise<T>,
  options: TrackToolOptions = {},
): Promise<T> {
  if (typeof fn !== 'function')
    throw new ValidationError('trackTool needs the tool function as its third argument', 'fn');
  const ctx = runContext.getStore();
  if (ctx === undefined) return await trackOutsideRun(name, params, fn, options.history);
  const callId = newId();
  const { runId, emitter } = ctx;
  emitter.emit('tool:start', { runId, callId, toolName: name, parameters: params });
  const t0 = performance.now();
  try {
    const result = await fn(params);
    emitter.emit('tool:end', {
      runId,
      callId,
      toolName: name,
      success: true,
      result,
      durationMs: performance.now() - t0,
    });
    return result;
  } catch (error) {
    emitter.emit('tool:end', {
      runId,
      callId,
      toolName: name,
      success: false,
      error,
      durationMs: performance.now() - t0,
    });
    throw error;
  }
}

async function trackOutsideRun<P, T>(
  name: string,
  params: P,
  fn: (params: P) => T | Promise<T>,
  given: RunSink | undefined,
): Promise<T> {
  const history = given ?? latestRecorder();
  if (history === undefined) return await fn(params);
  const runId = newId();
  const callId = newId();
  history.startRun({
    runId,
    goalText: `trackTool: ${safeString(name)}`,
    metadata: { _outsideRun: true },
  });
  history.startTool({ runId, callId, toolName: name, parameters: params });
  try {
    const result = await fn(params);
    history.endTool({ runId, callId, toolName: name, success: true, result });
    history.endRun({ runId, success: true });
    return result;
  } catch (error) {
    history.endTool({ runId, callId, toolName: name, success: false, error });
    history.endRun({ runId, success: false, error });
    throw error;
  }
}
