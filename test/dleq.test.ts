/**
 * Property tests of the batched DLEQ proofs (src/core/dleq.ts; SPEC §2.1, RFC 9497 §2.2): random
 * batches verify; any single change to the statement, the proof or the transcript context makes
 * verification fail; malformed proofs are DecodeErrors; the composite weights follow the
 * transcript of RFC 9497 `ComputeComposites` with this library's 8-byte index (recomputed here
 * independently from the spec text) and the RFC's 2-byte index refuses batches it cannot index.
 * The RFC encoding itself is pinned by the known-answer tests in rfc9497.test.ts.
 * `QPSI_SLOW=1` multiplies the number of runs by 20 and adds the 65,536-element 2-byte boundary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DLEQ_PURPOSE } from '../src/core/constants.js';
import {
  compositeWeights,
  type DleqConfig,
  type DleqStatement,
  dleqConfig,
  generateProof,
  proofLength,
  rfc9497Config,
  verifyProof,
} from '../src/core/dleq.js';
import { DecodeError } from '../src/core/errors.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes, i2osp, utf8ToBytes } from '../src/core/utils.js';
import { runs, thrown } from './helpers/assert.js';

/** `xs[i]`, failing loudly instead of yielding `undefined`. */
function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`index ${i} out of range`);
  return x;
}

/** verifyProof's verdict, or 'decode' if it rejected the proof bytes as malformed. */
function verdict(
  suite: Suite,
  cfg: DleqConfig,
  st: DleqStatement,
  proof: Uint8Array,
): boolean | 'decode' {
  try {
    return verifyProof(suite, cfg, st, proof);
  } catch (e) {
    if (e instanceof DecodeError) return 'decode';
    throw e;
  }
}

const isLE = (suite: Suite) => suite.encodeScalar(1n)[0] === 1;
const scalarBytes = (suite: Suite, v: bigint) => {
  const be = i2osp(v, suite.scalarLength);
  return isLE(suite) ? be.reverse() : be;
};

interface Instance {
  k: bigint;
  st: DleqStatement;
}

for (const suite of [ristretto255Sha512, p256Sha256]) {
  const other = suite === ristretto255Sha512 ? p256Sha256 : ristretto255Sha512;
  const q = suite.order;
  const scalar = fc.bigInt({ min: 1n, max: q - 1n });
  const cfg = dleqConfig(suite, DLEQ_PURPOSE.generic);

  /** A true statement: C[i] random, D[i] = k·C[i], B = k·G. */
  const instance = (maxLen: number): fc.Arbitrary<Instance> =>
    fc.tuple(scalar, fc.array(scalar, { minLength: 1, maxLength: maxLen })).map(([k, logs]) => {
      const C = logs.map((c) => suite.mulBase(c));
      return { k, st: { A: suite.G, B: suite.mulBase(k), C, D: C.map((c) => suite.mul(c, k)) } };
    });

  describe(`${suite.name}: DLEQ completeness and soundness checks`, () => {
    it('proofs over random batches of 1..8 verify; changing any one input makes them fail', () => {
      fc.assert(
        fc.property(instance(8), fc.nat(), scalar, ({ k, st }, pick, delta) => {
          const n = st.C.length;
          const i = pick % n;
          const proof = generateProof(suite, cfg, k, st);
          expect(proof).toHaveLength(proofLength(suite));
          expect(verifyProof(suite, cfg, st, proof)).toBe(true);

          const shift = suite.mulBase(delta); // a non-identity offset
          // P + shift, or P + 2·shift when P + shift is the identity (statements hold no identity).
          const bump = (P: Element) =>
            P.add(shift).is0() ? P.add(shift).add(shift) : P.add(shift);
          const replace = (xs: readonly Element[], j: number, P: Element) =>
            xs.map((x, m) => (m === j ? P : x));
          // One C[i], one D[i], the key B.
          expect(
            verifyProof(suite, cfg, { ...st, C: replace(st.C, i, bump(at(st.C, i))) }, proof),
          ).toBe(false);
          expect(
            verifyProof(suite, cfg, { ...st, D: replace(st.D, i, bump(at(st.D, i))) }, proof),
          ).toBe(false);
          expect(verifyProof(suite, cfg, { ...st, B: bump(st.B) }, proof)).toBe(false);
          // A true statement for another key does not verify with this proof either.
          const k2 = suite.scalarAdd(k, delta);
          if (k2 !== 0n) {
            const st2 = {
              A: st.A,
              B: suite.mulBase(k2),
              C: st.C,
              D: st.C.map((c) => suite.mul(c, k2)),
            };
            expect(verifyProof(suite, cfg, st2, proof)).toBe(false);
          }
          // Dropping or appending a pair.
          if (n > 1) {
            expect(
              verifyProof(suite, cfg, { ...st, C: st.C.slice(1), D: st.D.slice(1) }, proof),
            ).toBe(false);
          }
          expect(
            verifyProof(
              suite,
              cfg,
              { ...st, C: [...st.C, at(st.C, 0)], D: [...st.D, at(st.D, 0)] },
              proof,
            ),
          ).toBe(false);
        }),
        runs(10),
      );
    });

    it('a single bit flip in the proof is rejected (false, or DecodeError if a scalar leaves [0, q))', () => {
      fc.assert(
        fc.property(instance(3), fc.nat({ max: 8 * proofLength(suite) - 1 }), ({ k, st }, bit) => {
          const proof = generateProof(suite, cfg, k, st);
          const bad = Uint8Array.from(proof);
          bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
          expect(verdict(suite, cfg, st, bad)).not.toBe(true);
        }),
        runs(15),
      );
    });

    it('reordering the batch (consistently in C and D) makes the proof fail', () => {
      const inst = fc
        .tuple(instance(8), fc.nat(), fc.nat())
        .filter(([{ st }, a, b]) => st.C.length >= 2 && a % st.C.length !== b % st.C.length);
      fc.assert(
        fc.property(inst, ([{ k, st }, a, b]) => {
          const n = st.C.length;
          const [i, j] = [a % n, b % n];
          const swap = (xs: readonly Element[]) => {
            const ys = [...xs];
            [ys[i], ys[j]] = [at(ys, j), at(ys, i)];
            return ys;
          };
          const proof = generateProof(suite, cfg, k, st);
          expect(verifyProof(suite, cfg, { ...st, C: swap(st.C), D: swap(st.D) }, proof)).toBe(
            false,
          );
          expect(verifyProof(suite, cfg, { ...st, D: swap(st.D) }, proof)).toBe(false);
        }),
        runs(8),
      );
    });

    it('a proof is bound to its purpose, its suite context and the RFC/library encoding', () => {
      const configs = [
        dleqConfig(suite, DLEQ_PURPOSE.audit),
        dleqConfig(suite, DLEQ_PURPOSE.ngoHop),
        dleqConfig(suite, DLEQ_PURPOSE.generic),
        // Same purpose, the other suite's context string (wrong-suite transcript).
        dleqConfig(other, DLEQ_PURPOSE.audit),
        rfc9497Config(suite, 1),
        rfc9497Config(suite, 2),
        // Same context, 2-byte index: the RFC transcript with this library's context.
        { context: dleqConfig(suite, DLEQ_PURPOSE.audit).context, indexBytes: 2 } as DleqConfig,
      ];
      fc.assert(
        fc.property(instance(3), ({ k, st }) => {
          configs.forEach((proveCfg, a) => {
            const proof = generateProof(suite, proveCfg, k, st);
            configs.forEach((verifyCfg, b) => {
              expect(verifyProof(suite, verifyCfg, st, proof), `proved ${a}, verified ${b}`).toBe(
                a === b,
              );
            });
          });
        }),
        runs(1),
      );
    });

    it('the same replayed randomness gives the same proof; fresh randomness a different one', () => {
      fc.assert(
        fc.property(
          instance(3),
          fc.uint8Array({ minLength: 48, maxLength: 48 }),
          ({ k, st }, seed) => {
            const p1 = generateProof(suite, cfg, k, st, () => Uint8Array.from(seed));
            const p2 = generateProof(suite, cfg, k, st, () => Uint8Array.from(seed));
            expect(p2).toEqual(p1);
            const p3 = generateProof(suite, cfg, k, st);
            expect(p3).not.toEqual(p1);
            // The challenge is determined by the statement and t2, t3, so it changes too.
            expect(p3.subarray(0, suite.scalarLength)).not.toEqual(
              p1.subarray(0, suite.scalarLength),
            );
            expect(verifyProof(suite, cfg, st, p3)).toBe(true);
          },
        ),
        runs(5),
      );
    });

    it('caller-supplied encodings (Cbytes/Dbytes) give the same proof as re-encoding', () => {
      fc.assert(
        fc.property(
          instance(5),
          fc.uint8Array({ minLength: 48, maxLength: 48 }),
          ({ k, st }, seed) => {
            const withBytes = {
              ...st,
              Cbytes: st.C.map((c) => suite.encode(c)),
              Dbytes: st.D.map((d) => suite.encode(d)),
            };
            const p1 = generateProof(suite, cfg, k, st, () => seed);
            expect(generateProof(suite, cfg, k, withBytes, () => seed)).toEqual(p1);
            expect(verifyProof(suite, cfg, withBytes, p1)).toBe(true);
          },
        ),
        runs(5),
      );
    });
  });

  describe(`${suite.name}: malformed proofs and statements`, () => {
    const k = 0x1234567890abcdefn;
    const C = [1n, 2n, 3n].map((c) => suite.mulBase(c * 7919n));
    const st: DleqStatement = {
      A: suite.G,
      B: suite.mulBase(k),
      C,
      D: C.map((c) => suite.mul(c, k)),
    };
    const proof = generateProof(suite, cfg, k, st);
    const Ns = suite.scalarLength;

    it('wrong proof lengths are DecodeError (decode.proof.length)', () => {
      expect(verifyProof(suite, cfg, st, proof)).toBe(true);
      for (const len of [0, 1, Ns, 2 * Ns - 1, 2 * Ns + 1, 3 * Ns]) {
        const bad = new Uint8Array(len);
        bad.set(proof.subarray(0, Math.min(len, proof.length)));
        const e = thrown(() => verifyProof(suite, cfg, st, bad));
        expect(e, `length ${len}`).toBeInstanceOf(DecodeError);
        expect((e as DecodeError).code).toBe('decode.proof.length');
      }
      const e = thrown(() =>
        verifyProof(suite, cfg, st, Array.from(proof) as unknown as Uint8Array),
      );
      expect(e).toBeInstanceOf(DecodeError);
    });

    it('a non-canonical scalar (≥ q) in c or s is DecodeError (decode.scalar.range)', () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: q, max: (1n << BigInt(8 * Ns)) - 1n }),
          fc.boolean(),
          (v, first) => {
            const bad = Uint8Array.from(proof);
            bad.set(scalarBytes(suite, v), first ? 0 : Ns);
            const e = thrown(() => verifyProof(suite, cfg, st, bad));
            expect(e).toBeInstanceOf(DecodeError);
            expect((e as DecodeError).code).toBe('decode.scalar.range');
          },
        ),
        runs(30),
      );
      // The aliases c + q and s + q (same value mod q) are refused, where they fit in Ns bytes.
      const c = suite.decodeScalar(proof.subarray(0, Ns));
      const s = suite.decodeScalar(proof.subarray(Ns));
      for (const [v, off] of [
        [c + q, 0],
        [s + q, Ns],
      ] as const) {
        if (v >= 1n << BigInt(8 * Ns)) continue;
        const bad = Uint8Array.from(proof);
        bad.set(scalarBytes(suite, v), off);
        expect(thrown(() => verifyProof(suite, cfg, st, bad))).toBeInstanceOf(DecodeError);
      }
    });

    it('all-zero and c = 0 proofs do not verify', () => {
      expect(verifyProof(suite, cfg, st, new Uint8Array(2 * Ns))).toBe(false);
      const bad = Uint8Array.from(proof);
      bad.fill(0, 0, Ns);
      expect(verifyProof(suite, cfg, st, bad)).toBe(false);
    });

    it('empty and mismatched batches are RangeErrors', () => {
      expect(() => verifyProof(suite, cfg, { ...st, C: [], D: [] }, proof)).toThrow(RangeError);
      expect(() => verifyProof(suite, cfg, { ...st, D: st.D.slice(1) }, proof)).toThrow(RangeError);
      expect(() => generateProof(suite, cfg, k, { ...st, C: [], D: [] })).toThrow(RangeError);
      expect(() => generateProof(suite, cfg, k, { ...st, D: st.D.slice(1) })).toThrow(RangeError);
    });
  });

  describe(`${suite.name}: composite weights`, () => {
    const Bm = suite.encode(suite.mulBase(99n));
    const enc = [5n, 6n, 7n].map((x) => suite.encode(suite.mulBase(x)));
    const Cb = enc;
    const Db = [...enc].reverse();
    const lp = (x: Uint8Array) => concatBytes(i2osp(x.length, 2), x);

    /**
     * RFC 9497 §2.2.1 ComputeComposites transcript, with a `w`-byte index, from the spec text; for
     * a statement-binding configuration the seed also hashes the statement digest and binding of
     * SPEC v2 §2.1 (computed here in one shot, independently of the streaming implementation).
     */
    function referenceWeight(
      c: DleqConfig,
      i: number,
      Ci: Uint8Array,
      Di: Uint8Array,
      all?: { C: readonly Uint8Array[]; D: readonly Uint8Array[]; binding?: Uint8Array },
    ): bigint {
      const parts = [lp(Bm), lp(concatBytes(utf8ToBytes('Seed-'), c.context))];
      if (c.bindStatement) {
        if (!all) throw new Error('reference: a binding configuration needs the whole statement');
        const head = concatBytes(utf8ToBytes('Statement-'), c.context, i2osp(all.C.length, 8));
        const Ne = suite.elementLength;
        const msg = new Uint8Array(head.length + 2 * Ne * all.C.length);
        msg.set(head);
        all.C.forEach((x, j) => {
          msg.set(x, head.length + 2 * Ne * j);
          msg.set(all.D[j] as Uint8Array, head.length + 2 * Ne * j + Ne);
        });
        const digest = suite.hash(msg);
        parts.push(digest, lp(all.binding ?? new Uint8Array(0)));
      }
      const seed = suite.hash(concatBytes(...parts));
      const msg = concatBytes(
        lp(seed),
        i2osp(i, c.indexBytes),
        lp(Ci),
        lp(Di),
        utf8ToBytes('Composite'),
      );
      return suite.hashToScalar(msg, concatBytes(utf8ToBytes('HashToScalar-'), c.context));
    }

    it('follow the RFC transcript with an 8-byte (library) or 2-byte (RFC) index, and differ', () => {
      const c8 = dleqConfig(suite, DLEQ_PURPOSE.audit);
      expect(c8.indexBytes).toBe(8);
      const c2: DleqConfig = { context: c8.context, indexBytes: 2, bindStatement: false };
      const d8 = compositeWeights(suite, c8, Bm, Cb, Db);
      const d2 = compositeWeights(suite, c2, Bm, Cb, Db);
      for (let i = 0; i < 3; i++) {
        expect(d8[i]).toBe(referenceWeight(c8, i, at(Cb, i), at(Db, i), { C: Cb, D: Db }));
        expect(d2[i]).toBe(referenceWeight(c2, i, at(Cb, i), at(Db, i)));
        expect(d8[i]).not.toBe(d2[i]);
      }
      // Identical pairs at different positions get different weights (the index is bound).
      const same = compositeWeights(suite, c8, Bm, [at(Cb, 0), at(Cb, 0)], [at(Db, 0), at(Db, 0)]);
      expect(same[0]).not.toBe(same[1]);
    });

    it('the 2-byte index refuses a batch of 65,537 (index 65,536 does not fit)', () => {
      const c2 = rfc9497Config(suite, 1);
      const n = 65_537;
      const e = thrown(() =>
        compositeWeights(suite, c2, Bm, new Array(n).fill(enc[0]), new Array(n).fill(enc[1])),
      );
      expect(e).toBeInstanceOf(RangeError);
    });

    it('element encodings of the wrong length are refused', () => {
      const c8 = dleqConfig(suite, DLEQ_PURPOSE.audit);
      expect(() => compositeWeights(suite, c8, Bm, [at(enc, 0).subarray(1)], [at(enc, 1)])).toThrow(
        RangeError,
      );
      expect(() => compositeWeights(suite, c8, Bm, [at(enc, 0)], [])).toThrow(RangeError);
    });

    // ~65k hash-to-scalar calls: 1-2.5 s per suite on a 2-core VM.
    it('the 8-byte index goes past 65,535: weight 65,536 matches the transcript', () => {
      const c8 = dleqConfig(suite, DLEQ_PURPOSE.audit);
      const n = 65_537;
      const d = compositeWeights(
        suite,
        c8,
        Bm,
        new Array(n).fill(enc[0]),
        new Array(n).fill(enc[1]),
      );
      expect(d).toHaveLength(n);
      const all = { C: new Array(n).fill(enc[0]), D: new Array(n).fill(enc[1]) };
      expect(d[65_536]).toBe(referenceWeight(c8, 65_536, at(enc, 0), at(enc, 1), all));
      expect(d[65_536]).not.toBe(d[0]);
    });

    it('the 2-byte index accepts exactly 65,536 elements', () => {
      const c2 = rfc9497Config(suite, 1);
      const n = 65_536;
      const d = compositeWeights(
        suite,
        c2,
        Bm,
        new Array(n).fill(enc[0]),
        new Array(n).fill(enc[1]),
      );
      expect(d[65_535]).toBe(referenceWeight(c2, 65_535, at(enc, 0), at(enc, 1)));
    });
  });
}
