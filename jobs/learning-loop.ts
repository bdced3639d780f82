import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { createTask, validate, type Logger, type ScheduledTask } from 'node-cron';
import { ClosedError, ValidationError } from '../src/errors.js';
import type { ExecutionStore } from '../src/store/execution-store.js';
import { executeJob, type RunHooks } from './execute.js';
import { PostgresRunCoordinator } from './pg-run-coordinator.js';
import { requireJob, resolveJobs } from './registry.js';
import { resolveThresholds, type LearningThresholds } from './thresholds.js';
import type {
  JobDefinition,
  JobSummary,
  LearningLoopEvents,
  RecommendationEvent,
} from './types.js';

export interface LearningLoopOptions {
  store: ExecutionStore;
  /** Cron expression per job name, or false to not schedule it. Default: each job's own schedule. */
  schedules?: Partial<Record<string, string | false>>;
  /** Turn jobs on or off by name. Default: each job's `enabled` (true for the three built-ins). */
  enabled?: Partial<Record<string, boolean>>;
  /** Extra jobs (a job with a built-in's name replaces it). Default none. */
  jobs?: readonly JobDefinition[];
  /** Overrides of the judging thresholds. Default DEFAULT_THRESHOLDS. */
  thresholds?: Partial<LearningThresholds>;
  /** IANA time zone the cron expressions are read in. Default 'UTC'. */
  timezone?: string;
  /** This process's name in job_runs. Default `<hostname>:<pid>:<random>`. */
  instanceId?: string;
  /** Called with every recommendation stored (new or refreshed); apply it to your tool registry. Errors are emitted, not thrown. */
  onRecommendation?: (event: RecommendationEvent) => void | Promise<void>;
  /**
   * Recommendation actions the loop applies to the tool registry itself, as soon as a job stores
   * them: the recommendation is accepted (recorded as `learning-loop:<instanceId>`) and the tool's
   * status changes. Default [] (nothing applied: people decide).
   */
  applyRecommendations?: readonly ('archive' | 'deprecate' | 'promote')[];
  /** A run not heartbeating for this long reads as crashed, in ms. Default 300000 (5 minutes). */
  leaseMs?: number;
  /** node-cron's log output (overlap and missed-fire warnings). Default: silent. */
  logger?: Logger;
}

export interface LearningLoopStats {
  succeeded: number;
  failed: number;
  /**
   * Fires not run here: another instance ran them, the job's previous run was still going
   * (overlap), or the coordinator could not decide.
   */
  skipped: number;
  missed: number;
  /** Background errors emitted (hooks, heartbeats, coordinator). */
  errors: number;
}

/** A running learning loop: typed events, `runNow`, and a bounded, idempotent `stop()`. */
export interface LearningLoop extends EventEmitter<LearningLoopEvents> {
  readonly instanceId: string;
  /** Names of the scheduled jobs with their cron expressions. */
  readonly schedules: ReadonlyMap<string, string>;
  /** Runs a job now on this instance (recorded as a manual run). Resolves to its summary. */
  runNow(jobName: string): Promise<JobSummary>;
  stats(): LearningLoopStats;
  /** Stops scheduling and waits up to timeoutMs (default 10000) for runs in flight. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const SILENT: Logger = { info() {}, warn() {}, error() {}, debug() {} };
const DEFAULT_LEASE_MS = 300_000;

export function defaultInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export function requireLeaseMs(value: unknown): number {
  const lease = value ?? DEFAULT_LEASE_MS;
  if (typeof lease !== 'number' || !Number.isFinite(lease) || lease < 1_000 || lease > 86_400_000)
    throw new ValidationError(
      `leaseMs must be from 1000 to 86400000 ms, got ${String(lease)}`,
      'leaseMs',
    );
  return lease;
}

export function requireInstanceId(value: unknown): string {
  const id = value ?? defaultInstanceId();
  if (typeof id !== 'string' || id.trim() === '' || id.length > 255)
    throw new ValidationError(
      'instanceId must be a non-empty string of at most 255 characters',
      'instanceId',
    );
  return id;
}

const APPLICABLE = new Set(['archive', 'deprecate', 'promote']);

export function requireApplied(value: unknown): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value) || value.some((a) => typeof a !== 'string' || !APPLICABLE.has(a)))
    throw new ValidationError(
      `applyRecommendations must be a list of archive, deprecate and promote, got ${JSON.stringify(value)}`,
      'applyRecommendations',
    );
  return new Set(value as string[]);
}

class Loop extends EventEmitter<LearningLoopEvents> implements LearningLoop {
  readonly instanceId: string;
  readonly schedules = new Map<string, string>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly counters: LearningLoopStats = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    missed: 0,
    errors: 0,
  };
  private stopping: Promise<void> | undefined;
  private readonly coordinator: PostgresRunCoordinator;
  private readonly jobs: Map<string, JobDefinition>;
  private readonly thresholds: LearningThresholds;
  private readonly leaseMs: number;
  private readonly store: ExecutionStore;
  private readonly onRecommendation: LearningLoopOptions['onRecommendation'];
  private readonly applied: ReadonlySet<string>;

  constructor(options: LearningLoopOptions) {
    super();
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof options.store?.storeExecution !== 'function'
    )
      throw new ValidationError('startLearningLoop needs { store: ExecutionStore }', 'store');
    this.store = options.store;
    this.instanceId = requireInstanceId(options.instanceId);
    this.leaseMs = requireLeaseMs(options.leaseMs);
    this.thresholds = resolveThresholds(options.thresholds);
    this.jobs = resolveJobs(options.jobs);
    this.onRecommendation = options.onRecommendation;
    this.applied = requireApplied(options.applyRecommendations);
    const timezone = options.timezone ?? 'UTC';
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new ValidationError(
        `timezone ${JSON.stringify(timezone)} is not an IANA time zone`,
        'timezone',
      );
    }
    for (const name of [
      ...Object.keys(options.schedules ?? {}),
      ...Object.keys(options.enabled ?? {}),
    ])
      requireJob(this.jobs, name);
    this.coordinator = new PostgresRunCoordinator(this.store, {
      instanceId: this.instanceId,
      leaseMs: this.leaseMs,
    });
    for (const job of this.jobs.values()) {
      const override = options.schedules?.[job.name];
      const enabled = options.enabled?.[job.name] ?? job.enabled ?? true;
      if (!enabled || override === false) continue;
      const expression = override ?? job.schedule;
      if (typeof expression !== 'string' || !validate(expression))
        throw new ValidationError(
          `schedule for ${job.name} must be a cron expression, got ${JSON.stringify(expression)}`,
          `schedules.${job.name}`,
        );
      this.schedules.set(job.name, expression);
    }
    for (const [name, expression] of this.schedules) {
      const job = this.jobs.get(name) as JobDefinition;
      const task = createTask(expression, (context) => this.fire(job, context.date), {
        name,
        noOverlap: true,
        distributed: true,
        runCoordinator: {
          shouldRun: (key: string) => this.track(this.claim(key)),
          onComplete: (key: string) => this.coordinator.onComplete(key),
        },
        distributedLease: this.leaseMs,
        timezone,
        logger: options.logger ?? SILENT,
        suppressMissedWarning: true,
      });
      task.on('execution:skipped', (context) => {
        const refusal = this.coordinator.refusal(PostgresRunCoordinator.keyOf(name, context.date));
        this.skipped(name, context.date, refusal ?? context.reason ?? 'unknown');
      });
      // This process's previous run of the job is still going: node-cron does not even ask.
      task.on('execution:overlap', (context) => this.skipped(name, context.date, 'overlap'));
      task.on('execution:missed', (context) => {
        this.counters.missed++;
        this.safeEmit('job:missed', { jobName: name, fireTime: context.date });
      });
      this.tasks.push(task);
    }
    for (const task of this.tasks) void task.start();
  }

  private skipped(jobName: string, fireTime: Date, reason: string): void {
    this.counters.skipped++;
    this.safeEmit('job:skipped', { jobName, fireTime, reason });
  }

  private safeEmit<K extends keyof LearningLoopEvents>(
    event: K,
    ...args: Parameters<LearningLoopEvents[K]>
  ): void {
    try {
      (this.emit as (e: K, ...a: Parameters<LearningLoopEvents[K]>) => boolean)(event, ...args);
    } catch (error) {
      if (event !== 'error') this.reportError(error);
    }
  }

  private reportError(error: unknown): void {
    this.counters.errors++;
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.listenerCount('error') > 0) this.safeEmit('error', err);
  }

  private hooks(): RunHooks {
    return {
      started: (info) => this.safeEmit('job:started', info),
      finished: (info) => {
        this.counters.succeeded++;
        this.safeEmit('job:finished', info);
      },
      failed: (info) => {
        this.counters.failed++;
        this.safeEmit('job:failed', info);
      },
      recommendation: async (event) => {
        this.safeEmit(event.isNew ? 'recommendation:created' : 'recommendation:refreshed', event);
        const { id, action } = event.recommendation;
        if (this.applied.has(action))
          await this.store
            .acceptRecommendation(id, { by: `learning-loop:${this.instanceId}` })
            .catch((error: unknown) => this.reportError(error));
        await this.onRecommendation?.(event);
      },
      error: (error) => this.reportError(error),
    };
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }

  /**
   * Claims a fire for this instance, unless the loop is stopping: a claim that was on its way when
   * stop() came is withdrawn (its row removed, never left running) instead of starting a run
   * stop() no longer waits for, on a store the caller may be closing.
   */
  private async claim(key: string): Promise<boolean> {
    if (this.stopping !== undefined) {
      this.coordinator.refuse(key, 'stopped');
      return false;
    }
    const allowed = await this.coordinator.shouldRun(key);
    if (!allowed || this.stopping === undefined) return allowed;
    await this.coordinator.withdraw(key);
    this.coordinator.refuse(key, 'stopped');
    return false;
  }

  /** The node-cron task body: never throws (node-cron would only log it). */
  private async fire(job: JobDefinition, slot: Date): Promise<void> {
    const claimed = this.coordinator.take(PostgresRunCoordinator.keyOf(job.name, slot));
    if (claimed === undefined) {
      this.reportError(new Error(`${job.name} fired at ${slot.toISOString()} without a claim`));
      return;
    }
    await this.track(
      executeJob({
        store: this.store,
        job,
        thresholds: this.thresholds,
        instanceId: this.instanceId,
        leaseMs: this.leaseMs,
        trigger: 'scheduled',
        claimed,
        hooks: this.hooks(),
      }),
    ).catch(() => undefined); // recorded in job_runs and emitted as job:failed
  }

  async runNow(jobName: string): Promise<JobSummary> {
    if (this.stopping !== undefined) throw new ClosedError('learning loop');
    const job = requireJob(this.jobs, jobName);
    return await this.track(
      executeJob({
        store: this.store,
        job,
        thresholds: this.thresholds,
        instanceId: this.instanceId,
        leaseMs: this.leaseMs,
        trigger: 'manual',
        hooks: this.hooks(),
      }),
    );
  }

  stats(): LearningLoopStats {
    return { ...this.counters };
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopping !== undefined) return await this.stopping;
    const timeoutMs = options.timeoutMs ?? 10_000;
    for (const task of this.tasks) {
      try {
        void task.destroy();
      } catch (error) {
        this.reportError(error);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    this.stopping = Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]).finally(() => clearTimeout(timer));
    return await this.stopping;
  }
}

/**
 * Schedules the learning loop's jobs with node-cron (each `noOverlap`, coordinated through
 * job_runs so that with several instances each fire runs on exactly one of them).
 */
export function startLearningLoop(options: LearningLoopOptions): LearningLoop {
  return new Loop(options);
}
