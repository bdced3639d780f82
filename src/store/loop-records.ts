import { NotFoundError, ValidationError } from '../errors.js';
import { selectJobRuns } from '../sql/jobs.js';
import {
  selectRecommendationStatus,
  selectRecommendations,
  updateRecommendationStatus,
} from '../sql/recommendations.js';
import type { StoreDatabase } from './database.js';
import { toJobRun, toRecommendation } from './mappers.js';
import type { JobRunRecord, RecommendationRecord, RecommendationStatus } from './types.js';
import { describe, optionalName, requireCount } from './validate.js';

const RECOMMENDATION_STATUSES = new Set(['open', 'accepted', 'dismissed', 'expired']);

function requireId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw new ValidationError(
      `${field} must be a positive whole number, got ${describe(value)}`,
      field,
    );
  return value;
}

/** What the learning loop leaves for people: recommendations (and settling them), job history. */
export class LoopRecords {
  constructor(private readonly db: StoreDatabase) {}

  async recommendations(
    options: { status?: RecommendationStatus; toolName?: string; limit?: number } = {},
  ): Promise<RecommendationRecord[]> {
    const status = options.status ?? null;
    if (status !== null && !RECOMMENDATION_STATUSES.has(status))
      throw new ValidationError(
        `status must be open, accepted, dismissed or expired, got ${describe(status)}`,
        'status',
      );
    const toolName = optionalName(options.toolName, 'toolName', 255);
    const limit = requireCount(options.limit ?? 100, 'limit', 1, 10_000);
    const rows = await this.db.rows(
      selectRecommendations(status, toolName, limit),
      'listRecommendations',
    );
    return rows.map(toRecommendation);
  }

  async settle(id: number, status: 'accepted' | 'dismissed'): Promise<RecommendationRecord> {
    const key = requireId(id, 'id');
    const result = await this.db.run(
      updateRecommendationStatus(key, status),
      `${status} recommendation ${key}`,
    );
    const row = result.rows[0];
    if (row !== undefined) return toRecommendation(row);
    const current = await this.db.run<{ status: string }>(
      selectRecommendationStatus(key),
      'recommendation',
    );
    const found = current.rows[0];
    if (found === undefined) throw new NotFoundError(`recommendation ${key} does not exist`);
    throw new ValidationError(
      `recommendation ${key} is already ${found.status}; only an open one can be ${status}`,
      'id',
    );
  }

  async jobRuns(options: { limit?: number; jobName?: string } = {}): Promise<JobRunRecord[]> {
    const limit = requireCount(options.limit ?? 50, 'limit', 1, 10_000);
    const jobName = optionalName(options.jobName, 'jobName', 100);
    return (await this.db.rows(selectJobRuns(limit, jobName), 'listJobRuns')).map(toJobRun);
  }
}
