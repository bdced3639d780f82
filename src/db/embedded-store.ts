import path from 'node:path';
import { ValidationError } from '../errors.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';

/**
 * The `embedded` option of `ExecutionStore.open`: `true` for the default folder, or where to keep
 * the data.
 */
export type EmbeddedStoreOption = boolean | { dataDir?: string };

/**
 * Where `embedded: true` keeps its data, relative to the working folder: the same folder the
 * command line's `--embedded` uses, so `npx dendrite-history report --embedded` sees what the
 * code stored.
 */
export const DEFAULT_EMBEDDED_DATA_DIR = path.join('.dendrite', 'pg');

/** Starts the embedded PostgreSQL a store asked for, or nothing when it did not ask. */
export async function startStoreServer(
  option: EmbeddedStoreOption | undefined,
): Promise<EmbeddedServer | undefined> {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== 'object' || option === null))
    throw new ValidationError('embedded must be true, false or { dataDir }', 'embedded');
  const dataDir = option === true ? undefined : option.dataDir;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === ''))
    throw new ValidationError('embedded.dataDir must be a folder path', 'embedded.dataDir');
  return await startEmbeddedPostgres({ dataDir: dataDir ?? DEFAULT_EMBEDDED_DATA_DIR });
}

/**
 * Opens something on the embedded server when one is asked for: the server is started first,
 * `open` gets its URL, and a failed open stops it again. `open` gets undefined without one.
 */
export async function openOnEmbedded<T>(
  option: EmbeddedStoreOption | undefined,
  open: (connectionString: string | undefined) => Promise<T>,
): Promise<{ value: T; server: EmbeddedServer | undefined }> {
  const server = await startStoreServer(option);
  try {
    return { value: await open(server?.url), server };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}
