import { EventEmitter } from 'eventemitter3';
import type {
  OrchestratorEvents,
  ProcessEndEvent,
  ProcessStartEvent,
  ToolEndEvent,
} from '../index.js';

/**
 * Passes an orchestrator's events on, with time taken from a simulated clock: the run starts at
 * the goal's simulated moment, each tool takes the latency the demo drew for it, and the run
 * lasts their sum plus a little planning. Weeks of history are recorded in seconds, and the
 * middleware sees exactly the contract it would see live.
 */
export class SimulatedClock extends EventEmitter<OrchestratorEvents> {
  private startedAt = new Date();
  private planningMs = 0;
  private elapsedMs = 0;
  private pendingLatencyMs: number | undefined;
  /** Tool runs that ended (what reached the middleware as tool:end). */
  toolRuns = 0;

  constructor(source: EventEmitter<OrchestratorEvents>) {
    super();
    source.on('process:start', (e) => this.onStart(e));
    source.on('tool:start', (e) =>
      this.emit('tool:start', {
        ...e,
        startedAt: new Date(this.startedAt.getTime() + this.elapsedMs),
      }),
    );
    source.on('tool:end', (e) => this.onToolEnd(e));
    source.on('process:end', (e) => this.onEnd(e));
    source.on('process:error', (e) => this.emit('process:error', e));
  }

  /** Simulated length of the last run, in ms. */
  get lastRunMs(): number {
    return this.elapsedMs;
  }

  /** Sets when the next goal happens and how long the orchestrator spends planning it. */
  nextGoal(at: Date, planningMs: number): void {
    this.startedAt = at;
    this.planningMs = planningMs;
  }

  /** Called by a tool while it runs: how long this run takes in simulated time. */
  toolTakes(latencyMs: number): void {
    this.pendingLatencyMs = latencyMs;
  }

  private onStart(e: ProcessStartEvent): void {
    this.elapsedMs = this.planningMs;
    this.emit('process:start', { ...e, startedAt: this.startedAt });
  }

  private onToolEnd(e: ToolEndEvent): void {
    const durationMs = this.pendingLatencyMs ?? e.durationMs ?? 0;
    this.pendingLatencyMs = undefined;
    this.elapsedMs += durationMs;
    this.toolRuns += 1;
    this.emit('tool:end', { ...e, durationMs });
  }

  private onEnd(e: ProcessEndEvent): void {
    const result =
      typeof e.result === 'object' && e.result !== null
        ? { ...(e.result as Record<string, unknown>), durationMs: this.elapsedMs }
        : e.result;
    this.emit('process:end', { ...e, result });
  }
}
