/**
 * Arithmetic modulo `p = 2^255 - 19` on bare bigints with lazy reduction, for the two
 * ristretto255 hot paths written here rather than taken from noble: the bucket MSM
 * (src/core/msm25519.ts) and the element codec (src/core/ristretto-codec.ts). docs/decisions.md
 * "Bucket MSMs" and "ristretto255 codec" say why.
 *
 * A field element is a non-negative bigint congruent to its value modulo `p`. Two bounds:
 * - **stored** values are `< 2^255 + 2^20`: what {@link red} returns;
 * - **operands** of a product are `< 2^260` (a sum or a lifted difference of a few stored
 *   values), so a product is `< 2^520`, which {@link red} accepts.
 *
 * Noble's `Fp` reduces every product with `%`; folding twice by `2^255 ≡ 19` is about a third
 * cheaper in V8, and values stay in four or five 64-bit digits. Like noble's field, this is
 * bigint arithmetic: its timing is not guaranteed independent of the values (docs/security.md,
 * "Not claimed (timing)"); the codec makes the same data-dependent choices as noble's, at the same points.
 * @module
 */

/** An edwards25519 point in extended coordinates `(X : Y : Z : T)`, `X·Y = Z·T`, as noble holds it. */
export interface ExtendedCoords {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
}

/** `p = 2^255 - 19`. */
export const P = (1n << 255n) - 19n;
const MASK255 = (1n << 255n) - 1n;

/**
 * Folds `0 <= x < 2^520` to a stored value (`< 2^255 + 2^20`) congruent modulo `p`:
 * the first fold leaves `< 2^255 + 19·2^265 < 2^270`, the second `< 2^255 + 19·2^15`.
 */
export function red(x: bigint): bigint {
  x = (x & MASK255) + 19n * (x >> 255n);
  return (x & MASK255) + 19n * (x >> 255n);
}

/** The canonical representative in `[0, p)` of `0 <= x < 2^520`. */
export function canon(x: bigint): bigint {
  x = red(x);
  return x >= P ? x - P : x; // a stored value is < 2p
}

/** `x^(2^n)` by `n` squarings, for a stored `x`. */
export function sqrN(x: bigint, n: number): bigint {
  for (let i = 0; i < n; i++) x = red(x * x);
  return x;
}

/**
 * `x^((p-5)/8) = x^(2^252 - 3)` for a stored `x`: the addition chain of RFC 8032 §5.1.3 and
 * noble's `ed25519_pow_2_252_3` (254 squarings, 11 multiplications). Returns a stored value.
 */
export function pow58(x: bigint): bigint {
  const x2 = red(x * x);
  const b2 = red(x2 * x); // x^3
  const b4 = red(sqrN(b2, 2) * b2); // x^(2^4 - 1)
  const b5 = red(sqrN(b4, 1) * x); // x^(2^5 - 1)
  const b10 = red(sqrN(b5, 5) * b5);
  const b20 = red(sqrN(b10, 10) * b10);
  const b40 = red(sqrN(b20, 20) * b20);
  const b80 = red(sqrN(b40, 40) * b40);
  const b160 = red(sqrN(b80, 80) * b80);
  const b240 = red(sqrN(b160, 80) * b80);
  const b250 = red(sqrN(b240, 10) * b10); // x^(2^250 - 1)
  return red(sqrN(b250, 2) * x); // x^(2^252 - 3)
}
