/**
 * The constant-time limb scalar multiplication (src/core/ct25519.ts) against bigint arithmetic
 * and noble:
 * - field operations against bigint arithmetic modulo `p`, on random limbs and at the extreme
 *   limb bounds the multiplication and squaring accept (the exactness argument of the module);
 * - the scalar recoding: the digits reconstruct `k` and stay in range;
 * - `k·P` against noble's `multiply` as ristretto255 elements (`equals` and encodings) and
 *   against noble's Edwards arithmetic as Edwards points (projective equality, stronger), on
 *   random and edge scalars and on the identity, the base point, projective (`Z ≠ 1`) points and
 *   points with a torsion component.
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { ED25519_TORSION_SUBGROUP, ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { numberToBytesLE } from '@noble/curves/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FE_LIMBS,
  type Fe,
  feAdd,
  feCarry,
  feFromBigint,
  feMul,
  feNew,
  feSqr,
  feSub,
  feToBigint,
  mulEdwardsCt,
  mulRistrettoCt,
  recodeScalar,
  type ScalarDigits,
} from '../src/core/ct25519.js';
import { P } from '../src/core/fe25519.js';
import { runs } from './helpers/assert.js';
import { feOf, limbValue } from './helpers/limbs.js';
import { edgeScalars, scalarArb } from './helpers/msm.js';

type EdPoint = InstanceType<typeof ed25519.Point>;
const Ed = ed25519.Point;
const R = ristretto255.Point;
const q = Ed.Fn.ORDER;
const G = Ed.BASE;
const torsion = ED25519_TORSION_SUBGROUP.map((h) => Ed.fromHex(h));
const L22 = 2 ** 22;

const mod = (x: bigint) => ((x % P) + P) % P;

/** Twelve integer limbs in `[-bound, bound]`. */
const limbsArb = (bound: number) =>
  fc.array(fc.integer({ min: -bound, max: bound }), { minLength: 12, maxLength: 12 });

/** Extreme limb vectors of magnitude `bound`: all `+bound`, all `-bound`, alternating, one hot. */
function extremes(bound: number): number[][] {
  const all = (v: number) => Array.from({ length: FE_LIMBS }, () => v);
  return [
    all(bound),
    all(-bound),
    all(0),
    Array.from({ length: FE_LIMBS }, (_, i) => (i % 2 === 0 ? bound : -bound)),
    Array.from({ length: FE_LIMBS }, (_, i) => (i === FE_LIMBS - 1 ? bound : 0)),
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? -bound : bound)),
  ];
}

/** Output limbs of feMul / feSqr / feCarry: integers in `[-1, 2^22]`. */
function expectReduced(o: Fe): void {
  for (const v of o) {
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(-1);
    expect(v).toBeLessThanOrEqual(L22);
  }
}

/**
 * Operand limb bounds `(α, β)` for feMul, `α·β ≤ 2^48`: reduced × reduced, the doubling's
 * `E·F` (`3L × 4L`), and the extremes of the contract.
 */
const MUL_BOUNDS: readonly [number, number][] = [
  [L22, L22],
  [3 * L22, 4 * L22],
  [2 ** 24, 2 ** 24],
  [2 ** 26, 2 ** 22],
  [2 ** 22, 2 ** 26],
];

describe('ct25519 field arithmetic (12 × 22-bit limbs in float64)', () => {
  it('feMul equals the bigint product mod p, random limbs at every bound', () => {
    for (const [alpha, beta] of MUL_BOUNDS) {
      fc.assert(
        fc.property(limbsArb(alpha), limbsArb(beta), (a, b) => {
          const o = feNew();
          const fa = feOf(a);
          const fb = feOf(b);
          feMul(o, fa, fb);
          expectReduced(o);
          expect(mod(limbValue(o))).toBe(mod(limbValue(fa) * limbValue(fb)));
        }),
        runs(100),
      );
    }
  });

  it('feMul and feSqr are exact at the extreme limb bounds', () => {
    for (const [alpha, beta] of MUL_BOUNDS) {
      for (const a of extremes(alpha)) {
        for (const b of extremes(beta)) {
          const o = feNew();
          feMul(o, feOf(a), feOf(b));
          expectReduced(o);
          expect(mod(limbValue(o))).toBe(mod(limbValue(feOf(a)) * limbValue(feOf(b))));
        }
      }
    }
    for (const a of extremes(2 ** 24)) {
      const o = feNew();
      feSqr(o, feOf(a));
      expectReduced(o);
      expect(mod(limbValue(o))).toBe(mod(limbValue(feOf(a)) ** 2n));
    }
  });

  it('feSqr equals feMul(a, a) and the bigint square, random limbs up to 2^24', () => {
    for (const bound of [L22, 2 * L22, 2 ** 24]) {
      fc.assert(
        fc.property(limbsArb(bound), (a) => {
          const fa = feOf(a);
          const o = feNew();
          const m = feNew();
          feSqr(o, fa);
          feMul(m, fa, fa);
          expectReduced(o);
          expect(mod(limbValue(o))).toBe(mod(limbValue(fa) ** 2n));
          expect(mod(limbValue(o))).toBe(mod(limbValue(m)));
        }),
        runs(100),
      );
    }
  });

  it('feMul and feSqr allow aliasing of the output with an operand', () => {
    fc.assert(
      fc.property(limbsArb(L22), limbsArb(L22), (a, b) => {
        const want = mod(limbValue(feOf(a)) * limbValue(feOf(b)));
        const x = feOf(a);
        feMul(x, x, feOf(b));
        expect(mod(limbValue(x))).toBe(want);
        const y = feOf(b);
        feMul(y, feOf(a), y);
        expect(mod(limbValue(y))).toBe(want);
        const z = feOf(a);
        feSqr(z, z);
        expect(mod(limbValue(z))).toBe(mod(limbValue(feOf(a)) ** 2n));
      }),
      runs(50),
    );
  });

  it('feAdd, feSub and feCarry agree with bigint arithmetic; feCarry reduces limbs < 2^52', () => {
    fc.assert(
      fc.property(limbsArb(2 ** 29 - 1), limbsArb(2 ** 29), (a, b) => {
        const fa = feOf(a);
        const fb = feOf(b);
        const s = feNew();
        const d = feNew();
        feAdd(s, fa, fb);
        feSub(d, fa, fb);
        expect(limbValue(s)).toBe(limbValue(fa) + limbValue(fb));
        expect(limbValue(d)).toBe(limbValue(fa) - limbValue(fb));
        expect(feToBigint(s)).toBe(mod(limbValue(fa) + limbValue(fb)));
        expect(feToBigint(d)).toBe(mod(limbValue(fa) - limbValue(fb)));
      }),
      runs(100),
    );
    for (const a of extremes(2 ** 30 - 1)) {
      expect(feToBigint(feOf(a))).toBe(mod(limbValue(feOf(a)))); // feToBigint's bound
    }
    const big = 2 ** 52 - 1;
    for (const a of [...extremes(big), ...extremes(L22)]) {
      const o = feNew();
      feCarry(o, feOf(a));
      expectReduced(o);
      expect(mod(limbValue(o))).toBe(mod(limbValue(feOf(a))));
    }
    fc.assert(
      fc.property(limbsArb(big), (a) => {
        const o = feNew();
        feCarry(o, feOf(a));
        expectReduced(o);
        expect(mod(limbValue(o))).toBe(mod(limbValue(feOf(a))));
      }),
      runs(100),
    );
  });

  it('feFromBigint / feToBigint round-trip modulo p; out-of-range input is rejected', () => {
    const edges = [
      0n,
      1n,
      18n,
      19n,
      P - 1n,
      P,
      P + 1n,
      2n * P,
      (1n << 255n) - 1n,
      (1n << 264n) - 1n,
    ];
    const check = (x: bigint) => {
      const o = feNew();
      feFromBigint(o, x);
      for (const v of o) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(L22);
      }
      expect(limbValue(o)).toBe(x);
      expect(feToBigint(o)).toBe(x % P);
    };
    for (const x of edges) check(x);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 264n) - 1n }), check), runs(200));
    expect(() => feFromBigint(feNew(), 1n << 264n)).toThrow(RangeError);
    expect(() => feFromBigint(feNew(), -1n)).toThrow(RangeError);
  });
});

/** `Σ digits[i]·16^i`. */
function digitsValue(d: ScalarDigits): bigint {
  let v = 0n;
  for (let i = d.digits.length - 1; i >= 0; i--) v = 16n * v + BigInt(d.digits[i] as number);
  return v;
}

/** Scalars at radix-16 signed-digit boundaries: nibbles 7, 8, 9, 15, 0 everywhere. */
function digitEdgeScalars(): bigint[] {
  const rep = (nibble: bigint, n: number) => {
    let v = 0n;
    for (let i = 0; i < n; i++) v = 16n * v + nibble;
    return v;
  };
  const out = [7n, 8n, 9n, 15n, 16n, 17n, 0x88n, 0x80n, 0xf8n, 0x7fn, 0x8fn, 0xffn, 0x100n];
  for (const nib of [7n, 8n, 9n, 15n]) out.push(rep(nib, 63)); // all 63 low windows = nib
  out.push(1n << 252n, (1n << 252n) - 1n, (1n << 252n) + 8n, 1n << 200n, 8n << 248n, 0x8n << 4n);
  return out.map((k) => k % q);
}

const allEdgeScalars = [...new Set([...edgeScalars(q), ...digitEdgeScalars()])];

describe('ct25519 scalar recoding', () => {
  it('reconstructs k with digits in range, from a bigint and from bytes alike', () => {
    const check = (k: bigint) => {
      const d = recodeScalar(k);
      expect(d.digits.length).toBe(64);
      expect(digitsValue(d)).toBe(k);
      for (let i = 0; i < 63; i++) {
        expect(d.digits[i]).toBeGreaterThanOrEqual(-8);
        expect(d.digits[i]).toBeLessThanOrEqual(7);
      }
      expect(d.digits[63]).toBeGreaterThanOrEqual(0);
      expect(d.digits[63]).toBeLessThanOrEqual(2);
      expect(recodeScalar(numberToBytesLE(k, 32)).digits).toEqual(d.digits);
    };
    for (const k of allEdgeScalars) check(k);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: q - 1n }), check), runs(300));
  });

  it('rejects scalars outside [0, ℓ) and malformed bytes', () => {
    expect(() => recodeScalar(q)).toThrow(RangeError);
    expect(() => recodeScalar(-1n)).toThrow(RangeError);
    expect(() => recodeScalar(numberToBytesLE(q, 32))).toThrow(RangeError);
    expect(() => recodeScalar(new Uint8Array(31))).toThrow(RangeError);
    expect(() => recodeScalar(new Uint8Array(32).fill(0xff))).toThrow(RangeError);
    expect(() => mulEdwardsCt(G, { digits: new Int8Array(64) } as unknown as ScalarDigits)).toThrow(
      TypeError,
    );
  });
});

/** The same point with projective coordinates scaled by `λ ≠ 0` (so `Z ≠ 1`). */
function projective(Pt: EdPoint, lambda: bigint): EdPoint {
  const { x, y } = Pt.toAffine();
  const f = (v: bigint) => Ed.Fp.mul(v, lambda);
  return new Ed(f(x), f(y), f(1n), f(Ed.Fp.mul(x, y)));
}

/**
 * `(X : Y : Z : T)` is on edwards25519 in extended coordinates: `(Y² - X²)·Z² = Z⁴ + d·X²·Y²`,
 * `X·Y = Z·T`, `Z ≠ 0` (noble's `assertValidity` rejects the identity, so not used here).
 */
function expectOnCurve(X: bigint, Y: bigint, Z: bigint, T: bigint): void {
  const d = Ed.CURVE().d;
  const [X2, Y2, Z2] = [X * X, Y * Y, Z * Z];
  expect(mod(Z)).not.toBe(0n);
  expect(mod((Y2 - X2) * Z2)).toBe(mod(Z2 * Z2 + d * mod(X2 * Y2)));
  expect(mod(X * Y)).toBe(mod(Z * T));
}

/** `k·Pt` from mulEdwardsCt as a noble point, checked canonical and on the curve. */
function ctEdwards(Pt: EdPoint, k: bigint): EdPoint {
  const r = mulEdwardsCt(Pt, recodeScalar(k));
  for (const c of [r.X, r.Y, r.Z, r.T]) {
    expect(c >= 0n && c < P).toBe(true);
  }
  expectOnCurve(r.X, r.Y, r.Z, r.T);
  return new Ed(r.X, r.Y, r.Z, r.T);
}

/** Edwards `k·Pt` by noble (variable time; `multiply` rejects 0). */
const nobleEdwards = (Pt: EdPoint, k: bigint): EdPoint =>
  k === 0n ? Ed.ZERO : Pt.multiplyUnsafe(k);

/** ristretto255 `k·Pt` by mulRistrettoCt equals noble's, as elements and as encodings. */
function expectRistretto(Pt: InstanceType<typeof R>, k: bigint): void {
  const ours = mulRistrettoCt(Pt, recodeScalar(k));
  const want = k === 0n ? R.ZERO : Pt.multiply(k);
  expect(ours.equals(want)).toBe(true);
  expect(ours.toHex()).toBe(want.toHex());
}

const logArb = fc.bigInt({ min: 1n, max: q - 1n });

describe('mulEdwardsCt / mulRistrettoCt against noble', () => {
  it('ristretto255: random points and scalars (edge scalars mixed in)', () => {
    fc.assert(
      fc.property(logArb, scalarArb(q), (p, k) => {
        expectRistretto(R.BASE.multiply(p), k);
      }),
      runs(300),
    );
  });

  it('ristretto255: every edge scalar on the base point, a random point and the identity', () => {
    const Pt = R.BASE.multiply(0x1234567890abcdef1234567890abcdefn);
    for (const k of allEdgeScalars) {
      expectRistretto(R.BASE, k);
      expectRistretto(Pt, k);
      expect(mulRistrettoCt(R.ZERO, recodeScalar(k)).equals(R.ZERO)).toBe(true);
    }
  });

  it('k = 0 gives the identity; 1 gives P; ℓ - 1 gives -P', () => {
    const Pt = R.BASE.multiply(987654321n);
    expect(mulRistrettoCt(Pt, recodeScalar(0n)).is0()).toBe(true);
    expect(mulRistrettoCt(Pt, recodeScalar(1n)).equals(Pt)).toBe(true);
    expect(mulRistrettoCt(Pt, recodeScalar(q - 1n)).equals(Pt.negate())).toBe(true);
    expect(ctEdwards(G, 0n).equals(Ed.ZERO)).toBe(true);
  });

  it('Edwards points: identity, base, projective (Z ≠ 1), torsion, small-order, all edge scalars', () => {
    const pts: EdPoint[] = [
      Ed.ZERO,
      G,
      projective(G, 7n),
      projective(G.multiply(123456789n), P - 2n),
      ...torsion.slice(1),
      G.add(torsion[1] as EdPoint),
      projective(G.multiply(42n).add(torsion[3] as EdPoint), 5n),
      (torsion[4] as EdPoint).add(G.multiply(q - 1n)),
    ];
    for (const Pt of pts) {
      for (const k of allEdgeScalars) {
        expect(ctEdwards(Pt, k).equals(nobleEdwards(Pt, k))).toBe(true);
      }
    }
  });

  it('fuzz: random Edwards points (projective, torsion, identity) and scalars', () => {
    const pointArb = fc.oneof(
      fc.tuple(logArb, logArb).map(([p, l]) => projective(G.multiply(p), l)),
      fc
        .tuple(logArb, fc.integer({ min: 1, max: 7 }), logArb)
        .map(([p, t, l]) => projective(G.multiply(p).add(torsion[t] as EdPoint), l)),
      fc.integer({ min: 0, max: 7 }).map((t) => torsion[t] as EdPoint),
      fc.constant(Ed.ZERO),
    );
    fc.assert(
      fc.property(pointArb, scalarArb(q), (Pt, k) => {
        expect(ctEdwards(Pt, k).equals(nobleEdwards(Pt, k))).toBe(true);
      }),
      runs(300),
    );
  });

  it('one recoded scalar reused over many points, interleaved with other scalars', () => {
    const k1 = 0xdeadbeefcafebabe0123456789abcdefn % q;
    const k2 = q - 0x55555555n;
    const d1 = recodeScalar(k1);
    const d2 = recodeScalar(k2);
    for (let i = 1; i <= 12; i++) {
      const Pt = R.BASE.multiply(BigInt(i) * 0x1f2e3d4c5b6an);
      expect(mulRistrettoCt(Pt, d1).equals(Pt.multiply(k1))).toBe(true);
      expect(mulRistrettoCt(Pt, d2).equals(Pt.multiply(k2))).toBe(true);
    }
    expect(digitsValue(d1)).toBe(k1); // not mutated by use
  });
});
