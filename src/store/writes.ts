import { DendriteError, ValidationError } from '../errors.js';
import { describeThrown, shortReason } from '../json/issues.js';
import { newId } from '../ids.js';
import {
  cleanString,
  maskSecrets,
  sanitizeJson,
  sanitizeText,
  type JsonSanitizer,
} from '../json/sanitize.js';
import {
  insertExecution,
  insertFeedback,
  insertToolCreation,
  insertToolExecution,
} from '../sql/executions.js';
import type { StoreDatabase } from './database.js';
import { toNumber } from './mappers.js';
import type {
  StoreExecutionInput,
  StoreFeedbackInput,
  StoreToolCreationInput,
  StoreToolExecutionInput,
} from './types.js';
import {
  optionalBoolean,
  optionalDate,
  optionalDuration,
  optionalName,
  optionalUuid,
  requireBoolean,
  requireName,
  requireRating,
  requireString,
  requireUuid,
} from './validate.js';

/** The store's single-row writes: validated, sanitized, then one parameterized statement each. */
export class StoreWrites {
  constructor(
    private readonly db: StoreDatabase,
    private readonly sanitizer: JsonSanitizer,
    private readonly maxTextBytes: number,
  ) {}

  /** Sanitizes a value into JSON text for a jsonb column (redacted, capped). */
  private json(value: unknown): string {
    return JSON.stringify(sanitizeJson(value, this.sanitizer));
  }

  private optionalText(value: unknown): string | null {
    return value === undefined || value === null
      ? null
      : sanitizeText(value, this.maxTextBytes, this.sanitizer);
  }

  async execution(input: StoreExecutionInput): Promise<string> {
    requireObject(input, 'storeExecution');
    const row = readInput('storeExecution', () => ({
      executionId: optionalUuid(input.executionId, 'executionId') ?? newId(),
      goalId: optionalName(input.goalId, 'goalId', 255),
      goalText: sanitizeText(
        requireString(input.goalText, 'goalText'),
        this.maxTextBytes,
        this.sanitizer,
      ),
      intent: optionalName(input.intent, 'intent', 50),
      success: optionalBoolean(input.success, 'success'),
      error: this.optionalText(input.error),
      durationMs: optionalDuration(input.durationMs, 'durationMs'),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
      metadata: this.json(input.metadata ?? {}),
    }));
    await this.db.run(insertExecution(row), 'storeExecution');
    return row.executionId;
  }

  async toolExecution(input: StoreToolExecutionInput): Promise<number> {
    requireObject(input, 'storeToolExecution');
    const row = readInput('storeToolExecution', () => ({
      callId: optionalUuid(input.callId, 'callId') ?? newId(),
      executionId: requireUuid(input.executionId, 'executionId'),
      toolName: requireName(input.toolName, 'toolName', 255),
      parameters: input.parameters === undefined ? null : this.json(input.parameters),
      result: input.result === undefined ? null : this.json(input.result),
      success: requireBoolean(input.success, 'success'),
      error: this.optionalText(input.error),
      durationMs: optionalDuration(input.durationMs, 'durationMs'),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
    }));
    const result = await this.db.run<{ id: number }>(
      insertToolExecution(row),
      `storeToolExecution(${row.executionId})`,
    );
    return toNumber(result.rows[0]?.id);
  }

  async feedback(input: StoreFeedbackInput): Promise<number> {
    requireObject(input, 'storeFeedback');
    const { rating, executionId, text } = readInput('storeFeedback', () => ({
      rating: requireRating(input.rating),
      executionId: requireUuid(input.executionId, 'executionId'),
      text: this.optionalText(input.feedbackText),
    }));
    const result = await this.db.run<{ id: number }>(
      insertFeedback(executionId, rating, text),
      `storeFeedback(${executionId})`,
    );
    return toNumber(result.rows[0]?.id);
  }

  async toolCreation(input: StoreToolCreationInput): Promise<number> {
    requireObject(input, 'storeToolCreation');
    const row = readInput('storeToolCreation', () => ({
      toolName: requireName(input.toolName, 'toolName', 255),
      goalText: this.optionalText(input.goalText),
      generatedCode: sanitizeText(
        requireString(input.generatedCode, 'generatedCode'),
        Math.max(this.maxTextBytes, 1 << 20),
        this.sanitizer,
      ),
      validationPassed: requireBoolean(input.validationPassed, 'validationPassed'),
      validationErrors:
        input.validationErrors === undefined || input.validationErrors === null
          ? null
          : this.json(input.validationErrors),
      metadata: this.json(input.metadata ?? {}),
      createdAt: optionalDate(input.createdAt, 'createdAt'),
    }));
    const result = await this.db.run<{ id: number }>(insertToolCreation(row), 'storeToolCreation');
    return toNumber(result.rows[0]?.id);
  }
}

function requireObject(input: unknown, method: string): void {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError(`${method} needs an object`);
}

/**
 * Reads the caller's input: a getter or Proxy trap that throws is bad input (ValidationError, its
 * reason masked, nothing written), never a raw fault carrying whatever text it threw.
 */
function readInput<T>(method: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DendriteError) throw error;
    const reason = shortReason(maskSecrets(cleanString(describeThrown(error))));
    throw new ValidationError(`${method}: the input could not be read (${reason})`);
  }
}
