import { HistoryError, maskSecrets, type RunRecorder } from '../../index.js';
import { errorText } from './payload.js';

/**
 * Reports what an adapter's callback threw as an `error` event (code `HANDLER`) on its recorder:
 * the text masked like every stored value (a framework's input may carry keys and tokens), no
 * `cause` kept (it would print the unmasked original), and nothing thrown back into the framework
 * — not even by a thrown value whose `message` getter throws, or by a listener.
 */
export function reportAdapterFault(recorder: RunRecorder, where: string, error: unknown): void {
  let text: string;
  try {
    text = maskSecrets(errorText(error));
  } catch {
    text = 'a value that could not be read';
  }
  try {
    recorder.emit('error', new HistoryError('HANDLER', `${where}: ${text}`));
  } catch {
    // no listener, or the listener's own fault: the framework's run goes on
  }
}
