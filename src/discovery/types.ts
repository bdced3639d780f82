import type { JsonValue } from '../json/sanitize.js';

export type ToolStatus = 'active' | 'deprecated' | 'archived';
export type ToolOrigin = 'human' | 'ai-generated';

/**
 * The user's embedding model: one vector per text, all of one dimension. Vectors are scaled to
 * unit length before they are stored, so any scale works.
 */
export type Embedder = (texts: string[]) => Promise<number[][]>;

export interface RegisterToolInput {
  /** Unique name, at most 255 characters: the name tool runs are recorded under. */
  name: string;
  /** What the tool does: searched by discovery. At most 10,000 characters. */
  description: string;
  /** The tool's parameter schema (usually JSON Schema), stored as given. Default null. */
  parameters?: JsonValue | null;
  /** Who wrote the tool. Default: the stored origin, or 'human' for a new tool. */
  origin?: ToolOrigin;
  /** The tool_creation_events id of an AI-generated tool. Default: its newest validated event. */
  creationEventId?: number;
}

export interface RegisterToolsOptions {
  /** Embeds `name: description` of each tool, stored for semantic discovery. Default none. */
  embed?: Embedder;
}

export interface RegisterToolsResult {
  inserted: number;
  updated: number;
  tools: ToolRecord[];
}

export interface ToolRecord {
  name: string;
  description: string;
  parameters: JsonValue | null;
  status: ToolStatus;
  /** Set once a `promote` recommendation was applied. */
  promoted: boolean;
  /** Null for a tool seen in history only, with no creation event. */
  origin: ToolOrigin | null;
  creationEventId: number | null;
  /** Null for a tool seen in history only. */
  version: number | null;
  hasEmbedding: boolean;
  /** False for a tool seen in history (runs, creation events) but never registered. */
  registered: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface ToolStatusChangeRecord {
  id: number;
  toolName: string;
  fromStatus: ToolStatus | null;
  toStatus: ToolStatus;
  promoted: boolean;
  changedBy: string;
  recommendationId: number | null;
  reason: string | null;
  createdAt: Date;
}

export interface SetToolStatusOptions {
  /** Who makes the change, recorded in tool_status_changes. Default 'user'. */
  by?: string;
  /** Why, recorded with it. Default none. */
  reason?: string;
}

/** How stage 1 found a candidate. */
export type RetrievalMethod = 'fulltext' | 'trigram' | 'semantic';

export interface DiscoveryCandidate {
  toolName: string;
  status: ToolStatus;
  promoted: boolean;
  origin: ToolOrigin;
  /** Stage 1 (retrieval): relevance in [0, 1] and its parts. */
  retrieval: {
    score: number;
    /** Text relevance relative to the best text match of this goal, in [0, 1]. */
    lexical: number;
    /** Cosine similarity of the tool's vector to the goal's; null without an embedder. */
    semantic: number | null;
    methods: RetrievalMethod[];
  };
  /** Stage 2 (statistics): null for an archived tool (skipped). */
  ranking: {
    /** Retrieval score relative to the best candidate's, in [0, 1]. */
    relevance: number;
    /**
     * Wilson lower bound of the prior-smoothed success rate (rankTools): what stage 2 orders by,
     * within tiers: relevant active, relevant deprecated, less relevant active, less relevant
     * deprecated.
     */
    wilson: number;
    /** Runs judged: all history, or those of the last `windowDays` days. */
    totalExecutions: number;
    successRate: number | null;
    avgDurationMs: number | null;
    /** The window judged, in days; null for all history. */
    windowDays: number | null;
    /** With `explore`: the optimistic score ordering its tier (upper bound or draw); else null. */
    optimistic: number | null;
    /** With `explore`: true for a new tool put first for a trial run. */
    trial: boolean;
  } | null;
  /** 1-based place after stage 2; null when skipped. */
  rank: number | null;
  /** True when stage 3 chose it. */
  chosen: boolean;
  /** One line: why it is where it is. */
  reason: string;
}

/** The user's model call for stage 3: picks one (or several) of the candidates it is shown. */
export type ToolChooser = (input: {
  goal: string;
  candidates: DiscoveryCandidate[];
}) => string | string[] | Promise<string | string[]>;

export interface DiscoverToolsOptions {
  /** How many ranked candidates stage 3 chooses from. Default 5. */
  limit?: number;
  /** How many candidates stage 1 retrieves. Default 20. */
  candidates?: number;
  /** Embeds the goal for semantic retrieval, mixed with text relevance. Default none (text only). */
  embed?: Embedder;
  /** Weight of the semantic score in the hybrid score, 0 to 1. Default 0.5. */
  semanticWeight?: number;
  /**
   * Candidates whose retrieval score is at least this share of the best one's are ranked by
   * statistics first; the rest follow. Default 0.5.
   */
  minRelevance?: number;
  /** Stage 3. Default: the top-ranked candidate. */
  choose?: ToolChooser;
  /**
   * Where cosine similarities are computed when `embed` is given. 'in-process' (default): over a
   * copy of the registry's vectors held by this store handle (8 bytes x dimension x tools),
   * reloaded when the registry generation changes (one small query per discovery checks it), so
   * registrations from other processes are seen at once. 'database': a scan of every stored vector
   * in SQL per goal (no memory held; slower: ~160 ms at 10,000 tools of 64 dimensions). Both give
   * the same scores and order.
   */
  vectorSearch?: VectorSearch;
  /**
   * Stage 2 judges each candidate on its runs of the last `windowDays` days (the same
   * prior-smoothed Wilson bound as rankTools, over that window), so a tool that degraded loses its
   * place within days and old successes do not carry it. Read from the hourly rollup (exact; cost
   * grows with hours x candidates, not runs). Null: all history (tool_statistics). Default null.
   */
  windowDays?: number | null;
  /** The end of the window (a simulated clock, a replay). Default: the current time. */
  now?: Date;
  /**
   * Exploration in stage 2, off by default (stage 2 then follows the Wilson lower bound, which
   * never tries a tool without runs beside one with a good record). With it, candidates are
   * ordered within their tier by an optimistic score (`method`), and a new tool is given a capped
   * share of trial runs. Pass `true` for the defaults. Default false.
   */
  explore?: boolean | ExploreOptions;
}

/** How stage 2 explores: see ExploreOptions.method. */
export type ExploreMethod = 'upper-bound' | 'thompson';

export interface ExploreOptions {
  /**
   * 'upper-bound' (default): the Wilson upper bound of the prior-smoothed success rate; a tool
   * without runs scores 0.905, so untried tools are tried only while the leader is doing worse than
   * that. 'thompson': a draw from the Beta posterior (uniform prior): tries more; it did worse in
   * bench:loop, where most untried tools are worse than the leader.
   */
  method?: ExploreMethod;
  /**
   * z of the upper bound ('upper-bound'): how optimistic. At 1 a tool without runs scores 0.79 and
   * a leader is challenged once its own bound drops below that. Default 1.
   */
  z?: number;
  /** Uniform numbers in [0, 1) for 'thompson'; pass a seeded generator to replay. Default Math.random. */
  random?: () => number;
  /** A tool registered within this many days, with fewer than `trialRuns` runs, is new. Default 7. */
  newToolDays?: number;
  /** Runs (in the judged window) after which a new tool is judged like the others. Default 5. */
  trialRuns?: number;
  /**
   * Most of the first tier's runs (in the judged window) that may go to new tools: while their
   * share is below it, the new tool with the fewest runs is put first. Default 0.1.
   */
  maxTrialShare?: number;
}

/** Where stage 1 computes cosine similarities. */
export type VectorSearch = 'in-process' | 'database';

export interface DiscoveryResult {
  goal: string;
  /** What stage 3 chose (empty when no candidate was found). */
  chosen: string[];
  /** Every stage-1 candidate, in stage-2 order (skipped ones last). */
  candidates: DiscoveryCandidate[];
  /** Whether short queries could use trigram matching (pg_trgm in the server). */
  trigram: boolean;
}
