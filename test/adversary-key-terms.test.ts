// Every key term the README documents is recognised the same way as an object key and as the key
// of `key=value` text, in every spelling and with the qualifiers people add (STRIPE_KEY_PROD,
// signing_key_b64, apiKeyV2) — and metrics named after a secret term keep their numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, sanitizeJson } from '../src/index.js';
import { STYLES, spell } from './helpers/spellings.js';

const SECRET = 'Qq7AdvSecretQ';

/** The terms listed under "Payloads and secrets" in the README, as words. */
const DOCUMENTED: readonly (readonly string[])[] = [
  ...'password passwd pwd pw pass passphrase passcode secret token auth authorization oauth bearer cookie session sid credential creds dsn signature sig hmac jwt otp pin csrf xsrf mnemonic kubeconfig pat ssn cvv psk'
    .split(' ')
    .map((w) => [w]),
  ['api', 'key'],
  ['access', 'key'],
  ['private', 'key'],
  ['signing', 'key'],
  ['encryption', 'key'],
  ['master', 'key'],
  ['stripe', 'key'],
  ['service', 'key'],
  ['client', 'secret'],
  ['set', 'cookie'],
  ['session', 'id'],
  ['connection', 'string'],
  ['database', 'url'],
  ['redis', 'url'],
  ['mongo', 'url'],
  ['amqp', 'url'],
  ['broker', 'url'],
  ['db', 'url'],
  ['seed', 'phrase'],
  ['recovery', 'phrase'],
  ['recovery', 'code'],
  ['backup', 'code'],
  ['verification', 'code'],
  ['reset', 'code'],
  ['mfa', 'code'],
  ['magic', 'link'],
  ['login', 'link'],
  ['card', 'number'],
  ['credit', 'card'],
  ['cc', 'number'],
  ['client', 'assertion'],
  ['saml', 'response'],
  ['code', 'verifier'],
];

const QUALIFIERS = ['', 'prod', 'live', 'v2', 'b64', 'base64', 'enc', 'value', 'old', '2', 'test'];
const TEXT_FORMS = [
  (k: string) => `${k}=${SECRET}`,
  (k: string) => `config ${k}: ${SECRET}`,
  (k: string) => `{"${k}":"${SECRET}"}`,
  (k: string) => `https://h/x?a=1&${k}=${SECRET}&b=2`,
  (k: string) => `--${k} ${SECRET}`,
];

describe('documented key terms', () => {
  it('property: every term, spelling and qualifier is redacted in objects and masked in text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DOCUMENTED),
        fc.constantFrom(...STYLES.filter((s) => s !== 'plural' && s !== 'fused' && s !== 'FUSED')),
        fc.constantFrom(...QUALIFIERS),
        fc.constantFrom(...TEXT_FORMS),
        (term, style, qualifier, form) => {
          // An acronym glued to a qualifier ("OTPB64") is one word to anyone: the qualifier is
          // written after an underscore there.
          const key =
            style === 'acronym' && qualifier !== ''
              ? `${spell(term, style)}_${qualifier.toUpperCase()}`
              : spell(qualifier === '' ? term : [...term, qualifier], style);
          expect(JSON.stringify(sanitizeJson({ [key]: SECRET })), key).not.toContain('Qq7');
          expect(maskSecrets(form(key)), form(key)).not.toContain('Qq7');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('fused "<vendor>key" spellings are secrets, structural ones are not', () => {
    for (const key of ['stripekey', 'SERVICEKEY', 'licensekey', 'mailgunkey'])
      expect(JSON.stringify(sanitizeJson({ [key]: SECRET })), key).not.toContain('Qq7');
    const structural = { cachekey: 'a', partitionkey: 'b', hotkey: 'ctrl+k', monkey: 'x', pkey: 7 };
    expect(sanitizeJson(structural)).toEqual(structural);
  });

  it('metrics named after a secret term keep their numbers', () => {
    const metrics = {
      passRate: 0.93,
      pass_rate: '93%',
      pass_at_1: 0.5,
      tokenScore: 4,
      pin_ratio: 1,
    };
    expect(sanitizeJson(metrics)).toEqual(metrics);
  });
});

describe('usage counters of the providers stay readable', () => {
  it('keeps every number of OpenAI, Anthropic, Gemini, Bedrock, Cohere and LangChain usage', () => {
    const usage = {
      openai: {
        prompt_tokens: 10,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 2, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 1, rejected_prediction_tokens: 0 },
      },
      anthropic: { input_tokens: 10, cache_creation_input_tokens: 1, cache_read_input_tokens: 2 },
      gemini: { promptTokenCount: 1, candidatesTokenCount: 2, thoughtsTokenCount: 4 },
      bedrock: { inputTokens: 1, cacheWriteInputTokens: 5, inputTokenCount: 1 },
      cohere: { billed_units: { input_tokens: 1 }, tokens: { input_tokens: 3 } },
      langchain: {
        usage_metadata: { input_tokens: 1, input_token_details: { cache_read: 1 } },
        llm_output: { token_usage: { prompt_tokens: 1 }, tokenUsage: { totalTokens: 3 } },
      },
      params: { max_tokens: 100, max_output_tokens: 100, thinking: { budget_tokens: 1024 } },
      timing: { time_to_first_token_ms: 100, timeToFirstToken: 1, tokens_per_second: 12.5 },
      tokenizer: { token_ids: [1, 2, 3], token_logprobs: [-1, -2], token_id: 77 },
    };
    expect(sanitizeJson(usage)).toEqual(usage);
  });

  it('still redacts the credential spellings next to them', () => {
    const out = JSON.stringify(
      sanitizeJson({ idToken: SECRET, id_token: SECRET, first_token: SECRET, tokenId: SECRET }),
    );
    expect(out).not.toContain('Qq7');
  });
});
