/**
 * The prime-order group layer (SPEC §2): two suites, `ristretto255-SHA512` (default) and
 * `P256-SHA256`, behind one small frozen interface. `quorum-psi/group` exports both suites;
 * `quorum-psi/group/ristretto255` and `quorum-psi/group/p256` export one each, so that an
 * application bundles only the suite it uses (src/core/suite.ts; docs/decisions.md "Suites as
 * separate modules; bundle budgets").
 *
 * Guarantees:
 * - `decode` is strict: it rejects wrong lengths, non-canonical encodings, points not in the
 *   group and the identity with a {@link DecodeError} (SPEC §2: "the first line of defence").
 * - `mul` and `mulBase` are noble's constant-time multiplications and are the only ones to use
 *   with secret scalars. `mulVartime` and `msmVartime` are variable-time and only for public
 *   scalars and points (proof verification, transcript weights).
 * - `hashToGroup` / `hashToScalar` are RFC 9380 / RFC 9497 `HashToGroup` / `HashToScalar` with a
 *   caller-given DST (ristretto255: expand_message_xmd-SHA-512 + the RFC 9496 one-way map;
 *   P-256: `P256_XMD:SHA-256_SSWU_RO_`).
 * - `randomScalar` is uniform in `[1, q-1]` by wide reduction (noble `mapHashToField`, the same
 *   mapping as noble's RFC 9497 module, so RFC proof randomness can be replayed through `rng`).
 *
 * Internal code works on points (`Element`) and bigints; external code uses bytes.
 * @module group
 */
import { DecodeError } from './errors.js';
import { p256Sha256 } from './p256.js';
import { ristretto255Sha512 } from './ristretto255.js';
import type { Suite } from './suite.js';

export { p256Sha256 } from './p256.js';
export { ristretto255Sha512 } from './ristretto255.js';
export { type Element, SUITE_ID, type Suite, type SuiteName } from './suite.js';

/** The default suite. */
export const DEFAULT_SUITE: Suite = ristretto255Sha512;

/**
 * All suites, by wire id (using this, like the two functions below, bundles both suites). Pure:
 * when it is unused, a bundler drops it, and with it the reference to the suite the application
 * does not use (`import { p256Sha256 } from 'quorum-psi/group'` then bundles P-256 only too).
 */
export const SUITES: readonly Suite[] = /* @__PURE__ */ Object.freeze([
  ristretto255Sha512,
  p256Sha256,
]);

/** Look a suite up by its name, short name or wire id; `undefined` if unknown. */
export function findSuite(key: string | number): Suite | undefined {
  return SUITES.find((s) => s.id === key || s.name === key || s.shortName === key);
}

/** Look a suite up by its wire id, throwing {@link DecodeError} if unknown. */
export function suiteFromId(id: number): Suite {
  const s = SUITES.find((x) => x.id === id);
  if (!s)
    throw new DecodeError('decode.suite', `unknown suite id 0x${id.toString(16).padStart(2, '0')}`);
  return s;
}
