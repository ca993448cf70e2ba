/**
 * Executors for the parallel tests (test/parallel*.test.ts): one that keeps nothing between
 * chunks, one that reports results in reverse order, and worker pools of given sizes started before the file's tests and closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { type Executor, KernelContext, runKernel } from '../../src/core/parallel.js';
import { createWorkerPool, type WorkerPool } from '../../src/node/worker-pool.js';

/** An executor that forgets between chunks (a fresh kernel context per chunk): no held points. */
export function forgetfulExecutor(workers: number): Executor {
  return {
    workers,
    async map(kernel, count, input, opts = {}) {
      const out = [];
      for (let i = 0; i < count; i++) {
        const r = runKernel(new KernelContext(), kernel, input(i));
        out.push(r);
        opts.onResult?.(i, r);
      }
      return out;
    },
  };
}

/**
 * An executor that runs every chunk (in one kernel context, so held points stay) and only then
 * reports the results, in the order `order(count)` gives.
 */
function reportingExecutor(workers: number, order: (count: number) => number[]): Executor {
  const ctx = new KernelContext();
  return {
    workers,
    async map(kernel, count, input, opts = {}) {
      const out = [];
      for (let i = 0; i < count; i++) out.push(runKernel(ctx, kernel, input(i)));
      for (const i of order(count)) opts.onResult?.(i, out[i] as (typeof out)[number]);
      return out;
    },
  };
}

/** Results reported last chunk first: the worst completion order a real pool could give. */
export function reversingExecutor(workers: number): Executor {
  return reportingExecutor(workers, (count) =>
    Array.from({ length: count }, (_, i) => count - 1 - i),
  );
}

/**
 * Results reported in a shuffled order fixed by `seed` (xorshift32, Fisher–Yates): completion
 * orders no real pool is likely to produce.
 */
export function shufflingExecutor(workers: number, seed: number): Executor {
  return reportingExecutor(workers, (count) => {
    const order = Array.from({ length: count }, (_, i) => i);
    let x = seed >>> 0 || 1;
    for (let i = count - 1; i > 0; i--) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const j = (x >>> 0) % (i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order;
  });
}

/** Worker pools of the given sizes for the calling test file; `pool(n)` returns one. */
export function usePools(sizes: readonly number[]): (workers: number) => WorkerPool {
  const pools: WorkerPool[] = [];
  beforeAll(() => {
    for (const w of sizes) pools.push(createWorkerPool({ workers: w }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });
  return (workers) => {
    const p = pools.find((x) => x.workers === workers);
    if (!p) throw new Error(`no pool of ${workers}`);
    return p;
  };
}
