/**
 * Decides from a key's name whether its value is a secret. Keys are normalized first — camelCase,
 * snake_case, kebab-case, acronyms (DBPassword, APIToken, XApiKey), plurals, fused lower case
 * (dbpassword, xapikey) — so every spelling of a listed term matches, while usage counters such as
 * inputTokens, token_count or tokenUsage stay readable.
 */

/**
 * What a key says about its value.
 * - `plain`: nothing secret in the name.
 * - `secret`: redacted, unless the value is a boolean or null (`hasPassword: true` tells nothing).
 * - `counter`: a secret term with a counting word (`maxTokens`, `passwordLength`, `token_count`,
 *   the bare plural `tokens`): numbers stay readable; any string in it that is not a number is
 *   redacted.
 */
export type KeyVerdict = 'plain' | 'secret' | 'counter';

/** Space-separated words → array (keeps the lists below readable). */
function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

/** Words that name a secret when they are a whole word of the key (after plural folding). */
const SECRET_WORDS = new Set(
  words(`
  pass pw pwd passwd password passwort passphrase passcode secret token auth authn
  authz oauth authorization bearer cookie session sessid cred credential jwt otp
  totp hotp pin mnemonic csrf xsrf pat dsn sig signature apikey privkey connstr cvv cvc
  hmac sid kubeconfig ssn psk
`),
);

/**
 * Terms found anywhere in the key's words joined together, so fused spellings (dbpassword,
 * xapikey, clientsecret, databaseurl) match too. Only terms long or distinctive enough not to
 * occur inside ordinary words.
 */
const SECRET_FRAGMENTS = words(`
  password passwd passphrase passcode secret token apikey accesskey privatekey
  privkey signingkey encryptionkey masterkey credential authorization cookie
  bearer signature sessionid sessid connectionstring connstring connstr
  databaseurl databaseuri dburl dburi jdbcurl dbpass pgpass session passkey authkey
  sshkey pincode otpcode authheader csrf xsrf mnemonic jwt connectionuri connectionurl
  webhookurl webhookuri recoverycode backupcode seedphrase verificationcode magiclink
  resetcode mfacode 2facode twofactorcode loginlink redisurl redisuri mongourl mongouri
  amqpurl amqpuri brokerurl brokeruri cardnumber creditcard ccnumber clientassertion
  samlresponse samlassertion codeverifier serviceaccountjson recoveryphrase securitycode
  smscode accesscode activationcode pairingcode confirmationcode logincode unlockcode hookurl
  keymaterial cardnum cardno ccnum
`);

/** Ordinary words a fragment occurs in: "secretary", "tokenizer", "possession". */
const FRAGMENT_EXCEPTIONS: Record<string, readonly string[]> = {
  secret: ['secretar', 'secretion'],
  token: ['tokeniz', 'tokenis'],
  session: ['possession', 'obsession', 'intercession'],
};

/** Short terms that also count at the end of a fused word (userpin, mysig, sentrydsn, ghpat). */
const SUFFIX_TERMS = words(`pass pwd pw auth cred otp sig pat dsn pin ssn cvv`);

/** Words ending in a suffix term that are not secrets. */
const NOT_SUFFIXED = new Set(
  words(`
  bypass compass encompass overpass underpass surpass spin backspin tailspin lupin
  spat monkey donkey turkey hockey jockey whiskey lackey turnkey latchkey hotkey`),
);

/**
 * "<something> key" is a secret (STRIPE_KEY, signingKey, serviceKey) unless the first word says
 * the key is structural: a cache key, a primary key, a public key.
 */
const STRUCTURAL_KEYS = new Set(
  words(`
  cache primary foreign sort partition idempotency routing group lookup hash
  object query row column map dedup dedupe unique composite shard index sequence
  list item entry message event correlation request trace span cursor page state
  store storage context public file path field prop property record table
  translation i18n bucket s3 redis kv react component sub parent child node tool
  run job tag label dimension metric parameter param option setting attribute attr
  metadata meta variable var locale name
`),
);

/** Clouds whose "<service> key" is an account key rather than a structural one. */
const CLOUD_WORDS = new Set(words('azure aws gcp gcs google firebase cloudflare oci ibm'));

/**
 * Last words that make a secret-named key describe the secret rather than hold it (`token_type`,
 * `authMethod`, `password_policy`, `secretName`): the value is kept (still value-masked).
 */
const DESCRIBING_WORDS = new Set(
  words(`
  type kind method scheme algorithm alg policy provider required enabled disabled name mode
  format strategy flow endpoint
`),
);

/**
 * Last words that only say which copy of a value a key holds (`STRIPE_KEY_PROD`, `apiKeyV2`,
 * `signing_key_b64`): skipped when looking for the key's own last word.
 */
const QUALIFIER_WORDS = new Set(
  words(`
  prod production dev development test testing staging stage live sandbox old new current
  next previous prev primary secondary backup b64 base64 enc encoded encrypted raw hex pem der
  json value val str string text data bytes default local remote v b base
`),
);

/** Words that make a secret-named key hold a count (`passwordLength`, `maxTokens`). */
const COUNT_WORDS = new Set(
  words(`
  count length len size max min limit total num number ttl timeout expiry expire
  expires expiration age attempt retry retries version lifetime duration interval
  strength rate ratio percent pct percentage score at
`),
);

/** Words that, next to "token", describe model usage rather than a credential. */
const TOKEN_USAGE_WORDS = new Set([
  ...COUNT_WORDS,
  ...words(`
  input output prompt completion reasoning cached cache candidate candidates
  thought thoughts thinking usage used remaining budget estimated context per
  generated billed consumed audio text image accepted rejected prediction read
  creation tool response embedding detail details n time ms first last latency second
  seconds sec speed throughput ttft position pos index idx offset logprob logprobs top
  probability prob probs in out estimate estimates ratelimit remain
`),
]);

/** Words that make "token" a credential whatever else the key says (`accessTokens`, `idToken`). */
const TOKEN_CREDENTIAL_WORDS = new Set(
  words(`
  access refresh id auth oauth bearer session api csrf xsrf jwt github gh gitlab
  personal private client secret security sso saml device app bot slack npm pypi
  vault identity reset verification verify magic login invite confirmation
  registration push service deploy webhook x
`),
);

const NON_ASCII = /[^\x00-\x7f]/;

const WORD_RE = /[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+/g;

/** A key's words, lower case: "DBPassword" → db, password; "x-api-key" → x, api, key. */
export function keyWords(key: string): string[] {
  const words = key.match(WORD_RE);
  if (words === null) return [];
  for (let i = 0; i < words.length; i++) words[i] = words[i]!.toLowerCase();
  return words;
}

/** "passwords" → "password", "credentials" → "credential", "oauth2" → "oauth". */
function base(word: string): string {
  let w = word;
  if (w.length > 1 && w.charCodeAt(w.length - 1) <= 57) w = w.replace(/\d+$/, '');
  if (w.length > 3 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 2 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function hasFragment(joined: string, fragment: string): boolean {
  let at = joined.indexOf(fragment);
  const exceptions = FRAGMENT_EXCEPTIONS[fragment];
  while (at >= 0) {
    const start = at;
    const inException = exceptions?.some((e) => {
      const offset = e.indexOf(fragment);
      return offset >= 0 && joined.startsWith(e, start - offset);
    });
    if (inException !== true) return true;
    at = joined.indexOf(fragment, at + 1);
  }
  return false;
}

/** A user-listed term (`redactKeys`), normalized like keys. */
export interface KeyTerm {
  words: readonly string[];
  joined: string;
}

export function keyTerm(term: string): KeyTerm {
  const words = keyWords(term).map(base);
  return { words, joined: words.join('') };
}

function matchesTerm(words: readonly string[], joined: string, term: KeyTerm): boolean {
  if (term.joined.length === 0) return false;
  if (joined === term.joined) return true;
  if (term.joined.length >= 5 && joined.includes(term.joined)) return true;
  outer: for (let i = 0; i + term.words.length <= words.length; i++) {
    for (let k = 0; k < term.words.length; k++) if (words[i + k] !== term.words[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * The verdict for one key, from its name alone. `extra` are user terms matched as whole words or
 * word sequences (and as fragments when at least 5 letters long).
 */
export function classifyKey(key: string, extra: readonly KeyTerm[] = []): KeyVerdict {
  // Full-width and other compatibility forms (ｐａｓｓｗｏｒｄ, ＡＰＩ＿ＫＥＹ) read as their ASCII letters.
  const raw = keyWords(NON_ASCII.test(key) ? key.normalize('NFKC') : key);
  if (raw.length === 0) return 'plain';
  const words = raw.map(base);
  const joined = raw.join('');
  let tokenOnly = true;
  let found = false;
  const hit = (term: string): void => {
    found = true;
    if (term !== 'token') tokenOnly = false;
  };
  for (const w of words) {
    if (SECRET_WORDS.has(w)) hit(w);
    else if (!NOT_SUFFIXED.has(w) && SUFFIX_TERMS.some((t) => w.endsWith(t))) hit(w);
    // Fused "<something>key" (stripekey, SERVICEKEY) unless the something is structural (cachekey).
    else if (
      w.length >= 6 &&
      w.endsWith('key') &&
      !NOT_SUFFIXED.has(w) &&
      !STRUCTURAL_KEYS.has(w.slice(0, -3))
    )
      hit('key');
  }
  for (const fragment of SECRET_FRAGMENTS) if (hasFragment(joined, fragment)) hit(fragment);
  let end = words.length;
  while (end > 1 && (QUALIFIER_WORDS.has(words[end - 1]!) || /^\d+$/.test(words[end - 1]!))) end--;
  if (
    words[end - 1] === 'key' &&
    end >= 2 &&
    // A cloud's storage or S3 key (AZURE_STORAGE_KEY, aws_s3_key) is an account key.
    (!STRUCTURAL_KEYS.has(words[end - 2]!) || (end >= 3 && CLOUD_WORDS.has(words[end - 3]!)))
  )
    hit('key');
  // A webhook (slack_webhook, discordWebhook) is a URL whose holder can post; webhook_events is not.
  if (words[end - 1] === 'webhook') hit('webhook');
  for (const term of extra) if (matchesTerm(words, joined, term)) hit('user');
  if (!found) return 'plain';
  if (words.length >= 2 && DESCRIBING_WORDS.has(words[words.length - 1]!)) return 'plain';
  if (tokenOnly) {
    // "id token" is OpenID Connect's credential; "token id(s)" number or name tokens.
    const token = words.indexOf('token');
    const idAfter = token >= 0 && words.indexOf('id', token + 1) > token;
    // "x" is a header prefix: x-auth-token is a credential, x-ratelimit-remaining-tokens a count.
    const usage = words.some((w) => TOKEN_USAGE_WORDS.has(w));
    if (
      words.some(
        (w, i) =>
          TOKEN_CREDENTIAL_WORDS.has(w) && !(w === 'id' && i > token) && !(w === 'x' && usage),
      )
    )
      return 'secret';
    if (idAfter) return 'counter';
    if (usage) return 'counter';
    // The bare plural counts ("tokens": 812); "token", "userTokens" name credentials.
    return raw.length === 1 && raw[0] === 'tokens' ? 'counter' : 'secret';
  }
  // "number" last names the secret itself (card_number, pinNumber, ssn_no); before the term it
  // counts (num_passwords, numberOfPins).
  const last = words.length - 1;
  return words.some((w, i) => COUNT_WORDS.has(w) && !(i === last && NUMBER_WORDS.has(w)))
    ? 'counter'
    : 'secret';
}

/** Count words that, last in a key, name an identifier rather than a count. */
const NUMBER_WORDS = new Set(words('number num no nr'));

const NUMERIC_TEXT = /^\s*[-+]?\d[\d_,.]{0,30}%?\s*$/;

/** True when a string is a written number ("1,024"), which a counter may hold. */
export function isNumericText(value: string): boolean {
  return value.length <= 34 && NUMERIC_TEXT.test(value);
}

/**
 * In a query string, `key` is an API key (`?key=AIza…`, as Google's APIs take it) and `code` an
 * OAuth authorization code (`?code=…&state=…`): judged as those there, while a bare `key` or
 * `code` elsewhere stays plain. Returns the name to judge the parameter by.
 */
export function queryKeyMeaning(name: string): string {
  const lower = name.toLowerCase();
  return lower === 'key' ? 'api_key' : lower === 'code' ? 'auth_code' : name;
}
