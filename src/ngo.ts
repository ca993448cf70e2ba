/**
 * NGO quorum: verifiable k-party intersection with an `m`-of-`k` jurisdiction rule (SPEC §3).
 *
 * Parties `NGO_0..NGO_{k-1}` (ring order = roster order, one party per jurisdiction: NGOs of one
 * jurisdiction merge their lists first, {@link mergeJurisdiction}), each with an Ed25519 key, a
 * masking key `k_i` with `K_i = k_i·G`, and a deduplicated list `X_i` of fixed-width items.
 *
 * - Step 1 `commit()`: publish `K_i`, `|X_i|` and a signed, salted commitment to sorted `X_i`.
 * - Step 2 `maskOwnList()`: `L_0 = [k_i·H_M(x)]` in a random order the party remembers; stage 0 of
 *   the chain, signed, no proof (its input is private).
 * - Step 3 `processHop()`: party `(i+t) mod k` receives the chain `L_0..L_{t-1}` of list `i`,
 *   checks routing, every stage signature and the list size, decodes `L_{t-1}` strictly, verifies
 *   the batched DLEQ proof of stage `t-1` against `K_{i+t-1}` (none for `t-1 = 0`), computes
 *   `L_t = k_j·L_{t-1}` in constant time, order kept, and appends a batched DLEQ proof against its
 *   `K_j`, bound to (session, owner, stage). Any failure names the culprit: the sender.
 * - Step 4 `assembleBulletin()`: after `k-1` hops every chain is complete; the board holds all
 *   `k` chains (every stage of every list, so anyone can verify every proven hop).
 * - Step 5 `qualify()`: verify the whole board — every proven hop, except the hops this party
 *   already verified or produced during the ring when the board carries them byte for byte
 *   (same input, output and proof) — then mark each own item whose fully-masked value
 *   `K·H_M(x)`, `K = ∏ k_j`, appears in at least `m-1` other lists (one hash-set pass).
 * - Step 6 `contribute()`: `Q_i` in the clear with a signature over the contribution statement.
 * - Builder: {@link intersectContributions} keeps the items backed by `≥ m` jurisdictions.
 *
 * Leakage (docs/security.md "NGO quorum"): list sizes; the board's equality pattern between
 * positions of different lists (so each NGO learns, per own item, which other lists hold it, and
 * everyone learns the sizes of all intersections of lists); to the builder only the contributions.
 * Cost: per party and list hop, `n` decodes ×2, `n` CT multiplications, `n` encodes, three MSMs;
 * the board holds `k` chains of `k` stages (`k²·n` encodings); no quadratic step in `n`.
 * @module
 */
import {
  DLEQ_INDEX_BYTES,
  DLEQ_PURPOSE,
  DST_PURPOSE,
  dst,
  NGO_COMMITMENT_SALT_BYTES,
  NGO_MAX_LIST_SIZE,
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
  decodeElementList,
  decodeNgoBulletin,
  decodeNgoChain,
  decodeNgoCommitment,
  decodeNgoContribution,
  elementViews,
  encodeNgoBulletin,
  encodeNgoChain,
  encodeNgoContribution,
  listCommitment,
  maskedListDigest,
  type NgoChain,
  type NgoCommitment,
  type NgoContribution,
  type NgoStage,
  type QuorumConfig,
  stageStatement,
} from './ngo-messages.js';
import { signingPublicKey, signStatement, verifyStatement } from './sign.js';
import {
  checkBytes,
  checkInt,
  checkRng,
  compareBytes,
  concatBytes,
  defaultRng,
  equalBytes,
  type Rng,
} from './utils.js';

export { type NgoCulprit, NgoDecodeError, NgoVerificationError } from './errors.js';
export {
  createQuorumConfig,
  type NgoMember,
  type QuorumConfig,
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

/** Sorted, deduplicated copy. */
function canonicalList(items: readonly Uint8Array[]): Uint8Array[] {
  const sorted = items.map((x) => x.slice()).sort(compareBytes);
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
  return Object.freeze({ context: ctx, indexBytes: DLEQ_INDEX_BYTES });
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

/** Verified commitments of all parties. */
interface VerifiedCommitments {
  readonly K: readonly Element[];
  readonly sizes: readonly number[];
  readonly digests: readonly Uint8Array[];
  readonly decoded: readonly NgoCommitment[];
}

/**
 * Decode and verify the `k` commitments (position `j` must be party `j`'s): suite, session,
 * index and the signature under the roster key. Failures name party `j`.
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
 * every hop's DLEQ proof. A failing stage names its producer.
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
    if (chain.n !== vc.sizes[j]) {
      fail(
        config,
        'ngo.bulletin.length',
        publisher,
        `bulletin list ${j}: ${chain.n} elements, committed ${vc.sizes[j]}`,
      );
    }
    const bad = badStageSignature(config, chain);
    if (bad >= 0)
      fail(
        config,
        'ngo.bulletin.signature',
        publisher,
        `bulletin list ${j}: stage ${bad} signature invalid`,
      );
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
): boolean {
  try {
    return verifyProof(
      suite,
      cfg,
      { A: suite.G, B: K, C: input.pts, D: output.pts, Cbytes: input.bytes, Dbytes: output.bytes },
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
    checkBytes('signingSecretKey', signingSecretKey, 32);
    if (!equalBytes(signingPublicKey(signingSecretKey), member.signingPublicKey)) {
      throw new ParameterError('ngo.party.key', `signing key does not match roster entry ${index}`);
    }
    this.#signingSecretKey = signingSecretKey.slice();
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
    this.#salt = checkBytes(
      'rng output',
      rng(NGO_COMMITMENT_SALT_BYTES),
      NGO_COMMITMENT_SALT_BYTES,
    ).slice();
    this.#order = randomPermutation(n, rng);
  }

  /** `|X_i|` after deduplication. */
  get listSize(): number {
    return this.#items.length;
  }

  /** The salt of the list commitment (reveal it to open the commitment, e.g. to an arbiter). */
  commitmentOpening(): { items: readonly Uint8Array[]; salt: Uint8Array } {
    return { items: this.#items, salt: this.#salt.slice() };
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
    return this.#commitment;
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
    const Ne = suite.elementLength;
    const n = this.#items.length;
    const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
    const list = new Uint8Array(n * Ne);
    for (let p = 0; p < n; p++) {
      const x = this.#items[this.#order[p] as number] as Uint8Array;
      list.set(suite.encode(suite.mul(suite.hashToGroup(x, mdst), this.#k)), p * Ne);
    }
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
      { A: suite.G, B: this.#K, C: D, D: outPts, Cbytes: Dbytes, Dbytes: elementViews(out, n, Ne) },
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
    return this.#qualified.slice();
  }

  /**
   * What this party learned (its documented leakage): for each own item, which other lists hold
   * it. Available after {@link qualify}.
   */
  itemHolders(): readonly NgoItemHolders[] {
    if (!this.#holders) throw new StateError('ngo.state', 'qualify() first');
    return this.#holders;
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

/**
 * Builder side of SPEC §3: verify every contribution's signature under a trusted key of the
 * jurisdiction it claims, require one session, deployment id, suite, item width and rule `m`,
 * and return the items backed by at least `m` distinct jurisdictions.
 * Untrusted or forged contributions are {@link NgoVerificationError}s naming the NGO; malformed
 * bytes are {@link DecodeError}s naming the position. A missing contribution only withdraws that
 * jurisdiction's support (fail-safe: fewer items, never more).
 */
export function intersectContributions(
  contributions: readonly Uint8Array[],
  trustedNgoKeys: readonly TrustedNgo[],
  m: number,
  opts: { deploymentId?: Uint8Array; sessionDigest?: Uint8Array } = {},
): QuorumIntersection {
  if (!Array.isArray(contributions)) throw new TypeError('"contributions" expected an array');
  if (!Array.isArray(trustedNgoKeys)) throw new TypeError('"trustedNgoKeys" expected an array');
  checkInt('m', m, 2, 64);
  const decoded: NgoContribution[] = contributions.map((bytes, i) => {
    try {
      return decodeNgoContribution(bytes);
    } catch (e) {
      if (e instanceof DecodeError)
        throw new DecodeError(e.code, `contribution ${i}: ${e.message}`, { cause: e });
      throw e;
    }
  });
  const seen = new Set<string>();
  const first = decoded[0];
  decoded.forEach((c, i) => {
    const who: NgoCulprit = Object.freeze({ index: c.index, jurisdiction: c.jurisdiction });
    const bad = (code: string, msg: string): never => {
      throw new NgoVerificationError(code, `contribution ${i} (${c.jurisdiction}): ${msg}`, who);
    };
    const trusted = trustedNgoKeys.find((t) => equalBytes(t.publicKey, c.signingPublicKey));
    if (!trusted) bad('ngo.contribution.untrusted', 'signing key is not in the trust list');
    if (trusted && trusted.jurisdiction !== c.jurisdiction) {
      bad('ngo.contribution.jurisdiction', `key belongs to ${trusted.jurisdiction}`);
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
      bad('ngo.contribution.signature', 'invalid signature');
    }
    if (c.m !== m) bad('ngo.contribution.mismatch', `rule m = ${c.m}, expected ${m}`);
    if (opts.deploymentId && !equalBytes(c.deploymentId, opts.deploymentId))
      bad('ngo.contribution.mismatch', 'other deployment');
    if (opts.sessionDigest && !equalBytes(c.sessionDigest, opts.sessionDigest))
      bad('ngo.contribution.mismatch', 'other session');
    if (
      first &&
      (c.suite !== first.suite ||
        c.itemWidth !== first.itemWidth ||
        !equalBytes(c.deploymentId, first.deploymentId) ||
        !equalBytes(c.sessionDigest, first.sessionDigest))
    ) {
      bad(
        'ngo.contribution.mismatch',
        'contributions disagree on suite, item width, deployment or session',
      );
    }
    if (seen.has(c.jurisdiction))
      bad('ngo.contribution.duplicate', 'second contribution from this jurisdiction');
    seen.add(c.jurisdiction);
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

// ── Local orchestration (tests, demo) ───────────────────────────────────────────────────────

/** A message in transit in {@link runQuorumLocally}. */
export interface QuorumMessage {
  readonly step: 'commitment' | 'hop' | 'bulletin' | 'contribution';
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
