/**
 * Variable-time multi-scalar multiplication on edwards25519, for ristretto255 composites
 * (SPEC §2.1: "verification computes both composites with multi-scalar multiplication").
 *
 * Why not noble's `pippenger` (docs/decisions.md "Bucket MSMs"): at the NGO ring's batch sizes
 * noble's generic bucket method spends most of its time allocating and range-checking a point
 * object per addition. This module is Pippenger's bucket method specialised to one curve:
 * - **signed `c`-bit digits**, so a window needs `2^(c-1)` buckets and a negative digit adds
 *   the negated point (free on Edwards: `-(x, y) = (-x, y)`);
 * - **mixed additions**: every input point is normalised to `Z = 1` once (noble's batch
 *   inversion; decoded points already are) and cached as `((y+x)/2, (y-x)/2, d·x·y)`, so adding
 *   it to a bucket costs 7 field multiplications ("madd-2008-hwcd-3", halved) instead of 9;
 * - **coordinates as bare bigints** in parallel arrays, reduced lazily modulo `2^255 - 19` by
 *   folding (src/core/fe25519.ts), so no object is allocated per addition;
 * - the window width minimises the counted field multiplications for the batch size.
 *
 * The formulas are the complete extended-coordinate formulas of Hisil–Wong–Carter–Dawson (2008)
 * for `a = -1` (also RFC 8032 §5.1.4), valid for every pair of curve points, identity and
 * doubling included. The result is the same Edwards point as noble's `pippenger` returns (the
 * tests compare both, as Edwards points, on random and edge-case inputs); it is validated on
 * the curve before it is returned.
 *
 * Timing depends on the scalars and points: **public inputs only** (composite weights and
 * published elements). Secret scalars go through noble's constant-time `multiply`.
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { type ExtendedCoords, P, red } from './fe25519.js';
import { checkMsmArgs, signedDigits, windowCount, windowWidth } from './msm-digits.js';

const EdPoint = ed25519.Point;
const Fp = EdPoint.Fp;
/** `2p = 2^256 - 38`: added to a negative difference, which brings it into `[0, 2^256)`. */
const P2 = 2n * P;
/** `8p`: added before the subtractions of a doubling (rare: `c` doublings per window). */
const P8 = 8n * P;
const D = EdPoint.CURVE().d;
const D2 = Fp.mul(2n, D);
/** Scalars are below the group order `q < 2^253`. */
const SCALAR_BITS = 253;

/*
 * Bounds (src/core/fe25519.ts): stored coordinates are `< 2^255 + 2^20`. The multiplications that
 * dominate (bucket additions) take operands `< 2^256 + 2^21`, a sum or a difference of two
 * stored values, a negative difference lifted by `2p`: V8 holds them in four 64-bit digits
 * (except with negligible probability, which costs time, not correctness), a little cheaper
 * than the five digits a lift by `8p` would take. Doublings lift by `8p` (operands `< 2^260`).
 */

/** `a - b` for `a < 2^256 + 2^21` and a stored `b`, lifted by `2p` into `[0, 2^256)` if negative. */
function sub(a: bigint, b: bigint): bigint {
  const d = a - b;
  return d < 0n ? d + P2 : d;
}

/** A value `< 2^256` congruent to `v/2` modulo `p`, for `0 <= v < 2p`. */
function half(v: bigint): bigint {
  return (v & 1n) === 0n ? v >> 1n : (v + P) >> 1n;
}

/**
 * `Σ scalars[i]·points[i]` on edwards25519, variable time. Scalars must be in `[0, q)`.
 * Returns noble's `ed25519.Point` (extended coordinates, validated on the curve).
 * `windowBits` (2..16) overrides the chosen window width; for tests of every layout.
 */
export function msmEd25519(
  points: readonly ExtendedCoords[],
  scalars: readonly bigint[],
  windowBits?: number,
): InstanceType<typeof EdPoint> {
  const n = points.length;
  checkMsmArgs('msmEd25519', n, scalars, EdPoint.Fn.ORDER, windowBits);
  if (n === 0) return EdPoint.ZERO;

  // Affine inputs (Z = 1): decoded points already are; others through one batch inversion.
  const xs: bigint[] = new Array(n);
  const ys: bigint[] = new Array(n);
  const ts: bigint[] = new Array(n);
  const toInvert: bigint[] = [];
  const where: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = points[i] as ExtendedCoords;
    if (p.Z === 1n) {
      xs[i] = p.X;
      ys[i] = p.Y;
      ts[i] = p.T;
    } else {
      toInvert.push(p.Z);
      where.push(i);
    }
  }
  if (toInvert.length > 0) {
    const inv = Fp.invertBatch(toInvert);
    for (let j = 0; j < where.length; j++) {
      const i = where[j] as number;
      const p = points[i] as ExtendedCoords;
      const zi = inv[j] as bigint;
      const x = Fp.mul(p.X, zi);
      const y = Fp.mul(p.Y, zi);
      xs[i] = x;
      ys[i] = y;
      ts[i] = Fp.mul(x, y);
    }
  }
  // Cached form for mixed additions, halved: ((y + x)/2, (y - x)/2, d·t). With the bucket's
  // `2·Z1` replaced by `Z1`, the intermediates A, B, C, D of madd-2008-hwcd-3 are halved, so
  // the four result coordinates are all scaled by 1/4: the same projective point, and no
  // doubled operand crosses 2^256.
  const hp: bigint[] = new Array(n);
  const hm: bigint[] = new Array(n);
  const dt: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i] as bigint;
    const y = ys[i] as bigint;
    hp[i] = half(y + x);
    hm[i] = half(y - x + P);
    dt[i] = red(D * (ts[i] as bigint));
  }

  // Costs: 7 multiplications per mixed addition, 9 per full addition.
  const c = windowBits ?? windowWidth(n, SCALAR_BITS, 7, 9);
  const W = windowCount(SCALAR_BITS, c);
  const digits = signedDigits(scalars, SCALAR_BITS, c, W);
  const B = 1 << (c - 1);
  const BX: bigint[] = new Array(B + 1);
  const BY: bigint[] = new Array(B + 1);
  const BZ: bigint[] = new Array(B + 1);
  const BT: bigint[] = new Array(B + 1);
  const filled = new Uint8Array(B + 1);

  // Accumulator (Horner over the windows, top first), starting at the identity (0, 1, 1, 0).
  let aX = 0n;
  let aY = 1n;
  let aZ = 1n;
  let aT = 0n;
  for (let w = W - 1; w >= 0; w--) {
    if (w !== W - 1) {
      for (let j = 0; j < c; j++) {
        // dbl-2008-hwcd with a = -1.
        const A = red(aX * aX);
        const Bq = red(aY * aY);
        const C2 = red(aZ * aZ) << 1n;
        const s = aX + aY;
        const E = red(s * s) - A - Bq + P8;
        const G = Bq - A + P8;
        const F = G - C2 + P8;
        const H = P8 - A - Bq;
        aX = red(E * F);
        aY = red(G * H);
        aT = red(E * H);
        aZ = red(F * G);
      }
    }
    // Buckets: bucket |d| collects ±points[i] for digit d of window w.
    filled.fill(0);
    const base = w * n;
    for (let i = 0; i < n; i++) {
      const d = digits[base + i] as number;
      if (d === 0) continue;
      const neg = d < 0;
      const b = neg ? -d : d;
      if (filled[b] === 0) {
        filled[b] = 1;
        BX[b] = neg ? Fp.neg(xs[i] as bigint) : (xs[i] as bigint);
        BY[b] = ys[i] as bigint;
        BZ[b] = 1n;
        BT[b] = neg ? Fp.neg(ts[i] as bigint) : (ts[i] as bigint);
        continue;
      }
      // madd-2008-hwcd-3 (halved, see above): bucket += ±(cached point), 7 multiplications.
      const X1 = BX[b] as bigint;
      const Y1 = BY[b] as bigint;
      const Z1 = BZ[b] as bigint;
      const T1 = BT[b] as bigint;
      const A = red(sub(Y1, X1) * ((neg ? hp[i] : hm[i]) as bigint));
      const Bq = red((Y1 + X1) * ((neg ? hm[i] : hp[i]) as bigint));
      const C = red(T1 * (dt[i] as bigint));
      const E = sub(Bq, A);
      const F = neg ? Z1 + C : sub(Z1, C);
      const G = neg ? sub(Z1, C) : Z1 + C;
      const H = Bq + A;
      BX[b] = red(E * F);
      BY[b] = red(G * H);
      BT[b] = red(E * H);
      BZ[b] = red(F * G);
    }
    // Σ_b b·bucket_b by running sums, top bucket first; empty buckets are skipped.
    let rSet = false;
    let rX = 0n;
    let rY = 1n;
    let rZ = 1n;
    let rT = 0n;
    for (let b = B; b >= 1; b--) {
      if (filled[b] === 1) {
        if (rSet) {
          [rX, rY, rZ, rT] = add(
            rX,
            rY,
            rZ,
            rT,
            BX[b] as bigint,
            BY[b] as bigint,
            BZ[b] as bigint,
            BT[b] as bigint,
          );
        } else {
          rX = BX[b] as bigint;
          rY = BY[b] as bigint;
          rZ = BZ[b] as bigint;
          rT = BT[b] as bigint;
          rSet = true;
        }
      }
      if (rSet) [aX, aY, aZ, aT] = add(aX, aY, aZ, aT, rX, rY, rZ, rT);
    }
  }
  const out = new EdPoint(Fp.create(aX), Fp.create(aY), Fp.create(aZ), Fp.create(aT));
  if (!out.is0()) out.assertValidity(); // noble refuses to "validate" the identity
  return out;
}

/** add-2008-hwcd-3 (a = -1, k = 2d): complete addition in extended coordinates, 9 mults. */
function add(
  X1: bigint,
  Y1: bigint,
  Z1: bigint,
  T1: bigint,
  X2: bigint,
  Y2: bigint,
  Z2: bigint,
  T2: bigint,
): [bigint, bigint, bigint, bigint] {
  const A = red(sub(Y1, X1) * sub(Y2, X2));
  const Bq = red((Y1 + X1) * (Y2 + X2));
  const C = red(red(T1 * D2) * T2);
  const DD = red(Z1 * Z2) << 1n; // < 2^256 + 2^21
  const E = sub(Bq, A);
  const F = sub(DD, C);
  let G = DD + C;
  if (G >= P2) G -= P2;
  const H = Bq + A;
  return [red(E * F), red(G * H), red(F * G), red(E * H)]; // X3, Y3, Z3, T3
}
