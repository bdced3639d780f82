import type { EndedRun } from './run-state.js';

/**
 * The ended runs remembered for late tool events, at most `keep` of them: past it the oldest with
 * no tool still open is forgotten (one waiting for a tool stays until it ends).
 *
 * The age order is a FIFO of its own rather than the Map's insertion order: deleting a Map's first
 * entry leaves a hole that every later iteration from the start walks over until the table is
 * rehashed, so finding "the oldest" that way cost thousands of steps per ended run.
 */
export class EndedRuns {
  private readonly byKey = new Map<string, EndedRun>();
  /** [key, run] in end order; an entry whose run is no longer `byKey`'s is stale and skipped. */
  private order: Array<readonly [string, EndedRun] | undefined> = [];
  private head = 0;

  constructor(private readonly keep: number) {}

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): EndedRun | undefined {
    return this.byKey.get(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  add(key: string, run: EndedRun): void {
    this.byKey.set(key, run);
    this.order.push([key, run]);
    if (this.byKey.size > this.keep) this.evictOldest();
  }

  private evictOldest(): void {
    // Each entry is looked at once: a run still waiting for a tool goes to the back.
    for (let n = this.order.length - this.head; n > 0; n--) {
      const entry = this.order[this.head];
      this.order[this.head] = undefined;
      this.head += 1;
      if (entry === undefined || this.byKey.get(entry[0]) !== entry[1]) continue;
      if (entry[1].open === 0) {
        this.byKey.delete(entry[0]);
        break;
      }
      this.order.push(entry);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
