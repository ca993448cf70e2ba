/**
 * The detectable hash function (DHF) over `F_ℓ`, `ℓ = 2^64 − 59` (Apple PSI §3.2; SPEC §6
 * account state, §6 step 2, §7 step 1).
 *
 * - **Key.** `s` polynomials `p_1..p_s` of degree ≤ `T − 2` over `F_ℓ` ({@link dhfKeyFromSeed}:
 *   coefficients by HKDF-SHA-256 from the account seed, purpose `dhf-key`, `(T, s)` bound into the
 *   label, bias ≤ 2^-64).
 * - **Evaluation** (client, SPEC §6 step 2). `r = (x', p_1(x'), …, p_s(x'))` ({@link dhfEvaluate}).
 *   A synthetic voucher carries a pseudorandom `r'` instead ({@link dhfValueFromBytes}).
 * - **Detection** (server, SPEC §7 step 1, {@link dhfDetect}). Expand each column to
 *   `v = (1, x', x'^2, …, x'^{T-2}, r_1, …, r_s)` (length `n = T − 1 + s`). Real columns are
 *   `v = M·(1, x', …, x'^{T-2})` for the fixed `n × (T−1)` matrix `M = [I; A]` (`A` = the
 *   coefficients), so they lie in the `(T−1)`-dimensional space `U = col(M)`: any `T` of them are
 *   dependent, any `T − 1` (distinct `x'`) are independent (Vandermonde). Synthetic columns have a
 *   uniform `r'`, so modulo `U` they are uniform in `F_ℓ^s`: up to `s` of them are independent
 *   modulo `U` except with probability ≈ `s/ℓ`. Hence, with at most `s` synthetics, a non-zero
 *   kernel vector `w` exists iff there are ≥ `T` real columns, its support holds only real columns
 *   and has ≥ `T` of them, and `span(supp(w)) = U`: the real columns are exactly the columns in
 *   that span.
 *
 * **The `excess` rule (never a wrong set).** With more than `s` synthetics the kernel can be
 * non-trivial spuriously, and a kernel vector can mix real and synthetic columns. A candidate
 * `D = {c : v_c ∈ span(supp(w))}` is accepted only if `rank(D) = T − 1` and `|D| ≥ T`. Because
 * the top `T − 1` coordinates are a Vandermonde row, any `T − 1` columns of `D` already have rank
 * `T − 1`; so `rank(D) = T − 1` holds iff every column of `D` is the Lagrange combination of the
 * others — i.e. iff all `r` in `D` agree with one set of `s` polynomials of degree ≤ `T − 2`. An
 * accepted `D` is therefore the real set except with probability about `C(m, T)·ℓ^{-s}`: if it
 * holds ≥ `T − 1` real columns its span is `U`, so it contains every real column and (w.h.p.) no
 * synthetic one; if it holds fewer, ≥ 2 uniform synthetic columns would have to satisfy `s`
 * polynomial equations. Kernel vectors are read off incrementally (each dependent column's
 * combination over the independent columns before it); only those with support ≤ `T` can be
 * pure-real (a real column dependent on ≥ `T − 1` real basis columns uses only those), so only
 * they are tried, at most {@link DHF_DETECT_MAX_ATTEMPTS}. A non-trivial kernel with no accepted
 * candidate is reported as `{ kind: 'excess' }` (SPEC §7 step 3), never as a detection.
 *
 * **Arithmetic.** Evaluation is on the client's hot path (`s·(T−1)` multiply-adds per voucher).
 * It computes the powers `x'^0..x'^{T-2}` once and takes `s` dot products with the coefficients
 * split into 22/22/20-bit limbs held in a `Float64Array`: limb products are exact (< 2^44) and up
 * to 128 terms accumulate exactly below 2^53, followed by one reduction per coordinate using
 * `2^66 ≡ 236` and `2^64 ≡ 59 (mod ℓ)`. This is 5–7× faster than `bigint` Horner (numbers in
 * docs/decisions.md "F_ℓ arithmetic"). Detection uses `bigint` arithmetic (`% ℓ`). All of it is
 * variable-time; see docs/security.md "What is not claimed".
 * @module dhf
 */
import {
  DHF_DETECT_MAX_ATTEMPTS,
  DHF_MAX_S,
  DHF_MAX_T,
  DHF_MODULUS,
  SEED_KDF_PURPOSE,
} from '../core/constants.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { F_ELL, fieldElementsFromSeed, labelBytes } from '../core/field.js';
import { checkBytes, checkRng, concatBytes, defaultRng, i2osp, type Rng } from '../core/utils.js';

const L = DHF_MODULUS;

/** A DHF key: `s` polynomials of degree ≤ `T − 2` over `F_ℓ`. Frozen. */
export interface DhfKey {
  /** Threshold `T ≥ 2`. */
  readonly T: number;
  /** Width `s ≥ 0` (number of polynomials; `s_max` in SPEC §6). */
  readonly s: number;
  /** `coefficients[i][k]`: coefficient of `x'^k` in `p_{i+1}`, `k = 0..T-2`. */
  readonly coefficients: readonly (readonly bigint[])[];
}

/**
 * A DHF value `r = (x', r_1, …, r_s)`, every coordinate in `[0, ℓ)`: `r[0] = x'`,
 * `r[i] = p_i(x')` for a real voucher. Length `s + 1`.
 */
export type DhfValue = BigUint64Array;

/** Outcome of {@link dhfDetect}. Indices refer to the input array and are ascending. */
export type DhfDetection =
  | { readonly kind: 'detected'; readonly real: number[]; readonly synthetic: number[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'excess' };

// ---------------------------------------------------------------------------------------------
// Limb arithmetic for evaluation. An element v ∈ [0, ℓ) is three non-negative integer limbs
// (v0, v1, v2) with v = v0 + v1·2^22 + v2·2^44, v0, v1 < 2^22, v2 < 2^20, stored as doubles.
// ---------------------------------------------------------------------------------------------

const B22 = 4194304; // 2^22
const B20 = 1048576; // 2^20
const INV_B22 = 1 / B22; // exact: multiplying by a power of two never rounds
/** 2^66 mod ℓ = 4·59. */
const F66 = 236;
/** 2^132 mod ℓ = 236². */
const F132 = 55696;
/** Terms that can be accumulated before limb sums could exceed 2^53: 3·128·2^44 < 2^53. */
const CHUNK = 128;
/** Platform endianness decides which 32-bit half of a BigUint64Array slot is the low one. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

// Output registers of reduce5 (module scratch: no allocation on the hot path).
let R0 = 0;
let R1 = 0;
let R2 = 0;

/**
 * Reduce V = a0 + a1·2^22 + a2·2^44 + a3·2^66 + a4·2^88 (each a_i a non-negative integer
 * < 2^53 − 2^32) modulo ℓ into canonical limbs (R0, R1, R2).
 */
function reduce5(a0: number, a1: number, a2: number, a3: number, a4: number): void {
  // Carry-propagate into 22-bit limbs l0..l4 plus a top carry t (bits ≥ 110, t < 2^31).
  let c = Math.floor(a0 * INV_B22);
  let m0 = a0 - c * B22;
  a1 += c;
  c = Math.floor(a1 * INV_B22);
  let m1 = a1 - c * B22;
  a2 += c;
  c = Math.floor(a2 * INV_B22);
  let m2 = a2 - c * B22;
  a3 += c;
  c = Math.floor(a3 * INV_B22);
  const l3 = a3 - c * B22;
  a4 += c;
  c = Math.floor(a4 * INV_B22);
  const l4 = a4 - c * B22;
  const l6 = Math.floor(c * INV_B22);
  const l5 = c - l6 * B22;
  // Fold with 2^66 ≡ 236, 2^88 ≡ 236·2^22, 2^110 ≡ 236·2^44, 2^132 ≡ 236²: limbs < 2^31.
  m0 += F66 * l3 + F132 * l6;
  m1 += F66 * l4;
  m2 += F66 * l5;
  // Fold bits ≥ 64 with 2^64 ≡ 59 until the value is below 2^64 (at most three rounds).
  for (;;) {
    c = Math.floor(m0 * INV_B22);
    m0 -= c * B22;
    m1 += c;
    c = Math.floor(m1 * INV_B22);
    m1 -= c * B22;
    m2 += c;
    const h = Math.floor(m2 / B20);
    if (h === 0) break;
    m2 -= h * B20;
    m0 += 59 * h;
  }
  // Now V < 2^64; subtract ℓ = 2^64 − 59 once if V ≥ ℓ.
  if (m2 === B20 - 1 && m1 === B22 - 1 && m0 >= B22 - 59) {
    m0 -= B22 - 59;
    m1 = 0;
    m2 = 0;
  }
  R0 = m0;
  R1 = m1;
  R2 = m2;
}

/** Split v ∈ [0, 2^64) into limbs at out[o..o+2]. */
function toLimbs(v: bigint, out: Float64Array, o: number): void {
  const lo = Number(v & 0xffffffffn);
  const hi = Number(v >> 32n);
  out[o] = lo & 0x3fffff;
  out[o + 1] = (lo >>> 22) + (hi & 0xfff) * 1024;
  out[o + 2] = hi >>> 12;
}

/** (R0, R1, R2) ← a·b mod ℓ for limb triples. */
function mulLimbs(a0: number, a1: number, a2: number, b0: number, b1: number, b2: number): void {
  reduce5(a0 * b0, a0 * b1 + a1 * b0, a0 * b2 + a1 * b1 + a2 * b0, a1 * b2 + a2 * b1, a2 * b2);
}

// Keys keep their coefficients as limbs, laid out [i][k][limb], in a WeakMap (not on the object).
const keyLimbs = new WeakMap<DhfKey, Float64Array>();

function checkTs(T: unknown, s: unknown): void {
  if (typeof T !== 'number' || !Number.isSafeInteger(T))
    throw new TypeError('"T" expected an integer');
  if (typeof s !== 'number' || !Number.isSafeInteger(s))
    throw new TypeError('"s" expected an integer');
  if (T < 2 || T > DHF_MAX_T) {
    throw new ParameterError('dhf.threshold', `DHF: T must be in [2, ${DHF_MAX_T}], got ${T}`);
  }
  if (s < 0 || s > DHF_MAX_S) {
    throw new ParameterError('dhf.width', `DHF: s must be in [0, ${DHF_MAX_S}], got ${s}`);
  }
}

/**
 * A DHF key from explicit coefficients: `coefficients[i]` has the `T − 1` coefficients
 * (constant term first) of `p_{i+1}`, each in `[0, ℓ)`. ParameterError `dhf.threshold`,
 * `dhf.width` (wrong shape) or `dhf.range`.
 */
export function dhfKeyFromCoefficients(
  T: number,
  s: number,
  coefficients: readonly (readonly bigint[])[],
): DhfKey {
  checkTs(T, s);
  if (!Array.isArray(coefficients) || coefficients.length !== s) {
    throw new ParameterError('dhf.width', `DHF key: expected ${s} polynomials`);
  }
  const D = T - 1;
  const limbs = new Float64Array(s * D * 3);
  const copy = coefficients.map((poly, i) => {
    if (!Array.isArray(poly) || poly.length !== D) {
      throw new ParameterError('dhf.width', `DHF key: polynomial ${i + 1} needs ${D} coefficients`);
    }
    return Object.freeze(
      poly.map((c, k) => {
        if (!F_ELL.isValid(c)) {
          throw new ParameterError('dhf.range', `DHF key: coefficient [${i}][${k}] not in [0, ℓ)`);
        }
        toLimbs(c, limbs, (i * D + k) * 3);
        return c;
      }),
    );
  });
  const key: DhfKey = Object.freeze({ T, s, coefficients: Object.freeze(copy) });
  keyLimbs.set(key, limbs);
  return key;
}

/**
 * The DHF key derived from `seed` (≥ 32 bytes): `s·(T−1)` coefficients from HKDF-SHA-256
 * (`fieldElementsFromSeed` over `F_ℓ`, purpose `dhf-key`, label `I2OSP(T,4) ‖ I2OSP(s,4) ‖ lp(label)`),
 * polynomial by polynomial, constant term first. Deterministic.
 */
export function dhfKeyFromSeed(
  seed: Uint8Array,
  T: number,
  s: number,
  label: string | Uint8Array = '',
): DhfKey {
  checkTs(T, s);
  const l = labelBytes(label);
  const info = concatBytes(i2osp(T, 4), i2osp(s, 4), i2osp(l.length, 2), l);
  const D = T - 1;
  const flat = fieldElementsFromSeed(F_ELL, seed, SEED_KDF_PURPOSE.dhfKey, info, s * D);
  const coefficients = Array.from({ length: s }, (_, i) => flat.slice(i * D, (i + 1) * D));
  return dhfKeyFromCoefficients(T, s, coefficients);
}

/**
 * `r = (x', p_1(x'), …, p_s(x'))` (SPEC §6 step 2). `x'` must be in `[0, ℓ)` (see
 * {@link dhfXFromBytes}). Float64 limb arithmetic, variable-time in nothing but `T` and `s`
 * beyond the usual JavaScript caveats.
 */
export function dhfEvaluate(key: DhfKey, x: bigint): DhfValue {
  const limbs = keyLimbs.get(key);
  if (limbs === undefined) throw new TypeError('"key" expected a DhfKey from dhfKeyFrom*');
  if (!F_ELL.isValid(x)) throw new RangeError('"x" expected a bigint in [0, ℓ)');
  const { T, s } = key;
  const D = T - 1;
  // Powers x'^0..x'^{D-1} as limbs.
  const pw = new Float64Array(D * 3);
  pw[0] = 1;
  if (D > 1) {
    toLimbs(x, pw, 3);
    const x0 = pw[3] as number;
    const x1 = pw[4] as number;
    const x2 = pw[5] as number;
    for (let k = 2; k < D; k++) {
      const o = (k - 1) * 3;
      mulLimbs(pw[o] as number, pw[o + 1] as number, pw[o + 2] as number, x0, x1, x2);
      pw[o + 3] = R0;
      pw[o + 4] = R1;
      pw[o + 5] = R2;
    }
  }
  const out = new BigUint64Array(s + 1);
  out[0] = x;
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < s; i++) {
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let o = i * D * 3;
    for (let start = 0; start < D; start += CHUNK) {
      const end = Math.min(D, start + CHUNK);
      for (let k = start, q = start * 3; k < end; k++, q += 3, o += 3) {
        const c0 = limbs[o] as number;
        const c1 = limbs[o + 1] as number;
        const c2 = limbs[o + 2] as number;
        const p0 = pw[q] as number;
        const p1 = pw[q + 1] as number;
        const p2 = pw[q + 2] as number;
        a0 += c0 * p0;
        a1 += c0 * p1 + c1 * p0;
        a2 += c0 * p2 + c1 * p1 + c2 * p0;
        a3 += c1 * p2 + c2 * p1;
        a4 += c2 * p2;
      }
      if (end < D) {
        // Partial reduction keeps the next chunk's sums below 2^53.
        reduce5(a0, a1, a2, a3, a4);
        a0 = R0;
        a1 = R1;
        a2 = R2;
        a3 = 0;
        a4 = 0;
      }
    }
    reduce5(a0, a1, a2, a3, a4);
    const w = 2 * (i + 1);
    words[w + LO] = R0 + (R1 % 1024) * B22;
    words[w + HI] = Math.floor(R1 / 1024) + R2 * 4096;
  }
  return out;
}

/**
 * Map uniform bytes (≥ 16, e.g. a PRF output) to a DHF input `x' ∈ F_ℓ`: OS2IP mod ℓ, bias
 * ≤ 2^-64 (SPEC §6 step 2).
 */
export function dhfXFromBytes(bytes: Uint8Array): bigint {
  return F_ELL.fromBytesReduce(bytes);
}

/**
 * A pseudorandom DHF value of width `s` from `(s + 1)·16` uniform bytes (e.g. PRF output):
 * coordinate `i` is bytes `[16i, 16i+16)` reduced mod ℓ. The synthetic vector `r'` of SPEC §6.
 */
export function dhfValueFromBytes(s: number, bytes: Uint8Array): DhfValue {
  checkTs(2, s);
  const w = F_ELL.wideBytes;
  checkBytes('bytes', bytes, (s + 1) * w);
  const out = new BigUint64Array(s + 1);
  for (let i = 0; i <= s; i++) out[i] = F_ELL.fromBytesReduce(bytes.subarray(i * w, (i + 1) * w));
  return out;
}

/** A uniformly random DHF value of width `s` from `rng` (tests, benchmarks, synthetic vouchers). */
export function dhfRandomValue(s: number, rng: Rng = defaultRng): DhfValue {
  checkRng(rng);
  checkTs(2, s);
  return dhfValueFromBytes(s, rng((s + 1) * F_ELL.wideBytes));
}

/** Encoded length of a DHF value of width `s`: `(s + 1)·8` bytes. */
export function dhfValueLength(s: number): number {
  return (s + 1) * 8;
}

/** Fixed-length big-endian encoding: `(s + 1)` coordinates of 8 bytes each. */
export function encodeDhfValue(r: DhfValue): Uint8Array {
  if (!(r instanceof BigUint64Array)) throw new TypeError('"r" expected BigUint64Array');
  const n = r.length;
  const words = new Uint32Array(r.buffer, r.byteOffset, 2 * n);
  const out = new Uint8Array(8 * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + HI] as number;
    const lo = words[2 * i + LO] as number;
    if (hi === 0xffffffff && lo >= 0x100000000 - 59) {
      throw new RangeError(`"r[${i}]" is not in [0, ℓ)`);
    }
    view.setUint32(8 * i, hi, false);
    view.setUint32(8 * i + 4, lo, false);
  }
  return out;
}

/**
 * Strict inverse of {@link encodeDhfValue} for width `s`: DecodeError `decode.dhf.length` (not
 * `(s + 1)·8` bytes) or `decode.dhf.range` (a coordinate ≥ ℓ).
 */
export function decodeDhfValue(bytes: Uint8Array, s: number): DhfValue {
  checkBytes('bytes', bytes);
  checkTs(2, s);
  const n = s + 1;
  if (bytes.length !== 8 * n) {
    throw new DecodeError(
      'decode.dhf.length',
      `DHF value: expected ${8 * n} bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new BigUint64Array(n);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const hi = view.getUint32(8 * i, false);
    const lo = view.getUint32(8 * i + 4, false);
    if (hi === 0xffffffff && lo >= 0x100000000 - 59) {
      throw new DecodeError('decode.dhf.range', `DHF value: coordinate ${i} is not in [0, ℓ)`);
    }
    words[2 * i + HI] = hi;
    words[2 * i + LO] = lo;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detection (server). bigint arithmetic modulo ℓ.
// ---------------------------------------------------------------------------------------------

/** An incrementally built echelon basis of column vectors, tracking each basis vector as a
 * combination of original columns. */
class ColumnBasis {
  /** Basis vectors, each normalised to 1 at its pivot and 0 at every earlier pivot. */
  private readonly vecs: bigint[][] = [];
  private readonly pivots: number[] = [];
  /** combos[j][k]: coefficient of column cols[k] in basis vector j (k ≤ j). */
  private readonly combos: bigint[][] = [];
  /** Original column index of the column that created basis vector j. */
  readonly cols: number[] = [];

  get rank(): number {
    return this.vecs.length;
  }

  /**
   * Reduce column `v` (index `c`) against the basis. If independent, add it and return `null`;
   * otherwise return the kernel vector as a map column → coefficient (`v_c` minus its
   * representation in basis columns), zero coefficients omitted.
   */
  insert(v: readonly bigint[], c: number): Map<number, bigint> | null {
    const u = v.slice();
    const n = u.length;
    const r = this.vecs.length;
    // coef[k]: coefficient of basis column cols[k] in u = v_c + Σ coef[k]·v_{cols[k]}.
    const coef: bigint[] = new Array(r).fill(0n);
    // Lazy reduction: entries accumulate unreduced (< r·2^128) and are reduced when read.
    for (let j = 0; j < r; j++) {
      const p = this.pivots[j] as number;
      const f = (u[p] as bigint) % L;
      if (f === 0n) continue;
      const nf = L - f; // u ← u − f·b_j
      const b = this.vecs[j] as bigint[];
      for (let i = p; i < n; i++) {
        const bi = b[i] as bigint;
        if (bi !== 0n) u[i] = (u[i] as bigint) + nf * bi;
      }
      const cb = this.combos[j] as bigint[];
      for (let k = 0; k <= j; k++) {
        const ck = cb[k] as bigint;
        if (ck !== 0n) coef[k] = (coef[k] as bigint) + nf * ck;
      }
    }
    let pivot = -1;
    for (let i = 0; i < n; i++) {
      const e = (u[i] as bigint) % L;
      u[i] = e;
      if (e !== 0n && pivot < 0) pivot = i;
    }
    for (let k = 0; k < r; k++) coef[k] = (coef[k] as bigint) % L;
    if (pivot < 0) {
      const w = new Map<number, bigint>([[c, 1n]]);
      for (let k = 0; k < r; k++) {
        const ck = coef[k] as bigint;
        if (ck !== 0n) w.set(this.cols[k] as number, ck);
      }
      return w;
    }
    const inv = F_ELL.inv(u[pivot] as bigint);
    for (let i = pivot; i < n; i++) u[i] = ((u[i] as bigint) * inv) % L;
    const combo = coef.map((ck) => (ck * inv) % L);
    combo.push(inv);
    this.vecs.push(u);
    this.pivots.push(pivot);
    this.combos.push(combo);
    this.cols.push(c);
    return null;
  }

  /** Whether `v` lies in the span of the basis. */
  contains(v: readonly bigint[]): boolean {
    const u = v.slice();
    const n = u.length;
    for (let j = 0; j < this.vecs.length; j++) {
      const p = this.pivots[j] as number;
      const f = (u[p] as bigint) % L;
      if (f === 0n) continue;
      const nf = L - f;
      const b = this.vecs[j] as bigint[];
      for (let i = p; i < n; i++) {
        const bi = b[i] as bigint;
        if (bi !== 0n) u[i] = (u[i] as bigint) + nf * bi;
      }
    }
    return u.every((e) => e % L === 0n);
  }
}

/** `(1, x', …, x'^{T-2}, r_1, …, r_s)` as bigints. */
function expand(r: DhfValue, T: number): bigint[] {
  const x = r[0] as bigint;
  const v: bigint[] = new Array(T - 1 + r.length - 1);
  let pw = 1n;
  for (let k = 0; k < T - 1; k++) {
    v[k] = pw;
    pw = (pw * x) % L;
  }
  for (let i = 1; i < r.length; i++) v[T - 2 + i] = r[i] as bigint;
  return v;
}

/**
 * Detection (SPEC §7 step 1; Apple PSI §3.2): given `m` DHF values of width `s` with pairwise
 * distinct `x'` (identical tuples must be deduplicated by the caller), return
 * - `{ kind: 'detected', real, synthetic }` — the real columns are exactly `real` (≥ `T` of them,
 *   consistent with one set of `s` polynomials of degree ≤ `T − 2`);
 * - `{ kind: 'none' }` — the expanded columns are linearly independent: fewer than `T` real ones
 *   ("below threshold");
 * - `{ kind: 'excess' }` — the columns are dependent but no dependency has the polynomial
 *   structure of ≥ `T` real columns (more than `s` synthetics, or inconsistent input). Never a
 *   wrong set (module header: "The excess rule").
 *
 * Errors: ParameterError `dhf.duplicate` (two values with the same `x'`), `dhf.width` (a value
 * not of length `s + 1`), `dhf.range` (a coordinate ≥ ℓ), `dhf.threshold`.
 * Cost: `O(m · n · rank)` `bigint` operations, `n = T − 1 + s`. Variable-time.
 */
export function dhfDetect(values: readonly DhfValue[], T: number, s: number): DhfDetection {
  checkTs(T, s);
  if (!Array.isArray(values)) throw new TypeError('"values" expected an array');
  const m = values.length;
  const seen = new Map<bigint, number>();
  values.forEach((r, c) => {
    if (!(r instanceof BigUint64Array))
      throw new TypeError(`"values[${c}]" expected BigUint64Array`);
    if (r.length !== s + 1) {
      throw new ParameterError('dhf.width', `values[${c}]: expected ${s + 1} coordinates`);
    }
    for (let i = 0; i <= s; i++) {
      if ((r[i] as bigint) >= L) throw new ParameterError('dhf.range', `values[${c}][${i}] ≥ ℓ`);
    }
    const x = r[0] as bigint;
    const prev = seen.get(x);
    if (prev !== undefined) {
      throw new ParameterError(
        'dhf.duplicate',
        `values[${prev}] and values[${c}] share x' (deduplicate identical tuples first)`,
      );
    }
    seen.set(x, c);
  });
  if (m < T) return { kind: 'none' };

  const cols = values.map((r) => expand(r, T));
  const basis = new ColumnBasis();
  let dependent = false;
  let attempts = 0;
  for (let c = 0; c < m; c++) {
    const w = basis.insert(cols[c] as bigint[], c);
    if (w === null) continue;
    dependent = true;
    // Only supports of size ≤ T can be pure-real (module header); bounded attempts.
    if (w.size > T || attempts >= DHF_DETECT_MAX_ATTEMPTS) continue;
    attempts++;
    const found = spanClosure(cols, [...w.keys()], T);
    if (found !== null) return found;
  }
  return dependent ? { kind: 'excess' } : { kind: 'none' };
}

/** Accept `D = {c : v_c ∈ span(support)}` iff `rank = T − 1` and `|D| ≥ T`; else `null`. */
function spanClosure(cols: readonly bigint[][], support: number[], T: number): DhfDetection | null {
  const b = new ColumnBasis();
  for (const c of support) b.insert(cols[c] as bigint[], c);
  if (b.rank !== T - 1) return null;
  const real: number[] = [];
  const synthetic: number[] = [];
  for (let c = 0; c < cols.length; c++) {
    if (b.contains(cols[c] as bigint[])) real.push(c);
    else synthetic.push(c);
  }
  if (real.length < T) return null;
  return { kind: 'detected', real, synthetic };
}
