/**
 * The ristretto255 codec of src/core/ristretto-codec.ts (RFC 9496 §4.3.1-2 on the lazily reduced
 * field) against noble's `RistrettoPoint.fromBytes` / `toBytes`: the same accept/reject
 * decision and the same affine coordinates for every input, the same bytes for every point
 * in every projective form. RFC 9496 Appendix A runs through the suite in
 * test/rfc9496-ristretto255.test.ts.
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canon, type ExtendedCoords, P, pow58, red } from '../src/core/fe25519.js';
import { decodeRistretto, encodeRistretto } from '../src/core/ristretto-codec.js';

const RP = ristretto255.Point;
const q = RP.Fn.ORDER;
type Ep = InstanceType<typeof ed25519.Point>;
const ep = (X: InstanceType<typeof RP>): Ep => (X as unknown as { ep: Ep }).ep;

/** noble's decision and coordinates, or null when noble refuses. */
function nobleDecode(bytes: Uint8Array): ExtendedCoords | null {
  try {
    const e = ep(RP.fromBytes(bytes));
    return { X: e.X, Y: e.Y, Z: e.Z, T: e.T };
  } catch {
    return null;
  }
}

function expectSameDecode(bytes: Uint8Array): void {
  expect(decodeRistretto(bytes)).toEqual(nobleDecode(bytes));
}

const scalarArb = fc.bigInt({ min: 1n, max: q - 1n });
/** 32 bytes read as an even field element below `p` (reaches the square-root step). */
const evenBelowP = fc
  .bigInt({ min: 0n, max: (P - 1n) / 2n })
  .map((h) => numberToBytesLE(2n * h, 32));

describe('fe25519: lazy reduction', () => {
  it('red and canon agree with mod p at the edges of their input range', () => {
    const edges = [0n, 1n, P - 1n, P, P + 1n, 2n * P, (1n << 256n) - 1n, (1n << 520n) - 1n];
    for (const x of edges) {
      const r = red(x);
      expect(r).toBeLessThan((1n << 255n) + (1n << 20n));
      expect(r % P).toBe(x % P);
      expect(canon(x)).toBe(x % P);
    }
  });

  it('products of operands below 2^260 reduce correctly (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 260n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 260n) - 1n }),
        (a, b) => {
          const r = red(a * b);
          return r < (1n << 255n) + (1n << 20n) && r % P === (a * b) % P;
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('pow58 is x^((p-5)/8)', () => {
    const e = (P - 5n) / 8n;
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: P - 1n }),
        (x) => canon(pow58(x)) === ed25519.Point.Fp.pow(x, e),
      ),
      { numRuns: 50 },
    );
  });
});

describe('ristretto255 decode = noble fromBytes', () => {
  it('on encodings of random elements: same affine coordinates', () => {
    fc.assert(
      fc.property(scalarArb, (k) => {
        const bytes = RP.BASE.multiply(k).toBytes();
        const d = decodeRistretto(bytes);
        expect(d).not.toBeNull();
        expectSameDecode(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('on random 32-byte strings (mostly invalid): same decision', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), expectSameDecode), {
      numRuns: 1000,
    });
  });

  it('on even s < p (past the cheap checks): same decision, both outcomes reached', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(evenBelowP, (bytes) => {
        expectSameDecode(bytes);
        if (decodeRistretto(bytes) === null) rejected++;
        else accepted++;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(50);
  });

  it('on valid encodings with one bit flipped: same decision', () => {
    fc.assert(
      fc.property(scalarArb, fc.integer({ min: 0, max: 255 }), (k, bit) => {
        const bytes = RP.BASE.multiply(k).toBytes();
        bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
        expectSameDecode(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('on the edges of the field encoding', () => {
    const sValues = [0n, 1n, 2n, P - 1n, P - 2n, P, P + 1n, P + 2n, (1n << 255n) - 2n];
    for (const s of sValues) {
      const bytes = numberToBytesLE(s, 32);
      expectSameDecode(bytes);
      if (s >= P) expect(decodeRistretto(bytes)).toBeNull();
    }
    // Bit 255 set on an otherwise valid encoding.
    const bytes = RP.BASE.toBytes();
    bytes[31] = (bytes[31] as number) | 0x80;
    expect(decodeRistretto(bytes)).toBeNull();
    // The identity: all-zero bytes decode to (0, 1, 1, 0) (the suite then rejects it).
    expect(decodeRistretto(new Uint8Array(32))).toEqual({ X: 0n, Y: 1n, Z: 1n, T: 0n });
  });
});

describe('ristretto255 encode = noble toBytes', () => {
  /** Order-4 and order-2 points: adding one changes the Edwards representative, not the element. */
  const torsion = [
    new ed25519.Point(0n, P - 1n, 1n, 0n), // (0, -1), order 2
    ed25519.Point.fromAffine({ x: ed25519.Point.Fp.sqrt(P - 1n), y: 0n }), // order 4
  ];

  it('on affine, projective and torsion-shifted representatives of random elements', () => {
    fc.assert(
      fc.property(scalarArb, scalarArb, (a, b) => {
        const A = RP.BASE.multiply(a);
        const B = RP.BASE.multiply(b);
        const sum = A.add(B); // projective: Z ≠ 1
        const dbl = A.double();
        for (const X of [A, sum, dbl]) {
          const want = X.toBytes();
          expect(encodeRistretto(ep(X))).toEqual(want);
          for (const T of torsion) expect(encodeRistretto(ep(X).add(T))).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('decode then encode is the identity on valid encodings, and the identity encodes to 0', () => {
    fc.assert(
      fc.property(scalarArb, (k) => {
        const bytes = RP.BASE.multiply(k).toBytes();
        const d = decodeRistretto(bytes) as ExtendedCoords;
        expect(encodeRistretto(d)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
    expect(bytesToNumberLE(encodeRistretto(ep(RP.ZERO)))).toBe(0n);
  });
});
