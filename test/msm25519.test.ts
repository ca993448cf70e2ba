/**
 * The edwards25519 bucket MSM (src/core/msm25519.ts) against independent references:
 * - points with known discrete logs, so `Σ sᵢ·Pᵢ` must equal `(Σ sᵢ·pᵢ)·G` (scalar arithmetic);
 * - noble's `mulAddUnsafe` and `pippenger` on the same Edwards points, including points with a
 *   torsion component (ristretto255 representatives may carry one), the identity, repeated and
 *   negated points, and points not normalised to `Z = 1`.
 * Equality is Edwards-point equality (projective), stronger than ristretto255 equality.
 * Window widths 2..12 and 16 are exercised, with the scalars that stress signed-digit carries.
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { ED25519_TORSION_SUBGROUP, ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ristretto255Sha512 } from '../src/core/group.js';
import { msmEd25519 } from '../src/core/msm25519.js';
import { runs } from './helpers/assert.js';
import { expectKnownLogsOverWidths, scalarArb } from './helpers/msm.js';
import { scalarStream } from './helpers/rng.js';

type EdPoint = InstanceType<typeof ed25519.Point>;
const Ed = ed25519.Point;
const q = Ed.Fn.ORDER;
const G = Ed.BASE;
const torsion = ED25519_TORSION_SUBGROUP.map((h) => Ed.fromHex(h));

/** The same point with projective coordinates scaled by `λ ≠ 0` (so `Z ≠ 1`). */
function projective(P: EdPoint, lambda: bigint): EdPoint {
  const { x, y } = P.toAffine();
  const f = (v: bigint) => Ed.Fp.mul(v, lambda);
  return new Ed(f(x), f(y), f(1n), f(Ed.Fp.mul(x, y)));
}

const logArb = fc.bigInt({ min: 1n, max: q - 1n });

describe('msmEd25519 (edwards25519 bucket MSM)', () => {
  it('equals (Σ sᵢ·pᵢ)·G for window widths 2..12 and 16, edge scalars included', () => {
    // Points p·G; half normalised to Z = 1 (as decoded points are), half left projective.
    const logs = Array.from({ length: 11 }, (_, i) => (BigInt(i + 1) * 0x1234567890abcdefn) % q);
    const pts = logs.map((p, i) => {
      const P = G.multiply(p);
      return i % 2 === 0 ? Ed.fromAffine(P.toAffine()) : projective(P, p + 2n);
    });
    expect(pts.some((P) => P.Z !== 1n)).toBe(true);
    expectKnownLogsOverWidths(q, pts, logs, msmEd25519, (e) => G.multiplyUnsafe(e));
  });

  it('agrees with noble on random batches: torsion, identity, repeated, negated, projective points', () => {
    const pointArb = fc.oneof(
      logArb.map((p) => projective(G.multiply(p), p)), // projective, Z ≠ 1
      logArb.map((p) => Ed.fromAffine(G.multiply(p).toAffine())), // Z = 1
      fc
        .tuple(logArb, fc.integer({ min: 1, max: 7 }))
        .map(([p, t]) => G.multiply(p).add(torsion[t] as EdPoint)), // torsion component
      fc.constant(Ed.ZERO),
      fc.constant(torsion[4] as EdPoint), // (0, -1): order 2
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pointArb, scalarArb(q)), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 12 }),
        (pairs, c) => {
          // Repeat and negate some points so buckets cancel and double.
          const pts: EdPoint[] = pairs.map(([P]) => P);
          const sc = pairs.map(([, s]) => s);
          pts.push(pts[0] as EdPoint, (pts[0] as EdPoint).negate());
          sc.push(sc[0] as bigint, sc[0] as bigint);
          const want = mulAddUnsafe(Ed, pts, sc);
          expect(msmEd25519(pts, sc, c).equals(want)).toBe(true);
          expect(msmEd25519(pts, sc).equals(want)).toBe(true);
        },
      ),
      runs(40),
    );
  });

  it('agrees with noble pippenger on a batch of 1,100 decoded ristretto255 representatives', () => {
    // Decoded points, as the NGO hop sees them (Z = 1), with the default window choice.
    const wide = scalarStream(0x243f6a8885a308d3n, q);
    const n = 1100;
    const base = ristretto255.Point.BASE.multiply(wide() || 1n);
    const rpts = [base];
    for (let i = 1; i < n; i++) rpts.push((rpts[i - 1] as typeof base).add(base));
    const decoded = rpts.map((P) => ristretto255.Point.fromBytes(P.toBytes()));
    const sc = Array.from({ length: n }, () => wide());
    sc[7] = 0n;
    sc[9] = q - 1n;
    const eps = decoded.map((P) => (P as unknown as { ep: EdPoint }).ep);
    expect(eps.every((P) => P.Z === 1n)).toBe(true);
    expect(msmEd25519(eps, sc).equals(pippenger(Ed, eps, sc))).toBe(true);
    // Through the suite: the ristretto255 result of msmVartime is noble's.
    const viaSuite = ristretto255Sha512.msmVartime(decoded, sc);
    expect(viaSuite.equals(pippenger(ristretto255.Point, decoded, sc))).toBe(true);
  });

  it('rejects mismatched lengths, out-of-range scalars and window widths with RangeError', () => {
    expect(() => msmEd25519([G], [])).toThrow(RangeError);
    expect(() => msmEd25519([G], [q])).toThrow(RangeError);
    expect(() => msmEd25519([G], [-1n])).toThrow(RangeError);
    expect(() => msmEd25519([G], [1 as unknown as bigint])).toThrow(RangeError);
    for (const c of [0, 1, 17, 2.5, Number.NaN]) {
      expect(() => msmEd25519([G], [1n], c)).toThrow(RangeError);
    }
    expect(msmEd25519([], []).is0()).toBe(true);
  });
});
