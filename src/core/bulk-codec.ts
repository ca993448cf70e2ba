/**
 * The element codec, hash-to-group and composite MSM of the element-wise NGO and builder work
 * (masking, hops, board verification, the database's bases and cells), where millions of
 * elements pass.
 *
 * On ristretto255 these run on ct25519's limbs (src/core/ristretto-limbs.ts: decode, encode and
 * hash-to-group, 2.7×, 2.8× and 4.3× faster than the bigint codec and noble's hasher, and the
 * hash's map constant-time by construction; src/core/msm25519-limbs.ts: the bucket MSM, 2.8×
 * faster than the bigint one); on P-256 they are the suite's own. Both give what
 * the suite gives, byte for byte and error for error: an input the limbs refuse, and the
 * identity, go through `suite.decode` / `suite.encode`, which throw the suite's own typed error.
 * Like src/core/secret-mul.ts, kept out of the client flow (its bundle budget).
 * @module
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import type { ExtendedCoords } from './fe25519.js';
import { msmEd25519Limbs } from './msm25519-limbs.js';
import {
  decodeRistrettoLimbs,
  encodeRistrettoLimbs,
  hashToRistrettoPoint,
} from './ristretto-limbs.js';
import type { Element, Suite } from './suite.js';

/** What the element-wise kernels need of a suite: `suite.decode`, `encode`, `encodeAll`, `hashToGroup`. */
export interface BulkCodec {
  decode(bytes: Uint8Array): Element;
  encode(P: Element): Uint8Array;
  encodeAll(points: readonly Element[]): Uint8Array[];
  hashToGroup(msg: Uint8Array, dst: Uint8Array): Element;
  /** `Σ scalars[i]·points[i]`, variable time: public inputs only (composites). */
  msmVartime(points: readonly Element[], scalars: readonly bigint[]): Element;
}

const edwards = (P: Element): ExtendedCoords => (P as unknown as { ep: ExtendedCoords }).ep;
const wrap = (c: ExtendedCoords): Element =>
  new ristretto255.Point(new ed25519.Point(c.X, c.Y, c.Z, c.T)) as unknown as Element;

const cache = new WeakMap<Suite, BulkCodec>();

/** The {@link BulkCodec} of `suite`: limbs on ristretto255, the suite's own methods otherwise. */
export function bulkCodec(suite: Suite): BulkCodec {
  const hit = cache.get(suite);
  if (hit) return hit;
  let codec: BulkCodec;
  if (suite.shortName === 'ristretto255' && suite.elementLength === 32) {
    const encode = (P: Element): Uint8Array =>
      P.is0() ? suite.encode(P) : encodeRistrettoLimbs(edwards(P));
    codec = {
      decode(bytes) {
        const c = bytes instanceof Uint8Array ? decodeRistrettoLimbs(bytes) : null;
        // Refused or the identity: the suite's decode throws its own error for it.
        if (c === null || (c.X === 0n && c.T === 0n)) return suite.decode(bytes);
        return wrap(c);
      },
      encode,
      encodeAll: (points) => points.map(encode),
      hashToGroup: (msg, dst) => hashToRistrettoPoint(msg, dst) as unknown as Element,
      msmVartime: (points, scalars) =>
        new ristretto255.Point(msmEd25519Limbs(points.map(edwards), scalars)) as unknown as Element,
    };
  } else {
    codec = {
      decode: (bytes) => suite.decode(bytes),
      encode: (P) => suite.encode(P),
      encodeAll: (points) => suite.encodeAll(points),
      hashToGroup: (msg, dst) => suite.hashToGroup(msg, dst),
      msmVartime: (points, scalars) => suite.msmVartime([...points], [...scalars]),
    };
  }
  cache.set(suite, codec);
  return codec;
}
