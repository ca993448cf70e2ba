/**
 * ristretto255 element codec and hash-to-group on the float64 limbs of src/core/ct25519.ts:
 * RFC 9496 §4.3.1 Decode, §4.3.2 Encode, §4.3.4 MAP and FROM_UNIFORM_BYTES, and RFC 9380
 * `hash_to_ristretto255` (`expand_message_xmd` with SHA-512 to 64 bytes, two MAPs, one addition).
 * Byte-for-byte and point-for-point the functions of src/core/ristretto-codec.ts and noble's
 * `ristretto255_hasher.hashToCurve` (the suite's `hashToGroup`); decode and encode about 2.7
 * times faster, the hash about 4 times (bench/ct25519.ts; docs/decisions.md "ristretto255 codec
 * and hash-to-group on limbs").
 *
 * **Constant time.** Every function here follows the RFC's steps with no branch on a field
 * value: `CT_SELECT`, `CT_ABS`, `CT_EQ`, `IS_NEGATIVE` are the arithmetic-mask helpers of
 * ct25519.ts (`feCmov`, `feAbs`, `feEq`, `feIsNegative` on a constant-time canonical form), and
 * the inverse square root is a fixed addition chain. This matters for {@link mapToRistrettoLimbs}
 * and the hash: the hashed messages are an NGO's secret list items. Decode takes public input:
 * its final accept/reject is a branch (after the arithmetic, which runs in full). Encoding
 * branches on nothing. **Not claimed:** the argument of ct25519.ts's module doc, with its limits
 * (JavaScript gives no timing guarantee), and the boundaries are outside it: the bigint
 * coordinates converted in and out (`feFromBigint`, `feToBigint`) and SHA-512 (`@noble/hashes`,
 * integer operations, not audited here for timing).
 *
 * Tests: test/ristretto-limbs.test.ts (RFC 9496 Appendix A vectors; random, mutated and edge
 * encodings against `decodeRistretto`; every projective and torsion-shifted form against noble's
 * `toBytes`; random messages and DSTs against the suite's `hashToGroup`).
 * @module
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  FE_LIMBS,
  type Fe,
  feAbs,
  feAdd,
  feCmov,
  feCneg,
  feEq,
  feFromBigint,
  feFromBytes,
  feIsNegative,
  feIsZero,
  feMul,
  feNew,
  fePow58,
  feSqr,
  feSub,
  feToBigint,
  feToBytes,
  type RistrettoPoint,
} from './ct25519.js';
import { type ExtendedCoords, P } from './fe25519.js';
import { xmdExpander } from './xmd.js';

const CURVE_D = ed25519.Point.CURVE().d;
const mod = (x: bigint): bigint => ((x % P) + P) % P;

/** A field constant on limbs, from its value modulo `p`. */
function constant(x: bigint): Fe {
  const o = feNew();
  feFromBigint(o, mod(x));
  return o;
}

// RFC 9496 §4.1 constants (values as in noble's ed25519.js).
const ONE = constant(1n);
const MINUS_ONE = feNew();
MINUS_ONE[0] = -1; // the value -1: limbs (-1, 0, ..., 0)
const D = constant(CURVE_D);
const D2 = constant(2n * CURVE_D);
const SQRT_M1 =
  constant(19681161376707505956807079304988542015446066515923890162744021073123829784752n);
const INVSQRT_A_MINUS_D =
  constant(54469307008909316920995813868745141605393597292927456921205312896311721017578n);
const ONE_MINUS_D_SQ = constant(1n - CURVE_D * CURVE_D);
const D_MINUS_ONE_SQ = constant((CURVE_D - 1n) * (CURVE_D - 1n));
const SQRT_AD_MINUS_ONE =
  constant(25063068953384623474111414158702152701244531502492656460079210482610430750235n);

// Scratch space, reused by every call (a call runs to completion: no re-entrance).
const s0 = feNew();
const s1 = feNew();
const s2 = feNew();
const s3 = feNew();
const s4 = feNew();
const s5 = feNew();
const s6 = feNew();
const s7 = feNew();
const s8 = feNew();
const s9 = feNew();
const sr0 = feNew();
const sr1 = feNew();
const sr2 = feNew();
const sr3 = feNew();

/**
 * RFC 9496 §4.2 `SQRT_RATIO_M1(u, v)`: writes `r` to `o` (`CT_ABS`'d: non-negative, limbs
 * `≤ 2^22` in magnitude, not canonical) and returns `was_square` (1 or 0). `r = sqrt(u/v)` if
 * `u/v` is a square, else `sqrt(i·u/v)`; `(u, v) = (0, ·)` gives `(1, 0)`, `v = 0 ≠ u` gives
 * `(0, 0)`. Operands reduced or sums of two reduced elements. Constant time: a fixed chain,
 * three `CT_EQ`, one `CT_SELECT`, one `CT_ABS`. Same steps as noble's `uvRatio`.
 */
function sqrtRatioM1(o: Fe, u: Fe, v: Fe): number {
  feSqr(sr0, v);
  feMul(sr0, sr0, v); // v^3
  feSqr(sr1, sr0);
  feMul(sr1, sr1, v); // v^7
  feMul(sr0, sr0, u); // u·v^3
  feMul(sr1, sr1, u); // u·v^7
  fePow58(sr1, sr1);
  feMul(sr0, sr0, sr1); // r = (u·v^3)·(u·v^7)^((p-5)/8)
  feSqr(sr1, sr0);
  feMul(sr1, sr1, v); // check = v·r^2
  const correctSign = feEq(sr1, u);
  feCneg(sr2, u, 1); // -u
  const flipped = feEq(sr1, sr2);
  feMul(sr3, sr2, SQRT_M1); // -u·i
  const flippedI = feEq(sr1, sr3);
  feMul(sr2, sr0, SQRT_M1); // r' = i·r
  feCmov(sr0, sr0, sr2, flipped | flippedI);
  feAbs(o, sr0);
  return correctSign | flipped;
}

/** A point in extended coordinates `(X : Y : Z : T)` on limbs (ct25519.ts `Fe`). */
export interface FePoint {
  readonly X: Fe;
  readonly Y: Fe;
  readonly Z: Fe;
  readonly T: Fe;
}

const newFePoint = (): FePoint => ({ X: feNew(), Y: feNew(), Z: feNew(), T: feNew() });
const toCoords = (p: FePoint): ExtendedCoords => ({
  X: feToBigint(p.X),
  Y: feToBigint(p.Y),
  Z: feToBigint(p.Z),
  T: feToBigint(p.T),
});

const decX = feNew();
const decY = feNew();
const decT = feNew();
const decBytes = new Uint8Array(32);

/**
 * RFC 9496 §4.3.1 Decode on limbs: the affine extended coordinates `(x, y, 1, t)` (canonical)
 * of the element `bytes` encodes, or `null` if `bytes` is not 32 bytes or not a canonical
 * encoding of an element (`s ≥ p` or bit 255 set, `s` negative, not square, `t` negative or
 * `y = 0`). The same decision and coordinates as `decodeRistretto` (src/core/ristretto-codec.ts)
 * and noble's `fromBytes`; the identity (all-zero bytes) decodes to `(0, 1, 1, 0)`.
 */
export function decodeRistrettoLimbs(bytes: Uint8Array): ExtendedCoords | null {
  if (!decodeToLimbs(bytes)) return null;
  return { X: feToBigint(decX), Y: feToBigint(decY), Z: 1n, T: feToBigint(decT) };
}

/**
 * {@link decodeRistrettoLimbs} written as a raw point (`x, y, 1, t`; {@link RAW_POINT_BYTES}) at
 * `out[offset..)`, with no bigint; `false` (nothing written) if `bytes` is refused. The identity
 * decodes (to `(0, 1, 1, 0)`): callers that refuse it check {@link isRawIdentity}.
 */
export function decodeRistrettoRaw(bytes: Uint8Array, out: Uint8Array, offset: number): boolean {
  if (!decodeToLimbs(bytes)) return false;
  feToBytes(out, decX, offset);
  feToBytes(out, decY, offset + 32);
  out.fill(0, offset + 64, offset + 96);
  out[offset + 64] = 1;
  feToBytes(out, decT, offset + 96);
  return true;
}

const idX = feNew();
const idY = feNew();

/** Whether the raw point at `raw[offset..)` is in the identity's class (`X = 0` or `Y = 0`). */
export function isRawIdentity(raw: Uint8Array, offset: number): boolean {
  feFromBytes(idX, raw, offset);
  feFromBytes(idY, raw, offset + 32);
  return (feIsZero(idX) | feIsZero(idY)) === 1;
}

/** Decodes into `decX`, `decY`, `decT`; `false` on rejection. */
function decodeToLimbs(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) return false;
  const s = s0;
  feFromBytes(s, bytes);
  // Canonical (s < p, bit 255 clear) iff the canonical re-encoding is the input; then not negative.
  feToBytes(decBytes, s);
  let diff = (bytes[0] as number) & 1;
  for (let i = 0; i < 32; i++) diff |= (decBytes[i] as number) ^ (bytes[i] as number);
  const ss = s1;
  feSqr(ss, s);
  const u1 = s2;
  const u2 = s3;
  feSub(u1, ONE, ss); // 1 - s^2
  feAdd(u2, ONE, ss); // 1 + s^2
  const u2sq = s4;
  feSqr(u2sq, u2);
  const v = s5;
  feSqr(v, u1);
  feMul(v, v, D);
  for (let i = 0; i < FE_LIMBS; i++) v[i] = -(v[i] as number) - (u2sq[i] as number); // -(d·u1^2) - u2^2
  const w = s6;
  feMul(w, v, u2sq);
  const invsqrt = s7;
  const wasSquare = sqrtRatioM1(invsqrt, ONE, w);
  const denX = s8;
  feMul(denX, invsqrt, u2);
  const denY = s9;
  feMul(denY, invsqrt, denX);
  feMul(denY, denY, v);
  feAdd(decX, s, s);
  feMul(decX, decX, denX);
  feAbs(decX, decX); // x = |2s·den_x|
  feMul(decY, u1, denY); // y = u1·den_y
  feMul(decT, decX, decY); // t = x·y
  const bad = diff | (wasSquare ^ 1) | feIsNegative(decT) | feIsZero(decY);
  return bad === 0;
}

const enc = newFePoint();

/**
 * RFC 9496 §4.3.2 Encode, on limbs `(X : Y : Z : T)` (any representative of the element: every
 * `Z ≠ 0` scaling and any 4-torsion shift give the same bytes), written to `out` at `offset`.
 * Limbs reduced (`[-1, 2^22]`) or loaded (`[0, 2^22)`). Constant time: `CT_SELECT` for the
 * rotation and the sign of `y`, `CT_ABS` for `s`. Does not modify its inputs.
 */
export function encodeRistrettoFe(p: FePoint, out: Uint8Array, offset = 0): void {
  const { X, Y, Z, T } = p;
  const u1 = s0;
  const u2 = s1;
  feAdd(s2, Z, Y);
  feSub(s3, Z, Y);
  feMul(u1, s2, s3); // (z0 + y0)·(z0 - y0)
  feMul(u2, X, Y); // x0·y0
  feSqr(s2, u2);
  feMul(s2, s2, u1);
  const invsqrt = s3;
  sqrtRatioM1(invsqrt, ONE, s2);
  const den1 = s4;
  const den2 = s5;
  feMul(den1, invsqrt, u1);
  feMul(den2, invsqrt, u2);
  const zInv = s6;
  feMul(zInv, den1, den2);
  feMul(zInv, zInv, T);
  const ix0 = s7;
  const iy0 = s8;
  feMul(ix0, X, SQRT_M1);
  feMul(iy0, Y, SQRT_M1);
  feMul(den1, den1, INVSQRT_A_MINUS_D); // enchanted denominator
  feMul(s9, T, zInv);
  const rotate = feIsNegative(s9);
  const x = s2;
  const y = s3;
  feCmov(x, X, iy0, rotate);
  feCmov(y, Y, ix0, rotate);
  const denInv = s5;
  feCmov(denInv, den2, den1, rotate);
  feMul(s9, x, zInv);
  feCneg(y, y, feIsNegative(s9));
  feSub(s9, Z, y);
  feMul(s9, denInv, s9);
  feAbs(s9, s9); // s = |den_inv·(z - y)|
  feToBytes(out, s9, offset);
}

/**
 * RFC 9496 §4.3.2 Encode of the point with extended coordinates `(X : Y : Z : T)` (bigints in
 * `[0, 2^264)`, as noble's points hold them): the same 32 bytes as `encodeRistretto`
 * (src/core/ristretto-codec.ts) and noble's `toBytes`. The identity encodes to 32 zero bytes.
 */
export function encodeRistrettoLimbs(c: ExtendedCoords): Uint8Array {
  feFromBigint(enc.X, c.X);
  feFromBigint(enc.Y, c.Y);
  feFromBigint(enc.Z, c.Z);
  feFromBigint(enc.T, c.T);
  const out = new Uint8Array(32);
  encodeRistrettoFe(enc, out);
  return out;
}

const mapR0 = feNew();
const mapR = feNew();
const mapD = feNew();
const mapS = feNew();
const mapC = feNew();
const mapNt = feNew();

/**
 * RFC 9496 §4.3.4 MAP of `bytes[offset..offset+32)` (bit 255 masked, value reduced modulo `p`),
 * written to `o` in extended coordinates on limbs (reduced; `Z ≠ 0`). Noble's
 * `calcElligatorRistrettoMap` step by step, with its two data-dependent `if`s as `CT_SELECT`s.
 * Constant time: no branch or index on the input or any intermediate value.
 */
export function mapToRistrettoLimbs(o: FePoint, bytes: Uint8Array, offset = 0): void {
  const r0 = mapR0;
  feFromBytes(r0, bytes, offset);
  const r = mapR;
  feSqr(r, r0);
  feMul(r, r, SQRT_M1); // r = i·r0^2
  const ns = s0;
  feAdd(ns, r, ONE);
  feMul(ns, ns, ONE_MINUS_D_SQ); // Ns = (r + 1)·(1 - d^2)
  const d = mapD;
  feMul(s1, D, r);
  feSub(s1, MINUS_ONE, s1); // c - d·r, c = -1
  feAdd(s2, r, D);
  feMul(d, s1, s2); // D = (c - d·r)·(r + d)
  const s = mapS;
  const nsDIsSq = sqrtRatioM1(s, ns, d);
  const sPrime = s1;
  feMul(sPrime, s, r0);
  feCneg(sPrime, sPrime, feIsNegative(sPrime) ^ 1); // s' = -CT_ABS(s·r0)
  feCmov(s, sPrime, s, nsDIsSq); // s = was_square ? s : s'
  const c = mapC;
  feCmov(c, r, MINUS_ONE, nsDIsSq); // c = was_square ? -1 : r
  const nt = mapNt;
  feSub(s2, r, ONE);
  feMul(nt, c, s2);
  feMul(nt, nt, D_MINUS_ONE_SQ);
  feSub(nt, nt, d); // Nt = c·(r - 1)·(d - 1)^2 - D
  const sSq = s2;
  feSqr(sSq, s);
  const w0 = s3;
  const w1 = s4;
  const w2 = s5;
  const w3 = s6;
  feAdd(w0, s, s);
  feMul(w0, w0, d); // 2s·D
  feMul(w1, nt, SQRT_AD_MINUS_ONE);
  feSub(w2, ONE, sSq);
  feAdd(w3, ONE, sSq);
  feMul(o.X, w0, w3);
  feMul(o.Y, w2, w1);
  feMul(o.Z, w1, w3);
  feMul(o.T, w0, w2);
}

/**
 * `o = p + q` on edwards25519 (o may alias p or q), add-2008-hwcd-3 with `k = 2d`: complete for
 * `a = -1` (`d` is not a square). Inputs reduced; output reduced.
 */
function addPoints(o: FePoint, p: FePoint, q: FePoint): void {
  addSigned(o, p, q, false);
}

/**
 * `p + q`, or `p − q` with `negQ`: `−q = (−X, Y, Z, −T)` folded in (the two products swap and
 * `T1·2d·T2` changes sign). `negQ` is a public flag (a branch on it reveals nothing secret).
 */
function addSigned(o: FePoint, p: FePoint, q: FePoint, negQ: boolean): void {
  const a = s0;
  const b = s1;
  const c = s2;
  const d = s3;
  feSub(a, p.Y, p.X);
  if (negQ) feAdd(s4, q.Y, q.X);
  else feSub(s4, q.Y, q.X);
  feMul(a, a, s4); // (Y1 - X1)·(Y2 ∓ X2)
  feAdd(b, p.Y, p.X);
  if (negQ) feSub(s4, q.Y, q.X);
  else feAdd(s4, q.Y, q.X);
  feMul(b, b, s4); // (Y1 + X1)·(Y2 ± X2)
  feMul(c, p.T, D2);
  feMul(c, c, q.T); // T1·2d·T2 (its sign folded in below)
  feAdd(d, p.Z, p.Z);
  feMul(d, d, q.Z); // 2·Z1·Z2
  const e = s4;
  const f = s5;
  const g = s6;
  const h = s7;
  feSub(e, b, a);
  if (negQ) {
    feAdd(f, d, c);
    feSub(g, d, c);
  } else {
    feSub(f, d, c);
    feAdd(g, d, c);
  }
  feAdd(h, b, a);
  feMul(o.X, e, f);
  feMul(o.Y, g, h);
  feMul(o.Z, f, g);
  feMul(o.T, e, h);
}

const h1 = newFePoint();
const h2 = newFePoint();

/**
 * RFC 9496 §4.3.4 FROM_UNIFORM_BYTES (noble's `ristretto255_hasher.deriveToCurve`): MAP of each
 * 32-byte half of the 64 `bytes`, added. Projective extended coordinates (canonical bigints, not
 * normalised); the same element as noble's. Constant time (module doc).
 */
export function fromUniformBytesLimbs(bytes: Uint8Array): ExtendedCoords {
  return toCoords(fromUniformBytesFe(bytes));
}

/** {@link fromUniformBytesLimbs} on limbs: the point in scratch space, valid until the next call. */
function fromUniformBytesFe(bytes: Uint8Array): FePoint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
    throw new RangeError('fromUniformBytes: expected 64 bytes');
  }
  mapToRistrettoLimbs(h1, bytes, 0);
  mapToRistrettoLimbs(h2, bytes, 32);
  addPoints(h1, h1, h2);
  return h1;
}

/**
 * RFC 9380 `hash_to_ristretto255` prepared for one DST: `msg ↦` the Edwards coordinates of the
 * element, projective (canonical bigints), the same element as the ristretto255 suite's
 * `hashToGroup(msg, dst)` (noble's `ristretto255_hasher.hashToCurve`). `expand_message_xmd` is
 * src/core/xmd.ts's (SHA-512, 64 bytes; byte-identical to noble's, tested there); the DST must
 * be non-empty (RangeError, as noble refuses it too).
 */
export function ristrettoHasherLimbs(dst: Uint8Array): (msg: Uint8Array) => ExtendedCoords {
  const expand = xmdExpander(sha512, dst, 64);
  return (msg) => fromUniformBytesLimbs(expand(msg));
}

let lastDst: Uint8Array | undefined;
let lastExpand: ((msg: Uint8Array) => Uint8Array) | undefined;

/**
 * RFC 9380 `hash_to_ristretto255(msg)` with domain separation tag `dst`, on limbs: see
 * {@link ristrettoHasherLimbs}. Keeps the expander of the last DST used (compared by value; the
 * DST is public), so repeated calls with one DST save one SHA-512 compression each.
 */
export function hashToRistrettoLimbs(msg: Uint8Array, dst: Uint8Array): ExtendedCoords {
  return toCoords(hashToRistrettoFe(msg, dst));
}

/** {@link hashToRistrettoLimbs} on limbs: the point in scratch space, valid until the next call. */
function hashToRistrettoFe(msg: Uint8Array, dst: Uint8Array): FePoint {
  if (!(msg instanceof Uint8Array)) throw new TypeError('hashToRistretto: msg must be bytes');
  if (lastExpand === undefined || lastDst === undefined || !sameBytes(lastDst, dst)) {
    const e = xmdExpander(sha512, dst, 64); // validates dst
    lastDst = Uint8Array.from(dst);
    lastExpand = e;
  }
  return fromUniformBytesFe(lastExpand(msg));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** {@link hashToRistrettoLimbs} as a noble ristretto255 element (projective representative). */
export function hashToRistrettoPoint(msg: Uint8Array, dst: Uint8Array): RistrettoPoint {
  const c = hashToRistrettoLimbs(msg, dst);
  return new ristretto255.Point(new ed25519.Point(c.X, c.Y, c.Z, c.T));
}

/**
 * Raw points: a point's extended coordinates `X, Y, Z, T`, each as its canonical value in 32
 * little-endian bytes ({@link RAW_POINT_BYTES} per point). A representation for passing points
 * between threads and holding many of them in one buffer, without an encoding's inversion or
 * square root; never on the wire, never compared (src/core/parallel.ts `pointsToRaw`).
 */
export const RAW_POINT_BYTES = 128;

/** Loads the raw point at `raw[offset..offset+128)` into `o`. Constant time. */
export function loadRawPoint(o: FePoint, raw: Uint8Array, offset: number): void {
  feFromBytes(o.X, raw, offset);
  feFromBytes(o.Y, raw, offset + 32);
  feFromBytes(o.Z, raw, offset + 64);
  feFromBytes(o.T, raw, offset + 96);
}

/** Stores `p` as a raw point at `raw[offset..offset+128)`. Constant time. */
export function storeRawPoint(raw: Uint8Array, offset: number, p: FePoint): void {
  feToBytes(raw, p.X, offset);
  feToBytes(raw, p.Y, offset + 32);
  feToBytes(raw, p.Z, offset + 64);
  feToBytes(raw, p.T, offset + 96);
}

/** A point on limbs for the callers of the raw functions (scratch of their own). */
export const newRawScratch = newFePoint;

/**
 * {@link hashToRistrettoLimbs} written as a raw point at `out[offset..offset+128)`: the same
 * element, with no bigint on the way. Constant time (the module doc's limits).
 */
export function hashToRistrettoRaw(
  msg: Uint8Array,
  dst: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  storeRawPoint(out, offset, hashToRistrettoFe(msg, dst));
}

/**
 * `o = p − q` on edwards25519 (o may alias p or q): add-2008-hwcd-3 with `−q` folded in.
 * Complete. Inputs reduced (or loaded); output reduced. Branch-free in the values.
 */
export function subPoints(o: FePoint, p: FePoint, q: FePoint): void {
  addSigned(o, p, q, true);
}

const rawEnc = newFePoint();

/**
 * RFC 9496 Encode of the raw point at `raw[offset..offset+128)`, written to `out` at `outOffset`;
 * `false` (and nothing written) for the identity, whose encoding the suite refuses with its own
 * error. Constant time apart from that answer.
 */
export function encodeRawPoint(
  raw: Uint8Array,
  offset: number,
  out: Uint8Array,
  outOffset: number,
): boolean {
  // The identity's class (E[4]): X = 0 or Y = 0, as noble's `is0` decides it.
  if (isRawIdentity(raw, offset)) return false;
  loadRawPoint(rawEnc, raw, offset);
  encodeRistrettoFe(rawEnc, out, outOffset);
  return true;
}
