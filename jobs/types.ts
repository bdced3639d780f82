import type { ExecutionStore } from '../src/store/execution-store.js';
import type { RecommendationRecord } from '../src/store/types.js';
import type { LearningThresholds } from './thresholds.js';

/** A job's summary: plain JSON, stored as is in job_runs.summary. */
export type JobSummary = { [key: string]: unknown };

/** A recommendation as a job hands it out: the stored row plus whether this run created it. */
export interface RecommendationEvent {
  recommendation: RecommendationRecord;
  /** True when this run created it; false when it refreshed an open one. */
  isNew: boolean;
}

/** What a job gets to do its work. */
export interface JobContext {
  store: ExecutionStore;
  thresholds: LearningThresholds;
  /** This run's row in job_runs. */
  runId: number;
  /** The scheduled fire time (manual runs: when asked). */
  fireTime: Date;
  trigger: 'scheduled' | 'manual';
  instanceId: string;
  /** The instant the job judges "now" by (normally the wall clock). */
  now: Date;
  /** Hands a stored recommendation to the hooks and events. Never throws. */
  recommend(event: RecommendationEvent): Promise<void>;
}

/** A job the learning loop can schedule and `runJob` can run. */
export interface JobDefinition {
  /** Unique name, lowercase letters, digits and dashes (it forms the job_runs key). */
  name: string;
  /** node-cron expression (5 or 6 fields). */
  schedule: string;
  /** Scheduled by default? A loop option can override. Default true. */
  enabled?: boolean;
  /** One line for humans (CLI, README). */
  description: string;
  run(context: JobContext): Promise<JobSummary>;
}

/** Payload of job events. */
export interface JobRunInfo {
  jobName: string;
  runId: number;
  fireTime: Date;
  trigger: 'scheduled' | 'manual';
  instanceId: string;
}

/** The loop's typed events (eventemitter3 style: name → listener). */
export interface LearningLoopEvents {
  'job:started': (info: JobRunInfo) => void;
  'job:finished': (info: JobRunInfo & { summary: JobSummary; durationMs: number }) => void;
  'job:failed': (info: JobRunInfo & { error: Error; durationMs: number }) => void;
  /**
   * This fire was not run here: another instance won it (not-elected), the job's previous
   * scheduled run was still going, here or on another instance (overlap), or the coordinator
   * failed (coordinator-error).
   */
  'job:skipped': (info: { jobName: string; fireTime: Date; reason: string }) => void;
  /** This process was too busy to fire on time; the fire was not run here. */
  'job:missed': (info: { jobName: string; fireTime: Date }) => void;
  'recommendation:created': (event: RecommendationEvent) => void;
  'recommendation:refreshed': (event: RecommendationEvent) => void;
  /** Background trouble that did not stop the loop (a hook threw, the database was away...). */
  error: (error: Error) => void;
}
