/** Helpers for tests of the float64 limb field (src/core/ct25519.ts). */
import { FE_LIMBS, type Fe, feNew } from '../../src/core/ct25519.js';

/** The integer `Σ a_i·2^(22i)` of (signed) limbs. */
export function limbValue(a: Fe): bigint {
  let v = 0n;
  for (let i = FE_LIMBS - 1; i >= 0; i--) v = (v << 22n) + BigInt(a[i] as number);
  return v;
}

/** A field element with the given limbs. */
export function feOf(limbs: readonly number[]): Fe {
  const o = feNew();
  o.set(limbs);
  return o;
}
