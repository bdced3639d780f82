import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Names a Chromium goes by on PATH, most likely first. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
/** Variables that name the browser explicitly, checked first. */
export const BROWSER_VARIABLES = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'];
/** Set to 1 to skip the browser checks on purpose (never silently). */
export const SKIP_BROWSER_VARIABLE = 'DENDRITE_SKIP_BROWSER_TESTS';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium (or Chrome) the dashboard test drives: `CHROMIUM_PATH` or
 * `PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH` when set, else chromium, chromium-browser or google-chrome
 * on PATH (Debian's /usr/bin/chromium included). Never a downloaded browser. Undefined if none.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: (file: string) => boolean = executable,
): string | undefined {
  for (const name of BROWSER_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') return isExecutable(value) ? value : undefined;
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin'])
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (isExecutable(file)) return file;
    }
  return undefined;
}

/** What to do when no browser is found, for the failure message and the README. */
export const BROWSER_HINT =
  'install one (Debian/Ubuntu: `apt-get install -y chromium`; .ci/run does) or point CHROMIUM_PATH at a Chromium or Chrome; set DENDRITE_SKIP_BROWSER_TESTS=1 to skip the browser checks on purpose';

/**
 * Starts the given Chromium headless with the flags these checks use everywhere: no sandbox (root
 * in CI), no GPU, and no background traffic of the browser's own (updates, sync, first-run pages),
 * so a test that counts foreign requests sees only the page's.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
