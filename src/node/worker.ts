/**
 * A thread of the worker pool (src/node/worker-pool.ts): runs the kernels of src/core/parallel.ts
 * on the tasks the pool sends, and sends back their results (src/core/pool-thread.ts
 * `taskServer`, shared with the Web Worker script src/web/worker.ts). It does nothing unless it
 * was started by the pool (`workerData` carries the pool's marker).
 *
 * Both suites are loaded here (a task names its suite by wire id). The state a thread keeps
 * between tasks is the kernels' `KernelContext`: decoded points held for the next task of the
 * same job.
 *
 * Not a public module: the build emits it beside the pool (dist/node/worker.js), which starts it.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WORKER_MARK, WORKER_PROTOCOL } from '../core/pool-messages.js';
import { taskServer } from '../core/pool-thread.js';

const port = parentPort;
if (
  port !== null &&
  (workerData as Record<string, unknown> | null)?.[WORKER_MARK] === WORKER_PROTOCOL
) {
  const serve = taskServer();
  port.on('message', (msg: unknown) => {
    const answer = serve(msg);
    if (answer) port.postMessage(answer.reply, answer.transfer);
  });
  // A task that cannot be deserialised is never answered: end the thread instead (an uncaught
  // error is an `error` event for the pool, which then rejects every pending call).
  port.on('messageerror', () => {
    throw new Error('quorum-psi/workers: a task could not be deserialised in the thread');
  });
}
