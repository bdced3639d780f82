/** Simple intent rules of the reference orchestrator: words in, tool and intent out. */

const GENERIC_WORDS = new Set(['tool', 'the', 'a', 'an', 'of', 'to', 'and']);

export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Keywords of a tool from its name: `prime_checker_tool` → prime, checker. */
export function keywordsOf(toolName: string): string[] {
  return words(toolName).filter((w) => !GENERIC_WORDS.has(w));
}

/** A goal is split into steps on "then" and ";": "fetch the page then summarize it". */
export function stepsOf(goalText: string): string[] {
  return goalText
    .split(/\s+then\s+|;/i)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** How well a step matches a tool: keywords found among the step's words (prefix match from 4 letters). */
export function score(stepWords: readonly string[], keywords: readonly string[]): number {
  let hits = 0;
  for (const k of keywords)
    if (stepWords.some((w) => w === k || (k.length >= 4 && w.startsWith(k)))) hits += 1;
  return hits;
}

/** The intent of a goal that no tool matched. */
export function intentWithoutTool(goalText: string): string {
  if (/\?\s*$|^\s*(what|who|why|how|when|where|which|is|are|can|does)\b/i.test(goalText))
    return 'question';
  return 'generative';
}

export function numbersIn(text: string): number[] {
  return (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
}
