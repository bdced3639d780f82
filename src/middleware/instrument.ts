import { EventEmitter } from 'eventemitter3';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { OrchestratorEvents } from './contract.js';
import { runContext } from './run-context.js';
import { safeString } from './rows.js';
import { isStreamResult, watchStream } from './stream-end.js';

/** Anything with a `process(goal)` method, sync or async. */
export interface Processable {
  process(goal: never, ...rest: never[]): unknown;
}

/** A plain function run as an orchestrator's `process(goal)`. */
export type ProcessFn = (goal: never, ...rest: never[]) => unknown;

/**
 * The events of an instrumented orchestrator. Pass it to `attachExecutionHistory`. Its `process`
 * is the orchestrator's (patched) `process`.
 */
export class Instrumentation<O extends Processable> extends EventEmitter<OrchestratorEvents> {
  readonly orchestrator: O;
  private readonly original: O['process'];
  private restored = false;

  constructor(orchestrator: O) {
    super();
    this.orchestrator = orchestrator;
    this.original = orchestrator.process;
  }

  /** Calls the orchestrator's process(): the same as calling it directly once instrumented. */
  process(...args: Parameters<O['process']>): ReturnType<O['process']> {
    return (this.orchestrator.process as (...a: unknown[]) => ReturnType<O['process']>)(...args);
  }

  /** Puts the orchestrator's own process() back (idempotent). */
  restore(): void {
    if (this.restored) return;
    this.restored = true;
    Object.defineProperty(this.orchestrator, 'process', {
      value: this.original,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    delete (this.orchestrator as unknown as Partial<Record<symbol, unknown>>)[INSTRUMENTED];
  }
}

const INSTRUMENTED = Symbol('dendrite-history.instrumented');

/** The goal's text and id, read without ever throwing (a hostile goal is the orchestrator's). */
function describeGoal(goal: unknown): { goalText: string; goalId: string | number | undefined } {
  try {
    return readGoal(goal);
  } catch {
    return { goalText: '', goalId: undefined };
  }
}

function readGoal(goal: unknown): { goalText: string; goalId: string | number | undefined } {
  if (typeof goal === 'string') return { goalText: goal, goalId: undefined };
  if (typeof goal === 'object' && goal !== null) {
    const g = goal as Record<string, unknown>;
    const text = g.goalText ?? g.goal_text ?? g.text ?? g.goal ?? g.input ?? g.prompt;
    const id = g.goalId ?? g.goal_id ?? g.id;
    return {
      goalText: typeof text === 'string' ? text : '',
      goalId: typeof id === 'string' || typeof id === 'number' ? id : undefined,
    };
  }
  return { goalText: goal === undefined ? '' : safeString(goal), goalId: undefined };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

type Marked = Partial<Record<symbol, Instrumentation<Processable>>>;

/**
 * For an orchestrator that emits nothing: patches its `process()` in place so each call emits the
 * contract's events, and runs it inside an AsyncLocalStorage scope so `trackTool()` and
 * `reportModelCall()` calls made during the run are reported as that run's. Returns the emitter
 * to attach to. Instrumenting twice returns the same instrumentation.
 *
 * A plain (async) function is accepted too: `instrument(fn).process(goal)` runs it as a run.
 *
 * A run ends when `process()` returns or its promise settles, except when the output is a stream
 * (a Node Readable, a web ReadableStream or any async iterable, directly or as the promise's
 * value): the run then ends when the stream is consumed to its end (success), fails (error) or is
 * given up by its consumer (`process:abandon`: `break`, `cancel()`, a destroyed stream; stored with
 * success null). A web stream or async iterable is handed back wrapped so its end can be seen
 * (same chunks, same other properties); a Node stream is handed back as is.
 */
export function instrument<F extends ProcessFn>(fn: F): Instrumentation<{ process: F }>;
export function instrument<O extends Processable>(orchestrator: O): Instrumentation<O>;
export function instrument(target: Processable | ProcessFn): Instrumentation<Processable> {
  const t = target as unknown as { process?: unknown } | null;
  if (
    typeof t !== 'function' &&
    (typeof t !== 'object' || t === null || typeof t.process !== 'function')
  )
    throw new ValidationError(
      'instrument needs an orchestrator with a process() method, or a process function',
      'orchestrator',
    );
  const existing = (target as unknown as Marked)[INSTRUMENTED];
  if (existing !== undefined) return existing;
  if (typeof target === 'function') {
    const events = instrument({ process: target });
    Object.defineProperty(target, INSTRUMENTED, { value: events, configurable: true });
    return events;
  }
  const orchestrator = target;
  const events = new Instrumentation(orchestrator);
  const original = orchestrator.process as (this: unknown, ...args: unknown[]) => unknown;
  function settle(runId: string, result: unknown): unknown {
    if (!isStreamResult(result)) {
      events.emit('process:end', { runId, result });
      return result;
    }
    try {
      return watchStream(result, {
        end: () => events.emit('process:end', { runId, result: undefined }),
        error: (error) => events.emit('process:error', { runId, error }),
        abandon: (reason) => events.emit('process:abandon', { runId, reason }),
      });
    } catch {
      // A stream that cannot be watched (a hostile object) is handed back as it is, its run ended.
      events.emit('process:end', { runId, result: undefined });
      return result;
    }
  }
  function process(this: unknown, goal: unknown, ...rest: unknown[]): unknown {
    const runId = newId();
    const { goalText, goalId } = describeGoal(goal);
    events.emit('process:start', { runId, goalText, goalId, startedAt: Date.now() });
    let out: unknown;
    try {
      out = runContext.run({ runId, emitter: events }, () => original.call(this, goal, ...rest));
    } catch (error) {
      events.emit('process:error', { runId, error });
      throw error;
    }
    if (!isThenable(out)) return settle(runId, out);
    return Promise.resolve(out).then(
      (result) => settle(runId, result),
      (error: unknown) => {
        events.emit('process:error', { runId, error });
        throw error;
      },
    );
  }
  Object.defineProperty(orchestrator, 'process', {
    value: process,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(orchestrator, INSTRUMENTED, { value: events, configurable: true });
  return events;
}
