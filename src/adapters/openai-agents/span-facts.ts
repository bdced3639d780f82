import type { Span, SpanData } from '@openai/agents';
import type { TokenUsage } from '../../index.js';
import { count, isRecord } from '../shared/payload.js';
import { userText } from '../shared/user-text.js';

/** Any span of the SDK: the processor reads every kind of span data. */
export type AnySpan = Span<SpanData>;

/** What a span's data says, in the SDK's two spellings (typed spans and `custom` ones). */
export interface SpanFacts {
  type: string;
  data: Record<string, unknown>;
}

export function factsOf(span: AnySpan): SpanFacts {
  const data: unknown = span.spanData;
  if (!isRecord(data)) return { type: 'unknown', data: {} };
  // Task and turn spans are `custom` spans whose data names their kind.
  if (data.type === 'custom' && isRecord(data.data) && typeof data.data.sdk_span_type === 'string')
    return { type: data.data.sdk_span_type, data: data.data };
  return { type: typeof data.type === 'string' ? data.type : 'unknown', data };
}

/** Usage in the SDK's snake_case (`input_tokens`, `output_tokens`, `total_tokens`). */
export function usageOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const input = count(value.input_tokens ?? value.inputTokens);
  const output = count(value.output_tokens ?? value.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    totalTokens: count(value.total_tokens ?? value.totalTokens) ?? (input ?? 0) + (output ?? 0),
  };
}

export function addUsage(sum: TokenUsage | undefined, usage: TokenUsage): TokenUsage {
  return {
    inputTokens: (sum?.inputTokens ?? 0) + (usage.inputTokens ?? 0),
    outputTokens: (sum?.outputTokens ?? 0) + (usage.outputTokens ?? 0),
    totalTokens: (sum?.totalTokens ?? 0) + (usage.totalTokens ?? 0),
  };
}

/** The model call a generation or response span describes: input text, model, usage. */
export function modelCallOf(facts: SpanFacts): {
  goalText: string;
  model?: string;
  usage?: TokenUsage;
} {
  const { type, data } = facts;
  if (type === 'generation')
    return {
      goalText: userText(data.input),
      model: typeof data.model === 'string' ? data.model : undefined,
      usage: usageOf(data.usage),
    };
  const response = isRecord(data._response) ? data._response : {};
  return {
    goalText: userText(data._input),
    model: typeof response.model === 'string' ? response.model : undefined,
    usage: usageOf(response.usage),
  };
}

/** A span's error as text: the SDK's message, with the detail it keeps in `data.error`. */
export function errorOf(span: AnySpan): string | undefined {
  const error = span.error;
  if (error === null || error === undefined) return undefined;
  const detail = isRecord(error.data) ? error.data.error : undefined;
  return typeof detail === 'string' && detail !== '' ? detail : error.message;
}

export function timeOf(iso: string | null): number | undefined {
  if (iso === null) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}
