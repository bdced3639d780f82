import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  ConnectionError,
  DendriteError,
  ExecutionStore,
  loadConfig,
  startEmbeddedPostgres,
  type DatabaseConfig,
  type EmbeddedServer,
} from '../index.js';
import { CliFailure, EXIT_USAGE, describeFailure, type TargetDescription } from './failure.js';
import type { CliIo } from './io.js';

/** The folder `--embedded` uses when given without one. */
export const DEFAULT_EMBEDDED_DIR = '.dendrite';

/** What the user chose on the command line: `--embedded [dir]`, or nothing (the environment). */
export interface DatabaseChoice {
  embedded?: string | boolean | undefined;
  /** Delete the embedded server's data first (`demo --fresh`). */
  fresh?: boolean | undefined;
}

/** The server a command talks to, resolved and (when embedded) started. */
export interface Target extends TargetDescription {
  config: DatabaseConfig;
  server: EmbeddedServer | undefined;
  dataDir: string | undefined;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function embeddedDir(choice: DatabaseChoice): string | undefined {
  if (choice.embedded === undefined || choice.embedded === false) return undefined;
  // `--embedded=` (see normalizeArgs) and a bare `--embedded` both mean the default folder.
  return choice.embedded === true || choice.embedded === ''
    ? DEFAULT_EMBEDDED_DIR
    : choice.embedded;
}

/**
 * Resolves the database (starting the embedded server when asked), runs fn, and always stops what
 * it started. Any error leaves as a CliFailure phrased for the terminal, the password never in it.
 */
export async function withTarget<T>(
  io: CliIo,
  choice: DatabaseChoice,
  fn: (target: Target) => Promise<T>,
): Promise<T> {
  const dir = embeddedDir(choice);
  let target: Target | undefined;
  try {
    if (dir === undefined) {
      if (choice.fresh)
        throw new CliFailure(
          '--fresh only empties the embedded server (it deletes its folder); with your own database, empty it yourself',
          EXIT_USAGE,
        );
      const config = loadConfig(io.env);
      const composeFits =
        LOOPBACK.has(config.host) &&
        config.port === 5432 &&
        existsSync(path.join(io.cwd, 'docker-compose.yml'));
      target = {
        ...describe(config, false),
        composeFits,
        config,
        server: undefined,
        dataDir: undefined,
      };
      return await fn(target);
    }
    const dataDir = path.resolve(io.cwd, dir, 'pg');
    // Until the server runs, failures are still about the embedded server, not a configured one.
    const starting = { host: '127.0.0.1', port: 0, user: '', database: '', embedded: true };
    if (choice.fresh) await rm(dataDir, { recursive: true, force: true });
    const server = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => {
      throw describeFailure(error, starting);
    });
    for (const notice of server.notices) io.err(notice);
    target = { ...describe(server.config, true), config: server.config, server, dataDir };
    try {
      return await fn(target);
    } finally {
      await server.stop();
    }
  } catch (error) {
    throw describeFailure(error, target);
  }
}

function describe(config: DatabaseConfig, embedded: boolean): TargetDescription {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
    embedded,
    ...(config.tls === undefined ? {} : { tlsMode: config.tls.mode }),
  };
}

/**
 * Opens a store on the chosen database for the duration of fn. The embedded server is migrated on
 * open (it is this tool's own); a configured database must already be (`dendrite-history migrate`).
 */
export async function withStore<T>(
  io: CliIo,
  choice: DatabaseChoice,
  fn: (store: ExecutionStore, target: Target) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  return await withTarget(io, choice, async (target) => {
    const store = await ExecutionStore.open({
      config: target.config,
      migrate: options.migrate ?? target.server !== undefined,
    }).catch((error: unknown) => {
      // pg reports a connect timeout (a host that never answers) as an Error without a code; while
      // connecting, anything unclassified means the server could not be reached.
      if (error instanceof DendriteError || codeOf(error) !== undefined) throw error;
      throw new ConnectionError(`no answer within the connect timeout`, { cause: error });
    });
    try {
      return await fn(store, target);
    } finally {
      await store.close();
    }
  });
}
