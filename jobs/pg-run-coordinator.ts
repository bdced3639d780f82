import type { RunCoordinator } from 'node-cron';
import type { ExecutionStore } from '../src/store/execution-store.js';
import { jobRepositoryOf } from '../src/store/internal.js';

export interface PostgresRunCoordinatorOptions {
  /** This process's name in job_runs.instance_id. */
  instanceId: string;
  /** How long a claimed run may go without a heartbeat before it reads as crashed, in ms. */
  leaseMs: number;
}

/**
 * node-cron's RunCoordinator on PostgreSQL. node-cron asks `shouldRun("<task name>:<fire time ISO>")`
 * on every instance; the first to insert the (job_name, fire_time) row in job_runs wins, the rest
 * are told no; while a scheduled run of the job is still going (on any instance), nobody claims.
 * The winner's run id waits here until the task function takes it.
 */
export class PostgresRunCoordinator implements RunCoordinator {
  private readonly claims = new Map<string, { runId: number; fireTime: Date }>();
  private readonly refusals = new Map<string, string>();

  constructor(
    private readonly store: ExecutionStore,
    private readonly options: PostgresRunCoordinatorOptions,
  ) {}

  /** Splits node-cron's key: task names never hold ':', the ISO time does. */
  static parseKey(key: string): { jobName: string; fireTime: Date } {
    const at = key.indexOf(':');
    const fireTime = new Date(key.slice(at + 1));
    if (at <= 0 || Number.isNaN(fireTime.getTime()))
      throw new Error(`unexpected run coordination key ${JSON.stringify(key)}`);
    return { jobName: key.slice(0, at), fireTime };
  }

  static keyOf(jobName: string, fireTime: Date): string {
    return `${jobName}:${fireTime.toISOString()}`;
  }

  async shouldRun(key: string): Promise<boolean> {
    const { jobName, fireTime } = PostgresRunCoordinator.parseKey(key);
    // Runs left `running` by an instance that died are marked as such before anyone claims.
    const jobs = jobRepositoryOf(this.store);
    await jobs.markCrashed();
    const claim = await jobs.claimScheduledRun(
      jobName,
      fireTime,
      this.options.instanceId,
      this.options.leaseMs,
    );
    if (claim === 'overlap' || claim === 'taken') {
      this.refusals.set(key, claim === 'overlap' ? 'overlap' : 'not-elected');
      return false;
    }
    this.claims.set(key, claim);
    return true;
  }

  /**
   * Why this instance was refused the key (once): `overlap` when the job's previous scheduled run
   * was still going on some instance, `not-elected` when another instance won the fire.
   */
  refusal(key: string): string | undefined {
    const reason = this.refusals.get(key);
    this.refusals.delete(key);
    return reason;
  }

  /** The run this instance claimed for the key (once). */
  take(key: string): { runId: number; fireTime: Date } | undefined {
    const claim = this.claims.get(key);
    this.claims.delete(key);
    return claim;
  }

  /** Records why this instance did not run the key (read once by `refusal`). */
  refuse(key: string, reason: string): void {
    this.refusals.set(key, reason);
  }

  /** Withdraws this instance's claim of the key (its run will not start): no row is left. */
  async withdraw(key: string): Promise<void> {
    const claim = this.take(key);
    if (claim !== undefined) await jobRepositoryOf(this.store).withdrawRun(claim.runId);
  }

  /** A claim the task never took (it did not start): record it rather than leave it running. */
  async onComplete(key: string, why = 'claimed but the task did not start'): Promise<void> {
    const claim = this.take(key);
    if (claim === undefined) return;
    await jobRepositoryOf(this.store).finishRun(claim.runId, 'failed', null, why, 'job_runs');
  }
}
