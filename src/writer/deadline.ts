/**
 * The writer's deadline (set by close) and the retry sleep that it cuts short: when the deadline
 * comes, a sleeping retry wakes at once so that close can spool what is left.
 */
export class Deadline {
  at = Infinity;
  private wakeSleep: (() => void) | undefined;

  passed(): boolean {
    return Date.now() >= this.at;
  }

  /** Sleeps `ms`, never past the deadline. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.min(ms, Math.max(0, this.at - Date.now())));
      timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeSleep === done) self.wakeSleep = undefined;
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  /** Ends the current sleep now. */
  wake(): void {
    this.wakeSleep?.();
  }
}
