/**
 * ristretto255 element encoding and strict decoding, RFC 9496 §4.3.1 (Decode) and §4.3.2
 * (Encode), on the lazily reduced field of src/core/fe25519.ts.
 *
 * Why not noble's `RistrettoPoint.fromBytes` / `toBytes` (docs/decisions.md "ristretto255
 * codec"): both are one inverse square root, and noble's reduces each of its 254 squarings
 * with `%` and counts them with a bigint; here the same steps take about 30% less time, and
 * an NGO hop decodes two elements and encodes one per list item. The steps, their order and
 * their data-dependent choices (RFC 9496's `CT_SELECT` / `CT_ABS`, which noble also writes as
 * branches) are noble's and the RFC's; only the reduction differs. Decoding takes public
 * input. Tests: RFC 9496 Appendix A vectors, valid and invalid, and a comparison with noble on
 * random and mutated encodings and on points in every projective form (test/ristretto-codec.test.ts).
 * @module
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { numberToBytesLE } from '@noble/curves/utils.js';
import { canon, type ExtendedCoords, P, pow58, red } from './fe25519.js';
import { bytesToNumberLE } from './utils.js';

const D = ed25519.Point.CURVE().d;
/** RFC 9496 §4.1 `SQRT_M1`: the non-negative square root of `-1`. */
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
/** RFC 9496 §4.1 `INVSQRT_A_MINUS_D`: `1/sqrt(a - d)`, non-negative (`a = -1`). */
const INVSQRT_A_MINUS_D =
  54469307008909316920995813868745141605393597292927456921205312896311721017578n;
const MINUS_SQRT_M1 = P - SQRT_M1;
const P2 = 2n * P;
const P4 = 4n * P;

/** RFC 9496 `IS_NEGATIVE` of a canonical value: its least significant bit. */
const isNegative = (x: bigint): boolean => (x & 1n) === 1n;
/** RFC 9496 `CT_ABS` of a canonical value. */
const abs = (x: bigint): bigint => (isNegative(x) ? P - x : x);

/**
 * RFC 9496 §4.2 `SQRT_RATIO_M1(1, v)` for a stored `v`: `(was_square, r)` with `r` canonical
 * and non-negative, `r = sqrt(1/v)` if `v` is a non-zero square, else `sqrt(i/v)` (and `0` for
 * `v = 0`, which is "not square").
 */
function invSqrt(v: bigint): [wasSquare: boolean, r: bigint] {
  const v3 = red(red(v * v) * v);
  const v7 = red(red(v3 * v3) * v);
  let r = canon(v3 * pow58(v7)); // (u·v^3)·(u·v^7)^((p-5)/8) with u = 1
  const check = canon(v * red(r * r));
  const correctSign = check === 1n;
  const flipped = check === P - 1n;
  const flippedI = check === MINUS_SQRT_M1;
  if (flipped || flippedI) r = canon(r * SQRT_M1);
  return [correctSign || flipped, abs(r)];
}

/**
 * RFC 9496 §4.3.1 Decode: the affine extended coordinates `(x, y, 1, t)` (canonical) of the
 * element `bytes` encodes, or `null` if `bytes` is not a canonical encoding of an element
 * (`s ≥ p`, `s` negative, not square, `t` negative or `y = 0`). `bytes` must be 32 bytes.
 * The identity (all-zero bytes) decodes to `(0, 1, 1, 0)`.
 */
export function decodeRistretto(bytes: Uint8Array): ExtendedCoords | null {
  const s = bytesToNumberLE(bytes);
  if (s >= P || isNegative(s)) return null; // also rejects bit 255 set: s ≥ 2^255 > p
  const ss = red(s * s);
  const u1 = 1n + P2 - ss; // 1 - s^2, non-negative: ss < 2p
  const u2 = 1n + ss; // 1 + s^2
  const u2sq = red(u2 * u2);
  const v = P4 - red(D * red(u1 * u1)) - u2sq; // -(d·u1^2) - u2^2
  const [wasSquare, invsqrt] = invSqrt(red(v * u2sq));
  const denX = red(invsqrt * u2);
  const denY = red(red(invsqrt * denX) * v);
  const x = abs(canon(2n * s * denX)); // 2s < 2^256: the product is < 2^512
  const y = canon(u1 * denY);
  const t = canon(x * y);
  if (!wasSquare || isNegative(t) || y === 0n) return null;
  return { X: x, Y: y, Z: 1n, T: t };
}

/**
 * RFC 9496 §4.3.2 Encode of the point with extended coordinates `(X : Y : Z : T)`
 * (coordinates in `[0, p)`, as noble's points hold them): 32 bytes, little-endian `s`.
 */
export function encodeRistretto(pt: ExtendedCoords): Uint8Array {
  const { X, Y, Z, T } = pt;
  const u1 = red((Z + Y) * (Z - Y + P)); // (z0 + y0)·(z0 - y0)
  const u2 = red(X * Y);
  const [, invsqrt] = invSqrt(red(u1 * red(u2 * u2)));
  const den1 = red(invsqrt * u1);
  const den2 = red(invsqrt * u2);
  const zInv = red(red(den1 * den2) * T);
  let x = X;
  let y = Y;
  let denInv = den2;
  if (isNegative(canon(T * zInv))) {
    // rotate: x = i·y0, y = i·x0, den_inv = den1·INVSQRT_A_MINUS_D
    x = canon(Y * SQRT_M1);
    y = canon(X * SQRT_M1);
    denInv = red(den1 * INVSQRT_A_MINUS_D);
  }
  if (isNegative(canon(x * zInv))) y = y === 0n ? 0n : P - y;
  const s = abs(canon(denInv * (Z - y + P)));
  return numberToBytesLE(s, 32);
}
