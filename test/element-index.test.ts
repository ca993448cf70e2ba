/**
 * `ElementIndex` (src/quorum/lists.ts), the typed hash table qualification matches lists with:
 * the same answers as a `Map` keyed by the bytes, also when every element hashes alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElementIndex } from '../src/quorum/lists.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function reference(list: Uint8Array, w: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let p = 0; p * w < list.length; p++) m.set(hex(list.subarray(p * w, (p + 1) * w)), p);
  return m;
}

describe('ElementIndex', () => {
  it('finds every element at its (last) position and nothing else, as a Map would', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 33, 8, 5, 1),
        fc.array(fc.uint8Array({ minLength: 33, maxLength: 33 }), { maxLength: 200 }),
        fc.array(fc.uint8Array({ minLength: 33, maxLength: 33 }), { maxLength: 50 }),
        fc.boolean(),
        (w, elems, probes, clash) => {
          // `clash`: bytes 0..7 equal everywhere, so every element lands on one probe chain.
          const fix = (e: Uint8Array) => (clash ? e.map((v, i) => (i < 8 ? 7 : v)) : e);
          const all = [...elems, ...elems.slice(0, 5)].map((e) => fix(e).subarray(0, w));
          const list = new Uint8Array(all.length * w);
          all.forEach((e, i) => {
            list.set(e, i * w);
          });
          const idx = new ElementIndex(list, w);
          const ref = reference(list, w);
          for (const e of [...all, ...probes.map((e) => fix(e).subarray(0, w))]) {
            const buf = new Uint8Array(w + 3);
            buf.set(e, 3); // at an offset, as qualification reads other lists
            expect(idx.get(buf, 3)).toBe(ref.get(hex(e)) ?? -1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an empty list finds nothing; a ragged list is refused', () => {
    expect(new ElementIndex(new Uint8Array(0), 32).get(new Uint8Array(32), 0)).toBe(-1);
    expect(() => new ElementIndex(new Uint8Array(33), 32)).toThrow(RangeError);
    expect(() => new ElementIndex(new Uint8Array(0), 0)).toThrow(RangeError);
  });
});
