/**
 * The edwards25519 bucket MSMs (src/core/msm25519.ts on bigints, src/core/msm25519-limbs.ts on
 * limbs) against independent references:
 * - points with known discrete logs, so `Σ sᵢ·Pᵢ` must equal `(Σ sᵢ·pᵢ)·G` (scalar arithmetic);
 * - noble's `mulAddUnsafe` and `pippenger` on the same Edwards points, including points with a
 *   torsion component (ristretto255 representatives may carry one), the identity, repeated and
 *   negated points, and points not normalised to `Z = 1`.
 * Equality is Edwards-point equality (projective), stronger than ristretto255 equality.
 * Window widths 2..12 and 16 are exercised, with the scalars that stress signed-digit carries.
 * The limb implementation is also checked against the naive sum `Σ Pᵢ.multiplyUnsafe(sᵢ)` and the
 * bigint implementation (src/core/msm25519.ts, still the suite's) on random batches of 0..300
 * points and at 1,000–3,000 points, and on edge cases (identity, zero scalars, duplicates, `P` and
 * `-P` in one bucket, torsion-only batches, the largest scalars, non-canonical coordinates).
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { mulAddUnsafe, pippenger } from '@noble/curves/abstract/curve.js';
import { ED25519_TORSION_SUBGROUP, ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExtendedCoords } from '../src/core/fe25519.js';
import { ristretto255Sha512 } from '../src/core/group.js';
import { windowWidth } from '../src/core/msm-digits.js';
import { msmEd25519 } from '../src/core/msm25519.js';
import { msmEd25519Limbs } from '../src/core/msm25519-limbs.js';
import { runs } from './helpers/assert.js';
import { edgeScalars, expectKnownLogsOverWidths, scalarArb } from './helpers/msm.js';
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

describe.each([
  ['bigint', msmEd25519],
  ['limbs', msmEd25519Limbs],
] as const)('msmEd25519 (edwards25519 bucket MSM, %s)', (_name, msmEd25519) => {
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

/** `Σ sᵢ·Pᵢ` one noble `multiplyUnsafe` at a time (an independent reference). */
function naive(pts: readonly EdPoint[], sc: readonly bigint[]): EdPoint {
  let acc = Ed.ZERO;
  pts.forEach((P, i) => {
    acc = acc.add(P.multiplyUnsafe(sc[i] as bigint));
  });
  return acc;
}

/**
 * A pool of points to draw batches from (drawing is cheap, multiplying is not): multiples of `G`,
 * the eight torsion points, torsion-shifted multiples of `G`; batches also take their negations
 * and projective (`Z ≠ 1`) forms.
 */
const stream = scalarStream(0x5851f42d4c957f2dn, q);
const pool: EdPoint[] = [
  ...Array.from({ length: 24 }, () => Ed.fromAffine(G.multiply(stream() || 1n).toAffine())),
  ...torsion,
  ...Array.from({ length: 8 }, (_, t) => G.multiply(stream() || 1n).add(torsion[t] as EdPoint)),
];
const pooledArb = fc
  .tuple(
    fc.nat(pool.length - 1),
    fc.boolean(),
    fc.option(fc.bigInt({ min: 2n, max: Ed.Fp.ORDER - 1n }), { nil: undefined }),
  )
  .map(([k, neg, lambda]) => {
    const P = neg ? (pool[k] as EdPoint).negate() : (pool[k] as EdPoint);
    return lambda === undefined ? P : projective(P, lambda);
  });

describe('msmEd25519 on limbs: cross-checks', () => {
  it('equals the naive sum and the bigint MSM on random batches of 0..300 points', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 300 })
          .chain((n) =>
            fc.array(fc.tuple(pooledArb, scalarArb(q)), { minLength: n, maxLength: n }),
          ),
        fc.option(fc.integer({ min: 2, max: 12 }), { nil: undefined }),
        (pairs, c) => {
          const pts = pairs.map(([P]) => P);
          const sc = pairs.map(([, s]) => s);
          const want = naive(pts, sc);
          expect(msmEd25519Limbs(pts, sc, c).equals(want)).toBe(true);
          expect(msmEd25519(pts, sc, c).equals(want)).toBe(true);
        },
      ),
      runs(12),
    );
  });

  it('equals the bigint MSM at 1,000–3,000 points (and noble pippenger at 3,000)', () => {
    for (const n of [1000, 1777, 3000]) {
      const pts = Array.from({ length: n }, (_, i) => {
        const P = pool[Number(stream() % BigInt(pool.length))] as EdPoint;
        if (i % 7 === 3) return projective(P.negate(), BigInt(i) + 2n);
        return i % 5 === 1 ? P.negate() : P;
      });
      const sc = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 0n : stream()));
      const got = msmEd25519Limbs(pts, sc);
      expect(got.equals(msmEd25519(pts, sc)), `n = ${n}`).toBe(true);
      if (n === 3000) expect(got.equals(pippenger(Ed, pts, sc))).toBe(true);
    }
  });

  it('edge cases, for window widths 2, 3, 5, 8 and the default', () => {
    const A = pool[0] as EdPoint;
    const B = pool[1] as EdPoint;
    const T = pool[pool.length - 1] as EdPoint; // torsion-shifted
    const s1 = stream();
    const s2 = stream();
    const edges = edgeScalars(q);
    const cases: [string, EdPoint[], bigint[]][] = [
      ['one point', [A], [s1]],
      ['all identity', [Ed.ZERO, Ed.ZERO, Ed.ZERO], [s1, s2, q - 1n]],
      ['all scalars zero', [A, B, T], [0n, 0n, 0n]],
      ['identity among points', [Ed.ZERO, A, Ed.ZERO, B], [s1, s2, 1n, q - 1n]],
      ['P and -P, same scalar (bucket cancels)', [A, A.negate(), B], [s1, s1, s2]],
      ['P and -P, then P again', [A, A.negate(), A, A.negate(), A], [s1, s1, s1, s1, s1]],
      ['P, -P, P in one bucket, negated digits', [A, A.negate(), A], [q - s1, q - s1, q - s1]],
      ['duplicates (bucket doubles)', Array.from({ length: 40 }, () => A), Array(40).fill(s1)],
      [
        'duplicates, mixed scalars',
        Array.from({ length: 40 }, () => T),
        Array.from({ length: 40 }, (_, i) => edges[i % edges.length] as bigint),
      ],
      ['torsion points only', [...torsion], torsion.map((_, i) => edges[i] as bigint)],
      [
        'torsion points only, multiples of 8',
        [...torsion],
        torsion.map((_, i) => 8n * BigInt(i + 1)),
      ],
      ['largest scalars', [A, B, T, A.negate()], [q - 1n, q - 1n, q - 1n, q - 1n]],
      ['edge scalars', edges.map((_, i) => pool[i] as EdPoint), edges],
    ];
    for (const [name, pts, sc] of cases) {
      const want = naive(pts, sc);
      for (const c of [2, 3, 5, 8, undefined]) {
        expect(msmEd25519Limbs(pts, sc, c).equals(want), `${name}, c = ${c}`).toBe(true);
      }
    }
    // Two full sweeps of a digit: every bucket of c = 4 filled by P, then emptied by -P.
    const sweep = Array.from({ length: 16 }, (_, i) => BigInt(i));
    const pts = [...sweep.map(() => A), ...sweep.map(() => A.negate())];
    expect(msmEd25519Limbs(pts, [...sweep, ...sweep], 4).is0()).toBe(true);
  });

  it('accepts non-canonical coordinates in [p, 2^264) and plain coordinate objects', () => {
    const p = Ed.Fp.ORDER;
    const pts = pool.slice(0, 12);
    const sc = pts.map(() => stream());
    const want = naive(pts, sc);
    const lifted: ExtendedCoords[] = pts.map((P, i) => {
      const k = BigInt(i % 4) * p; // X + k·p < 2^264
      return i % 3 === 0
        ? { X: P.X + k, Y: P.Y + p, Z: P.Z, T: P.T + 2n * p } // Z = 1: the affine path
        : { X: P.X + k, Y: P.Y, Z: P.Z + p, T: P.T + k }; // Z ≠ 1n as a bigint: batch inversion
    });
    expect(msmEd25519Limbs(lifted, sc).equals(want)).toBe(true);
    expect(msmEd25519Limbs(lifted, sc, 3).equals(want)).toBe(true);
  });

  it('the default window width stays within the measured optimum (bench/msm25519.ts --scan)', () => {
    expect([250, 1000, 4096, 8192].map((n) => windowWidth(n, 253, 7, 9))).toEqual([6, 8, 9, 10]);
  });
});
