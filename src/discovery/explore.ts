import { wilsonUpperBound } from '../stats/wilson.js';
import { betaSample, type Uniform } from './thompson.js';
import type { DiscoveryCandidate, ExploreMethod } from './types.js';

const DAY_MS = 86_400_000;

export interface Exploration {
  method: ExploreMethod;
  random: Uniform;
  maxTrialShare: number;
  trialRuns: number;
  newToolDays: number;
  z: number;
}

export interface Evidence {
  total: number;
  successes: number;
}

/** What explore needs to know of each candidate besides its ranking. */
export interface ExploreInputs {
  evidence(name: string): Evidence;
  registeredAt(name: string): Date | null;
  tier(c: DiscoveryCandidate): number;
  now: Date;
  priorSuccesses: number;
  priorFailures: number;
}

/**
 * Sets each ranked candidate's optimistic score (the sort key within its tier) and, in the first
 * tier, may put one new tool on trial.
 *
 * - 'upper-bound': the Wilson upper bound of the prior-smoothed rate over the judged runs. With
 *   the prior as two pseudo runs, a tool without runs scores 0.905: it is tried once the leader's
 *   own upper bound falls below that (the leader is doing badly), not while a tool is doing well.
 * - 'thompson': a draw from the Beta posterior (uniform prior), tried about as often as it may be
 *   the best; measured to explore too much when many untried tools sit beside a good one.
 *
 * Trial: a tool registered within `newToolDays` with fewer than `trialRuns` runs is put first
 * while such tools' share of the tier's runs is below `maxTrialShare` (the tool with the fewest
 * runs first). Without it a new tool beside a proven one would never get the runs its judgement
 * needs. The share is read from the recorded runs, so processes sharing a database share it.
 */
export function applyExploration(
  candidates: DiscoveryCandidate[],
  inputs: ExploreInputs,
  explore: Exploration,
): void {
  for (const c of candidates) {
    if (c.ranking === null) continue;
    const { total, successes } = inputs.evidence(c.toolName);
    const s = successes + inputs.priorSuccesses;
    const f = total - successes + inputs.priorFailures;
    c.ranking.optimistic =
      explore.method === 'thompson'
        ? betaSample(s, f, explore.random)
        : wilsonUpperBound(s, s + f, explore.z);
  }
  const first = candidates.filter((c) => c.ranking !== null && inputs.tier(c) === 0);
  const newSince = inputs.now.getTime() - explore.newToolDays * DAY_MS;
  let runs = 0;
  let trialRuns = 0;
  const onTrial: DiscoveryCandidate[] = [];
  for (const c of first) {
    const { total } = inputs.evidence(c.toolName);
    runs += total;
    const registered = inputs.registeredAt(c.toolName);
    if (registered !== null && registered.getTime() >= newSince && total < explore.trialRuns) {
      trialRuns += total;
      onTrial.push(c);
    }
  }
  if (onTrial.length === 0 || onTrial.length === first.length) return;
  if (runs > 0 && trialRuns / runs >= explore.maxTrialShare) return;
  const fewest = (c: DiscoveryCandidate) => inputs.evidence(c.toolName).total;
  onTrial.sort((a, b) => fewest(a) - fewest(b) || b.retrieval.score - a.retrieval.score);
  onTrial[0]!.ranking!.trial = true;
}
