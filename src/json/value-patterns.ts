/**
 * The built-in shapes of secrets found inside string values. Each pattern starts on a literal
 * (a vendor prefix, "//", "eyJ", "-----BEGIN") and uses bounded, non-nested quantifiers, so a scan
 * is linear in the text; `hints` let one combined check skip texts that cannot hold any of them.
 */

/** One shape of secret to mask inside strings. */
export interface ValuePattern {
  /** A name for documentation and issue reports. */
  name: string;
  /**
   * What to find. The part replaced is the named group `secret` when the pattern has one (so a
   * vendor prefix or `Bearer ` stays readable), else the whole match. Flags `g` and `d` are added.
   */
  pattern: RegExp;
  /**
   * Lower-case literals, one of which occurs in every match: a text holding none of any pattern's
   * hints is not scanned at all. Omitted: the pattern is tried on every string (slower).
   */
  hints?: readonly string[];
  /** Keeps a match only when this returns true for its secret part. Default: every match. */
  accept?: (secret: string) => boolean;
}

/** Random-looking: a digit, or upper and lower case letters, or long. Prose words are not. */
function looksRandom(secret: string): boolean {
  return /\d/.test(secret) || (/[a-z]/.test(secret) && /[A-Z]/.test(secret));
}

/** After an auth scheme: anything but a short lower-case word ("Bearer token expired"). */
function looksLikeCredential(secret: string): boolean {
  return /[^a-z]/.test(secret) || secret.length >= 16;
}

/** Schemes of database URLs, whose typos are common in configuration. */
const DB_SCHEME = String.raw`(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)`;
const DB_SCHEME_HINTS = [
  'postgres',
  'mysql',
  'mariadb',
  'mongodb',
  'redis',
  'amqp',
  'mssql',
  'sqlserver',
];

/** After a URL's "@": a host (name, IPv4/6, port, host list) and then its end or path. */
const HOST_FOLLOWS = String.raw`(?=[A-Za-z0-9._~%:\[\],-]{0,256}(?:[/?\s"'<>\\),;\x60]|$))`;

/** A port (and path) or a path, read where a password would be: `//host:8080/u/joe@x.com`. */
function notPortOrPath(secret: string): boolean {
  return !/^(?:\d{1,5}(?:[/?#]|$)|\/)/.test(secret);
}

export const BUILT_IN_PATTERNS: readonly ValuePattern[] = [
  {
    name: 'url-password',
    // scheme://user:password@host — also a typo'd "postgres//..." and a password holding an
    // unencoded "@ # ? / : ; =" or quote: the password runs to the last "@" that a host follows
    // (an "@" in a path after it is masked with it: safe side); a "//" ends it, so a scan stops at
    // the next URL. A port and path before an "@" in the path (https://h:8080/u/joe@x.com) are
    // no password.
    pattern: new RegExp(
      String.raw`\/\/[^\s:/?#@"'<>\\]{0,256}:(?<secret>(?:[^\s"/]|\/(?!\/)){1,512})@${HOST_FOLLOWS}`,
      'g',
    ),
    hints: ['//'],
    accept: notPortOrPath,
  },
  {
    name: 'database-url-typed',
    // A database URL whose "//" was typed wrong: postgres:/user:pw@, postgresql:user:pw@,
    // postgres:\\user:pw@, postgres/user:pw@. The password stops before another scheme word, so
    // "postgres:a:postgres:a:…" costs a few steps per start.
    pattern: new RegExp(
      String.raw`\b${DB_SCHEME}(?::\/(?!\/)|:\\{1,2}|:(?![/\\])|\/(?!\/))[^\s:/?#@"'<>\\]{0,256}:(?<secret>(?:(?!${DB_SCHEME})[^\s"]){1,256})@${HOST_FOLLOWS}`,
      'gi',
    ),
    hints: DB_SCHEME_HINTS,
    accept: notPortOrPath,
  },
  {
    name: 'database-url-no-host',
    // postgres://user:password with no "@host" (cut, or the host forgotten): after "user:" it is
    // a password unless it is a port (postgres://db:5432/app).
    pattern: new RegExp(
      String.raw`\b${DB_SCHEME}(?::[/\\]{0,3}|[/\\]{1,3})[^\s:/?#@"'<>\\]{1,256}:(?<secret>(?:(?!${DB_SCHEME})[^\s"'@]){1,256})(?=[\s"']|$)`,
      'gi',
    ),
    hints: DB_SCHEME_HINTS,
    accept: notPortOrPath,
  },
  {
    name: 'authorization-scheme',
    pattern:
      /\b(?:Bearer|Basic|Token|Negotiate|NTLM|ApiKey|Api-Key|SSWS)\s{1,16}(?<secret>[A-Za-z0-9._~+/=-]{6,})/gi,
    hints: ['bearer', 'basic', 'token', 'negotiate', 'ntlm', 'apikey', 'api-key', 'ssws'],
    accept: looksLikeCredential,
  },
  {
    name: 'jwt',
    // Also JWE (five parts, the key part may be empty), base64 with its "=" padding kept, and
    // the parts on lines of their own (a line break, written or escaped, after a dot).
    pattern: /\beyJ[A-Za-z0-9_=-]{5,}(?:\.(?:\s{1,4}|(?:\\[rn]){1,2})?[A-Za-z0-9_=-]*){2,4}/g,
    hints: ['eyj'],
  },
  {
    name: 'openai-anthropic-stripe-key',
    pattern:
      /\b(?:sk|rk|pk)[-_](?:(?:proj|svcacct|admin|ant|live|test|or|v1|api\d\d|admin\d\d)[-_]){0,3}(?<secret>[A-Za-z0-9_-]{16,})/g,
    hints: ['sk-', 'sk_', 'rk-', 'rk_', 'pk-', 'pk_'],
    accept: looksRandom,
  },
  {
    name: 'github-token',
    pattern: /\b(?:gh[pousr]_|github_pat_)(?<secret>[A-Za-z0-9_]{20,})/g,
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  },
  {
    name: 'gitlab-token',
    pattern: /\bgl(?:pat|dt|rt|ptt|cbt|soat|ft|imt)-(?<secret>[A-Za-z0-9_-]{20,})/g,
    hints: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glsoat-', 'glft-', 'glimt-'],
  },
  {
    name: 'aws-access-key-id',
    pattern:
      /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)(?<secret>[A-Z0-9]{16})\b/g,
    hints: ['akia', 'asia', 'abia', 'acca', 'agpa', 'aida', 'aipa', 'anpa', 'anva', 'aroa', 'apka'],
  },
  {
    name: 'slack-token',
    pattern: /\b(?:xox[abposre]|xapp)-(?<secret>[A-Za-z0-9-]{10,})/g,
    hints: ['xox', 'xapp-'],
  },
  {
    name: 'slack-webhook',
    pattern: /hooks\.slack\.com\/services\/(?<secret>[A-Za-z0-9/_-]{10,})/g,
    hints: ['hooks.slack.com'],
  },
  {
    name: 'google-key',
    // API keys, OAuth access tokens, OAuth client secrets, OAuth refresh tokens (1//0…).
    pattern: /\b(?:AIza|ya29\.|GOCSPX-|1\/\/0)(?<secret>[0-9A-Za-z_-]{20,})/g,
    hints: ['aiza', 'ya29.', 'gocspx-', '1//0'],
  },
  {
    name: 'azure-client-secret',
    // Microsoft Entra ID (Azure AD) application secrets: three characters, a digit, "Q~", 31-34 more.
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~-])/g,
    hints: ['q~'],
  },
  {
    name: 'vendor-token',
    // Stripe webhook secrets, Hugging Face, npm, PyPI, Shopify, DigitalOcean, Mailgun, Groq, xAI,
    // Perplexity, Replicate, Square, Atlassian, Notion, Linear, Postman, Sentry, Grafana,
    // Supabase, Figma, HashiCorp Vault, Fly.io, New Relic, Doppler, Pulumi, Databricks.
    pattern:
      /\b(?:whsec_|hf_|api_org_|npm_|pypi-|shp(?:at|ss|ca|pa)_|do[opr]_v1_|key-(?=[0-9a-f]{32})|gsk_|xai-|pplx-|r8_|sq0(?:atp|csp)-|ATATT|ntn_|lin_api_|PMAK-|sntry[su]_|glsa_|sbp_|figd_|hv[sb]\.|fo1_|NRAK-|dp\.(?:pt|st|ct|sa|scim)\.|pul-|dapi(?=[0-9a-f]{32}))(?<secret>[A-Za-z0-9_-]{20,})/g,
    hints: [
      'whsec_',
      'hf_',
      'api_org_',
      'npm_',
      'pypi-',
      'shpat_',
      'shpss_',
      'shpca_',
      'shppa_',
      '_v1_',
      'key-',
      'gsk_',
      'xai-',
      'pplx-',
      'r8_',
      'sq0',
      'atatt',
      'ntn_',
      'lin_api_',
      'pmak-',
      'sntry',
      'glsa_',
      'sbp_',
      'figd_',
      'hvs.',
      'hvb.',
      'fo1_',
      'nrak-',
      'dp.',
      'pul-',
      'dapi',
    ],
    accept: looksRandom,
  },
  {
    name: 'webhook-url',
    // Discord and Microsoft Teams incoming webhooks: whoever has the URL can post.
    pattern:
      /(?:discord(?:app)?\.com\/api\/webhooks\/|webhook\.office\.com\/webhookb2\/)(?<secret>[A-Za-z0-9/@_-]{10,})/g,
    hints: ['discord', 'webhook.office'],
  },
  {
    name: 'age-secret-key',
    pattern: /\bAGE-SECRET-KEY-1(?<secret>[0-9A-Z]{20,})/g,
    hints: ['age-secret-key-'],
  },
  {
    name: 'command-line-user',
    // `curl -u user:password`, `--user user:password`: the password after the colon.
    pattern:
      /(?:^|\s)(?:-u|--user|--proxy-user)(?:\s{1,4}|=)["']?[^\s:"']{1,256}:(?<secret>[^\s"']{1,512})/g,
    hints: ['-u', '--user', '--proxy-user'],
  },
  {
    name: 'html-password-input',
    // A page or DOM snapshot with a filled-in password field (a browser agent's tool result):
    // <input type="password" value="…">, the attributes in any order. "<" ends a scan.
    pattern:
      /<input\b(?=[^<>]{0,512}?\btype\s{0,4}=\s{0,4}["']?password\b)[^<>]{0,512}?\bvalue\s{0,4}=\s{0,4}["']?(?<secret>[^"'\s>]{1,256})/gi,
    hints: ['<input'],
  },
  {
    name: 'sql-identified-by',
    // MySQL's CREATE USER … IDENTIFIED BY '…' (`PASSWORD '…'` is read as a key and its value).
    pattern:
      /\bIDENTIFIED\s{1,4}(?:WITH\s{1,4}\w{1,64}\s{1,4})?BY\s{1,4}['"](?<secret>[^'"\n]{1,256})['"]/gi,
    hints: ['identified'],
  },
  {
    name: 'netrc-password',
    // .netrc lines: machine <host> login <user> password <secret>
    pattern:
      /\b(?:machine\s{1,4}\S{1,256}|default)\s{1,4}login\s{1,4}\S{1,256}\s{1,4}password\s{1,4}(?<secret>\S{1,256})/g,
    hints: ['machine', 'default'],
  },
  {
    name: 'github-actions-mask',
    // `::add-mask::<value>` names a value as secret by definition.
    pattern: /::add-mask::(?<secret>[^\n]{1,1024})/g,
    hints: ['::add-mask::'],
  },
  {
    name: 'command-line-password',
    // `mysql -p<password>` (the password glued to -p; `-P 3306` is the port), `sshpass -p <pw>`.
    pattern:
      /\b(?:mysql(?:dump|admin|import|show|check)?|mariadb(?:-dump|-admin)?)\b[^\n]{0,256}?\s-p(?<secret>[^\s"']{1,256})/g,
    hints: ['mysql', 'mariadb'],
  },
  {
    name: 'sshpass-password',
    pattern: /\bsshpass\s{1,4}-p\s{0,4}(?<secret>[^\s"']{1,256})/g,
    hints: ['sshpass'],
  },
  {
    name: 'telegram-bot-token',
    pattern: /(?<!\d)\d{6,12}:(?<secret>AA[A-Za-z0-9_-]{30,})/g,
    hints: [':aa'],
  },
  {
    name: 'discord-bot-token',
    pattern: /\bBot\s{1,4}(?<secret>[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,})/gi,
    hints: ['bot '],
  },
  {
    name: 'sendgrid-key',
    pattern: /\bSG\.(?<secret>[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g,
    hints: ['sg.'],
  },
  {
    name: 'private-key-block',
    // The body up to its END line, or to the end of the text when cut (a truncated key is still secret).
    // PEM (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP PRIVATE/SECRET KEY BLOCK) and SSH2's "---- BEGIN".
    pattern:
      /-{4,5} ?BEGIN[A-Z0-9 ]{0,40} (?:PRIVATE|SECRET) KEY(?: BLOCK)? ?-{4,5}(?<secret>[\s\S]*?)(?=-{4,5} ?END|$)/gi,
    hints: ['-----begin', '---- begin'],
  },
];
