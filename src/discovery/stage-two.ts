import { DEFAULT_PRIOR, wilsonLowerBound } from '../stats/wilson.js';
import type { Query } from '../sql/query.js';
import { selectWindowCounts } from '../sql/discovery.js';
import type { RankToolsOptions, RankedTool } from '../store/types.js';
import { applyExploration, type Evidence, type Exploration } from './explore.js';
import type { DiscoveryCandidate, RetrievalMethod, ToolOrigin, ToolStatus } from './types.js';

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;
/** rankTools' default prior and z: the same bound over a window. */
const PRIOR_SUCCESSES = DEFAULT_PRIOR.successes;
const PRIOR_FAILURES = DEFAULT_PRIOR.failures;

/** What stage 1 found for one tool. */
export interface Found {
  name: string;
  status: ToolStatus;
  promoted: boolean;
  origin: ToolOrigin;
  lexical: number;
  semantic: number | null;
  methods: Set<RetrievalMethod>;
  score: number;
  registeredAt: Date | null;
}

export interface StageTwoPorts {
  rows(query: Query, context: string): Promise<Row[]>;
  rankTools(names: readonly string[], options: RankToolsOptions): Promise<RankedTool[]>;
}

export interface StageTwoSettings {
  cutoff: number;
  windowDays: number | null;
  now: Date;
  explore: Exploration | null;
}

async function windowEvidence(
  ports: StageTwoPorts,
  names: string[],
  days: number,
  now: Date,
): Promise<Map<string, Evidence>> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const rows = await ports.rows(selectWindowCounts(names, since, now), 'discoverTools window');
  return new Map(
    rows.map((r) => [
      r.tool_name as string,
      { total: Number(r.total), successes: Number(r.successes) },
    ]),
  );
}

/** Relevant active first, then relevant deprecated, less relevant active, less relevant deprecated. */
function tierOf(c: DiscoveryCandidate, cutoff: number): number {
  if (c.ranking === null) return 4;
  return (c.ranking.relevance >= cutoff ? 0 : 2) + (c.status === 'deprecated' ? 1 : 0);
}

/**
 * Stage 2: statistics of the tools still in service (archived ones skipped), over all history
 * (rankTools) or over the last `windowDays`; candidates ordered within relevance tiers by the
 * Wilson lower bound, or with `explore` by an optimistic score (see applyExploration).
 */
export async function rankStageTwo(
  ports: StageTwoPorts,
  retrieved: Found[],
  settings: StageTwoSettings,
): Promise<DiscoveryCandidate[]> {
  const { cutoff, windowDays, explore } = settings;
  const live = retrieved.filter((f) => f.status !== 'archived').map((f) => f.name);
  const ranked = live.length === 0 ? [] : await ports.rankTools(live, { limit: live.length });
  const stats = new Map(ranked.map((r) => [r.toolName, r]));
  const recent =
    windowDays === null || live.length === 0
      ? null
      : await windowEvidence(ports, live, windowDays, settings.now);
  const evidence = (name: string): Evidence => {
    if (recent !== null) return recent.get(name) ?? { total: 0, successes: 0 };
    const r = stats.get(name);
    return { total: r?.totalExecutions ?? 0, successes: r?.successfulExecutions ?? 0 };
  };
  const top = Math.max(0, ...retrieved.map((f) => f.score));
  const candidates: DiscoveryCandidate[] = retrieved.map((f) => {
    const r = stats.get(f.name);
    const { total, successes } = evidence(f.name);
    return {
      toolName: f.name,
      status: f.status,
      promoted: f.promoted,
      origin: f.origin,
      retrieval: {
        score: f.score,
        lexical: f.lexical,
        semantic: f.semantic,
        methods: [...f.methods],
      },
      ranking:
        r === undefined
          ? null
          : {
              relevance: top > 0 ? f.score / top : 0,
              wilson:
                recent === null
                  ? r.score
                  : wilsonLowerBound(
                      successes + PRIOR_SUCCESSES,
                      total + PRIOR_SUCCESSES + PRIOR_FAILURES,
                    ),
              totalExecutions: total,
              successRate: recent === null ? r.successRate : total === 0 ? null : successes / total,
              avgDurationMs: r.avgDurationMs,
              windowDays,
              optimistic: null,
              trial: false,
            },
      rank: null,
      chosen: false,
      reason: '',
    };
  });
  const tier = (c: DiscoveryCandidate): number => tierOf(c, cutoff);
  if (explore !== null) {
    const registered = new Map(retrieved.map((f) => [f.name, f.registeredAt]));
    applyExploration(
      candidates,
      {
        evidence,
        registeredAt: (name) => registered.get(name) ?? null,
        tier,
        now: settings.now,
        priorSuccesses: PRIOR_SUCCESSES,
        priorFailures: PRIOR_FAILURES,
      },
      explore,
    );
  }
  // Statistics order tools of comparable relevance: a reliable tool for another job must not
  // beat the right tool that has no history yet.
  // A tool on trial goes first in its tier: above any bound or draw, which lie in [0, 1].
  const key = (c: DiscoveryCandidate): number =>
    c.ranking?.trial ? Number.POSITIVE_INFINITY : (c.ranking?.optimistic ?? c.ranking?.wilson ?? 0);
  candidates.sort(
    (a, b) =>
      tier(a) - tier(b) ||
      key(b) - key(a) ||
      b.retrieval.score - a.retrieval.score ||
      a.toolName.localeCompare(b.toolName),
  );
  candidates.forEach((c, i) => {
    if (c.ranking !== null) c.rank = i + 1;
  });
  return candidates;
}
