import { performance } from 'node:perf_hooks';
import { newId } from '../ids.js';
import { runContext } from './run-context.js';

/**
 * Runs a tool and, inside an instrumented `process()`, reports it as `tool:start` / `tool:end` of
 * the run it belongs to (found through AsyncLocalStorage, so concurrent runs never mix). Outside a
 * run it just calls `fn`. The tool's result or error passes through unchanged.
 */
export async function trackTool<P, T>(
  name: string,
  params: P,
  fn: (params: P) => T | Promise<T>,
): Promise<T> {
  const ctx = runContext.getStore();
  if (ctx === undefined) return await fn(params);
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
