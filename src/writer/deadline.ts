/**
 * The writer's deadline (set by close) and the retry sleeps that it cuts short: when the deadline
 * comes, every sleeping retry wakes at once (each write lane may be asleep in its own), so that
 * close can spool what is left.
 */
export class Deadline {
  at = Infinity;
  private readonly sleepers = new Set<() => void>();

  passed(): boolean {
    return Date.now() >= this.at;
  }

  /**
   * Sleeps `ms`, never past the deadline. Before close() the timer does not keep the process
   * alive; once a deadline is set it does: a caller awaiting close() may have nothing else left
   * on its event loop (a replay at close retrying a database that went away again), and the
   * process would exit with close() unsettled. The sleep ends by the deadline, so that is bounded.
   */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.min(ms, Math.max(0, this.at - Date.now())));
      if (this.at === Infinity) timer.unref();
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
