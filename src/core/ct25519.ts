/**
 * Constant-time variable-base scalar multiplication on edwards25519, on limbs held in float64
 * (JavaScript numbers), for the secret-scalar hot path of ristretto255: an NGO's masking and
 * hop kernels multiply up to millions of points by the same secret `k`. Noble's
 * `RistrettoPoint.multiply` does field arithmetic on bigints; the same ladder on limbs is several
 * times faster (docs/decisions.md "Constant-time limb multiplication (ristretto255)" gives the
 * figures and the reasoning).
 *
 * **Representation.** A field element (`Fe`) is a `Float64Array` of 12 signed integer limbs,
 * radix `2^22`: the value `Σ a_i·2^(22i)` (264 bits of room), congruent modulo `p = 2^255 - 19`
 * to the element. Every limb is an integer held exactly (`|a_i| < 2^53`). Bounds:
 * - a **reduced** element (what {@link feMul} and {@link feSqr} return) has limbs in `[-1, 2^22]`;
 *   one loaded from a bigint in `[0, 2^264)` has limbs in `[0, 2^22)`;
 * - additions and subtractions are limb-wise with no carry, so a sum or difference of `n`
 *   reduced elements has limbs `|a_i| ≤ n·2^22`;
 * - {@link feMul} takes operands with `max|a_i|·max|b_j| ≤ 2^48` (at most `12 = 3·4` times
 *   `2^44` in the formulas below), so each of its 23 product columns is a sum of at most 12
 *   products, `≤ 12·2^48 = 3·2^50 < 2^53`: exact in float64. It carries the high columns, folds them with
 *   `2^264 ≡ 19·2^9 (mod p)`, carries again, folds the last carry, and carries twice more; the
 *   generated code (scripts/gen-ct25519.ts) states each step's bound.
 *
 * **Points** are in extended coordinates `(X : Y : Z : T)`, `x = X/Z`, `y = Y/Z`, `X·Y = Z·T`,
 * with the complete `a = -1` formulas of Hisil–Wong–Carter–Dawson (2008): "dbl-2008-hwcd"
 * (4 squarings, 3 or 4 multiplications: `T` is computed only when an addition follows) and
 * "add-2008-hwcd-3" against a cached point `(Y+X, Y-X, 2d·T, 2Z)` (7 or 8 multiplications).
 * Both are valid for every pair of curve points (`d` is not a square), identity, doubling and
 * points with a torsion component included, so no input needs a special case.
 *
 * **Scalar.** `k ∈ [0, ℓ)` is recoded once ({@link recodeScalar}) into 64 signed radix-16 digits
 * `k = Σ e_i·16^i`, `e_i ∈ [-8, 7]` for `i < 63`, `e_63 ∈ [0, 2]` (`k < 2^253`); the digits can
 * be reused for any number of points. The multiplication builds the table `1P..8P` (cached
 * form), then for `i = 63..0`: four doublings (none for `i = 63`) and one addition of `e_i·P`.
 *
 * **Constant time by construction.** Nothing in the scalar multiplication branches on, indexes
 * by, or bounds a loop with a secret (digit or coordinate): the loop counts are fixed (7 table
 * operations, 252 doublings, 64 additions), `e_i·P` is found by reading all eight table entries
 * and the identity and summing them weighted by arithmetic masks (`Σ m_j·entry_j`, `m_j ∈ {0, 1}`
 * computed from the digit with integer operations), and its sign is applied by arithmetic (a blended swap of
 * `Y+X` and `Y-X` and a multiplication of `2d·T` by `±1`). The recoding uses only integer
 * operations on the 32 scalar bytes. The field arithmetic is float64 multiplication, addition,
 * subtraction and `Math.floor` on integers below `2^53`: no subnormal ever arises (every value
 * is an integer or zero), and on x86-64 (SSE2 `mulsd`/`addsd`/`subsd`, SSE4.1 `roundsd`, which V8
 * uses for `Math.floor`) their latency does not depend on the operand values. **Not claimed:**
 * JavaScript gives no timing guarantee; the JIT compiler (or an interpreter, or an engine
 * without `roundsd`) may compile this differently, and the conversions at the boundary (bigint
 * coordinates and scalar in, bigint coordinates out) are bigint operations, outside this
 * argument like all of noble's field arithmetic (docs/security.md "Not claimed (timing)").
 *
 * Tests (test/ct25519.test.ts): field operations against bigint arithmetic modulo `p`, at random
 * and at the extreme limb bounds; the recoding; the multiplication against noble's, on random,
 * edge and torsion inputs, as ristretto255 elements and as Edwards points.
 * @module
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { numberToBytesLE } from '@noble/curves/utils.js';
import { type ExtendedCoords, P } from './fe25519.js';
import { bytesToNumberLE } from './utils.js';

/** A field element: 12 integer limbs, radix `2^22`, in a `Float64Array` (module doc). */
export type Fe = Float64Array;

/** A ristretto255 element as noble builds it. */
export type RistrettoPoint = InstanceType<typeof ristretto255.Point>;

/** Limbs per field element. */
export const FE_LIMBS = 12;
const RADIX = 4194304; // 2^22
const INV_RADIX = 1 / RADIX; // exact: a power of two
/** `2^264 ≡ 19·2^9 (mod p)`. */
const FOLD = 9728;
/** The group order `ℓ = 2^252 + 27742317777372353535851937790883648493`. */
const ORDER = ed25519.Point.Fn.ORDER;
const D2 = (2n * ed25519.Point.CURVE().d) % P;

/** A zero field element. */
export function feNew(): Fe {
  return new Float64Array(FE_LIMBS);
}

/**
 * Loads `0 <= x < 2^264` into `o` (limbs in `[0, 2^22)`), six 44-bit chunks at a time.
 * Bigint operations: outside the constant-time argument (module doc).
 */
export function feFromBigint(o: Fe, x: bigint): void {
  if (x >> 264n !== 0n) throw new RangeError('feFromBigint: expected 0 <= x < 2^264');
  for (let i = 0; i < 6; i++) {
    const n = Number(BigInt.asUintN(44, x)); // < 2^44: exact
    x >>= 44n;
    const hi = Math.floor(n * INV_RADIX);
    o[2 * i] = n - hi * RADIX;
    o[2 * i + 1] = hi;
  }
}

/**
 * The canonical value in `[0, p)` of `a`, for limbs `|a_i| < 2^30` (any sum or difference of a
 * few reduced elements): pairs of limbs combine exactly into numbers `< 2^53`.
 */
export function feToBigint(a: Fe): bigint {
  let v = 0n;
  for (let i = 5; i >= 0; i--) {
    v = (v << 44n) + BigInt((a[2 * i] as number) + (a[2 * i + 1] as number) * RADIX);
  }
  v %= P;
  return v < 0n ? v + P : v;
}

/** `o = a + b`, limb-wise, no carry (o may alias a or b). */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < FE_LIMBS; i++) o[i] = (a[i] as number) + (b[i] as number);
}

/** `o = a - b`, limb-wise, no carry (o may alias a or b). */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < FE_LIMBS; i++) o[i] = (a[i] as number) - (b[i] as number);
}

/**
 * `o = a mod p` with limbs in `[-1, 2^22]` (o may alias a), for limbs `|a_i| < 2^52`: one carry
 * pass, the carry out of the top limb folded into limb 0 (`2^264 ≡ FOLD`), and two more carries
 * (the last steps of {@link feMul}'s reduction, on their own; not used by the multiplication).
 */
export function feCarry(o: Fe, a: Fe): void {
  let h = 0;
  for (let i = 0; i < FE_LIMBS; i++) {
    const c = (a[i] as number) + h;
    h = Math.floor(c * INV_RADIX);
    o[i] = c - h * RADIX;
  }
  let c = (o[0] as number) + FOLD * h;
  h = Math.floor(c * INV_RADIX);
  o[0] = c - h * RADIX;
  c = (o[1] as number) + h;
  h = Math.floor(c * INV_RADIX);
  o[1] = c - h * RADIX;
  o[2] = (o[2] as number) + h;
}

// <generated by scripts/gen-ct25519.ts>
/**
 * `o = a·b mod p` (o may alias a or b). Operands: `max|a_i|·max|b_j| ≤ 2^48`, so every column
 * `Σ a_i·b_j` is at most `12·2^48 = 3·2^50 < 2^53` in magnitude: exact. Result: limbs in
 * `[-1, 2^22]`.
 */
// biome-ignore format: generated straight-line code (scripts/gen-ct25519.ts)
export function feMul(o: Fe, a: Fe, b: Fe): void {
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const b0 = b[0] as number;
  const b1 = b[1] as number;
  const b2 = b[2] as number;
  const b3 = b[3] as number;
  const b4 = b[4] as number;
  const b5 = b[5] as number;
  const b6 = b[6] as number;
  const b7 = b[7] as number;
  const b8 = b[8] as number;
  const b9 = b[9] as number;
  const b10 = b[10] as number;
  const b11 = b[11] as number;
  let c0 = a0 * b0;
  let c1 = a0 * b1 + a1 * b0;
  let c2 = a0 * b2 + a1 * b1 + a2 * b0;
  let c3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let c4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let c5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let c6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let c7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let c8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let c9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  let c10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  let c11 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0;
  let c12 = a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1;
  let c13 = a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2;
  let c14 = a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3;
  let c15 = a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4;
  let c16 = a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5;
  let c17 = a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6;
  let c18 = a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7;
  let c19 = a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8;
  let c20 = a9 * b11 + a10 * b10 + a11 * b9;
  let c21 = a10 * b11 + a11 * b10;
  let c22 = a11 * b11;
  let h: number;
  let c23 = 0;
  // Carry the high columns (2^264 and above): c12..c22 end in [0, 2^22); every carry, and
  // c23, is below (3·2^50 + 2^30) / 2^22 < 2^29.6 in magnitude.
  h = Math.floor(c12 * INV_RADIX);
  c12 -= h * RADIX;
  c13 += h;
  h = Math.floor(c13 * INV_RADIX);
  c13 -= h * RADIX;
  c14 += h;
  h = Math.floor(c14 * INV_RADIX);
  c14 -= h * RADIX;
  c15 += h;
  h = Math.floor(c15 * INV_RADIX);
  c15 -= h * RADIX;
  c16 += h;
  h = Math.floor(c16 * INV_RADIX);
  c16 -= h * RADIX;
  c17 += h;
  h = Math.floor(c17 * INV_RADIX);
  c17 -= h * RADIX;
  c18 += h;
  h = Math.floor(c18 * INV_RADIX);
  c18 -= h * RADIX;
  c19 += h;
  h = Math.floor(c19 * INV_RADIX);
  c19 -= h * RADIX;
  c20 += h;
  h = Math.floor(c20 * INV_RADIX);
  c20 -= h * RADIX;
  c21 += h;
  h = Math.floor(c21 * INV_RADIX);
  c21 -= h * RADIX;
  c22 += h;
  h = Math.floor(c22 * INV_RADIX);
  c22 -= h * RADIX;
  c23 += h;
  // Fold them: 2^264 ≡ 19·2^9 = FOLD (mod p); FOLD·c23 < 2^42.9: |c0..c11| < 3·2^50 + 2^43.
  c0 += FOLD * c12;
  c1 += FOLD * c13;
  c2 += FOLD * c14;
  c3 += FOLD * c15;
  c4 += FOLD * c16;
  c5 += FOLD * c17;
  c6 += FOLD * c18;
  c7 += FOLD * c19;
  c8 += FOLD * c20;
  c9 += FOLD * c21;
  c10 += FOLD * c22;
  c11 += FOLD * c23;
  // Carry the low columns (carries < 2^29.6); the carry out of c11 (2^264 and above) folds
  // into c0 (then |c0| < 2^42.9); carrying c0 leaves c1 in (-2^21, 2^22 + 2^21), and
  // carrying c1 adds -1, 0 or 1 to c2: every limb ends in [-1, 2^22].
  h = Math.floor(c0 * INV_RADIX);
  c0 -= h * RADIX;
  c1 += h;
  h = Math.floor(c1 * INV_RADIX);
  c1 -= h * RADIX;
  c2 += h;
  h = Math.floor(c2 * INV_RADIX);
  c2 -= h * RADIX;
  c3 += h;
  h = Math.floor(c3 * INV_RADIX);
  c3 -= h * RADIX;
  c4 += h;
  h = Math.floor(c4 * INV_RADIX);
  c4 -= h * RADIX;
  c5 += h;
  h = Math.floor(c5 * INV_RADIX);
  c5 -= h * RADIX;
  c6 += h;
  h = Math.floor(c6 * INV_RADIX);
  c6 -= h * RADIX;
  c7 += h;
  h = Math.floor(c7 * INV_RADIX);
  c7 -= h * RADIX;
  c8 += h;
  h = Math.floor(c8 * INV_RADIX);
  c8 -= h * RADIX;
  c9 += h;
  h = Math.floor(c9 * INV_RADIX);
  c9 -= h * RADIX;
  c10 += h;
  h = Math.floor(c10 * INV_RADIX);
  c10 -= h * RADIX;
  c11 += h;
  h = Math.floor(c11 * INV_RADIX);
  c11 -= h * RADIX;
  c0 += FOLD * h;
  h = Math.floor(c0 * INV_RADIX);
  c0 -= h * RADIX;
  c1 += h;
  h = Math.floor(c1 * INV_RADIX);
  c1 -= h * RADIX;
  c2 += h;
  o[0] = c0;
  o[1] = c1;
  o[2] = c2;
  o[3] = c3;
  o[4] = c4;
  o[5] = c5;
  o[6] = c6;
  o[7] = c7;
  o[8] = c8;
  o[9] = c9;
  o[10] = c10;
  o[11] = c11;
}

/**
 * `o = a² mod p` (o may alias a): 78 products instead of 144. Operand: `max|a_i| ≤ 2^24`.
 * Result: limbs in `[-1, 2^22]`.
 */
// biome-ignore format: generated straight-line code (scripts/gen-ct25519.ts)
export function feSqr(o: Fe, a: Fe): void {
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const d0 = 2 * a0;
  const d1 = 2 * a1;
  const d2 = 2 * a2;
  const d3 = 2 * a3;
  const d4 = 2 * a4;
  const d5 = 2 * a5;
  const d6 = 2 * a6;
  const d7 = 2 * a7;
  const d8 = 2 * a8;
  const d9 = 2 * a9;
  const d10 = 2 * a10;
  let c0 = a0 * a0;
  let c1 = d0 * a1;
  let c2 = d0 * a2 + a1 * a1;
  let c3 = d0 * a3 + d1 * a2;
  let c4 = d0 * a4 + d1 * a3 + a2 * a2;
  let c5 = d0 * a5 + d1 * a4 + d2 * a3;
  let c6 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3;
  let c7 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4;
  let c8 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4;
  let c9 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5;
  let c10 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5;
  let c11 = d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6;
  let c12 = d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6;
  let c13 = d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7;
  let c14 = d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
  let c15 = d4 * a11 + d5 * a10 + d6 * a9 + d7 * a8;
  let c16 = d5 * a11 + d6 * a10 + d7 * a9 + a8 * a8;
  let c17 = d6 * a11 + d7 * a10 + d8 * a9;
  let c18 = d7 * a11 + d8 * a10 + a9 * a9;
  let c19 = d8 * a11 + d9 * a10;
  let c20 = d9 * a11 + a10 * a10;
  let c21 = d10 * a11;
  let c22 = a11 * a11;
  let h: number;
  let c23 = 0;
  // Carry the high columns (2^264 and above): c12..c22 end in [0, 2^22); every carry, and
  // c23, is below (3·2^50 + 2^30) / 2^22 < 2^29.6 in magnitude.
  h = Math.floor(c12 * INV_RADIX);
  c12 -= h * RADIX;
  c13 += h;
  h = Math.floor(c13 * INV_RADIX);
  c13 -= h * RADIX;
  c14 += h;
  h = Math.floor(c14 * INV_RADIX);
  c14 -= h * RADIX;
  c15 += h;
  h = Math.floor(c15 * INV_RADIX);
  c15 -= h * RADIX;
  c16 += h;
  h = Math.floor(c16 * INV_RADIX);
  c16 -= h * RADIX;
  c17 += h;
  h = Math.floor(c17 * INV_RADIX);
  c17 -= h * RADIX;
  c18 += h;
  h = Math.floor(c18 * INV_RADIX);
  c18 -= h * RADIX;
  c19 += h;
  h = Math.floor(c19 * INV_RADIX);
  c19 -= h * RADIX;
  c20 += h;
  h = Math.floor(c20 * INV_RADIX);
  c20 -= h * RADIX;
  c21 += h;
  h = Math.floor(c21 * INV_RADIX);
  c21 -= h * RADIX;
  c22 += h;
  h = Math.floor(c22 * INV_RADIX);
  c22 -= h * RADIX;
  c23 += h;
  // Fold them: 2^264 ≡ 19·2^9 = FOLD (mod p); FOLD·c23 < 2^42.9: |c0..c11| < 3·2^50 + 2^43.
  c0 += FOLD * c12;
  c1 += FOLD * c13;
  c2 += FOLD * c14;
  c3 += FOLD * c15;
  c4 += FOLD * c16;
  c5 += FOLD * c17;
  c6 += FOLD * c18;
  c7 += FOLD * c19;
  c8 += FOLD * c20;
  c9 += FOLD * c21;
  c10 += FOLD * c22;
  c11 += FOLD * c23;
  // Carry the low columns (carries < 2^29.6); the carry out of c11 (2^264 and above) folds
  // into c0 (then |c0| < 2^42.9); carrying c0 leaves c1 in (-2^21, 2^22 + 2^21), and
  // carrying c1 adds -1, 0 or 1 to c2: every limb ends in [-1, 2^22].
  h = Math.floor(c0 * INV_RADIX);
  c0 -= h * RADIX;
  c1 += h;
  h = Math.floor(c1 * INV_RADIX);
  c1 -= h * RADIX;
  c2 += h;
  h = Math.floor(c2 * INV_RADIX);
  c2 -= h * RADIX;
  c3 += h;
  h = Math.floor(c3 * INV_RADIX);
  c3 -= h * RADIX;
  c4 += h;
  h = Math.floor(c4 * INV_RADIX);
  c4 -= h * RADIX;
  c5 += h;
  h = Math.floor(c5 * INV_RADIX);
  c5 -= h * RADIX;
  c6 += h;
  h = Math.floor(c6 * INV_RADIX);
  c6 -= h * RADIX;
  c7 += h;
  h = Math.floor(c7 * INV_RADIX);
  c7 -= h * RADIX;
  c8 += h;
  h = Math.floor(c8 * INV_RADIX);
  c8 -= h * RADIX;
  c9 += h;
  h = Math.floor(c9 * INV_RADIX);
  c9 -= h * RADIX;
  c10 += h;
  h = Math.floor(c10 * INV_RADIX);
  c10 -= h * RADIX;
  c11 += h;
  h = Math.floor(c11 * INV_RADIX);
  c11 -= h * RADIX;
  c0 += FOLD * h;
  h = Math.floor(c0 * INV_RADIX);
  c0 -= h * RADIX;
  c1 += h;
  h = Math.floor(c1 * INV_RADIX);
  c1 -= h * RADIX;
  c2 += h;
  o[0] = c0;
  o[1] = c1;
  o[2] = c2;
  o[3] = c3;
  o[4] = c4;
  o[5] = c5;
  o[6] = c6;
  o[7] = c7;
  o[8] = c8;
  o[9] = c9;
  o[10] = c10;
  o[11] = c11;
}
// </generated>

/** A point in extended coordinates on limbs. */
/** A point in extended coordinates `(X : Y : Z : T)` on limbs (reduced: limbs in `[-1, 2^22]`). */
export interface Pt {
  readonly X: Fe;
  readonly Y: Fe;
  readonly Z: Fe;
  readonly T: Fe;
}

const newPt = (): Pt => ({ X: feNew(), Y: feNew(), Z: feNew(), T: feNew() });

/** Width of a cached point `(Y+X, Y-X, 2d·T, 2Z)` in a flat array: four elements. */
const CACHED = 4 * FE_LIMBS;
const YPX = 0;
const YMX = FE_LIMBS;
const T2D = 2 * FE_LIMBS;
const Z2 = 3 * FE_LIMBS;

// Scratch space, reused by every call (a call runs to completion: no re-entrance).
const fa = feNew();
const fb = feNew();
const fc = feNew();
const fd = feNew();
const fe = feNew();
const ff = feNew();
const fg = feNew();
const fh = feNew();
const d2 = feNew();
feFromBigint(d2, D2);
/** The selected cached point, a flat `(Y+X, Y-X, 2d·T, 2Z)`, and views of its four elements. */
const sel = new Float64Array(CACHED);
const selYpx = sel.subarray(YPX, YPX + FE_LIMBS);
const selYmx = sel.subarray(YMX, YMX + FE_LIMBS);
const selT2d = sel.subarray(T2D, T2D + FE_LIMBS);
const selZ2 = sel.subarray(Z2, Z2 + FE_LIMBS);
/** The identity `(0 : 1 : 1 : 0)` in cached form `(1, 1, 0, 2)`. */
const IDENTITY = new Float64Array(CACHED);
IDENTITY[YPX] = 1;
IDENTITY[YMX] = 1;
IDENTITY[Z2] = 2;
/** The table `1P..8P`, cached form, entry `j` at `(j - 1)·CACHED`. */
const table = new Float64Array(8 * CACHED);
/** Views of the `2d·T` element of each table entry (index `j - 1`), and of entry 1. */
const tableT2d = Array.from({ length: 8 }, (_, j) =>
  table.subarray(j * CACHED + T2D, j * CACHED + T2D + FE_LIMBS),
);
const oneYpx = table.subarray(YPX, YPX + FE_LIMBS);
const oneYmx = table.subarray(YMX, YMX + FE_LIMBS);
const oneT2d = table.subarray(T2D, T2D + FE_LIMBS);
const oneZ2 = table.subarray(Z2, Z2 + FE_LIMBS);
/** `1P..8P` in extended coordinates, while the table is built. */
const multiples: readonly Pt[] = Array.from({ length: 8 }, newPt);
const acc = newPt();

/**
 * `o = 2·p` (o may alias p), dbl-2008-hwcd with `a = -1`: `A = X², B = Y², C = 2Z²,
 * E = (X+Y)² - A - B, G = B - A, F = G - C, H = -A - B`, `(E·F : G·H : F·G : E·H)`.
 * Operand bounds (reduced inputs, `L = 2^22`): `|X+Y| ≤ 2L`; `|E| ≤ 3L`, `|F| ≤ 4L`,
 * `|G|, |H| ≤ 2L`, so the largest product bound is `E·F`: `12·L² = 12·2^44 ≤ 2^48`.
 * `T` is computed only if `withT` (a public flag: an addition follows).
 */
export function edDouble(o: Pt, p: Pt, withT: boolean): void {
  feSqr(fa, p.X);
  feSqr(fb, p.Y);
  feSqr(fc, p.Z);
  feAdd(fe, p.X, p.Y);
  feSqr(fe, fe);
  for (let i = 0; i < FE_LIMBS; i++) {
    const a = fa[i] as number;
    const b = fb[i] as number;
    const g = b - a;
    fe[i] = (fe[i] as number) - a - b;
    fg[i] = g;
    ff[i] = g - 2 * (fc[i] as number);
    fh[i] = -a - b;
  }
  feMul(o.X, fe, ff);
  feMul(o.Y, fg, fh);
  feMul(o.Z, ff, fg);
  if (withT) feMul(o.T, fe, fh);
}

/**
 * `o = p + q` (o may alias p) for the cached `q = (Y2+X2, Y2-X2, 2d·T2, 2Z2)` at `q[off..]`,
 * add-2008-hwcd-3: `A = (Y1-X1)·(Y2-X2), B = (Y1+X1)·(Y2+X2), C = T1·2d·T2, D = Z1·2Z2,
 * E = B - A, F = D - C, G = D + C, H = B + A`, `(E·F : G·H : F·G : E·H)`. Operand bounds: the
 * cached elements `≤ 2L`, `Y1 ± X1 ≤ 2L`, so `A..D` take products `≤ 4L²` and `E..H ≤ 2L`.
 */
function add(o: Pt, p: Pt, ypx: Fe, ymx: Fe, t2d: Fe, z2: Fe, withT: boolean): void {
  for (let i = 0; i < FE_LIMBS; i++) {
    const x = p.X[i] as number;
    const y = p.Y[i] as number;
    fa[i] = y - x;
    fb[i] = y + x;
  }
  feMul(fa, fa, ymx);
  feMul(fb, fb, ypx);
  feMul(fc, p.T, t2d);
  feMul(fd, p.Z, z2);
  for (let i = 0; i < FE_LIMBS; i++) {
    const a = fa[i] as number;
    const b = fb[i] as number;
    const c = fc[i] as number;
    const d = fd[i] as number;
    fe[i] = b - a;
    ff[i] = d - c;
    fg[i] = d + c;
    fh[i] = b + a;
  }
  feMul(o.X, fe, ff);
  feMul(o.Y, fg, fh);
  feMul(o.Z, ff, fg);
  if (withT) feMul(o.T, fe, fh);
}

/** Writes the cached form `(Y+X, Y-X, 2d·T, 2Z)` of `p` into table entry `j` (1..8). */
function cache(j: number, p: Pt): void {
  const off = (j - 1) * CACHED;
  feMul(tableT2d[j - 1] as Fe, p.T, d2);
  for (let i = 0; i < FE_LIMBS; i++) {
    const x = p.X[i] as number;
    const y = p.Y[i] as number;
    table[off + YPX + i] = y + x;
    table[off + YMX + i] = y - x;
    table[off + Z2 + i] = 2 * (p.Z[i] as number);
  }
}

/**
 * `sel = e·P` (cached form) for a digit `e ∈ [-8, 8]`, in constant time: every limb is
 * `Σ_j m_j·entry_j` over the identity (`j = 0`) and all eight entries, with the masks
 * `m_j = [|e| = j] ∈ {0, 1}` computed with integer operations (exactly one is 1; the sum is
 * exact: limbs are integers below 2^24); then the sign is applied by blending: `-(X, Y, Z, T) =
 * (-X, Y, Z, -T)` swaps `Y+X` and `Y-X` and negates `2d·T`.
 */
function select(e: number): void {
  const s = e >> 31; // -1 if e < 0, else 0
  const abs = (e ^ s) - s;
  const neg = -s; // 1 if e < 0, else 0
  // m_j = 1 iff abs = j: abs ^ j ∈ [0, 15], and (x - 1) >>> 31 is 1 for x = 0, else 0.
  const m0 = (abs - 1) >>> 31;
  const m1 = ((abs ^ 1) - 1) >>> 31;
  const m2 = ((abs ^ 2) - 1) >>> 31;
  const m3 = ((abs ^ 3) - 1) >>> 31;
  const m4 = ((abs ^ 4) - 1) >>> 31;
  const m5 = ((abs ^ 5) - 1) >>> 31;
  const m6 = ((abs ^ 6) - 1) >>> 31;
  const m7 = ((abs ^ 7) - 1) >>> 31;
  const m8 = ((abs ^ 8) - 1) >>> 31;
  for (let i = 0; i < CACHED; i++) {
    sel[i] =
      m0 * (IDENTITY[i] as number) +
      m1 * (table[i] as number) +
      m2 * (table[CACHED + i] as number) +
      m3 * (table[2 * CACHED + i] as number) +
      m4 * (table[3 * CACHED + i] as number) +
      m5 * (table[4 * CACHED + i] as number) +
      m6 * (table[5 * CACHED + i] as number) +
      m7 * (table[6 * CACHED + i] as number) +
      m8 * (table[7 * CACHED + i] as number);
  }
  const sign = 1 - 2 * neg;
  for (let i = 0; i < FE_LIMBS; i++) {
    const ypx = sel[YPX + i] as number;
    const ymx = sel[YMX + i] as number;
    const delta = neg * (ymx - ypx);
    sel[YPX + i] = ypx + delta;
    sel[YMX + i] = ymx - delta;
    sel[T2D + i] = sign * (sel[T2D + i] as number);
  }
}

/**
 * A scalar `k ∈ [0, ℓ)` recoded for {@link mulEdwardsCt}: 64 signed radix-16 digits. Build it
 * once per scalar with {@link recodeScalar} and reuse it for every point.
 */
export class ScalarDigits {
  /**
   * `k = Σ digits[i]·16^i`, least significant first; `digits[i] ∈ [-8, 7]` for `i < 63`,
   * `digits[63] ∈ [0, 2]`. Secret: do not branch on it.
   */
  readonly digits: Int8Array;
  private constructor(digits: Int8Array) {
    this.digits = digits;
  }

  /** See {@link recodeScalar}. */
  static from(k: bigint | Uint8Array): ScalarDigits {
    let bytes: Uint8Array;
    if (typeof k === 'bigint') {
      if (k < 0n || k >= ORDER) throw new RangeError('recodeScalar: expected 0 <= k < ℓ');
      bytes = numberToBytesLE(k, 32);
    } else {
      if (!(k instanceof Uint8Array) || k.length !== 32) {
        throw new RangeError('recodeScalar: expected 32 bytes');
      }
      if (bytesToNumberLE(k) >= ORDER) throw new RangeError('recodeScalar: expected k < ℓ');
      bytes = k;
    }
    const e = new Int8Array(64);
    for (let i = 0; i < 32; i++) {
      const b = bytes[i] as number;
      e[2 * i] = b & 15;
      e[2 * i + 1] = b >> 4;
    }
    // Signed digits: carry (e_i + 8) >> 4 (0 or 1) into e_{i+1}. Integer operations only.
    let carry = 0;
    for (let i = 0; i < 63; i++) {
      const v = (e[i] as number) + carry;
      carry = (v + 8) >> 4;
      e[i] = v - (carry << 4);
    }
    e[63] = (e[63] as number) + carry; // k < 2^253: the top nibble is at most 1
    return new ScalarDigits(e);
  }
}

/**
 * Recodes the scalar `k ∈ [0, ℓ)` — a bigint, or its 32-byte little-endian encoding — into the
 * signed digits {@link mulEdwardsCt} takes; `RangeError` if `k` is out of range. The range check
 * and the bigint-to-bytes conversion are bigint operations (once per scalar); the recoding
 * itself uses integer operations with no secret-dependent branch.
 */
export function recodeScalar(k: bigint | Uint8Array): ScalarDigits {
  return ScalarDigits.from(k);
}

/**
 * `k·P` on edwards25519 in constant time (module doc), for `P` in extended coordinates with
 * coordinates in `[0, 2^264)` and `X·Y = Z·T` (as noble's points hold them; any `Z ≠ 0`).
 * Returns projective extended coordinates, canonical (`[0, p)`), not normalised: `k = 0` gives
 * an identity `(0 : c : c : 0)`. The result is the Edwards point `k·P` exactly (also for `P`
 * with a torsion component, `k` taken as an integer).
 */
export function mulEdwardsCt(point: ExtendedCoords, k: ScalarDigits): ExtendedCoords {
  if (!(k instanceof ScalarDigits)) throw new TypeError('mulEdwardsCt: expected ScalarDigits');
  const digits = k.digits;
  const [p1, p2, p3, p4, p5, p6, p7, p8] = multiples as [Pt, Pt, Pt, Pt, Pt, Pt, Pt, Pt];
  feFromBigint(p1.X, point.X);
  feFromBigint(p1.Y, point.Y);
  feFromBigint(p1.Z, point.Z);
  feFromBigint(p1.T, point.T);
  // 1P..8P: three additions of P, four doublings.
  cache(1, p1);
  edDouble(p2, p1, true);
  cache(2, p2);
  add(p3, p2, oneYpx, oneYmx, oneT2d, oneZ2, true);
  cache(3, p3);
  edDouble(p4, p2, true);
  cache(4, p4);
  add(p5, p4, oneYpx, oneYmx, oneT2d, oneZ2, true);
  cache(5, p5);
  edDouble(p6, p3, true);
  cache(6, p6);
  add(p7, p6, oneYpx, oneYmx, oneT2d, oneZ2, true);
  cache(7, p7);
  edDouble(p8, p4, true);
  cache(8, p8);

  // acc = identity (0 : 1 : 1 : 0), then acc = 16·acc + e_i·P for i = 63..0.
  acc.X.fill(0);
  acc.Y.fill(0);
  acc.Z.fill(0);
  acc.T.fill(0);
  acc.Y[0] = 1;
  acc.Z[0] = 1;
  for (let i = 63; i >= 0; i--) {
    if (i < 63) {
      edDouble(acc, acc, false);
      edDouble(acc, acc, false);
      edDouble(acc, acc, false);
      edDouble(acc, acc, true);
    }
    select(digits[i] as number);
    add(acc, acc, selYpx, selYmx, selT2d, selZ2, i === 0);
  }
  return { X: feToBigint(acc.X), Y: feToBigint(acc.Y), Z: feToBigint(acc.Z), T: feToBigint(acc.T) };
}

/** The Edwards representative of a ristretto255 element (noble keeps it in the protected `ep`). */
function edwards(point: RistrettoPoint): ExtendedCoords {
  return (point as unknown as { ep: ExtendedCoords }).ep;
}

/**
 * `k·P` for a ristretto255 element `P`, in constant time ({@link mulEdwardsCt} on its Edwards
 * representative): the same element as noble's `P.multiply(k)` (which rejects `k = 0`; here
 * `k = 0` gives the identity), with a projective (not normalised) representative.
 */
export function mulRistrettoCt(point: RistrettoPoint, k: ScalarDigits): RistrettoPoint {
  const r = mulEdwardsCt(edwards(point), k);
  return new ristretto255.Point(new ed25519.Point(r.X, r.Y, r.Z, r.T));
}

// ---------------------------------------------------------------------------------------------
// Field helpers for the ristretto255 codec and hash-to-group on limbs (src/core/ristretto-limbs.ts):
// canonical form and bytes, sign, zero test, equality, constant-time selection and negation,
// x^((p-5)/8) and inversion. Same representation and bounds as above; every helper is constant
// time by the same argument (fixed loop counts, float64 arithmetic on integers below 2^53,
// `Math.floor`, and 32-bit integer operations on limbs below 2^22; no branch or index on a value).
// ---------------------------------------------------------------------------------------------

/** `2^13`: limb 11 holds bits 242..263, so bit 255 is its bit 13. */
const TOP = 8192;
const INV_TOP = 1 / TOP;
const LIMB_MASK = RADIX - 1;

/**
 * One pass for {@link feCanon}: carry limbs 0..10 into their successors (limbs 0..10 end in
 * `[0, 2^22)`, limb 11 becomes `⌊V / 2^242⌋` of the value `V`), then fold the bits of limb 11
 * from 13 up (`2^255 ≡ 19`): limb 11 ends in `[0, 2^13)` and limb 0 gains `19·⌊V / 2^255⌋`.
 */
function carryFold(t: Fe): void {
  let h = 0;
  for (let i = 0; i < FE_LIMBS - 1; i++) {
    const c = (t[i] as number) + h;
    h = Math.floor(c * INV_RADIX);
    t[i] = c - h * RADIX;
  }
  const c = (t[11] as number) + h;
  h = Math.floor(c * INV_TOP);
  t[11] = c - h * TOP;
  t[0] = (t[0] as number) + 19 * h;
}

/**
 * `o = a` in canonical form (o may alias a): limbs in `[0, 2^22)`, value in `[0, p)`; for limbs
 * `|a_i| < 2^52` (what {@link feCarry} accepts). Constant time, three carry passes:
 * 1. {@link feCarry}: limbs in `[-1, 2^22]`, so the value is `V0 ∈ (-2^243, 2^264 + 2^243)`;
 * 2. {@link carryFold}: `h = ⌊V0 / 2^255⌋ ∈ [-1, 2^9]` and `V1 = V0 - h·2^255 + 19·h`. If
 *    `h = -1`, `V1 = V0 + p ∈ (p - 2^243, p)`; otherwise `V1 = (V0 mod 2^255) + 19·h`. So
 *    `V1 ∈ [0, 2^255 + 19·2^9)`, limbs 1..11 normalised, limb 0 in `[0, 2^22 + 19·2^9)`;
 * 3. a carry chain on a copy gives `m = ⌊(V1 + 19) / 2^255⌋ ∈ {0, 1}` (`m = 1` iff `V1 ≥ p`),
 *    and a last carry pass adds `19·m`, normalises every limb and removes `2^255·m`: the value
 *    `V1 - p·m ∈ [0, p)`.
 */
export function feCanon(o: Fe, a: Fe): void {
  feCarry(o, a);
  carryFold(o);
  let h = Math.floor(((o[0] as number) + 19) * INV_RADIX);
  for (let i = 1; i < FE_LIMBS - 1; i++) h = Math.floor(((o[i] as number) + h) * INV_RADIX);
  const m = Math.floor(((o[11] as number) + h) * INV_TOP);
  o[0] = (o[0] as number) + 19 * m;
  h = 0;
  for (let i = 0; i < FE_LIMBS - 1; i++) {
    const c = (o[i] as number) + h;
    h = Math.floor(c * INV_RADIX);
    o[i] = c - h * RADIX;
  }
  o[11] = (o[11] as number) + h - m * TOP;
}

const canonScratch = feNew();

/**
 * The 32-byte little-endian encoding of the canonical value of `a` (limbs `|a_i| < 2^52`),
 * written to `out` at `offset` (RFC 9496 / RFC 8032 field encoding). Constant time.
 */
export function feToBytes(out: Uint8Array, a: Fe, offset = 0): void {
  const t = canonScratch;
  feCanon(t, a);
  let acc = 0;
  let bits = 0;
  let j = offset;
  const end = offset + 32;
  for (let i = 0; i < FE_LIMBS; i++) {
    acc |= (t[i] as number) << bits; // < 2^(22 + 7): an int32
    bits += 22;
    while (bits >= 8 && j < end) {
      out[j++] = acc & 255;
      acc >>>= 8;
      bits -= 8;
    }
  }
}

/**
 * Loads 32 little-endian bytes `bytes[offset..offset+32)` into `o` with bit 255 masked: the value
 * `s mod 2^255` in `[0, 2^255)`, limbs in `[0, 2^22)`, not reduced modulo `p` (every operation
 * here works modulo `p`). Constant time (integer operations). Callers that must reject
 * non-canonical encodings (RFC 9496 Decode: `s ≥ p` or bit 255 set) compare the input with
 * {@link feToBytes} of the result; RFC 9496 MAP (hash-to-group) masks bit 255 and reduces, as here.
 */
export function feFromBytes(o: Fe, bytes: Uint8Array, offset = 0): void {
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let j = 0; j < 32; j++) {
    const b = (bytes[offset + j] as number) & (j === 31 ? 0x7f : 0xff);
    acc |= b << bits; // bits < 22: below 2^30
    bits += 8;
    if (bits >= 22) {
      o[k++] = acc & LIMB_MASK;
      acc >>>= 22;
      bits -= 22;
    }
  }
  o[11] = acc; // bits 242..254
}

/** RFC 9496 `IS_NEGATIVE`: 1 if the canonical value of `a` is odd, else 0. Constant time. */
export function feIsNegative(a: Fe): number {
  feCanon(canonScratch, a);
  return (canonScratch[0] as number) & 1;
}

/** 1 if `a ≡ 0 (mod p)`, else 0 (limbs `|a_i| < 2^52`). Constant time. */
export function feIsZero(a: Fe): number {
  const t = canonScratch;
  feCanon(t, a);
  let acc = 0;
  for (let i = 0; i < FE_LIMBS; i++) acc |= t[i] as number;
  return (acc - 1) >>> 31; // acc ∈ [0, 2^22): 1 iff acc = 0
}

const eqScratch = feNew();

/** RFC 9496 `CT_EQ`: 1 if `a ≡ b (mod p)`, else 0 (limbs `|a_i|, |b_i| < 2^51`). Constant time. */
export function feEq(a: Fe, b: Fe): number {
  feSub(eqScratch, a, b);
  return feIsZero(eqScratch);
}

/**
 * RFC 9496 `CT_SELECT`: `o = m ? b : a` for `m ∈ {0, 1}` (o may alias a or b), limb-wise
 * `a_i + m·(b_i - a_i)`: exact, no branch.
 */
export function feCmov(o: Fe, a: Fe, b: Fe, m: number): void {
  for (let i = 0; i < FE_LIMBS; i++) {
    const x = a[i] as number;
    o[i] = x + m * ((b[i] as number) - x);
  }
}

/** `o = m ? -a : a` for `m ∈ {0, 1}` (o may alias a): limbs times `1 - 2m`. No branch. */
export function feCneg(o: Fe, a: Fe, m: number): void {
  const sign = 1 - 2 * m;
  for (let i = 0; i < FE_LIMBS; i++) o[i] = sign * (a[i] as number);
}

/**
 * RFC 9496 `CT_ABS`: `o = -a` if `a` is negative, else `a` (o may alias a); the limbs are those
 * of `a` or their negations (not canonical). Constant time.
 */
export function feAbs(o: Fe, a: Fe): void {
  feCneg(o, a, feIsNegative(a));
}

/** `o = a^(2^n)` by `n` squarings (o may alias a), `n` public. */
export function feSqrN(o: Fe, a: Fe, n: number): void {
  feSqr(o, a);
  for (let i = 1; i < n; i++) feSqr(o, o);
}

const pw2 = feNew();
const pw3 = feNew();
const pw15 = feNew();
const pw10 = feNew();
const pw80 = feNew();
const pwT = feNew();

/**
 * `pwT = x^(2^250 - 1)`, `pw3 = x^3`, `pw2 = x^2`: the common part of {@link fePow58} and
 * {@link feInvert}, the addition chain of fe25519.ts `pow58` (RFC 8032 §5.1.3): 249 squarings,
 * 10 multiplications.
 */
function pow250(x: Fe): void {
  feSqr(pw2, x); // x^2
  feMul(pw3, pw2, x); // x^3
  feSqrN(pw15, pw3, 2);
  feMul(pw15, pw15, pw3); // x^(2^4 - 1)
  feSqr(pwT, pw15);
  feMul(pwT, pwT, x); // x^(2^5 - 1)
  feSqrN(pw10, pwT, 5);
  feMul(pw10, pw10, pwT); // x^(2^10 - 1)
  feSqrN(pwT, pw10, 10);
  feMul(pwT, pwT, pw10); // 2^20 - 1
  feSqrN(pw80, pwT, 20);
  feMul(pw80, pw80, pwT); // 2^40 - 1
  feSqrN(pwT, pw80, 40);
  feMul(pw80, pwT, pw80); // 2^80 - 1
  feSqrN(pwT, pw80, 80);
  feMul(pwT, pwT, pw80); // 2^160 - 1
  feSqrN(pwT, pwT, 80);
  feMul(pwT, pwT, pw80); // 2^240 - 1
  feSqrN(pwT, pwT, 10);
  feMul(pwT, pwT, pw10); // 2^250 - 1
}

/**
 * `o = x^((p-5)/8) = x^(2^252 - 3)` (o may alias x): 251 squarings and 11 multiplications.
 * Constant time (a fixed chain). Result limbs in `[-1, 2^22]`.
 */
export function fePow58(o: Fe, x: Fe): void {
  pow250(x);
  feSqrN(pwT, pwT, 2);
  feMul(o, pwT, x);
}

/**
 * `o = x^(p-2) = 1/x` (`0` for `x ≡ 0`; o may alias x): `x^(2^250 - 1)` squared five times,
 * times `x^11`; 256 squarings and 12 multiplications. Constant time. Limbs in `[-1, 2^22]`.
 */
export function feInvert(o: Fe, x: Fe): void {
  pow250(x);
  feSqrN(pw15, pw2, 2); // x^8
  feMul(pw15, pw15, pw3); // x^11
  feSqrN(pwT, pwT, 5);
  feMul(o, pwT, pw15);
}
