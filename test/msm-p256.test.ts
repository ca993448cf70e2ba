/**
 * The P-256 bucket MSM (src/core/msm-p256.ts) against independent references:
 * - points with known discrete logs, so `Σ sᵢ·Pᵢ` must equal `(Σ sᵢ·pᵢ)·G` (scalar arithmetic);
 * - noble's `mulAddUnsafe` and `pippenger` on the same points, including the identity, repeated
 *   points (a bucket doubling), negated points (a bucket cancelling to the identity) and points
 *   not normalised to `Z = 1`.
 * Window widths 2..12 and 16 are exercised, with scalars that stress signed-digit carries
 * (test/helpers/msm.ts; P-256 scalars use all 256 bits). `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p256Sha256 } from '../src/core/group.js';
import { msmP256 } from '../src/core/msm-p256.js';
import { runs } from './helpers/assert.js';
import { expectKnownLogsOverWidths, scalarArb } from './helpers/msm.js';
import { scalarStream } from './helpers/rng.js';

type Pt = InstanceType<typeof p256.Point>;
const Pn = p256.Point;
const q = Pn.Fn.ORDER;
const G = Pn.BASE;

/** The same point with homogeneous projective coordinates scaled by `λ ≠ 0` (so `Z ≠ 1`). */
function projective(P: Pt, lambda: bigint): Pt {
  const { x, y } = P.toAffine();
  const f = (v: bigint) => Pn.Fp.mul(v, lambda);
  return new Pn(f(x), f(y), f(1n));
}

const logArb = fc.bigInt({ min: 1n, max: q - 1n });

describe('msmP256 (P-256 bucket MSM)', () => {
  it('equals (Σ sᵢ·pᵢ)·G for window widths 2..12 and 16, edge scalars included', () => {
    const logs = Array.from({ length: 11 }, (_, i) => (BigInt(i + 1) * 0x1234567890abcdefn) % q);
    const pts = logs.map((p, i) => {
      const P = G.multiply(p);
      return i % 2 === 0 ? P : projective(P, p + 2n);
    });
    expect(pts.some((P) => P.Z !== 1n)).toBe(true);
    expectKnownLogsOverWidths(q, pts, logs, msmP256, (e) =>
      e === 0n ? Pn.ZERO : G.multiplyUnsafe(e),
    );
  });

  it('agrees with noble on random batches: identity, repeated, negated, projective points', () => {
    const pointArb = fc.oneof(
      logArb.map((p) => projective(G.multiply(p), p)),
      logArb.map((p) => G.multiply(p)),
      fc.constant(Pn.ZERO),
      fc.constant(G),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pointArb, scalarArb(q)), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 12 }),
        (pairs, c) => {
          // Repeat and negate some points so buckets double and cancel.
          const pts: Pt[] = pairs.map(([P]) => P);
          const sc = pairs.map(([, s]) => s);
          pts.push(pts[0] as Pt, (pts[0] as Pt).negate(), pts[0] as Pt);
          const s0 = sc[0] as bigint;
          sc.push(s0, s0, s0 === 0n ? 1n : q - s0); // the last cancels P0's first term
          const want = mulAddUnsafe(Pn, pts, sc);
          expect(msmP256(pts, sc, c).equals(want)).toBe(true);
          expect(msmP256(pts, sc).equals(want)).toBe(true);
        },
      ),
      runs(40),
    );
  });

  it('agrees with noble pippenger on a batch of 1,100 decoded points, and through the suite', () => {
    const wide = scalarStream(0x243f6a8885a308d3n, q);
    const n = 1100;
    const base = G.multiply(wide() || 1n);
    const pts = [base];
    for (let i = 1; i < n; i++) pts.push((pts[i - 1] as Pt).add(base));
    const decoded = pts.map((P) => Pn.fromBytes(P.toBytes(true)));
    const sc = Array.from({ length: n }, () => wide());
    sc[7] = 0n;
    sc[9] = q - 1n;
    expect(decoded.every((P) => P.Z === 1n)).toBe(true);
    const want = pippenger(Pn, decoded, sc);
    expect(msmP256(decoded, sc).equals(want)).toBe(true);
    expect(p256Sha256.msmVartime(decoded, sc).equals(want)).toBe(true);
  });

  it('rejects mismatched lengths, out-of-range scalars and window widths with RangeError', () => {
    expect(() => msmP256([G], [])).toThrow(RangeError);
    expect(() => msmP256([G], [q])).toThrow(RangeError);
    expect(() => msmP256([G], [-1n])).toThrow(RangeError);
    expect(() => msmP256([G], [1 as unknown as bigint])).toThrow(RangeError);
    for (const c of [0, 1, 17, 2.5, Number.NaN]) {
      expect(() => msmP256([G], [1n], c)).toThrow(RangeError);
    }
    expect(msmP256([], []).is0()).toBe(true);
    expect(msmP256([G, G.negate()], [5n, 5n]).is0()).toBe(true);
  });
});
