import { createHash } from 'node:crypto';

/**
 * Which database spooled rows are meant for, as short digests in the file names: a spool folder
 * shared by handles on different databases replays each file only into its own database.
 *
 * Two keys name a database. The server key (the cluster's system_identifier, the database and
 * the user) is exact and survives another route to the same server (proxy, other host name);
 * it needs an answer from the server. The config key (host, port, database, user) is known at
 * once, so rows spooled before the server ever answered still carry a target.
 */

export interface ConfigTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export interface ServerTarget {
  systemIdentifier: string;
  database: string;
  user: string;
}

function digest(parts: readonly (string | number)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

export function configKey(t: ConfigTarget): string {
  return `c${digest(['config', t.host, t.port, t.database, t.user])}`;
}

export function serverKey(t: ServerTarget): string {
  return `s${digest(['server', t.systemIdentifier, t.database, t.user])}`;
}

/** The keys a spool replays: its server key once known, and its config key. */
export class SpoolTarget {
  private server: string | undefined;

  constructor(readonly config: string) {}

  /** The key new files are named with. */
  get writeKey(): string {
    return this.server ?? this.config;
  }

  get confirmed(): boolean {
    return this.server !== undefined || this.configOnly;
  }

  private configOnly = false;

  confirm(key: string): void {
    this.server = key;
  }

  /** The server cannot say which database it is: the config key stays the only name. */
  confirmConfigOnly(): void {
    this.configOnly = true;
  }

  /**
   * Before the server has said which database it is, a file with another server key may still
   * be ours: true for anything not known to be foreign.
   */
  mayAccept(target: string | null): boolean {
    return !this.confirmed || this.accepts(target);
  }

  /** True when a file of `target` belongs here (files of earlier versions carry none: replayed). */
  accepts(target: string | null): boolean {
    return target === null || target === this.config || target === this.server;
  }
}
