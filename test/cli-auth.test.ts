// Credentials as the built CLI meets them: no password, a wrong one, a malformed URL. Every
// command answers the same way, exit 2, and never prints the password.
import { beforeAll, describe, expect, it } from 'vitest';
import { cliProcess } from './helpers/cli.js';
import { createTestDatabase } from './helpers/db.js';

// Every command that connects, with arguments that would otherwise work.
const COMMANDS: readonly string[][] = [
  ['migrate'],
  ['migrate', '--revert'],
  ['stats'],
  ['top-tools'],
  ['recent'],
  ['success-rate'],
  ['rank', 'a_tool'],
  ['recommendations'],
  ['recommendations', 'accept', '1'],
  ['recommendations', 'dismiss', '1'],
  ['jobs', 'run', 'hourly-statistics'],
  ['jobs', 'history'],
  ['jobs', 'start'],
  ['report'],
  ['prune', '--older-than', '30d', '--dry-run'],
  ['demo', '--no-embedded', '--goals', '1'],
];

let url: URL;

/** Runs every command with this environment, a few at a time. */
async function everyCommand(
  env: Record<string, string>,
  commands: readonly string[][] = COMMANDS,
): Promise<Array<{ args: string[]; code: number; stderr: string; stdout: string }>> {
  const results = [];
  for (let i = 0; i < commands.length; i += 4) {
    const batch = commands.slice(i, i + 4);
    results.push(
      ...(await Promise.all(
        batch.map(async (args) => ({ args, ...(await cliProcess(args, { env })) })),
      )),
    );
  }
  return results;
}

beforeAll(async () => {
  url = new URL(await createTestDatabase());
});

describe('credentials (10.22, 10.14)', () => {
  it('says "no password given for user X" for a missing or empty password, exit 2, every command', async () => {
    const noPassword = new URL(url);
    noPassword.password = '';
    const viaUrl = await everyCommand({ DATABASE_URL: noPassword.toString() });
    const viaParts = await everyCommand(
      {
        POSTGRES_HOST: url.hostname,
        POSTGRES_PORT: url.port,
        POSTGRES_DB: url.pathname.slice(1),
        POSTGRES_USER: decodeURIComponent(url.username),
        POSTGRES_PASSWORD: '',
      },
      [['migrate'], ['stats'], ['jobs', 'start']],
    );
    for (const run of [...viaUrl, ...viaParts]) {
      expect(run.stderr, run.args.join(' ')).toContain(
        `no password given for user "${decodeURIComponent(url.username)}"`,
      );
      expect(run.stderr).not.toMatch(/SASL|no answer in time|at .*\.js/);
      expect(run.code, run.args.join(' ')).toBe(2);
    }
  }, 180_000);

  it('says "password rejected" for a wrong one, exit 2, every command', async () => {
    const wrong = new URL(url);
    wrong.password = 'QXZJ-wrong-KVWY';
    for (const run of await everyCommand({ DATABASE_URL: wrong.toString() })) {
      expect(run.stderr, run.args.join(' ')).toContain(
        `password rejected for user "${decodeURIComponent(url.username)}"`,
      );
      expect(run.stderr + run.stdout).not.toContain('QXZJ-wrong-KVWY');
      expect(run.code, run.args.join(' ')).toBe(2);
    }
  }, 180_000);

  it('calls a malformed URL malformed and masks the password, in every variable', async () => {
    const host = `${url.hostname}:${url.port}`;
    for (const [bad, secret] of [
      [`postgres//app:QXZJKVWY@${host}/db`, 'QXZJKVWY'],
      [`postgres://app:QXZJ@KVWY#ZZ@${host}/db`, 'KVWY'],
      [`postgres://app:QXZJ/KVWY@${host}/db`, 'KVWY'],
      [`app:QXZJKVWY@${host}/db`, 'QXZJKVWY'],
    ] as const)
      for (const name of bad.startsWith('app:')
        ? ['DATABASE_URL', 'POSTGRES_READ_URL']
        : ['DATABASE_URL']) {
        const run = await cliProcess(['stats'], { env: { [name]: bad } });
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${name} is malformed`);
        expect(run.stderr + run.stdout).not.toContain(secret);
      }
  });
});
