/**
 * The script each worker of a Web Worker pool runs (`quorum-psi/web-worker`; the pool is
 * `quorum-psi/web-workers`, src/web/worker-pool.ts): it answers the pool's tasks with the
 * kernels of src/core/parallel.ts (src/core/pool-thread.ts `taskServer`, the body the Node pool's
 * threads run too). Importing it does nothing outside a worker (`workerScope` below); in a
 * worker it ignores every message that is not a task of the pool's protocol.
 *
 * Both suites are loaded here (a task names its suite by wire id). No Node.js API.
 * @module web-worker
 */
import { taskServer } from '../core/pool-thread.js';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(
    type: 'message' | 'messageerror',
    listener: (event: { data: unknown }) => void,
  ): void;
}

/**
 * The worker's global scope, or `null` when this is not a worker. A browser's worker is
 * recognised by `WorkerGlobalScope`; elsewhere (a stand-in, as the tests use under Node) a `self`
 * with `postMessage` and `addEventListener` and no `document` counts as one.
 */
function workerScope(): WorkerScope | null {
  const g = globalThis as { self?: unknown; document?: unknown; WorkerGlobalScope?: unknown };
  const scope = g.self as Partial<WorkerScope> | undefined;
  if (typeof g.WorkerGlobalScope === 'function' && globalThis instanceof g.WorkerGlobalScope)
    return globalThis as unknown as WorkerScope;
  if (g.document !== undefined || scope === undefined || scope === null) return null;
  return typeof scope.postMessage === 'function' && typeof scope.addEventListener === 'function'
    ? (scope as WorkerScope)
    : null;
}

const scope = workerScope();
if (scope !== null) {
  const serve = taskServer();
  scope.addEventListener('message', (event) => {
    const answer = serve(event.data);
    if (answer) scope.postMessage(answer.reply, answer.transfer);
  });
  // A task that cannot be deserialised is never answered: fail the worker instead (an uncaught
  // error is an `error` event on the page's Worker, which breaks the pool).
  scope.addEventListener('messageerror', () => {
    throw new Error('quorum-psi/web-worker: a task could not be deserialised');
  });
}

/** Whether this module found a worker scope and answers the pool's tasks. */
export const servingTasks: boolean = scope !== null;
