/**
 * The default randomness serves any length (issue: a list of more than 16,384 items asked the
 * CSPRNG for more than 65,536 bytes in one call and a plain RangeError escaped).
 */
import { describe, expect, it } from 'vitest';
import { copyBytes, defaultRng } from '../src/core/utils.js';

describe('defaultRng', () => {
  it('serves requests above the 65,536-byte platform limit, every chunk filled', () => {
    for (const n of [0, 1, 65_536, 65_537, 200_003]) {
      const b = defaultRng(n);
      expect(b).toBeInstanceOf(Uint8Array);
      expect(b.length).toBe(n);
    }
    // Every 64 KiB chunk of a large request is random (an unfilled chunk would stay all zero).
    const big = defaultRng(5 * 65_536 + 7);
    for (let off = 0; off < big.length; off += 65_536) {
      expect(big.subarray(off, off + 64).some((x) => x !== 0)).toBe(true);
    }
  });

  it('copyBytes copies a pooled Buffer view instead of aliasing it', () => {
    const pool = Buffer.allocUnsafe(4096);
    const view = pool.subarray(37, 37 + 8);
    view.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const c = copyBytes(view);
    view[0] = 99;
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(c.buffer.byteLength).toBe(8);
    expect(Object.getPrototypeOf(c)).toBe(Uint8Array.prototype);
  });
});
