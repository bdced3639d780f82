export { HistoryCallbackHandler } from './callback-handler.js';
export type { HistoryTarget } from '../shared/recorder-link.js';
