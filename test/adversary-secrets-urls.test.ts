// Database URLs typed wrong in ways beyond the examples of issue 10 item 14: the "@" before the
// host forgotten (so an "@", "#", "?" or "/" in the password runs into the host), schemes typed
// as `postgres:/`, `postgres:` or `postgres:\\`, a quote glued to a libpq value. No message, CLI
// line or masked text may show any piece of the password.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFromUrl, loadConfig, maskConnectionString } from '../src/config.js';
import { cli } from './helpers/cli.js';

// Pieces use letters no message, host or user here holds four of in a row.
const PIECE = fc.stringMatching(/^[QXZJKVWY]{4,8}$/);
const SPECIAL = fc.constantFrom('@', '#', '/', '?', ':', '&', '=', '%', '@@', '#@', '?@', '/@');
const PASSWORD = fc
  .tuple(PIECE, fc.array(fc.tuple(SPECIAL, PIECE), { minLength: 1, maxLength: 3 }))
  .map(([first, rest]) => ({
    text: first + rest.map(([s, p]) => s + p).join(''),
    pieces: [first, ...rest.map(([, p]) => p)],
  }));

/** Ways to get a URL wrong that the library's own property test does not generate. */
const TYPOS: ReadonlyArray<(password: string) => string> = [
  (p) => `postgres://app:${p}host/db`, // the "@" before the host forgotten
  (p) => `postgres://app:${p}`, // no host at all
  (p) => `postgres://app:${p}host:5432/db?sslmode=disable`,
  (p) => `postgresql:app:${p}@host/db`,
  (p) => `postgres:\\\\app:${p}@host/db`,
];

function messageOf(run: () => unknown): string {
  try {
    run();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

function shown(text: string, pieces: readonly string[]): string | undefined {
  return pieces.find((piece) => text.includes(piece));
}

describe('a URL with the "@" before the host forgotten, or a typed scheme', () => {
  it('examples: the message says what is wrong and shows no piece of the password', () => {
    for (const [url, pieces] of [
      ['postgres://app:QXZJ@KVWY#JJQQhost/db', ['QXZJ', 'KVWY', 'JJQQ']],
      ['postgres://app:QXZJ?KVWYhost/db', ['QXZJ', 'KVWY']],
      ['postgres://app:QXZJ?KVWY', ['QXZJ', 'KVWY']],
    ] as const) {
      const message = messageOf(() => loadConfig({ DATABASE_URL: url }));
      expect(message).toMatch(/malformed/);
      expect(shown(message, pieces)).toBeUndefined();
    }
    // An unknown parameter is named only when it reads as a parameter name.
    expect(messageOf(() => configFromUrl('postgres://app@host/db?sslmod=require'))).toContain(
      '"sslmod"',
    );
    expect(messageOf(() => configFromUrl('postgres://app@host/db?QXZJ=1'))).not.toContain('QXZJ');
    expect(messageOf(() => configFromUrl('postgres://a:b@host/db?sslmode=QXZJ'))).not.toContain(
      'QXZJ',
    );
  });

  it('printed text: a typed scheme and a space in the password, a quote glued to a libpq value', () => {
    for (const text of [
      'postgres:/app:QXZJ KVWY@host/db',
      'postgresql:app:QXZJ KVWY@host/db',
      "host=db password='QXZJ'KVWY dbname=app",
      'see postgres://app:QXZJ@KVWY#JJQQhost/db',
    ])
      expect(shown(maskConnectionString(text), ['QXZJ', 'KVWY', 'JJQQ'])).toBeUndefined();
    // Readable parts stay.
    expect(maskConnectionString('postgres://app:QXZJ@db.example:5432/app#x')).toBe(
      'postgres://app:***@db.example:5432/app#x',
    );
  });

  it('property: no piece in loadConfig / configFromUrl messages or masked text', () => {
    fc.assert(
      fc.property(PASSWORD, fc.nat(TYPOS.length - 1), (password, typo) => {
        const url = TYPOS[typo]!(password.text);
        // With the host's "@" forgotten, a password's last "@" is the host's: what follows it is
        // a valid host to every reader (app:QXZJ@KVWYhost), so only the pieces before it count.
        const last = typo < 3 ? password.text.lastIndexOf('@') : -1;
        // A piece that also occurs in that host part is shown as the host, not as a password.
        const host = last < 0 ? '' : password.text.slice(last);
        const pieces =
          last < 0
            ? password.pieces
            : password.pieces.filter((p) => password.text.indexOf(p) < last && !host.includes(p));
        for (const env of [{ DATABASE_URL: url }, { POSTGRES_READ_URL: url }])
          expect(
            shown(
              messageOf(() => loadConfig(env)),
              pieces,
            ),
          ).toBeUndefined();
        expect(
          shown(
            messageOf(() => configFromUrl(url)),
            pieces,
          ),
        ).toBeUndefined();
        expect(shown(maskConnectionString(`failed: ${url}`), pieces)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('the CLI (exit 2) shows no piece of such a URL', async () => {
    for (const url of [
      'postgres://app:QXZJ@KVWY#JJQQhost/db',
      'postgres://app:QXZJ?KVWYhost/db',
      'postgresql:app:QXZJ KVWY@127.0.0.1:1/db',
    ]) {
      const run = await cli(['stats'], { env: { DATABASE_URL: url } });
      expect(run.code).toBe(2);
      expect(shown(run.stdout + run.stderr, ['QXZJ', 'KVWY', 'JJQQ'])).toBeUndefined();
    }
  });
});

describe("commander's own messages quote the arguments given", () => {
  it('a password pasted into an option is not echoed on stderr', async () => {
    const pasted = await cli(['recent', '--limit', 'postgres://app:QXZJKVWY@db/prod']);
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).toContain('is invalid');
    expect(pasted.stderr).not.toContain('QXZJKVWY');
    const env = await cli(['recent', '--limit', 'QXZJKVWY'], {
      env: { POSTGRES_PASSWORD: 'QXZJKVWY' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).not.toContain('QXZJKVWY');
  });
});
