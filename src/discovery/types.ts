import type { JsonValue } from '../json/sanitize.js';

export type ToolStatus = 'active' | 'deprecated' | 'archived';
export type ToolOrigin = 'human' | 'ai-generated';

/**
 * The user's embedding model: one vector per text, all of one dimension. Vectors are scaled to
 * unit length before they are stored, so any scale works.
 */
export type Embedder = (texts: string[]) => Promise<number[][]>;

export interface RegisterToolInput {
  /** Unique name, at most 255 characters: the name tool runs are recorded under. */
  name: string;
  /** What the tool does: searched by discovery. At most 10,000 characters. */
  description: string;
  /** The tool's parameter schema (usually JSON Schema), stored as given. Default null. */
  parameters?: JsonValue | null;
  /** Who wrote the tool. Default: the stored origin, or 'human' for a new tool. */
  origin?: ToolOrigin;
  /** The tool_creation_events id of an AI-generated tool. Default: its newest validated event. */
  creationEventId?: number;
}

export interface RegisterToolsOptions {
  /** Embeds `name: description` of each tool, stored for semantic discovery. Default none. */
  embed?: Embedder;
}

export interface RegisterToolsResult {
  inserted: number;
  updated: number;
  tools: ToolRecord[];
}

export interface ToolRecord {
  name: string;
  description: string;
  parameters: JsonValue | null;
  status: ToolStatus;
  /** Set once a `promote` recommendation was applied. */
  promoted: boolean;
  /** Null for a tool seen in history only, with no creation event. */
  origin: ToolOrigin | null;
  creationEventId: number | null;
  /** Null for a tool seen in history only. */
  version: number | null;
  hasEmbedding: boolean;
  /** False for a tool seen in history (runs, creation events) but never registered. */
  registered: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface ToolStatusChangeRecord {
  id: number;
  toolName: string;
  fromStatus: ToolStatus | null;
  toStatus: ToolStatus;
  promoted: boolean;
  changedBy: string;
  recommendationId: number | null;
  reason: string | null;
  createdAt: Date;
}

export interface SetToolStatusOptions {
  /** Who makes the change, recorded in tool_status_changes. Default 'user'. */
  by?: string;
  /** Why, recorded with it. Default none. */
  reason?: string;
}
