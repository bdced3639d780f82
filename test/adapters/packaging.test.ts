import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const FRAMEWORKS = [
  'ai',
  '@ai-sdk/',
  '@langchain/',
  'langchain',
  '@openai/agents',
  '@opentelemetry/',
];
const ADAPTERS = ['otel', 'ai-sdk', 'langchain', 'openai-agents'];

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

function imports(code: string): string[] {
  return [...code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

function isFramework(specifier: string): boolean {
  return FRAMEWORKS.some((f) =>
    f.endsWith('/') ? specifier.startsWith(f) : specifier === f || specifier.startsWith(`${f}/`),
  );
}

describe('framework adapters: packaging', () => {
  it('keeps every framework import inside src/adapters', async () => {
    const offenders: string[] = [];
    for (const dir of ['src', 'jobs', 'migrations'])
      for (const file of await sources(path.join(repo, dir))) {
        if (file.startsWith(path.join(repo, 'src', 'adapters') + path.sep)) continue;
        for (const specifier of imports(await readFile(file, 'utf8')))
          if (isFramework(specifier)) offenders.push(`${path.relative(repo, file)}: ${specifier}`);
      }
    expect(offenders).toEqual([]);
  });

  it('imports in each adapter only its own framework and the public API', async () => {
    const allowed: Record<string, (s: string) => boolean> = {
      otel: (s) => s.startsWith('@opentelemetry/'),
      'ai-sdk': (s) => s === 'ai',
      langchain: (s) => s.startsWith('@langchain/core/'),
      'openai-agents': (s) => s === '@openai/agents',
      shared: () => false,
    };
    for (const [adapter, ok] of Object.entries(allowed))
      for (const file of await sources(path.join(repo, 'src', 'adapters', adapter)))
        for (const specifier of imports(await readFile(file, 'utf8'))) {
          if (specifier.startsWith('.')) {
            // Relative imports stay in the adapters, or reach the core only through its index.
            const target = path.resolve(path.dirname(file), specifier);
            const inAdapters = target.startsWith(path.join(repo, 'src', 'adapters') + path.sep);
            expect(
              inAdapters || target === path.join(repo, 'src', 'index.js'),
              `${file}: ${specifier}`,
            ).toBe(true);
          } else expect(ok(specifier), `${file}: ${specifier}`).toBe(true);
        }
  });

  it('declares each framework as an optional peer and a sub-path export per adapter', async () => {
    const pkg = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
      exports: Record<string, { types: string; import: string }>;
    };
    for (const name of Object.keys(pkg.dependencies)) expect(isFramework(name), name).toBe(false);
    for (const name of Object.keys(pkg.peerDependencies))
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
    for (const adapter of ADAPTERS) {
      expect(pkg.exports[`./${adapter}`]).toEqual({
        types: `./dist/src/adapters/${adapter}/index.d.ts`,
        import: `./dist/src/adapters/${adapter}/index.js`,
      });
      await expect(
        readFile(path.join(repo, 'src', 'adapters', adapter, 'index.ts')),
      ).resolves.toBeDefined();
    }
  });
});
