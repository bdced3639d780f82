import type { Query } from '../sql/query.js';
import {
  selectScoredCandidates,
  selectSemanticCandidates,
  selectSimilarities,
} from '../sql/discovery.js';
import type { VectorIndex } from './vector-index.js';

type Row = Record<string, unknown>;
type Rows = (query: Query, context: string) => Promise<Row[]>;

/** Where stage 1 computes cosine similarities: the same scores and order either way. */
export interface SemanticSource {
  /** The stored vectors' dimension, or null when no tool has one. */
  dimension: number | null;
  /** Nearest tools (registry fields and `semantic`), best first, ties by name as SQL orders them. */
  nearest(vector: readonly number[], limit: number): Promise<Row[]>;
  /** Similarity of each named tool that has a vector. */
  similarities(vector: readonly number[], names: readonly string[]): Promise<Map<string, number>>;
}

/** Cosine similarity computed in SQL over every stored float8[] (a full scan per goal). */
export async function databaseSource(
  rows: Rows,
  dimension: () => Promise<number | null>,
): Promise<SemanticSource> {
  return {
    dimension: await dimension(),
    nearest: async (vector, limit) =>
      await rows(selectSemanticCandidates(vector, limit), 'discoverTools'),
    similarities: async (vector, names) => {
      const out = new Map<string, number>();
      for (const row of await rows(selectSimilarities(vector, names), 'discoverTools'))
        if (row.semantic !== null) out.set(row.name as string, Number(row.semantic));
      return out;
    },
  };
}

/** Cosine similarity over the in-process copy of the vectors; SQL only orders ties and adds fields. */
export async function inProcessSource(rows: Rows, index: VectorIndex): Promise<SemanticSource> {
  const snapshot = await index.current();
  return {
    dimension: snapshot.dimension,
    nearest: async (vector, limit) => {
      const { names, scores } = snapshot.nearest(vector, limit);
      if (names.length === 0) return [];
      return await rows(selectScoredCandidates(names, scores, limit), 'discoverTools');
    },
    similarities: async (vector, names) =>
      await Promise.resolve(snapshot.similarities(vector, names)),
  };
}
