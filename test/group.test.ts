/**
 * Property tests of the group layer (src/core/group.ts, SPEC §2) for both suites: group laws
 * through the scalar-multiplication entry points, agreement of the constant-time, variable-time,
 * precomputed and multi-scalar paths (on both sides of MSM_BUCKET_THRESHOLD), strict
 * decoding (canonical encodings only, DecodeError and nothing else on hostile bytes), and the
 * `randomScalar` mapping that RFC 9497 vectors are replayed through.
 *
 * References are independent of the code under test where possible: points are built with
 * known discrete logs, so `Σ sᵢ·Pᵢ` is checked against `(Σ sᵢ·pᵢ)·G` computed in scalar arithmetic.
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MSM_BUCKET_THRESHOLD } from '../src/core/constants.js';
import { DecodeError } from '../src/core/errors.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes, i2osp } from '../src/core/utils.js';
import { runs, thrown } from './helpers/assert.js';
import { scalarStream } from './helpers/rng.js';

/** Run `f` and return what it threw (or undefined). */

/** The scalar's integer value read from `bytes` in the suite's endianness. */
function isLE(suite: Suite): boolean {
  return suite.encodeScalar(1n)[0] === 1;
}
function bytesToInt(bytes: Uint8Array, le: boolean): bigint {
  const b = le ? Uint8Array.from(bytes).reverse() : bytes;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

for (const suite of [ristretto255Sha512, p256Sha256]) {
  const q = suite.order;
  const Ne = suite.elementLength;
  const scalar = fc.bigInt({ min: 1n, max: q - 1n });
  const scalarOr0 = fc.bigInt({ min: 0n, max: q - 1n });
  const point = scalar.map((k) => suite.mulBase(k));

  describe(`${suite.name}: group laws`, () => {
    it('(a+b)·G = a·G + b·G and a·G + b·G = b·G + a·G', () => {
      fc.assert(
        fc.property(scalar, scalar, (a, b) => {
          const aG = suite.mulBase(a);
          const bG = suite.mulBase(b);
          expect(suite.mulBase(suite.scalarAdd(a, b)).equals(aG.add(bG))).toBe(true);
          expect(aG.add(bG).equals(bG.add(aG))).toBe(true);
        }),
        runs(50),
      );
    });

    it('(aG + bG) + cG = aG + (bG + cG) = (a+b+c)·G', () => {
      fc.assert(
        fc.property(scalar, scalar, scalar, (a, b, c) => {
          const [A, B, C] = [a, b, c].map((k) => suite.mulBase(k)) as [Element, Element, Element];
          const left = A.add(B).add(C);
          expect(left.equals(A.add(B.add(C)))).toBe(true);
          expect(left.equals(suite.mulBase(suite.scalarAdd(suite.scalarAdd(a, b), c)))).toBe(true);
        }),
        runs(30),
      );
    });

    it('a·(b·G) = (ab)·G = b·(a·G), by mul and by mulVartime', () => {
      fc.assert(
        fc.property(scalar, scalar, (a, b) => {
          const ab = suite.mulBase(suite.scalarMul(a, b));
          expect(suite.mul(suite.mulBase(b), a).equals(ab)).toBe(true);
          expect(suite.mulVartime(suite.mulBase(a), b).equals(ab)).toBe(true);
        }),
        runs(30),
      );
    });

    it('q-1 gives the negation, a·a⁻¹ = 1, and 0 gives the identity', () => {
      fc.assert(
        fc.property(scalar, (a) => {
          const A = suite.mulBase(a);
          expect(suite.mul(A, q - 1n).equals(A.negate())).toBe(true);
          expect(suite.mul(A, suite.scalarInv(a)).equals(suite.G)).toBe(true);
          expect(suite.scalarMul(a, suite.scalarInv(a))).toBe(1n);
          expect(suite.scalarAdd(a, suite.scalarNeg(a))).toBe(0n);
          expect(suite.scalarSub(a, a)).toBe(0n);
          expect(suite.mul(A, 0n).is0()).toBe(true);
          expect(suite.mulVartime(A, 0n).is0()).toBe(true);
        }),
        runs(20),
      );
      expect(suite.mulBase(0n).is0()).toBe(true);
      expect(suite.mulBase(q - 1n).equals(suite.G.negate())).toBe(true);
      expect(() => suite.scalarInv(0n)).toThrow(RangeError);
    });
  });

  describe(`${suite.name}: multiplication paths agree`, () => {
    it('mul = mulVartime = msmVartime([P],[k]) = (pk)·G', () => {
      fc.assert(
        fc.property(scalar, scalarOr0, (p, k) => {
          const P = suite.mulBase(p);
          const expected = suite.mulBase(suite.scalarMul(p, k));
          expect(suite.mul(P, k).equals(expected)).toBe(true);
          expect(suite.mulVartime(P, k).equals(expected)).toBe(true);
          expect(suite.msmVartime([P], [k]).equals(expected)).toBe(true);
        }),
        runs(40),
      );
    });

    it('msmVartime on small batches equals (Σ sᵢ·pᵢ)·G', () => {
      const batch = fc
        .integer({ min: 1, max: 12 })
        .chain((n) =>
          fc.tuple(
            fc.array(scalar, { minLength: n, maxLength: n }),
            fc.array(scalarOr0, { minLength: n, maxLength: n }),
          ),
        );
      fc.assert(
        fc.property(batch, ([logs, scalars]) => {
          const points = logs.map((p) => suite.mulBase(p));
          let e = 0n;
          logs.forEach((p, i) => {
            e = suite.scalarAdd(e, suite.scalarMul(p, scalars[i] as bigint));
          });
          expect(suite.msmVartime(points, scalars).equals(suite.mulBase(e))).toBe(true);
        }),
        runs(25),
      );
      expect(suite.msmVartime([], []).is0()).toBe(true);
      expect(() => suite.msmVartime([suite.G], [])).toThrow(RangeError);
    });

    it(`msmVartime is right just below, at and above the bucket threshold`, () => {
      // One fixed pseudo-random instance: both MSM algorithms are used.
      const threshold = MSM_BUCKET_THRESHOLD[suite.shortName];
      const n = Math.max(threshold + 1, 64);
      const wide = scalarStream(0x9e3779b97f4a7c15n, q);
      const logs = Array.from({ length: n }, () => wide() || 1n);
      const scalars = Array.from({ length: n }, () => wide());
      scalars[3] = 0n;
      scalars[5] = q - 1n;
      const points = logs.map((p) => suite.mulBase(p));
      for (const len of [threshold - 1, threshold, threshold + 1, n]) {
        let e = 0n;
        for (let i = 0; i < len; i++) {
          e = suite.scalarAdd(e, suite.scalarMul(logs[i] as bigint, scalars[i] as bigint));
        }
        const got = suite.msmVartime(points.slice(0, len), scalars.slice(0, len));
        expect(got.equals(suite.mulBase(e)), `length ${len}`).toBe(true);
      }
    });

    it('a precompute()d long-lived point multiplies like a fresh one', () => {
      // Building a table is ~30-50 ms; few points, many scalars each.
      fc.assert(
        fc.property(scalar, fc.array(scalarOr0, { minLength: 4, maxLength: 8 }), (p, ks) => {
          const L = suite.precompute(suite.mulBase(p));
          const fresh = suite.mulBase(p);
          for (const k of ks) {
            const expected = suite.mulBase(suite.scalarMul(p, k));
            expect(suite.mul(L, k).equals(expected)).toBe(true);
            expect(suite.mulVartime(L, k).equals(expected)).toBe(true);
            expect(suite.mul(fresh, k).equals(expected)).toBe(true);
          }
          expect(L.equals(fresh)).toBe(true);
          expect(suite.encode(L)).toEqual(suite.encode(fresh));
        }),
        runs(3),
      );
    });
  });

  describe(`${suite.name}: encoding`, () => {
    it('decode(encode(P)) = P and encodings have the suite length', () => {
      fc.assert(
        fc.property(point, (P) => {
          const b = suite.encode(P);
          expect(b).toHaveLength(Ne);
          const Q = suite.decode(b);
          expect(Q.equals(P)).toBe(true);
          expect(suite.encode(Q)).toEqual(b);
        }),
        runs(50),
      );
    });

    it('encode refuses the identity, also when reached by arithmetic', () => {
      expect(() => suite.encode(suite.identity)).toThrow(RangeError);
      const P = suite.mulBase(12345n);
      const zero = [
        P.add(P.negate()),
        P.subtract(P),
        suite.mul(P, 0n),
        suite.msmVartime([P, P], [1n, q - 1n]),
      ];
      for (const Z of zero) {
        expect(Z.is0()).toBe(true);
        expect(() => suite.encode(Z)).toThrow(RangeError);
      }
    });

    it('every accepted encoding is canonical: random bytes give DecodeError or re-encode identically', () => {
      let accepted = 0;
      const prefix = Ne === 33 ? fc.constantFrom(0x02, 0x03) : fc.constant(-1);
      fc.assert(
        fc.property(prefix, fc.uint8Array({ minLength: 32, maxLength: 32 }), (tag, body) => {
          const b = tag < 0 ? body : concatBytes(Uint8Array.of(tag), body);
          const e = thrown(() => {
            const P = suite.decode(b);
            accepted++;
            expect(suite.encode(P)).toEqual(b);
            expect(P.is0()).toBe(false);
          });
          if (e !== undefined) expect(e).toBeInstanceOf(DecodeError);
        }),
        runs(100),
      );
      // Roughly 1/8 (ristretto255) or 1/2 (P-256) of random strings are valid; seeing none
      // would mean decode rejects everything.
      expect(accepted).toBeGreaterThan(0);
    });

    it('a single bit flip gives DecodeError or a DIFFERENT valid element, never another error', () => {
      fc.assert(
        fc.property(point, fc.nat({ max: 8 * Ne - 1 }), (P, bit) => {
          const b = Uint8Array.from(suite.encode(P));
          b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
          let Q: Element | undefined;
          const e = thrown(() => {
            Q = suite.decode(b);
          });
          if (e !== undefined) {
            expect(e).toBeInstanceOf(DecodeError);
          } else {
            expect((Q as Element).equals(P)).toBe(false);
            expect(suite.encode(Q as Element)).toEqual(b);
          }
        }),
        runs(100),
      );
    });

    it('truncations and extensions are rejected with DecodeError (decode.element.length)', () => {
      fc.assert(
        fc.property(
          point,
          fc.nat({ max: Ne - 1 }),
          fc.uint8Array({ minLength: 1, maxLength: 40 }),
          (P, cut, extra) => {
            const b = suite.encode(P);
            for (const bad of [b.subarray(0, cut), concatBytes(b, extra)]) {
              const e = thrown(() => suite.decode(bad));
              expect(e).toBeInstanceOf(DecodeError);
              expect((e as DecodeError).code).toBe('decode.element.length');
            }
          },
        ),
        runs(50),
      );
    });

    it('the identity is rejected as decode.element.identity (where it has an encoding)', () => {
      if (suite === ristretto255Sha512) {
        const e = thrown(() => suite.decode(new Uint8Array(32)));
        expect(e).toBeInstanceOf(DecodeError);
        expect((e as DecodeError).code).toBe('decode.element.identity');
      } else {
        // SEC1 encodes the point at infinity as the single byte 0x00.
        for (const bad of [Uint8Array.of(0), new Uint8Array(33)]) {
          expect(thrown(() => suite.decode(bad))).toBeInstanceOf(DecodeError);
        }
      }
    });

    it('non-bytes are a programmer error (TypeError), not a DecodeError', () => {
      for (const bad of [undefined, null, 'ab', [1, 2, 3], new Uint16Array(Ne)]) {
        expect(() => suite.decode(bad as unknown as Uint8Array)).toThrow(TypeError);
      }
    });
  });

  describe(`${suite.name}: scalars`, () => {
    const Ns = suite.scalarLength;
    it('encodeScalar/decodeScalar round-trip in the suite endianness', () => {
      fc.assert(
        fc.property(scalarOr0, (s) => {
          const b = suite.encodeScalar(s);
          expect(b).toHaveLength(Ns);
          expect(bytesToInt(b, isLE(suite))).toBe(s);
          expect(suite.decodeScalar(b)).toBe(s);
        }),
        runs(50),
      );
    });

    it('decodeScalar rejects values ≥ q (decode.scalar.range)', () => {
      const big = fc.bigInt({ min: q, max: (1n << BigInt(8 * Ns)) - 1n });
      fc.assert(
        fc.property(big, (v) => {
          const be = i2osp(v, Ns);
          const b = isLE(suite) ? be.reverse() : be;
          const e = thrown(() => suite.decodeScalar(b));
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).code).toBe('decode.scalar.range');
        }),
        runs(50),
      );
      const qBytes = isLE(suite) ? i2osp(q, Ns).reverse() : i2osp(q, Ns);
      expect(thrown(() => suite.decodeScalar(qBytes))).toBeInstanceOf(DecodeError);
      const qm1 = isLE(suite) ? i2osp(q - 1n, Ns).reverse() : i2osp(q - 1n, Ns);
      expect(suite.decodeScalar(qm1)).toBe(q - 1n);
    });

    it('decodeScalar rejects wrong lengths (decode.scalar.length)', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 80 }).filter((b) => b.length !== Ns),
          (b) => {
            const e = thrown(() => suite.decodeScalar(b));
            expect(e).toBeInstanceOf(DecodeError);
            expect((e as DecodeError).code).toBe('decode.scalar.length');
          },
        ),
        runs(50),
      );
    });
  });

  describe(`${suite.name}: randomScalar`, () => {
    const seedLen = 48; // noble getMinHashLength(q) for both 255/256-bit orders
    it('is (x mod (q-1)) + 1 of the 48 rng bytes x, read in the suite endianness', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: seedLen, maxLength: seedLen }), (seed) => {
          const requested: number[] = [];
          const rng = (n: number) => {
            requested.push(n);
            return seed;
          };
          const s = suite.randomScalar(rng);
          expect(requested).toEqual([seedLen]);
          expect(s).toBe((bytesToInt(seed, isLE(suite)) % (q - 1n)) + 1n);
          expect(s >= 1n && s <= q - 1n).toBe(true);
          // Replays deterministically.
          expect(suite.randomScalar(() => Uint8Array.from(seed))).toBe(s);
        }),
        runs(50),
      );
    });

    it('stays in [1, q-1] at the edges of the reduction', () => {
      const enc = (x: bigint) => (isLE(suite) ? i2osp(x, seedLen).reverse() : i2osp(x, seedLen));
      expect(suite.randomScalar(() => new Uint8Array(seedLen))).toBe(1n);
      expect(suite.randomScalar(() => enc(q - 2n))).toBe(q - 1n);
      expect(suite.randomScalar(() => enc(q - 1n))).toBe(1n);
      const max = suite.randomScalar(() => new Uint8Array(seedLen).fill(0xff));
      expect(max).toBe((((1n << 384n) - 1n) % (q - 1n)) + 1n);
    });

    it('default rng gives distinct in-range scalars', () => {
      const xs = Array.from({ length: 20 }, () => suite.randomScalar());
      for (const x of xs) expect(x >= 1n && x < q).toBe(true);
      expect(new Set(xs).size).toBe(20);
    });

    it('rejects an rng with the wrong output length or that is not a function', () => {
      for (const n of [0, 32, 47, 49, 64]) {
        expect(() => suite.randomScalar(() => new Uint8Array(n))).toThrow(RangeError);
      }
      expect(() =>
        suite.randomScalar((() => 'x'.repeat(48)) as unknown as () => Uint8Array),
      ).toThrow(TypeError);
      expect(() => suite.randomScalar(42 as unknown as () => Uint8Array)).toThrow(TypeError);
    });
  });
}

describe('P256-SHA256: SEC1 strictness', () => {
  const suite = p256Sha256;
  const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

  it('rejects the 65-byte uncompressed encoding of a valid point', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: suite.order - 1n }), (k) => {
        const P = suite.mulBase(k);
        const unc = (P as unknown as { toBytes(compressed: boolean): Uint8Array }).toBytes(false);
        expect(unc).toHaveLength(65);
        const e = thrown(() => suite.decode(unc));
        expect(e).toBeInstanceOf(DecodeError);
        expect((e as DecodeError).code).toBe('decode.element.length');
      }),
      runs(20),
    );
  });

  it('rejects every prefix byte other than 0x02/0x03 on a valid x', () => {
    const b = suite.encode(suite.mulBase(12345n));
    for (let tag = 0; tag < 256; tag++) {
      const bad = Uint8Array.from(b);
      bad[0] = tag;
      if (tag === 0x02 || tag === 0x03) {
        expect(suite.decode(bad).is0()).toBe(false);
        continue;
      }
      const e = thrown(() => suite.decode(bad));
      expect(e, `tag 0x${tag.toString(16)}`).toBeInstanceOf(DecodeError);
    }
  });

  it('rejects x ≥ p, including x + p for a valid x (non-canonical field encoding)', () => {
    // A valid x small enough that x + p < 2^256.
    let x = 0n;
    let P: Element | undefined;
    for (; P === undefined; x++) {
      try {
        P = suite.decode(concatBytes(Uint8Array.of(0x02), i2osp(x, 32)));
      } catch {
        // not on the curve; try the next x
      }
    }
    x--;
    expect(x + p < 1n << 256n).toBe(true);
    for (const tag of [0x02, 0x03]) {
      const alias = concatBytes(Uint8Array.of(tag), i2osp(x + p, 32));
      expect(thrown(() => suite.decode(alias))).toBeInstanceOf(DecodeError);
    }
    fc.assert(
      fc.property(
        fc.bigInt({ min: p, max: (1n << 256n) - 1n }),
        fc.constantFrom(2, 3),
        (xx, tag) => {
          const e = thrown(() => suite.decode(concatBytes(Uint8Array.of(tag), i2osp(xx, 32))));
          expect(e).toBeInstanceOf(DecodeError);
          expect((e as DecodeError).code).toBe('decode.element.invalid');
        },
      ),
      runs(50),
    );
  });
});

describe.each([ristretto255Sha512, p256Sha256])('$name: encodeAll', (suite) => {
  it('gives exactly encode() of each point, for sums, multiples and hash outputs (any Z)', () => {
    const dst = new TextEncoder().encode('encodeAll-test');
    const next = scalarStream(suite === p256Sha256 ? 7n : 11n, suite.order);
    const pts: Element[] = [];
    for (let i = 0; i < 24; i++) {
      const H = suite.hashToGroup(Uint8Array.of(i), dst);
      pts.push(H, suite.mul(H, next()), H.add(suite.mulBase(next())).subtract(suite.G));
    }
    expect(suite.encodeAll(pts)).toEqual(pts.map((P) => suite.encode(P)));
    expect(suite.encodeAll([pts[0] as Element])).toEqual([suite.encode(pts[0] as Element)]);
    expect(suite.encodeAll([])).toEqual([]);
  });

  it('refuses the identity anywhere in the batch, as encode() does', () => {
    const batch = [suite.G, suite.identity, suite.mulBase(5n)];
    expect(thrown(() => suite.encode(suite.identity))).toBeInstanceOf(RangeError);
    expect(thrown(() => suite.encodeAll(batch))).toBeInstanceOf(RangeError);
  });
});
