export { HistoryTracingProcessor } from './tracing-processor.js';
export type { HistoryTarget } from '../shared/recorder-link.js';
