/**
 * Messages between a thread pool and its threads, on any platform (./thread-pool.ts; the Node
 * pool src/node/worker-pool.ts and its thread src/node/worker.ts; the Web Worker pool
 * src/web/worker-pool.ts and its script src/web/worker.ts): their shape, which byte buffers move
 * instead of being copied (./pool-thread.ts is what a thread does with a task). No platform API.
 * @module
 */
import type { KernelName } from './parallel.js';

/**
 * The marker of the pool's messages (and of a Node pool thread's `workerData`), and the message
 * protocol's version: a thread answers only tasks that carry both.
 */
export const WORKER_MARK = 'quorumPsiWorker';
export const WORKER_PROTOCOL = 1;

/** Pool → thread: run `kernel` on `input`. */
export interface TaskMessage {
  readonly [WORKER_MARK]: typeof WORKER_PROTOCOL;
  readonly id: number;
  readonly kernel: KernelName;
  readonly input: unknown;
}

/** Whether `msg` is a task of this protocol (anything else a thread receives is ignored). */
export function isTaskMessage(msg: unknown): msg is TaskMessage {
  if (msg === null || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  return (
    m[WORKER_MARK] === WORKER_PROTOCOL &&
    Number.isSafeInteger(m.id) &&
    typeof m.kernel === 'string' &&
    'input' in m
  );
}

/** Thread → pool: the kernel's output, or what it threw. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { name: string; message: string; code?: string; stack?: string };
    };

/**
 * Byte arrays at least this long that own their whole buffer are transferred (moved to the other
 * thread, detached here); shorter ones are copied.
 */
export const TRANSFER_MIN_BYTES = 1024;

/**
 * `value` ready for `postMessage`: the buffers to transfer, and a copy of every typed array that
 * does not own its whole buffer (structured cloning a view would copy all of its buffer, e.g.
 * a whole incoming message for a chunk of it).
 */
export function prepareMessage<T>(value: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      // Any typed array (bytes; the layout's Int32Array positions).
      const b = v.buffer;
      const whole = b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength;
      // A real copy: a Node Buffer's own slice() is a view (its whole pool would be cloned).
      if (!whole)
        return v instanceof Uint8Array
          ? Uint8Array.from(v)
          : new (v.constructor as new (src: unknown) => ArrayBufferView)(v);
      if (v.byteLength >= TRANSFER_MIN_BYTES) transfer.add(b);
      return v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, x] of Object.entries(v)) out[key] = walk(x);
      return out;
    }
    return v;
  };
  return { value: walk(value) as T, transfer: [...transfer] };
}

/** An error thrown by a kernel in a thread, rebuilt in the pool's thread. */
export function describeError(e: unknown): {
  name: string;
  message: string;
  code?: string;
  stack?: string;
} {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return {
      name: e.name,
      message: e.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(e.stack ? { stack: e.stack } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}

/** An error a thread reported, rebuilt in the pool's thread (name, message, code and stack kept). */
export function rebuildError(e: {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}): Error {
  const err = new Error(`worker thread: ${e.message}`) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  if (e.stack !== undefined) err.stack = `${err.name}: ${err.message}\n(in the thread) ${e.stack}`;
  return err;
}
