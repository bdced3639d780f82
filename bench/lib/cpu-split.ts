// Gives a local PostgreSQL server cores of its own and this process the others (Linux taskset),
// the nearest this one machine gets to a database on its own host: the producer's CPU (the
// orchestrator, the middleware, the hand-written logger) is then not taken from the server.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

export interface CoreSplit {
  /** "server on core 1, benchmark on core 0" */
  description: string;
  /** Pins the server (the postmaster and every process it has forked) and this process. */
  apply(): void;
  /** Both back on every core. */
  restore(): void;
}

function taskset(cores: string, pid: number): void {
  // -a: every thread of the process (libuv's pool, the server's helpers)
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

/** The postmaster and its children now; backends forked later inherit the postmaster's cores. */
function serverProcesses(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

function pinServer(postmaster: number, cores: string): void {
  taskset(cores, postmaster);
  for (const pid of serverProcesses(postmaster).slice(1)) {
    try {
      taskset(cores, pid);
    } catch {
      // a backend that ended between the scan and here
    }
  }
}

/**
 * A split for the server whose data folder is `dataDir`, or why there is none: not Linux, fewer
 * than two cores, no taskset, or a server that is not local (DATABASE_URL).
 */
export function coreSplit(dataDir: string | undefined): CoreSplit | string {
  if (dataDir === undefined) return 'the server is not local (DATABASE_URL)';
  if (process.platform !== 'linux') return 'core pinning needs Linux';
  const cores = availableParallelism();
  if (cores < 2) return 'one core only';
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return 'taskset (util-linux) is not installed';
  }
  const postmaster = Number(
    readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  // Half each, the server's half rounded up: one core each on a two-core machine.
  const serverFirst = Math.floor(cores / 2);
  const serverCores = `${serverFirst}-${cores - 1}`;
  const ownCores = `0-${serverFirst - 1}`;
  const all = `0-${cores - 1}`;
  const describe = (first: number, last: number) =>
    first === last ? `core ${first}` : `cores ${first}-${last}`;
  return {
    description: `server on ${describe(serverFirst, cores - 1)}, benchmark on ${describe(0, serverFirst - 1)}`,
    apply() {
      pinServer(postmaster, serverCores);
      taskset(ownCores, process.pid);
    },
    restore() {
      pinServer(postmaster, all);
      taskset(all, process.pid);
    },
  };
}
