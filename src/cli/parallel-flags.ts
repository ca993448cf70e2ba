/**
 * The `--workers N` and `--quiet` flags of the commands whose element-wise work runs on a worker
 * pool (issue 15): `ngo mask | hop | qualify`, `build`, `audit`. Kept apart from ./io.ts, which
 * the client commands import and which must not load the worker pool. Node only.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Executor } from '../core/parallel.js';
import { createWorkerPool } from '../node/worker-pool.js';
import { intFlag, progressReporter } from './io.js';

/** Lists (and `X_int`) shorter than this run in this thread unless --workers asks for threads. */
export const POOL_MIN_ELEMENTS = 4096;

export const PARALLEL_HELP = `  --workers N    worker threads for the element-wise work (default: the number of cores, ${availableParallelism()}
                 here; lists and databases under ${POOL_MIN_ELEMENTS} elements or items then run in this
                 thread; 1 = this thread only). The output is the same bytes whatever N.
  --quiet        no progress on stderr (default: a bar on a terminal, otherwise one line per
                 tenth of a step over at least 10,000 elements)`;

export const PARALLEL_FLAGS = { workers: { type: 'string' }, quiet: { type: 'boolean' } } as const;

/**
 * Run a step's element-wise work on the executor --workers asks for (issue 15), with progress on
 * stderr unless --quiet; the pool is closed whatever happens. `elements` is the size of the work
 * (a list's length, `X_int`'s size): below {@link POOL_MIN_ELEMENTS} it runs in this thread unless
 * --workers is given.
 */
export async function withExecutor<T>(
  label: string,
  f: { workers?: string | undefined; quiet?: boolean | undefined },
  elements: number,
  fn: (opts: {
    executor?: Executor;
    onProgress: (p: { phase: string; done: number; total: number }) => void;
  }) => Promise<T>,
): Promise<T> {
  const asked = f.workers === undefined ? undefined : intFlag('workers', f.workers, 1, 256);
  const n = asked ?? (elements < POOL_MIN_ELEMENTS ? 1 : availableParallelism());
  const progress = progressReporter(label, { quiet: f.quiet === true });
  const pool = n > 1 ? createWorkerPool({ workers: n }) : null;
  try {
    return await fn({ ...(pool ? { executor: pool } : {}), onProgress: progress.onProgress });
  } finally {
    progress.done();
    await pool?.close();
  }
}
