/**
 * Faults met while sanitizing (a throwing getter, a Proxy trap, a throwing `toJSON` or `redact`):
 * the bad part becomes a marker, the rest is kept, and the fault is reported, never thrown.
 */

export interface SanitizeIssue {
  /**
   * `unreadable`: a part of the value could not be read (getter, Proxy trap, toJSON, iterator);
   * `redact`: the `redact` option threw (the key was redacted); `mask`: a value pattern's `accept` threw.
   */
  kind: 'unreadable' | 'redact' | 'mask';
  /** Where, as a dotted path of keys ("result.items.3.boom"); "" for the value itself. */
  path: string;
  /** What was thrown, secrets masked, at most 200 characters. */
  reason: string;
}

/** Receives each fault; whatever it throws is ignored. */
export type IssueHandler = (issue: SanitizeIssue) => void;

const REASON_CHARS = 200;

/** "TypeError: message" for whatever was thrown, without running more hostile code than needed. */
export function describeThrown(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null) return Object.prototype.toString.call(error);
    return String(error);
  } catch {
    return 'unknown fault';
  }
}

export function shortReason(text: string): string {
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;
}

/** What replaces a part that could not be read. */
export function unreadableMarker(reason: string): string {
  return `[Unreadable: ${reason}]`;
}

export function report(handler: IssueHandler | undefined, issue: SanitizeIssue): void {
  if (handler === undefined) return;
  try {
    handler(issue);
  } catch {
    // the handler's own fault must not reach the orchestrator
  }
}
