/**
 * Web Workers for tests under Node (which has none): {@link NodeBackedWebWorker} runs the real
 * Web Worker script (src/web/worker.ts) in a Node worker thread whose `self` is a minimal worker
 * scope (`postMessage`, `addEventListener('message')`), and exposes the DOM `Worker` surface
 * the Web Worker pool uses. The script runs unchanged; only the global it finds is a stand-in.
 * (A real browser runs the same pool and script in scripts/browser-check.mjs.)
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll } from 'vitest';
import {
  createWebWorkerPool,
  type WebWorkerLike,
  type WebWorkerPool,
} from '../../src/web/worker-pool.js';

const SCRIPT = new URL('../../src/web/worker.ts', import.meta.url).href;

export class NodeBackedWebWorker implements WebWorkerLike {
  readonly #w: Worker;
  terminated = false;

  constructor(script: string = SCRIPT) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `
      const { parentPort } = require('node:worker_threads');
      globalThis.self = {
        postMessage: (m, t) => parentPort.postMessage(m, t),
        addEventListener: (type, fn) => {
          if (type === 'message') parentPort.on('message', (data) => fn({ data }));
        },
      };
      import(${JSON.stringify(tsx)})
        .then((m) => { m.register(); return import(${JSON.stringify(script)}); })
        .catch((e) => { throw e; });
    `;
    this.#w = new Worker(code, { eval: true });
    this.#w.unref();
  }

  postMessage(message: unknown, transfer: Transferable[]): void {
    this.#w.postMessage(message, transfer as never);
  }

  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (e: never) => void): void {
    const f = listener as (e: unknown) => void;
    if (type === 'message') this.#w.on('message', (data) => f({ data }));
    else if (type === 'error') this.#w.on('error', (e: Error) => f({ message: e.message }));
    else this.#w.on('messageerror', (e) => f(e));
  }

  terminate(): void {
    this.terminated = true;
    void this.#w.terminate();
  }
}

/** Web Worker pools (Node-backed workers) of the given sizes for the calling test file. */
export function useWebWorkerPools(sizes: readonly number[]): (workers: number) => WebWorkerPool {
  const pools: WebWorkerPool[] = [];
  beforeAll(() => {
    for (const w of sizes)
      pools.push(
        createWebWorkerPool({ workers: w, createWorker: () => new NodeBackedWebWorker() }),
      );
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });
  return (workers) => {
    const p = pools.find((x) => x.workers === workers);
    if (!p) throw new Error(`no Web Worker pool of ${workers}`);
    return p;
  };
}
