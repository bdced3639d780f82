// Secrets in spellings and shapes beyond the examples of issue 10 (items 14, 15, 19): other
// separators, markup, command lines, vendor tokens, libpq keyword strings, Unicode look-alikes.
// Each case names a class; the secret part must never come out, the readable part must stay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, maskSecrets, sanitizeJson } from '../src/index.js';
import { maskConnectionString, parseConnectionString } from '../src/connection-string.js';

const SECRET = 'Adv3rs4ry-S3cr3t';

function stored(value: unknown): string {
  return JSON.stringify(sanitizeJson(value));
}

describe('connection strings in libpq keyword form', () => {
  const texts = [
    `host=db user=app password=${SECRET} dbname=prod`,
    `host=db password = ${SECRET} dbname=prod`,
    `host=db password='${SECRET} with space' dbname=prod`,
    `dbname=prod;Password=${SECRET};host=db`,
  ];
  it.each(texts)('masks the password in messages and printed text: %s', (text) => {
    expect(maskConnectionString(`connect failed: ${text}`)).not.toContain('Adv3rs4ry');
    let message = '';
    try {
      parseConnectionString(text, 'DATABASE_URL', { host: 'localhost', user: 'u' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('malformed');
    expect(message).not.toContain('Adv3rs4ry');
  });
});

describe('assignments written with other separators', () => {
  const cases: Array<[string, string]> = [
    ['no-break spaces around =', `password\u00a0=\u00a0${SECRET}`],
    ['ideographic space after :', `token:\u3000${SECRET}`],
    ['URL-encoded query inside a URL', `/login?next=%2Fcb%3Fapi_key%3D${SECRET}%26x%3D1`],
    ['XML element', `<config><password>${SECRET}</password><user>bob</user></config>`],
    ['XML element, attribute on it', `<ApiKey type="x">${SECRET}</ApiKey>`],
  ];
  it.each(cases)('%s', (_name, text) => {
    const out = maskSecrets(text);
    expect(out).not.toContain('Adv3rs4ry');
    expect(out).toContain(REDACTED);
  });

  it('keeps the rest of markup readable', () => {
    expect(maskSecrets(`<password>${SECRET}</password><user>bob</user>`)).toBe(
      `<password>${REDACTED}</password><user>bob</user>`,
    );
  });

  it('property: any whitespace mix around the separator', () => {
    const space = fc.constantFrom(' ', '\t', '\u00a0', '\u2007', '\u202f', '\u3000', '');
    fc.assert(
      fc.property(
        fc.constantFrom('password', 'api_key', 'secret', 'AUTH_TOKEN', 'client-secret'),
        fc.array(space, { maxLength: 3 }),
        fc.constantFrom('=', ':', '=>'),
        fc.array(space, { maxLength: 3 }),
        (key, before, sep, after) => {
          const text = `cfg ${key}${before.join('')}${sep}${after.join('')}${SECRET} end`;
          expect(maskSecrets(text)).not.toContain('Adv3rs4ry');
        },
      ),
    );
  });
});

describe('command lines and vendor tokens', () => {
  const cases: Array<[string, string, string]> = [
    ['mysql -p<password>', `mysql -u root -p${SECRET} shop`, SECRET],
    ['mysqldump --password <pw>', `mysqldump --password ${SECRET} shop`, SECRET],
    ['sshpass -p', `sshpass -p ${SECRET} ssh deploy@host`, SECRET],
    [
      'Telegram bot token',
      'GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe',
      'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
    ],
    [
      'Discord bot token',
      'login failed for Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs (401)',
      'ZnCjm1XVW7vRze4b7Cq4se7kKWs',
    ],
  ];
  it.each(cases)('%s', (_name, text, secret) => {
    expect(maskSecrets(text)).not.toContain(secret);
  });

  it('leaves ssh -p <port> and prose readable', () => {
    for (const text of ['ssh -p 2222 deploy@host', 'the robot 12 said hi', 'mysql -h db -P 3306'])
      expect(maskSecrets(text)).toBe(text);
  });
});

describe('keys', () => {
  it('judges keys written with Unicode look-alikes (full-width, compatibility forms)', () => {
    for (const key of ['ｐａｓｓｗｏｒｄ', 'ＡＰＩ＿ＫＥＹ', 'ﬁle_secret'])
      expect(stored({ [key]: SECRET }), key).not.toContain('Adv3rs4ry');
  });

  it('redacts payment and identity secrets', () => {
    for (const key of [
      'ssn',
      'customer_ssn',
      'card_number',
      'cardNumber',
      'credit_card',
      'creditCardNumber',
      'cc_number',
      'cvv2',
      'client_assertion',
      'SAMLResponse',
      'code_verifier',
      'wifi_psk',
      'serviceAccountJson',
    ])
      expect(stored({ [key]: SECRET }), key).not.toContain('Adv3rs4ry');
  });

  it('keeps keys that describe a secret rather than hold it readable', () => {
    const described = {
      token_type: 'Bearer',
      authMethod: 'oauth2',
      auth_type: 'basic',
      password_policy: 'min 12 characters',
      signature_algorithm: 'RS256',
      secretName: 'prod/db',
      cookie_name: 'sid',
      passwordRequired: 'yes',
      auth_provider: 'github',
      encryption_mode: 'gcm',
    };
    expect(sanitizeJson(described)).toEqual(described);
  });

  it('still redacts keys that hold the secret next to a describing word', () => {
    for (const key of ['token', 'typeToken', 'auth_header', 'session_id', 'token_url', 'secret'])
      expect(stored({ [key]: SECRET }), key).not.toContain('Adv3rs4ry');
  });
});

describe('secrets written in SQL, config files and prose keys', () => {
  const cases: Array<[string, string]> = [
    ['ALTER USER … PASSWORD', `ALTER USER app WITH PASSWORD '${SECRET}';`],
    ['CREATE ROLE … ENCRYPTED PASSWORD', `create role app login encrypted password "${SECRET}"`],
    ['IDENTIFIED BY', `CREATE USER 'u'@'%' IDENTIFIED BY '${SECRET}';`],
    ['SET PASSWORD = PASSWORD()', `SET PASSWORD FOR 'u'@'h' = PASSWORD('${SECRET}')`],
    ['.netrc line', `machine api.example.com login bob password ${SECRET}`],
    ['GitHub Actions mask', `echo "::add-mask::${SECRET}"`],
    ['key in words, colon', `Access Key ID: AKIAIOSFODNN7EXAMPLE Secret Access Key: ${SECRET}`],
    ['key in words, equals', `Secret Key = ${SECRET}`],
    ['key in words, lower case', `your api key: ${SECRET}`],
    ['seed phrase to the end of the line', `seed phrase: ${SECRET} abandon ability\nnext: 1`],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(maskSecrets(text)).not.toContain('Adv3rs4ry');
  });

  it('keeps phrases that only mention a key readable', () => {
    for (const text of [
      'Note the key: rotate it monthly',
      'primary key: id',
      'machine learning, default login page',
      '{"password":true}',
      '<input type="password" name="pw">',
    ])
      expect(maskSecrets(text)).toBe(text);
  });
});

describe('name/value objects (Kubernetes env, HAR headers, CloudFormation, tags)', () => {
  it('judges the value by the name it carries, in a stored row', async () => {
    const { openTestStore } = await import('./helpers/db.js');
    const { poolOf } = await import('../src/store/internal.js');
    const { store } = await openTestStore();
    const id = await store.storeExecution({
      goalText: 'deploy',
      metadata: {
        env: [
          { name: 'DB_PASSWORD', value: SECRET },
          { name: 'LOG_LEVEL', value: 'debug' },
        ],
        har: { headers: [{ name: 'Cookie', value: `sid=${SECRET}` }] },
        cfn: [{ ParameterKey: 'DbPassword', ParameterValue: SECRET }],
        tags: [{ Key: 'api_key', Value: SECRET }],
        usage: { name: 'tokens', value: 812 },
      },
    });
    const row = (
      await poolOf(store).query('SELECT metadata FROM executions WHERE execution_id = $1', [id])
    ).rows[0] as { metadata: Record<string, unknown> };
    expect(JSON.stringify(row.metadata)).not.toContain('Adv3rs4ry');
    expect(row.metadata.env).toEqual([
      { name: 'DB_PASSWORD', value: REDACTED },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(row.metadata.cfn).toEqual([{ ParameterKey: 'DbPassword', ParameterValue: REDACTED }]);
    expect(row.metadata.usage).toEqual({ name: 'tokens', value: 812 });
  });
});

describe('more ways to write an assignment', () => {
  const cases: Array<[string, string]> = [
    ["make's ?=", `password ?= ${SECRET}`],
    ["R's <-", `password <- "${SECRET}"`],
    ['an arrow', `password → ${SECRET}`],
    ["SQL's N'…'", `@password = N'${SECRET}'`],
    ['an index after the key', `password[0]=${SECRET}`],
    ['a call with (key, value)', `config.set("password", "${SECRET}")`],
    ['a header set by a call', `headers.append( 'Authorization', 'Bearer ${SECRET}')`],
    ['pretty-printed JSON, value on the next line', `"password": \n  "${SECRET}"`],
    ['YAML, value on the next line', `password:\n  ${SECRET}`],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(maskSecrets(text)).not.toContain('Adv3rs4ry');
  });

  it('a key with nothing under it leaves the next line alone', () => {
    for (const text of ['password:\nuser: bob', 'spec:\n  password:\n  user: bob', 'a <- b'])
      expect(maskSecrets(text)).toBe(text);
  });
});

describe('the middleware path (direct JSON writer) applies the same rules', () => {
  it('name/value objects and text in binary, through attachExecutionHistory', async () => {
    const { EventEmitter } = await import('node:events');
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { attachExecutionHistory, newId } = await import('../src/index.js');
    const { openTestStore } = await import('./helpers/db.js');
    const { poolOf } = await import('../src/store/internal.js');
    const { store } = await openTestStore();
    const orchestrator = new EventEmitter();
    const handle = attachExecutionHistory(orchestrator, {
      store,
      spoolDir: await mkdtemp(path.join(tmpdir(), 'adv-direct-')),
    });
    const runId = newId();
    orchestrator.emit('process:start', { runId, goalText: 'deploy' });
    orchestrator.emit('tool:end', {
      runId,
      callId: 'c1',
      toolName: 'kubectl',
      parameters: {
        env: [
          { name: 'DB_PASSWORD', value: SECRET },
          { name: 'LOG', value: 'debug' },
        ],
      },
      result: { file: Buffer.from(`API_TOKEN=${SECRET}\nLOG=debug\n`) },
    });
    orchestrator.emit('process:end', { runId, result: { success: true } });
    await handle.close();
    const rows = (
      await poolOf(store).query(
        'SELECT t.parameters, t.result FROM tool_executions t JOIN executions e USING (execution_id)',
      )
    ).rows as Array<{ parameters: unknown; result: { file: { base64: string } } }>;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(JSON.stringify(row.parameters)).not.toContain('Adv3rs4ry');
    expect(row.parameters).toEqual({
      env: [
        { name: 'DB_PASSWORD', value: REDACTED },
        { name: 'LOG', value: 'debug' },
      ],
    });
    const file = Buffer.from(row.result.file.base64, 'base64').toString('utf8');
    expect(file).toBe(`API_TOKEN=${REDACTED}\nLOG=debug\n`);
  });
});
