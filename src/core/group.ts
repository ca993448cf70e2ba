/**
 * The prime-order group layer (SPEC §2): two suites, `ristretto255-SHA512` (default) and
 * `P256-SHA256`, behind one small frozen interface.
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
import { type CurvePoint, mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { getMinHashLength, mapHashToField } from '@noble/curves/abstract/modular.js';
import { ed25519, ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256, p256_hasher } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { FIXED_BASE_WINDOW, MSM_BUCKET_THRESHOLD, type SuiteShortName } from './constants.js';
import { DecodeError } from './errors.js';
import type { ExtendedCoords } from './fe25519.js';
import { msmP256 } from './msm-p256.js';
import { msmEd25519 } from './msm25519.js';
import { decodeRistretto, encodeRistretto } from './ristretto-codec.js';
import {
  bytesToNumberBE,
  bytesToNumberLE,
  checkBytes,
  checkRng,
  defaultRng,
  type Rng,
} from './utils.js';
import { xmdExpander } from './xmd.js';

/**
 * A group element: a noble point of the suite's group. Opaque to callers; obtain one from
 * {@link Suite.decode}, {@link Suite.hashToGroup} or arithmetic on other elements.
 */
// biome-ignore lint/suspicious/noExplicitAny: noble's point types are generic over their field; the suite fixes it.
export type Element = CurvePoint<any, any>;

/** Long suite identifiers, as in RFC 9497. */
export type SuiteName = 'ristretto255-SHA512' | 'P256-SHA256';

/** Wire identifiers of the suites (one byte in every encoded object). */
export const SUITE_ID = Object.freeze({
  'ristretto255-SHA512': 0x01,
  'P256-SHA256': 0x02,
} as const);

/** One prime-order group suite. Frozen; carries its lengths. */
export interface Suite {
  /** RFC 9497 identifier, e.g. `ristretto255-SHA512`. */
  readonly name: SuiteName;
  /** Short name used in DSTs and benchmark rows: `ristretto255` or `p256`. */
  readonly shortName: SuiteShortName;
  /** Wire byte identifying the suite. */
  readonly id: number;
  /** `Ne`: length of an encoded element (32 or 33). */
  readonly elementLength: number;
  /** `Ns`: length of an encoded scalar (32). */
  readonly scalarLength: number;
  /** Group order `q`. */
  readonly order: bigint;
  /**
   * The suite's hash (SHA-512 or SHA-256), used for DLEQ transcripts as in RFC 9497; `.create()`
   * gives an incremental instance (the DLEQ statement digest streams over large batches).
   */
  readonly hash: CHash;
  /** Generator `G`. */
  readonly G: Element;
  /** The identity element (never accepted by `decode`). */
  readonly identity: Element;

  /** Uniform scalar in `[1, q-1]` from `rng` (default: platform CSPRNG). */
  randomScalar(rng?: Rng): bigint;
  /** RFC 9380/9497 hash-to-group with the given DST. */
  hashToGroup(msg: Uint8Array, dst: Uint8Array): Element;
  /** RFC 9497 hash-to-scalar with the given DST. */
  hashToScalar(msg: Uint8Array, dst: Uint8Array): bigint;
  /**
   * `hashToScalar` prepared for one DST (src/core/xmd.ts): the same function of `msg`, cheaper per
   * call. For the hashes computed once per list element.
   */
  scalarHasher(dst: Uint8Array): (msg: Uint8Array) => bigint;

  /** Canonical encoding of a non-identity element. */
  encode(P: Element): Uint8Array;
  /** Strict decoding: rejects non-canonical, off-group and identity with {@link DecodeError}. */
  decode(bytes: Uint8Array): Element;
  /** Canonical scalar encoding (`Ns` bytes, the suite's endianness). */
  encodeScalar(s: bigint): Uint8Array;
  /** Strict scalar decoding: rejects wrong length and values `≥ q` with {@link DecodeError}. */
  decodeScalar(bytes: Uint8Array): bigint;

  /** Constant-time `k·P` for a secret `k` (`k = 0` gives the identity). */
  mul(P: Element, k: bigint): Element;
  /** Constant-time `k·G` using noble's precomputed table for `G`. */
  mulBase(k: bigint): Element;
  /** Attach a precomputed table to a long-lived public point; later `mul` on it uses the table. */
  precompute(P: Element): Element;
  /** Variable-time `k·P`. Only for public `k` and `P`. */
  mulVartime(P: Element, k: bigint): Element;
  /** Variable-time `Σ scalars[i]·points[i]`. Only for public inputs. */
  msmVartime(points: Element[], scalars: bigint[]): Element;

  /** Scalar arithmetic mod `q`. */
  scalarAdd(a: bigint, b: bigint): bigint;
  scalarSub(a: bigint, b: bigint): bigint;
  scalarMul(a: bigint, b: bigint): bigint;
  scalarNeg(a: bigint): bigint;
  /** Inverse mod `q` (throws `RangeError` for 0). */
  scalarInv(a: bigint): bigint;
}

// biome-ignore lint/suspicious/noExplicitAny: see Element.
type PointCons = any;

interface SuiteConfig {
  name: SuiteName;
  shortName: SuiteShortName;
  Point: PointCons;
  hasher: {
    hashToCurve(msg: Uint8Array, opts: { DST: Uint8Array }): Element;
  };
  hash: CHash;
  /**
   * RFC 9497 `HashToScalar`: `expand_message_xmd` to this many bytes, read in the scalar
   * endianness, reduced mod `q` (ristretto255: 64 bytes, little-endian, RFC 9497 §4.1;
   * P-256: RFC 9380 `hash_to_field` with `L = 48`, big-endian, RFC 9497 §4.3).
   */
  scalarXmdBytes: number;
  elementLength: number;
  encodePoint(P: Element): Uint8Array;
  /** Pre-checks on the raw bytes before noble parses them (e.g. SEC1 compressed prefix). */
  precheck(bytes: Uint8Array): void;
  /** Strict decoding of `elementLength` bytes; throws on anything but a canonical encoding. */
  fromBytes(bytes: Uint8Array): Element;
  /** Bucket-method MSM for large batches (public inputs only). */
  bucketMsm(points: Element[], scalars: bigint[]): Element;
  /** Batch size at and above which `msmVartime` uses `bucketMsm` instead of `mulAddUnsafe`. */
  bucketThreshold: number;
}

function makeSuite(cfg: SuiteConfig): Suite {
  const { Point, hasher, elementLength, encodePoint, precheck, fromBytes, bucketMsm } = cfg;
  const { bucketThreshold } = cfg;
  const Fn = Point.Fn;
  const q: bigint = Fn.ORDER;
  const Ns: number = Fn.BYTES;
  const isLE: boolean = Fn.isLE;
  const wideLen = getMinHashLength(q);
  const G: Element = Point.BASE;
  const identity: Element = Point.ZERO;

  const bytesToScalar = isLE ? bytesToNumberLE : bytesToNumberBE;

  const suite: Suite = {
    name: cfg.name,
    shortName: cfg.shortName,
    id: SUITE_ID[cfg.name],
    elementLength,
    scalarLength: Ns,
    order: q,
    hash: cfg.hash,
    G,
    identity,

    randomScalar(rng: Rng = defaultRng): bigint {
      checkRng(rng);
      const seed = rng(wideLen);
      checkBytes('rng output', seed, wideLen);
      // Wide reduction: (seed mod (q-1)) + 1, bias ≤ 2^-128 (noble mapHashToField).
      return bytesToScalar(mapHashToField(seed, q, isLE));
    },
    hashToGroup(msg, dstBytes) {
      return hasher.hashToCurve(msg, { DST: dstBytes });
    },
    hashToScalar(msg, dstBytes) {
      return suite.scalarHasher(dstBytes)(msg);
    },
    scalarHasher(dstBytes) {
      const expand = xmdExpander(cfg.hash, dstBytes, cfg.scalarXmdBytes);
      return (msg) => Fn.create(bytesToScalar(expand(msg)));
    },
    encode(P) {
      return encodePoint(P);
    },
    decode(bytes) {
      checkBytes('element', bytes);
      if (bytes.length !== elementLength) {
        throw new DecodeError(
          'decode.element.length',
          `${cfg.shortName} element: expected ${elementLength} bytes, got ${bytes.length}`,
        );
      }
      precheck(bytes);
      let P: Element;
      try {
        P = fromBytes(bytes);
      } catch (e) {
        throw new DecodeError(
          'decode.element.invalid',
          `${cfg.shortName} element: not a canonical encoding of a group element`,
          { cause: e },
        );
      }
      if (P.is0()) {
        throw new DecodeError('decode.element.identity', `${cfg.shortName} element: identity`);
      }
      return P;
    },
    encodeScalar(s) {
      return Fn.toBytes(s);
    },
    decodeScalar(bytes) {
      checkBytes('scalar', bytes);
      if (bytes.length !== Ns) {
        throw new DecodeError(
          'decode.scalar.length',
          `scalar: expected ${Ns} bytes, got ${bytes.length}`,
        );
      }
      const s = bytesToScalar(bytes);
      if (s >= q) throw new DecodeError('decode.scalar.range', 'scalar: not reduced modulo q');
      return s;
    },
    mul(P, k) {
      // Branching on k = 0 reveals only that the scalar is zero (probability 1/q for secrets).
      return k === 0n ? identity : P.multiply(k);
    },
    mulBase(k) {
      return k === 0n ? identity : G.multiply(k);
    },
    precompute(P) {
      return P.precompute(FIXED_BASE_WINDOW, false);
    },
    mulVartime(P, k) {
      // Public scalar and point: noble's variable-time path (wNAF, no blinding).
      return P.multiplyUnsafe(k);
    },
    msmVartime(points, scalars) {
      // Public inputs only: bucket timing depends on the scalars.
      if (points.length !== scalars.length) {
        throw new RangeError(`msmVartime: ${points.length} points but ${scalars.length} scalars`);
      }
      if (points.length === 0) return identity;
      return points.length >= bucketThreshold
        ? bucketMsm(points, scalars)
        : mulAddUnsafe(Point, points, scalars);
    },
    scalarAdd: (a, b) => Fn.add(a, b),
    scalarSub: (a, b) => Fn.sub(a, b),
    scalarMul: (a, b) => Fn.mul(a, b),
    scalarNeg: (a) => Fn.neg(a),
    scalarInv(a) {
      if (a === 0n) throw new RangeError('scalarInv: zero has no inverse');
      return Fn.inv(a);
    },
  };
  return Object.freeze(suite);
}

/** The Edwards representative of a ristretto255 element (noble keeps it in the protected `ep`). */
function edwards(P: Element): ExtendedCoords {
  return (P as unknown as { ep: ExtendedCoords }).ep;
}

/** `ristretto255-SHA512` (default suite): RFC 9496 group, 32-byte encodings. */
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
});

/** `P256-SHA256`: NIST P-256 with 33-byte compressed SEC1 encodings. */
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
});

/** The default suite. */
export const DEFAULT_SUITE: Suite = ristretto255Sha512;

/** All suites, by wire id. */
export const SUITES: readonly Suite[] = Object.freeze([ristretto255Sha512, p256Sha256]);

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
