/**
 * The suite-agnostic part of the group layer (SPEC §2): the {@link Suite} interface,
 * {@link makeSuite} (which builds a suite from a curve and registers it), and the registry the
 * decoders resolve a wire suite byte through.
 *
 * Each suite lives in a module of its own (src/core/ristretto255.ts, src/core/p256.ts) that
 * imports its curve and registers its suite when it is evaluated, so that a bundle of an
 * application that uses one suite contains no code of the other (docs/decisions.md "Suites as
 * separate modules; bundle budgets"). Nothing here imports a curve.
 *
 * Registration cannot be tree-shaken away from a suite that is used: it happens inside
 * `makeSuite`, i.e. while the exported suite constant itself is initialised
 * (`export const ristretto255Sha512 = makeSuite(…)`, never annotated pure). A bundler
 * (`"sideEffects": false`) drops a suite module only when the application uses none of its
 * exports; then the suite is not registered, and a decoder that meets its id throws a
 * {@link DecodeError} naming the module to import.
 * @module
 */
import { type CurvePoint, mulAddUnsafe, normalizeZ } from '@noble/curves/abstract/curve.js';
import { getMinHashLength, mapHashToField } from '@noble/curves/abstract/modular.js';
import type { CHash } from '@noble/hashes/utils.js';
import { FIXED_BASE_WINDOW, type SuiteShortName } from './constants.js';
import { DecodeError, ParameterError } from './errors.js';
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

/**
 * Where each suite of this library lives (for the error a decoder throws when it meets the id
 * of a suite whose module was never loaded). Static text only: no curve code.
 */
const SUITE_MODULE: Readonly<
  Record<number, { name: SuiteName; exportName: string; subpath: string }>
> = Object.freeze({
  1: {
    name: 'ristretto255-SHA512',
    exportName: 'ristretto255Sha512',
    subpath: 'quorum-psi/group/ristretto255',
  },
  2: { name: 'P256-SHA256', exportName: 'p256Sha256', subpath: 'quorum-psi/group/p256' },
});

/** The default suite (`ristretto255-SHA512`): used where a caller names no suite and no input carries one. */
export const DEFAULT_SUITE_NAME: SuiteName = 'ristretto255-SHA512';

/**
 * The order of the default suite's group (ristretto255: `2^252 + 27742317777372353535851937790883648493`),
 * so that the default scalar field (e.g. Shamir's default field) needs no curve code. Checked
 * against the curve when the ristretto255 suite is built.
 */
export const DEFAULT_SUITE_ORDER =
  0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;

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
  /**
   * `points.map(encode)`, cheaper for many points on suites whose encoding needs affine
   * coordinates (one shared field inversion instead of one per point).
   */
  encodeAll(points: readonly Element[]): Uint8Array[];
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

/** What a suite module gives {@link makeSuite}: its curve and its encodings. */
export interface SuiteConfig {
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
  /**
   * Whether `encodeAll` first brings its points to `Z = 1` with one shared inversion (noble
   * `normalizeZ`): worth it where an encoding needs affine coordinates (P-256), not for
   * ristretto255, whose encoding costs an inverse square root either way.
   */
  batchNormalize: boolean;
  /** Bucket-method MSM for large batches (public inputs only). */
  bucketMsm(points: Element[], scalars: bigint[]): Element;
  /** Batch size at and above which `msmVartime` uses `bucketMsm` instead of `mulAddUnsafe`. */
  bucketThreshold: number;
}

// ── Registry ─────────────────────────────────────────────────────────────────────────────────

/** Suites built in this realm (by this copy of the library), by wire id. */
const registry = new Map<number, Suite>();

function register(suite: Suite): void {
  const have = registry.get(suite.id);
  if (have !== undefined && have !== suite) {
    throw new Error(`suite ${suite.name} (0x${hex2(suite.id)}) is already registered`);
  }
  registry.set(suite.id, suite);
}

function hex2(id: number): string {
  return id.toString(16).padStart(2, '0');
}

/**
 * The suite with wire id `id`, if its module was loaded; otherwise a {@link DecodeError}
 * `decode.suite` that names the module to import (`unknown or unavailable suite 0x02
 * (P256-SHA256: import p256Sha256 from quorum-psi/group/p256)`). Every decoder resolves the suite
 * byte of an encoded object through this.
 */
export function registeredSuite(id: number): Suite {
  const s = registry.get(id);
  if (s !== undefined) return s;
  const where = SUITE_MODULE[id];
  throw new DecodeError(
    'decode.suite',
    where === undefined
      ? `unknown or unavailable suite 0x${hex2(id)}`
      : `unknown or unavailable suite 0x${hex2(id)} (${where.name}: import ${where.exportName} from ${where.subpath})`,
  );
}

/** Whether `x` is a suite of this library whose module is loaded (an object built by {@link makeSuite}). */
export function isRegisteredSuite(x: unknown): x is Suite {
  return (
    typeof x === 'object' && x !== null && registry.get((x as { id?: unknown }).id as number) === x
  );
}

/** The suites loaded so far, by wire id. */
export function registeredSuites(): Suite[] {
  return [...registry.keys()].sort((a, b) => a - b).map((id) => registry.get(id) as Suite);
}

/**
 * The default suite (`ristretto255-SHA512`) for a caller that names no suite and passes no input
 * that carries one; a {@link ParameterError} `params.suite` naming the module to import when it
 * was never loaded (so that the default never forces ristretto255 into a bundle that uses P-256).
 */
export function defaultSuite(): Suite {
  const id = SUITE_ID[DEFAULT_SUITE_NAME];
  const s = registry.get(id);
  if (s !== undefined) return s;
  const where = SUITE_MODULE[id] as { exportName: string; subpath: string };
  throw new ParameterError(
    'params.suite',
    `no suite given and the default ${DEFAULT_SUITE_NAME} is not loaded: pass a suite, or import ${where.exportName} from ${where.subpath}`,
  );
}

// ── Construction ─────────────────────────────────────────────────────────────────────────────

/**
 * Build a frozen {@link Suite} from a curve and register it under its wire id. Only the suite
 * modules call this, once each, to initialise their exported suite constant.
 */
export function makeSuite(cfg: SuiteConfig): Suite {
  const { Point, hasher, elementLength, encodePoint, precheck, fromBytes, bucketMsm } = cfg;
  const { bucketThreshold } = cfg;
  const Fn = Point.Fn;
  const q: bigint = Fn.ORDER;
  const Ns: number = Fn.BYTES;
  const isLE: boolean = Fn.isLE;
  const wideLen = getMinHashLength(q);
  const G: Element = Point.BASE;
  const identity: Element = Point.ZERO;
  if (cfg.name === DEFAULT_SUITE_NAME && (q !== DEFAULT_SUITE_ORDER || !isLE)) {
    throw new Error(`${cfg.name}: DEFAULT_SUITE_ORDER does not match the curve`);
  }

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
    encodeAll(points) {
      // Same bytes as encode() per point; normalizeZ maps the identity to the identity, which
      // encodePoint then refuses as encode() does.
      const ps = cfg.batchNormalize && points.length > 1 ? normalizeZ(Point, [...points]) : points;
      return ps.map((P: Element) => encodePoint(P));
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
  const frozen = Object.freeze(suite);
  // The registration is part of initialising the suite constant: it cannot be separated from it.
  register(frozen);
  return frozen;
}
