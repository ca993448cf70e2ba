/**
 * The Web Worker pool (`quorum-psi/web-workers`, src/web/worker-pool.ts) and its script
 * (`quorum-psi/web-worker`, src/web/worker.ts), issue 15: "in a browser the same API runs
 * single-threaded or with Web Workers". Byte identity with the calling thread is checked with
 * every other executor (test/parallel.test.ts, test/parallel-database.test.ts, on Node-backed
 * workers, test/helpers/web-workers.ts) and in a real browser (scripts/browser-check.mjs). Here:
 * what the pool does with a failing or foreign worker, its options, and what the script answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_MARK, WORKER_PROTOCOL } from '../src/core/pool-messages.js';
import { createThreadPool } from '../src/core/thread-pool.js';
import { servingTasks } from '../src/web/worker.js';
import { createWebWorkerPool, type WebWorkerLike } from '../src/web/worker-pool.js';
import { NodeBackedWebWorker } from './helpers/web-workers.js';

/** An in-thread stand-in for a worker that never answers unless told to. */
class StubWorker implements WebWorkerLike {
  readonly posted: unknown[] = [];
  readonly listeners = new Map<string, ((e: never) => void)[]>();
  terminated = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  addEventListener(type: string, listener: (e: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: unknown): void {
    for (const f of this.listeners.get(type) ?? []) (f as (e: unknown) => void)(event);
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** A Web Worker pool of `workers` stubs, and the stubs. */
function stubPool(workers: number) {
  const stubs: StubWorker[] = [];
  const pool = createWebWorkerPool({
    workers,
    createWorker: () => {
      const s = new StubWorker();
      stubs.push(s);
      return s;
    },
  });
  return { pool, stubs };
}

const HASH_TASK = () => ({
  suite: 1,
  dst: new TextEncoder().encode('test'),
  width: 4,
  msgs: new Uint8Array(8),
});

const started: NodeBackedWebWorker[] = [];
afterEach(() => {
  for (const w of started.splice(0)) w.terminate();
});

describe('createWebWorkerPool', () => {
  it('starts `workers` workers and terminates every one on close; a map after close rejects', async () => {
    const { pool, stubs } = stubPool(3);
    expect(pool.workers).toBe(3);
    expect(stubs).toHaveLength(3);
    await pool.close();
    expect(stubs.every((s) => s.terminated)).toBe(true);
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow(
      'quorum-psi/web-workers: the pool is closed',
    );
  });

  it("a worker's error event rejects the running map and every later call, and terminates every worker", async () => {
    const { pool, stubs } = stubPool(2);
    const running = pool.map('hash', 4, HASH_TASK);
    // Chunks 0 and 2 went to worker 0, chunks 1 and 3 to worker 1 (two in flight each).
    expect(stubs.map((s) => s.posted.length)).toEqual([2, 2]);
    (stubs[1] as StubWorker).emit('error', { message: 'boom' });
    await expect(running).rejects.toThrow('quorum-psi/web-workers: a worker failed: boom');
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow('a worker failed: boom');
    expect(stubs.every((s) => s.terminated)).toBe(true);
    await pool.close();
  });

  it('a messageerror event breaks the pool the same way', async () => {
    const { pool, stubs } = stubPool(2);
    const running = pool.map('hash', 2, HASH_TASK);
    (stubs[0] as StubWorker).emit('messageerror', {});
    await expect(running).rejects.toThrow("a worker's message could not be deserialised");
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow(
      "a worker's message could not be deserialised",
    );
    expect(stubs.every((s) => s.terminated)).toBe(true);
  });

  it('a post that throws rejects its map, and the pool still works', async () => {
    let failNext = true;
    const pool = createWebWorkerPool({
      workers: 1,
      createWorker: () => {
        const echo = new StubWorker();
        echo.postMessage = (message: unknown) => {
          if (failNext) {
            failNext = false;
            throw new Error('DataCloneError stand-in');
          }
          const { id, kernel } = message as { id: number; kernel: string };
          queueMicrotask(() => echo.emit('message', { data: { id, ok: true, output: kernel } }));
        };
        return echo;
      },
    });
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow('DataCloneError stand-in');
    await expect(pool.map('hash', 2, HASH_TASK)).resolves.toEqual(['hash', 'hash']);
    await pool.close();
  });

  it('a post that throws leaves its thread idle (Node: unreferenced, so the process can exit)', async () => {
    const busy: boolean[] = [];
    const pool = createThreadPool(
      [
        {
          post: () => {
            throw new Error('DataCloneError stand-in');
          },
          listen: () => undefined,
          terminate: () => undefined,
          busy: (yes) => busy.push(yes),
        },
      ],
      'test-pool',
    );
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow('DataCloneError stand-in');
    expect(busy).toEqual([true, false]);
    await pool.close();
  });

  it('a worker whose script fails to load breaks the pool', async () => {
    const workers: NodeBackedWebWorker[] = [];
    const pool = createWebWorkerPool({
      workers: 2,
      createWorker: () => {
        const w = new NodeBackedWebWorker(
          workers.length === 0 ? 'file:///nonexistent/quorum-psi-worker.ts' : undefined,
        );
        workers.push(w);
        started.push(w);
        return w;
      },
    });
    await expect(pool.map('hash', 2, HASH_TASK)).rejects.toThrow(
      'quorum-psi/web-workers: a worker failed',
    );
    await expect(pool.map('hash', 1, HASH_TASK)).rejects.toThrow('a worker failed');
    expect(workers.every((w) => w.terminated)).toBe(true);
    await pool.close();
  });

  it('ignores what is not a reply to a pending task (foreign messages, unknown ids, malformed replies)', async () => {
    const stub = new StubWorker();
    const pool = createWebWorkerPool({ workers: 1, createWorker: () => stub });
    const running = pool.map('positions', 1, () => ({
      nonces: [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)] as const,
      nPrime: 10,
      width: 4,
      items: new Uint8Array(0),
    }));
    const task = stub.posted[0] as { id: number; [WORKER_MARK]: number };
    expect(task[WORKER_MARK]).toBe(WORKER_PROTOCOL);
    stub.emit('message', { data: 'hello' });
    stub.emit('message', { data: { id: task.id + 1, ok: true, output: 'not mine' } });
    // Malformed replies to the pending task: no `ok`, no `output`, a failure without its error.
    stub.emit('message', { data: { id: task.id, output: 'no ok' } });
    stub.emit('message', { data: { id: task.id, ok: true } });
    stub.emit('message', { data: { id: task.id, ok: false } });
    stub.emit('message', { data: { id: task.id, ok: false, error: { name: 'E' } } });
    stub.emit('message', {
      data: { id: task.id, ok: true, output: { positions: new Int32Array(0) } },
    });
    await expect(running).resolves.toEqual([{ positions: new Int32Array(0) }]);
    await pool.close();
  });

  it('a createWorker that throws: the error reaches the caller, the workers already started are terminated', () => {
    const stubs: StubWorker[] = [];
    expect(() =>
      createWebWorkerPool({
        workers: 3,
        createWorker: () => {
          if (stubs.length === 2) throw new Error('no more workers');
          const s = new StubWorker();
          stubs.push(s);
          return s;
        },
      }),
    ).toThrow('no more workers');
    expect(stubs.every((s) => s.terminated)).toBe(true);
  });

  it('refuses a bad number of workers and a missing createWorker', () => {
    const createWorker = () => new StubWorker();
    for (const workers of [0, -1, 1.5, 257, Number.NaN])
      expect(() => createWebWorkerPool({ workers, createWorker })).toThrow(RangeError);
    expect(() => createWebWorkerPool({} as never)).toThrow(TypeError);
  });

  it('defaults to navigator.hardwareConcurrency workers', async () => {
    const n = globalThis.navigator?.hardwareConcurrency;
    const pool = createWebWorkerPool({ createWorker: () => new StubWorker() });
    expect(pool.workers).toBe(typeof n === 'number' && n >= 1 ? Math.min(n, 256) : 2);
    await pool.close();
  });
});

describe('the Web Worker script (src/web/worker.ts)', () => {
  it('does nothing when imported in Node’s main thread (no worker scope)', () => {
    expect(servingTasks).toBe(false);
  });

  it("answers a task of the pool's protocol, a kernel's error as an error reply, and nothing else", async () => {
    const w = new NodeBackedWebWorker();
    started.push(w);
    const got: unknown[] = [];
    const answered = new Promise<void>((resolve) =>
      w.addEventListener('message', (e: { data: unknown }) => {
        got.push(e.data);
        if ((e.data as { id?: number }).id === 3) resolve();
      }),
    );
    w.postMessage('hello', []);
    w.postMessage({ [WORKER_MARK]: WORKER_PROTOCOL + 1, id: 1, kernel: 'hash', input: {} }, []);
    w.postMessage({ id: 2, kernel: 'hash', input: HASH_TASK() }, []);
    w.postMessage(
      {
        [WORKER_MARK]: WORKER_PROTOCOL,
        id: 3,
        kernel: 'hash',
        input: { ...HASH_TASK(), suite: 999 },
      },
      [],
    );
    await answered;
    // Messages are delivered in order: the three foreign ones, had they been answered, came first.
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      id: 3,
      ok: false,
      error: { name: 'RangeError', message: 'worker: unknown suite id 999' },
    });
  });
});
