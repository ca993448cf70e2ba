/**
 * Variable-time multi-scalar multiplication on P-256, for the DLEQ composites of the
 * `P256-SHA256` suite (SPEC §2.1). The counterpart of src/core/msm25519.ts for a short Weierstrass
 * curve (docs/decisions.md "Bucket MSMs"):
 * - **signed `c`-bit digits** (src/core/msm-digits.ts): `2^(c-1)` buckets per window, a negative
 *   digit adds `(x, -y)`;
 * - **Jacobian buckets, affine inputs**: every input point is normalised to affine once
 *   (noble's batch inversion; decoded points already are), so adding it to a bucket is the
 *   mixed addition "madd-2007-bl" (7 multiplications, 4 squarings) instead of noble's complete
 *   projective addition (12 multiplications and about 30 modular additions);
 * - **coordinates as bare bigints** in parallel arrays, signed residues in `(-p, p)` (each
 *   product reduced by `%`, which keeps the dividend's sign), so no object is allocated per
 *   addition.
 *
 * The Jacobian formulas (Bernstein–Lange, EFD "g1p/shortw/jacobian-3": madd-2007-bl,
 * add-2007-bl, dbl-2001-b) are incomplete: doubling and inverse pairs are detected (`H = 0`)
 * and handled explicitly, which is fine in variable time. The result is the same group element
 * as noble's `pippenger` returns (tests compare both on random and edge-case inputs: repeated,
 * negated, identity and projective points, test/msm-p256.test.ts) and is validated on the curve.
 *
 * Timing depends on the scalars and points: **public inputs only**.
 * @module
 */
import { p256 } from '@noble/curves/nist.js';
import { checkMsmArgs, signedDigits, windowCount, windowWidth } from './msm-digits.js';

const Point = p256.Point;
const Fp = Point.Fp;
const P = Fp.ORDER;
/** Scalars are below the group order `q < 2^256`. */
const SCALAR_BITS = 256;

/** Jacobian `(X, Y, Z)`: affine `(X/Z^2, Y/Z^3)`; `Z = 0` is the identity. */
type Jac = [X: bigint, Y: bigint, Z: bigint];
const INFINITY: Jac = [1n, 1n, 0n];

/** dbl-2001-b (a = -3): 3 multiplications, 5 squarings. */
function dbl(X1: bigint, Y1: bigint, Z1: bigint): Jac {
  if (Z1 === 0n || Y1 === 0n) return INFINITY; // P-256 has no point of order 2
  const delta = (Z1 * Z1) % P;
  const gamma = (Y1 * Y1) % P;
  const beta = (X1 * gamma) % P;
  const alpha = (3n * (X1 - delta) * (X1 + delta)) % P;
  const X3 = (alpha * alpha - 8n * beta) % P;
  const Z3 = ((Y1 + Z1) * (Y1 + Z1) - gamma - delta) % P;
  const Y3 = (alpha * (4n * beta - X3) - 8n * ((gamma * gamma) % P)) % P;
  return [X3, Y3, Z3];
}

/** add-2007-bl: 11 multiplications, 5 squarings; identity, doubling and `P + (-P)` handled. */
function add(X1: bigint, Y1: bigint, Z1: bigint, X2: bigint, Y2: bigint, Z2: bigint): Jac {
  if (Z1 === 0n) return [X2, Y2, Z2];
  if (Z2 === 0n) return [X1, Y1, Z1];
  const Z1Z1 = (Z1 * Z1) % P;
  const Z2Z2 = (Z2 * Z2) % P;
  const U1 = (X1 * Z2Z2) % P;
  const U2 = (X2 * Z1Z1) % P;
  const S1 = (((Y1 * Z2) % P) * Z2Z2) % P;
  const S2 = (((Y2 * Z1) % P) * Z1Z1) % P;
  const H = (U2 - U1) % P;
  const r0 = (S2 - S1) % P;
  if (H === 0n) return r0 === 0n ? dbl(X1, Y1, Z1) : INFINITY;
  const I = (4n * H * H) % P;
  const J = (H * I) % P;
  const r = 2n * r0;
  const V = (U1 * I) % P;
  const X3 = (r * r - J - 2n * V) % P;
  const Y3 = (r * (V - X3) - 2n * ((S1 * J) % P)) % P;
  const Z3 = (((Z1 + Z2) * (Z1 + Z2) - Z1Z1 - Z2Z2) % P) * H;
  return [X3, Y3, Z3 % P];
}

/**
 * `Σ scalars[i]·points[i]` on P-256, variable time. Scalars must be in `[0, q)`. Returns
 * noble's `p256.Point`, validated on the curve. `windowBits` (2..16) overrides the chosen
 * window width; for tests of every layout.
 */
export function msmP256(
  points: readonly InstanceType<typeof Point>[],
  scalars: readonly bigint[],
  windowBits?: number,
): InstanceType<typeof Point> {
  const n = points.length;
  checkMsmArgs('msmP256', n, scalars, Point.Fn.ORDER, windowBits);
  // Affine inputs; the identity contributes nothing and is dropped (with its scalar).
  const xs: bigint[] = [];
  const ys: bigint[] = [];
  const ks: bigint[] = [];
  const projective: { X: bigint; Y: bigint; Z: bigint; k: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const p = points[i] as InstanceType<typeof Point>;
    const k = scalars[i] as bigint;
    if (p.Z === 0n || k === 0n) continue;
    if (p.Z === 1n) {
      xs.push(p.X);
      ys.push(p.Y);
      ks.push(k);
    } else {
      projective.push({ X: p.X, Y: p.Y, Z: p.Z, k });
    }
  }
  if (projective.length > 0) {
    // noble's points are homogeneous projective: (x, y) = (X/Z, Y/Z).
    const inv = Fp.invertBatch(projective.map((p) => p.Z));
    projective.forEach((p, j) => {
      const zi = inv[j] as bigint;
      xs.push(Fp.mul(p.X, zi));
      ys.push(Fp.mul(p.Y, zi));
      ks.push(p.k);
    });
  }
  const m = ks.length;
  if (m === 0) return Point.ZERO;

  // Costs in multiplications: 11 per mixed addition, 16 per full addition.
  const c = windowBits ?? windowWidth(m, SCALAR_BITS, 11, 16);
  const W = windowCount(SCALAR_BITS, c);
  const digits = signedDigits(ks, SCALAR_BITS, c, W);
  const B = 1 << (c - 1);
  const BX: bigint[] = new Array(B + 1);
  const BY: bigint[] = new Array(B + 1);
  const BZ: bigint[] = new Array(B + 1);
  const filled = new Uint8Array(B + 1); // 0: the bucket is the identity

  let acc: Jac = INFINITY;
  for (let w = W - 1; w >= 0; w--) {
    if (w !== W - 1) for (let j = 0; j < c; j++) acc = dbl(acc[0], acc[1], acc[2]);
    filled.fill(0);
    const base = w * m;
    for (let i = 0; i < m; i++) {
      const d = digits[base + i] as number;
      if (d === 0) continue;
      const b = d < 0 ? -d : d;
      const x2 = xs[i] as bigint;
      const y2 = d < 0 ? -(ys[i] as bigint) : (ys[i] as bigint);
      if (filled[b] === 0) {
        filled[b] = 1;
        BX[b] = x2;
        BY[b] = y2;
        BZ[b] = 1n;
        continue;
      }
      // madd-2007-bl: bucket += (x2, y2).
      const X1 = BX[b] as bigint;
      const Y1 = BY[b] as bigint;
      const Z1 = BZ[b] as bigint;
      const Z1Z1 = (Z1 * Z1) % P;
      const U2 = (x2 * Z1Z1) % P;
      const S2 = (((y2 * Z1) % P) * Z1Z1) % P;
      const H = (U2 - X1) % P;
      const r0 = (S2 - Y1) % P;
      if (H === 0n) {
        if (r0 === 0n) {
          const t = dbl(X1, Y1, Z1);
          BX[b] = t[0];
          BY[b] = t[1];
          BZ[b] = t[2];
          filled[b] = t[2] === 0n ? 0 : 1;
        } else {
          filled[b] = 0; // bucket + (-bucket)
        }
        continue;
      }
      const HH = (H * H) % P;
      const I = 4n * HH;
      const J = (H * I) % P;
      const r = 2n * r0;
      const V = (X1 * I) % P;
      const X3 = (r * r - J - 2n * V) % P;
      BX[b] = X3;
      BY[b] = (r * (V - X3) - 2n * ((Y1 * J) % P)) % P;
      BZ[b] = ((Z1 + H) * (Z1 + H) - Z1Z1 - HH) % P;
    }
    // Σ_b b·bucket_b by running sums, top bucket first.
    let run: Jac = INFINITY;
    for (let b = B; b >= 1; b--) {
      if (filled[b] === 1) {
        run = add(run[0], run[1], run[2], BX[b] as bigint, BY[b] as bigint, BZ[b] as bigint);
      }
      if (run[2] !== 0n) acc = add(acc[0], acc[1], acc[2], run[0], run[1], run[2]);
    }
  }
  if (acc[2] === 0n) return Point.ZERO;
  const zi = Fp.inv(Fp.create(acc[2]));
  const zi2 = Fp.sqr(zi);
  const out = Point.fromAffine({
    x: Fp.mul(Fp.create(acc[0]), zi2),
    y: Fp.mul(Fp.create(acc[1]), Fp.mul(zi2, zi)),
  });
  out.assertValidity();
  return out;
}
