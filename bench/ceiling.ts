/**
 * The machine's own ceiling for a speed-up from 1 to 2 threads, measured in the same run as the
 * speed-ups it qualifies (issue 15). The reference machines are 2-core VMs, often busy: two
 * threads that never wait for each other (the same work each, no shared data) still finish
 * later than one alone when the host takes time from one of the cores. This times one chunk of
 * the library's `hash` kernel (hash-to-group on limbs: pure arithmetic, no allocation to speak
 * of) on a pool of 1 thread, then two such chunks, one per thread, on a pool of 2:
 * `ceiling = 2 · t1 / t2`. It is 2 on an idle machine with two real cores and lower when the
 * host is busy; a step's speed-up cannot beat it. It qualifies a figure and replaces none:
 * every target stays an absolute speed-up.
 * @module
 */
import type { Executor } from '../src/core/parallel.js';
import { ristretto255Sha512 as suite } from '../src/core/ristretto255.js';

/** Messages per chunk: about 0.1 s of work on the reference machines. */
const MESSAGES = 2000;
const WIDTH = 8;
const DST = new TextEncoder().encode('quorum-psi-bench-ceiling');

function task() {
  const msgs = new Uint8Array(MESSAGES * WIDTH);
  const view = new DataView(msgs.buffer);
  for (let i = 0; i < MESSAGES; i++) view.setUint32(i * WIDTH, i);
  // A fresh buffer each time: a task's bytes are moved to its thread.
  return { suite: suite.id, dst: DST, width: WIDTH, msgs };
}

/** One measurement of the ceiling: `one` must have 1 thread, `two` 2 threads. */
export async function parallelCeiling(one: Executor, two: Executor): Promise<number> {
  if (one.workers !== 1 || two.workers !== 2)
    throw new RangeError('parallelCeiling: pools of 1 and 2 threads');
  let t = performance.now();
  await one.map('hash', 1, () => task());
  const t1 = performance.now() - t;
  t = performance.now();
  await two.map('hash', 2, () => task());
  const t2 = performance.now() - t;
  return (2 * t1) / t2;
}
