import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TokenUsage } from '../../index.js';
import { parseJsonText, tokenUsage } from '../shared/payload.js';
import { userText } from '../shared/user-text.js';

/** What a span is to the history: a run, a model call within a run, a tool run, or nothing. */
export type SpanKind = 'run' | 'model' | 'tool' | 'other';

// GenAI semantic conventions: operations that are a run of their own when nothing above them is.
const GENAI_RUNS = new Set(['invoke_agent', 'create_agent', 'invoke_workflow']);
const GENAI_MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content']);
// The AI SDK's own (pre-semantic-convention) span names, `ai.operationId`.
const AI_SDK_RUNS = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
]);
const AI_SDK_MODEL_CALLS = new Set([
  'ai.generateText.doGenerate',
  'ai.streamText.doStream',
  'ai.generateObject.doGenerate',
  'ai.streamObject.doStream',
]);

function text(attributes: Attributes, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function first(attributes: Attributes, ...keys: string[]): unknown {
  for (const key of keys) if (attributes[key] !== undefined) return attributes[key];
  return undefined;
}

export function operationOf(attributes: Attributes): string | undefined {
  return text(attributes, 'gen_ai.operation.name', 'ai.operationId');
}

/**
 * The kind of a span from its attributes. A model call with nothing above it (a single `chat`
 * span) is also a run: the caller decides that from the parent.
 */
export function kindOf(attributes: Attributes): SpanKind {
  const op = operationOf(attributes);
  if (op === undefined) return 'other';
  if (op === 'execute_tool' || op === 'ai.toolCall') return 'tool';
  if (GENAI_RUNS.has(op) || AI_SDK_RUNS.has(op)) return 'run';
  if (GENAI_MODEL_CALLS.has(op) || AI_SDK_MODEL_CALLS.has(op)) return 'model';
  return 'other';
}

export function hrToMs(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

/** The goal text a run span carries: its input messages, in either convention. */
export function goalOf(attributes: Attributes): string {
  const input = first(
    attributes,
    'gen_ai.input.messages',
    'ai.prompt',
    'ai.prompt.messages',
    'gen_ai.prompt',
  );
  return userText(input);
}

export function modelOf(attributes: Attributes): string | undefined {
  return text(
    attributes,
    'gen_ai.response.model',
    'ai.response.model',
    'gen_ai.request.model',
    'ai.model.id',
  );
}

export function usageOf(attributes: Attributes): TokenUsage | undefined {
  return tokenUsage(
    first(
      attributes,
      'gen_ai.usage.input_tokens',
      'ai.usage.inputTokens',
      'ai.usage.promptTokens',
      'gen_ai.usage.prompt_tokens',
    ),
    first(
      attributes,
      'gen_ai.usage.output_tokens',
      'ai.usage.outputTokens',
      'ai.usage.completionTokens',
      'gen_ai.usage.completion_tokens',
    ),
    first(attributes, 'ai.usage.totalTokens', 'gen_ai.usage.total_tokens'),
  );
}

export interface ToolFacts {
  toolName: string | undefined;
  parameters: unknown;
  result: unknown;
}

export function toolOf(attributes: Attributes): ToolFacts {
  return {
    toolName: text(attributes, 'gen_ai.tool.name', 'ai.toolCall.name'),
    parameters: parseJsonText(first(attributes, 'gen_ai.tool.call.arguments', 'ai.toolCall.args')),
    result: parseJsonText(first(attributes, 'gen_ai.tool.call.result', 'ai.toolCall.result')),
  };
}

// SpanStatusCode.ERROR from @opentelemetry/api, as a number so the processor needs no value import.
const STATUS_ERROR = 2;

/** The span's error text when its status is ERROR: the status message, else the exception's. */
export function failureOf(span: ReadableSpan): string | undefined {
  if (span.status.code !== STATUS_ERROR) return undefined;
  if (span.status.message !== undefined && span.status.message !== '') return span.status.message;
  for (const event of span.events) {
    const message = event.attributes?.['exception.message'];
    if (event.name === 'exception' && typeof message === 'string') return message;
  }
  return text(span.attributes, 'error.type') ?? 'the span ended with an error status';
}

/** The parent span id, across SDK 1.x (`parentSpanId`) and 2.x (`parentSpanContext`). */
export function parentOf(span: ReadableSpan): string | undefined {
  const legacy = (span as { parentSpanId?: unknown }).parentSpanId;
  if (typeof legacy === 'string' && legacy !== '') return legacy;
  return span.parentSpanContext?.spanId;
}
