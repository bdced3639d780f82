import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'eventemitter3';
import type { OrchestratorEvents } from './contract.js';

/** The run a piece of async code belongs to, carried by AsyncLocalStorage across awaits. */
export interface RunContext {
  readonly runId: string;
  readonly emitter: EventEmitter<OrchestratorEvents>;
}

// One storage for the library: it holds no data itself, each run's context lives in its own
// async scope, so concurrent runs never see each other's.
export const runContext = new AsyncLocalStorage<RunContext>();
