/**
 * A pool of Node.js worker threads that runs the quorum's element-wise work (issue 15):
 * `quorum-psi/workers`. Pass it as the `executor` of the asynchronous party methods:
 *
 * ```ts
 * import { createWorkerPool } from 'quorum-psi/workers';
 * const pool = createWorkerPool();            // one thread per core
 * try {
 *   const stage1 = await party.processHopAsync(incoming, from, { executor: pool });
 * } finally {
 *   await pool.close();
 * }
 * ```
 *
 * The outputs are the same bytes as with the in-thread executor or the synchronous methods,
 * whatever the number of threads (src/core/parallel.ts). Chunks travel as transferred
 * `ArrayBuffer`s (moved, not copied); a suite travels by its wire id; the secret `k_i` of a hop
 * travels to the threads of this process, where it is used with the suite's constant-time
 * multiplication only.
 *
 * Node.js only, and never needed by a client: nothing else in the library imports it. It loads
 * `node:worker_threads`, `node:os` and `node:fs` through `process.getBuiltinModule` (Node ≥
 * 20.16) when a pool is created, not with static imports, so that bundling this module for a
 * browser (or importing it there) fails only if a pool is created.
 *
 * The threads run `worker.js` beside this module (dist/node/worker.js); from the sources
 * (tests, benchmarks under tsx or vitest) they run src/node/worker.ts with tsx's loader
 * registered in the thread. A bundled application passes `workerUrl`.
 * @module workers
 */
import type { Worker } from 'node:worker_threads';
import { WORKER_MARK, WORKER_PROTOCOL } from '../core/pool-messages.js';
import {
  createThreadPool,
  MAX_WORKERS,
  type PoolThread,
  type ThreadPool,
} from '../core/thread-pool.js';

export type { Executor, ParallelOptions, Progress } from '../core/parallel.js';

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of threads (default: `os.availableParallelism()`). */
  workers?: number;
  /**
   * The thread script (default: `worker.js` beside this module, found at creation). For
   * applications that bundle this module: point it at the bundled copy of dist/node/worker.js.
   */
  workerUrl?: string | URL;
  /**
   * Each thread's young generation, in MB (default {@link DEFAULT_YOUNG_GENERATION_MB}). A
   * kernel allocates many short-lived bigints; a small young generation collects them sooner
   * and promotes less garbage to the old generation. With V8's default, a hop of 10^5 elements
   * on two threads peaked 75 MB higher and ran slower (docs/decisions.md "Memory at scale").
   */
  youngGenerationMb?: number;
}

/** Default young generation of a pool thread, MB. */
export const DEFAULT_YOUNG_GENERATION_MB = 12;

/** An {@link Executor} on worker threads; {@link WorkerPool.close} ends them. */
export interface WorkerPool extends ThreadPool {
  /**
   * Terminate every thread. A `map` still running rejects. Idle threads never keep the process
   * alive, so a pool that is never closed does not hang it either.
   */
  close(): Promise<void>;
}

type WorkerThreads = typeof import('node:worker_threads');
type Os = typeof import('node:os');
type Fs = typeof import('node:fs');
type Url = typeof import('node:url');

function builtin<T>(id: string): T {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const m = proc?.getBuiltinModule?.(id);
  if (m === undefined || m === null) {
    throw new Error(
      `quorum-psi/workers needs Node.js >= 20.16 (${id}); elsewhere use the in-thread executor`,
    );
  }
  return m as T;
}

/** The thread script: `workerUrl`, or worker.js beside this module (or beside its chunk's folder). */
function locateWorker(given: string | URL | undefined): URL {
  if (given !== undefined) return new URL(given);
  const { existsSync } = builtin<Fs>('node:fs');
  const { fileURLToPath } = builtin<Url>('node:url');
  const tried: string[] = [];
  for (const rel of ['./worker.js', './node/worker.js', './worker.ts']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol !== 'file:') continue;
    const path = fileURLToPath(u);
    if (existsSync(path)) return u;
    tried.push(path);
  }
  throw new Error(`quorum-psi/workers: thread script not found (tried ${tried.join(', ')})`);
}

/**
 * Start a thread. A TypeScript script (the sources, under tsx or vitest) runs with tsx's ESM
 * loader registered in the thread first.
 */
function spawn(wt: WorkerThreads, url: URL, youngMb: number): Worker {
  const workerData = { [WORKER_MARK]: WORKER_PROTOCOL };
  const resourceLimits = { maxYoungGenerationSizeMb: youngMb };
  if (!url.pathname.endsWith('.ts')) return new wt.Worker(url, { workerData, resourceLimits });
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve !== 'function')
    throw new Error('quorum-psi/workers: a TypeScript thread script needs tsx (run from dist/)');
  const tsx = resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new wt.Worker(code, { eval: true, workerData, resourceLimits });
}

/**
 * A pool of `workers` threads (default: one per core, `os.availableParallelism()`). Chunk `i` of
 * every `map` runs on thread `i mod workers`, at most two chunks in flight per thread
 * (src/core/thread-pool.ts). Threads are referenced (keep the process alive) only while they
 * have work.
 */
export function createWorkerPool(opts: WorkerPoolOptions = {}): WorkerPool {
  const wt = builtin<WorkerThreads>('node:worker_threads');
  const workers = opts.workers ?? builtin<Os>('node:os').availableParallelism();
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS)
    throw new RangeError(`workers must be an integer in 1..${MAX_WORKERS}, got ${workers}`);
  const youngMb = opts.youngGenerationMb ?? DEFAULT_YOUNG_GENERATION_MB;
  if (!Number.isSafeInteger(youngMb) || youngMb < 1 || youngMb > 1024)
    throw new RangeError(`youngGenerationMb must be an integer in 1..1024, got ${youngMb}`);
  const url = locateWorker(opts.workerUrl);
  const started: Worker[] = [];
  try {
    for (let w = 0; w < workers; w++) {
      const worker = spawn(wt, url, youngMb);
      worker.unref();
      started.push(worker);
    }
  } catch (e) {
    for (const worker of started) void worker.terminate();
    throw e;
  }
  const threads = started.map(
    (worker): PoolThread => ({
      post: (msg, transfer) => worker.postMessage(msg, transfer),
      listen: (onMessage, onError) => {
        worker.on('message', onMessage);
        worker.on('error', (e: Error) => onError(e));
        worker.on('messageerror', () =>
          onError(new Error("quorum-psi/workers: a thread's message could not be deserialised")),
        );
        worker.on('exit', (code: number) =>
          onError(new Error(`quorum-psi/workers: a thread exited (code ${code})`)),
        );
      },
      terminate: () => worker.terminate(),
      busy: (yes) => (yes ? worker.ref() : worker.unref()),
    }),
  );
  return createThreadPool(threads, 'quorum-psi/workers');
}
