import type { Query } from '../sql/query.js';
import { selectRegistryGeneration, selectVectors } from '../sql/discovery.js';

type Row = Record<string, unknown>;

/** Scores of the tools nearest a goal: every tool tied with the last one kept is included. */
export interface NearestTools {
  names: string[];
  scores: number[];
}

/** Vectors of one dimension: names and a row-major matrix of unit vectors. */
interface Group {
  names: string[];
  matrix: Float64Array;
  row: Map<string, number>;
}

/** One generation of the registry's vectors, loaded once and shared by every query until it changes. */
export class VectorSnapshot {
  readonly #groups: Map<number, Group>;

  constructor(
    readonly generation: string,
    groups: Map<number, Group>,
  ) {
    this.#groups = groups;
  }

  /** The stored dimension (the most common one), or null when no tool has a vector. */
  get dimension(): number | null {
    let best: number | null = null;
    let size = 0;
    for (const [dimension, group] of this.#groups)
      if (group.names.length > size) [best, size] = [dimension, group.names.length];
    return best;
  }

  get size(): number {
    let n = 0;
    for (const group of this.#groups.values()) n += group.names.length;
    return n;
  }

  /**
   * The `limit` best cosine similarities to a unit vector, plus every tool tied with the last of
   * them, so the caller can order ties by name exactly as SQL does. Sums run in the stored order
   * in float64, like the SQL sum over unnest: the scores are the same numbers.
   */
  nearest(vector: readonly number[], limit: number): NearestTools {
    const group = this.#groups.get(vector.length);
    if (group === undefined || limit <= 0) return { names: [], scores: [] };
    const scores = scoreAll(group, vector);
    const order = topIndexes(scores, limit);
    if (order.length === 0) return { names: [], scores: [] };
    const cut = scores[order[order.length - 1]!]!;
    for (let i = 0; i < scores.length; i++)
      if (scores[i] === cut && !order.includes(i)) order.push(i);
    return { names: order.map((i) => group.names[i]!), scores: order.map((i) => scores[i]!) };
  }

  /** Cosine similarity of each named tool that has a vector of this dimension. */
  similarities(vector: readonly number[], names: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    const group = this.#groups.get(vector.length);
    if (group === undefined) return out;
    const dimension = vector.length;
    for (const name of names) {
      const row = group.row.get(name);
      if (row === undefined) continue;
      let sum = 0;
      for (let j = 0, k = row * dimension; j < dimension; j++, k++)
        sum += group.matrix[k]! * vector[j]!;
      out.set(name, sum);
    }
    return out;
  }
}

function scoreAll(group: Group, vector: readonly number[]): Float64Array {
  const dimension = vector.length;
  const goal = Float64Array.from(vector);
  const { matrix } = group;
  const scores = new Float64Array(group.names.length);
  for (let i = 0, k = 0; i < scores.length; i++) {
    let sum = 0;
    for (let j = 0; j < dimension; j++, k++) sum += matrix[k]! * goal[j]!;
    scores[i] = sum;
  }
  return scores;
}

/** Indexes of the `limit` highest scores, best first (a bounded insertion list: limit is small). */
function topIndexes(scores: Float64Array, limit: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (top.length === limit && s <= scores[top[limit - 1]!]!) continue;
    let at = top.length;
    while (at > 0 && scores[top[at - 1]!]! < s) at--;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
  }
  return top;
}

/**
 * A one-dimensional float8 array in PostgreSQL's binary format (array_send): ndim, has-nulls flag,
 * element type, then per dimension its size and lower bound, then per element a length (8, or -1
 * for NULL) and the big-endian double. Null or empty when it is not such an array.
 */
function decodeVector(bytes: Buffer | null): Float64Array | null {
  if (bytes === null || bytes.length < 20) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getInt32(0) !== 1) return null;
  const size = view.getInt32(12);
  if (bytes.length !== 20 + size * 12) return null;
  const out = new Float64Array(size);
  for (let i = 0, at = 20; i < size; i++, at += 12) {
    if (view.getInt32(at) !== 8) return null;
    out[i] = view.getFloat64(at + 4);
  }
  return out;
}

function buildGroups(rows: Row[]): Map<number, Group> {
  const byDimension = new Map<number, { names: string[]; vectors: Float64Array[] }>();
  for (const row of rows) {
    const vector = decodeVector((row.embedding ?? null) as Buffer | null);
    if (vector === null || vector.length === 0) continue;
    let entry = byDimension.get(vector.length);
    if (entry === undefined) byDimension.set(vector.length, (entry = { names: [], vectors: [] }));
    entry.names.push(row.name as string);
    entry.vectors.push(vector);
  }
  const groups = new Map<number, Group>();
  for (const [dimension, { names, vectors }] of byDimension) {
    const matrix = new Float64Array(names.length * dimension);
    vectors.forEach((v, i) => matrix.set(v, i * dimension));
    groups.set(dimension, { names, matrix, row: new Map(names.map((n, i) => [n, i])) });
  }
  return groups;
}

/**
 * The registry's vectors held in process for semantic discovery: a full scan over a float64
 * matrix instead of unnesting float8[] arrays in SQL. Each use costs one small query (the registry
 * generation, bumped by triggers in the writer's transaction); the vectors are reloaded only when
 * it changed, so registrations by other processes or store handles are seen on the next query.
 * Memory: 8 bytes x dimension x tools (10,000 tools of 384 dimensions: 31 MB).
 */
export class VectorIndex {
  #snapshot: VectorSnapshot | null = null;
  #loading: Promise<VectorSnapshot> | null = null;

  constructor(private readonly rows: (query: Query, context: string) => Promise<Row[]>) {}

  /** The vectors of the current generation, reloaded first when the registry changed. */
  async current(): Promise<VectorSnapshot> {
    const row = (await this.rows(selectRegistryGeneration(), 'discoverTools generation'))[0];
    const generation = String(row?.generation ?? '');
    if (this.#snapshot?.generation === generation) return this.#snapshot;
    // Concurrent callers that find the same change share one reload.
    this.#loading ??= this.#load().finally(() => (this.#loading = null));
    return await this.#loading;
  }

  /** Drops the loaded vectors (the next query reloads them). */
  clear(): void {
    this.#snapshot = null;
  }

  async #load(): Promise<VectorSnapshot> {
    const rows = await this.rows(selectVectors(), 'discoverTools vectors');
    const generation = String(rows[0]?.generation ?? '');
    this.#snapshot = new VectorSnapshot(generation, buildGroups(rows));
    return this.#snapshot;
  }
}
