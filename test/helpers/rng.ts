/**
 * Deterministic byte source for tests and known-answer vectors: SHA-256 in counter mode over a
 * seed. Not a CSPRNG for production use; it only replays fixed randomness through `rng`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { Rng } from '../../src/utils.js';

export function seededRng(seed: string | Uint8Array): Rng {
  const s = typeof seed === 'string' ? new TextEncoder().encode(seed) : seed;
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n: number) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      if (pool.length === 0) {
        const c = new Uint8Array(s.length + 8);
        c.set(s);
        new DataView(c.buffer).setUint32(s.length + 4, counter++);
        pool = sha256(c);
      }
      const take = Math.min(pool.length, n - off);
      out.set(pool.subarray(0, take), off);
      pool = pool.subarray(take);
      off += take;
    }
    return out;
  };
}
