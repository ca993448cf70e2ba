/**
 * Prime fields `F_p` as small frozen objects over `bigint` (SPEC §2, §6).
 *
 * Three fields are used by quorum-psi:
 * - the scalar field `F_q` of a suite ({@link scalarField}), where the Shamir polynomial `f`
 *   with `f(0) = adkey` lives (SPEC §6) — its byte encoding is the suite's scalar encoding
 *   (little-endian for ristretto255, big-endian for P-256), so shares agree byte for byte with
 *   `Suite.encodeScalar` and with RFC 9591 FROST;
 * - the detectable-hash field `F_ℓ`, `ℓ = 2^64 − 59` ({@link F_ELL}), big-endian;
 * - any other prime (tests use tiny and 127-bit primes) via {@link primeField}.
 *
 * Guarantees:
 * - `fromBytes` is strict (exact length, value `< p`) and throws {@link DecodeError};
 *   `toBytes` refuses values outside `[0, p)` with `RangeError`.
 * - `fromBytesReduce` takes at least `len(p) + 8` uniform bytes and reduces them modulo `p`,
 *   so the result is within statistical distance `2^-64` of uniform (SPEC §2).
 * - {@link fieldElementsFromSeed} derives field elements from a secret seed with HKDF-SHA-256
 *   (RFC 5869) and a length-prefixed, labelled `info`, each reduced with bias ≤ `2^-64`.
 *
 * Arithmetic is variable-time `bigint` arithmetic (JavaScript offers nothing else): timing may
 * depend on the values. See docs/security.md "What is not claimed". The `F_ℓ` hot path of the
 * client (DHF evaluation) does not use this interface; it has its own limb arithmetic in
 * `dhf.ts` (docs/decisions.md "F_ℓ arithmetic").
 * @module field
 */
import { invert, mod, pow } from '@noble/curves/abstract/modular.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DHF_MODULUS,
  FIELD_REDUCE_EXTRA_BYTES,
  SEED_KDF_SALT,
  SEED_MIN_BYTES,
} from './constants.js';
import { DecodeError } from './errors.js';
import type { Suite } from './group.js';
import {
  bytesToNumberBE,
  checkBytes,
  concatBytes,
  copyBytes,
  i2osp,
  lengthPrefixed,
} from './utils.js';

/** A prime field `F_p` with elements represented as `bigint` in `[0, p)`. Frozen. */
export interface PrimeField {
  /** The prime modulus. */
  readonly p: bigint;
  /** Bit length of `p`. */
  readonly bits: number;
  /** Length of the canonical encoding: `⌈bits / 8⌉`. */
  readonly bytes: number;
  /** Minimum input length of {@link PrimeField.fromBytesReduce}: `bytes + 8`. */
  readonly wideBytes: number;
  /** Whether `toBytes` / `fromBytes` are little-endian (suite scalars of ristretto255). */
  readonly isLE: boolean;
  add(a: bigint, b: bigint): bigint;
  sub(a: bigint, b: bigint): bigint;
  mul(a: bigint, b: bigint): bigint;
  neg(a: bigint): bigint;
  /** Inverse; throws `RangeError` for 0. */
  inv(a: bigint): bigint;
  /** `a^e` for `e ≥ 0` (square-and-multiply, variable-time in `e`). */
  pow(a: bigint, e: bigint): bigint;
  /** `true` iff `a` is a `bigint` in `[0, p)`. */
  isValid(a: unknown): a is bigint;
  /**
   * Reduce at least `wideBytes` uniform bytes, read big-endian (OS2IP, as RFC 9380
   * `hash_to_field`), modulo `p`: bias ≤ `2^-64`. Throws `RangeError` on short input.
   */
  fromBytesReduce(bytes: Uint8Array): bigint;
  /** Canonical fixed-length encoding (`bytes` long, in the field's endianness). */
  toBytes(a: bigint): Uint8Array;
  /** Strict decoding: exact length and value `< p`, else {@link DecodeError}. */
  fromBytes(bytes: Uint8Array): bigint;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** Miller–Rabin with fixed bases: deterministic below 3.3·10^24, a sanity check above. */
function probablyPrime(n: bigint): boolean {
  if (n < 2n) return false;
  const small = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
  for (const b of small) if (n % b === 0n) return n === b;
  let d = n - 1n;
  let r = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    r++;
  }
  outer: for (const a of small) {
    let x = pow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < r; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

/**
 * The prime field `F_p`. `p` must be prime (checked with Miller–Rabin, fixed bases; throws
 * `RangeError` otherwise). Encodings are big-endian unless `isLE`.
 */
export function primeField(p: bigint, opts: { isLE?: boolean } = {}): PrimeField {
  if (typeof p !== 'bigint') throw new TypeError(`"p" expected bigint, got ${typeof p}`);
  if (!probablyPrime(p)) throw new RangeError(`"p" expected a prime, got ${p}`);
  const isLE = opts.isLE === true;
  const bits = bitLength(p);
  const bytes = Math.ceil(bits / 8);
  const wideBytes = bytes + FIELD_REDUCE_EXTRA_BYTES;
  const checkElement = (name: string, a: bigint): void => {
    if (typeof a !== 'bigint') throw new TypeError(`"${name}" expected bigint, got ${typeof a}`);
    if (a < 0n || a >= p) throw new RangeError(`"${name}" is not a field element (not in [0, p))`);
  };
  const field: PrimeField = {
    p,
    bits,
    bytes,
    wideBytes,
    isLE,
    add: (a, b) => {
      const c = a + b;
      return c >= p ? c - p : c;
    },
    sub: (a, b) => {
      const c = a - b;
      return c < 0n ? c + p : c;
    },
    mul: (a, b) => (a * b) % p,
    neg: (a) => (a === 0n ? 0n : p - a),
    inv(a) {
      if (a % p === 0n) throw new RangeError('inv: zero has no inverse');
      return invert(a, p);
    },
    pow(a, e) {
      if (e < 0n) throw new RangeError('pow: negative exponent');
      return pow(a, e, p);
    },
    isValid: (a: unknown): a is bigint => typeof a === 'bigint' && a >= 0n && a < p,
    fromBytesReduce(b) {
      checkBytes('bytes', b);
      if (b.length < wideBytes) {
        throw new RangeError(`"bytes" expected at least ${wideBytes} bytes, got ${b.length}`);
      }
      return mod(bytesToNumberBE(b), p);
    },
    toBytes(a) {
      checkElement('a', a);
      const be = i2osp(a, bytes);
      return isLE ? be.reverse() : be;
    },
    fromBytes(b) {
      checkBytes('bytes', b);
      if (b.length !== bytes) {
        throw new DecodeError(
          'decode.field.length',
          `field element: expected ${bytes} bytes, got ${b.length}`,
        );
      }
      // An owned copy to reverse: a Buffer's slice() is a view, and reverse() works in place.
      const v = bytesToNumberBE(isLE ? copyBytes(b).reverse() : b);
      if (v >= p)
        throw new DecodeError('decode.field.range', 'field element: not reduced modulo p');
      return v;
    },
  };
  return Object.freeze(field);
}

/** `F_ℓ`, `ℓ = 2^64 − 59`: the detectable-hash field (SPEC §6), big-endian 8-byte encoding. */
export const F_ELL: PrimeField = primeField(DHF_MODULUS);

const scalarFields = new WeakMap<Suite, PrimeField>();

/**
 * The scalar field `F_q` of a suite, with the suite's scalar encoding (so `toBytes` equals
 * `suite.encodeScalar`). Cached per suite.
 */
export function scalarField(suite: Suite): PrimeField {
  let F = scalarFields.get(suite);
  if (!F) {
    // Endianness of the suite's scalar encoding: where does 1 land?
    const one = suite.encodeScalar(1n);
    F = primeField(suite.order, { isLE: one[0] === 1 });
    scalarFields.set(suite, F);
  }
  return F;
}

/** Largest HKDF-SHA-256 output of one Expand call (RFC 5869: 255 · HashLen). */
const HKDF_MAX_OUTPUT = 255 * 32;

const enc = new TextEncoder();

/** Normalise a label (UTF-8 string or bytes) to bytes. */
export function labelBytes(label: string | Uint8Array): Uint8Array {
  if (typeof label === 'string') return enc.encode(label);
  return checkBytes('label', label);
}

/**
 * Derive `count` elements of `field` from a secret `seed` (≥ 32 bytes):
 *
 * ```
 * PRK   = HKDF-Extract(salt = "quorum-psi-v1-seed-derive", IKM = seed)
 * info  = lp(purpose) ‖ lp(label) ‖ lp(I2OSP(p, len(p))) ‖ I2OSP(count, 4) ‖ I2OSP(block, 4)
 * OKM_b = HKDF-Expand(PRK, info, k_b · (len(p) + 8))
 * ```
 *
 * where `lp(x) = I2OSP(len(x), 2) ‖ x`, blocks hold `⌊8160 / (len(p)+8)⌋` elements each, and every
 * `len(p) + 8`-byte chunk is reduced modulo `p` (bias ≤ `2^-64`). Binding `p` and `count` into
 * `info` makes outputs for different fields or lengths unrelated.
 */
export function fieldElementsFromSeed(
  field: PrimeField,
  seed: Uint8Array,
  purpose: string,
  label: string | Uint8Array,
  count: number,
): bigint[] {
  checkBytes('seed', seed);
  if (seed.length < SEED_MIN_BYTES) {
    throw new RangeError(`"seed" expected at least ${SEED_MIN_BYTES} bytes, got ${seed.length}`);
  }
  if (!Number.isSafeInteger(count) || count < 0 || count > 0xffffffff) {
    throw new RangeError(`"count" expected an integer in [0, 2^32), got ${count}`);
  }
  const prk = extract(sha256, seed, enc.encode(SEED_KDF_SALT));
  const w = field.wideBytes;
  const perBlock = Math.floor(HKDF_MAX_OUTPUT / w);
  const prefix = concatBytes(
    lengthPrefixed(enc.encode(purpose)),
    lengthPrefixed(labelBytes(label)),
    lengthPrefixed(i2osp(field.p, field.bytes)),
    i2osp(count, 4),
  );
  const out: bigint[] = [];
  for (let block = 0; out.length < count; block++) {
    const k = Math.min(perBlock, count - out.length);
    const okm = expand(sha256, prk, concatBytes(prefix, i2osp(block, 4)), k * w);
    for (let i = 0; i < k; i++) out.push(field.fromBytesReduce(okm.subarray(i * w, (i + 1) * w)));
  }
  return out;
}
