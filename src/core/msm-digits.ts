/**
 * The scalar side of the bucket MSMs (src/core/msm25519.ts, src/core/msm-p256.ts): argument checks,
 * signed window digits and the window width. Pure integer code, no curve.
 * @module
 */

/**
 * The checks both bucket MSMs make on their arguments, each a `RangeError` naming `fn`: one
 * scalar per point, every scalar a bigint in `[0, order)`, `windowBits` (if given) an integer
 * in `[2, 16]`.
 */
export function checkMsmArgs(
  fn: string,
  points: number,
  scalars: readonly bigint[],
  order: bigint,
  windowBits: number | undefined,
): void {
  if (scalars.length !== points) {
    throw new RangeError(`${fn}: ${points} points but ${scalars.length} scalars`);
  }
  for (const s of scalars) {
    if (typeof s !== 'bigint' || s < 0n || s >= order) {
      throw new RangeError(`${fn}: scalar out of range`);
    }
  }
  if (
    windowBits !== undefined &&
    !(Number.isInteger(windowBits) && windowBits >= 2 && windowBits <= 16)
  ) {
    throw new RangeError(`${fn}: windowBits must be an integer in [2, 16]`);
  }
}

/**
 * Number of `c`-bit windows for scalars below `2^bits`: `c·W ≥ bits + 2`, so the top window
 * holds at most `c - 2` scalar bits and the signed recoding never carries out of it.
 */
export function windowCount(bits: number, c: number): number {
  return Math.ceil((bits + 2) / c);
}

/**
 * Signed `c`-bit digits of every scalar (each `< 2^bits`), window-major: `digits[w·n + i]` is
 * digit `w` of scalar `i`, in `[-2^(c-1), 2^(c-1))`, with `Σ_w digit_w·2^(c·w) = scalar`.
 */
export function signedDigits(
  scalars: readonly bigint[],
  bits: number,
  c: number,
  W: number,
): Int32Array {
  const n = scalars.length;
  const digits = new Int32Array(W * n);
  const scalarWords = Math.ceil(bits / 32);
  // Scalar words, then zero words past the top for windows that overrun it.
  const words = new Uint32Array(Math.ceil((c * W) / 32) + 1);
  const mask = (1 << c) - 1;
  const halfRange = 1 << (c - 1);
  for (let i = 0; i < n; i++) {
    let s = scalars[i] as bigint;
    for (let j = 0; j < scalarWords; j++) {
      words[j] = Number(BigInt.asUintN(32, s));
      s >>= 32n;
    }
    let carry = 0;
    for (let w = 0; w < W; w++) {
      const bit = w * c;
      const wi = bit >>> 5;
      const off = bit & 31;
      let v = (words[wi] as number) >>> off;
      if (off + c > 32) v |= (words[wi + 1] as number) << (32 - off);
      v = (v & mask) + carry;
      if (v >= halfRange) {
        digits[w * n + i] = v - (1 << c);
        carry = 1;
      } else {
        digits[w * n + i] = v;
        carry = 0;
      }
    }
  }
  return digits;
}

/**
 * The window width in `[2, 16]` minimising the counted field multiplications: per window, one
 * mixed addition per point (`maddCost`) and two bucket additions per bucket (`addCost`).
 */
export function windowWidth(n: number, bits: number, maddCost: number, addCost: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 16; c++) {
    const cost = windowCount(bits, c) * (maddCost * n + 2 * addCost * (1 << (c - 1)));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}
