import { describe, expect, it } from 'vitest';
import { EndedRuns } from '../src/middleware/ended-runs.js';
import type { EndedRun } from '../src/middleware/run-state.js';

function ended(open = 0): EndedRun {
  return { executionId: 'x', createdAt: new Date(0), calls: new Map(), open };
}

describe('EndedRuns (the ended runs kept for late tool events)', () => {
  it('always remembers the last `keep` runs, at most twice that, forgetting the oldest first', () => {
    const runs = new EndedRuns(3);
    const keys = Array.from({ length: 20 }, (_, i) => `r${i}`);
    keys.forEach((key, i) => {
      runs.add(key, ended());
      for (const recent of keys.slice(Math.max(0, i - 2), i + 1))
        expect(runs.has(recent)).toBe(true);
      expect(runs.size).toBeLessThanOrEqual(6);
      const kept = [...runs.keys()];
      // whatever is kept is a run among the most recent ones, never an older one past a newer one
      const oldest = Math.min(...kept.map((k) => Number(k.slice(1))));
      expect(kept.sort()).toEqual(keys.slice(oldest, i + 1).sort());
    });
    expect(runs.has('r0')).toBe(false);
  });

  it('never forgets a run still waiting for a tool; forgets it once that tool ended', () => {
    const runs = new EndedRuns(2);
    const waiting = ended(1);
    runs.add('waiting', waiting);
    for (let i = 0; i < 50; i++) runs.add(`r${i}`, ended());
    expect(runs.has('waiting')).toBe(true);
    expect(runs.size).toBeLessThanOrEqual(5);
    waiting.open = 0;
    for (let i = 0; i < 6; i++) runs.add(`s${i}`, ended());
    expect(runs.has('waiting')).toBe(false);
    expect([...runs.keys()].every((k) => k.startsWith('s'))).toBe(true);
  });

  it('a key ended again is found under its new entry, listed once, and deleted whole', () => {
    const runs = new EndedRuns(3);
    runs.add('a', ended());
    runs.add('b', ended());
    runs.add('c', ended()); // a, b, c become the old generation
    const again = ended();
    runs.add('a', again);
    expect(runs.get('a')).toBe(again);
    expect([...runs.keys()].filter((k) => k === 'a')).toHaveLength(1);
    runs.delete('a');
    expect(runs.has('a')).toBe(false);
    expect(runs.get('a')).toBeUndefined();
  });

  it('a run waiting for a tool and ended again keeps its newer entry across generations', () => {
    const runs = new EndedRuns(2);
    runs.add('a', ended(1));
    runs.add('b', ended()); // rotate: a, b old
    const again = ended(2);
    runs.add('a', again);
    runs.add('c', ended()); // rotate: the old 'a' must not overwrite the newer one
    runs.add('d', ended());
    runs.add('e', ended());
    expect(runs.get('a')).toBe(again);
  });

  it('stays linear over many ended runs', () => {
    const runs = new EndedRuns(1_000);
    for (let i = 0; i < 200_000; i++) runs.add(String(i), ended());
    expect(runs.size).toBeLessThanOrEqual(2_000);
    expect(runs.has('199999')).toBe(true);
    expect(runs.has('199000')).toBe(true);
    expect(runs.has('197000')).toBe(false);
  });
});
