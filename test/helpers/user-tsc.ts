import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Compiles files of a user's project the way a careful user would: `strict`, and
 * `skipLibCheck: false` so every .d.ts the package ships (and every type it leans on) is checked.
 * Emits JavaScript next to the sources. Returns the compiler's `error TS` lines.
 */
export async function compileUserProject(dir: string, files: string[]): Promise<string[]> {
  const tsconfig = path.join(dir, 'tsconfig.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2024', 'ESNext.Disposable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
      },
      files,
    }),
  );
  const require = createRequire(import.meta.url);
  const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', tsconfig], {
    cwd: dir,
    encoding: 'utf8',
  });
  return `${result.stdout}${result.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
}
