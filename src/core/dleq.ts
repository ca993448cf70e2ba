/**
 * Batched DLEQ (Chaum–Pedersen) proofs, RFC 9497 §2.2 `GenerateProof` / `VerifyProof` with
 * `ComputeComposites` (SPEC §2.1).
 *
 * Statement (RFC 9497 names): one secret scalar `k` maps `A` (here always `G`) to `B = k·A`
 * (the public key) and every `C[i]` to `D[i] = k·C[i]`.
 *
 * - Prover (ComputeCompositesFast): `seed = H(len(Bm)‖Bm‖len(seedDST)‖seedDST)`,
 *   `d_i = HashToScalar(len(seed)‖seed‖I2OSP(i, w)‖len(Ci)‖Ci‖len(Di)‖Di‖"Composite")`,
 *   `M = Σ d_i·C[i]`, `Z = k·M`; `r` random, `t2 = r·A`, `t3 = r·M`,
 *   `c = HashToScalar(len(Bm)‖Bm‖…‖"Challenge")`, `s = r − c·k`; proof = `c ‖ s`.
 * - Verifier (ComputeComposites): `M = Σ d_i·C[i]`, `Z = Σ d_i·D[i]` by variable-time MSM (all
 *   inputs are public), `t2 = s·A + c·B`, `t3 = s·M + c·Z`, accept iff the challenge matches.
 *
 * Differences from RFC 9497, all in {@link DleqConfig} (docs/decisions.md "DLEQ"):
 * - the context string is this library's per suite and purpose;
 * - the composite index `i` is 8 bytes wide (batches exceed 65,535 elements);
 * - **SPEC v2 §2.1, the seed binds the whole statement**:
 *   `seed = H(len(Bm)‖Bm‖len(seedDST)‖seedDST‖digest‖len(binding)‖binding)` with
 *   `digest = H("Statement-"‖context‖I2OSP(n, 8)‖C[0]‖D[0]‖…‖C[n-1]‖D[n-1])` (fixed-width
 *   encodings) and `binding` the caller's description of what the proof is about. Every weight
 *   `d_i` then depends on every element of the batch, so a prover who knows `k` cannot search
 *   each element's error independently for a vanishing weighted sum (Wagner's k-tree attack on
 *   RFC 9497's per-element weights).
 * {@link rfc9497Config} restores the RFC's exact encoding (context `"OPRFV1-" ‖ mode ‖ "-" ‖
 * identifier`, 2-byte index, seed over `Bm` and the context only) for the RFC vectors only.
 *
 * As in RFC 9497, `A` may be any public element; every protocol step of quorum-psi uses `A = G`.
 * @module dleq
 */
import { DLEQ_INDEX_BYTES, dst, RFC9497_INDEX_BYTES } from './constants.js';
import { DecodeError } from './errors.js';
import type { Element, Suite } from './group.js';
import { concatBytes, defaultRng, i2osp, lengthPrefixed, type Rng } from './utils.js';

/** Encoding parameters of the DLEQ transcripts. */
export interface DleqConfig {
  /** The context string appended to `"Seed-"` and `"HashToScalar-"`. */
  readonly context: Uint8Array;
  /** Width of the composite index: 2 (RFC 9497) or 8 (this library). */
  readonly indexBytes: 2 | 8;
  /**
   * `true` (this library): the seed hashes a digest of every `C[i]`, `D[i]` and the statement's
   * `binding` (SPEC v2 §2.1). `false`: RFC 9497's seed over the public key and context only,
   * kept for the RFC vectors.
   */
  readonly bindStatement: boolean;
}

/** This library's DLEQ configuration for a suite and purpose (`quorum-psi-v1-<suite>-<purpose>`). */
export function dleqConfig(suite: Suite, purpose: string): DleqConfig {
  return Object.freeze({
    context: dst(suite.shortName, purpose),
    indexBytes: DLEQ_INDEX_BYTES,
    bindStatement: true,
  });
}

/** RFC 9497's exact configuration for a mode (1 = VOPRF, 2 = POPRF). */
export function rfc9497Config(suite: Suite, mode: 0 | 1 | 2): DleqConfig {
  const ctx = concatBytes(
    new TextEncoder().encode('OPRFV1-'),
    Uint8Array.of(mode),
    new TextEncoder().encode(`-${suite.name}`),
  );
  return Object.freeze({ context: ctx, indexBytes: RFC9497_INDEX_BYTES, bindStatement: false });
}

/** A DLEQ statement (RFC 9497 names): `B = k·A` and `D[i] = k·C[i]` for all `i`. */
export interface DleqStatement {
  /** The base, `G` in every step of quorum-psi. */
  A: Element;
  /** The public key `k·A`. */
  B: Element;
  C: readonly Element[];
  D: readonly Element[];
  /** Optional encodings of `C` and `D`, if the caller already has them (saves re-encoding). */
  Cbytes?: readonly Uint8Array[];
  Dbytes?: readonly Uint8Array[];
  /**
   * What the proof is about (SPEC v2 §2.1 "binding context"), hashed into the seed: for the audit
   * the database header, root and filler seed; for a ring hop the session, owner and stage.
   * Only with a statement-binding configuration ({@link dleqConfig}); at most 65,535 bytes.
   */
  binding?: Uint8Array;
}

const te = new TextEncoder();
const SEED = te.encode('Seed-');
const HTS = te.encode('HashToScalar-');
const COMPOSITE = te.encode('Composite');
const STATEMENT = te.encode('Statement-');
const EMPTY = new Uint8Array(0);

/**
 * The statement digest of SPEC v2 §2.1: `H("Statement-"‖context‖I2OSP(n, 8)‖C[0]‖D[0]‖…)`,
 * streamed (batches reach 2^24 elements). Encodings have the suite's fixed length, so the
 * concatenation is unambiguous.
 */
export function statementDigest(
  suite: Suite,
  cfg: DleqConfig,
  Cbytes: readonly Uint8Array[],
  Dbytes: readonly Uint8Array[],
): Uint8Array {
  const n = Cbytes.length;
  if (Dbytes.length !== n) throw new RangeError(`DLEQ: ${n} inputs but ${Dbytes.length} outputs`);
  const Ne = suite.elementLength;
  const h = suite.hash.create();
  h.update(STATEMENT).update(cfg.context).update(i2osp(n, 8));
  for (let i = 0; i < n; i++) {
    const ci = Cbytes[i] as Uint8Array;
    const di = Dbytes[i] as Uint8Array;
    if (ci.length !== Ne || di.length !== Ne) throw new RangeError('DLEQ: element encoding length');
    h.update(ci).update(di);
  }
  return h.digest();
}
const CHALLENGE = te.encode('Challenge');

/**
 * The composite weights `d_i` of RFC 9497 `ComputeComposites`, with the seed of SPEC v2 §2.1 when
 * `cfg.bindStatement` (see the module header). Exposed for tests and for callers that compute
 * composites over encodings they already hold. Equal to {@link compositeSeed} followed by
 * {@link compositeWeightsAt} over the whole batch.
 */
export function compositeWeights(
  suite: Suite,
  cfg: DleqConfig,
  Bm: Uint8Array,
  Cbytes: readonly Uint8Array[],
  Dbytes: readonly Uint8Array[],
  binding?: Uint8Array,
): bigint[] {
  const seed = compositeSeed(suite, cfg, Bm, Cbytes, Dbytes, binding);
  return compositeWeightsAt(suite, cfg, seed, 0, Cbytes, Dbytes, Cbytes.length);
}

/**
 * The seed of the composite weights: `H(len(Bm)‖Bm‖len(seedDST)‖seedDST)`, followed (when
 * `cfg.bindStatement`) by the statement digest over every `C[i]`, `D[i]` and the length-prefixed
 * binding (SPEC v2 §2.1). One sequential hash over the whole batch; the weights of any range of
 * indices then follow from it alone ({@link compositeWeightsAt}), so they can be computed per
 * chunk, in any order or thread.
 */
export function compositeSeed(
  suite: Suite,
  cfg: DleqConfig,
  Bm: Uint8Array,
  Cbytes: readonly Uint8Array[],
  Dbytes: readonly Uint8Array[],
  binding?: Uint8Array,
): Uint8Array {
  const n = Cbytes.length;
  if (Dbytes.length !== n) throw new RangeError(`DLEQ: ${n} inputs but ${Dbytes.length} outputs`);
  const seedInput = [lengthPrefixed(Bm), lengthPrefixed(concatBytes(SEED, cfg.context))];
  if (cfg.bindStatement) {
    const b = binding ?? EMPTY;
    if (b.length > 0xffff) throw new RangeError('DLEQ: binding context exceeds 65,535 bytes');
    seedInput.push(statementDigest(suite, cfg, Cbytes, Dbytes), lengthPrefixed(b));
  } else if (binding !== undefined) {
    throw new RangeError('DLEQ: the RFC 9497 configuration takes no binding context');
  }
  return suite.hash(concatBytes(...seedInput));
}

/**
 * The weights `d_from, …, d_{from+c-1}` of a batch of `total` elements given its seed
 * ({@link compositeSeed}): `Cbytes[j]`, `Dbytes[j]` are the encodings of elements `from + j`
 * (`c = Cbytes.length`). The transcript of weight `i` carries the global index `i`, so the
 * weights of a chunk are those of the whole batch at the same positions.
 */
export function compositeWeightsAt(
  suite: Suite,
  cfg: DleqConfig,
  seed: Uint8Array,
  from: number,
  Cbytes: readonly Uint8Array[],
  Dbytes: readonly Uint8Array[],
  total: number,
): bigint[] {
  const c = Cbytes.length;
  if (Dbytes.length !== c) throw new RangeError(`DLEQ: ${c} inputs but ${Dbytes.length} outputs`);
  if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(total) || from + c > total)
    throw new RangeError(`DLEQ: range [${from}, ${from + c}) outside a batch of ${total}`);
  const hashToScalar = suite.scalarHasher(concatBytes(HTS, cfg.context));
  const Ne = suite.elementLength;
  const w = cfg.indexBytes;
  // One reusable transcript buffer: lengthPrefixed(seed) ‖ I2OSP(i, w) ‖ lengthPrefixed(Ci) ‖ lengthPrefixed(Di) ‖ "Composite".
  const buf = new Uint8Array(2 + seed.length + w + 2 + Ne + 2 + Ne + COMPOSITE.length);
  buf.set(lengthPrefixed(seed), 0);
  const iOff = 2 + seed.length;
  const cOff = iOff + w;
  const dOff = cOff + 2 + Ne;
  buf.set(i2osp(Ne, 2), cOff);
  buf.set(i2osp(Ne, 2), dOff);
  buf.set(COMPOSITE, dOff + 2 + Ne);
  const maxIndex = w === 2 ? 0xffff : Number.MAX_SAFE_INTEGER;
  if (total - 1 > maxIndex)
    throw new RangeError(`DLEQ: batch of ${total} exceeds the ${w}-byte index`);
  const d: bigint[] = new Array(c);
  for (let j = 0; j < c; j++) {
    const ci = Cbytes[j] as Uint8Array;
    const di = Dbytes[j] as Uint8Array;
    if (ci.length !== Ne || di.length !== Ne) throw new RangeError('DLEQ: element encoding length');
    // I2OSP(i, w), big-endian; i < 2^53 so two 32-bit halves suffice.
    let x = from + j;
    for (let b = w - 1; b >= 0; b--) {
      buf[iOff + b] = x & 0xff;
      x = Math.floor(x / 256);
    }
    buf.set(ci, cOff + 2);
    buf.set(di, dOff + 2);
    d[j] = hashToScalar(buf);
  }
  return d;
}

function challenge(
  suite: Suite,
  cfg: DleqConfig,
  Bm: Uint8Array,
  M: Element,
  Z: Element,
  t2: Element,
  t3: Element,
): bigint {
  const parts = [Bm, ...[M, Z, t2, t3].map((P) => suite.encode(P))].map(lengthPrefixed);
  return suite.hashToScalar(concatBytes(...parts, CHALLENGE), concatBytes(HTS, cfg.context));
}

function encodeAll(
  suite: Suite,
  xs: readonly Element[],
  given?: readonly Uint8Array[],
): readonly Uint8Array[] {
  if (given) {
    if (given.length !== xs.length) throw new RangeError('DLEQ: encodings do not match elements');
    return given;
  }
  return suite.encodeAll(xs);
}

function checkStatement(st: DleqStatement): void {
  if (st.C.length !== st.D.length) {
    throw new RangeError(`DLEQ: ${st.C.length} inputs but ${st.D.length} outputs`);
  }
  if (st.C.length === 0) throw new RangeError('DLEQ: empty batch');
}

/**
 * A variable-time multi-scalar multiplication over public points, for the composites `M`, `Z`
 * (default: the suite's `msmVartime`; the NGO party passes its limb MSM on ristretto255,
 * src/core/bulk-codec.ts). It must return `Σ scalars[i]·points[i]`: the proof's bytes and
 * verdict do not depend on which one computes it.
 */
export type CompositeMsm = (points: readonly Element[], scalars: readonly bigint[]) => Element;

const suiteMsm =
  (suite: Suite): CompositeMsm =>
  (points, scalars) =>
    suite.msmVartime(points as Element[], scalars as bigint[]);

/**
 * RFC 9497 `GenerateProof`: prove that `k` maps `A → B` and every `C[i] → D[i]`.
 * Secret-dependent operations (`k·M`, `r·B`, `r·M`) are constant-time. Returns `c ‖ s`.
 */
export function generateProof(
  suite: Suite,
  cfg: DleqConfig,
  k: bigint,
  st: DleqStatement,
  rng: Rng = defaultRng,
  msm: CompositeMsm = suiteMsm(suite),
): Uint8Array {
  checkStatement(st);
  const Bm = suite.encode(st.B);
  const Cb = encodeAll(suite, st.C, st.Cbytes);
  const Db = encodeAll(suite, st.D, st.Dbytes);
  const d = compositeWeights(suite, cfg, Bm, Cb, Db, st.binding);
  // Composites: the weights and C are public, so the MSM may be variable-time; Z = k·M is not.
  const M = msm(st.C, d);
  return proveComposite(suite, cfg, k, st.A, Bm, M, rng);
}

/**
 * The statement of a batched proof reduced to its composites: `A`, `B = k·A` and
 * `M = Σ d_i·C[i]` (and, for verification, `Z = Σ d_i·D[i]`), with the weights `d_i` of
 * {@link compositeSeed} / {@link compositeWeightsAt}. A caller that computes the composites in
 * chunks (partial sums over index ranges, possibly in other threads) adds the partial sums and
 * proves or verifies once: the proof is the one {@link generateProof} gives for the whole batch.
 */
export interface DleqComposites {
  A: Element;
  B: Element;
  M: Element;
  /** `Σ d_i·D[i]`: needed to verify, ignored when proving (the prover computes `k·M`). */
  Z?: Element;
}

/**
 * `GenerateProof` from the composite `M` of the whole batch (see {@link DleqComposites}): the
 * same bytes as {@link generateProof} for the same statement, `k` and rng state (one random
 * scalar is drawn, at the same point). `Z = k·M`, `r·A`, `r·M` are constant-time.
 */
export function generateProofFromComposites(
  suite: Suite,
  cfg: DleqConfig,
  k: bigint,
  comp: DleqComposites,
  rng: Rng = defaultRng,
): Uint8Array {
  return proveComposite(suite, cfg, k, comp.A, suite.encode(comp.B), comp.M, rng);
}

function proveComposite(
  suite: Suite,
  cfg: DleqConfig,
  k: bigint,
  A: Element,
  Bm: Uint8Array,
  M: Element,
  rng: Rng,
): Uint8Array {
  const Z = suite.mul(M, k);
  const r = suite.randomScalar(rng);
  const t2 = suite.mul(A, r);
  const t3 = suite.mul(M, r);
  const c = challenge(suite, cfg, Bm, M, Z, t2, t3);
  const s = suite.scalarSub(r, suite.scalarMul(c, k));
  return concatBytes(suite.encodeScalar(c), suite.encodeScalar(s));
}

/** Length of an encoded proof: two scalars. */
export function proofLength(suite: Suite): number {
  return 2 * suite.scalarLength;
}

/**
 * RFC 9497 `VerifyProof`. Returns `true` iff the proof is valid for the statement.
 * A proof of the wrong length or with a non-canonical scalar is a {@link DecodeError}.
 * All inputs are public, so both composites use variable-time MSM.
 */
export function verifyProof(
  suite: Suite,
  cfg: DleqConfig,
  st: DleqStatement,
  proof: Uint8Array,
  msm: CompositeMsm = suiteMsm(suite),
): boolean {
  checkStatement(st);
  const [c, s] = decodeProof(suite, proof);
  const Bm = suite.encode(st.B);
  const Cb = encodeAll(suite, st.C, st.Cbytes);
  const Db = encodeAll(suite, st.D, st.Dbytes);
  const d = compositeWeights(suite, cfg, Bm, Cb, Db, st.binding);
  const M = msm(st.C, d);
  const Z = msm(st.D, d);
  return checkComposite(suite, cfg, st.A, st.B, Bm, M, Z, c, s);
}

/**
 * `VerifyProof` from the composites `M`, `Z` of the whole batch (see {@link DleqComposites}):
 * the verdict {@link verifyProof} gives for the same statement. A proof of the wrong length or
 * with a non-canonical scalar is a {@link DecodeError}, as there.
 */
export function verifyProofFromComposites(
  suite: Suite,
  cfg: DleqConfig,
  comp: DleqComposites,
  proof: Uint8Array,
): boolean {
  const [c, s] = decodeProof(suite, proof);
  if (comp.Z === undefined) throw new TypeError('DLEQ: verifying needs the composite Z');
  return checkComposite(suite, cfg, comp.A, comp.B, suite.encode(comp.B), comp.M, comp.Z, c, s);
}

function decodeProof(suite: Suite, proof: Uint8Array): [bigint, bigint] {
  const Ns = suite.scalarLength;
  if (!(proof instanceof Uint8Array) || proof.length !== 2 * Ns) {
    throw new DecodeError('decode.proof.length', `DLEQ proof: expected ${2 * Ns} bytes`);
  }
  return [suite.decodeScalar(proof.subarray(0, Ns)), suite.decodeScalar(proof.subarray(Ns))];
}

function checkComposite(
  suite: Suite,
  cfg: DleqConfig,
  A: Element,
  B: Element,
  Bm: Uint8Array,
  M: Element,
  Z: Element,
  c: bigint,
  s: bigint,
): boolean {
  const t2 = suite.msmVartime([A, B], [s, c]);
  const t3 = suite.msmVartime([M, Z], [s, c]);
  if (t2.is0() || t3.is0() || M.is0() || Z.is0()) return false;
  const expected = challenge(suite, cfg, Bm, M, Z, t2, t3);
  return expected === c;
}
