export { startLearningLoop } from './learning-loop.js';
export type { LearningLoop, LearningLoopOptions, LearningLoopStats } from './learning-loop.js';
export { runJob } from './run-job.js';
export type { RunJobOptions } from './run-job.js';
export { PostgresRunCoordinator } from './pg-run-coordinator.js';
export type { PostgresRunCoordinatorOptions } from './pg-run-coordinator.js';
export { builtInJobs } from './registry.js';
export { DEFAULT_THRESHOLDS, resolveThresholds } from './thresholds.js';
export type { LearningThresholds } from './thresholds.js';
export { hourlyStatistics } from './hourly-statistics.js';
export type { HourlyStatisticsSummary } from './hourly-statistics.js';
export { dailyLowPerformers } from './daily-low-performers.js';
export type { LowPerformer, LowPerformersSummary } from './daily-low-performers.js';
export { weeklyToolLifecycle } from './weekly-tool-lifecycle.js';
export type { LifecycleRecommendation, LifecycleSummary } from './weekly-tool-lifecycle.js';
export type {
  JobContext,
  JobDefinition,
  JobRunInfo,
  JobSummary,
  LearningLoopEvents,
  RecommendationEvent,
} from './types.js';
