import { existsSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { newToken, ownerFileName, type OwnerRef } from './spool-names.js';

/**
 * Who owns a spool file, and is that owner still alive? Never decided by a PID alone: a PID is
 * reused (a container's first process is always 1), so a crashed process's files would look
 * "in use" forever. Each spool handle writes a lock file `<token>.owner` holding its process's
 * identity: PID plus the kernel's start time of that process, the boot id and the PID namespace.
 * On the same machine and namespace, the owner is alive exactly when a process with that PID
 * and that start time exists. Elsewhere (another host sharing the folder), the lock's heartbeat
 * (mtime, renewed every HEARTBEAT_MS) decides: stale after STALE_MS.
 */

const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;

export interface ProcessIdentity {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22); null off Linux. */
  start: string | null;
  boot: string | null;
  pidns: string | null;
  host: string;
}

function procStart(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) may hold spaces and parentheses: count from the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function readOr(fn: () => string): string | null {
  try {
    return fn().trim();
  } catch {
    return null;
  }
}

let self: ProcessIdentity | undefined;

/** This process's identity (computed once: none of it changes while the process lives). */
export function processIdentity(): ProcessIdentity {
  self ??= {
    pid: process.pid,
    start: procStart(process.pid),
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidns: readOr(() => readlinkSync('/proc/self/ns/pid')),
    host: hostname(),
  };
  return self;
}

function sameMachine(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.host === b.host && a.boot !== null && a.boot === b.boot && a.pidns === b.pidns;
}

function isIdentity(value: unknown): value is ProcessIdentity {
  const v = value as ProcessIdentity;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.pid) &&
    typeof v.host === 'string' &&
    (v.start === null || typeof v.start === 'string') &&
    (v.boot === null || typeof v.boot === 'string') &&
    (v.pidns === null || typeof v.pidns === 'string')
  );
}

/** Whether process `pid` exists (EPERM: it exists, owned by someone else). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This handle's lock file: created before its first spool file, removed at release. */
export class OwnerLock {
  readonly token = newToken();
  private heartbeat: NodeJS.Timeout | undefined;
  private held = false;

  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, ownerFileName(this.token));
  }

  /**
   * Writes the lock file if it is not there (atomically: a reader never sees half of it). Checked
   * each time, not only once: a folder deleted and made again under a live handle has lost the
   * lock, and without it the handle's files would look abandoned to every other handle.
   */
  ensure(): void {
    if (this.held && existsSync(this.file)) return;
    this.write();
    if (this.held) return;
    this.held = true;
    this.heartbeat = setInterval(() => {
      const now = new Date();
      utimes(this.file, now, now).catch(() => {
        // Gone (the folder was emptied or made again): put it back if the folder is there.
        if (this.held && existsSync(this.dir)) {
          try {
            this.write();
          } catch {
            // the folder went away again; the next spool write makes both again
          }
        }
      });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private write(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(processIdentity()), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Removes the lock file: files still named after this owner are free for anyone. */
  async release(): Promise<void> {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (!this.held) return;
    this.held = false;
    await unlink(this.file).catch(() => undefined);
  }
}

/** Judges owners, caching each verdict for one pass over the folder. */
export class OwnerJudge {
  private readonly verdicts = new Map<string, Promise<boolean>>();
  private readonly me = processIdentity();

  constructor(private readonly dir: string) {}

  /** Owners judged dead in this pass (their lock files may be removed once their files are taken). */
  deadTokens(): Promise<string[]> {
    const entries = [...this.verdicts.entries()];
    return Promise.all(entries.map(async ([k, v]) => ((await v) ? undefined : k))).then((keys) =>
      keys.filter((k): k is string => k !== undefined && k.startsWith('t:')).map((k) => k.slice(2)),
    );
  }

  alive(owner: OwnerRef, filePath: string): Promise<boolean> {
    const key = owner.kind === 'token' ? `t:${owner.token}` : `p:${owner.pid}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      verdict =
        owner.kind === 'token' ? this.tokenAlive(owner.token) : this.pidAlive(owner.pid, filePath);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private async tokenAlive(token: string): Promise<boolean> {
    const file = path.join(this.dir, ownerFileName(token));
    let text: string;
    let mtimeMs: number;
    try {
      [text, mtimeMs] = await Promise.all([
        readFile(file, 'utf8'),
        stat(file).then((s) => s.mtimeMs),
      ]);
    } catch {
      return false; // no lock: the owner released it (closed) or never lived past a crash
    }
    let owner: unknown;
    try {
      owner = JSON.parse(text);
    } catch {
      owner = undefined;
    }
    if (isIdentity(owner) && sameMachine(owner, this.me)) {
      if (owner.pid === this.me.pid) return owner.start === this.me.start;
      const start = procStart(owner.pid);
      if (start === null) return false;
      return start === owner.start;
    }
    if (isIdentity(owner) && owner.host === this.me.host && this.me.boot === null) {
      // No /proc here: a PID that does not exist is conclusive; one that exists is not.
      if (!pidExists(owner.pid)) return false;
    }
    return Date.now() - mtimeMs < STALE_MS;
  }

  /**
   * Files of earlier versions name a PID. Not ours (our handles use tokens); a PID that is gone,
   * or whose process started after the file was last written (the PID was reused), is dead.
   */
  private async pidAlive(pid: number, filePath: string): Promise<boolean> {
    if (pid === this.me.pid || !pidExists(pid)) return false;
    const start = procStart(pid);
    const boot = readOr(
      () => readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)$/m)?.[1] ?? '',
    );
    if (start === null || boot === null || boot === '') return true;
    // Clock ticks are 1/100 s on every Linux that Node supports (USER_HZ).
    const startedAtMs = (Number(boot) + Number(start) / 100) * 1000;
    try {
      return (await stat(filePath)).mtimeMs >= startedAtMs;
    } catch {
      return true;
    }
  }
}
