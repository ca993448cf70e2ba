/**
 * The ring and the bulletin board (SPEC §3 steps 1, 3-4): the hop proofs' configuration and
 * binding, the commitments every party verifies, the stage signatures and hop proofs a party
 * checks on what it receives, and the complete verification of the board that anyone can run.
 * Shared by the party, the arbiter and any observer of the board.
 * @module
 */
import { DLEQ_INDEX_BYTES, DLEQ_PURPOSE, SIG_LABEL } from '../core/constants.js';
import {
  type CompositeMsm,
  compositeSeed,
  type DleqConfig,
  dleqConfig,
  verifyProof,
  verifyProofFromComposites,
} from '../core/dleq.js';
import {
  DecodeError,
  NgoDecodeError,
  NgoVerificationError,
  ParameterError,
  VerificationError,
} from '../core/errors.js';
import type { Element, Suite } from '../core/group.js';
import {
  chunkSizeFor,
  elementDecodeError,
  firstError,
  inThreadExecutor,
  type ParallelOptions,
  sumPartials,
} from '../core/parallel.js';
import { verifyStatement } from '../core/sign.js';
import { concatBytes, equalBytes } from '../core/utils.js';
import { fail, failDecode } from './culprit.js';
import {
  commitmentDigest,
  decodeElementList,
  decodeNgoBulletin,
  decodeNgoBulletinView,
  decodeNgoChain,
  decodeNgoCommitment,
  elementViews,
  encodeNgoBulletin,
  maskedListDigest,
  type NgoBulletin,
  type NgoChain,
  type NgoCommitment,
  type NgoStage,
  type QuorumConfig,
  stageStatement,
} from './ngo-messages.js';

/** The DLEQ configuration of stage `stage` of list `owner`: the context binds session, owner, stage. */
export function hopDleqConfig(config: QuorumConfig, owner: number, stage: number): DleqConfig {
  const base = dleqConfig(config.suite, DLEQ_PURPOSE.ngoHop);
  const ctx = concatBytes(
    base.context,
    config.sessionDigest,
    Uint8Array.of(owner >>> 8, owner & 0xff, stage >>> 8, stage & 0xff),
  );
  return Object.freeze({ context: ctx, indexBytes: DLEQ_INDEX_BYTES, bindStatement: true });
}

/**
 * The binding context of the hop proof of stage `stage` of list `owner` (SPEC v2 §2.1):
 * `σ ‖ u16 owner ‖ u16 stage`, hashed into the proof's seed with the digest of both stages'
 * elements, so the proof holds for this run, list and stage only.
 */
export function hopProofBinding(config: QuorumConfig, owner: number, stage: number): Uint8Array {
  return concatBytes(
    config.sessionDigest,
    Uint8Array.of(owner >>> 8, owner & 0xff, stage >>> 8, stage & 0xff),
  );
}

/** Producer of stage `stage` of list `owner`: `(owner + stage) mod k`. */
export function stageProducer(config: QuorumConfig, owner: number, stage: number): number {
  return (owner + stage) % config.members.length;
}

/** Verified commitments of all parties. */
export interface VerifiedCommitments {
  readonly K: readonly Element[];
  readonly sizes: readonly number[];
  readonly digests: readonly Uint8Array[];
  readonly decoded: readonly NgoCommitment[];
}

/**
 * Decode and verify the `k` commitments (position `j` must be party `j`'s): suite, session,
 * index and the signature under the roster key. Position `j` is what party `j` broadcast (each
 * party delivers its own commitment), so a failure names party `j` as the transport sender:
 * whatever it delivered — a commitment of another run or party, or one whose signature does not
 * verify — it delivered in its own slot.
 */
export function verifyCommitments(
  config: QuorumConfig,
  commitments: readonly Uint8Array[],
): VerifiedCommitments {
  const k = config.members.length;
  if (!Array.isArray(commitments) || commitments.length !== k) {
    throw new ParameterError('ngo.commitments.count', `expected ${k} commitments`);
  }
  const decoded = commitments.map((bytes, j) => {
    let c: NgoCommitment;
    try {
      c = decodeNgoCommitment(bytes);
    } catch (e) {
      if (e instanceof DecodeError) failDecode(config, e, j, 'commitment');
      throw e;
    }
    if (
      c.suite !== config.suite ||
      !equalBytes(c.sessionDigest, config.sessionDigest) ||
      c.index !== j
    ) {
      fail(config, 'ngo.commitment.session', j, `commitment ${j}: wrong suite, session or index`);
    }
    const pk = (config.members[j] as { signingPublicKey: Uint8Array }).signingPublicKey;
    if (!verifyStatement(pk, SIG_LABEL.ngoCommitment, c.signedBody, c.signature)) {
      fail(config, 'ngo.commitment.signature', j, `commitment ${j}: invalid signature`);
    }
    return c;
  });
  return {
    K: decoded.map((c) => c.maskingKey),
    sizes: decoded.map((c) => c.listSize),
    digests: commitments.map((b) => commitmentDigest(b)),
    decoded,
  };
}

/** Check every stage signature of a chain against the roster. Returns the index of a bad stage or -1. */
export function badStageSignature(config: QuorumConfig, chain: NgoChain): number {
  for (let t = 0; t < chain.stages.length; t++) {
    const st = chain.stages[t] as NgoStage;
    const producer = stageProducer(config, chain.owner, t);
    const body = stageStatement(
      config.sessionDigest,
      chain.owner,
      t,
      producer,
      chain.n,
      st.list,
      st.proof,
    );
    const pk = (config.members[producer] as { signingPublicKey: Uint8Array }).signingPublicKey;
    if (!verifyStatement(pk, SIG_LABEL.ngoStage, body, st.signature)) return t;
  }
  return -1;
}

/** Result of verifying a bulletin board: the fully-masked list of every owner. */
export interface VerifiedBulletin {
  /** `finalLists[j]`: the `n_j·Ne` bytes of list `j` after all `k` maskings, in owner `j`'s order. */
  readonly finalLists: readonly Uint8Array[];
  /** `stage0Lists[j]`: list `j` as its owner masked it (stage 0). */
  readonly stage0Lists: readonly Uint8Array[];
  readonly sizes: readonly number[];
}

/**
 * Verify a bulletin board completely (SPEC §3 step 4: "every NGO can verify every proven hop"):
 * every chain complete and sized as committed, every stage signature, every element decoding,
 * every hop's DLEQ proof. A stage whose signature does not verify is a {@link VerificationError}
 * naming nobody (the board has no sender among the parties); a validly signed stage that fails
 * (size, decoding, proof) is an {@link NgoVerificationError} / {@link NgoDecodeError} naming its
 * producer.
 */
export function verifyBulletin(
  config: QuorumConfig,
  commitments: readonly Uint8Array[],
  bulletin: Uint8Array,
): VerifiedBulletin {
  return verifyBulletinWith(config, verifyCommitments(config, commitments), bulletin);
}

/** `owner:stage` → fingerprint of a hop this party already checked or produced (see {@link hopFingerprint}). */
export type KnownHops = ReadonlyMap<string, Uint8Array>;

/**
 * Fingerprint of a proven hop: `SHA-256`-based digests of its input and output lists and the
 * proof bytes. A hop on the board with the same fingerprint as one this party verified (or
 * produced) is the same statement with the same proof, so it need not be verified again.
 */
export function hopFingerprint(
  n: number,
  input: Uint8Array,
  output: Uint8Array,
  proof: Uint8Array,
): Uint8Array {
  return concatBytes(maskedListDigest(input, n), maskedListDigest(output, n), proof);
}

/**
 * {@link verifyBulletin} given commitments already verified, skipping every hop in `known` whose
 * fingerprint the board repeats byte for byte (a party's own ring hops, see `NgoParty.qualify`).
 */
export function verifyBulletinWith(
  config: QuorumConfig,
  vc: VerifiedCommitments,
  bulletin: Uint8Array,
  known: KnownHops = new Map(),
  msm?: CompositeMsm,
): VerifiedBulletin {
  const { suite } = config;
  const k = config.members.length;
  const board = decodeBoard(config, bulletin);
  const finalLists: Uint8Array[] = [];
  const stage0Lists: Uint8Array[] = [];
  for (let j = 0; j < k; j++) {
    const chain = board.chains[j] as NgoChain;
    checkChainHeader(config, vc, chain, j);
    // Decode a stage only when a proof that involves it must be verified here (lazily, once).
    const decoded = new Map<number, { pts: Element[]; bytes: Uint8Array[] }>();
    const stagePoints = (t: number) => {
      let d = decoded.get(t);
      if (!d) {
        const st = chain.stages[t] as NgoStage;
        let pts: Element[];
        try {
          pts = decodeElementList(suite, st.list, chain.n);
        } catch (e) {
          if (e instanceof DecodeError)
            failDecode(config, e, stageProducer(config, j, t), `bulletin list ${j} stage ${t}`);
          throw e;
        }
        d = { pts, bytes: elementViews(st.list, chain.n, suite.elementLength) };
        decoded.set(t, d);
      }
      return d;
    };
    for (const t of hopsToVerify(config, j, chain, known)) {
      const st = chain.stages[t] as NgoStage;
      const producer = stageProducer(config, j, t);
      const ok = safeVerify(
        suite,
        hopDleqConfig(config, j, t),
        vc.K[producer] as Element,
        stagePoints(t - 1),
        stagePoints(t),
        st.proof as Uint8Array,
        hopProofBinding(config, j, t),
        msm,
      );
      if (!ok)
        fail(
          config,
          'ngo.hop.proof',
          producer,
          `bulletin list ${j} stage ${t}: DLEQ proof invalid`,
        );
    }
    finalLists.push((chain.stages[k - 1] as NgoStage).list);
    stage0Lists.push((chain.stages[0] as NgoStage).list);
  }
  return { finalLists, stage0Lists, sizes: vc.sizes };
}

/** Decode a board and check its suite, session and list count. */
function decodeBoard(config: QuorumConfig, bulletin: Uint8Array, owned = false): NgoBulletin {
  // `owned`: bytes no caller can change (the asynchronous qualify's, copied or moved at its
  // call), decoded without another copy.
  const board = owned ? decodeNgoBulletinView(bulletin) : decodeNgoBulletin(bulletin);
  if (
    board.suite !== config.suite ||
    !equalBytes(board.sessionDigest, config.sessionDigest) ||
    board.chains.length !== config.members.length
  ) {
    throw new VerificationError(
      'ngo.bulletin.session',
      'bulletin: wrong suite, session or list count',
    );
  }
  return board;
}

/** The checks of chain `j` of a board before any element is decoded: signatures, then size. */
function checkChainHeader(
  config: QuorumConfig,
  vc: VerifiedCommitments,
  chain: NgoChain,
  j: number,
): void {
  const k = config.members.length;
  const publisher = stageProducer(config, j, k - 1);
  // Signatures first: a stage whose signature does not verify was not made by the party it
  // names, and the board has no sender among the parties (anyone assembles or relays it), so
  // nobody is named. Every later failure is in stages validly signed by their producers.
  const bad = badStageSignature(config, chain);
  if (bad >= 0) {
    throw new VerificationError(
      'ngo.bulletin.signature',
      `bulletin list ${j}: stage ${bad} signature invalid (forged or altered after signing; ` +
        `not attributable to party ${stageProducer(config, j, bad)}, whose name it carries)`,
    );
  }
  if (chain.n !== vc.sizes[j]) {
    fail(
      config,
      'ngo.bulletin.length',
      publisher,
      `bulletin list ${j}: ${chain.n} elements, committed ${vc.sizes[j]}`,
    );
  }
}

/** The stages `t` (1..k-1) of a chain whose hop proof must be verified: all but the `known` ones. */
function hopsToVerify(
  config: QuorumConfig,
  j: number,
  chain: NgoChain,
  known: KnownHops,
): number[] {
  const out: number[] = [];
  for (let t = 1; t < config.members.length; t++) {
    const st = chain.stages[t] as NgoStage;
    const prevList = (chain.stages[t - 1] as NgoStage).list;
    const seen = known.get(`${j}:${t}`);
    if (
      seen &&
      equalBytes(seen, hopFingerprint(chain.n, prevList, st.list, st.proof as Uint8Array))
    ) {
      continue; // this exact hop was verified (or produced) by this party during the ring
    }
    out.push(t);
  }
  return out;
}

/**
 * {@link verifyBulletinWith} with the proofs' element-wise work on `opts.executor` (default: this
 * thread, yielding between chunks): list by list, the composites of every hop still to verify
 * are computed per chunk (each stage decoded once per chunk) and added here, and each proof is
 * checked once. The checks are replayed in {@link verifyBulletinWith}'s order, so the result and
 * the first error (its code, message and culprit) are the same.
 */
export async function verifyBulletinWithAsync(
  config: QuorumConfig,
  vc: VerifiedCommitments,
  bulletin: Uint8Array,
  known: KnownHops = new Map(),
  opts: ParallelOptions = {},
  owned = false,
): Promise<VerifiedBulletin> {
  const { suite } = config;
  const Ne = suite.elementLength;
  const k = config.members.length;
  const board = decodeBoard(config, bulletin, owned);
  const ex = opts.executor ?? inThreadExecutor();
  const plans = board.chains.map((chain, j) => hopsToVerify(config, j, chain, known));
  const total = board.chains.reduce((a, c, j) => a + c.n * (plans[j] as number[]).length, 0);
  let done = 0;
  const finalLists: Uint8Array[] = [];
  const stage0Lists: Uint8Array[] = [];
  for (let j = 0; j < k; j++) {
    const chain = board.chains[j] as NgoChain;
    checkChainHeader(config, vc, chain, j);
    const hops = plans[j] as number[];
    finalLists.push((chain.stages[k - 1] as NgoStage).list);
    stage0Lists.push((chain.stages[0] as NgoStage).list);
    if (hops.length === 0) continue;
    const n = chain.n;
    const stageList = (t: number) => (chain.stages[t] as NgoStage).list;
    // Each proof's seed hashes its two whole stages (a sequential hash, here).
    const proofs = hops.map((t) => {
      const cfg = hopDleqConfig(config, j, t);
      const seed = compositeSeed(
        suite,
        cfg,
        suite.encode(vc.K[stageProducer(config, j, t)] as Element),
        elementViews(stageList(t - 1), n, Ne),
        elementViews(stageList(t), n, Ne),
        hopProofBinding(config, j, t),
      );
      return { C: t - 1, D: t, cfg, seed, withZ: true };
    });
    const needed = new Set(hops.flatMap((t) => [t - 1, t]));
    const size = chunkSizeFor(n, ex.workers, opts.chunkSize);
    const count = Math.ceil(n / size);
    const parts = await ex.map(
      'composites',
      count,
      (i) => {
        const lo = i * size;
        const hi = Math.min(n, lo + size);
        return {
          suite: suite.id,
          from: lo,
          total: n,
          stages: chain.stages.map((st, t) =>
            needed.has(t) ? st.list.slice(lo * Ne, hi * Ne) : null,
          ),
          held: null,
          proofs,
        };
      },
      {
        onResult: (i) => {
          done += (Math.min(n, (i + 1) * size) - i * size) * hops.length;
          opts.onProgress?.({ phase: 'verify', done, total });
        },
      },
    );
    // Replay verifyBulletinWith's order: stage t-1 decodes, stage t decodes, hop t's proof.
    const checked = new Set<number>();
    const checkStage = (t: number) => {
      if (checked.has(t)) return;
      checked.add(t);
      const e = firstError(parts.map((r) => r.errors[t] ?? null));
      if (e)
        failDecode(
          config,
          elementDecodeError(e),
          stageProducer(config, j, t),
          `bulletin list ${j} stage ${t}`,
        );
    };
    hops.forEach((t, h) => {
      checkStage(t - 1);
      checkStage(t);
      const producer = stageProducer(config, j, t);
      const ok = safeVerifyComposites(
        suite,
        (proofs[h] as { cfg: DleqConfig }).cfg,
        vc.K[producer] as Element,
        sumPartials(
          suite,
          parts.map((r) => r.M[h] ?? null),
        ),
        sumPartials(
          suite,
          parts.map((r) => r.Z[h] ?? null),
        ),
        (chain.stages[t] as NgoStage).proof as Uint8Array,
      );
      if (!ok)
        fail(
          config,
          'ngo.hop.proof',
          producer,
          `bulletin list ${j} stage ${t}: DLEQ proof invalid`,
        );
    });
  }
  return { finalLists, stage0Lists, sizes: vc.sizes };
}

/** Verify a batched hop or opening DLEQ proof; non-canonical proof scalars verify as `false`. */
export function safeVerify(
  suite: Suite,
  cfg: DleqConfig,
  K: Element,
  input: { pts: Element[]; bytes: Uint8Array[] },
  output: { pts: Element[]; bytes: Uint8Array[] },
  proof: Uint8Array,
  binding: Uint8Array,
  msm?: CompositeMsm,
): boolean {
  try {
    return verifyProof(
      suite,
      cfg,
      {
        A: suite.G,
        B: K,
        C: input.pts,
        D: output.pts,
        Cbytes: input.bytes,
        Dbytes: output.bytes,
        binding,
      },
      proof,
      msm,
    );
  } catch (e) {
    if (e instanceof DecodeError) return false; // non-canonical proof scalars
    throw e;
  }
}

/**
 * {@link safeVerify} from the composites `M = Σ d_i·C_i`, `Z = Σ d_i·D_i` of the whole batch
 * (added up from chunks); non-canonical proof scalars verify as `false`.
 */
export function safeVerifyComposites(
  suite: Suite,
  cfg: DleqConfig,
  K: Element,
  M: Element,
  Z: Element,
  proof: Uint8Array,
): boolean {
  try {
    return verifyProofFromComposites(suite, cfg, { A: suite.G, B: K, M, Z }, proof);
  } catch (e) {
    if (e instanceof DecodeError) return false; // non-canonical proof scalars
    throw e;
  }
}

/**
 * Assemble the bulletin board from the `k` complete chains (any order). Anyone may do this; the
 * board carries no signature of its own (every stage in it is signed by its producer).
 */
export function assembleBulletin(
  config: QuorumConfig,
  finalChains: readonly Uint8Array[],
): Uint8Array {
  const k = config.members.length;
  if (!Array.isArray(finalChains) || finalChains.length !== k) {
    throw new ParameterError('ngo.bulletin.count', `expected ${k} complete chains`);
  }
  const byOwner: (Uint8Array | undefined)[] = new Array(k);
  for (const bytes of finalChains) {
    const c = decodeNgoChain(bytes);
    if (c.owner >= k || c.stages.length !== k || byOwner[c.owner]) {
      throw new ParameterError(
        'ngo.bulletin.chain',
        `chain of owner ${c.owner} is incomplete or repeated`,
      );
    }
    byOwner[c.owner] = bytes;
  }
  return encodeNgoBulletin(config.suite, config.sessionDigest, byOwner as Uint8Array[]);
}
