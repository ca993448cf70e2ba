/**
 * A thread of the worker pool (src/node/worker-pool.ts): runs the kernels of src/core/parallel.ts
 * on the tasks the pool sends, and sends back their results. It does nothing unless it was
 * started by the pool (`workerData` carries the pool's marker).
 *
 * Both suites are loaded here (a task names its suite by wire id). The state a thread keeps
 * between tasks is the kernels' {@link KernelContext}: decoded points held for the next task of
 * the same job.
 *
 * Not a public module: the build emits it beside the pool (dist/node/worker.js), which starts it.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { p256Sha256 } from '../core/p256.js';
import { KernelContext, runKernel } from '../core/parallel.js';
import { ristretto255Sha512 } from '../core/ristretto255.js';
import type { Suite } from '../core/suite.js';
import {
  describeError,
  prepareMessage,
  type ResultMessage,
  type TaskMessage,
  WORKER_MARK,
  WORKER_PROTOCOL,
} from './transfer.js';

const SUITES = new Map<number, Suite>([ristretto255Sha512, p256Sha256].map((s) => [s.id, s]));

function suiteOf(id: number): Suite {
  const s = SUITES.get(id);
  if (s === undefined) throw new RangeError(`worker: unknown suite id ${id}`);
  return s;
}

const port = parentPort;
if (
  port !== null &&
  (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === WORKER_PROTOCOL
) {
  const ctx = new KernelContext();
  port.on('message', (msg: TaskMessage) => {
    let reply: ResultMessage;
    let transfer: ArrayBuffer[] = [];
    try {
      const out = runKernel(ctx, msg.kernel, msg.input as never, suiteOf);
      const prepared = prepareMessage(out);
      transfer = prepared.transfer;
      reply = { id: msg.id, ok: true, output: prepared.value };
    } catch (e) {
      reply = { id: msg.id, ok: false, error: describeError(e) };
    }
    port.postMessage(reply, transfer);
  });
}
