/**
 * Deterministic byte sources for tests and known-answer vectors (replaying fixed randomness
 * through `rng`; never for real secrets).
 */
import { seededRng as seededFromBytes } from '../../src/cli/simulate.js';
import type { Rng } from '../../src/core/utils.js';

/** SHA-256 counter-mode stream over a seed (see src/cli/simulate.ts `seededRng`). */
export function seededRng(seed: string | Uint8Array): Rng {
  return seededFromBytes(typeof seed === 'string' ? new TextEncoder().encode(seed) : seed);
}

/** A xorshift32 byte stream: cheap, deterministic, for rng replay in algebra tests. */
export function xorshiftRng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s & 0xff;
    }
    return out;
  };
}

/**
 * Deterministic pseudo-random scalars in `[0, q)`: 256 bits of a 64-bit LCG (Knuth's MMIX
 * constants), reduced mod `q`. For large fixed instances (MSM cross-checks), not for secrets.
 */
export function scalarStream(seed: bigint, q: bigint): () => bigint {
  let x = seed;
  const next = () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return x;
  };
  return () => ((next() << 192n) | (next() << 128n) | (next() << 64n) | next()) % q;
}
