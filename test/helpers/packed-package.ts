import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
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
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface PackageJson {
  name: string;
  version: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

const npm = (args: string[], cwd: string) =>
  execFileAsync('npm', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });

/**
 * The user's lockfile: the package itself from the tarball, plus exactly the packages the
 * repository's lockfile installs for production (and @types/node, which a TypeScript user of a
 * Node library has). Installing from it with `npm ci --offline` needs no registry: every tarball
 * is in npm's cache since the repository's own `npm ci`.
 */
function userLockfile(
  repoLock: Lockfile,
  pkg: PackageJson,
  integrity: string,
  typesNode: string,
): Lockfile {
  const packages: Record<string, LockEntry> = {
    '': {
      name: 'dendrite-user-project',
      dependencies: { [pkg.name]: `file:${pkg.name}.tgz` },
      devDependencies: { '@types/node': typesNode },
    },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${pkg.name}.tgz`,
      integrity,
      license: 'MIT',
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    if (key === '' || !key.startsWith('node_modules/')) continue;
    const forTypes = key === 'node_modules/@types/node' || key === 'node_modules/undici-types';
    if (entry.dev === true && !forTypes) continue;
    const { dev: _dev, devOptional, ...rest } = entry;
    packages[key] = devOptional === true ? { ...rest, optional: true } : rest;
    if (forTypes) packages[key] = { ...packages[key], dev: true };
  }
  return { lockfileVersion: 3, requires: true, packages } as Lockfile;
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
    const typesNode = pkg.devDependencies['@types/node']!;
    const repoLock = JSON.parse(
      await readFile(path.join(REPO, 'package-lock.json'), 'utf8'),
    ) as Lockfile;
    const sri = `sha512-${createHash('sha512').update(content).digest('base64')}`;
    const lock = JSON.stringify(userLockfile(repoLock, pkg, sri, typesNode), null, 2);
    // The project is reused while both the tarball and what it installs stay the same.
    const hash = createHash('sha256').update(content).update(lock).digest('hex').slice(0, 16);
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
            dependencies: { [pkg.name]: `file:${pkg.name}.tgz` },
            devDependencies: { '@types/node': typesNode },
          },
          null,
          2,
        ),
      );
      await writeFile(path.join(dir, 'package-lock.json'), lock);
      await npm(['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
      await writeFile(path.join(dir, '.ready'), `${new Date().toISOString()}\n`);
    }
    await writeFile(path.join(dir, 'files.json'), JSON.stringify(files));
    await rm(staging, { recursive: true, force: true });
    // Projects of earlier builds: gone, so the folder does not grow run after run.
    for (const entry of await readdir(root))
      if (entry !== hash && !entry.startsWith('.') && !entry.startsWith('pack-'))
        await rm(path.join(root, entry), { recursive: true, force: true });
    return { dir, files };
  });
}
