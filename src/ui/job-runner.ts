import { NotFoundError } from '../errors.js';
import type { UiData } from './data.js';

/** "Run now" from the UI: one run per job at a time, in the background, failures reported. */
export interface JobRunner {
  /** Starts the job unless it is already running here. True when it started. */
  start(jobName: string): boolean;
  running(): ReadonlySet<string>;
  /** Waits for runs in flight, at most timeoutMs. */
  close(timeoutMs: number): Promise<void>;
}

export function createJobRunner(data: UiData, onError: (error: Error) => void): JobRunner {
  const inFlight = new Map<string, Promise<void>>();
  return {
    start(jobName) {
      if (!data.jobNames().includes(jobName))
        throw new NotFoundError(
          `there is no job "${jobName}"; jobs: ${data.jobNames().join(', ')}`,
        );
      if (inFlight.has(jobName)) return false;
      // The job records its own outcome in job_runs; the page shows it there.
      const run = data
        .runJob(jobName)
        .then(
          () => undefined,
          (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))),
        )
        .finally(() => inFlight.delete(jobName));
      inFlight.set(jobName, run);
      return true;
    },
    running: () => new Set(inFlight.keys()),
    async close(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(inFlight.values()),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
    },
  };
}
