/**
 * Feldman verifiable secret sharing on a suite's group (Feldman 1987; the VSS of RFC 9591
 * Appendix C.2, `vss_commit` / `vss_verify`).
 *
 * For a Shamir polynomial `f(X) = a_0 + a_1·X + … + a_{T-1}·X^{T-1}` over the suite's scalar
 * field (see `shamir.ts`):
 * - {@link commit}: `C_i = a_i·G` for `i = 0..T-1`, by constant-time `mulBase` (the `a_i` are
 *   secret). `C_0 = f(0)·G` is the public key of the secret.
 * - {@link verifyShare}: `(x, y)` is a share of `f` iff `y·G = Σ_i x^i·C_i`, checked as one
 *   variable-time multi-scalar multiplication `Σ_i x^i·C_i − y·G = 0`.
 * - {@link combineVerified}: verifies every share first and throws a {@link ShareVerificationError}
 *   (a {@link VerificationError}) naming the first bad share's `x`; then interpolates at 0.
 *
 * Agrees byte for byte with noble's RFC 9591 FROST `trustedDealer` for both suites (shares and
 * VSS commitments; test/feldman.test.ts).
 *
 * Variable-time: verification uses `msmVartime` on the share `(x, y)` and the commitments. The
 * commitments are public; the share is known to the verifier (in quorum-psi, shares are revealed
 * to the server once the threshold is met), so timing only leaks it to an observer of the
 * verifier's own machine. See docs/security.md "What is not claimed".
 * @module feldman
 */
import { SHAMIR_MAX_THRESHOLD } from '../core/constants.js';
import { DecodeError, ParameterError, ShareVerificationError } from '../core/errors.js';

export { ShareVerificationError } from '../core/errors.js';

import { type PrimeField, scalarField } from '../core/field.js';
import type { Element, Suite } from '../core/group.js';
import { checkBytes, concatBytes } from '../core/utils.js';
import { checkShares, combine, type Polynomial, type Share } from './shamir.js';

function checkSuiteField(suite: Suite, field: PrimeField): void {
  if (field.p !== suite.order) {
    throw new ParameterError(
      'feldman.field',
      `polynomial is not over the scalar field of ${suite.name}`,
    );
  }
}

function checkCommitments(commitments: readonly Element[]): void {
  if (!Array.isArray(commitments)) throw new TypeError('"commitments" expected an array');
  if (commitments.length < 1 || commitments.length > SHAMIR_MAX_THRESHOLD) {
    throw new ParameterError(
      'feldman.threshold',
      `commitments: expected 1..${SHAMIR_MAX_THRESHOLD} elements, got ${commitments.length}`,
    );
  }
}

/**
 * Feldman commitments `C_i = a_i·G` to the coefficients of `poly` (constant-time `mulBase`).
 * A zero coefficient gives the identity, which {@link encodeCommitments} refuses.
 * Throws ParameterError `feldman.field` if `poly` is not over the suite's scalar field.
 */
export function commit(suite: Suite, poly: Polynomial): Element[] {
  checkSuiteField(suite, poly.field);
  return poly.coefficients.map((a) => suite.mulBase(a));
}

/**
 * `true` iff `y·G = Σ_{i=0}^{T-1} x^i·C_i` (RFC 9591 `vss_verify`) and the share is well formed
 * (`x ∈ [1, q)`, `y ∈ [0, q)`). Variable-time: the inputs are public to the verifier.
 */
export function verifyShare(suite: Suite, commitments: readonly Element[], share: Share): boolean {
  checkCommitments(commitments);
  const F = scalarField(suite);
  const { x, y } = share;
  if (!F.isValid(x) || x === 0n || !F.isValid(y)) return false;
  const points: Element[] = [...commitments, suite.G];
  const scalars: bigint[] = new Array(points.length);
  let xi = 1n;
  for (let i = 0; i < commitments.length; i++) {
    scalars[i] = xi;
    xi = F.mul(xi, x);
  }
  scalars[commitments.length] = F.neg(y);
  return suite.msmVartime(points, scalars).is0();
}

/**
 * Verify every share against `commitments`, then reconstruct `f(0)` from the first
 * `T = commitments.length` of them (SPEC §7 step 2 with verifiable shares).
 * Throws {@link ShareVerificationError} (a VerificationError, code `feldman.share`) naming the
 * first share that fails, and the ParameterErrors of `combine` (`shamir.too-few`, …).
 */
export function combineVerified(
  suite: Suite,
  commitments: readonly Element[],
  shares: readonly Share[],
): bigint {
  checkCommitments(commitments);
  const F = scalarField(suite);
  const T = commitments.length;
  checkShares(F, shares);
  if (shares.length < T) {
    throw new ParameterError('shamir.too-few', `combine: need ${T} shares, got ${shares.length}`);
  }
  for (const sh of shares) {
    if (!verifyShare(suite, commitments, sh)) {
      throw new ShareVerificationError(
        sh.x,
        `share with x = 0x${sh.x.toString(16)} does not match the Feldman commitments`,
      );
    }
  }
  return combine(shares, T, F);
}

/** Concatenation of the `T` commitments' canonical encodings (`T · Ne` bytes). */
export function encodeCommitments(suite: Suite, commitments: readonly Element[]): Uint8Array {
  checkCommitments(commitments);
  return concatBytes(
    ...commitments.map((C, i) => {
      if (C.is0()) {
        throw new ParameterError(
          'feldman.identity',
          `commitments[${i}] is the identity (zero coefficient): not encodable`,
        );
      }
      return suite.encode(C);
    }),
  );
}

/**
 * Strict inverse of {@link encodeCommitments}: DecodeError `decode.commitments.length` (empty,
 * not a multiple of `Ne`, or more than the maximum threshold), `decode.commitments.count` (not
 * `threshold` elements, when given), or the element decoder's errors (non-canonical, off-group,
 * identity).
 */
export function decodeCommitments(suite: Suite, bytes: Uint8Array, threshold?: number): Element[] {
  checkBytes('commitments', bytes);
  const Ne = suite.elementLength;
  const n = bytes.length / Ne;
  if (bytes.length === 0 || !Number.isInteger(n) || n > SHAMIR_MAX_THRESHOLD) {
    throw new DecodeError(
      'decode.commitments.length',
      `commitments: ${bytes.length} bytes is not 1..${SHAMIR_MAX_THRESHOLD} elements of ${Ne} bytes`,
    );
  }
  if (threshold !== undefined && n !== threshold) {
    throw new DecodeError(
      'decode.commitments.count',
      `commitments: expected ${threshold} elements, got ${n}`,
    );
  }
  const out: Element[] = [];
  for (let i = 0; i < n; i++) out.push(suite.decode(bytes.subarray(i * Ne, (i + 1) * Ne)));
  return out;
}
