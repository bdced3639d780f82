import { PluginError } from '../errors.js';
import type { Embedder } from './types.js';

/**
 * Calls the user's embedder and checks what it answers before anything is written: one vector per
 * text, finite numbers, one dimension (the stored one when vectors already exist), not all zero.
 * Vectors come back scaled to unit length, so cosine similarity is a dot product in SQL.
 */
export async function embedTexts(
  embed: Embedder,
  texts: string[],
  expectedDimension: number | null,
): Promise<number[][]> {
  if (typeof embed !== 'function')
    throw new PluginError('embed', `embed must be a function (texts) => Promise<number[][]>`);
  let vectors: unknown;
  try {
    vectors = await embed([...texts]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginError('embed', `the embedder failed: ${message}`, { cause: error });
  }
  if (!Array.isArray(vectors) || vectors.length !== texts.length)
    throw new PluginError(
      'embed',
      `the embedder must answer one vector per text (${texts.length}), got ${Array.isArray(vectors) ? vectors.length : typeof vectors}`,
    );
  let dimension = expectedDimension;
  return vectors.map((vector: unknown, i) => {
    if (!Array.isArray(vector) || vector.length === 0)
      throw new PluginError('embed', `vector ${i} is not a non-empty array of numbers`);
    dimension ??= vector.length;
    if (vector.length !== dimension)
      throw new PluginError(
        'embed',
        `vector ${i} has ${vector.length} dimensions, expected ${dimension}${expectedDimension === null ? '' : ' (the stored vectors have that many: re-register every tool to change models)'}`,
      );
    let norm = 0;
    for (const x of vector) {
      if (typeof x !== 'number' || !Number.isFinite(x))
        throw new PluginError('embed', `vector ${i} holds a value that is not a finite number`);
      norm += x * x;
    }
    if (norm === 0) throw new PluginError('embed', `vector ${i} is all zeros`);
    const scale = 1 / Math.sqrt(norm);
    return (vector as number[]).map((x) => x * scale);
  });
}

/** The text embedded for a tool: its name in words, then what it does. */
export function toolText(name: string, description: string): string {
  const words = name.replace(/[_\-.]+/g, ' ').trim();
  return description === '' ? words : `${words}: ${description}`;
}
