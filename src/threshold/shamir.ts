/**
 * Shamir secret sharing over a prime field (SPEC §6 account state, §7 step 2).
 *
 * The client's account holds a polynomial `f` of degree `T − 1` over the suite's scalar field
 * with `f(0) = adkey`; every voucher carries one share `(x, f(x))` with `x` derived from
 * `PRF(fkey, id)`. The server, holding `T` real shares with distinct `x`, recovers `adkey` by
 * Lagrange interpolation at 0 (SPEC §7 step 2).
 *
 * - {@link polynomialFromSeed}: `f` from an account seed (HKDF-SHA-256, labelled, bias ≤ 2^-64);
 *   {@link polynomialFromCoefficients}: `f` from explicit coefficients `a_0..a_{T-1}`.
 * - {@link split}: share a secret at caller-chosen `xs` or at `n` pseudorandom non-zero distinct
 *   `x`; coefficients from an injectable `rng` (uniform in `F_p`) or deterministically from a seed.
 * - {@link combine}: validates every share (non-zero distinct `x`, both coordinates in `F_p`),
 *   requires at least `T`, interpolates at 0 from exactly the first `T`. Extra shares are
 *   validated but not used: their consistency is not checked here (use Feldman's
 *   `combineVerified`, or compare against a second `T`-subset).
 *
 * Secrecy: any `T − 1` shares are consistent with every secret (exactly one polynomial of degree
 * ≤ `T − 1` through them and `(0, s')` for each `s'`), provided the coefficients `a_1..a_{T-1}`
 * are uniform in `F_p` — which is why `split` samples them uniformly in `[0, p)`, zero included.
 *
 * Not constant-time: `evaluate` (Horner) and `combine` (Lagrange) use JavaScript `bigint`
 * arithmetic, whose timing may depend on the values. `combine` runs on the server over shares
 * that are revealed to it once `T` real vouchers match; evaluation runs on the client with the
 * secret coefficients. See docs/security.md "What is not claimed".
 * @module shamir
 */
import { SEED_KDF_PURPOSE, SHAMIR_MAX_SHARES, SHAMIR_MAX_THRESHOLD } from '../core/constants.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { fieldElementsFromSeed, type PrimeField, primeField } from '../core/field.js';
import { DEFAULT_SUITE_ORDER } from '../core/suite.js';
import {
  bytesToNumberBE,
  checkBytes,
  checkRng,
  concatBytes,
  defaultRng,
  i2osp,
  type Rng,
} from '../core/utils.js';

/** One Shamir share: the point `(x, y = f(x))` with `x ≠ 0`. */
export interface Share {
  readonly x: bigint;
  readonly y: bigint;
}

/** A polynomial `f(X) = a_0 + a_1·X + … + a_{T-1}·X^{T-1}` over `field`. Frozen. */
export interface Polynomial {
  readonly field: PrimeField;
  /** `a_0..a_{T-1}`; `a_0 = f(0)` is the secret. */
  readonly coefficients: readonly bigint[];
  /** `T = coefficients.length`: the number of shares needed to reconstruct `f(0)`. */
  readonly threshold: number;
  /** `f(x)` by Horner's rule (variable-time `bigint`). `x` must be in `[0, p)`. */
  evaluate(x: bigint): bigint;
}

/** Options of {@link split}. Exactly one of `xs` and `count`. */
export interface SplitOptions {
  /** `T`: shares needed to reconstruct (the polynomial has degree `T − 1`). */
  threshold: number;
  /** Caller-chosen x-coordinates: non-zero, distinct, in `[1, p)`. */
  xs?: readonly bigint[];
  /** Number of shares at pseudorandom non-zero distinct x-coordinates. */
  count?: number;
  /** The field (default: the scalar field of the default suite, ristretto255). */
  field?: PrimeField;
  /**
   * Derive the coefficients `a_1..a_{T-1}` (and the x-coordinates, with `count`) from this seed
   * (≥ 32 bytes) instead of `rng`: deterministic. The secret is always `a_0`.
   */
  seed?: Uint8Array;
  /** Label for seed derivation (default empty); distinct uses of one seed need distinct labels. */
  label?: string | Uint8Array;
}

/** Result of {@link split}: the shares, in the order of the x-coordinates, and the polynomial. */
export interface SplitResult {
  readonly shares: Share[];
  readonly polynomial: Polynomial;
}

// The default suite's scalar field (ristretto255: little-endian, as `scalarField(ristretto255Sha512)`)
// from its order alone, so that Shamir's default never bundles the curve.
let defaultF: PrimeField | undefined;
const defaultField = (): PrimeField => {
  defaultF ??= primeField(DEFAULT_SUITE_ORDER, { isLE: true });
  return defaultF;
};

function checkThreshold(T: unknown): number {
  if (typeof T !== 'number' || !Number.isSafeInteger(T)) {
    throw new TypeError(`"threshold" expected an integer, got ${typeof T}`);
  }
  if (T < 1 || T > SHAMIR_MAX_THRESHOLD) {
    throw new ParameterError(
      'shamir.threshold',
      `threshold: expected an integer in [1, ${SHAMIR_MAX_THRESHOLD}], got ${T}`,
    );
  }
  return T;
}

function checkFieldElement(field: PrimeField, name: string, v: unknown): bigint {
  if (typeof v !== 'bigint') throw new TypeError(`"${name}" expected bigint, got ${typeof v}`);
  if (!field.isValid(v)) {
    throw new ParameterError(
      'shamir.field',
      `${name}: not an element of the field (not in [0, p))`,
    );
  }
  return v;
}

/**
 * The polynomial with the given coefficients `a_0..a_{T-1}` (each in `[0, p)`); `T ≥ 1`.
 * Throws ParameterError `shamir.field` / `shamir.threshold`.
 */
export function polynomialFromCoefficients(
  field: PrimeField,
  coefficients: readonly bigint[],
): Polynomial {
  if (!Array.isArray(coefficients)) throw new TypeError('"coefficients" expected an array');
  checkThreshold(coefficients.length);
  const a = coefficients.map((c, i) => checkFieldElement(field, `coefficients[${i}]`, c));
  const p = field.p;
  const last = a.length - 1;
  const poly: Polynomial = {
    field,
    coefficients: Object.freeze(a),
    threshold: a.length,
    evaluate(x: bigint): bigint {
      checkFieldElement(field, 'x', x);
      // Horner: ((a_{T-1}·x + a_{T-2})·x + …)·x + a_0. Variable-time bigint arithmetic.
      let acc = a[last] as bigint;
      for (let i = last - 1; i >= 0; i--) acc = (acc * x + (a[i] as bigint)) % p;
      return acc;
    },
  };
  return Object.freeze(poly);
}

function thresholdLabel(label: string | Uint8Array, T: number): Uint8Array {
  const l =
    typeof label === 'string' ? new TextEncoder().encode(label) : checkBytes('label', label);
  return concatBytes(i2osp(l.length, 2), l, i2osp(T, 4));
}

/**
 * The polynomial of degree `T − 1` derived from `seed` (≥ 32 bytes) under `label`: its `T`
 * coefficients come from HKDF-SHA-256 (`fieldElementsFromSeed`, purpose `shamir-polynomial`,
 * `T` bound into the label), each reduced with bias ≤ 2^-64. If `constant` is given it replaces
 * `a_0` (share a chosen secret); otherwise `a_0` is derived too and is the secret (`adkey`).
 * Deterministic: the same seed, label, field and `T` always give the same polynomial.
 */
export function polynomialFromSeed(
  field: PrimeField,
  T: number,
  seed: Uint8Array,
  label: string | Uint8Array,
  constant?: bigint,
): Polynomial {
  checkThreshold(T);
  const a = fieldElementsFromSeed(
    field,
    seed,
    SEED_KDF_PURPOSE.shamirPolynomial,
    thresholdLabel(label, T),
    T,
  );
  if (constant !== undefined) a[0] = checkFieldElement(field, 'constant', constant);
  return polynomialFromCoefficients(field, a);
}

function checkX(field: PrimeField, x: unknown, name: string): bigint {
  checkFieldElement(field, name, x);
  if (x === 0n) throw new ParameterError('shamir.zero-x', `${name}: x-coordinate 0 is the secret`);
  return x as bigint;
}

/**
 * Map uniform bytes (≥ `field.wideBytes`, e.g. a PRF output) to a non-zero x-coordinate:
 * `x = (OS2IP(bytes) mod (p − 1)) + 1`, bias ≤ 2^-64 (the same mapping as noble's
 * `mapHashToField`). Used for the voucher share's `x` (SPEC §6 step 2).
 */
export function shareXFromBytes(field: PrimeField, bytes: Uint8Array): bigint {
  checkBytes('bytes', bytes);
  if (bytes.length < field.wideBytes) {
    throw new RangeError(`"bytes" expected at least ${field.wideBytes} bytes, got ${bytes.length}`);
  }
  return (bytesToNumberBE(bytes) % (field.p - 1n)) + 1n;
}

function distinctNonZeroXs(
  field: PrimeField,
  n: number,
  next: (round: number) => bigint[],
): bigint[] {
  if (BigInt(n) > field.p - 1n) {
    throw new ParameterError('shamir.count', `count ${n} exceeds the ${field.p - 1n} non-zero x`);
  }
  const seen = new Set<bigint>();
  const xs: bigint[] = [];
  // Collisions have probability ≈ n²/p per round; bounded rounds guard against a broken rng.
  for (let round = 0; round < 64 && xs.length < n; round++) {
    for (const x of next(round)) {
      if (x === 0n || seen.has(x)) continue;
      seen.add(x);
      xs.push(x);
      if (xs.length === n) break;
    }
  }
  if (xs.length < n) {
    throw new ParameterError(
      'shamir.count',
      `could not sample ${n} distinct non-zero x-coordinates`,
    );
  }
  return xs;
}

/**
 * Split `secret` into shares with threshold `T` (SPEC §6). The polynomial is
 * `f(X) = secret + a_1·X + … + a_{T-1}·X^{T-1}` with `a_i` uniform in `F_p` (from `rng`, or
 * from `options.seed`). Shares are at `options.xs` or at `options.count` pseudorandom non-zero
 * distinct x-coordinates. Errors: ParameterError `shamir.threshold` (T out of range or more than
 * the number of shares), `shamir.field`, `shamir.zero-x`, `shamir.duplicate-x`, `shamir.count`.
 */
export function split(secret: bigint, options: SplitOptions, rng: Rng = defaultRng): SplitResult {
  const field = options.field ?? defaultField();
  const T = checkThreshold(options.threshold);
  checkFieldElement(field, 'secret', secret);
  checkRng(rng);
  const hasXs = options.xs !== undefined;
  const hasCount = options.count !== undefined;
  if (hasXs === hasCount) throw new TypeError('split: give exactly one of "xs" and "count"');
  const label = options.label ?? '';

  let xs: bigint[];
  if (options.xs !== undefined) {
    if (!Array.isArray(options.xs)) throw new TypeError('"xs" expected an array');
    xs = options.xs.map((x, i) => checkX(field, x, `xs[${i}]`));
    const seen = new Set<bigint>();
    for (const x of xs) {
      if (seen.has(x)) throw new ParameterError('shamir.duplicate-x', `xs: duplicate x = ${x}`);
      seen.add(x);
    }
  } else {
    const n = options.count as number;
    if (!Number.isSafeInteger(n)) throw new TypeError(`"count" expected an integer, got ${n}`);
    if (n < 1 || n > SHAMIR_MAX_SHARES) {
      throw new ParameterError(
        'shamir.count',
        `count: expected [1, ${SHAMIR_MAX_SHARES}], got ${n}`,
      );
    }
    const seed = options.seed;
    xs = distinctNonZeroXs(field, n, (round) =>
      seed !== undefined
        ? fieldElementsFromSeed(
            field,
            seed,
            SEED_KDF_PURPOSE.shamirX,
            concatBytes(thresholdLabel(label, T), i2osp(round, 4)),
            n,
          )
        : Array.from({ length: n }, () => field.fromBytesReduce(rng(field.wideBytes))),
    );
  }
  if (xs.length < T) {
    throw new ParameterError(
      'shamir.threshold',
      `threshold ${T} exceeds the number of shares ${xs.length}`,
    );
  }

  let polynomial: Polynomial;
  if (options.seed !== undefined) {
    polynomial = polynomialFromSeed(field, T, options.seed, label, secret);
  } else {
    const a: bigint[] = [secret];
    for (let i = 1; i < T; i++) {
      const bytes = rng(field.wideBytes);
      checkBytes('rng output', bytes, field.wideBytes);
      a.push(field.fromBytesReduce(bytes));
    }
    polynomial = polynomialFromCoefficients(field, a);
  }
  const shares = xs.map((x) => Object.freeze({ x, y: polynomial.evaluate(x) }));
  return Object.freeze({ shares, polynomial });
}

/**
 * Validate shares for interpolation: every `x` non-zero and in `[1, p)`, every `y` in `[0, p)`,
 * all `x` distinct. Throws ParameterError `shamir.zero-x`, `shamir.field`, `shamir.duplicate-x`.
 */
export function checkShares(field: PrimeField, shares: readonly Share[]): void {
  if (!Array.isArray(shares)) throw new TypeError('"shares" expected an array');
  const seen = new Set<bigint>();
  shares.forEach((sh, i) => {
    if (typeof sh !== 'object' || sh === null)
      throw new TypeError(`"shares[${i}]" expected a share`);
    const x = checkX(field, sh.x, `shares[${i}].x`);
    checkFieldElement(field, `shares[${i}].y`, sh.y);
    if (seen.has(x)) {
      throw new ParameterError('shamir.duplicate-x', `shares: duplicate x = ${x} (shares[${i}])`);
    }
    seen.add(x);
  });
}

/**
 * Lagrange interpolation: the value at `at` of the unique polynomial of degree ≤ `k − 1` through
 * the `k` given points (distinct, non-zero `x`; validated). Variable-time `bigint` arithmetic;
 * one field inversion in total (denominators are multiplied up first).
 */
export function interpolateAt(field: PrimeField, shares: readonly Share[], at = 0n): bigint {
  checkShares(field, shares);
  checkFieldElement(field, 'at', at);
  const p = field.p;
  const k = shares.length;
  if (k === 0) throw new ParameterError('shamir.too-few', 'interpolateAt: no shares');
  // f(at) = Σ_i y_i · Π_{j≠i} (at − x_j) / (x_i − x_j). Compute Σ_i y_i·num_i/den_i with a
  // common denominator: total = (Σ_i y_i·num_i·Π_{j≠i} den_j) / Π_i den_i would cost k² mults;
  // instead batch-invert the k denominators (Montgomery's trick).
  const nums: bigint[] = new Array(k);
  const dens: bigint[] = new Array(k);
  for (let i = 0; i < k; i++) {
    const xi = (shares[i] as Share).x;
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      const xj = (shares[j] as Share).x;
      num = (num * (at - xj + p)) % p;
      den = (den * (xi - xj + p)) % p;
    }
    nums[i] = num;
    dens[i] = den;
  }
  // Batch inversion of dens.
  const prefix: bigint[] = new Array(k);
  let acc = 1n;
  for (let i = 0; i < k; i++) {
    prefix[i] = acc;
    acc = (acc * (dens[i] as bigint)) % p;
  }
  let inv = field.inv(acc);
  let result = 0n;
  for (let i = k - 1; i >= 0; i--) {
    const invDen = (inv * (prefix[i] as bigint)) % p;
    inv = (inv * (dens[i] as bigint)) % p;
    const term = ((shares[i] as Share).y * (((nums[i] as bigint) * invDen) % p)) % p;
    result = (result + term) % p;
  }
  return result;
}

/**
 * Reconstruct the secret `f(0)` from at least `T` shares (SPEC §7 step 2). All given shares are
 * validated; exactly the first `T` are interpolated (extra shares are not checked for
 * consistency). Errors: ParameterError `shamir.too-few`, `shamir.zero-x`, `shamir.field`,
 * `shamir.duplicate-x`, `shamir.threshold`. Variable-time `bigint` arithmetic: for data that is
 * public to the party combining (the server, after the threshold is met).
 */
export function combine(
  shares: readonly Share[],
  T: number,
  field: PrimeField = defaultField(),
): bigint {
  checkThreshold(T);
  checkShares(field, shares);
  if (shares.length < T) {
    throw new ParameterError('shamir.too-few', `combine: need ${T} shares, got ${shares.length}`);
  }
  return interpolateAt(field, shares.slice(0, T), 0n);
}

/** Encoded share length: `2 · field.bytes` (x ‖ y, each in the field's encoding). */
export function shareLength(field: PrimeField): number {
  return 2 * field.bytes;
}

/** `x ‖ y`, each `field.bytes` long in the field's encoding (the suite scalar encoding for `F_q`). */
export function encodeShare(field: PrimeField, share: Share): Uint8Array {
  const x = checkX(field, share.x, 'share.x');
  const y = checkFieldElement(field, 'share.y', share.y);
  return concatBytes(field.toBytes(x), field.toBytes(y));
}

/**
 * Strict inverse of {@link encodeShare}: DecodeError `decode.share.length` (wrong length),
 * `decode.field.range` (a coordinate ≥ p), `decode.share.zero-x` (x = 0).
 */
export function decodeShare(field: PrimeField, bytes: Uint8Array): Share {
  checkBytes('share', bytes);
  const n = field.bytes;
  if (bytes.length !== 2 * n) {
    throw new DecodeError(
      'decode.share.length',
      `share: expected ${2 * n} bytes, got ${bytes.length}`,
    );
  }
  const x = field.fromBytes(bytes.subarray(0, n));
  const y = field.fromBytes(bytes.subarray(n));
  if (x === 0n) throw new DecodeError('decode.share.zero-x', 'share: x-coordinate is 0');
  return Object.freeze({ x, y });
}
