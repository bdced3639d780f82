import type { LLMResult } from '@langchain/core/outputs';
import type { TokenUsage } from '../../index.js';
import { count, isRecord } from '../shared/payload.js';

function text(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

/** The model a chat model or LLM run names when it starts (LangSmith's `ls_model_name`, or its call options). */
export function modelAtStart(
  extraParams: Record<string, unknown> | undefined,
  metadata: Record<string, unknown> | undefined,
): string | undefined {
  const params = isRecord(extraParams?.invocation_params) ? extraParams.invocation_params : {};
  return text(metadata?.ls_model_name, params.model, params.model_name, params.modelName);
}

/** The model and the summed token usage of an LLM run's result, when it reports them. */
export function readLlmResult(output: LLMResult): { model?: string; usage?: TokenUsage } {
  let model: string | undefined;
  let input = 0;
  let outputTokens = 0;
  let total = 0;
  let seen = false;
  for (const batch of output.generations ?? [])
    for (const generation of batch) {
      const message = (generation as { message?: unknown }).message;
      if (!isRecord(message)) continue;
      const meta = isRecord(message.response_metadata) ? message.response_metadata : {};
      model ??= text(meta.model_name, meta.model, meta.modelId);
      const u = isRecord(message.usage_metadata) ? message.usage_metadata : undefined;
      if (u === undefined) continue;
      const i = count(u.input_tokens) ?? 0;
      const o = count(u.output_tokens) ?? 0;
      input += i;
      outputTokens += o;
      total += count(u.total_tokens) ?? i + o;
      seen = true;
    }
  const llmOutput = isRecord(output.llmOutput) ? output.llmOutput : {};
  model ??= text(llmOutput.model_name, llmOutput.model);
  if (seen) return { model, usage: { inputTokens: input, outputTokens, totalTokens: total } };
  const t = isRecord(llmOutput.tokenUsage)
    ? llmOutput.tokenUsage
    : isRecord(llmOutput.estimatedTokenUsage)
      ? llmOutput.estimatedTokenUsage
      : undefined;
  if (t === undefined) return { model };
  const i = count(t.promptTokens);
  const o = count(t.completionTokens);
  if (i === undefined && o === undefined) return { model };
  return {
    model,
    usage: {
      inputTokens: i ?? 0,
      outputTokens: o ?? 0,
      totalTokens: count(t.totalTokens) ?? (i ?? 0) + (o ?? 0),
    },
  };
}
