import { isRecord, parseJsonText } from './payload.js';

const USER_ROLES = new Set(['user', 'human']);

/** The text of one message part: `{ type: 'text', text }`, `{ content }` (GenAI parts), or a string. */
function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!isRecord(part)) return '';
  if (typeof part.text === 'string') return part.text;
  if (typeof part.content === 'string') return part.content;
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map(partText)
      .filter((t) => t !== '')
      .join('\n');
  return partText(content);
}

/** A message's role, whatever the framework calls it (`role`, LangChain's `type` / `_getType()`). */
function roleOf(message: Record<string, unknown>): string | undefined {
  if (typeof message.role === 'string') return message.role;
  const getType = message._getType;
  if (typeof getType === 'function') {
    const type: unknown = (getType as () => unknown).call(message);
    if (typeof type === 'string') return type;
  }
  if (typeof message.type === 'string') return message.type;
  return undefined;
}

/**
 * The user's input in a framework's prompt: a string as is; in a list of messages (plain objects,
 * LangChain messages, GenAI semantic-convention messages, OpenAI input items, or JSON text of any
 * of these) the last user message's text; in an object, its `messages`, `prompt`, `input` or
 * `parts`. '' when there is none.
 */
export function userText(prompt: unknown, depth = 0): string {
  if (depth > 4) return '';
  const value = parseJsonText(prompt);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const message = value[i];
      if (typeof message === 'string') return message;
      if (!isRecord(message)) continue;
      const role = roleOf(message);
      if (role !== undefined && !USER_ROLES.has(role)) continue;
      if (role === undefined && message.content === undefined && message.parts === undefined)
        continue;
      const text = contentText(message.content ?? message.parts ?? message.text);
      if (text !== '') return text;
    }
    return '';
  }
  if (!isRecord(value)) return '';
  for (const key of ['messages', 'prompt', 'input', 'parts'] as const)
    if (value[key] !== undefined) {
      const text = userText(value[key], depth + 1);
      if (text !== '') return text;
    }
  return '';
}
