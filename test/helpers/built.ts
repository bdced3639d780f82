import { existsSync } from 'node:fs';

/**
 * Throws unless every compiled file exists. A test never builds dist/ itself: a build in the middle
 * of the suite rewrites dist/ under the other files' child processes (a half-written module was
 * seen). `npm test` builds first.
 */
export function requireBuilt(...files: string[]): void {
  for (const file of files)
    if (!existsSync(file))
      throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
}
