/**
 * Variable-time multi-scalar multiplication on edwards25519 on ct25519's limbs, for the
 * ristretto255 composites of the element-wise NGO and builder work (src/core/bulk-codec.ts
 * `bulkMsm`). The bigint version (src/core/msm25519.ts) stays the suite's `msmVartime`: the
 * client flow reaches the suite's MSM, and its bundle budget has no room for a second field.
 *
 * Why not noble's `pippenger` (docs/decisions.md "Bucket MSMs"): at the NGO ring's batch sizes
 * noble's generic bucket method spends most of its time allocating and range-checking a point
 * object per addition, and reducing bigints. This module is Pippenger's bucket method
 * specialised to one curve:
 * - **signed `c`-bit digits** (src/core/msm-digits.ts), so a window needs `2^(c-1)` buckets and
 *   a negative digit adds the negated point (free on Edwards: `-(x, y) = (-x, y)`);
 * - **mixed additions**: every input point is loaded once into limbs and normalised to `Z = 1`
 *   (decoded points already are; the others through one batch inversion on limbs), and cached as
 *   `(y+x, y-x, 2d·x·y)`, so adding it to a bucket costs 7 field multiplications
 *   ("madd-2008-hwcd-3" with `Z2 = 1`) instead of 9;
 * - **field arithmetic on ct25519's limbs** (src/core/ct25519.ts: 12 float64 limbs of 22 bits,
 *   `feMul` about 6× faster than a bigint product and reduction), with buckets, running sums and
 *   the accumulator in preallocated limb arrays, so no object is allocated per addition;
 * - the window width minimises the counted field multiplications for the batch size.
 *
 * The formulas are the complete extended-coordinate formulas of Hisil–Wong–Carter–Dawson (2008)
 * for `a = -1` (also RFC 8032 §5.1.4), valid for every pair of curve points, identity, doubling,
 * `P + (-P)` and points with a torsion component included, so no input needs a special case. The
 * result is the same Edwards point as noble's `pippenger` returns (the tests compare both, and
 * the previous bigint implementation, as Edwards points, on random and edge-case inputs); it is
 * validated on the curve before it is returned.
 *
 * **Limb bounds.** `L = 2^22`. Every element this module stores (input coordinates and cached
 * forms, buckets, running sum, accumulator) has limbs `|a_i| ≤ L`: what `feMul` / `feSqr` return
 * (`[-1, L]`), what `feFromBigint` and `feCarry` return, and their negations. `feMul` needs
 * `max|a_i|·max|b_j| ≤ 2^48 = 16·L²`; each formula below states its operands' bounds (the
 * largest is `9·L²`, `F·G` of an addition, and `12·L²`, `E·F` of a doubling). `feSqr` needs
 * `max|a_i| ≤ 2^24 = 4·L`.
 *
 * Timing depends on the scalars and points: **public inputs only** (composite weights and
 * published elements). Secret scalars go through the constant-time multiplications
 * (src/core/ct25519.ts, noble's `multiply`).
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  edDouble,
  FE_LIMBS,
  type Fe,
  feCarry,
  feFromBigint,
  feFromBytes,
  feInvert,
  feMul,
  feNew,
  feToBigint,
  type Pt,
} from './ct25519.js';
import { type ExtendedCoords, P } from './fe25519.js';
import { checkMsmArgs, signedDigits, windowCount, windowWidth } from './msm-digits.js';
import { RAW_POINT_BYTES as RAW } from './ristretto-limbs.js';

const EdPoint = ed25519.Point;
/** Scalars are below the group order `q < 2^253`. */
const SCALAR_BITS = 253;

/** `2d mod p` in limbs (`[0, L)`). */
const d2 = feNew();
feFromBigint(d2, (2n * EdPoint.CURVE().d) % P);

const newPt = (): Pt => ({ X: feNew(), Y: feNew(), Z: feNew(), T: feNew() });

// Scratch, reused by every call (a call runs to completion: no re-entrance).
const fa = feNew();
const fb = feNew();
const fc = feNew();
const fd = feNew();
const fe = feNew();
const ff = feNew();
const fg = feNew();
const fh = feNew();
/** Running sum and accumulator of the bucket reduction. */
const run = newPt();
const acc = newPt();
/**
 * Buckets `0..B` (index 0 unused), grown on demand and kept between calls up to `KEEP_BUCKETS`
 * (window widths up to 12, about 0.8 MB); the larger windows of very large batches release theirs.
 */
const buckets: Pt[] = [];
const KEEP_BUCKETS = (1 << 11) + 1;

/** `o = p` (limb copy). */
function copyPt(o: Pt, p: Pt): void {
  o.X.set(p.X);
  o.Y.set(p.Y);
  o.Z.set(p.Z);
  o.T.set(p.T);
}

/** `o = (0 : 1 : 1 : 0)`, the identity. */
function setIdentity(o: Pt): void {
  o.X.fill(0);
  o.Y.fill(0);
  o.Z.fill(0);
  o.T.fill(0);
  o.Y[0] = 1;
  o.Z[0] = 1;
}

/**
 * Per input point, four elements (`POINT` limbs) in one `Float64Array`: the cached form for the
 * mixed additions (`y+x`, `y-x`, `2d·x·y`), then `t = x·y` (for a bucket's first point, which is
 * `(y+x - (y-x) : y+x + (y-x) : 2 : 2t) = (x : y : 1 : t)`). Offsets within a point's block:
 */
const YPX = 0;
const YMX = FE_LIMBS;
const T2D = 2 * FE_LIMBS;
const T0 = 3 * FE_LIMBS;
const POINT = 4 * FE_LIMBS;
/** While loading, `x` and `y` (then `X`, `Y` of a projective point) sit in the `y±x` slots. */
const X0 = YPX;
const Y0 = YMX;
/** The cached point being added, copied out of the points' array (no view per point). */
const qa = feNew();
const qb = feNew();
const qc = feNew();

/** `o = buf[off .. off + 12)`. */
function load(o: Fe, buf: Float64Array, off: number): void {
  for (let i = 0; i < FE_LIMBS; i++) o[i] = buf[off + i] as number;
}

/** `buf[off .. off + 12) = a`. */
function store(buf: Float64Array, off: number, a: Fe): void {
  for (let i = 0; i < FE_LIMBS; i++) buf[off + i] = a[i] as number;
}

/**
 * `p = p + s·Q` in place, for the affine point `Q = (x, y)` cached at `pts[off ..]` as
 * `y+x`, `y-x`, `2d·x·y`, and `s = ±1` (`-Q = (-x, y)`: `y+x` and `y-x` swap, `2d·x·y` changes
 * sign): madd-2008-hwcd-3 with `Z2 = 1`, 7 multiplications. `A = (Y1-X1)·(y∓x)`,
 * `B = (Y1+X1)·(y±x)`, `C = s·T1·2d·x·y`, `D = 2·Z1`, `E = B - A`, `F = D - C`, `G = D + C`,
 * `H = B + A`, `(E·F : G·H : F·G : E·H)`.
 * Bounds: `|Y1 ± X1| ≤ 2L` against cached limbs `≤ L` and `T1·t2d`: products `≤ 2L²`; then
 * `A, B, C ≤ L`, `D ≤ 2L`, so `E, H ≤ 2L`, `F, G ≤ 3L`: products `≤ 9L²`.
 */
function madd(p: Pt, pts: Float64Array, off: number, s: number): void {
  const X = p.X;
  const Y = p.Y;
  const oa = off + (s > 0 ? YMX : YPX);
  const ob = off + (s > 0 ? YPX : YMX);
  const oc = off + T2D;
  for (let i = 0; i < FE_LIMBS; i++) {
    const x = X[i] as number;
    const y = Y[i] as number;
    fa[i] = y - x;
    fb[i] = y + x;
    qa[i] = pts[oa + i] as number;
    qb[i] = pts[ob + i] as number;
    qc[i] = s * (pts[oc + i] as number);
  }
  feMul(fa, fa, qa);
  feMul(fb, fb, qb);
  feMul(fc, p.T, qc);
  const Z = p.Z;
  for (let i = 0; i < FE_LIMBS; i++) {
    const a = fa[i] as number;
    const b = fb[i] as number;
    const c = fc[i] as number;
    const d = 2 * (Z[i] as number);
    fe[i] = b - a;
    ff[i] = d - c;
    fg[i] = d + c;
    fh[i] = b + a;
  }
  feMul(p.X, fe, ff);
  feMul(p.Y, fg, fh);
  feMul(p.Z, ff, fg);
  feMul(p.T, fe, fh);
}

/**
 * `o = o + q` for two projective points (o must not alias q): add-2008-hwcd-3, 9
 * multiplications. `A = (Y1-X1)·(Y2-X2)`, `B = (Y1+X1)·(Y2+X2)`, `C = T1·(2d·T2)`,
 * `D = 2·Z1·Z2`, then as in {@link madd}.
 * Bounds: `|Y ± X| ≤ 2L`: `A, B` take products `≤ 4L²`; `2d·T2` and `Z1·Z2` are `≤ L²`, then
 * `T1·(2d·T2)` `≤ L²`; `A, B, C ≤ L`, `D ≤ 2L`, `E, H ≤ 2L`, `F, G ≤ 3L`: products `≤ 9L²`.
 */
function addTo(o: Pt, q: Pt): void {
  const X1 = o.X;
  const Y1 = o.Y;
  const X2 = q.X;
  const Y2 = q.Y;
  for (let i = 0; i < FE_LIMBS; i++) {
    const x1 = X1[i] as number;
    const y1 = Y1[i] as number;
    const x2 = X2[i] as number;
    const y2 = Y2[i] as number;
    fa[i] = y1 - x1;
    fb[i] = y1 + x1;
    fe[i] = y2 - x2;
    fh[i] = y2 + x2;
  }
  feMul(fa, fa, fe);
  feMul(fb, fb, fh);
  feMul(fc, q.T, d2);
  feMul(fc, fc, o.T);
  feMul(fd, o.Z, q.Z);
  for (let i = 0; i < FE_LIMBS; i++) {
    const a = fa[i] as number;
    const b = fb[i] as number;
    const c = fc[i] as number;
    const d = 2 * (fd[i] as number);
    fe[i] = b - a;
    ff[i] = d - c;
    fg[i] = d + c;
    fh[i] = b + a;
  }
  feMul(o.X, fe, ff);
  feMul(o.Y, fg, fh);
  feMul(o.Z, ff, fg);
  feMul(o.T, fe, fh);
}

/**
 * `Σ scalars[i]·points[i]` on edwards25519, variable time. Scalars must be in `[0, q)`; points
 * are extended coordinates in `[0, 2^264)` with `X·Y = Z·T` and `Z ≢ 0` (noble's points and the
 * codec's decoded points are). Returns noble's `ed25519.Point` (projective extended coordinates,
 * canonical, validated on the curve).
 * `windowBits` (2..16) overrides the chosen window width; for tests of every layout.
 */
export function msmEd25519Limbs(
  points: readonly ExtendedCoords[],
  scalars: readonly bigint[],
  windowBits?: number,
): InstanceType<typeof EdPoint> {
  const n = points.length;
  checkMsmArgs('msmEd25519Limbs', n, scalars, EdPoint.Fn.ORDER, windowBits);
  if (n === 0) return EdPoint.ZERO;

  // Load every point into limbs (`[0, L)`). Affine (decoded points): x = X, y = Y, t = T.
  // Otherwise X, Y, and Z in t's slot until the batch inversion below.
  const pts = new Float64Array(n * POINT);
  const projective: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = points[i] as ExtendedCoords;
    const off = i * POINT;
    feFromBigint(fa, p.X);
    store(pts, off + X0, fa);
    feFromBigint(fa, p.Y);
    store(pts, off + Y0, fa);
    if (p.Z === 1n) feFromBigint(fa, p.T);
    else {
      feFromBigint(fa, p.Z);
      projective.push(i);
    }
    store(pts, off + T0, fa);
  }
  return msmLoaded(pts, n, projective, scalars, windowBits);
}

/**
 * {@link msmEd25519Limbs} of raw points (src/core/ristretto-limbs.ts `RAW_POINT_BYTES` each: the
 * canonical `X, Y, Z, T` in 32 little-endian bytes apiece), loaded straight into limbs with no
 * bigint: the form the database's rounds hold their bases in and decode their cells to. A point
 * whose `Z` is 1 is taken as affine (`t = T`). The same sum as {@link msmEd25519Limbs} of the
 * same points (test/raw-points.test.ts).
 */
export function msmEd25519Raw(
  raw: Uint8Array,
  scalars: readonly bigint[],
  windowBits?: number,
): InstanceType<typeof EdPoint> {
  if (raw.length % RAW !== 0) throw new RangeError('msmEd25519Raw: not a whole number of points');
  const n = raw.length / RAW;
  checkMsmArgs('msmEd25519Raw', n, scalars, EdPoint.Fn.ORDER, windowBits);
  if (n === 0) return EdPoint.ZERO;
  const pts = new Float64Array(n * POINT);
  const projective: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * RAW;
    const off = i * POINT;
    feFromBytes(fa, raw, at);
    store(pts, off + X0, fa);
    feFromBytes(fa, raw, at + 32);
    store(pts, off + Y0, fa);
    let one = raw[at + 64] === 1;
    for (let j = 65; one && j < 96; j++) one = raw[at + j] === 0;
    if (one) feFromBytes(fa, raw, at + 96);
    else {
      feFromBytes(fa, raw, at + 64);
      projective.push(i);
    }
    store(pts, off + T0, fa);
  }
  return msmLoaded(pts, n, projective, scalars, windowBits);
}

/** The MSM of `n` points loaded into `pts` (affine, or projective at `projective`). */
function msmLoaded(
  pts: Float64Array,
  n: number,
  projective: readonly number[],
  scalars: readonly bigint[],
  windowBits: number | undefined,
): InstanceType<typeof EdPoint> {
  if (projective.length > 0) normalise(pts, projective);
  // The cached form, in place: y+x and y-x (limbs ≤ 2L, carried back to [-1, L]) and 2d·t (L·L).
  for (let i = 0; i < n; i++) {
    const off = i * POINT;
    for (let j = 0; j < FE_LIMBS; j++) {
      const x = pts[off + X0 + j] as number;
      const y = pts[off + Y0 + j] as number;
      fa[j] = y + x;
      fb[j] = y - x;
    }
    feCarry(fa, fa);
    feCarry(fb, fb);
    store(pts, off + YPX, fa);
    store(pts, off + YMX, fb);
    load(fc, pts, off + T0);
    feMul(fc, fc, d2);
    store(pts, off + T2D, fc);
  }

  // Costs: 7 multiplications per mixed addition, 9 per full addition.
  const c = windowBits ?? windowWidth(n, SCALAR_BITS, 7, 9);
  const W = windowCount(SCALAR_BITS, c);
  const digits = signedDigits(scalars, SCALAR_BITS, c, W);
  const B = 1 << (c - 1);
  while (buckets.length <= B) buckets.push(newPt());
  const filled = new Uint8Array(B + 1);

  // Accumulator (Horner over the windows, top first), starting at the identity.
  setIdentity(acc);
  for (let w = W - 1; w >= 0; w--) {
    if (w !== W - 1) {
      for (let j = 0; j < c; j++) edDouble(acc, acc, j === c - 1);
    }
    // Buckets: bucket |d| collects ±points[i] for digit d of window w.
    filled.fill(0);
    const base = w * n;
    for (let i = 0; i < n; i++) {
      const d = digits[base + i] as number;
      if (d === 0) continue;
      const b = d < 0 ? -d : d;
      const bk = buckets[b] as Pt;
      if (filled[b] === 0) {
        // First point of the bucket: (±x : y : 1 : ±t), limbs ≤ L.
        // First point of the bucket: (±2x : 2y : 2 : ±2t), limbs ≤ 2L carried back to ≤ L.
        filled[b] = 1;
        const off = i * POINT;
        const s = d < 0 ? -1 : 1;
        const { X, Y, Z, T } = bk;
        for (let j = 0; j < FE_LIMBS; j++) {
          const ypx = pts[off + YPX + j] as number;
          const ymx = pts[off + YMX + j] as number;
          X[j] = s * (ypx - ymx);
          Y[j] = ypx + ymx;
          Z[j] = 0;
          T[j] = 2 * s * (pts[off + T0 + j] as number);
        }
        Z[0] = 2;
        feCarry(X, X);
        feCarry(Y, Y);
        feCarry(T, T);
        continue;
      }
      madd(bk, pts, i * POINT, d < 0 ? -1 : 1);
    }
    // Σ_b b·bucket_b by running sums, top bucket first; empty buckets are skipped.
    let started = false;
    for (let b = B; b >= 1; b--) {
      if (filled[b] === 1) {
        if (started) addTo(run, buckets[b] as Pt);
        else {
          copyPt(run, buckets[b] as Pt);
          started = true;
        }
      }
      if (started) addTo(acc, run);
    }
  }
  if (buckets.length > KEEP_BUCKETS) buckets.length = KEEP_BUCKETS;
  const out = new EdPoint(
    feToBigint(acc.X),
    feToBigint(acc.Y),
    feToBigint(acc.Z),
    feToBigint(acc.T),
  );
  if (!out.is0()) out.assertValidity(); // noble refuses to "validate" the identity
  return out;
}

/**
 * Montgomery's batch inversion on limbs, for the points `idx` loaded into `pts` as `x = X`,
 * `y = Y`, `t = Z` (limbs in `[0, L)`): afterwards `x = X/Z`, `y = Y/Z`, `t = x·y` (limbs in
 * `[-1, L]`). One inversion and 6 multiplications per point; every operand is a loaded or
 * multiplied element (`≤ L`), so every product is `≤ L²`. `Z ≢ 0` for curve points.
 */
function normalise(pts: Float64Array, idx: readonly number[]): void {
  const m = idx.length;
  // prefix[j] = Z_0 ··· Z_j.
  const prefix = new Float64Array(m * FE_LIMBS);
  load(fa, pts, (idx[0] as number) * POINT + T0);
  store(prefix, 0, fa);
  for (let j = 1; j < m; j++) {
    load(fb, pts, (idx[j] as number) * POINT + T0);
    feMul(fa, fa, fb);
    store(prefix, j * FE_LIMBS, fa);
  }
  const inv = fc;
  feInvert(inv, fa); // 1 / (Z_0 ··· Z_{m-1})
  const zi = fd;
  for (let j = m - 1; j >= 0; j--) {
    const off = (idx[j] as number) * POINT;
    if (j > 0) {
      load(fa, prefix, (j - 1) * FE_LIMBS);
      feMul(zi, inv, fa); // 1 / Z_j
      load(fa, pts, off + T0);
      feMul(inv, inv, fa); // 1 / (Z_0 ··· Z_{j-1})
    } else zi.set(inv);
    load(fa, pts, off + X0);
    feMul(fa, fa, zi);
    store(pts, off + X0, fa);
    load(fb, pts, off + Y0);
    feMul(fb, fb, zi);
    store(pts, off + Y0, fb);
    feMul(fa, fa, fb);
    store(pts, off + T0, fa);
  }
}
