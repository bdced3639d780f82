/**
 * The writer's deadline (set by close) and the retry sleeps that it cuts short: when the deadline
 * comes, every sleeping retry wakes at once (each write lane may be asleep in its own), so that
 * close can spool what is left.
 *
 * `at` is given and read in wall-clock milliseconds but kept on the monotonic clock: a wall clock
 * stepped back during close() (NTP, a VM restored from a snapshot) would otherwise keep retries
 * going, and the process alive, for as long as the step; one stepped forward would cut close short.
 */
export class Deadline {
  /** When the deadline passes on the monotonic clock (performance.now()); Infinity: none. */
  private monoAt = Infinity;
  private readonly sleepers = new Set<() => void>();

  get at(): number {
    return this.monoAt === Infinity ? Infinity : Date.now() + (this.monoAt - performance.now());
  }

  set at(wallMs: number) {
    this.monoAt = wallMs === Infinity ? Infinity : performance.now() + (wallMs - Date.now());
  }

  passed(): boolean {
    return performance.now() >= this.monoAt;
  }

  /**
   * Sleeps `ms`, never past the deadline. Before close() the timer does not keep the process
   * alive; once a deadline is set it does: a caller awaiting close() may have nothing else left
   * on its event loop (a replay at close retrying a database that went away again), and the
   * process would exit with close() unsettled. The sleep ends by the deadline, so that is bounded.
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const left = Math.max(0, this.monoAt - performance.now());
      const timer = setTimeout(done, Math.min(ms, left));
      if (this.monoAt === Infinity) timer.unref();
      const sleepers = this.sleepers;
      function done(): void {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });
  }

  /** Ends every current sleep now. */
  wake(): void {
    for (const done of [...this.sleepers]) done();
  }
}
