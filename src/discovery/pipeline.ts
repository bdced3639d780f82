import { PluginError, ValidationError } from '../errors.js';
import { cleanString } from '../json/text.js';
import type { Query } from '../sql/query.js';
import { selectFullTextCandidates, selectTrigramCandidates } from '../sql/discovery.js';
import type { RankToolsOptions, RankedTool } from '../store/types.js';
import { embedTexts } from './embedder.js';
import type { SemanticSource } from './semantic-source.js';
import type { Exploration } from './explore.js';
import { rankStageTwo, type Found, type StageTwoSettings } from './stage-two.js';
import type {
  DiscoverToolsOptions,
  DiscoveryCandidate,
  DiscoveryResult,
  RetrievalMethod,
  ToolOrigin,
  VectorSearch,
  ToolStatus,
} from './types.js';

type Row = Record<string, unknown>;

/** What the pipeline needs from the store. */
export interface DiscoveryPorts {
  rows(query: Query, context: string): Promise<Row[]>;
  rankTools(names: readonly string[], options: RankToolsOptions): Promise<RankedTool[]>;
  /** Where cosine similarities are computed (see DiscoverToolsOptions.vectorSearch). */
  semantic(where: VectorSearch): Promise<SemanticSource>;
  trigramAvailable(): Promise<boolean>;
}

const MAX_GOAL = 4_000;
const MAX_WORDS = 32;
/** Queries of at most this many words also try trigram matching on names. */
const SHORT_QUERY_WORDS = 2;

function requireNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new ValidationError(`${field} must be a number from ${min} to ${max}`, field);
  return value;
}

function requireWhole(value: unknown, field: string, min: number, max: number): number {
  if (!Number.isInteger(value)) throw new ValidationError(`${field} must be a whole number`, field);
  return requireNumber(value, field, min, max);
}

function checkNow(now: unknown): Date {
  if (now === undefined) return new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new ValidationError('now must be a valid Date', 'now');
  return now;
}

function checkExplore(explore: DiscoverToolsOptions['explore']): Exploration | null {
  if (explore === undefined || explore === false) return null;
  const options = explore === true ? {} : explore;
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('explore must be a boolean or an object', 'explore');
  if (options.random !== undefined && typeof options.random !== 'function')
    throw new ValidationError('explore.random must be a function () => number', 'explore.random');
  const method = options.method ?? 'upper-bound';
  if (method !== 'upper-bound' && method !== 'thompson')
    throw new ValidationError(
      `explore.method must be 'upper-bound' or 'thompson', got ${JSON.stringify(method)}`,
      'explore.method',
    );
  return {
    method,
    random: options.random ?? Math.random,
    maxTrialShare: requireNumber(options.maxTrialShare ?? 0.1, 'explore.maxTrialShare', 0, 1),
    trialRuns: requireWhole(options.trialRuns ?? 5, 'explore.trialRuns', 0, 1_000_000),
    newToolDays: requireNumber(options.newToolDays ?? 7, 'explore.newToolDays', 0, 3_650),
    z: requireNumber(options.z ?? 1, 'explore.z', 0, 10),
  };
}

function checkOptions(goal: unknown, options: DiscoverToolsOptions) {
  if (typeof goal !== 'string' || goal.trim() === '')
    throw new ValidationError('goal must be a non-empty string', 'goal');
  if (goal.length > MAX_GOAL)
    throw new ValidationError(`goal must be at most ${MAX_GOAL} characters`, 'goal');
  if (options.embed !== undefined && typeof options.embed !== 'function')
    throw new ValidationError('embed must be a function (texts) => Promise<number[][]>', 'embed');
  if (options.choose !== undefined && typeof options.choose !== 'function')
    throw new ValidationError('choose must be a function ({ goal, candidates }) => name', 'choose');
  const vectorSearch = options.vectorSearch ?? 'in-process';
  if (vectorSearch !== 'in-process' && vectorSearch !== 'database')
    throw new ValidationError(
      `vectorSearch must be 'in-process' or 'database', got ${JSON.stringify(vectorSearch)}`,
      'vectorSearch',
    );
  const cutoff = requireNumber(options.minRelevance ?? 0.5, 'minRelevance', 0, 1);
  return {
    // NUL and lone surrogates would be refused by PostgreSQL (22021) as a raw database error.
    goal: cleanString(goal).trim(),
    limit: requireWhole(options.limit ?? 5, 'limit', 1, 100),
    retrieve: requireWhole(options.candidates ?? 20, 'candidates', 1, 1_000),
    weight: requireNumber(options.semanticWeight ?? 0.5, 'semanticWeight', 0, 1),
    cutoff,
    vectorSearch: vectorSearch as VectorSearch,
    stage2: {
      cutoff,
      windowDays:
        options.windowDays === undefined || options.windowDays === null
          ? null
          : requireNumber(options.windowDays, 'windowDays', 1 / 24, 3_650),
      now: checkNow(options.now),
      explore: checkExplore(options.explore),
    } satisfies StageTwoSettings,
  };
}

function wordsOf(goal: string): string[] {
  const words = goal.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_WORDS);
}

const fmt = (x: number): string => x.toFixed(2);

function reasonOf(c: DiscoveryCandidate, cutoff: number): string {
  const found = [`${c.retrieval.methods.join('+')} ${fmt(c.retrieval.score)}`];
  if (c.retrieval.semantic !== null) found.push(`cosine ${fmt(c.retrieval.semantic)}`);
  if (c.status === 'archived') return `${found.join(', ')}; archived: skipped`;
  const r = c.ranking!;
  const stats =
    r.totalExecutions === 0
      ? 'no runs yet (prior only)'
      : `${((r.successRate ?? 0) * 100).toFixed(0)}% of ${r.totalExecutions} runs${r.windowDays === null ? '' : ` in ${r.windowDays} days`} (Wilson ${fmt(r.wilson)})`;
  const marks = [
    r.trial ? '; new: on trial' : r.optimistic === null ? '' : `; optimistic ${fmt(r.optimistic)}`,
    r.relevance < cutoff
      ? `; relevance ${fmt(r.relevance)} below ${fmt(cutoff)}: after closer matches`
      : '',
    c.status === 'deprecated' ? '; deprecated: after active tools' : c.promoted ? '; promoted' : '',
    c.chosen ? '; chosen' : '',
  ];
  return `${found.join(', ')}; ${stats}${marks.join('')}`;
}

/**
 * The three stages: retrieval inside PostgreSQL (full text, trigram for short queries, cosine
 * similarity when an embedder is given), statistical ranking with rankTools (archived tools
 * skipped; among tools of comparable relevance, deprecated ones after the others), and the
 * caller's choice among the top `limit`.
 */
export async function discoverTools(
  ports: DiscoveryPorts,
  goalInput: string,
  options: DiscoverToolsOptions = {},
): Promise<DiscoveryResult> {
  const { goal, limit, retrieve, weight, cutoff, vectorSearch, stage2 } = checkOptions(
    goalInput,
    options,
  );
  const found = new Map<string, Found>();
  const add = (row: Row, method: RetrievalMethod, lexical: number): Found => {
    const name = row.name as string;
    let entry = found.get(name);
    if (entry === undefined) {
      entry = {
        name,
        status: row.status as ToolStatus,
        promoted: row.promoted as boolean,
        origin: row.origin as ToolOrigin,
        lexical: 0,
        semantic: null,
        registeredAt: (row.created_at ?? null) as Date | null,
        methods: new Set(),
        score: 0,
      };
      found.set(name, entry);
    }
    entry.lexical = Math.max(entry.lexical, lexical);
    entry.methods.add(method);
    return entry;
  };

  const words = wordsOf(goal);
  if (words.length > 0) {
    const rows = await ports.rows(selectFullTextCandidates(words, retrieve), 'discoverTools');
    const best = Math.max(0, ...rows.map((r) => Number(r.lexical)));
    for (const row of rows) add(row, 'fulltext', best > 0 ? Number(row.lexical) / best : 0);
  }
  const trigram = await ports.trigramAvailable();
  if (trigram && words.length <= SHORT_QUERY_WORDS)
    for (const row of await ports.rows(selectTrigramCandidates(goal, retrieve), 'discoverTools'))
      add(row, 'trigram', Number(row.lexical));

  const semantic = options.embed !== undefined;
  if (options.embed !== undefined) {
    const source = await ports.semantic(vectorSearch);
    const [vector] = await embedTexts(options.embed, [goal], source.dimension);
    if (source.dimension !== null && vector !== undefined) {
      for (const row of await source.nearest(vector, retrieve))
        add(row, 'semantic', 0).semantic = Number(row.semantic);
      const missing = [...found.values()].filter((f) => f.semantic === null).map((f) => f.name);
      if (missing.length > 0)
        for (const [name, similarity] of await source.similarities(vector, missing))
          found.get(name)!.semantic = similarity;
    }
  }
  for (const f of found.values())
    f.score = semantic
      ? weight * Math.max(0, f.semantic ?? 0) + (1 - weight) * f.lexical
      : f.lexical;
  const retrieved = [...found.values()]
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, retrieve);

  const candidates = await rankStageTwo(ports, retrieved, stage2);

  // Stage 3: the caller's choice among the best `limit`.
  const shortlist = candidates.filter((c) => c.ranking !== null).slice(0, limit);
  const chosen = shortlist.length === 0 ? [] : await choose(goal, shortlist, options);
  for (const c of candidates) {
    c.chosen = chosen.includes(c.toolName);
    c.reason = reasonOf(c, cutoff);
  }
  return { goal, chosen, candidates, trigram };
}

async function choose(
  goal: string,
  shortlist: DiscoveryCandidate[],
  options: DiscoverToolsOptions,
): Promise<string[]> {
  if (options.choose === undefined) return [shortlist[0]!.toolName];
  let answer: unknown;
  try {
    answer = await options.choose({ goal, candidates: shortlist.map((c) => ({ ...c })) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginError('choose', `the chooser failed: ${message}`, { cause: error });
  }
  const names = typeof answer === 'string' ? [answer] : answer;
  const allowed = new Set(shortlist.map((c) => c.toolName));
  if (
    !Array.isArray(names) ||
    names.length === 0 ||
    names.some((n) => typeof n !== 'string' || !allowed.has(n))
  )
    throw new PluginError(
      'choose',
      `the chooser must answer one or more of the candidates it was shown (${[...allowed].join(', ')}), got ${JSON.stringify(answer)}`,
    );
  return [...new Set(names as string[])];
}
