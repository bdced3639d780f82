// Connection strings: libpq's parameters honoured (TLS against a real server with a self-signed
// certificate), malformed URLs refused without ever showing the password (property-tested).
import { execFileSync } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromUrl, loadConfig, maskConnectionString } from '../src/config.js';
import { clientConfig } from '../src/db/client-config.js';
import { freePort } from '../src/db/embedded.js';
import { ExecutionStore, startEmbeddedPostgres, type EmbeddedServer } from '../src/index.js';
import { poolOf } from '../src/store/internal.js';
import { cli, cliProcess } from './helpers/cli.js';

// Password pieces use letters no message, host or user here contains in a row of four.
const PIECE = fc.stringMatching(/^[QXZJKVWY]{4,8}$/);
const SPECIAL = fc.constantFrom(
  ...['@', '#', '/', ':', '?', '%', '&', '=', '+', ' ', '!', '$', '\\', '%4', '%zz', '%40'],
  ...['[', ']', ';', ',', '"', "'", '\t', '@@', '//', ':@', '\u00e9', '\u{1F511}'],
);
const PASSWORD = fc
  .tuple(PIECE, fc.array(fc.tuple(SPECIAL, PIECE), { minLength: 0, maxLength: 3 }))
  .map(([first, rest]) => ({
    text: first + rest.map(([s, p]) => s + p).join(''),
    pieces: [first, ...rest.map(([, p]) => p)],
  }));

function shapes(password: string, port: number): string[] {
  const host = `127.0.0.1:${port}`;
  return [
    `postgres://app:${password}@${host}/db`,
    `postgres//app:${password}@${host}/db`,
    `postgres:/app:${password}@${host}/db`,
    `app:${password}@${host}/db`,
    `postgresql://app:${password}@${host}/db?sslmode=disable`,
    `postgres://app@${host}/db?password=${password}`,
    `postgres://app:${encodeURIComponent(password)}@${host}/db`,
    `  postgres://app:${password}@${host}  `,
  ];
}

function leaked(text: string, pieces: readonly string[]): string | undefined {
  return pieces.find((piece) => text.includes(piece));
}

describe('malformed URLs never show the password (10.14)', () => {
  it('names the URL malformed for the examples of the issue, the password masked', () => {
    for (const [url, secret] of [
      ['postgres//user:QXZJKVWY@host/db', 'QXZJKVWY'],
      ['postgres://user:QXZJ@KVWY@host/db', 'KVWY'],
      ['postgres://user:QXZJ#KVWY@host/db', 'QXZJ'],
      ['postgres://user:1234/KVWYQ@host/db', 'KVWYQ'],
      ['user:QXZJKVWY@host/db', 'QXZJKVWY'],
    ] as const) {
      for (const name of ['DATABASE_URL', 'POSTGRES_READ_URL'] as const) {
        let message = '';
        try {
          const config = loadConfig({ [name]: url });
          // A password with an unencoded "@" still parses (the last "@" ends it): no leak there.
          expect(config.password === 'QXZJ@KVWY' || config.readUrl === url).toBe(true);
          continue;
        } catch (error) {
          expect(error).toMatchObject({ code: 'CONFIG' });
          message = (error as Error).message;
        }
        expect(message).toContain(`${name} is malformed`);
        expect(message).not.toContain(secret);
      }
    }
    expect(() => configFromUrl('postgres//user:QXZJKVWY@host/db')).toThrow(
      /connectionString is malformed/,
    );
    expect(maskConnectionString('see postgres://u:QXZJ@KVWY@h/db and x')).toBe(
      'see postgres://u:***@h/db and x',
    );
  });

  it('property: no generated password shows in any error or CLI output', async () => {
    const port = await freePort();
    await fc.assert(
      fc.asyncProperty(PASSWORD, fc.nat(7), async (password, shape) => {
        const url = shapes(password.text, port)[shape]!;
        for (const env of [{ DATABASE_URL: url }, { POSTGRES_READ_URL: url }]) {
          try {
            loadConfig(env);
          } catch (error) {
            expect(leaked((error as Error).message, password.pieces)).toBeUndefined();
          }
        }
        try {
          const config = configFromUrl(url);
          expect(
            leaked(JSON.stringify({ ...config, password: '' }), password.pieces),
          ).toBeUndefined();
        } catch (error) {
          expect(leaked((error as Error).message, password.pieces)).toBeUndefined();
        }
        // In free text a URL ends at a space: a password holding one cannot be told apart there
        // (messages of this library never carry a URL as typed; the CLI check below covers it).
        if (!/\s/.test(password.text))
          expect(
            leaked(maskConnectionString(`failed: ${url.trim()}`), password.pieces),
          ).toBeUndefined();
        // The whole CLI path: config, connection attempt (nothing listens there), message.
        const run = await cli(['stats'], { env: { DATABASE_URL: url } });
        expect(run.code).toBe(2);
        expect(leaked(run.stdout + run.stderr, password.pieces)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });
});

describe('connection-string parameters (14.4)', () => {
  it('reads application_name, options and connect_timeout, and refuses unknown or bad ones', () => {
    const config = configFromUrl(
      'postgres://u:p@127.0.0.1:5433/db?application_name=billing&options=-c%20statement_timeout%3D1234&connect_timeout=3',
    );
    expect(config).toMatchObject({
      applicationName: 'billing',
      options: '-c statement_timeout=1234',
      connectTimeoutMs: 3000,
    });
    expect(clientConfig(config, 'x')).toMatchObject({
      application_name: 'billing',
      options: '-c statement_timeout=1234',
      connectionTimeoutMillis: 3000,
      ssl: false,
    });
    expect(() => configFromUrl('postgres://u:p@h/db?sslmod=require')).toThrow(
      /unknown parameter "sslmod"/,
    );
    expect(() => configFromUrl('postgres://u:p@h/db?sslmode=sometimes')).toThrow(
      /sslmode must be one of/,
    );
    expect(() => configFromUrl('postgres://u:p@h/db?sslmode=verify-ca')).toThrow(
      /needs sslrootcert/,
    );
    expect(() =>
      configFromUrl('postgres://u:p@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt'),
    ).toThrow(/cannot read \/nonexistent\/ca.crt/);
    expect(configFromUrl('postgres://u:p@h/db?sslmode=disable').tls).toBeUndefined();
    expect(configFromUrl('postgres://u:p@h/db?sslmode=no-verify').tls).toEqual(
      expect.objectContaining({ mode: 'require' }),
    );
  });
});

describe('TLS against a real server with a self-signed certificate (14.4)', () => {
  let base: string;
  let server: EmbeddedServer;
  let caFile: string;
  let otherCaFile: string;

  function openssl(args: string[], cwd: string): void {
    execFileSync('openssl', args, { cwd, stdio: 'ignore' });
  }

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'dendrite-tls-'));
    const certs = path.join(base, 'certs');
    await mkdir(certs, { mode: 0o700 });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-days',
        '2',
        '-subj',
        '/CN=dendrite test CA',
      ],
      certs,
    );
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'other.key',
        '-out',
        'other.crt',
        '-days',
        '2',
        '-subj',
        '/CN=someone else',
      ],
      certs,
    );
    openssl(
      ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'],
      certs,
    );
    await writeFile(path.join(certs, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.crt',
        '-days',
        '2',
        '-extfile',
        'san.ext',
      ],
      certs,
    );
    // Only TLS connections reach the application's database (the maintenance one, which the
    // embedded starter checks, takes plain ones): there "it worked" means TLS.
    await writeFile(
      path.join(certs, 'hba.conf'),
      'local all all trust\nhost postgres all 127.0.0.1/32 scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n',
    );
    if (process.getuid?.() === 0) {
      // As root the server runs as "postgres": its key must be its own.
      const [uid, gid] = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('postgres:'))!
        .split(':')
        .slice(2, 4)
        .map(Number);
      for (const file of ['', 'server.key', 'server.crt', 'hba.conf', 'ca.crt'])
        await chown(path.join(certs, file), uid!, gid!);
    }
    caFile = path.join(certs, 'ca.crt');
    otherCaFile = path.join(certs, 'other.crt');
    const tlsFlags = [
      '-c',
      'ssl=on',
      '-c',
      `ssl_cert_file=${path.join(certs, 'server.crt')}`,
      '-c',
      `ssl_key_file=${path.join(certs, 'server.key')}`,
    ];
    // The first start initialises the folder with the default pg_hba; the TLS-only one comes after.
    const first = await startEmbeddedPostgres({
      dataDir: path.join(base, 'data'),
      persistent: true,
      serverFlags: tlsFlags,
    });
    await first.stop();
    server = await startEmbeddedPostgres({
      dataDir: path.join(base, 'data'),
      serverFlags: [...tlsFlags, '-c', `hba_file=${path.join(certs, 'hba.conf')}`],
    });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  });

  async function sslOf(url: string): Promise<{ ssl: boolean; app: string; timeout: string }> {
    const store = await ExecutionStore.open({ connectionString: url, migrate: true });
    try {
      const { rows } = await poolOf(store).query<{ ssl: boolean; app: string; timeout: string }>(
        `SELECT s.ssl, a.application_name AS app, current_setting('statement_timeout') AS timeout
           FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE pid = pg_backend_pid()`,
      );
      return rows[0]!;
    } finally {
      await store.close();
    }
  }

  it('sslmode=require encrypts; verify-full checks the chain and the name', async () => {
    expect(
      await sslOf(
        `${server.url}?sslmode=require&application_name=tls-check&options=-c%20statement_timeout%3D4321`,
      ),
    ).toEqual({
      ssl: true,
      app: 'tls-check',
      timeout: '4321ms',
    });
    expect((await sslOf(`${server.url}?sslmode=verify-full&sslrootcert=${caFile}`)).ssl).toBe(true);
    expect((await sslOf(`${server.url}?sslmode=verify-ca&sslrootcert=${caFile}`)).ssl).toBe(true);
    await expect(
      sslOf(`${server.url}?sslmode=verify-full&sslrootcert=${otherCaFile}`),
    ).rejects.toMatchObject({
      code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/),
    });
  });

  it('the CLI connects over TLS, and says clearly when the certificate is refused', async () => {
    const plain = await cliProcess(['migrate'], { env: { DATABASE_URL: server.url } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('sslmode=require');
    const tls = await cliProcess(['migrate'], {
      env: { DATABASE_URL: `${server.url}?sslmode=require` },
    });
    expect(tls.stderr).toBe('');
    expect(tls.code).toBe(0);
    const full = await cliProcess(['recent', '--json'], {
      env: {
        DATABASE_URL: `${server.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`,
      },
    });
    expect(full.stderr).toBe('');
    expect(full.stdout.trim()).toBe('[]');
    const wrongCa = await cliProcess(['recent'], {
      env: {
        DATABASE_URL: `${server.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(otherCaFile)}`,
      },
    });
    expect(wrongCa.code).toBe(2);
    expect(wrongCa.stderr).toContain('TLS certificate was refused');
    expect(wrongCa.stderr).toContain('sslrootcert');
  });
});
