/**
 * An {@link Executor} over threads of any platform (issue 15): the scheduling that the Node pool
 * (`quorum-psi/workers`, src/node/worker-pool.ts) and the Web Worker pool
 * (`quorum-psi/web-workers`, src/web/worker-pool.ts) share. A platform gives its threads as
 * {@link PoolThread}s: a way to post a task, to hear replies and failures, and to end the thread.
 * No platform API here.
 *
 * Chunk `i` of every `map` runs on thread `i mod workers` (a job's later round finds the points
 * its earlier round held on the same thread), at most {@link DEPTH} chunks in flight per thread.
 * A thread that fails (an error event, an exit) breaks the pool: every pending and later call
 * rejects with that error and the other threads are ended.
 * @module
 */
import type { Executor, KernelInput, KernelName, KernelOutput, MapOptions } from './parallel.js';
import {
  prepareMessage,
  type ResultMessage,
  rebuildError,
  type TaskMessage,
  WORKER_MARK,
  WORKER_PROTOCOL,
} from './pool-messages.js';

/** One thread of a pool, as its platform exposes it. */
export interface PoolThread {
  /** Send a task; `transfer` lists the buffers to move rather than copy. */
  post(msg: TaskMessage, transfer: ArrayBuffer[]): void;
  /**
   * Register the pool's handlers (called once, before any task): `onMessage` for every message
   * the thread sends, `onError` when the thread fails or ends unasked.
   */
  listen(onMessage: (msg: unknown) => void, onError: (error: Error) => void): void;
  /** End the thread. */
  terminate(): unknown;
  /** Whether the thread has work (Node: keep the process alive only then). Optional. */
  busy?(yes: boolean): void;
}

/** An {@link Executor} on threads; {@link ThreadPool.close} ends them. */
export interface ThreadPool extends Executor {
  /** End every thread. A `map` still running rejects. */
  close(): Promise<void>;
}

/** Chunks in flight per thread (one running, one queued in its message port). */
const DEPTH = 2;
/** Most threads a pool may have. */
export const MAX_WORKERS = 256;

interface Pending {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** Whether `msg` has the shape of a reply (anything else from a thread is ignored). */
function isReply(msg: unknown): msg is ResultMessage {
  if (msg === null || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  if (!Number.isSafeInteger(m.id)) return false;
  if (m.ok === true) return 'output' in m;
  if (m.ok !== false || m.error === null || typeof m.error !== 'object') return false;
  const e = m.error as Record<string, unknown>;
  return typeof e.name === 'string' && typeof e.message === 'string';
}

/**
 * A pool over `threads` (at least one, at most {@link MAX_WORKERS}); `name` prefixes its own
 * errors (e.g. `quorum-psi/workers`).
 */
export function createThreadPool(threads: readonly PoolThread[], name: string): ThreadPool {
  const workers = threads.length;
  if (workers < 1 || workers > MAX_WORKERS)
    throw new RangeError(
      `${name}: workers must be an integer in 1..${MAX_WORKERS}, got ${workers}`,
    );
  let nextId = 1;
  let closed = false;
  let failure: Error | null = null;
  const pending = threads.map(() => new Map<number, Pending>());

  const failAll = (err: Error) => {
    threads.forEach((t, w) => {
      const p = pending[w] as Map<number, Pending>;
      for (const x of p.values()) x.reject(err);
      p.clear();
      t.busy?.(false);
    });
  };
  const broken = (err: Error) => {
    if (closed || failure) return;
    failure = err;
    failAll(err);
    for (const t of threads) void Promise.resolve(t.terminate()).catch(() => undefined);
  };

  threads.forEach((t, w) => {
    const mine = pending[w] as Map<number, Pending>;
    t.listen(
      (msg) => {
        if (!isReply(msg)) return;
        const p = mine.get(msg.id);
        if (!p) return;
        mine.delete(msg.id);
        if (mine.size === 0) t.busy?.(false);
        if (msg.ok) p.resolve(msg.output);
        else p.reject(rebuildError(msg.error));
      },
      (e) => broken(e),
    );
  });

  const send = (w: number, kernel: KernelName, input: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      if (closed) return reject(new Error(`${name}: the pool is closed`));
      const t = threads[w] as PoolThread;
      const mine = pending[w] as Map<number, Pending>;
      const id = nextId++;
      const { value, transfer } = prepareMessage(input);
      mine.set(id, { resolve, reject });
      if (mine.size === 1) t.busy?.(true);
      const msg: TaskMessage = { [WORKER_MARK]: WORKER_PROTOCOL, id, kernel, input: value };
      try {
        t.post(msg, transfer);
      } catch (e) {
        mine.delete(id);
        if (mine.size === 0) t.busy?.(false);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });

  const map = <K extends KernelName>(
    kernel: K,
    count: number,
    input: (index: number) => KernelInput<K>,
    mapOpts: MapOptions<K> = {},
  ): Promise<KernelOutput<K>[]> =>
    new Promise((resolve, reject) => {
      const results: KernelOutput<K>[] = new Array(count);
      let remaining = count;
      let stopped = false;
      const stop = (e: unknown) => {
        if (stopped) return;
        stopped = true;
        reject(e);
      };
      if (count === 0) return resolve(results);
      const launch = (i: number) => {
        if (stopped || i >= count) return;
        let task: KernelInput<K>;
        try {
          task = input(i);
        } catch (e) {
          return stop(e);
        }
        send(i % workers, kernel, task).then(
          (out) => {
            if (stopped) return;
            if (!mapOpts.discardResults) results[i] = out as KernelOutput<K>;
            try {
              mapOpts.onResult?.(i, out as KernelOutput<K>);
            } catch (e) {
              return stop(e);
            }
            if (--remaining === 0) {
              stopped = true;
              resolve(results);
            } else launch(i + DEPTH * workers);
          },
          (e) => stop(e),
        );
      };
      for (let i = 0; i < Math.min(count, DEPTH * workers); i++) launch(i);
    });

  return Object.freeze({
    workers,
    map,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      failAll(new Error(`${name}: the pool is closed`));
      await Promise.all(threads.map((t) => Promise.resolve(t.terminate()).catch(() => undefined)));
    },
  });
}
