/**
 * NGO quorum: verifiable k-party intersection with an `m`-of-`k` jurisdiction rule (SPEC §3).
 *
 * Parties `NGO_0..NGO_{k-1}` (ring order = roster order, one party per jurisdiction: NGOs of one
 * jurisdiction merge their lists first, {@link mergeJurisdiction}), each with an Ed25519 key, a
 * masking key `k_i` with `K_i = k_i·G`, and a deduplicated list `X_i` of fixed-width items.
 *
 * - Step 0 (SPEC v2): every member signs a fresh 32-byte run nonce over the roster
 *   ({@link createRunNonce}); {@link runIdFromNonces} verifies all `k` and digests them into the
 *   run id; {@link createQuorumConfig} binds it into the session digest `σ`, so no message, proof
 *   or contribution of one run is valid in another ({@link startRunLocally} does this locally).
 * - Step 1 `commit()`: publish `K_i`, `|X_i|` and a signed, salted commitment to sorted `X_i`.
 * - Step 2 `maskOwnList()`: `L_0 = [k_i·H_M(x)]` in a random order the party remembers; stage 0 of
 *   the chain, signed, no proof (its input is private).
 * - Step 3 `processHop()`: party `(i+t) mod k` receives the chain `L_0..L_{t-1}` of list `i`,
 *   checks routing, every stage signature and the list size, decodes `L_{t-1}` strictly, verifies
 *   the batched DLEQ proof of stage `t-1` against `K_{i+t-1}` (none for `t-1 = 0`), computes
 *   `L_t = k_j·L_{t-1}` in constant time, order kept, and appends a batched DLEQ proof against its
 *   `K_j`, bound to (session, owner, stage) by its context and its binding. Any failure names the
 *   culprit: the transport sender (who delivered the chain), never a producer whose signature
 *   does not verify.
 * - Step 4 `assembleBulletin()`: after `k-1` hops every chain is complete; the board holds all
 *   `k` chains (every stage of every list, so anyone can verify every proven hop).
 * - Step 5 `qualify()`: verify the whole board — every proven hop, except the hops this party
 *   already verified or produced during the ring when the board carries them byte for byte
 *   (same input, output and proof) — then mark each own item whose fully-masked value
 *   `K·H_M(x)`, `K = ∏ k_j`, appears in at least `m-1` other lists (one hash-set pass).
 * - Step 6 `contribute()`: `Q_i` in the clear with a signature over the contribution statement
 *   (deployment id, run id, rule, jurisdiction, commitment digest, digest of `Q_i`).
 * - Builder: {@link intersectContributions} keeps the items backed by `≥ m` jurisdictions.
 * - Accountability (SPEC v2 §3): `opening()` gives an arbiter the list, salt, order and a DLEQ
 *   proof that stage 0 masks exactly the committed items; {@link arbiterCheck} confirms it or
 *   names the NGO.
 *
 * Leakage (docs/security.md "NGO quorum"): list sizes; the board's equality pattern between
 * positions of different lists (so each NGO learns, per own item, which other lists hold it, and
 * everyone learns the sizes of all intersections of lists); to the builder only the contributions.
 * Cost: per party and list hop, `n` decodes ×2, `n` CT multiplications, `n` encodes, three MSMs;
 * the board holds `k` chains of `k` stages (`k²·n` encodings); no quadratic step in `n`.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DLEQ_INDEX_BYTES,
  DLEQ_PURPOSE,
  DST_PURPOSE,
  dst,
  NGO_COMMITMENT_SALT_BYTES,
  NGO_DIGEST_LABEL,
  NGO_MAX_LIST_SIZE,
  NGO_RUN_NONCE_BYTES,
  RUN_ID_LENGTH,
  SIG_LABEL,
} from './constants.js';
import { type DleqConfig, dleqConfig, generateProof, verifyProof } from './dleq.js';
import {
  DecodeError,
  type NgoCulprit,
  NgoDecodeError,
  NgoVerificationError,
  ParameterError,
  StateError,
  VerificationError,
} from './errors.js';
import type { Element, Suite } from './group.js';
import {
  commitmentBody,
  commitmentDigest,
  contributionStatement,
  createQuorumConfig,
  decodeElementList,
  decodeNgoBulletin,
  decodeNgoChain,
  decodeNgoCommitment,
  decodeNgoContribution,
  decodeNgoOpening,
  decodeNgoRunNonce,
  elementViews,
  encodeNgoBulletin,
  encodeNgoChain,
  encodeNgoContribution,
  encodeNgoOpening,
  listCommitment,
  maskedListDigest,
  type NgoChain,
  type NgoCommitment,
  type NgoContribution,
  type NgoOpening,
  type NgoRunNonce,
  type NgoStage,
  openingProofBinding,
  type QuorumConfig,
  type QuorumRoster,
  runNonceBody,
  stageStatement,
} from './ngo-messages.js';
import { signingPublicKey, signStatement, verifyStatement } from './sign.js';
import {
  checkBytes,
  checkInt,
  checkRng,
  compareBytes,
  concatBytes,
  copyBytes,
  defaultRng,
  equalBytes,
  type Rng,
} from './utils.js';

export { type NgoCulprit, NgoDecodeError, NgoVerificationError } from './errors.js';
export {
  createQuorumConfig,
  createQuorumRoster,
  type NgoContribution,
  type NgoMember,
  type NgoOpening,
  type QuorumConfig,
  type QuorumRoster,
  type QuorumRosterOptions,
} from './ngo-messages.js';

// ── Errors naming a culprit ─────────────────────────────────────────────────────────────────

function culprit(config: QuorumConfig, index: number): NgoCulprit {
  return Object.freeze({ index, jurisdiction: config.members[index]?.jurisdiction ?? `#${index}` });
}

function fail(
  config: QuorumConfig,
  code: string,
  who: number,
  msg: string,
  cause?: unknown,
): never {
  const c = culprit(config, who);
  throw new NgoVerificationError(code, `${msg} (culprit: party ${who}, ${c.jurisdiction})`, c, {
    cause,
  });
}

function failDecode(config: QuorumConfig, e: DecodeError, who: number, what: string): never {
  const c = culprit(config, who);
  throw new NgoDecodeError(
    e.code,
    `${what}: ${e.message} (culprit: party ${who}, ${c.jurisdiction})`,
    c,
    {
      cause: e,
    },
  );
}

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────

/**
 * Merge the lists of several NGOs of one jurisdiction into the single deduplicated list that
 * jurisdiction's party uses (SPEC §3: "NGOs of the same jurisdiction merge their lists first").
 * Returns the sorted union.
 */
export function mergeJurisdiction(
  lists: readonly (readonly Uint8Array[])[],
  itemWidth?: number,
): Uint8Array[] {
  if (!Array.isArray(lists)) throw new TypeError('"lists" expected an array of lists');
  const all: Uint8Array[] = [];
  lists.forEach((l, i) => {
    if (!Array.isArray(l)) throw new TypeError(`"lists[${i}]" expected an array`);
    for (const x of l) all.push(checkBytes(`lists[${i}] item`, x, itemWidth));
  });
  return canonicalList(all);
}

/** Sorted, deduplicated copy (owned copies of the items: a Buffer's slice() is a view). */
function canonicalList(items: readonly Uint8Array[]): Uint8Array[] {
  const sorted = items.map((x) => copyBytes(x)).sort(compareBytes);
  const out: Uint8Array[] = [];
  for (const x of sorted)
    if (out.length === 0 || compareBytes(out[out.length - 1] as Uint8Array, x) !== 0) out.push(x);
  return out;
}

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

/** A map key for an element encoding (two bytes per UTF-16 code unit; injective for fixed Ne). */
function keyOf(b: Uint8Array, off: number, len: number): string {
  let s = '';
  let i = 0;
  for (; i + 1 < len; i += 2)
    s += String.fromCharCode(((b[off + i] as number) << 8) | (b[off + i + 1] as number));
  if (i < len) s += String.fromCharCode(b[off + i] as number);
  return s;
}

/** Uniform random permutation of `[0, n)` (Fisher–Yates, rejection-sampled 32-bit draws). */
function randomPermutation(n: number, rng: Rng): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let buf: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const next32 = (): number => {
    if (pos + 4 > buf.length) {
      buf = checkBytes('rng output', rng(4 * Math.min(Math.max(n, 16), 1 << 16)));
      pos = 0;
    }
    const v =
      (((buf[pos] as number) << 24) |
        ((buf[pos + 1] as number) << 16) |
        ((buf[pos + 2] as number) << 8) |
        (buf[pos + 3] as number)) >>>
      0;
    pos += 4;
    return v;
  };
  for (let i = n - 1; i > 0; i--) {
    const bound = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let v = next32();
    while (v >= limit) v = next32();
    const j = v % bound;
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  return perm;
}

// ── Step 0: the run id (SPEC v2 §3) ───────────────────────────────────────────────────────────

/** A fresh run nonce and its signed message, as {@link createRunNonce} returns them. */
export interface RunNonce {
  /** The 32-byte nonce: keep it to check, in {@link runIdFromNonces}, that the run uses it. */
  readonly nonce: Uint8Array;
  /** The signed `ngoRunNonce` message (0x14) to send to every other member. */
  readonly message: Uint8Array;
}

/**
 * SPEC v2 §3 step 0: member `index` draws a fresh 32-byte nonce and signs it, with the suite,
 * deployment id, roster digest and its index, under `ngo-run-nonce`. Send `message` to every
 * member; keep `nonce`.
 */
export function createRunNonce(
  roster: QuorumRoster,
  index: number,
  signingSecretKey: Uint8Array,
  rng: Rng = defaultRng,
): RunNonce {
  checkInt('index', index, 0, roster.members.length - 1);
  const member = roster.members[index] as { signingPublicKey: Uint8Array };
  checkBytes('signingSecretKey', signingSecretKey, 32);
  if (!equalBytes(signingPublicKey(signingSecretKey), member.signingPublicKey)) {
    throw new ParameterError('ngo.party.key', `signing key does not match roster entry ${index}`);
  }
  const nonce = copyBytes(
    checkBytes('rng output', checkRng(rng)(NGO_RUN_NONCE_BYTES), NGO_RUN_NONCE_BYTES),
  );
  const body = runNonceBody(roster.suite, roster.deploymentId, roster.rosterDigest, index, nonce);
  return {
    nonce,
    message: concatBytes(body, signStatement(signingSecretKey, SIG_LABEL.ngoRunNonce, body)),
  };
}

/**
 * SPEC v2 §3 step 0: verify the `k` run-nonce messages (any order, exactly one per roster index,
 * each signed by that member over this roster's suite, deployment id and digest) and return the
 * run id `SHA-256("quorum-psi-v1-ngo-run" ‖ 0x00 ‖ roster digest ‖ nonce_0 ‖ … ‖ nonce_{k-1})`
 * (nonces in roster order). With `own`, also check that the message at `own.index` carries the
 * caller's own fresh nonce: a run id that does not include it may be an old run's.
 *
 * Failures are unattributed {@link VerificationError}s (`ngo.runNonce.*`): a nonce message names no
 * culprit, because a stale or foreign one is harmless until used and anyone can replay it.
 * Malformed bytes are {@link DecodeError}s naming the position; a wrong count is a
 * {@link ParameterError}.
 */
export function runIdFromNonces(
  roster: QuorumRoster,
  messages: readonly Uint8Array[],
  own?: { readonly index: number; readonly nonce: Uint8Array },
): Uint8Array {
  const k = roster.members.length;
  if (!Array.isArray(messages) || messages.length !== k) {
    throw new ParameterError('ngo.runNonce.count', `expected ${k} run nonces`);
  }
  const byIndex: (NgoRunNonce | undefined)[] = new Array(k);
  messages.forEach((bytes, pos) => {
    let r: NgoRunNonce;
    try {
      r = decodeNgoRunNonce(bytes);
    } catch (e) {
      if (e instanceof DecodeError)
        throw new DecodeError(e.code, `run nonce ${pos}: ${e.message}`, { cause: e });
      throw e;
    }
    if (r.index >= k) {
      throw new VerificationError(
        'ngo.runNonce.index',
        `run nonce ${pos}: index ${r.index} ≥ ${k}`,
      );
    }
    const pk = (roster.members[r.index] as { signingPublicKey: Uint8Array }).signingPublicKey;
    if (!verifyStatement(pk, SIG_LABEL.ngoRunNonce, r.signedBody, r.signature)) {
      throw new VerificationError(
        'ngo.runNonce.signature',
        `run nonce ${pos}: not signed by member ${r.index} (not attributable)`,
      );
    }
    if (
      r.suite !== roster.suite ||
      !equalBytes(r.deploymentId, roster.deploymentId) ||
      !equalBytes(r.rosterDigest, roster.rosterDigest)
    ) {
      throw new VerificationError(
        'ngo.runNonce.session',
        `run nonce ${pos}: member ${r.index} signed it for another suite, deployment or roster`,
      );
    }
    if (byIndex[r.index]) {
      throw new VerificationError(
        'ngo.runNonce.duplicate',
        `run nonce ${pos}: a second nonce of member ${r.index}`,
      );
    }
    byIndex[r.index] = r;
  });
  if (own !== undefined) {
    checkInt('own.index', own.index, 0, k - 1);
    checkBytes('own.nonce', own.nonce, NGO_RUN_NONCE_BYTES);
    if (!equalBytes((byIndex[own.index] as NgoRunNonce).nonce, own.nonce)) {
      throw new VerificationError(
        'ngo.runNonce.own',
        `the run nonce of member ${own.index} is not the one it just drew (stale or replaced)`,
      );
    }
  }
  const h = sha256.create();
  h.update(new TextEncoder().encode(NGO_DIGEST_LABEL.runId));
  h.update(Uint8Array.of(0));
  h.update(roster.rosterDigest);
  for (const r of byIndex) h.update((r as NgoRunNonce).nonce);
  return h.digest();
}

/** Verified commitments of all parties. */
interface VerifiedCommitments {
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
function badStageSignature(config: QuorumConfig, chain: NgoChain): number {
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
type KnownHops = ReadonlyMap<string, Uint8Array>;

/**
 * Fingerprint of a proven hop: `SHA-256`-based digests of its input and output lists and the
 * proof bytes. A hop on the board with the same fingerprint as one this party verified (or
 * produced) is the same statement with the same proof, so it need not be verified again.
 */
function hopFingerprint(
  n: number,
  input: Uint8Array,
  output: Uint8Array,
  proof: Uint8Array,
): Uint8Array {
  return concatBytes(maskedListDigest(input, n), maskedListDigest(output, n), proof);
}

function verifyBulletinWith(
  config: QuorumConfig,
  vc: VerifiedCommitments,
  bulletin: Uint8Array,
  known: KnownHops = new Map(),
): VerifiedBulletin {
  const { suite } = config;
  const k = config.members.length;
  const board = decodeNgoBulletin(bulletin);
  if (
    board.suite !== suite ||
    !equalBytes(board.sessionDigest, config.sessionDigest) ||
    board.chains.length !== k
  ) {
    throw new VerificationError(
      'ngo.bulletin.session',
      'bulletin: wrong suite, session or list count',
    );
  }
  const finalLists: Uint8Array[] = [];
  for (let j = 0; j < k; j++) {
    const chain = board.chains[j] as NgoChain;
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
    for (let t = 1; t < k; t++) {
      const st = chain.stages[t] as NgoStage;
      const prevList = (chain.stages[t - 1] as NgoStage).list;
      const producer = stageProducer(config, j, t);
      const seen = known.get(`${j}:${t}`);
      if (
        seen &&
        equalBytes(seen, hopFingerprint(chain.n, prevList, st.list, st.proof as Uint8Array))
      ) {
        continue; // this exact hop was verified (or produced) by this party during the ring
      }
      const ok = safeVerify(
        suite,
        hopDleqConfig(config, j, t),
        vc.K[producer] as Element,
        stagePoints(t - 1),
        stagePoints(t),
        st.proof as Uint8Array,
        hopProofBinding(config, j, t),
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
  }
  return { finalLists, sizes: vc.sizes };
}

function safeVerify(
  suite: Suite,
  cfg: DleqConfig,
  K: Element,
  input: { pts: Element[]; bytes: Uint8Array[] },
  output: { pts: Element[]; bytes: Uint8Array[] },
  proof: Uint8Array,
  binding: Uint8Array,
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
    );
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

// ── The party ───────────────────────────────────────────────────────────────────────────────

/** For each own item: the other lists (owner indices) whose fully-masked list holds it. */
export interface NgoItemHolders {
  readonly item: Uint8Array;
  readonly lists: readonly number[];
}

/**
 * One NGO (one jurisdiction) in the quorum. Holds the secret masking key `k_i`, the private list
 * and its private order; everything it sends or receives is bytes.
 */
export class NgoParty {
  readonly config: QuorumConfig;
  readonly index: number;
  readonly jurisdiction: string;
  /** Encoded `K_i = k_i·G`. */
  readonly maskingPublicKey: Uint8Array;

  readonly #signingSecretKey: Uint8Array;
  readonly #k: bigint;
  readonly #K: Element;
  readonly #items: readonly Uint8Array[]; // sorted canonical X_i
  readonly #order: Uint32Array; // position p of L_0 holds items[order[p]]
  readonly #salt: Uint8Array;
  readonly #rng: Rng;
  #commitment: Uint8Array | null = null;
  #verified: VerifiedCommitments | null = null;
  #ownStage0: Uint8Array | null = null;
  #stage0Bytes: Uint8Array | null = null;
  #opening: Uint8Array | null = null;
  readonly #processed = new Set<number>();
  /** Hops this party verified or produced during the ring (skipped when verifying the board). */
  readonly #knownHops = new Map<string, Uint8Array>();
  #holders: NgoItemHolders[] | null = null;
  #qualified: Uint8Array[] | null = null;

  /**
   * @param config - the agreed configuration (ring order = `config.members`)
   * @param index - this party's position in the ring
   * @param signingSecretKey - Ed25519 secret key matching `config.members[index].signingPublicKey`
   * @param items - the (merged) list `X_i`; deduplicated here; every item `config.itemWidth` bytes
   * @param rng - randomness for `k_i`, the commitment salt, the order and proofs
   */
  constructor(
    config: QuorumConfig,
    index: number,
    signingSecretKey: Uint8Array,
    items: readonly Uint8Array[],
    rng: Rng = defaultRng,
  ) {
    this.config = config;
    const k = config.members.length;
    this.index = checkInt('index', index, 0, k - 1);
    const member = config.members[index] as { jurisdiction: string; signingPublicKey: Uint8Array };
    this.jurisdiction = member.jurisdiction;
    // The key checked is the key kept: an owned copy (a Buffer's slice() would be a view).
    const sk = copyBytes(checkBytes('signingSecretKey', signingSecretKey, 32));
    if (!equalBytes(signingPublicKey(sk), member.signingPublicKey)) {
      throw new ParameterError('ngo.party.key', `signing key does not match roster entry ${index}`);
    }
    this.#signingSecretKey = sk;
    if (!Array.isArray(items)) throw new TypeError('"items" expected an array of Uint8Array');
    for (const x of items) checkBytes('item', x, config.itemWidth);
    this.#items = canonicalList(items);
    const n = this.#items.length;
    if (n < 1 || n > NGO_MAX_LIST_SIZE) {
      throw new ParameterError(
        'ngo.party.listSize',
        `list size must be 1..${NGO_MAX_LIST_SIZE}, got ${n}`,
      );
    }
    this.#rng = checkRng(rng);
    this.#k = config.suite.randomScalar(rng);
    this.#K = config.suite.mulBase(this.#k);
    this.maskingPublicKey = config.suite.encode(this.#K);
    this.#salt = copyBytes(
      checkBytes('rng output', rng(NGO_COMMITMENT_SALT_BYTES), NGO_COMMITMENT_SALT_BYTES),
    );
    this.#order = randomPermutation(n, rng);
  }

  /** `|X_i|` after deduplication. */
  get listSize(): number {
    return this.#items.length;
  }

  /**
   * The committed list and its salt: they open the commitment's list digest and nothing more.
   * They say nothing about which list this party masked in the ring; for that an arbiter needs
   * {@link opening} (list, salt, order and a proof against the published stage 0).
   */
  commitmentOpening(): { items: readonly Uint8Array[]; salt: Uint8Array } {
    return { items: this.#items.map((x) => copyBytes(x)), salt: copyBytes(this.#salt) };
  }

  /**
   * SPEC v2 §3 "accountable openings": the encoded opening of this party's run (`ngoOpening`,
   * 0x15) for an arbiter — the sorted list, the commitment salt, the stage-0 order and a batched
   * DLEQ proof (purpose `dleq-ngo-opening`, binding `σ ‖ u16 index`) that stage 0 is
   * `k_i·H_M(x)` for the committed items in that order, against `K_i`. The proof reveals neither
   * `k_i` nor anything beyond the list. Computed once (`n` hash-to-group, `n` decodes, one MSM)
   * and cached. Check it with {@link arbiterCheck}.
   */
  opening(): Uint8Array {
    if (!this.#opening) {
      const { suite, sessionDigest, itemWidth } = this.config;
      const Ne = suite.elementLength;
      const n = this.#items.length;
      const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
      const stage0 = this.#stage0();
      const C: Element[] = new Array(n);
      for (let p = 0; p < n; p++)
        C[p] = suite.hashToGroup(this.#items[this.#order[p] as number] as Uint8Array, mdst);
      const D = decodeElementList(suite, stage0, n);
      const proof = generateProof(
        suite,
        dleqConfig(suite, DLEQ_PURPOSE.ngoOpening),
        this.#k,
        {
          A: suite.G,
          B: this.#K,
          C,
          D,
          Dbytes: elementViews(stage0, n, Ne),
          binding: openingProofBinding(sessionDigest, this.index),
        },
        this.#rng,
      );
      this.#opening = encodeNgoOpening({
        suite,
        sessionDigest,
        index: this.index,
        itemWidth,
        salt: this.#salt,
        items: this.#items,
        order: this.#order,
        proof,
      });
    }
    return this.#opening.slice();
  }

  /** Stage 0, `[k_i·H_M(items[order[p]])]_p` (computed once, constant-time multiplications). */
  #stage0(): Uint8Array {
    if (!this.#stage0Bytes) {
      const { suite } = this.config;
      const Ne = suite.elementLength;
      const n = this.#items.length;
      const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
      const list = new Uint8Array(n * Ne);
      for (let p = 0; p < n; p++) {
        const x = this.#items[this.#order[p] as number] as Uint8Array;
        list.set(suite.encode(suite.mul(suite.hashToGroup(x, mdst), this.#k)), p * Ne);
      }
      this.#stage0Bytes = list;
    }
    return this.#stage0Bytes;
  }

  /** SPEC §3 step 1: the signed commitment (`K_i`, `|X_i|`, salted digest of sorted `X_i`). */
  commit(): Uint8Array {
    if (!this.#commitment) {
      const { suite, sessionDigest, itemWidth } = this.config;
      const body = commitmentBody(
        suite,
        sessionDigest,
        this.index,
        this.#items.length,
        this.maskingPublicKey,
        listCommitment(this.#items, itemWidth, this.#salt),
      );
      this.#commitment = concatBytes(
        body,
        signStatement(this.#signingSecretKey, SIG_LABEL.ngoCommitment, body),
      );
    }
    return copyBytes(this.#commitment);
  }

  /** Receive every party's commitment (in ring order, own included) and verify them. */
  receiveCommitments(commitments: readonly Uint8Array[]): void {
    if (!this.#commitment)
      throw new StateError('ngo.state', 'commit() before receiving commitments');
    const vc = verifyCommitments(this.config, commitments);
    if (!equalBytes(commitments[this.index] as Uint8Array, this.#commitment)) {
      throw new VerificationError('ngo.commitment.own', 'own commitment was replaced');
    }
    this.#verified = vc;
  }

  #need(): VerifiedCommitments {
    if (!this.#verified) throw new StateError('ngo.state', 'receiveCommitments() first');
    return this.#verified;
  }

  #sign(
    owner: number,
    stage: number,
    n: number,
    list: Uint8Array,
    proof: Uint8Array | null,
  ): Uint8Array {
    const body = stageStatement(
      this.config.sessionDigest,
      owner,
      stage,
      this.index,
      n,
      list,
      proof,
    );
    return signStatement(this.#signingSecretKey, SIG_LABEL.ngoStage, body);
  }

  /**
   * SPEC §3 step 2: `L_0 = [k_i·H_M(x)]` in this party's random order; returns the stage-0 chain
   * for party `index + 1`.
   */
  maskOwnList(): Uint8Array {
    this.#need();
    if (this.#ownStage0) throw new StateError('ngo.state', 'own list already masked');
    const { suite, sessionDigest } = this.config;
    const n = this.#items.length;
    const list = this.#stage0();
    this.#ownStage0 = list;
    const stage: NgoStage = {
      list,
      proof: null,
      signature: this.#sign(this.index, 0, n, list, null),
    };
    return encodeNgoChain(suite, sessionDigest, this.index, n, [stage]);
  }

  /**
   * SPEC §3 step 3: process one incoming chain (list `owner`, stages `0..t-1`) and return the
   * chain with stage `t` appended (for party `index + 1`, or the bulletin board after `k-1` hops).
   * `from` (optional) is the transport-level sender, used to name the culprit when even the
   * framing is broken. Throws {@link NgoDecodeError} / {@link NgoVerificationError} naming the
   * sender on any failure.
   */
  processHop(incoming: Uint8Array, from?: number): Uint8Array {
    const vc = this.#need();
    const { config } = this;
    const { suite, sessionDigest } = config;
    const k = config.members.length;
    const expectedSender = (this.index + k - 1) % k;
    const sender = from ?? expectedSender;
    let chain: NgoChain;
    try {
      chain = decodeNgoChain(incoming);
    } catch (e) {
      if (e instanceof DecodeError) failDecode(config, e, sender, 'masked list');
      throw e;
    }
    const s = chain.stages.length;
    const owner = chain.owner;
    if (chain.suite !== suite || !equalBytes(chain.sessionDigest, sessionDigest)) {
      fail(config, 'ngo.hop.session', sender, 'masked list from another session or suite');
    }
    if (
      owner >= k ||
      owner === this.index ||
      s >= k ||
      stageProducer(config, owner, s) !== this.index
    ) {
      fail(
        config,
        'ngo.hop.routing',
        sender,
        `masked list of owner ${owner} with ${s} stages is not for party ${this.index}`,
      );
    }
    const producer = stageProducer(config, owner, s - 1);
    if (from !== undefined && from !== producer) {
      fail(
        config,
        'ngo.hop.routing',
        from,
        `party ${from} sent a list whose last stage is party ${producer}'s`,
      );
    }
    if (this.#processed.has(owner))
      fail(config, 'ngo.hop.replay', producer, `list ${owner} already processed`);
    if (chain.n !== vc.sizes[owner]) {
      fail(
        config,
        'ngo.hop.length',
        producer,
        `list ${owner}: ${chain.n} elements, committed ${vc.sizes[owner]}`,
      );
    }
    const bad = badStageSignature(config, chain);
    if (bad >= 0)
      fail(config, 'ngo.hop.signature', producer, `list ${owner}: stage ${bad} signature invalid`);

    const n = chain.n;
    const Ne = suite.elementLength;
    const last = chain.stages[s - 1] as NgoStage;
    let D: Element[];
    try {
      D = decodeElementList(suite, last.list, n);
    } catch (e) {
      if (e instanceof DecodeError) failDecode(config, e, producer, `list ${owner} stage ${s - 1}`);
      throw e;
    }
    const Dbytes = elementViews(last.list, n, Ne);
    if (s >= 2) {
      const prevStage = chain.stages[s - 2] as NgoStage;
      let C: Element[];
      try {
        C = decodeElementList(suite, prevStage.list, n);
      } catch (e) {
        if (e instanceof DecodeError)
          failDecode(config, e, producer, `list ${owner} stage ${s - 2}`);
        throw e;
      }
      const ok = safeVerify(
        suite,
        hopDleqConfig(config, owner, s - 1),
        vc.K[producer] as Element,
        { pts: C, bytes: elementViews(prevStage.list, n, Ne) },
        { pts: D, bytes: Dbytes },
        last.proof as Uint8Array,
        hopProofBinding(config, owner, s - 1),
      );
      if (!ok)
        fail(config, 'ngo.hop.proof', producer, `list ${owner} stage ${s - 1}: DLEQ proof invalid`);
      this.#knownHops.set(
        `${owner}:${s - 1}`,
        hopFingerprint(n, prevStage.list, last.list, last.proof as Uint8Array),
      );
    }
    // Multiply every element by k_j (constant time), keep the order.
    const out = new Uint8Array(n * Ne);
    const outPts: Element[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const P = suite.mul(D[i] as Element, this.#k);
      outPts[i] = P;
      out.set(suite.encode(P), i * Ne);
    }
    const proof = generateProof(
      suite,
      hopDleqConfig(config, owner, s),
      this.#k,
      {
        A: suite.G,
        B: this.#K,
        C: D,
        D: outPts,
        Cbytes: Dbytes,
        Dbytes: elementViews(out, n, Ne),
        binding: hopProofBinding(config, owner, s),
      },
      this.#rng,
    );
    this.#processed.add(owner);
    this.#knownHops.set(`${owner}:${s}`, hopFingerprint(n, last.list, out, proof));
    const stage: NgoStage = { list: out, proof, signature: this.#sign(owner, s, n, out, proof) };
    return encodeNgoChain(suite, sessionDigest, owner, n, [...chain.stages, stage]);
  }

  /**
   * SPEC §3 steps 4-5: verify the whole bulletin board, then return `Q_i`: the own items whose
   * fully-masked value appears in at least `m - 1` other lists (sorted).
   */
  qualify(bulletin: Uint8Array): Uint8Array[] {
    const vc = this.#need();
    if (!this.#ownStage0) throw new StateError('ngo.state', 'maskOwnList() first');
    const { config } = this;
    const k = config.members.length;
    const Ne = config.suite.elementLength;
    const vb = verifyBulletinWith(config, vc, bulletin, this.#knownHops);
    // The own list's stage 0 must be exactly what this party produced.
    const board = decodeNgoBulletin(bulletin);
    const own0 = ((board.chains[this.index] as NgoChain).stages[0] as NgoStage).list;
    if (!equalBytes(own0, this.#ownStage0)) {
      fail(
        config,
        'ngo.bulletin.own',
        stageProducer(config, this.index, 1),
        'own list replaced on the bulletin board',
      );
    }
    const n = this.#items.length;
    const ownFinal = vb.finalLists[this.index] as Uint8Array;
    const pos = new Map<string, number>();
    for (let p = 0; p < n; p++) pos.set(keyOf(ownFinal, p * Ne, Ne), p);
    const lists: number[][] = Array.from({ length: n }, () => []);
    for (let j = 0; j < k; j++) {
      if (j === this.index) continue;
      const L = vb.finalLists[j] as Uint8Array;
      const nj = vb.sizes[j] as number;
      for (let i = 0; i < nj; i++) {
        const p = pos.get(keyOf(L, i * Ne, Ne));
        if (p === undefined) continue;
        const h = lists[p] as number[];
        if (h[h.length - 1] !== j) h.push(j); // a list counts once even if it repeats a value
      }
    }
    const holders: NgoItemHolders[] = new Array(n);
    const qualified: Uint8Array[] = [];
    for (let p = 0; p < n; p++) {
      const item = this.#items[this.#order[p] as number] as Uint8Array;
      const h = lists[p] as number[];
      holders[p] = { item, lists: h };
      if (h.length >= config.m - 1) qualified.push(item);
    }
    this.#holders = holders.sort((a, b) => compareBytes(a.item, b.item));
    this.#qualified = qualified.sort(compareBytes);
    return this.#qualified.map((x) => copyBytes(x));
  }

  /**
   * What this party learned (its documented leakage): for each own item, which other lists hold
   * it. Available after {@link qualify}.
   */
  itemHolders(): readonly NgoItemHolders[] {
    if (!this.#holders) throw new StateError('ngo.state', 'qualify() first');
    return this.#holders.map((h) => ({ item: copyBytes(h.item), lists: [...h.lists] }));
  }

  /** SPEC §3 step 6: the signed contribution `Q_i` for the builder. */
  contribute(): Uint8Array {
    if (!this.#qualified || !this.#commitment) throw new StateError('ngo.state', 'qualify() first');
    const { config } = this;
    const body: Omit<NgoContribution, 'signature'> = {
      suite: config.suite,
      sessionDigest: config.sessionDigest,
      index: this.index,
      deploymentId: config.deploymentId,
      runId: config.runId,
      m: config.m,
      jurisdiction: this.jurisdiction,
      signingPublicKey: (config.members[this.index] as { signingPublicKey: Uint8Array })
        .signingPublicKey,
      commitmentDigest: commitmentDigest(this.#commitment),
      itemWidth: config.itemWidth,
      items: this.#qualified,
    };
    const signature = signStatement(
      this.#signingSecretKey,
      SIG_LABEL.ngoContribution,
      contributionStatement(body),
    );
    return encodeNgoContribution({ ...body, signature });
  }
}

// ── Builder side ────────────────────────────────────────────────────────────────────────────

/** An NGO the builder (or a client) trusts: configured by the application, never taken from data. */
export interface TrustedNgo {
  readonly jurisdiction: string;
  readonly publicKey: Uint8Array;
  readonly name?: string;
}

/** Result of {@link intersectContributions}. */
export interface QuorumIntersection {
  /** `X_int`: items in contributions from at least `m` distinct jurisdictions, sorted. */
  readonly items: Uint8Array[];
  /** The verified contributions, in input order. */
  readonly contributions: readonly NgoContribution[];
  /** Jurisdictions that contributed. */
  readonly jurisdictions: readonly string[];
}

/** What the builder requires of every contribution (both ids are required). */
export interface ContributionScope {
  /** The deployment the builder serves. */
  readonly deploymentId: Uint8Array;
  /** The run id of the quorum run whose contributions it collects (SPEC v2 §3 step 0). */
  readonly runId: Uint8Array;
  /** Optional: the run's session digest `σ`, if the builder knows the roster. */
  readonly sessionDigest?: Uint8Array;
}

/**
 * Builder side of SPEC §3: verify every contribution and return the items backed by at least
 * `m` distinct jurisdictions.
 *
 * Attribution (docs/security.md "Culprits"): the signature is checked first, under the key the
 * contribution carries, and that key must be in the trust list. A contribution whose key is
 * untrusted or whose signature does not verify was not made by anyone the builder can name: it is
 * a {@link VerificationError} (`ngo.contribution.untrusted`, `ngo.contribution.signature`) with no
 * culprit, never an error naming the NGO whose identity it claims. Only a contribution validly
 * signed by a trusted key names a culprit, the key's owner as the trust list has it
 * ({@link NgoVerificationError}; `culprit.jurisdiction` from the trust list, `culprit.index` the
 * ring index it signed when its jurisdiction is the key's, else `-1`): it signed another
 * jurisdiction (`ngo.contribution.jurisdiction`), another rule `m` within this run
 * (`ngo.contribution.mismatch`), or a second, different contribution
 * (`ngo.contribution.duplicate`). A contribution of another deployment, run or session is an
 * authentic statement of another run that anyone can replay: refused without a culprit
 * (`ngo.contribution.scope`). Contributions that disagree with each other on suite, item width
 * or session, and a byte-identical repeat, are unattributed {@link VerificationError}s.
 * Malformed bytes are {@link DecodeError}s naming the position. A missing contribution only
 * withdraws that jurisdiction's support (fail-safe: fewer items, never more).
 */
export function intersectContributions(
  contributions: readonly Uint8Array[],
  trustedNgoKeys: readonly TrustedNgo[],
  m: number,
  scope: ContributionScope,
): QuorumIntersection {
  if (!Array.isArray(contributions)) throw new TypeError('"contributions" expected an array');
  if (!Array.isArray(trustedNgoKeys)) throw new TypeError('"trustedNgoKeys" expected an array');
  checkInt('m', m, 2, 64);
  if (typeof scope !== 'object' || scope === null)
    throw new TypeError('"scope" expected { deploymentId, runId }');
  const deploymentId = checkBytes('scope.deploymentId', scope.deploymentId);
  const runId = checkBytes('scope.runId', scope.runId, RUN_ID_LENGTH);
  const sessionDigest =
    scope.sessionDigest === undefined
      ? undefined
      : checkBytes('scope.sessionDigest', scope.sessionDigest, 32);
  const decoded: NgoContribution[] = contributions.map((bytes, i) => {
    try {
      return decodeNgoContribution(bytes);
    } catch (e) {
      if (e instanceof DecodeError)
        throw new DecodeError(e.code, `contribution ${i}: ${e.message}`, { cause: e });
      throw e;
    }
  });
  const byJurisdiction = new Map<string, number>();
  decoded.forEach((c, i) => {
    const trusted = trustedNgoKeys.find((t) => equalBytes(t.publicKey, c.signingPublicKey));
    if (!trusted) {
      throw new VerificationError(
        'ngo.contribution.untrusted',
        `contribution ${i}: signing key is not in the trust list (not attributable; it claims ${c.jurisdiction})`,
      );
    }
    const { signature, ...body } = c;
    if (
      !verifyStatement(
        c.signingPublicKey,
        SIG_LABEL.ngoContribution,
        contributionStatement(body),
        signature,
      )
    ) {
      throw new VerificationError(
        'ngo.contribution.signature',
        `contribution ${i}: invalid signature (not attributable; it claims ${c.jurisdiction})`,
      );
    }
    // From here on the contribution is provably the trusted key owner's statement.
    const who: NgoCulprit = Object.freeze({
      index: c.jurisdiction === trusted.jurisdiction ? c.index : -1,
      jurisdiction: trusted.jurisdiction,
    });
    const bad = (code: string, msg: string): never => {
      throw new NgoVerificationError(
        code,
        `contribution ${i}, signed by ${trusted.name ?? trusted.jurisdiction} (${trusted.jurisdiction}): ${msg}`,
        who,
      );
    };
    // A contribution of another deployment, run or session is an authentic but foreign
    // statement: anyone (the platform included) can replay an old one, so it blames nobody.
    const foreign = (what: string): never => {
      throw new VerificationError(
        'ngo.contribution.scope',
        `contribution ${i} (${trusted.jurisdiction}) names another ${what}: a statement of another run, not attributable`,
      );
    };
    if (!equalBytes(c.deploymentId, deploymentId)) foreign('deployment');
    if (!equalBytes(c.runId, runId)) foreign('quorum run');
    if (sessionDigest && !equalBytes(c.sessionDigest, sessionDigest)) foreign('session');
    if (trusted.jurisdiction !== c.jurisdiction) {
      bad('ngo.contribution.jurisdiction', `it claims jurisdiction ${c.jurisdiction}`);
    }
    if (c.m !== m) bad('ngo.contribution.mismatch', `rule m = ${c.m}, expected ${m}`);
    const first = decoded[0] as NgoContribution;
    if (
      c.suite !== first.suite ||
      c.itemWidth !== first.itemWidth ||
      !equalBytes(c.sessionDigest, first.sessionDigest)
    ) {
      throw new VerificationError(
        'ngo.contribution.mismatch',
        `contributions 0 (${first.jurisdiction}) and ${i} (${c.jurisdiction}) disagree on suite, item width or session`,
      );
    }
    const prev = byJurisdiction.get(c.jurisdiction);
    if (prev !== undefined) {
      if (equalBytes(contributions[prev] as Uint8Array, contributions[i] as Uint8Array)) {
        throw new VerificationError(
          'ngo.contribution.duplicate',
          `contribution ${i} repeats contribution ${prev} (${c.jurisdiction}) byte for byte`,
        );
      }
      bad('ngo.contribution.duplicate', `second, different contribution (first: ${prev})`);
    }
    byJurisdiction.set(c.jurisdiction, i);
  });
  const counts = new Map<string, { item: Uint8Array; n: number }>();
  for (const c of decoded) {
    for (const x of c.items) {
      const key = keyOf(x, 0, x.length);
      const e = counts.get(key);
      if (e) e.n++;
      else counts.set(key, { item: x, n: 1 });
    }
  }
  const items: Uint8Array[] = [];
  for (const { item, n } of counts.values()) if (n >= m) items.push(item);
  items.sort(compareBytes);
  return { items, contributions: decoded, jurisdictions: decoded.map((c) => c.jurisdiction) };
}

// ── Arbiter (SPEC v2 §3 "accountable openings") ─────────────────────────────────────────────

/** What an arbiter is given about one NGO's run. */
export interface ArbiterEvidence {
  /** The NGO's signed commitment (`ngoCommitment`); it names the NGO (its index). */
  readonly commitment: Uint8Array;
  /** The bulletin board of the run (stage 0 of the NGO's chain is used) … */
  readonly bulletin?: Uint8Array;
  /** … or any chain of the NGO's list holding stage 0 (e.g. the message it sent into the ring). */
  readonly stage0?: Uint8Array;
  /** The NGO's opening (`ngoOpening`, {@link NgoParty.opening}). */
  readonly opening: Uint8Array;
  /** Optional: a contribution said to be the NGO's in this run. */
  readonly contribution?: Uint8Array;
}

/**
 * An arbiter's verdict. `ok: false` with a `culprit` names the NGO: it committed to, masked,
 * opened or contributed something inconsistent, each fact resting on its own signature or on
 * the proof. `culprit: null` means the evidence itself does not hold (a commitment, stage 0 or
 * contribution that is malformed, of another run, or not validly signed by the NGO): it shows
 * nothing against anyone.
 */
export type ArbiterVerdict =
  | { readonly ok: true; readonly party: NgoCulprit; readonly listSize: number }
  | {
      readonly ok: false;
      readonly culprit: NgoCulprit | null;
      readonly code: string;
      readonly reason: string;
    };

/**
 * SPEC v2 §3: an arbiter checks an NGO's opening against its signed commitment and its signed,
 * published stage 0, and optionally a contribution against the opening. Never throws for bad
 * data (only for arguments that are not byte strings).
 *
 * Checks, in order: the commitment decodes, names this session and is signed by the roster
 * member it names (else `culprit: null`); stage 0 (from `bulletin` or `stage0`) is that member's
 * list in this session with a valid stage-0 signature (else `culprit: null`); then, naming the
 * NGO: stage 0 and the commitment have the same size; the opening decodes, names this session and
 * the NGO, and has the committed size; `listCommitment(items, width, salt)` equals the committed
 * digest; the order is a permutation; the batched DLEQ proof (purpose `dleq-ngo-opening`,
 * binding `σ ‖ u16 index`) shows stage 0 is `k_i·H_M(items[order[p]])` position by position
 * against the committed `K_i`. With a contribution: it must be validly signed by the NGO for this
 * deployment, run and session (else `culprit: null`), reference this commitment and hold only
 * committed items (else the NGO is named). Linear in the list size: `n` hash-to-group, `n`
 * decodes, two MSMs, one merge.
 */
export function arbiterCheck(config: QuorumConfig, evidence: ArbiterEvidence): ArbiterVerdict {
  const { suite, sessionDigest } = config;
  const k = config.members.length;
  const evidenceFail = (code: string, reason: string): ArbiterVerdict => ({
    ok: false,
    culprit: null,
    code,
    reason,
  });
  // 1. The commitment: names the NGO.
  let c: NgoCommitment;
  try {
    c = decodeNgoCommitment(evidence.commitment);
  } catch (e) {
    if (e instanceof DecodeError)
      return evidenceFail('ngo.arbiter.commitment', `commitment: ${e.message}`);
    throw e;
  }
  if (c.suite !== suite || !equalBytes(c.sessionDigest, sessionDigest) || c.index >= k) {
    return evidenceFail('ngo.arbiter.commitment', 'the commitment is not of this run');
  }
  const index = c.index;
  const member = config.members[index] as { signingPublicKey: Uint8Array; jurisdiction: string };
  if (!verifyStatement(member.signingPublicKey, SIG_LABEL.ngoCommitment, c.signedBody, c.signature))
    return evidenceFail(
      'ngo.arbiter.commitment',
      `the commitment is not signed by party ${index} (${member.jurisdiction})`,
    );
  const who = culprit(config, index);
  const blame = (code: string, reason: string): ArbiterVerdict => ({
    ok: false,
    culprit: who,
    code,
    reason: `party ${index} (${who.jurisdiction}): ${reason}`,
  });

  // 2. Stage 0, signed by the NGO.
  let chain: NgoChain;
  try {
    if ((evidence.bulletin === undefined) === (evidence.stage0 === undefined))
      throw new TypeError('arbiterCheck: give exactly one of "bulletin" and "stage0"');
    if (evidence.bulletin !== undefined) {
      const board = decodeNgoBulletin(evidence.bulletin);
      if (index >= board.chains.length)
        return evidenceFail('ngo.arbiter.stage0', `the bulletin has no list ${index}`);
      chain = board.chains[index] as NgoChain;
    } else {
      chain = decodeNgoChain(evidence.stage0 as Uint8Array);
    }
  } catch (e) {
    if (e instanceof DecodeError)
      return evidenceFail('ngo.arbiter.stage0', `stage 0: ${e.message}`);
    throw e;
  }
  if (
    chain.suite !== suite ||
    !equalBytes(chain.sessionDigest, sessionDigest) ||
    chain.owner !== index
  )
    return evidenceFail('ngo.arbiter.stage0', `stage 0 is not party ${index}'s list in this run`);
  const st0 = chain.stages[0] as NgoStage;
  const body0 = stageStatement(sessionDigest, index, 0, index, chain.n, st0.list, null);
  if (!verifyStatement(member.signingPublicKey, SIG_LABEL.ngoStage, body0, st0.signature))
    return evidenceFail('ngo.arbiter.stage0', `stage 0 is not signed by party ${index}`);
  const n = c.listSize;
  if (chain.n !== n)
    return blame('ngo.opening.size', `signed a stage 0 of ${chain.n} elements, committed ${n}`);

  // 3. The opening.
  let o: NgoOpening;
  try {
    o = decodeNgoOpening(evidence.opening);
  } catch (e) {
    if (e instanceof DecodeError) return blame('ngo.opening.malformed', `opening: ${e.message}`);
    throw e;
  }
  if (o.suite !== suite || !equalBytes(o.sessionDigest, sessionDigest) || o.index !== index)
    return blame('ngo.opening.session', 'the opening is not of this run or of this party');
  if (o.itemWidth !== config.itemWidth)
    return blame('ngo.opening.size', `opening items are ${o.itemWidth} bytes wide`);
  if (o.items.length !== n)
    return blame('ngo.opening.size', `the opening holds ${o.items.length} items, committed ${n}`);
  if (!equalBytes(listCommitment(o.items, o.itemWidth, o.salt), c.listCommitment))
    return blame(
      'ngo.opening.commitment',
      'the opened list and salt do not match the committed digest',
    );
  const seen = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const v = o.order[p] as number;
    if (v >= n || seen[v]) return blame('ngo.opening.order', 'the order is not a permutation');
    seen[v] = 1;
  }
  let D: Element[];
  try {
    D = decodeElementList(suite, st0.list, n);
  } catch (e) {
    if (e instanceof DecodeError)
      return blame('ngo.opening.stage0', `signed a stage 0 that does not decode: ${e.message}`);
    throw e;
  }
  const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
  const C: Element[] = new Array(n);
  for (let p = 0; p < n; p++)
    C[p] = suite.hashToGroup(o.items[o.order[p] as number] as Uint8Array, mdst);
  const ok = safeVerify(
    suite,
    dleqConfig(suite, DLEQ_PURPOSE.ngoOpening),
    c.maskingKey,
    { pts: C, bytes: C.map((P) => suite.encode(P)) },
    { pts: D, bytes: elementViews(st0.list, n, suite.elementLength) },
    o.proof,
    openingProofBinding(sessionDigest, index),
  );
  if (!ok)
    return blame(
      'ngo.opening.proof',
      'the DLEQ proof fails: the published stage 0 is not the committed list masked under K_i in the opened order',
    );

  // 4. The contribution, if any.
  if (evidence.contribution !== undefined) {
    let q: NgoContribution;
    try {
      q = decodeNgoContribution(evidence.contribution);
    } catch (e) {
      if (e instanceof DecodeError)
        return evidenceFail('ngo.arbiter.contribution', `contribution: ${e.message}`);
      throw e;
    }
    const { signature, ...qBody } = q;
    if (
      !equalBytes(q.signingPublicKey, member.signingPublicKey) ||
      !verifyStatement(
        member.signingPublicKey,
        SIG_LABEL.ngoContribution,
        contributionStatement(qBody),
        signature,
      )
    )
      return evidenceFail(
        'ngo.arbiter.contribution',
        `the contribution is not signed by party ${index}`,
      );
    if (
      q.suite !== suite ||
      !equalBytes(q.deploymentId, config.deploymentId) ||
      !equalBytes(q.runId, config.runId) ||
      !equalBytes(q.sessionDigest, sessionDigest)
    )
      return evidenceFail(
        'ngo.arbiter.contribution',
        'the contribution is of another deployment or run',
      );
    if (!equalBytes(q.commitmentDigest, commitmentDigest(evidence.commitment)))
      return blame('ngo.contribution.commitment', 'its contribution references another commitment');
    if (q.itemWidth !== config.itemWidth)
      return blame(
        'ngo.contribution.item',
        `its contribution's items are ${q.itemWidth} bytes wide`,
      );
    // Both lists are strictly increasing: one merge pass.
    let j = 0;
    for (let i = 0; i < q.items.length; i++) {
      const x = q.items[i] as Uint8Array;
      while (j < n && compareBytes(o.items[j] as Uint8Array, x) < 0) j++;
      if (j >= n || compareBytes(o.items[j] as Uint8Array, x) !== 0)
        return blame(
          'ngo.contribution.item',
          `its contribution holds an item outside its committed list (position ${i})`,
        );
    }
  }
  return { ok: true, party: who, listSize: n };
}

// ── Local orchestration (tests, demo) ───────────────────────────────────────────────────────

/**
 * SPEC v2 §3 step 0 among local members (tests, demo): each member draws and signs a run nonce
 * ({@link createRunNonce}, with `rng[i]` or the shared `rng`), the messages pass through
 * `intercept` (step `'run-nonce'`), and each member derives the run id with its own nonce checked
 * ({@link runIdFromNonces}); they must agree. Returns the run's configuration, ready for the
 * {@link NgoParty} constructors and {@link runQuorumLocally}.
 */
export function startRunLocally(
  roster: QuorumRoster,
  signingSecretKeys: readonly Uint8Array[],
  opts: {
    rng?: Rng | readonly Rng[];
    intercept?: (msg: QuorumMessage) => Uint8Array;
  } = {},
): { config: QuorumConfig; runId: Uint8Array; runNonces: readonly Uint8Array[] } {
  const k = roster.members.length;
  if (!Array.isArray(signingSecretKeys) || signingSecretKeys.length !== k)
    throw new TypeError(`"signingSecretKeys" expected ${k} keys in roster order`);
  const rngOf = (i: number): Rng =>
    Array.isArray(opts.rng) ? (opts.rng[i] as Rng) : ((opts.rng as Rng | undefined) ?? defaultRng);
  const drawn = signingSecretKeys.map((sk, i) => createRunNonce(roster, i, sk, rngOf(i)));
  const runNonces = drawn.map((d, i) => {
    const msg: QuorumMessage = { step: 'run-nonce', from: i, to: -1, owner: -1, bytes: d.message };
    return opts.intercept ? opts.intercept(msg) : msg.bytes;
  });
  const runId = runIdFromNonces(roster, runNonces, {
    index: 0,
    nonce: (drawn[0] as RunNonce).nonce,
  });
  for (let i = 1; i < k; i++) {
    const id = runIdFromNonces(roster, runNonces, {
      index: i,
      nonce: (drawn[i] as RunNonce).nonce,
    });
    if (!equalBytes(runId, id))
      throw new VerificationError('ngo.runNonce.disagree', 'members derived different run ids');
  }
  return { config: createQuorumConfig({ ...roster, runId }), runId, runNonces };
}

/** A message in transit in {@link runQuorumLocally}. */
export interface QuorumMessage {
  readonly step: 'run-nonce' | 'commitment' | 'hop' | 'bulletin' | 'contribution';
  /** Sender ring index (`-1` for the bulletin board). */
  readonly from: number;
  /** Recipient ring index (`-1` for broadcast / board / builder). */
  readonly to: number;
  /** Owner of the list (hops only, else `-1`). */
  readonly owner: number;
  readonly bytes: Uint8Array;
}

/** Everything {@link runQuorumLocally} produced. */
export interface QuorumRun {
  readonly commitments: readonly Uint8Array[];
  readonly bulletin: Uint8Array;
  readonly contributions: readonly Uint8Array[];
  /** Qualifying items per party, in ring order. */
  readonly qualified: readonly Uint8Array[][];
  /** Every message, in the order sent. */
  readonly transcript: readonly QuorumMessage[];
}

/**
 * Run the quorum among local parties (`parties[i].index === i`), passing only serialized bytes
 * between them. `intercept` may replace any message in transit (tests of malicious parties).
 */
export function runQuorumLocally(
  parties: readonly NgoParty[],
  opts: { intercept?: (msg: QuorumMessage) => Uint8Array } = {},
): QuorumRun {
  if (!Array.isArray(parties) || parties.length < 2)
    throw new TypeError('"parties" expected an array of NgoParty');
  const config = (parties[0] as NgoParty).config;
  const k = config.members.length;
  if (parties.length !== k || parties.some((p, i) => p.index !== i || p.config !== config)) {
    throw new ParameterError(
      'ngo.run.parties',
      'parties must be the roster in ring order, with one config',
    );
  }
  const transcript: QuorumMessage[] = [];
  const send = (msg: QuorumMessage): Uint8Array => {
    const bytes = opts.intercept ? opts.intercept(msg) : msg.bytes;
    transcript.push({ ...msg, bytes });
    return bytes;
  };
  const commitments = parties.map((p) =>
    send({ step: 'commitment', from: p.index, to: -1, owner: -1, bytes: p.commit() }),
  );
  for (const p of parties) p.receiveCommitments(commitments);
  let inflight = parties.map((p) => p.maskOwnList());
  for (let r = 1; r < k; r++) {
    inflight = inflight.map((bytes, owner) => {
      const from = (owner + r - 1) % k;
      const to = (owner + r) % k;
      const b = send({ step: 'hop', from, to, owner, bytes });
      return (parties[to] as NgoParty).processHop(b, from);
    });
  }
  const finals = inflight.map((bytes, owner) =>
    send({ step: 'hop', from: (owner + k - 1) % k, to: -1, owner, bytes }),
  );
  const bulletin = send({
    step: 'bulletin',
    from: -1,
    to: -1,
    owner: -1,
    bytes: assembleBulletin(config, finals),
  });
  const qualified = parties.map((p) => p.qualify(bulletin));
  const contributions = parties.map((p) =>
    send({ step: 'contribution', from: p.index, to: -1, owner: -1, bytes: p.contribute() }),
  );
  return { commitments, bulletin, contributions, qualified, transcript };
}
