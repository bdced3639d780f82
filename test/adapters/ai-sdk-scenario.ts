import { stepCountIs, tool, type ToolSet } from 'ai';
import { MockLanguageModelV4, convertArrayToReadableStream } from 'ai/test';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { z } from 'zod';
import {
  BROKEN_ARGS,
  FIRST_USAGE,
  SECOND_USAGE,
  WEATHER_ARGS,
  broken,
  pause,
  weather,
} from './two-tool-run.js';

export const AI_SDK_MODEL = 'mock-model-1';

function usage(counts: { inputTokens: number; outputTokens: number }) {
  return {
    inputTokens: {
      total: counts.inputTokens,
      noCache: counts.inputTokens,
      cacheRead: undefined,
      cacheWrite: undefined,
    },
    outputTokens: { total: counts.outputTokens, text: counts.outputTokens, reasoning: undefined },
  };
}

const toolCalls = [
  {
    type: 'tool-call' as const,
    toolCallId: 'call-1',
    toolName: 'weather',
    input: JSON.stringify(WEATHER_ARGS),
  },
  {
    type: 'tool-call' as const,
    toolCallId: 'call-2',
    toolName: 'broken',
    input: JSON.stringify(BROKEN_ARGS),
  },
];

/** The AI SDK's own mock model, scripted: two tool calls, then an answer; each call takes a while. */
export function scriptedModel(): MockLanguageModelV4 {
  let calls = 0;
  return new MockLanguageModelV4({
    modelId: AI_SDK_MODEL,
    doGenerate: async () => {
      calls++;
      await pause();
      return calls === 1
        ? {
            content: toolCalls,
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: usage(FIRST_USAGE),
            warnings: [],
          }
        : {
            content: [{ type: 'text', text: 'Sunny, 21 degrees.' }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: usage(SECOND_USAGE),
            warnings: [],
          };
    },
    doStream: async () => {
      calls++;
      await pause();
      const parts: LanguageModelV4StreamPart[] =
        calls === 1
          ? [
              ...toolCalls,
              {
                type: 'finish' as const,
                finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
                usage: usage(FIRST_USAGE),
              },
            ]
          : [
              { type: 'text-start' as const, id: 't' },
              { type: 'text-delta' as const, id: 't', delta: 'Sunny, ' },
              { type: 'text-delta' as const, id: 't', delta: '21 degrees.' },
              { type: 'text-end' as const, id: 't' },
              {
                type: 'finish' as const,
                finishReason: { unified: 'stop' as const, raw: 'stop' },
                usage: usage(SECOND_USAGE),
              },
            ];
      return { stream: convertArrayToReadableStream(parts) };
    },
  });
}

export const scenarioTools = {
  weather: tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async (args) => weather(args),
  }),
  broken: tool({
    description: 'Always fails',
    inputSchema: z.object({ x: z.number() }),
    execute: async (): Promise<string> => broken(),
  }),
} satisfies ToolSet;

export const stopAfterAnswer = stepCountIs(3);
