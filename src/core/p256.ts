/**
 * The `P256-SHA256` suite (SPEC §2; NIST P-256, 33-byte compressed SEC1 encodings), in a module
 * of its own: `quorum-psi/group/p256`. Importing it (and using `p256Sha256`) registers the suite,
 * so that decoders accept its wire id `0x02`; an application that imports only this suite
 * bundles no ristretto255 code (docs/decisions.md "Suites as separate modules; bundle budgets").
 *
 * Use the constant, not only the import: the package is `"sideEffects": false`, so a bundler drops
 * a suite module none of whose exports is used (a bare `import` included), and then the suite is
 * not registered. E.g. `ClientAccount.create({ database, suite: p256Sha256 })`, which also pins the
 * suite.
 * @module group/p256
 */
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MSM_BUCKET_THRESHOLD } from './constants.js';
import { DecodeError } from './errors.js';
import { msmP256 } from './msm-p256.js';
import { makeSuite, type Suite, type SuiteConfig } from './suite.js';

export type { Element, Suite, SuiteName } from './suite.js';

/**
 * `P256-SHA256`: NIST P-256 with 33-byte compressed SEC1 encodings. Initialising this constant
 * registers the suite (src/core/suite.ts `makeSuite`).
 */
export const p256Sha256: Suite = makeSuite({
  name: 'P256-SHA256',
  shortName: 'p256',
  Point: p256.Point,
  hasher: p256_hasher as unknown as SuiteConfig['hasher'],
  hash: sha256,
  scalarXmdBytes: 48,
  elementLength: 33,
  encodePoint: (P) => {
    // noble's P-256 points are homogeneous projective: the identity is exactly Z = 0 (`is0()`
    // would compare cross-products, four field multiplications on a sub-microsecond path).
    const W = P as unknown as { Z: bigint; toBytes(compressed: boolean): Uint8Array };
    if (W.Z === 0n) throw new RangeError('encode: identity element');
    return W.toBytes(true);
  },
  precheck: (bytes) => {
    const tag = bytes[0];
    if (tag !== 0x02 && tag !== 0x03) {
      throw new DecodeError(
        'decode.element.invalid',
        'p256 element: expected compressed SEC1 (0x02/0x03)',
      );
    }
  },
  fromBytes: (bytes) => p256.Point.fromBytes(bytes),
  // Jacobian bucket method with mixed additions (src/core/msm-p256.ts).
  bucketMsm: (points, scalars) =>
    msmP256(points as unknown as Parameters<typeof msmP256>[0], scalars),
  bucketThreshold: MSM_BUCKET_THRESHOLD.p256,
  batchNormalize: true,
});
