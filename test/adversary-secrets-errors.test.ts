// Error texts (issue 10 item 23) for an --embedded folder that cannot be made: where mkdir fails
// with ENOENT under an existing folder (/proc/x on Linux), Node's recursive mkdir never settles,
// so the command hung for ever. Now a ConfigError naming the folder, exit 2.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/index.js';
import { cli } from './helpers/cli.js';

describe.runIf(existsSync('/proc/self'))('an embedded data folder that cannot be made', () => {
  it('is a ConfigError naming the folder, and exit 2 from the CLI (no hang)', async () => {
    await expect(
      startEmbeddedPostgres({ dataDir: '/proc/dendrite-adversary/pg' }),
    ).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('cannot create its data folder /proc/dendrite-adversary'),
    });
    const run = await cli(['recent', '--embedded', '/proc/dendrite-adversary']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot create its data folder /proc/dendrite-adversary');
  }, 20_000);
});
