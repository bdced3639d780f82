import type pg from 'pg';
import { NotFoundError, ValidationError } from '../errors.js';
import { embedTexts, toolText } from '../discovery/embedder.js';
import {
  databaseSource,
  inProcessSource,
  type SemanticSource,
} from '../discovery/semantic-source.js';
import { VectorIndex } from '../discovery/vector-index.js';
import type {
  RegisterToolInput,
  RegisterToolsOptions,
  RegisterToolsResult,
  SetToolStatusOptions,
  ToolRecord,
  ToolStatus,
  ToolStatusChangeRecord,
  VectorSearch,
} from '../discovery/types.js';
import {
  cleanString,
  maskSecrets,
  sanitizeSchema,
  type JsonSanitizer,
  type JsonValue,
} from '../json/sanitize.js';
import type { Query } from '../sql/query.js';
import { selectTrigramAvailable } from '../sql/discovery.js';
import { selectRecommendationStatus, updateRecommendationStatus } from '../sql/recommendations.js';
import {
  insertStatusChange,
  insertToolFromHistory,
  lockTool,
  selectEmbeddingDimension,
  selectStatusChanges,
  selectTools,
  updateToolStatus,
  upsertTools,
} from '../sql/registry.js';
import type { Row, StoreDatabase } from './database.js';
import { toNumber, toRecommendation, toTool } from './mappers.js';
import type { RecommendationRecord } from './types.js';
import { describe, optionalName, requireCount, requireName } from './validate.js';

const STATUSES = new Set<string>(['active', 'deprecated', 'archived']);
const ORIGINS = new Set<string>(['human', 'ai-generated']);
const MAX_DESCRIPTION = 10_000;
const MAX_BATCH = 10_000;
/** What accepting a recommendation does to the registry (watch changes nothing). */
const ACTION_STATUS: Record<string, { status: ToolStatus; promoted: boolean } | undefined> = {
  archive: { status: 'archived', promoted: false },
  deprecate: { status: 'deprecated', promoted: false },
  promote: { status: 'active', promoted: true },
};

function toChange(row: Row): ToolStatusChangeRecord {
  return {
    id: toNumber(row.id),
    toolName: row.tool_name as string,
    fromStatus: (row.from_status ?? null) as ToolStatus | null,
    toStatus: row.to_status as ToolStatus,
    promoted: row.promoted as boolean,
    changedBy: row.changed_by as string,
    recommendationId: row.recommendation_id == null ? null : toNumber(row.recommendation_id),
    reason: (row.reason ?? null) as string | null,
    createdAt: row.created_at as Date,
  };
}

export function requireStatus(value: unknown, field: string): ToolStatus {
  if (typeof value !== 'string' || !STATUSES.has(value))
    throw new ValidationError(
      `${field} must be active, deprecated or archived, got ${describe(value)}`,
      field,
    );
  return value as ToolStatus;
}

function parametersJson(value: unknown, field: string, sanitizer: JsonSanitizer): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ValidationError(`${field} must be a JSON object, got ${describe(value)}`, field);
  try {
    JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`${field} must be plain JSON`, field, { cause: error });
  }
  // Stored like every other field: secrets redacted and masked, NUL and lone surrogates cleaned.
  return JSON.stringify(sanitizeSchema(value, sanitizer));
}

function optionalEventId(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  return requireCount(value, field, 1, Number.MAX_SAFE_INTEGER);
}

interface CheckedTool {
  name: string;
  description: string;
  parameters: string | null;
  origin: string | null;
  creationEventId: number | null;
}

function checkTool(
  input: unknown,
  i: number,
  seen: Set<string>,
  sanitizer: JsonSanitizer,
): CheckedTool {
  const field = `tools[${i}]`;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError(`${field} must be an object, got ${describe(input)}`, field);
  const tool = input as Partial<RegisterToolInput>;
  const name = requireName(tool.name, `${field}.name`, 255);
  if (seen.has(name))
    throw new ValidationError(
      `${field}.name ${JSON.stringify(name)} appears twice`,
      `${field}.name`,
    );
  seen.add(name);
  if (typeof tool.description !== 'string' || tool.description.length > MAX_DESCRIPTION)
    throw new ValidationError(
      `${field}.description must be a string of at most ${MAX_DESCRIPTION} characters, got ${describe(tool.description)}`,
      `${field}.description`,
    );
  if (tool.origin !== undefined && !ORIGINS.has(tool.origin))
    throw new ValidationError(
      `${field}.origin must be human or ai-generated, got ${describe(tool.origin)}`,
      `${field}.origin`,
    );
  return {
    name,
    description: maskSecrets(cleanString(tool.description), sanitizer),
    parameters: parametersJson(tool.parameters, `${field}.parameters`, sanitizer),
    origin: tool.origin ?? null,
    creationEventId: optionalEventId(tool.creationEventId, `${field}.creationEventId`),
  };
}

/**
 * The tool registry: registering tools, their status and its audit trail, and applying accepted
 * lifecycle recommendations. Every change that touches two tables runs in one transaction.
 */
export class ToolRegistry {
  #trigram: Promise<boolean> | undefined;
  readonly #vectors: VectorIndex;

  constructor(
    private readonly db: StoreDatabase,
    private readonly sanitizer: JsonSanitizer,
  ) {
    this.#vectors = new VectorIndex(async (query, context) => await db.rows(query, context));
  }

  /** Stage 1's cosine similarities: in process over the loaded vectors, or in SQL. */
  async semanticSource(where: VectorSearch): Promise<SemanticSource> {
    const rows = async (query: Query, context: string) => await this.db.rows(query, context);
    return where === 'database'
      ? await databaseSource(rows, async () => await this.embeddingDimension())
      : await inProcessSource(rows, this.#vectors);
  }

  async register(
    tools: readonly RegisterToolInput[],
    options: RegisterToolsOptions = {},
  ): Promise<RegisterToolsResult> {
    if (!Array.isArray(tools) || tools.length === 0 || tools.length > MAX_BATCH)
      throw new ValidationError(
        `tools must be an array of 1 to ${MAX_BATCH} tools, got ${Array.isArray(tools) ? tools.length : describe(tools)}`,
        'tools',
      );
    const seen = new Set<string>();
    const checked = tools.map((tool, i) => checkTool(tool, i, seen, this.sanitizer));
    // The embedder runs before any write: if it fails, nothing was registered.
    const vectors =
      options.embed === undefined
        ? null
        : await embedTexts(
            options.embed,
            checked.map((t) => toolText(t.name, t.description)),
            await this.embeddingDimension(),
          );
    const rows = await this.db.rows(
      upsertTools(
        checked.map((t) => t.name),
        checked.map((t) => t.description),
        checked.map((t) => t.parameters),
        checked.map((t) => t.origin),
        checked.map((t) => t.creationEventId),
        vectors,
      ),
      'registerTools',
    );
    const inserted = rows.filter((r) => r.inserted === true).length;
    return { inserted, updated: rows.length - inserted, tools: rows.map(toTool) };
  }

  async list(options: { status?: ToolStatus; limit?: number } = {}): Promise<ToolRecord[]> {
    const status = options.status === undefined ? null : requireStatus(options.status, 'status');
    const limit = requireCount(options.limit ?? 1_000, 'limit', 1, 100_000);
    return (await this.db.rows(selectTools(status, limit), 'listTools')).map(toTool);
  }

  async statusChanges(
    options: { toolName?: string; limit?: number } = {},
  ): Promise<ToolStatusChangeRecord[]> {
    const name = optionalName(options.toolName, 'toolName', 255);
    const limit = requireCount(options.limit ?? 100, 'limit', 1, 10_000);
    return (await this.db.rows(selectStatusChanges(name, limit), 'listToolStatusChanges')).map(
      toChange,
    );
  }

  /** Whether the server has pg_trgm and the migration made the trigram index (asked once). */
  async trigramAvailable(): Promise<boolean> {
    this.#trigram ??= this.db
      .rows(selectTrigramAvailable(), 'pg_trgm')
      .then((rows) => rows[0]?.available === true);
    try {
      return await this.#trigram;
    } catch (error) {
      this.#trigram = undefined;
      throw error;
    }
  }

  /** The stored vectors' dimension, or null when none is stored. */
  async embeddingDimension(): Promise<number | null> {
    const row = (await this.db.rows(selectEmbeddingDimension(), 'embedding dimension'))[0];
    return row === undefined ? null : toNumber(row.dimension);
  }

  /** Sets a registered tool's status. Unknown tool → NotFoundError. */
  async setStatus(
    toolName: string,
    status: ToolStatus,
    options: SetToolStatusOptions = {},
  ): Promise<ToolRecord> {
    const name = requireName(toolName, 'toolName', 255);
    const to = requireStatus(status, 'status');
    const by = requireName(options.by ?? 'user', 'by', 255);
    const reason = optionalName(options.reason, 'reason', 10_000);
    return await this.db.transaction(`setToolStatus ${name}`, async (run) => {
      const tool = await this.change(run, name, { status: to, promoted: false }, by, null, reason);
      if (tool === undefined)
        throw new NotFoundError(`tool ${JSON.stringify(name)} is not registered`);
      return tool;
    });
  }

  /**
   * Marks an open recommendation accepted and applies it to the registry in one transaction
   * (archive → archived, deprecate → deprecated, promote → active and promoted; watch changes
   * nothing). A tool known only from history gets a registry row to hold the decision.
   */
  async acceptRecommendation(id: number, by: string): Promise<RecommendationRecord> {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
      throw new ValidationError(`id must be a positive whole number, got ${describe(id)}`, 'id');
    const changedBy = requireName(by, 'by', 255);
    return await this.db.transaction(`accept recommendation ${id}`, async (run) => {
      const row = (await run(updateRecommendationStatus(id, 'accepted'))).rows[0];
      if (row === undefined) {
        const found = (await run(selectRecommendationStatus(id))).rows[0];
        if (found === undefined) throw new NotFoundError(`recommendation ${id} does not exist`);
        throw new ValidationError(
          `recommendation ${id} is already ${String(found.status)}; only an open one can be accepted`,
          'id',
        );
      }
      const recommendation = toRecommendation(row);
      const target = ACTION_STATUS[recommendation.action];
      if (target !== undefined) {
        await run(insertToolFromHistory(recommendation.toolName));
        await this.change(
          run,
          recommendation.toolName,
          target,
          changedBy,
          recommendation.id,
          recommendation.reason,
        );
      }
      return recommendation;
    });
  }

  /** Applies a status (and promoted mark) under a row lock; records it when anything changed. */
  private async change(
    run: (query: Query) => Promise<pg.QueryResult<Row>>,
    name: string,
    target: { status: ToolStatus; promoted: boolean },
    by: string,
    recommendationId: number | null,
    reason: string | null,
  ): Promise<ToolRecord | undefined> {
    const current = (await run(lockTool(name))).rows[0];
    if (current === undefined) return undefined;
    const updated = (await run(updateToolStatus(name, target.status, target.promoted))).rows[0];
    const promotedNow = target.promoted && current.promoted !== true;
    if (current.status !== target.status || promotedNow)
      await run(
        insertStatusChange(
          name,
          current.status as string,
          target.status,
          promotedNow,
          by,
          recommendationId,
          reason,
        ),
      );
    return updated === undefined ? undefined : toTool(updated);
  }
}
