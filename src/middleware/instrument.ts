import { EventEmitter } from 'eventemitter3';
import { newId } from '../ids.js';
import type { OrchestratorEvents } from './contract.js';
import { runContext } from './run-context.js';

/** Anything with a `process(goal)` method, sync or async. */
export interface Processable {
  process(goal: never, ...rest: never[]): unknown;
}

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

function describeGoal(goal: unknown): { goalText: string; goalId: string | number | undefined } {
  if (typeof goal === 'string') return { goalText: goal, goalId: undefined };
  if (typeof goal === 'object' && goal !== null) {
    const g = goal as Record<string, unknown>;
    const text = g.goalText ?? g.goal_text ?? g.text ?? g.goal;
    const id = g.goalId ?? g.goal_id ?? g.id;
    return {
      goalText: typeof text === 'string' ? text : '',
      goalId: typeof id === 'string' || typeof id === 'number' ? id : undefined,
    };
  }
  return { goalText: goal === undefined ? '' : String(goal), goalId: undefined };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * For an orchestrator that emits nothing: patches its `process()` in place so each call emits the
 * contract's events, and runs it inside an AsyncLocalStorage scope so `trackTool()` calls made
 * during the run are reported as that run's tool runs. Returns the emitter to attach to.
 * Instrumenting twice returns the same instrumentation.
 */
export function instrument<O extends Processable>(orchestrator: O): Instrumentation<O> {
  const existing = (orchestrator as unknown as Partial<Record<symbol, Instrumentation<O>>>)[
    INSTRUMENTED
  ];
  if (existing !== undefined) return existing;
  const events = new Instrumentation(orchestrator);
  const original = orchestrator.process as (this: unknown, ...args: unknown[]) => unknown;
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
    if (!isThenable(out)) {
      events.emit('process:end', { runId, result: out });
      return out;
    }
    return Promise.resolve(out).then(
      (result) => {
        events.emit('process:end', { runId, result });
        return result;
      },
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
