/**
 * A pool of Web Workers that runs the quorum's element-wise work in a browser (issue 15):
 * `quorum-psi/web-workers`, the browser's counterpart of the Node pool `quorum-psi/workers`.
 * Pass it as the `executor` of the asynchronous methods (`maskOwnListAsync`, `processHopAsync`,
 * `qualifyAsync`, `buildDatabaseAsync`, `auditDatabaseAsync`):
 *
 * ```ts
 * import { createWebWorkerPool } from 'quorum-psi/web-workers';
 * const pool = createWebWorkerPool({
 *   // Each worker runs the script `quorum-psi/web-worker` (dist/web/worker.js): here a bundle
 *   // of `import 'quorum-psi/web-worker';` that the application serves as /web-worker.js.
 *   createWorker: () => new Worker('/web-worker.js'),
 * });
 * try {
 *   const stage1 = await party.processHopAsync(incoming, from, { executor: pool });
 * } finally {
 *   await pool.close();
 * }
 * ```
 *
 * The outputs are the same bytes as in the calling thread or with the synchronous methods,
 * whatever the number of workers (src/core/parallel.ts). Chunks travel as transferred
 * `ArrayBuffer`s; the secret `k_i` of a hop travels to the page's own workers, where it is used
 * with the constant-time multiplication only. The application creates the workers (only it knows
 * where its bundler put the script); the pool schedules them as the Node pool schedules its
 * threads (src/core/thread-pool.ts: chunk `i` on worker `i mod workers`, two in flight each).
 * No Node.js API; nothing a client imports reaches this module.
 * @module web-workers
 */
import type { Executor } from '../core/parallel.js';
import { createThreadPool, MAX_WORKERS, type ThreadPool } from '../core/thread-pool.js';

export type { Executor, ParallelOptions, Progress } from '../core/parallel.js';

/** What the pool needs of a Web Worker (the DOM's `Worker` has it). */
export interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  addEventListener(type: 'messageerror', listener: (event: unknown) => void): void;
  terminate(): void;
}

/** Options of {@link createWebWorkerPool}. */
export interface WebWorkerPoolOptions {
  /**
   * Start one worker running the script `quorum-psi/web-worker` (called `workers` times, when
   * the pool is created).
   */
  createWorker: () => WebWorkerLike;
  /** Number of workers (default: `navigator.hardwareConcurrency`, or 2 where it is unknown). */
  workers?: number;
}

/** An {@link Executor} on Web Workers; {@link WebWorkerPool.close} terminates them. */
export interface WebWorkerPool extends ThreadPool {
  /** Terminate every worker. A `map` still running rejects. */
  close(): Promise<void>;
}

const NAME = 'quorum-psi/web-workers';

/** The default number of workers: the logical cores the browser reports, or 2. */
function defaultWorkers(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: unknown } }).navigator
    ?.hardwareConcurrency;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? Math.min(n, MAX_WORKERS) : 2;
}

/**
 * A pool of `workers` Web Workers made by `createWorker`. A worker's `error` or `messageerror`
 * event breaks the pool: every pending and later call rejects, and the workers are terminated.
 */
export function createWebWorkerPool(opts: WebWorkerPoolOptions): WebWorkerPool {
  if (typeof opts?.createWorker !== 'function')
    throw new TypeError(`${NAME}: createWorker must be a function that starts one worker`);
  const workers = opts.workers ?? defaultWorkers();
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new RangeError(`workers must be an integer in 1..${MAX_WORKERS}, got ${workers}`);
  const started: WebWorkerLike[] = [];
  try {
    for (let w = 0; w < workers; w++) started.push(opts.createWorker());
  } catch (e) {
    for (const worker of started) worker.terminate();
    throw e;
  }
  return createThreadPool(
    started.map((worker) => ({
      post: (msg, transfer) => worker.postMessage(msg, transfer),
      listen: (onMessage, onError) => {
        worker.addEventListener('message', (event) => onMessage(event.data));
        worker.addEventListener('error', (event) =>
          onError(new Error(`${NAME}: a worker failed: ${event?.message ?? 'error event'}`)),
        );
        worker.addEventListener('messageerror', () =>
          onError(new Error(`${NAME}: a worker's message could not be deserialised`)),
        );
      },
      terminate: () => worker.terminate(),
    })),
    NAME,
  );
}
