import 'reflect-metadata';

export { ExecutionStore, withExecutionStore } from './store/execution-store.js';
export type {
  ExecutionRecord,
  LatencyWindowOptions,
  LatencyWindowRecord,
  StoreExecutionInput,
  StoreFeedbackInput,
  StoreOptions,
  StoreToolCreationInput,
  StoreToolExecutionInput,
  ToolPerformanceRecord,
  ToolRunRecord,
  ToolStatisticsRecord,
} from './store/types.js';
export {
  AuthenticationError,
  ClosedError,
  ConfigError,
  ConnectionError,
  DatabaseError,
  DendriteError,
  NotFoundError,
  PluginError,
  SchemaBehindError,
  ValidationError,
  isRetryable,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export { loadConfig, maskConnectionString, describeConfig } from './config.js';
export type { DatabaseConfig } from './config.js';
export { createDataSource } from './db/data-source.js';
export { startEmbeddedPostgres } from './db/embedded.js';
export type { EmbeddedPostgresOptions, EmbeddedServer } from './db/embedded.js';
export type { EmbeddedStoreOption } from './db/embedded-store.js';
export { migrate, revertLastMigration } from './db/migrate.js';
export type { MigrationOutcome } from './db/migrate.js';
export { migrations } from '../migrations/index.js';
export {
  Execution,
  ExecutionFeedback,
  ToolCreationEvent,
  ToolExecution,
  ToolPerformance,
  ToolStatistics,
  entities,
} from './entities/index.js';
export {
  sanitizeJson,
  sanitizeText,
  createJsonSanitizer,
  maskSecrets,
  REDACTED,
} from './json/sanitize.js';
export type {
  JsonValue,
  SanitizeOptions,
  JsonSanitizer,
  RedactMatcher,
  SanitizeIssue,
  IssueHandler,
  MaskValuesOptions,
  ValuePattern,
} from './json/sanitize.js';
export { newId } from './ids.js';

// --- middleware and writer (issue: drop-in orchestrator middleware) ---
export { attachExecutionHistory, ExecutionHistory } from './middleware/attach.js';
export type {
  AttachOptions,
  CloseReport,
  Durability,
  FlushReport,
  FlushedEvent,
  HistoryEvents,
  HistoryStats,
  OverflowPolicy,
} from './middleware/attach.js';
export type {
  ModelCallEvent,
  OrchestratorEventName,
  OrchestratorEvents,
  OrchestratorLike,
  ProcessAbandonEvent,
  ProcessEndEvent,
  ProcessErrorEvent,
  ProcessResult,
  ProcessStartEvent,
  RunId,
  ToolEndEvent,
  ToolStartEvent,
} from './middleware/contract.js';
export { RunRecorder, createRunRecorder } from './middleware/run-recorder.js';
export type { RecorderOptions } from './middleware/run-recorder.js';
export type {
  ModelCallInput,
  RunAbandonInput,
  RunEndInput,
  RunStartInput,
  SelectedTool,
  Timestamp,
  TokenUsage,
  ToolEndInput,
  ToolStartInput,
} from './middleware/run-inputs.js';
export { instrument, Instrumentation } from './middleware/instrument.js';
export type { Processable, ProcessFn } from './middleware/instrument.js';
export { trackTool } from './middleware/track-tool.js';
export type { TrackToolOptions } from './middleware/track-tool.js';
export type { RunSink } from './middleware/recorder-registry.js';
export { reportModelCall } from './middleware/report-model-call.js';
export { HistoryError } from './writer/errors.js';
export type { HistoryErrorCode } from './writer/errors.js';
export { Orchestrator } from './orchestrator/orchestrator.js';
export type {
  OrchestratorRunResult,
  RegisterToolOptions,
  ToolFn,
  ToolParams,
} from './orchestrator/orchestrator.js';

// --- learning loop, statistics and ranking (issue: learning loop) ---
export {
  startLearningLoop,
  runJob,
  PostgresRunCoordinator,
  builtInJobs,
  DEFAULT_THRESHOLDS,
  resolveThresholds,
  hourlyStatistics,
  dailyLowPerformers,
  weeklyToolLifecycle,
} from '../jobs/index.js';
export type {
  LearningLoop,
  LearningLoopOptions,
  LearningLoopStats,
  RunJobOptions,
  PostgresRunCoordinatorOptions,
  LearningThresholds,
  HourlyStatisticsSummary,
  LowPerformer,
  LowPerformersSummary,
  LifecycleRecommendation,
  LifecycleSummary,
  JobContext,
  JobDefinition,
  JobRunInfo,
  JobSummary,
  LearningLoopEvents,
  RecommendationEvent,
} from '../jobs/index.js';
export { wilsonInterval, wilsonLowerBound, wilsonUpperBound, Z_95 } from './stats/wilson.js';
export {
  LATENCY_ALPHA,
  latencyBucket,
  latencyBucketValue,
  mergeSketches,
  sketchOf,
  sketchQuantile,
} from './stats/latency-sketch.js';
export type { LatencySketch } from './stats/latency-sketch.js';
export type { Interval } from './stats/wilson.js';
export {
  JobRun,
  ToolDurationTotals,
  ToolLifecycleRecommendation,
  ToolStatisticsDelta,
  ToolStatisticsPruned,
} from './entities/index.js';
export type {
  JobRunRecord,
  JobRunStatus,
  RankToolsOptions,
  RankedTool,
  RecommendationAction,
  RecommendationRecord,
  RecommendationStatus,
} from './store/types.js';

// --- retention and scale-out ---
export { pruneHistory } from './retention/prune.js';
export type { PruneOptions, PruneProgress, PruneResult, PruneCounts } from './retention/prune.js';
export type { RetentionPeriod } from './retention/period.js';
export { createRetentionJob, retentionJob } from '../jobs/retention.js';
export type { RetentionJobOptions } from '../jobs/retention.js';

// --- reports and dashboard (issue: command line and dashboard) ---
export { buildReport } from './analytics/report-model.js';
export type {
  ReportJobRun,
  ReportModel,
  ReportOptions,
  ReportRecommendation,
  ToolReportRow,
} from './analytics/report-model.js';
export { renderReportHtml } from './analytics/report-html.js';
export { successRateByIntent } from './analytics/report-intents.js';
export type { IntentSuccess } from './analytics/report-intents.js';

// --- web UI (issue 15: dendrite-history serve) ---
export { serveUi } from './ui/serve.js';
export type { ServeUiOptions, UiServer } from './ui/serve.js';

// --- tool registry and discovery (issue 16) ---
export type {
  DiscoverToolsOptions,
  DiscoveryCandidate,
  DiscoveryResult,
  Embedder,
  RegisterToolInput,
  RegisterToolsOptions,
  RegisterToolsResult,
  SetToolStatusOptions,
  ToolOrigin,
  ToolRecord,
  ToolStatus,
  RetrievalMethod,
  ToolChooser,
  ToolStatusChangeRecord,
  VectorSearch,
  ExploreMethod,
  ExploreOptions,
} from './discovery/types.js';
