export { HistorySpanProcessor } from './span-processor.js';
export type { HistoryTarget } from '../shared/recorder-link.js';
