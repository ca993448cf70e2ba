/**
 * Many elements multiplied by one secret scalar: an NGO's masking key `k_i` over its list and
 * the lists it hops, the builder's `α` over the table's bases.
 *
 * On ristretto255 the scalar is recoded once and every multiplication runs on limbs in constant
 * time (src/core/ct25519.ts, about six times faster than noble's `multiply`); on P-256 it is the
 * suite's `mul` (noble's constant-time ladder). Both give the same element as `suite.mul(P, k)`:
 * only the representative differs (projective on ristretto255), and every output is encoded
 * canonically. Kept out of the client's and the server's paths on purpose (test/bundle-budget.test.ts:
 * they take their suite from their inputs and reach no curve module of their own): a client multiplies a handful of points
 * per voucher, and its bundle budget (scripts/bundle-budget.mjs) has no room for a second field.
 * @module
 */
import { mulRistrettoCt, type RistrettoPoint, recodeScalar } from './ct25519.js';
import type { Element, Suite } from './suite.js';

/** `P ↦ k·P` for one secret `k ∈ [1, ℓ)`, prepared once for any number of points. */
export type SecretMultiplier = (P: Element) => Element;

/**
 * The multiplier by `k` for `suite`: constant-time limbs on ristretto255, `suite.mul` otherwise.
 * `RangeError` if `k` is not in `[1, ℓ)` (every secret scalar of the protocol is non-zero).
 */
export function secretMultiplier(suite: Suite, k: bigint): SecretMultiplier {
  if (typeof k !== 'bigint' || k <= 0n || k >= suite.order)
    throw new RangeError('secret scalar out of range');
  if (suite.shortName === 'ristretto255') {
    const digits = recodeScalar(k);
    return (P) => mulRistrettoCt(P as unknown as RistrettoPoint, digits) as unknown as Element;
  }
  return (P) => suite.mul(P, k);
}
