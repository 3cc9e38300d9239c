/// <reference path="../worker-source.d.ts" />
/**
 * Where keyframes are taken: in a worker when the platform allows (the main thread stays free
 * for playing while a long recording is scanned), else on this thread in the same way. The
 * worker's script is inlined at build time and started from a Blob URL; a Content Security
 * Policy without `worker-src blob:` makes it fail to start, and the player falls back.
 */
import type { ScanHost } from '../core/keyframes';
import { KeyframeScanner, type ScannerOptions, type ScanResult } from '../core/scanner';
import { createSnapshotTerminal } from './snapshot-terminal';

export interface ScanHostOptions extends ScannerOptions {
  cols: number;
  rows: number;
  /** Scan in a worker (default true); false scans on this thread. */
  worker?: boolean;
}

export type StartedScanHost = ScanHost & { kind: 'worker' | 'thread' };

export async function createScanHost(options: ScanHostOptions): Promise<StartedScanHost> {
  if (
    options.worker !== false &&
    typeof Worker === 'function' &&
    typeof Blob === 'function' &&
    typeof URL.createObjectURL === 'function'
  ) {
    try {
      return await startWorker(options);
    } catch {
      // A policy forbids blob: workers, or the worker failed to start: scan here instead.
    }
  }
  const terminal = await createSnapshotTerminal(options.cols, options.rows);
  const scanner = new KeyframeScanner(terminal, options);
  // One block at a time, in the order given (the scanner's terminal carries over between blocks).
  let queue: Promise<unknown> = Promise.resolve();
  return {
    kind: 'thread',
    scan: (block) => {
      const result = queue.then(() => scanner.scan(block));
      queue = result.catch(() => {});
      return result;
    },
    dispose: () => terminal.dispose(),
  };
}

async function startWorker(options: ScanHostOptions): Promise<StartedScanHost> {
  const { default: source } = await import('./scan-worker?worker-source');
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(url, { name: 'auditlane-replay-scan' });
  } catch (error) {
    // Some browsers enforce a policy by throwing here.
    URL.revokeObjectURL(url);
    throw error;
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the scan worker did not start')), 10_000);
      worker.onmessage = (event) => {
        if (event.data?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      };
      worker.onerror = (event) => {
        event.preventDefault();
        clearTimeout(timer);
        reject(new Error(event.message || 'the scan worker did not start'));
      };
    });
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    URL.revokeObjectURL(url);
  }
  const pending = new Map<number, { resolve(r: ScanResult): void; reject(e: Error): void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.onmessage = (event) => {
    const message = event.data;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (message.type === 'scanned') p.resolve(message.result);
    else p.reject(new Error(message.message ?? 'the scan worker failed'));
  };
  worker.onerror = (event) => {
    event.preventDefault();
    failAll(new Error(event.message || 'the scan worker failed'));
  };
  worker.onmessageerror = () => failAll(new Error('a message from the scan worker was unreadable'));
  worker.postMessage({
    type: 'init',
    cols: options.cols,
    rows: options.rows,
    spacing: options.spacing,
    maxKeyframes: options.maxKeyframes,
  });
  return {
    kind: 'worker',
    scan(block) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<ScanResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'block', id, block });
      });
    },
    dispose() {
      worker.terminate();
      failAll(new Error('the player was closed'));
    },
  };
}
