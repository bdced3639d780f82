import type { Query } from './query.js';

export const TOOL_COLUMNS = `name, description, parameters, status, promoted, origin, creation_event_id, version,
  created_at, updated_at, embedding IS NOT NULL AS has_embedding`;

/**
 * Registers tools or updates them (one statement, so a batch lands whole or not at all). The
 * version goes up only when description or parameters changed; status is never touched here. An
 * origin left out keeps the stored one (new rows: human); an AI-generated tool without an explicit
 * creation event is linked to its newest validated one. A null embedding keeps the stored vector.
 */
export function upsertTools(
  names: readonly string[],
  descriptions: readonly string[],
  parameters: readonly (string | null)[],
  origins: readonly (string | null)[],
  creationEventIds: readonly (number | null)[],
  embeddings: readonly (number[] | null)[] | null,
): Query {
  // A float8[][] parameter must be rectangular: vectors travel as text literals instead.
  const vectors = embeddings?.map((v) => (v === null ? null : `{${v.join(',')}}`)) ?? null;
  return {
    text: `INSERT INTO tools AS t (name, description, parameters, origin, creation_event_id, embedding)
           SELECT u.name, u.description, u.parameters::jsonb, o.origin,
                  coalesce(u.event_id, CASE WHEN o.origin = 'ai-generated' THEN
                    (SELECT max(e.id) FROM tool_creation_events e
                      WHERE e.tool_name = u.name AND e.validation_passed) END),
                  u.embedding::double precision[]
             FROM unnest($1::varchar[], $2::text[], $3::text[], $4::varchar[], $5::bigint[],
                         coalesce($6::text[], array_fill(NULL::text, ARRAY[cardinality($1::varchar[])])))
                  AS u(name, description, parameters, origin, event_id, embedding)
             CROSS JOIN LATERAL (SELECT coalesce(u.origin,
                    (SELECT t0.origin FROM tools t0 WHERE t0.name = u.name), 'human') AS origin) o
           ON CONFLICT (name) DO UPDATE SET
             description = EXCLUDED.description,
             parameters = EXCLUDED.parameters,
             origin = EXCLUDED.origin,
             creation_event_id = coalesce(EXCLUDED.creation_event_id, t.creation_event_id),
             embedding = coalesce(EXCLUDED.embedding, t.embedding),
             version = t.version + CASE WHEN t.description IS DISTINCT FROM EXCLUDED.description
                                          OR t.parameters IS DISTINCT FROM EXCLUDED.parameters
                                        THEN 1 ELSE 0 END,
             updated_at = now()
           RETURNING ${TOOL_COLUMNS}, (xmax = 0) AS inserted`,
    values: [names, descriptions, parameters, origins, creationEventIds, vectors],
  };
}

/**
 * Registered tools, then the names history knows (tool_statistics, validated
 * tool_creation_events) that were never registered, as `registered` false. Unregistered tools
 * count as active (nothing has retired them), so a status filter other than active leaves them out.
 */
export function selectTools(status: string | null, limit: number): Query {
  return {
    text: `SELECT * FROM (
             SELECT ${TOOL_COLUMNS}, true AS registered FROM tools
              WHERE $1::varchar IS NULL OR status = $1
             UNION ALL
             SELECT h.name, ''::text, NULL::jsonb, 'active'::varchar, false,
                    CASE WHEN bool_or(h.generated) THEN 'ai-generated' ELSE NULL END::varchar,
                    max(h.event_id), NULL::integer, min(h.first_seen), max(h.first_seen), false, false
               FROM (SELECT tool_name AS name, false AS generated, NULL::bigint AS event_id,
                            first_used AS first_seen
                       FROM tool_statistics
                     UNION ALL
                     SELECT tool_name, true, id, created_at
                       FROM tool_creation_events WHERE validation_passed) h
              WHERE coalesce($1::varchar, 'active') = 'active'
                AND NOT EXISTS (SELECT 1 FROM tools t WHERE t.name = h.name)
              GROUP BY h.name) x
            ORDER BY registered DESC, name
            LIMIT $2`,
    values: [status, limit],
  };
}

/** One registered tool's row. */
export function selectTool(name: string): Query {
  return { text: `SELECT ${TOOL_COLUMNS} FROM tools WHERE name = $1`, values: [name] };
}

/** The row of one tool, locked for a status change. */
export function lockTool(name: string): Query {
  return {
    text: `SELECT status, promoted FROM tools WHERE name = $1 FOR UPDATE`,
    values: [name],
  };
}

/**
 * Creates the registry row of a tool known only from history, so a decision about it has a place
 * to live (empty description; AI-generated when it has a validated creation event).
 */
export function insertToolFromHistory(name: string): Query {
  return {
    text: `INSERT INTO tools (name, origin, creation_event_id)
           SELECT $1::varchar, CASE WHEN e.id IS NULL THEN 'human' ELSE 'ai-generated' END, e.id
             FROM (SELECT max(id) AS id FROM tool_creation_events
                    WHERE tool_name = $1::varchar AND validation_passed) e
           ON CONFLICT (name) DO NOTHING`,
    values: [name],
  };
}

export function updateToolStatus(name: string, status: string, promoted: boolean): Query {
  return {
    text: `UPDATE tools SET status = $2, promoted = promoted OR $3, updated_at = now()
            WHERE name = $1
            RETURNING ${TOOL_COLUMNS}`,
    values: [name, status, promoted],
  };
}

export function insertStatusChange(
  name: string,
  from: string | null,
  to: string,
  promoted: boolean,
  by: string,
  recommendationId: number | null,
  reason: string | null,
): Query {
  return {
    text: `INSERT INTO tool_status_changes
             (tool_name, from_status, to_status, promoted, changed_by, recommendation_id, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id, tool_name, from_status, to_status, promoted, changed_by, recommendation_id,
                     reason, created_at`,
    values: [name, from, to, promoted, by, recommendationId, reason],
  };
}

export function selectStatusChanges(name: string | null, limit: number): Query {
  return {
    text: `SELECT id, tool_name, from_status, to_status, promoted, changed_by, recommendation_id,
                  reason, created_at
             FROM tool_status_changes
            WHERE $1::varchar IS NULL OR tool_name = $1
            ORDER BY id DESC
            LIMIT $2`,
    values: [name, limit],
  };
}

/** The dimension of the stored vectors (they all share one), or no row when none is stored. */
export function selectEmbeddingDimension(): Query {
  return {
    text: `SELECT cardinality(embedding) AS dimension FROM tools WHERE embedding IS NOT NULL LIMIT 1`,
    values: [],
  };
}
