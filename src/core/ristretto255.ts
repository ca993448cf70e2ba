/**
 * The `ristretto255-SHA512` suite (SPEC §2; RFC 9496 group, 32-byte encodings), in a module of
 * its own: `quorum-psi/group/ristretto255`. Importing it (and using `ristretto255Sha512`)
 * registers the suite, so that decoders accept its wire id `0x01`; an application that imports
 * only this suite bundles no P-256 code (docs/decisions.md "Suites as separate modules; bundle
 * budgets").
 *
 * Use the constant, not only the import: the package is `"sideEffects": false`, so a bundler drops
 * a suite module none of whose exports is used (a bare `import` included), and then the suite is
 * not registered. E.g. `ClientAccount.create({ database, suite: ristretto255Sha512 })`, which also pins the
 * suite.
 * @module group/ristretto255
 */
import { ed25519, ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { MSM_BUCKET_THRESHOLD } from './constants.js';
import type { ExtendedCoords } from './fe25519.js';
import { msmEd25519 } from './msm25519.js';
import { decodeRistretto, encodeRistretto } from './ristretto-codec.js';
import { type Element, makeSuite, type Suite, type SuiteConfig } from './suite.js';

export type { Element, Suite, SuiteName } from './suite.js';

/** The Edwards representative of a ristretto255 element (noble keeps it in the protected `ep`). */
function edwards(P: Element): ExtendedCoords {
  return (P as unknown as { ep: ExtendedCoords }).ep;
}

/**
 * `ristretto255-SHA512` (the default suite): RFC 9496 group, 32-byte encodings. Initialising
 * this constant registers the suite (src/core/suite.ts `makeSuite`).
 */
export const ristretto255Sha512: Suite = makeSuite({
  name: 'ristretto255-SHA512',
  shortName: 'ristretto255',
  Point: ristretto255.Point,
  hasher: ristretto255_hasher as unknown as SuiteConfig['hasher'],
  hash: sha512,
  scalarXmdBytes: 64,
  elementLength: 32,
  // RFC 9496 Encode / Decode on the lazily reduced field (src/core/ristretto-codec.ts): the same
  // bytes and points as noble's toBytes / fromBytes, about 30% faster (docs/decisions.md).
  encodePoint: (P) => {
    if (P.is0()) throw new RangeError('encode: identity element');
    return encodeRistretto(edwards(P));
  },
  precheck: () => {},
  fromBytes: (bytes) => {
    const c = decodeRistretto(bytes);
    if (c === null) throw new Error('invalid ristretto255 encoding');
    return new ristretto255.Point(new ed25519.Point(c.X, c.Y, c.Z, c.T));
  },
  // Specialised edwards25519 bucket method on the points' Edwards representatives (the group
  // operation of ristretto255 is that of its representatives): src/core/msm25519.ts.
  bucketMsm: (points, scalars) => new ristretto255.Point(msmEd25519(points.map(edwards), scalars)),
  bucketThreshold: MSM_BUCKET_THRESHOLD.ristretto255,
  batchNormalize: false,
});
