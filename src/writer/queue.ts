import type { JournalSegment } from './spool.js';
import { flattenUnit, unitRows, type HistoryUnit } from './unit.js';

/** One run waiting in the writer, with its journal segment in `durability: 'sync'` mode. */
export interface Entry {
  unit: HistoryUnit;
  rows: number;
  journal: JournalSegment | undefined;
  /** A copy is in the spool already (a flush ran out of time while this run was on the wire). */
  spooled?: boolean;
}

export function toEntry(unit: HistoryUnit, journal?: JournalSegment): Entry {
  return { unit, rows: unitRows(unit), journal };
}

export function entryRows(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.rows;
  return n;
}

/**
 * FIFO of runs waiting for a batch. A head index instead of `shift()` keeps taking O(1) per run;
 * the array is compacted once most of it has been taken.
 */
export class RunQueue {
  private items: Entry[] = [];
  private head = 0;
  /** Rows waiting (executions + tool runs). */
  rows = 0;

  push(entry: Entry): void {
    this.items.push(entry);
    this.rows += entry.rows;
    this.fresh.push(entry);
    if (this.fresh.length === 1) setImmediate(this.compactFresh);
  }

  /** Runs queued since the last compaction (see flattenUnit), done after the caller's turn. */
  private fresh: Entry[] = [];
  private readonly compactFresh = (): void => {
    const fresh = this.fresh;
    this.fresh = [];
    for (const e of fresh) flattenUnit(e.unit);
  };

  /** Takes runs from the front until about `limit` rows. */
  take(limit: number): Entry[] {
    const batch: Entry[] = [];
    let rows = 0;
    while (this.head < this.items.length && rows < limit) {
      const entry = this.items[this.head]!;
      this.items[this.head] = undefined as unknown as Entry;
      this.head += 1;
      batch.push(entry);
      rows += entry.rows;
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.rows -= rows;
    return batch;
  }

  /** Empties the queue, returning what was in it. */
  takeAll(): Entry[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.rows = 0;
    return rest;
  }
}
