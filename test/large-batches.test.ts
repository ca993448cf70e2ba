/**
 * Nothing that takes a list of items, cells or parts passes them as function arguments: a spread
 * of 10^6 cells (`concatBytes(...cells)`) overflows the call stack. The audit's items digest
 * failed that way at 10^6 items (found by bench/scale-database.ts); these run above the limit.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, concatList } from '../src/core/utils.js';
import { itemsDigest } from '../src/database/audit.js';

const N = 300_000; // 2N + 1 parts: well past V8's argument limit

describe('lists past the argument limit', () => {
  const items = Array.from({ length: N }, (_, i) => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(0, i);
    return b;
  });

  it('itemsDigest of 300,000 items is SHA-256 of u32 count ‖ (u8 len ‖ item)*', () => {
    const flat = new Uint8Array(4 + N * 17);
    new DataView(flat.buffer).setUint32(0, N);
    items.forEach((x, i) => {
      flat[4 + i * 17] = 16;
      flat.set(x, 5 + i * 17);
    });
    expect(itemsDigest(items)).toEqual(sha256(flat));
  });

  it('concatList joins 300,000 parts; concatBytes is the same for a few', () => {
    const out = concatList(items);
    expect(out.length).toBe(N * 16);
    expect(out.subarray(16 * 12345, 16 * 12346)).toEqual(items[12345]);
    const few = items.slice(0, 5);
    expect(concatBytes(...few)).toEqual(concatList(few));
  });
});
