/** What a jsonb column holds: the shape every sanitized payload has. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

/** What a secret (under a secret key, or the secret part of a string) is replaced with. */
export const REDACTED = '[REDACTED]';
