import type { EndedRun } from './run-state.js';

/**
 * The ended runs remembered for late tool events: always the last `keep` to end, at most about
 * twice that. A run still waiting for a tool is never forgotten; it goes once that tool has ended.
 *
 * Two generations of Maps rather than one Map with an age order: when the young one holds `keep`
 * runs it becomes the old one, and the old one is dropped whole, after carrying over its runs that
 * still wait for a tool. Adding a run is one Map insert; forgetting costs nothing per run, where
 * evicting the oldest entry one at a time cost a lookup, a delete and a queue entry per ended run.
 */
export class EndedRuns {
  private young = new Map<string, EndedRun>();
  private old = new Map<string, EndedRun>();

  constructor(private readonly keep: number) {}

  /** Runs remembered (a key ended again while its older entry is still kept counts twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  /** The latest entry of `key`: a key ended again shadows its older entry. */
  get(key: string): EndedRun | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  *keys(): IterableIterator<string> {
    yield* this.young.keys();
    for (const key of this.old.keys()) if (!this.young.has(key)) yield key;
  }

  delete(key: string): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  add(key: string, run: EndedRun): void {
    this.young.set(key, run);
    if (this.young.size >= this.keep) this.rotate();
  }

  private rotate(): void {
    const young = this.young;
    for (const [key, run] of this.old) if (run.open > 0 && !young.has(key)) young.set(key, run);
    this.old = young;
    this.young = new Map();
  }
}
