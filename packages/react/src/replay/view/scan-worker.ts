/**
 * The keyframe scanner in a worker: blocks of the recording arrive in order, keyframes and the
 * packed block go back (buffers transferred). Built into one self-contained script at build
 * time (see scripts/inline-worker.ts) and started from a Blob URL, so hosts configure nothing.
 *
 * Messages in: { type: 'init', cols, rows, spacing?, maxKeyframes? }, { type: 'block', id, block }.
 * Messages out: { type: 'ready' }, { type: 'scanned', id, result }, { type: 'failed', id, message }.
 */
import './worker-globals';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { KeyframeScanner } from '../core/scanner';
import { snapshotTerminal } from './snapshot-terminal';

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

let scanner: KeyframeScanner | null = null;
// Blocks are scanned one after another, in the order they came.
let queue: Promise<void> = Promise.resolve();

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    const terminal = snapshotTerminal(Terminal, SerializeAddon, message.cols, message.rows);
    scanner = new KeyframeScanner(terminal, {
      spacing: message.spacing,
      maxKeyframes: message.maxKeyframes,
    });
    return;
  }
  if (message.type !== 'block') return;
  queue = queue.then(async () => {
    try {
      if (!scanner) throw new Error('scan worker: block before init');
      const result = await scanner.scan(message.block);
      const transfer: Transferable[] = [];
      if (result.packed) transfer.push(result.packed.buffer);
      for (const op of result.ops) {
        if (op !== 'thin' && typeof op.snapshot !== 'string') transfer.push(op.snapshot.buffer);
      }
      scope.postMessage({ type: 'scanned', id: message.id, result }, transfer);
    } catch (error) {
      scope.postMessage({
        type: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });
};
scope.postMessage({ type: 'ready' });
