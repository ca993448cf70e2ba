/**
 * One NGO in the quorum (SPEC §3 steps 1-6): {@link NgoParty} holds the masking key `k_i`, the
 * private list and its private order, and turns what it receives into what it sends, all bytes.
 * @module
 */

import { bulkCodec } from '../core/bulk-codec.js';
import {
  DLEQ_PURPOSE,
  DST_PURPOSE,
  dst,
  KIND,
  NGO_COMMITMENT_SALT_BYTES,
  NGO_MAX_LIST_SIZE,
  NGO_PARTY_STATE_LABEL,
  RUN_ID_LENGTH,
  SIG_LABEL,
} from '../core/constants.js';
import {
  compositeSeed,
  dleqConfig,
  generateProof,
  generateProofFromComposites,
} from '../core/dleq.js';
import { decodeWith, Writer } from '../core/encoding.js';
import {
  DecodeError,
  NgoDecodeError,
  NgoVerificationError,
  ParameterError,
  StateError,
  VerificationError,
} from '../core/errors.js';
import type { Element, Suite } from '../core/group.js';
import {
  chunkSizeFor,
  elementDecodeError,
  firstError,
  type HopResult,
  inThreadExecutor,
  type MaskResult,
  newJobId,
  type ParallelOptions,
  sumPartials,
} from '../core/parallel.js';
import { secretMultiplier } from '../core/secret-mul.js';
import { signingPublicKey, signStatement } from '../core/sign.js';
import { appendChecksum, verifyChecksum } from '../core/state.js';
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
  takeBytes,
} from '../core/utils.js';
import {
  badStageSignature,
  hopDleqConfig,
  hopFingerprint,
  hopProofBinding,
  safeVerify,
  safeVerifyComposites,
  stageProducer,
  type VerifiedBulletin,
  type VerifiedCommitments,
  verifyBulletinWith,
  verifyBulletinWithAsync,
  verifyCommitments,
} from './board.js';
import { fail, failDecode } from './culprit.js';
import { canonicalList, ElementIndex } from './lists.js';
import {
  commitmentBody,
  commitmentDigest,
  contributionStatement,
  createQuorumConfig,
  decodeElementList,
  decodeNgoChain,
  decodeNgoChainView,
  elementViews,
  encodeNgoChain,
  encodeNgoContribution,
  encodeNgoOpening,
  listCommitment,
  type NgoChain,
  type NgoContribution,
  type NgoStage,
  openingProofBinding,
  type QuorumConfig,
  readRoster,
  stageStatement,
  writeRoster,
} from './ngo-messages.js';

/** For each own item: the other lists (owner indices) whose fully-masked list holds it. */
export interface NgoItemHolders {
  readonly item: Uint8Array;
  readonly lists: readonly number[];
}

/**
 * The message of an asynchronous step, owned by the library from the call ({@link
 * AsyncInputOptions}); anything but bytes is passed on for the decoder's own typed error.
 */
function ownInput(message: Uint8Array, opts: AsyncInputOptions | undefined): Uint8Array {
  return message instanceof Uint8Array ? takeBytes(message, opts?.transferInput === true) : message;
}

/** Options of {@link NgoParty.processHopAsync} and {@link NgoParty.qualifyAsync}. */
export interface AsyncInputOptions extends ParallelOptions {
  /**
   * Move the message's buffer into the party instead of copying it (default `false`): the
   * caller's array, and every other view of the same `ArrayBuffer`, is detached at the call
   * (length 0), so it cannot change under the step and is not held twice. It is copied, as
   * without the option, when it cannot move: a view of part of a buffer, a `SharedArrayBuffer`,
   * a buffer marked untransferable, or a platform without `structuredClone`. For a caller that
   * has just read the message and will not use it again (the CLI: a board of 10^6 items per NGO
   * is 288 MB).
   */
  transferInput?: boolean;
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
  #receivedCommitments: Uint8Array[] | null = null;
  #ownStage0: Uint8Array | null = null;
  #stage0Bytes: Uint8Array | null = null;
  #opening: Uint8Array | null = null;
  readonly #processed = new Set<number>();
  /** Hops this party verified or produced during the ring (skipped when verifying the board). */
  readonly #knownHops = new Map<string, Uint8Array>();
  #holders: NgoItemHolders[] | null = null;
  #qualified: Uint8Array[] | null = null;
  /** Asynchronous operations queued or running ({@link NgoParty.processHopAsync} and siblings). */
  #pending = 0;
  /** Settles when the last queued asynchronous operation has. */
  #tail: Promise<unknown> = Promise.resolve();

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
    // NgoParty.fromBytes restores the secrets it decoded instead of drawing new ones.
    const kept = restoring;
    restoring = null;
    this.#k = kept ? kept.k : config.suite.randomScalar(rng);
    this.#K = config.suite.mulBase(this.#k);
    this.maskingPublicKey = config.suite.encode(this.#K);
    this.#salt = kept
      ? kept.salt
      : copyBytes(
          checkBytes('rng output', rng(NGO_COMMITMENT_SALT_BYTES), NGO_COMMITMENT_SALT_BYTES),
        );
    this.#order = kept ? kept.order : randomPermutation(n, rng);
  }

  /**
   * The party between protocol steps (docs/wire-format.md "NGO party state"), so that an NGO can
   * take part over days, one process per step:
   *
   * ```
   * header(kind 0x0b, suite) ‖ roster (see writeRoster) ‖ run id (32) ‖ u16 index ‖
   * signing secret key (32) ‖ k_i (Ns) ‖ salt (32) ‖ u32 n ‖ n × item (width, sorted) ‖
   * n × u32 order ‖ u8 progress ‖ [k × (u32 len ‖ commitment)] (progress ≥ 1) ‖
   * [stage 0 (n·Ne)] (progress ≥ 2) ‖ u16 #lists processed ‖ u16 owner* ‖
   * u16 #known hops ‖ (u16 owner ‖ u16 stage ‖ u16 len ‖ fingerprint)* ‖
   * [n × (u16 count ‖ u16 list*)] (progress = 3: holders of each sorted item) ‖ checksum (32)
   * ```
   * progress: 0 = created, 1 = commitments received, 2 = own list masked, 3 = qualified.
   *
   * **It holds the masking key `k_i`, the signing key and the private list in the clear**: store
   * it only encrypted, e.g. `lockSecret(KIND.ngoPartyState, party.toBytes(), passphrase)` (what
   * the `quorum-psi ngo` commands do).
   */
  toBytes(): Uint8Array {
    const { config } = this;
    const { suite } = config;
    const w = new Writer().header(KIND.ngoPartyState, suite);
    writeRoster(w, config).bytes(config.runId).u16(this.index);
    w.bytes(this.#signingSecretKey).bytes(suite.encodeScalar(this.#k)).bytes(this.#salt);
    // The list and its order as two packed blocks (a chunk per item would cost an object each:
    // 10^6 items are 10^6 chunks and 10^6 four-byte arrays).
    const n = this.#items.length;
    const iw = config.itemWidth;
    const items = new Uint8Array(n * iw);
    for (let i = 0; i < n; i++) items.set(this.#items[i] as Uint8Array, i * iw);
    const order = new Uint8Array(4 * n);
    const ov = new DataView(order.buffer);
    for (let p = 0; p < n; p++) ov.setUint32(4 * p, this.#order[p] as number);
    w.u32(n).bytes(items).bytes(order);
    const progress = this.#holders ? 3 : this.#ownStage0 ? 2 : this.#verified ? 1 : 0;
    w.u8(progress);
    if (this.#verified) for (const c of this.#receivedCommitments as Uint8Array[]) w.vec32(c);
    if (this.#ownStage0) w.bytes(this.#ownStage0);
    const owners = [...this.#processed].sort((a, b) => a - b);
    w.u16(owners.length);
    for (const o of owners) w.u16(o);
    const hops = [...this.#knownHops.entries()].map(([key, fp]) => {
      const [o, t] = key.split(':').map(Number) as [number, number];
      return { o, t, fp };
    });
    hops.sort((a, b) => a.o - b.o || a.t - b.t);
    w.u16(hops.length);
    for (const h of hops) w.u16(h.o).u16(h.t).vec16(h.fp);
    if (this.#holders) {
      let len = 0;
      for (const h of this.#holders) len += 2 + 2 * h.lists.length;
      const hb = new Uint8Array(len);
      const hv = new DataView(hb.buffer);
      let off = 0;
      for (const h of this.#holders) {
        hv.setUint16(off, h.lists.length);
        off += 2;
        for (const j of h.lists) {
          hv.setUint16(off, j);
          off += 2;
        }
      }
      w.bytes(hb);
    }
    return appendChecksum(NGO_PARTY_STATE_LABEL, w.finish());
  }

  /**
   * Strict inverse of {@link toBytes}: the checksum first (corruption, truncation or another kind
   * of state is a {@link DecodeError}), then every field checked as the protocol made it (the
   * signing key against the roster, `k_i ≠ 0`, canonical items, a permutation, the commitments
   * re-verified, holders naming other lists in increasing order). `rng` serves the proofs still
   * to come (default: platform CSPRNG).
   */
  static fromBytes(bytes: Uint8Array, rng: Rng = defaultRng): NgoParty {
    const what = 'NGO party state';
    const body = verifyChecksum(what, NGO_PARTY_STATE_LABEL, bytes, KIND.ngoPartyState);
    const bad = (msg: string): never => {
      throw new DecodeError('decode.range', `${what}: ${msg}`);
    };
    return decodeWith(what, body, (r) => {
      const suite = r.header(KIND.ngoPartyState) as Suite;
      const roster = readRoster(r, suite);
      const runId = r.bytes(RUN_ID_LENGTH).slice();
      const config = createQuorumConfig({ ...roster, runId });
      const k = roster.members.length;
      const index = r.u16();
      if (index >= k) bad(`index ${index} ≥ ${k}`);
      const sk = r.bytes(32).slice();
      const secret = r.scalar(suite);
      if (secret === 0n) bad('masking key 0');
      const salt = r.bytes(NGO_COMMITMENT_SALT_BYTES).slice();
      const n = r.u32In('list size', 1, NGO_MAX_LIST_SIZE);
      const w = roster.itemWidth;
      // Views of one copy (the constructor's canonicalList copies them into one buffer again).
      const itemBytes = r.bytes(n * w).slice();
      const items: Uint8Array[] = new Array(n);
      for (let i = 0; i < n; i++) {
        items[i] = itemBytes.subarray(i * w, (i + 1) * w);
        if (i > 0 && compareBytes(items[i - 1] as Uint8Array, items[i] as Uint8Array) >= 0)
          bad('items not sorted and distinct');
      }
      const order = new Uint32Array(n);
      const seen = new Uint8Array(n);
      for (let p = 0; p < n; p++) {
        const v = r.u32();
        if (v >= n || seen[v]) bad('the order is not a permutation');
        seen[v] = 1;
        order[p] = v;
      }
      const progress = r.u8();
      if (progress > 3) bad(`progress ${progress}`);
      const commitments: Uint8Array[] = [];
      if (progress >= 1)
        for (let j = 0; j < k; j++) commitments.push(r.vec32('commitment', 1 << 12).slice());
      const Ne = suite.elementLength;
      const stage0 = progress >= 2 ? r.bytes(n * Ne).slice() : null;
      const processed: number[] = [];
      const np = r.u16();
      for (let i = 0; i < np; i++) {
        const o = r.u16();
        if (o >= k || o === index || (i > 0 && o <= (processed[i - 1] as number)))
          bad('processed lists out of range or order');
        processed.push(o);
      }
      const hops: [string, Uint8Array][] = [];
      const nh = r.u16();
      for (let i = 0; i < nh; i++) {
        const o = r.u16();
        const t = r.u16();
        if (o >= k || t < 1 || t >= k) bad('known hop out of range');
        hops.push([`${o}:${t}`, r.vec16('fingerprint', 64 + 2 * suite.scalarLength).slice()]);
      }
      const holders: NgoItemHolders[] | null = progress === 3 ? [] : null;
      if (holders) {
        for (let i = 0; i < n; i++) {
          const c = r.u16();
          if (c >= k) bad('holder count');
          const lists: number[] = [];
          for (let q = 0; q < c; q++) {
            const j = r.u16();
            if (j >= k || j === index || (q > 0 && j <= (lists[q - 1] as number)))
              bad('holders out of range or order');
            lists.push(j);
          }
          holders.push({ item: items[i] as Uint8Array, lists });
        }
      }
      // The constructor checks the signing key against the roster and keeps these secrets.
      restoring = { k: secret, salt, order };
      let party: NgoParty;
      try {
        party = new NgoParty(config, index, sk, items, rng);
      } catch (e) {
        throw new DecodeError('decode.range', `${what}: ${(e as Error).message}`, { cause: e });
      } finally {
        restoring = null;
      }
      party.#restore(commitments, stage0, processed, hops, holders);
      return party;
    });
  }

  /** The progress fields of {@link fromBytes} (commitments re-verified as when received). */
  #restore(
    commitments: Uint8Array[],
    stage0: Uint8Array | null,
    processed: number[],
    hops: [string, Uint8Array][],
    holders: NgoItemHolders[] | null,
  ): void {
    if (commitments.length > 0) {
      try {
        this.receiveCommitments(commitments);
      } catch (e) {
        throw new DecodeError('decode.invalid', `NGO party state: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    if (stage0) {
      this.#ownStage0 = stage0;
      this.#stage0Bytes = stage0;
    }
    for (const o of processed) this.#processed.add(o);
    for (const [key, fp] of hops) this.#knownHops.set(key, fp);
    if (holders) {
      this.#holders = holders;
      this.#qualified = holders
        .filter((h) => h.lists.length >= this.config.m - 1)
        .map((h) => h.item);
    }
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
    this.#idle();
    if (!this.#opening) {
      const { suite, sessionDigest, itemWidth } = this.config;
      const Ne = suite.elementLength;
      const n = this.#items.length;
      const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
      const stage0 = this.#stage0();
      const C: Element[] = new Array(n);
      for (let p = 0; p < n; p++)
        C[p] = bulkCodec(suite).hashToGroup(
          this.#items[this.#order[p] as number] as Uint8Array,
          mdst,
        );
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
        bulkCodec(suite).msmVartime,
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
      const mul = secretMultiplier(suite, this.#k);
      const codec = bulkCodec(suite);
      for (let p = 0; p < n; p++) {
        const x = this.#items[this.#order[p] as number] as Uint8Array;
        list.set(codec.encode(mul(codec.hashToGroup(x, mdst))), p * Ne);
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

  /**
   * Receive every party's commitment (in ring order, own included) and verify them; the own
   * commitment must be the one {@link commit} gives.
   */
  receiveCommitments(commitments: readonly Uint8Array[]): void {
    this.#idle();
    // The own commitment is a function of the state (Ed25519 signatures are deterministic), so a
    // party restored before it sent its commitment (NgoParty.fromBytes) computes the same bytes.
    const own = this.commit();
    const vc = verifyCommitments(this.config, commitments);
    if (!equalBytes(commitments[this.index] as Uint8Array, own)) {
      throw new VerificationError('ngo.commitment.own', 'own commitment was replaced');
    }
    this.#verified = vc;
    this.#receivedCommitments = commitments.map((c) => copyBytes(c));
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
    this.#idle();
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

  /** The checks of {@link processHop} before any element is decoded (framing, routing, replay, size, signatures). */
  #hopPrelude(
    incoming: Uint8Array,
    from: number | undefined,
    owned = false,
  ): { vc: VerifiedCommitments; chain: NgoChain; s: number; owner: number; producer: number } {
    const vc = this.#need();
    const { config } = this;
    const { suite, sessionDigest } = config;
    const k = config.members.length;
    const expectedSender = (this.index + k - 1) % k;
    const sender = from ?? expectedSender;
    let chain: NgoChain;
    try {
      // An owned input (the asynchronous hop's, copied or moved at the call) is not copied again.
      chain = owned ? decodeNgoChainView(incoming) : decodeNgoChain(incoming);
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
    return { vc, chain, s, owner, producer };
  }

  /**
   * SPEC §3 step 3: process one incoming chain (list `owner`, stages `0..t-1`) and return the
   * chain with stage `t` appended (for party `index + 1`, or the bulletin board after `k-1` hops).
   * `from` (optional) is the transport-level sender, used to name the culprit when even the
   * framing is broken. Throws {@link NgoDecodeError} / {@link NgoVerificationError} naming the
   * sender on any failure.
   */
  processHop(incoming: Uint8Array, from?: number): Uint8Array {
    this.#idle();
    const { config } = this;
    const { suite, sessionDigest } = config;
    const { vc, chain, s, owner, producer } = this.#hopPrelude(incoming, from);
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
        bulkCodec(suite).msmVartime,
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
    const mul = secretMultiplier(suite, this.#k);
    const codec = bulkCodec(suite);
    for (let i = 0; i < n; i++) {
      const P = mul(D[i] as Element);
      outPts[i] = P;
      out.set(codec.encode(P), i * Ne);
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
      codec.msmVartime,
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
    this.#idle();
    const vc = this.#need();
    if (!this.#ownStage0) throw new StateError('ngo.state', 'maskOwnList() first');
    return this.#qualifyWith(
      verifyBulletinWith(
        this.config,
        vc,
        bulletin,
        this.#knownHops,
        bulkCodec(this.config.suite).msmVartime,
      ),
    );
  }

  /** {@link qualify} after the board was verified. */
  #qualifyWith(vb: VerifiedBulletin): Uint8Array[] {
    const { config } = this;
    const k = config.members.length;
    const Ne = config.suite.elementLength;
    // The own list's stage 0 must be exactly what this party produced.
    const own0 = vb.stage0Lists[this.index] as Uint8Array;
    if (!equalBytes(own0, this.#ownStage0 as Uint8Array)) {
      fail(
        config,
        'ngo.bulletin.own',
        stageProducer(config, this.index, 1),
        'own list replaced on the bulletin board',
      );
    }
    const n = this.#items.length;
    const ownFinal = vb.finalLists[this.index] as Uint8Array;
    const pos = new ElementIndex(ownFinal, Ne);
    const lists: number[][] = Array.from({ length: n }, () => []);
    for (let j = 0; j < k; j++) {
      if (j === this.index) continue;
      const L = vb.finalLists[j] as Uint8Array;
      const nj = vb.sizes[j] as number;
      for (let i = 0; i < nj; i++) {
        const p = pos.get(L, i * Ne);
        if (p < 0) continue;
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

  // ── Asynchronous, chunked versions (issue 15) ───────────────────────────────────────────────

  /**
   * {@link maskOwnList} with the element-wise work (hash-to-group, constant-time multiplication
   * by `k_i`, encoding) cut into chunks and run on `opts.executor` (default: this thread,
   * yielding between chunks; `quorum-psi/workers` for a pool of Node worker threads). Returns
   * the same bytes as {@link maskOwnList}. Calls of the asynchronous methods on one party run one
   * after the other, in call order; a synchronous method called while one is pending throws a
   * {@link StateError}.
   */
  maskOwnListAsync(opts: ParallelOptions = {}): Promise<Uint8Array> {
    return this.#exclusive(async () => {
      this.#need();
      if (this.#ownStage0) throw new StateError('ngo.state', 'own list already masked');
      const { suite, sessionDigest } = this.config;
      const n = this.#items.length;
      const list = await this.#stage0Async(opts);
      this.#ownStage0 = list;
      const stage: NgoStage = {
        list,
        proof: null,
        signature: this.#sign(this.index, 0, n, list, null),
      };
      return encodeNgoChain(suite, sessionDigest, this.index, n, [stage]);
    });
  }

  /** {@link #stage0} on an executor. */
  async #stage0Async(opts: ParallelOptions): Promise<Uint8Array> {
    if (this.#stage0Bytes) return this.#stage0Bytes;
    const { suite, itemWidth } = this.config;
    const Ne = suite.elementLength;
    const n = this.#items.length;
    const ex = opts.executor ?? inThreadExecutor();
    const size = chunkSizeFor(n, ex.workers, opts.chunkSize);
    const count = Math.ceil(n / size);
    const mdst = dst(suite.shortName, DST_PURPOSE.ngoMask);
    let done = 0;
    const results = await ex.map(
      'mask',
      count,
      (i) => {
        const lo = i * size;
        const hi = Math.min(n, lo + size);
        const items = new Uint8Array((hi - lo) * itemWidth);
        for (let p = lo; p < hi; p++)
          items.set(this.#items[this.#order[p] as number] as Uint8Array, (p - lo) * itemWidth);
        return { suite: suite.id, dst: mdst, k: this.#k, width: itemWidth, items };
      },
      {
        onResult: (_i, r) => {
          done += r.list.length / Ne;
          opts.onProgress?.({ phase: 'mask', done, total: n });
        },
      },
    );
    const list = new Uint8Array(n * Ne);
    for (let i = 0; i < count; i++) list.set((results[i] as MaskResult).list, i * size * Ne);
    this.#stage0Bytes = list;
    return list;
  }

  /**
   * {@link processHop} with the element-wise work on `opts.executor`: the incoming proof's
   * composites, the decoding and the constant-time multiplication by `k_i` per chunk, then the
   * outgoing proof's composites per chunk; the partial sums are added here and each proof is
   * checked or made once, over the whole list (one proof per hop, as the protocol requires).
   * The same bytes as {@link processHop} for the same rng state (its one random scalar is drawn
   * at the same point), and the same errors naming the same culprits.
   */
  processHopAsync(
    incoming: Uint8Array,
    from?: number,
    opts: AsyncInputOptions = {},
  ): Promise<Uint8Array> {
    return this.#exclusiveOn(incoming, opts, (owned) => this.#processHopAsync(owned, from, opts));
  }

  async #processHopAsync(
    incoming: Uint8Array,
    from: number | undefined,
    opts: ParallelOptions,
  ): Promise<Uint8Array> {
    const { config } = this;
    const { suite, sessionDigest } = config;
    const { vc, chain, s, owner, producer } = this.#hopPrelude(incoming, from, true);
    const n = chain.n;
    const Ne = suite.elementLength;
    const last = chain.stages[s - 1] as NgoStage;
    const prev = s >= 2 ? (chain.stages[s - 2] as NgoStage) : null;
    const ex = opts.executor ?? inThreadExecutor();
    const size = chunkSizeFor(n, ex.workers, opts.chunkSize);
    const count = Math.ceil(n / size);
    const range = (i: number): [number, number] => [i * size, Math.min(n, (i + 1) * size)];
    const lastViews = elementViews(last.list, n, Ne);
    // The incoming proof's seed hashes both whole lists (a sequential hash, here).
    const cfgIn = prev ? hopDleqConfig(config, owner, s - 1) : null;
    const Kp = vc.K[producer] as Element;
    const seedIn =
      prev && cfgIn
        ? compositeSeed(
            suite,
            cfgIn,
            suite.encode(Kp),
            elementViews(prev.list, n, Ne),
            lastViews,
            hopProofBinding(config, owner, s - 1),
          )
        : null;
    const job = newJobId();
    let nothingHeld = false;
    try {
      let done = 0;
      const hopped = await ex.map(
        'hop',
        count,
        (i) => {
          const [lo, hi] = range(i);
          return {
            suite: suite.id,
            k: this.#k,
            from: lo,
            total: n,
            list: last.list.slice(lo * Ne, hi * Ne),
            verify:
              prev && cfgIn && seedIn
                ? { cfg: cfgIn, seed: seedIn, prev: prev.list.slice(lo * Ne, hi * Ne) }
                : null,
            hold: { job, chunk: i },
          };
        },
        {
          onResult: (i) => {
            const [lo, hi] = range(i);
            done += hi - lo;
            opts.onProgress?.({ phase: 'hop', done, total: n });
          },
        },
      );
      // The checks in processHop's order: stage s-1 decodes, stage s-2 decodes, its proof.
      const errList = firstError(hopped.map((r) => (r.error?.stage === 'list' ? r.error : null)));
      if (errList)
        failDecode(config, elementDecodeError(errList), producer, `list ${owner} stage ${s - 1}`);
      const errPrev = firstError(hopped.map((r) => (r.error?.stage === 'prev' ? r.error : null)));
      if (errPrev)
        failDecode(config, elementDecodeError(errPrev), producer, `list ${owner} stage ${s - 2}`);
      if (prev && cfgIn) {
        const ok = safeVerifyComposites(
          suite,
          cfgIn,
          Kp,
          sumPartials(
            suite,
            hopped.map((r) => r.M),
          ),
          sumPartials(
            suite,
            hopped.map((r) => r.Z),
          ),
          last.proof as Uint8Array,
        );
        if (!ok)
          fail(
            config,
            'ngo.hop.proof',
            producer,
            `list ${owner} stage ${s - 1}: DLEQ proof invalid`,
          );
        this.#knownHops.set(
          `${owner}:${s - 1}`,
          hopFingerprint(n, prev.list, last.list, last.proof as Uint8Array),
        );
      }
      const out = new Uint8Array(n * Ne);
      for (let i = 0; i < count; i++)
        out.set((hopped[i] as HopResult).list as Uint8Array, range(i)[0] * Ne);
      // The outgoing proof: its seed here, its composite M = Σ d_i·D_i per chunk (D_i as decoded
      // by the hop tasks, held by their threads), k_i·M and the proof here.
      const cfgOut = hopDleqConfig(config, owner, s);
      const seedOut = compositeSeed(
        suite,
        cfgOut,
        suite.encode(this.#K),
        lastViews,
        elementViews(out, n, Ne),
        hopProofBinding(config, owner, s),
      );
      done = 0;
      const parts = await ex.map(
        'composites',
        count,
        (i) => {
          const [lo, hi] = range(i);
          return {
            suite: suite.id,
            from: lo,
            total: n,
            stages: [last.list.slice(lo * Ne, hi * Ne), out.slice(lo * Ne, hi * Ne)],
            held: { key: { job, chunk: i }, stage: 0 },
            proofs: [{ C: 0, D: 1, cfg: cfgOut, seed: seedOut, withZ: false }],
          };
        },
        {
          onResult: (i) => {
            const [lo, hi] = range(i);
            done += hi - lo;
            opts.onProgress?.({ phase: 'prove', done, total: n });
          },
        },
      );
      nothingHeld = true; // round 2 took every chunk's held points
      const M = sumPartials(
        suite,
        parts.map((r) => r.M[0] ?? null),
      );
      const proof = generateProofFromComposites(
        suite,
        cfgOut,
        this.#k,
        { A: suite.G, B: this.#K, M },
        this.#rng,
      );
      this.#processed.add(owner);
      this.#knownHops.set(`${owner}:${s}`, hopFingerprint(n, last.list, out, proof));
      const stage: NgoStage = { list: out, proof, signature: this.#sign(owner, s, n, out, proof) };
      return encodeNgoChain(suite, sessionDigest, owner, n, [...chain.stages, stage]);
    } finally {
      // After a failure between the two rounds, the threads drop the points they held.
      if (!nothingHeld) await ex.map('release', ex.workers, () => ({ job })).catch(() => undefined);
    }
  }

  /**
   * {@link qualify} with the board's proofs verified on `opts.executor`: for each list, the
   * composites of every hop still to verify are computed per chunk (each stage decoded once per
   * chunk) and each proof is checked once, in the order {@link qualify} checks them; the same
   * result and the same errors naming the same culprits.
   */
  qualifyAsync(bulletin: Uint8Array, opts: AsyncInputOptions = {}): Promise<Uint8Array[]> {
    // The board is decoded below without another copy.
    return this.#exclusiveOn(bulletin, opts, async (owned) => {
      const vc = this.#need();
      if (!this.#ownStage0) throw new StateError('ngo.state', 'maskOwnList() first');
      const vb = await verifyBulletinWithAsync(this.config, vc, owned, this.#knownHops, opts, true);
      return this.#qualifyWith(vb);
    });
  }

  /**
   * {@link #exclusive} on `message` owned now, at the call ({@link ownInput}): the step may wait
   * behind earlier calls, and a caller's later change to its bytes must not reach it. A failure
   * to take it is a rejection, as every other failure of the step.
   */
  #exclusiveOn<T>(
    message: Uint8Array,
    opts: AsyncInputOptions | undefined,
    fn: (owned: Uint8Array) => Promise<T>,
  ): Promise<T> {
    let owned: Uint8Array;
    try {
      owned = ownInput(message, opts);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#exclusive(() => fn(owned));
  }

  /** Run `fn` after every asynchronous operation called before it. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.#pending++;
    const run = this.#tail.then(fn).finally(() => {
      this.#pending--;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Synchronous steps may not run while an asynchronous one is pending (state and rng order). */
  #idle(): void {
    if (this.#pending > 0)
      throw new StateError('ngo.state', 'an asynchronous operation of this party is pending');
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

/** Secrets {@link NgoParty.fromBytes} hands to the constructor (module-private). */
let restoring: { k: bigint; salt: Uint8Array; order: Uint32Array } | null = null;

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────

/** Uniform random permutation of `[0, n)` (Fisher–Yates, rejection-sampled 32-bit draws). */
function randomPermutation(n: number, rng: Rng): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let buf: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const next32 = (): number => {
    if (pos + 4 > buf.length) {
      buf = checkBytes('rng output', rng(4 * Math.min(Math.max(n, 16), 1 << 14)));
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
