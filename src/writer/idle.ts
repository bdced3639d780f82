/** Callers waiting for the writer to become idle (flush, close), each with a timeout. */
export class IdleWaiters {
  private waiters: Array<() => void> = [];

  constructor(private readonly isIdle: () => boolean) {}

  /** Wakes every waiter if the writer is idle now. */
  notify(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Resolves true once idle, false after `timeoutMs`. The timer is deliberately not unref'd: a
   * caller awaiting flush() or close() with the database away would otherwise see the event loop
   * empty and the process exit with rows neither written nor spooled.
   */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(onIdle);
    });
  }
}
