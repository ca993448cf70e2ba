/**
 * What a pool thread does with the messages it receives, on any platform: the body of the Node
 * pool's thread (src/node/worker.ts) and of the Web Worker script (src/web/worker.ts). Loads both
 * suites (a task names its suite by wire id); kept apart from ./pool-messages.ts so that the
 * pools themselves, in the calling thread, do not load them. No platform API.
 * @module
 */
import { p256Sha256 } from './p256.js';
import { KernelContext, runKernel } from './parallel.js';
import {
  describeError,
  isTaskMessage,
  prepareMessage,
  type ResultMessage,
} from './pool-messages.js';
import { ristretto255Sha512 } from './ristretto255.js';
import type { Suite } from './suite.js';

const SUITES = new Map<number, Suite>([ristretto255Sha512, p256Sha256].map((s) => [s.id, s]));

function suiteOf(id: number): Suite {
  const s = SUITES.get(id);
  if (s === undefined) throw new RangeError(`worker: unknown suite id ${id}`);
  return s;
}

/**
 * What a pool thread does with the messages it receives: a task runs its kernel (with both
 * suites loaded, and the points held between a job's tasks in one {@link KernelContext} per
 * thread) and gives the reply to post back, with the buffers to transfer; a message that is not
 * a task of this protocol gives `null` (no reply). A kernel's error becomes an error reply.
 */
export function taskServer(): (
  msg: unknown,
) => { reply: ResultMessage; transfer: ArrayBuffer[] } | null {
  const ctx = new KernelContext();
  return (msg) => {
    if (!isTaskMessage(msg)) return null;
    try {
      const out = runKernel(ctx, msg.kernel, msg.input as never, suiteOf);
      const prepared = prepareMessage(out);
      return {
        reply: { id: msg.id, ok: true, output: prepared.value },
        transfer: prepared.transfer,
      };
    } catch (e) {
      return { reply: { id: msg.id, ok: false, error: describeError(e) }, transfer: [] };
    }
  };
}
