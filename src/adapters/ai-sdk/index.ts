export { historyTelemetry } from './history-telemetry.js';
export type { HistoryTelemetry } from './history-telemetry.js';
export type { HistoryTarget } from '../shared/recorder-link.js';
