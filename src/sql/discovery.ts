import type { Query } from './query.js';

const TOOL_FIELDS = `t.name, t.status, t.promoted, t.origin, t.created_at`;
/** Dot product of a stored unit vector with the (unit) goal vector: their cosine similarity. */
const COSINE = `(SELECT sum(a * b) FROM unnest(t.embedding, $1::double precision[]) AS v(a, b))`;

/**
 * Full-text candidates: tools whose name or description holds any of the goal's words (English
 * stemming, stop words dropped), best ts_rank first (normalized rank / (rank + 1)). The words are
 * letters and digits only, so joining them with | is always a valid tsquery.
 */
export function selectFullTextCandidates(words: readonly string[], limit: number): Query {
  return {
    text: `SELECT ${TOOL_FIELDS}, ts_rank(t.search_vector, q.query, 32) AS lexical
             FROM tools t, to_tsquery('english', array_to_string($1::text[], ' | ')) AS q(query)
            WHERE t.search_vector @@ q.query
            ORDER BY lexical DESC, t.name
            LIMIT $2`,
    values: [words, limit],
  };
}

/**
 * Trigram candidates for short queries ("calc" finds calculator_tool): word similarity of the
 * query to the tool's name, through the trigram index. Needs pg_trgm.
 */
export function selectTrigramCandidates(text: string, limit: number): Query {
  return {
    text: `SELECT ${TOOL_FIELDS},
                  word_similarity($1, lower(translate(t.name, '_-.', '   '))) AS lexical
             FROM tools t
            WHERE $1 <% lower(translate(t.name, '_-.', '   '))
            ORDER BY lexical DESC, t.name
            LIMIT $2`,
    values: [text.toLowerCase(), limit],
  };
}

/** Nearest tools to the goal vector by cosine similarity (vectors of another dimension skipped). */
export function selectSemanticCandidates(vector: readonly number[], limit: number): Query {
  return {
    text: `SELECT ${TOOL_FIELDS}, ${COSINE} AS semantic
             FROM tools t
            WHERE cardinality(t.embedding) = cardinality($1::double precision[])
            ORDER BY semantic DESC, t.name
            LIMIT $2`,
    values: [vector, limit],
  };
}

/** Cosine similarity of the named tools to the goal vector (null where a tool has no vector). */
export function selectSimilarities(vector: readonly number[], names: readonly string[]): Query {
  return {
    text: `SELECT t.name, CASE WHEN cardinality(t.embedding) = cardinality($1::double precision[])
                               THEN ${COSINE} END AS semantic
             FROM tools t
            WHERE t.name = ANY($2::varchar[])`,
    values: [vector, names],
  };
}

export function selectTrigramAvailable(): Query {
  return {
    text: `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
                  AND EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'idx_tools_trigram') AS available`,
    values: [],
  };
}

/** The registry generation: bumped by triggers whenever tools or their vectors change. */
export function selectRegistryGeneration(): Query {
  return {
    text: `SELECT generation FROM tool_registry_state WHERE id = 1`,
    values: [],
  };
}

/**
 * Every stored vector with the generation it belongs to, read in one statement (one snapshot), so
 * a registration committed meanwhile shows up as a newer generation on the next check. Vectors
 * travel in PostgreSQL's binary array format (array_send): the exact float8 bits, and about 6x
 * faster to read than parsing their text form.
 */
export function selectVectors(): Query {
  return {
    text: `SELECT s.generation, t.name, array_send(t.embedding) AS embedding
             FROM tool_registry_state s
             LEFT JOIN tools t ON t.embedding IS NOT NULL
            WHERE s.id = 1`,
    values: [],
  };
}

/**
 * Candidates scored in process, ordered here like selectSemanticCandidates (similarity, then name
 * in the database's collation), with their registry fields.
 */
export function selectScoredCandidates(
  names: readonly string[],
  scores: readonly number[],
  limit: number,
): Query {
  return {
    text: `SELECT ${TOOL_FIELDS}, x.semantic
             FROM unnest($1::varchar[], $2::double precision[]) AS x(name, semantic)
             JOIN tools t ON t.name = x.name
            ORDER BY x.semantic DESC, t.name
            LIMIT $3`,
    values: [names, scores, limit],
  };
}

/**
 * Runs and successes of the named tools in [since, until): stage 2's recent window. Exact, from
 * the rollups (tool_runs_totals, migration 0012: whole UTC days from tool_runs_daily, other whole
 * hours from tool_runs_hourly, pending deltas, edge rows), so the cost grows with days and hours x
 * candidates, not with runs.
 */
export function selectWindowCounts(names: readonly string[], since: Date, until: Date): Query {
  return {
    text: `SELECT tool_name, runs AS total, successes FROM tool_runs_totals($2, $3, $1::varchar[])`,
    values: [names, since, until],
  };
}
