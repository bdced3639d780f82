import { describe, expect, it } from 'vitest';
import { EndedRuns } from '../src/middleware/ended-runs.js';
import type { EndedRun } from '../src/middleware/run-state.js';

function ended(open = 0): EndedRun {
  return { executionId: 'x', createdAt: new Date(0), calls: new Map(), open };
}

describe('EndedRuns (the ended runs kept for late tool events)', () => {
  it('keeps at most `keep` runs, forgetting the oldest first', () => {
    const runs = new EndedRuns(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) runs.add(key, ended());
    expect(runs.size).toBe(3);
    expect([...runs.keys()].sort()).toEqual(['c', 'd', 'e']);
  });

  it('never forgets a run still waiting for a tool; forgets it once that tool ended', () => {
    const runs = new EndedRuns(2);
    const waiting = ended(1);
    runs.add('waiting', waiting);
    for (let i = 0; i < 50; i++) runs.add(`r${i}`, ended());
    expect(runs.has('waiting')).toBe(true);
    expect(runs.size).toBe(2);
    waiting.open = 0;
    runs.add('x', ended());
    runs.add('y', ended());
    expect(runs.has('waiting')).toBe(false);
    expect([...runs.keys()].sort()).toEqual(['x', 'y']);
  });

  it('a key ended again after it was forgotten is kept under its new entry', () => {
    const runs = new EndedRuns(2);
    runs.add('a', ended());
    runs.add('b', ended());
    runs.delete('a');
    const again = ended();
    runs.add('a', again);
    runs.add('c', ended());
    // the stale first entry of 'a' must not evict the new one: 'b' is the oldest
    expect(runs.get('a')).toBe(again);
    expect(runs.has('b')).toBe(false);
  });

  it('stays linear over many ended runs (no walk over forgotten entries)', () => {
    const runs = new EndedRuns(1_000);
    for (let i = 0; i < 200_000; i++) runs.add(String(i), ended());
    expect(runs.size).toBe(1_000);
    expect(runs.has('199999')).toBe(true);
    expect(runs.has('198999')).toBe(false);
  });
});
