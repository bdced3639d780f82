// Generators of key spellings for the secret tests: one term written every way people write keys.
import fc from 'fast-check';

/** Secret terms as words (each spelled in every style by `spell`). */
export const SECRET_TERMS: readonly (readonly string[])[] = [
  ['password'],
  ['passwd'],
  ['pwd'],
  ['passphrase'],
  ['secret'],
  ['token'],
  ['api', 'key'],
  ['api', 'token'],
  ['access', 'key'],
  ['access', 'token'],
  ['refresh', 'token'],
  ['id', 'token'],
  ['private', 'key'],
  ['client', 'secret'],
  ['secret', 'access', 'key'],
  ['auth'],
  ['authorization'],
  ['proxy', 'authorization'],
  ['bearer'],
  ['bearer', 'token'],
  ['cookie'],
  ['set', 'cookie'],
  ['session'],
  ['session', 'id'],
  ['credential'],
  ['credentials'],
  ['creds'],
  ['connection', 'string'],
  ['database', 'url'],
  ['db', 'url'],
  ['dsn'],
  ['signature'],
  ['jwt'],
  ['otp'],
  ['pin'],
  ['csrf', 'token'],
  ['x', 'api', 'key'],
  ['db', 'password'],
  ['signing', 'key'],
  ['encryption', 'key'],
  ['webhook', 'secret'],
  ['pass'],
];

/** Counters that must stay readable. */
export const COUNTER_TERMS: readonly (readonly string[])[] = [
  ['input', 'tokens'],
  ['output', 'tokens'],
  ['total', 'tokens'],
  ['max', 'tokens'],
  ['token', 'count'],
  ['prompt', 'tokens'],
  ['completion', 'tokens'],
  ['cached', 'tokens'],
  ['reasoning', 'tokens'],
  ['max', 'completion', 'tokens'],
  ['prompt', 'token', 'count'],
  ['cache', 'read', 'input', 'tokens'],
  ['tokens'],
  ['tokens', 'used'],
  ['password', 'length'],
];

export type Style =
  | 'camel'
  | 'pascal'
  | 'snake'
  | 'screaming'
  | 'kebab'
  | 'train'
  | 'dot'
  | 'fused'
  | 'FUSED'
  | 'acronym'
  | 'plural';

export const STYLES: readonly Style[] = [
  'camel',
  'pascal',
  'snake',
  'screaming',
  'kebab',
  'train',
  'dot',
  'fused',
  'FUSED',
  'acronym',
  'plural',
];

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
const ACRONYMS = new Set(['api', 'db', 'id', 'x', 'jwt', 'otp', 'dsn', 'csrf', 'url', 'pin']);

/** `words` written in `style` ("plural" pluralizes the last word, camel-cased). */
export function spell(words: readonly string[], style: Style): string {
  switch (style) {
    case 'camel':
      return words.map((w, i) => (i === 0 ? w : cap(w))).join('');
    case 'pascal':
      return words.map(cap).join('');
    case 'snake':
      return words.join('_');
    case 'screaming':
      return words.join('_').toUpperCase();
    case 'kebab':
      return words.join('-');
    case 'train':
      return words.map(cap).join('-');
    case 'dot':
      return words.join('.');
    case 'fused':
      return words.join('');
    case 'FUSED':
      return words.join('').toUpperCase();
    case 'acronym':
      // DBPassword, APIToken, XApiKey: leading acronyms in capitals, the rest Pascal-cased.
      return words.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : cap(w))).join('');
    case 'plural': {
      const last = words[words.length - 1]!;
      const plural = last.endsWith('s') ? last : `${last}s`;
      return [...words.slice(0, -1), plural].map((w, i) => (i === 0 ? w : cap(w))).join('');
    }
  }
}

/** Optional prefixes people put before a term (myPassword, userToken, GITHUB_TOKEN). */
const PREFIXES = ['', 'user', 'my', 'github', 'openai', 'aws', 'smtp', 'admin', 'new', 'old'];

export function secretKey(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...SECRET_TERMS),
      fc.constantFrom(...STYLES),
      fc.constantFrom(...PREFIXES),
    )
    .map(([term, style, prefix]) => {
      // A prefix before an already-qualified token term could turn it into a counter-like word: keep it simple.
      const words = prefix === '' || term.length > 1 ? term : [prefix, ...term];
      const key = spell(words, style);
      // The bare plural "tokens" is a usage counter by the documented rule ("tokens": 812).
      return key === 'tokens' ? 'token' : key;
    });
}

export function counterKey(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...COUNTER_TERMS),
      fc.constantFrom<Style>('camel', 'pascal', 'snake', 'screaming', 'kebab', 'dot'),
    )
    .map(([term, style]) => spell(term, style));
}
