import { runContext } from './run-context.js';
import type { TokenUsage } from './run-inputs.js';

/**
 * Reports a model call made inside an instrumented `process()` (found through AsyncLocalStorage):
 * its model id and token usage are added to that run's execution metadata (`metadata.model`,
 * `metadata.usage` summed over the run's calls). Outside a run there is no execution to add them
 * to, and the call returns false; inside one it returns true. Never throws.
 */
export function reportModelCall(call: { model?: string; usage?: TokenUsage }): boolean {
  const ctx = runContext.getStore();
  if (ctx === undefined) return false;
  try {
    ctx.emitter.emit('model:call', { runId: ctx.runId, model: call?.model, usage: call?.usage });
  } catch {
    // a listener's fault is the history's to report, never the caller's
  }
  return true;
}
