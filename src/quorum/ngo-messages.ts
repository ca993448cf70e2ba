/**
 * Wire messages and digests of the NGO quorum (SPEC §3; docs/wire-format.md "NGO quorum
 * messages"). Every message is a versioned byte string with the common 5-byte header
 * (`"QP" ‖ kind ‖ version ‖ suite`) and a strict decoder: exact lengths, size limits before any
 * allocation, canonical ordering where there is one, and every failure a {@link DecodeError}.
 *
 * - `ngoCommitment` (0x10): session, party index, `|X_i|`, `K_i`, salted list commitment, signature.
 * - `ngoMaskedList` (0x11): one list's chain of ring stages `L_0..L_{s-1}` (stage 0 is the owner's
 *   masking; stage `t ≥ 1` carries the DLEQ proof that party `owner+t` mapped `L_{t-1}` to `L_t`),
 *   each stage signed by its producer.
 * - `ngoBulletin` (0x12): the `k` complete chains, in owner order.
 * - `ngoContribution` (0x13): `Q_i` in the clear (sorted), with the signed contribution statement
 *   (it names the deployment and the run).
 * - `ngoRunNonce` (0x14): an NGO's signed fresh nonce for step 0; the run id digests all `k` of them.
 * - `ngoOpening` (0x15): an NGO's accountable opening of its run for an arbiter: its sorted list,
 *   the commitment salt, its stage-0 order and a batched DLEQ proof that its stage-0 list is
 *   `k_i·H_M(x)` of those items in that order (SPEC v2 §3 "accountable openings").
 *
 * Decoders here check framing only; group elements stay bytes until a role decodes them strictly
 * (`decodeElementList`), so a verifier pays for point decoding only where it needs the points.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bulkCodec } from '../core/bulk-codec.js';
import {
  KIND,
  NGO_COMMITMENT_SALT_BYTES,
  NGO_DIGEST_LABEL,
  NGO_MAX_DEPLOYMENT_ID_BYTES,
  NGO_MAX_ITEM_BYTES,
  NGO_MAX_JURISDICTION_BYTES,
  NGO_MAX_LIST_SIZE,
  NGO_MAX_PARTIES,
  NGO_RUN_NONCE_BYTES,
  RUN_ID_LENGTH,
} from '../core/constants.js';
import { decodeWith, type Reader, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import type { Element, Suite } from '../core/group.js';
import { SIGNATURE_LENGTH, SIGNING_PUBLIC_KEY_LENGTH } from '../core/sign.js';
import { checkBytes, compareBytes, copyBytes } from '../core/utils.js';

/** Length of every digest in the NGO messages (SHA-256). */
export const NGO_DIGEST_LENGTH = 32;
const HEADER_LENGTH = 5;
const te = new TextEncoder();

/** `SHA-256(label ‖ 0x00 ‖ parts…)`, streaming (lists can hold millions of items). */
export function taggedHash(label: string, ...parts: Uint8Array[]): Uint8Array {
  const h = sha256.create();
  h.update(te.encode(label));
  h.update(Uint8Array.of(0));
  for (const p of parts) h.update(p);
  return h.digest();
}

function u16(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}
function u32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}
function vec8(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + b.length);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}

/** Check a jurisdiction label: a non-empty UTF-8 string of at most 64 bytes. */
export function jurisdictionBytes(jurisdiction: string): Uint8Array {
  if (typeof jurisdiction !== 'string') {
    throw new TypeError(`"jurisdiction" expected string, got ${typeof jurisdiction}`);
  }
  const b = te.encode(jurisdiction);
  if (b.length < 1 || b.length > NGO_MAX_JURISDICTION_BYTES) {
    throw new RangeError(`"jurisdiction" expected 1..${NGO_MAX_JURISDICTION_BYTES} UTF-8 bytes`);
  }
  return b;
}

/** One roster entry: an NGO (after merging, one per jurisdiction) and its Ed25519 key. */
export interface NgoMember {
  readonly jurisdiction: string;
  readonly signingPublicKey: Uint8Array;
}

/** What every party and the builder agree on before a run: suite, deployment, rule, width, roster. */
export interface QuorumRosterOptions {
  readonly suite: Suite;
  readonly deploymentId: Uint8Array;
  /** Rule: an item qualifies when held by at least `m` jurisdictions (2 ≤ m ≤ k). */
  readonly m: number;
  /** Width of every item in bytes (1..64). */
  readonly itemWidth: number;
  /** The ring order: stage `t` of list `i` is produced by member `(i + t) mod k`. */
  readonly members: readonly NgoMember[];
}

/**
 * The pre-run configuration (SPEC v2 §3 step 0): everything but the run id, validated and frozen,
 * with its digest. Run nonces are signed over it; every run of one roster shares it.
 */
export interface QuorumRoster extends QuorumRosterOptions {
  /**
   * `SHA-256("quorum-psi-v1-ngo-roster" ‖ 0x00 ‖ u8 suite ‖ u8 len ‖ deployment id ‖ u16 m ‖
   * u8 width ‖ u16 k ‖ k × (u8 len ‖ jurisdiction ‖ Ed25519 key))`.
   */
  readonly rosterDigest: Uint8Array;
}

/**
 * The configuration of one run of the quorum: the roster and the run id (SPEC v2 §3 step 0).
 * `sessionDigest` (`σ`) binds the deployment id, the run id, the rule, the item width and the
 * roster; every message, proof and contribution of the run is bound to it.
 */
export interface QuorumConfig extends QuorumRoster {
  /** The run id: `runIdFromNonces` over every member's signed run nonce (32 bytes). */
  readonly runId: Uint8Array;
  /** `σ = SHA-256("quorum-psi-v1-ngo-session" ‖ 0x00 ‖ roster digest ‖ run id)`. */
  readonly sessionDigest: Uint8Array;
}

/** Validate and freeze a roster (the pre-run configuration), computing its digest. */
export function createQuorumRoster(opts: QuorumRosterOptions): QuorumRoster {
  const { suite, m, itemWidth } = opts;
  const deploymentId = copyBytes(checkBytes('deploymentId', opts.deploymentId));
  if (deploymentId.length < 1 || deploymentId.length > NGO_MAX_DEPLOYMENT_ID_BYTES) {
    throw new RangeError(`"deploymentId" expected 1..${NGO_MAX_DEPLOYMENT_ID_BYTES} bytes`);
  }
  if (!Array.isArray(opts.members)) throw new TypeError('"members" expected an array');
  const k = opts.members.length;
  if (k < 2 || k > NGO_MAX_PARTIES) {
    throw new ParameterError(
      'ngo.config.parties',
      `quorum needs 2..${NGO_MAX_PARTIES} parties, got ${k}`,
    );
  }
  if (!Number.isSafeInteger(m) || m < 2 || m > k) {
    throw new ParameterError('ngo.config.m', `rule m must satisfy 2 ≤ m ≤ k = ${k}, got ${m}`);
  }
  if (!Number.isSafeInteger(itemWidth) || itemWidth < 1 || itemWidth > NGO_MAX_ITEM_BYTES) {
    throw new ParameterError('ngo.config.itemWidth', `item width must be 1..${NGO_MAX_ITEM_BYTES}`);
  }
  const seenJ = new Set<string>();
  const seenK = new Set<string>();
  const members = opts.members.map((mem, i) => {
    jurisdictionBytes(mem.jurisdiction);
    checkBytes(`members[${i}].signingPublicKey`, mem.signingPublicKey, SIGNING_PUBLIC_KEY_LENGTH);
    if (seenJ.has(mem.jurisdiction)) {
      throw new ParameterError(
        'ngo.config.jurisdiction',
        `jurisdiction "${mem.jurisdiction}" appears twice: merge its NGOs first (mergeJurisdiction)`,
      );
    }
    const kh = Array.from(mem.signingPublicKey).join(',');
    if (seenK.has(kh))
      throw new ParameterError('ngo.config.key', `members[${i}]: duplicate signing key`);
    seenJ.add(mem.jurisdiction);
    seenK.add(kh);
    return Object.freeze({
      jurisdiction: mem.jurisdiction,
      signingPublicKey: copyBytes(mem.signingPublicKey),
    });
  });
  const h = sha256.create();
  h.update(te.encode(NGO_DIGEST_LABEL.roster));
  h.update(Uint8Array.of(0, suite.id));
  h.update(vec8(deploymentId));
  h.update(u16(m));
  h.update(Uint8Array.of(itemWidth));
  h.update(u16(k));
  for (const mem of members) {
    h.update(vec8(jurisdictionBytes(mem.jurisdiction)));
    h.update(mem.signingPublicKey);
  }
  return Object.freeze({
    suite,
    deploymentId,
    m,
    itemWidth,
    members: Object.freeze(members),
    rosterDigest: h.digest(),
  });
}

/**
 * Validate and freeze the configuration of one run: the roster (as for
 * {@link createQuorumRoster}) and its 32-byte run id (`runIdFromNonces`, SPEC v2 §3 step 0),
 * computing the session digest `σ`.
 */
export function createQuorumConfig(
  opts: QuorumRosterOptions & { runId: Uint8Array },
): QuorumConfig {
  const roster = createQuorumRoster(opts);
  const runId = copyBytes(checkBytes('runId', opts.runId, RUN_ID_LENGTH));
  return Object.freeze({
    suite: roster.suite,
    deploymentId: roster.deploymentId,
    m: roster.m,
    itemWidth: roster.itemWidth,
    members: roster.members,
    rosterDigest: roster.rosterDigest,
    runId,
    sessionDigest: taggedHash(NGO_DIGEST_LABEL.session, roster.rosterDigest, runId),
  });
}

/**
 * A roster's fields, as its digest covers them (for stored states): `u8 |deployment id| ‖
 * deployment id ‖ u16 m ‖ u8 width ‖ u16 k ‖ k × (u8 |jurisdiction| ‖ jurisdiction ‖ key (32))`.
 * The suite travels in the enclosing object's header.
 */
export function writeRoster(w: Writer, roster: QuorumRosterOptions): Writer {
  w.u8(roster.deploymentId.length).bytes(roster.deploymentId).u16(roster.m).u8(roster.itemWidth);
  w.u16(roster.members.length);
  for (const mem of roster.members) {
    const j = jurisdictionBytes(mem.jurisdiction);
    w.u8(j.length).bytes(j).bytes(mem.signingPublicKey);
  }
  return w;
}

/** Inverse of {@link writeRoster}, validated as {@link createQuorumRoster} validates (DecodeError). */
export function readRoster(r: Reader, suite: Suite): QuorumRoster {
  const depLength = r.u8();
  if (depLength < 1 || depLength > NGO_MAX_DEPLOYMENT_ID_BYTES)
    throw new DecodeError('decode.range', `${r.what}: deployment id length ${depLength}`);
  const deploymentId = r.bytes(depLength).slice();
  const m = r.u16();
  const itemWidth = r.u8();
  const k = r.u16();
  if (k < 2 || k > NGO_MAX_PARTIES)
    throw new DecodeError('decode.range', `${r.what}: ${k} roster members`);
  const members: NgoMember[] = [];
  for (let i = 0; i < k; i++) {
    const jl = r.u8();
    if (jl < 1 || jl > NGO_MAX_JURISDICTION_BYTES)
      throw new DecodeError('decode.range', `${r.what}: jurisdiction length ${jl}`);
    let jurisdiction: string;
    try {
      jurisdiction = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(jl));
    } catch {
      throw new DecodeError('decode.invalid', `${r.what}: jurisdiction is not UTF-8`);
    }
    members.push({ jurisdiction, signingPublicKey: r.bytes(SIGNING_PUBLIC_KEY_LENGTH).slice() });
  }
  try {
    return createQuorumRoster({ suite, deploymentId, m, itemWidth, members });
  } catch (e) {
    throw new DecodeError('decode.range', `${r.what}: roster: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Salted commitment to a sorted, deduplicated list (SPEC §3 step 1). */
export function listCommitment(
  sortedItems: readonly Uint8Array[],
  itemWidth: number,
  salt: Uint8Array,
): Uint8Array {
  checkBytes('salt', salt, NGO_COMMITMENT_SALT_BYTES);
  const h = sha256.create();
  h.update(te.encode(NGO_DIGEST_LABEL.listCommitment));
  h.update(Uint8Array.of(0));
  h.update(salt);
  h.update(Uint8Array.of(itemWidth));
  h.update(u32(sortedItems.length));
  for (const x of sortedItems) h.update(x);
  return h.digest();
}

/** Digest of the sorted contribution `Q_i`. */
export function contributionItemsDigest(
  sortedItems: readonly Uint8Array[],
  itemWidth: number,
): Uint8Array {
  const h = sha256.create();
  h.update(te.encode(NGO_DIGEST_LABEL.contribution));
  h.update(Uint8Array.of(0));
  h.update(Uint8Array.of(itemWidth));
  h.update(u32(sortedItems.length));
  for (const x of sortedItems) h.update(x);
  return h.digest();
}

/** Digest of one stage's list of element encodings (contiguous, `n·Ne` bytes). */
export function maskedListDigest(list: Uint8Array, n: number): Uint8Array {
  return taggedHash(NGO_DIGEST_LABEL.maskedList, u32(n), list);
}

// ── ngoCommitment (0x10) ────────────────────────────────────────────────────────────────────

/** A decoded commitment. `signedBody` is every byte before the signature. */
export interface NgoCommitment {
  readonly suite: Suite;
  readonly sessionDigest: Uint8Array;
  readonly index: number;
  readonly listSize: number;
  readonly maskingKey: Element;
  readonly maskingKeyBytes: Uint8Array;
  readonly listCommitment: Uint8Array;
  readonly signature: Uint8Array;
  readonly signedBody: Uint8Array;
}

/** The bytes a commitment's signature covers (everything but the signature). */
export function commitmentBody(
  suite: Suite,
  sessionDigest: Uint8Array,
  index: number,
  listSize: number,
  maskingKeyBytes: Uint8Array,
  commitment: Uint8Array,
): Uint8Array {
  return new Writer()
    .header(KIND.ngoCommitment, suite)
    .bytes(sessionDigest)
    .u16(index)
    .u32(listSize)
    .bytes(maskingKeyBytes)
    .bytes(commitment)
    .finish();
}

/** Decode an `ngoCommitment` (strict; the masking key is decoded as a group element). */
export function decodeNgoCommitment(bytes: Uint8Array): NgoCommitment {
  return decodeWith('ngo commitment', bytes, (r) => {
    const suite = r.header(KIND.ngoCommitment) as Suite;
    const sessionDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const index = r.u16();
    if (index >= NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo commitment: index ${index}`);
    const listSize = r.u32In('list size', 1, NGO_MAX_LIST_SIZE);
    const maskingKeyBytes = r.bytes(suite.elementLength).slice();
    const maskingKey = suite.decode(maskingKeyBytes);
    const listCommitmentBytes = r.bytes(NGO_DIGEST_LENGTH).slice();
    const signedBody = copyBytes(r.buf.subarray(0, r.offset));
    const signature = r.bytes(SIGNATURE_LENGTH).slice();
    return {
      suite,
      sessionDigest,
      index,
      listSize,
      maskingKey,
      maskingKeyBytes,
      listCommitment: listCommitmentBytes,
      signature,
      signedBody,
    };
  });
}

// ── ngoMaskedList (0x11) ────────────────────────────────────────────────────────────────────

/** One ring stage: the element encodings (`n·Ne` bytes), the proof (stages ≥ 1) and the signature. */
export interface NgoStage {
  readonly list: Uint8Array;
  readonly proof: Uint8Array | null;
  readonly signature: Uint8Array;
}

/** A decoded masked-list chain (views into the decoder's private copy of the input bytes). */
export interface NgoChain {
  readonly suite: Suite;
  readonly sessionDigest: Uint8Array;
  readonly owner: number;
  readonly n: number;
  readonly stages: readonly NgoStage[];
}

/** Byte length of a chain with `s` stages of `n` elements. */
export function chainLength(suite: Suite, s: number, n: number): number {
  return (
    HEADER_LENGTH +
    NGO_DIGEST_LENGTH +
    8 +
    s * (n * suite.elementLength + SIGNATURE_LENGTH) +
    (s - 1) * 2 * suite.scalarLength
  );
}

/** The statement a stage's producer signs (docs/wire-format.md "Signed statements"). */
export function stageStatement(
  sessionDigest: Uint8Array,
  owner: number,
  stage: number,
  producer: number,
  n: number,
  list: Uint8Array,
  proof: Uint8Array | null,
): Uint8Array {
  const w = new Writer()
    .bytes(sessionDigest)
    .u16(owner)
    .u16(stage)
    .u16(producer)
    .u32(n)
    .bytes(maskedListDigest(list, n));
  if (proof) w.bytes(proof);
  return w.finish();
}

/** Encode a chain from its stages. */
export function encodeNgoChain(
  suite: Suite,
  sessionDigest: Uint8Array,
  owner: number,
  n: number,
  stages: readonly NgoStage[],
): Uint8Array {
  const s = stages.length;
  const out = new Uint8Array(chainLength(suite, s, n));
  const head = new Writer()
    .header(KIND.ngoMaskedList, suite)
    .bytes(sessionDigest)
    .u16(owner)
    .u16(s)
    .u32(n)
    .finish();
  out.set(head, 0);
  let off = head.length;
  const listLen = n * suite.elementLength;
  stages.forEach((st, t) => {
    if (t > 0) {
      if (!st.proof || st.proof.length !== 2 * suite.scalarLength)
        throw new RangeError('stage proof length');
      out.set(st.proof, off);
      off += st.proof.length;
    } else if (st.proof) {
      throw new RangeError('stage 0 carries no proof');
    }
    if (st.list.length !== listLen) throw new RangeError('stage list length');
    out.set(st.list, off);
    off += listLen;
    checkBytes('stage signature', st.signature, SIGNATURE_LENGTH);
    out.set(st.signature, off);
    off += SIGNATURE_LENGTH;
  });
  return out;
}

/** Decode an `ngoMaskedList` chain (framing only; elements stay bytes, in a copy of `bytes`). */
export function decodeNgoChain(bytes: Uint8Array): NgoChain {
  return decodeChainView(bytes instanceof Uint8Array ? copyBytes(bytes) : bytes);
}

/**
 * {@link decodeNgoChain} without the copy: the stages are views of `bytes`, valid while the
 * caller leaves `bytes` unchanged. For a caller that owns `bytes` (a file it just read) and
 * only looks: a chain of 10^6 elements and three stages is 96 MB not copied.
 */
export function decodeNgoChainView(bytes: Uint8Array): NgoChain {
  return decodeChainView(bytes);
}

function decodeChainView(bytes: Uint8Array): NgoChain {
  return decodeWith('ngo masked list', bytes, (r) => {
    const suite = r.header(KIND.ngoMaskedList) as Suite;
    const sessionDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const owner = r.u16();
    if (owner >= NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo masked list: owner ${owner}`);
    const s = r.u16();
    if (s < 1 || s > NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo masked list: ${s} stages`);
    const n = r.u32In('list size', 1, NGO_MAX_LIST_SIZE);
    if (bytes.length !== chainLength(suite, s, n)) {
      throw new DecodeError(
        'decode.length',
        `ngo masked list: ${bytes.length} bytes, expected ${chainLength(suite, s, n)} for ${s} stages of ${n}`,
      );
    }
    const listLen = n * suite.elementLength;
    const stages: NgoStage[] = [];
    for (let t = 0; t < s; t++) {
      const proof = t > 0 ? r.bytes(2 * suite.scalarLength) : null;
      const list = r.bytes(listLen);
      const signature = r.bytes(SIGNATURE_LENGTH);
      stages.push({ list, proof, signature });
    }
    return { suite, sessionDigest, owner, n, stages };
  });
}

/**
 * Strictly decode a stage's `n` element encodings. A bad element is a {@link DecodeError} whose
 * message names its position.
 */
export function decodeElementList(suite: Suite, list: Uint8Array, n: number): Element[] {
  const Ne = suite.elementLength;
  if (list.length !== n * Ne) throw new DecodeError('decode.length', 'element list: wrong length');
  const out: Element[] = new Array(n);
  const codec = bulkCodec(suite);
  for (let i = 0; i < n; i++) {
    try {
      out[i] = codec.decode(list.subarray(i * Ne, (i + 1) * Ne));
    } catch (e) {
      if (e instanceof DecodeError) {
        throw new DecodeError(e.code, `element ${i}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  }
  return out;
}

/** Views of the `n` element encodings of a contiguous list. */
export function elementViews(list: Uint8Array, n: number, Ne: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = list.subarray(i * Ne, (i + 1) * Ne);
  return out;
}

// ── ngoBulletin (0x12) ──────────────────────────────────────────────────────────────────────

/** A decoded bulletin board: the `k` chains in owner order (each a complete `ngoMaskedList`). */
export interface NgoBulletin {
  readonly suite: Suite;
  readonly sessionDigest: Uint8Array;
  readonly chains: readonly NgoChain[];
  readonly chainBytes: readonly Uint8Array[];
}

/** Encode a bulletin from the `k` complete chains, in owner order. */
export function encodeNgoBulletin(
  suite: Suite,
  sessionDigest: Uint8Array,
  chains: readonly Uint8Array[],
): Uint8Array {
  const w = new Writer().header(KIND.ngoBulletin, suite).bytes(sessionDigest).u16(chains.length);
  for (const c of chains) w.vec32(c);
  return w.finish();
}

/**
 * Decode an `ngoBulletin`: framing of every chain, each with owner = its position, `k` stages,
 * and the bulletin's suite and session.
 */
export function decodeNgoBulletin(bytesIn: Uint8Array): NgoBulletin {
  // One owned copy; the chains and their stages are views of it.
  return decodeNgoBulletinView(bytesIn instanceof Uint8Array ? copyBytes(bytesIn) : bytesIn);
}

/**
 * {@link decodeNgoBulletin} without the copy: the chains and stages are views of `bytes`, valid
 * while `bytes` is unchanged. For bytes the caller owns (the asynchronous qualify's).
 */
export function decodeNgoBulletinView(bytes: Uint8Array): NgoBulletin {
  return decodeWith('ngo bulletin', bytes, (r) => {
    const suite = r.header(KIND.ngoBulletin) as Suite;
    const sessionDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const k = r.u16();
    if (k < 2 || k > NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo bulletin: ${k} lists`);
    const chains: NgoChain[] = [];
    const chainBytes: Uint8Array[] = [];
    for (let j = 0; j < k; j++) {
      const cb = r.vec32('chain', r.remaining);
      const c = decodeChainView(cb);
      if (c.suite !== suite || compareBytes(c.sessionDigest, sessionDigest) !== 0) {
        throw new DecodeError('decode.mismatch', `ngo bulletin: list ${j} from another session`);
      }
      if (c.owner !== j || c.stages.length !== k) {
        throw new DecodeError(
          'decode.mismatch',
          `ngo bulletin: list ${j} is not a complete chain of owner ${j}`,
        );
      }
      chains.push(c);
      chainBytes.push(cb);
    }
    return { suite, sessionDigest, chains, chainBytes };
  });
}

// ── ngoContribution (0x13) ──────────────────────────────────────────────────────────────────

/** A decoded contribution `Q_i`. */
export interface NgoContribution {
  readonly suite: Suite;
  readonly sessionDigest: Uint8Array;
  readonly index: number;
  readonly deploymentId: Uint8Array;
  /** The run id of the quorum run that produced this contribution (SPEC v2 §3 step 0). */
  readonly runId: Uint8Array;
  readonly m: number;
  readonly jurisdiction: string;
  readonly signingPublicKey: Uint8Array;
  readonly commitmentDigest: Uint8Array;
  readonly itemWidth: number;
  /** Sorted, strictly increasing. */
  readonly items: readonly Uint8Array[];
  readonly signature: Uint8Array;
}

/**
 * The signed contribution statement (SPEC §3 step 6):
 * `suite ‖ session ‖ index ‖ vec8 deployment id ‖ run id ‖ m ‖ vec8 jurisdiction ‖ signing key ‖
 *  commitment digest ‖ digest of sorted Q_i`.
 */
export function contributionStatement(c: Omit<NgoContribution, 'signature'>): Uint8Array {
  return writeContributionFields(new Writer().u8(c.suite.id), c)
    .bytes(contributionItemsDigest(c.items, c.itemWidth))
    .finish();
}

/**
 * The fields a contribution's statement and its encoding share, in that order: session, index,
 * deployment id, run id, `m`, jurisdiction, signing key, commitment digest.
 */
function writeContributionFields(w: Writer, c: Omit<NgoContribution, 'signature'>): Writer {
  return w
    .bytes(c.sessionDigest)
    .u16(c.index)
    .bytes(vec8(c.deploymentId))
    .bytes(checkBytes('runId', c.runId, RUN_ID_LENGTH))
    .u16(c.m)
    .bytes(vec8(jurisdictionBytes(c.jurisdiction)))
    .bytes(c.signingPublicKey)
    .bytes(c.commitmentDigest);
}

/** Encode a contribution (items must already be sorted and deduplicated). */
export function encodeNgoContribution(c: NgoContribution): Uint8Array {
  const w = writeContributionFields(new Writer().header(KIND.ngoContribution, c.suite), c)
    .u8(c.itemWidth)
    .u32(c.items.length);
  for (const x of c.items) w.bytes(x);
  return w.bytes(c.signature).finish();
}

/** Decode an `ngoContribution` (strict: sizes, UTF-8 jurisdiction, strictly increasing items). */
export function decodeNgoContribution(bytes: Uint8Array): NgoContribution {
  return decodeWith('ngo contribution', bytes, (r) => {
    const suite = r.header(KIND.ngoContribution) as Suite;
    const sessionDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const index = r.u16();
    if (index >= NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo contribution: index ${index}`);
    const dl = r.u8();
    if (dl < 1 || dl > NGO_MAX_DEPLOYMENT_ID_BYTES)
      throw new DecodeError('decode.range', 'deployment id length');
    const deploymentId = r.bytes(dl).slice();
    const runId = r.bytes(RUN_ID_LENGTH).slice();
    const m = r.u16();
    if (m < 2 || m > NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo contribution: m = ${m}`);
    const jl = r.u8();
    if (jl < 1 || jl > NGO_MAX_JURISDICTION_BYTES)
      throw new DecodeError('decode.range', 'jurisdiction length');
    let jurisdiction: string;
    try {
      jurisdiction = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(jl));
    } catch (e) {
      throw new DecodeError('decode.utf8', 'ngo contribution: jurisdiction is not UTF-8', {
        cause: e,
      });
    }
    const signingPublicKey = r.bytes(SIGNING_PUBLIC_KEY_LENGTH).slice();
    const commitmentDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const itemWidth = r.u8();
    if (itemWidth < 1 || itemWidth > NGO_MAX_ITEM_BYTES)
      throw new DecodeError('decode.range', 'item width');
    const count = r.u32In('item count', 0, NGO_MAX_LIST_SIZE);
    if (r.remaining !== count * itemWidth + SIGNATURE_LENGTH) {
      throw new DecodeError(
        'decode.length',
        'ngo contribution: length does not match the item count',
      );
    }
    const items: Uint8Array[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const x = r.bytes(itemWidth).slice();
      if (i > 0 && compareBytes(items[i - 1] as Uint8Array, x) >= 0) {
        throw new DecodeError(
          'decode.order',
          `ngo contribution: items not strictly increasing at ${i}`,
        );
      }
      items[i] = x;
    }
    const signature = r.bytes(SIGNATURE_LENGTH).slice();
    return {
      suite,
      sessionDigest,
      index,
      deploymentId,
      runId,
      m,
      jurisdiction,
      signingPublicKey,
      commitmentDigest,
      itemWidth,
      items,
      signature,
    };
  });
}

/** Plain SHA-256 of a complete encoded commitment ("digest of its commitment", SPEC §3 step 6). */
export function commitmentDigest(commitmentBytes: Uint8Array): Uint8Array {
  return sha256(commitmentBytes);
}

// ── ngoRunNonce (0x14) ──────────────────────────────────────────────────────────────────────

/** A decoded run nonce (SPEC v2 §3 step 0). `signedBody` is every byte before the signature. */
export interface NgoRunNonce {
  readonly suite: Suite;
  readonly deploymentId: Uint8Array;
  readonly rosterDigest: Uint8Array;
  readonly index: number;
  readonly nonce: Uint8Array;
  readonly signature: Uint8Array;
  readonly signedBody: Uint8Array;
}

/** The bytes a run nonce's signature covers (everything but the signature). */
export function runNonceBody(
  suite: Suite,
  deploymentId: Uint8Array,
  rosterDigest: Uint8Array,
  index: number,
  nonce: Uint8Array,
): Uint8Array {
  return new Writer()
    .header(KIND.ngoRunNonce, suite)
    .bytes(vec8(deploymentId))
    .bytes(checkBytes('rosterDigest', rosterDigest, NGO_DIGEST_LENGTH))
    .u16(index)
    .bytes(checkBytes('nonce', nonce, NGO_RUN_NONCE_BYTES))
    .finish();
}

/** Decode an `ngoRunNonce` (framing only; the signature is checked by `runIdFromNonces`). */
export function decodeNgoRunNonce(bytes: Uint8Array): NgoRunNonce {
  return decodeWith('ngo run nonce', bytes, (r) => {
    const suite = r.header(KIND.ngoRunNonce) as Suite;
    const dl = r.u8();
    if (dl < 1 || dl > NGO_MAX_DEPLOYMENT_ID_BYTES)
      throw new DecodeError('decode.range', 'ngo run nonce: deployment id length');
    const deploymentId = r.bytes(dl).slice();
    const rosterDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const index = r.u16();
    if (index >= NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo run nonce: index ${index}`);
    const nonce = r.bytes(NGO_RUN_NONCE_BYTES).slice();
    const signedBody = copyBytes(r.buf.subarray(0, r.offset));
    const signature = r.bytes(SIGNATURE_LENGTH).slice();
    return { suite, deploymentId, rosterDigest, index, nonce, signature, signedBody };
  });
}

// ── ngoOpening (0x15) ───────────────────────────────────────────────────────────────────────

/**
 * An NGO's accountable opening of its run (SPEC v2 §3): what lets an arbiter check the signed
 * commitment and the published stage 0 against each other.
 */
export interface NgoOpening {
  readonly suite: Suite;
  readonly sessionDigest: Uint8Array;
  /** Ring index of the NGO opening its run. */
  readonly index: number;
  readonly itemWidth: number;
  /** The commitment salt. */
  readonly salt: Uint8Array;
  /** The committed list `X_i`, sorted, strictly increasing. */
  readonly items: readonly Uint8Array[];
  /** The stage-0 order: position `p` of stage 0 holds `items[order[p]]`. */
  readonly order: Uint32Array;
  /**
   * Batched DLEQ proof (`c ‖ s`, library configuration, purpose `dleq-ngo-opening`, binding
   * `σ ‖ u16 index`): `A = G`, `B = K_i`, `C[p] = H_M(items[order[p]])`, `D[p]` = stage 0 position `p`.
   */
  readonly proof: Uint8Array;
}

const OPENING_FIXED = HEADER_LENGTH + NGO_DIGEST_LENGTH + 2 + 1 + 4 + NGO_COMMITMENT_SALT_BYTES;

/** Byte length of an opening of `n` items of width `w`. */
export function openingLength(suite: Suite, n: number, w: number): number {
  return OPENING_FIXED + n * w + 4 * n + 2 * suite.scalarLength;
}

/** The binding context of an opening proof: `σ ‖ u16 index`. */
export function openingProofBinding(sessionDigest: Uint8Array, index: number): Uint8Array {
  const out = new Uint8Array(NGO_DIGEST_LENGTH + 2);
  out.set(checkBytes('sessionDigest', sessionDigest, NGO_DIGEST_LENGTH));
  out[NGO_DIGEST_LENGTH] = index >>> 8;
  out[NGO_DIGEST_LENGTH + 1] = index & 0xff;
  return out;
}

/** Encode an opening (one allocation; items must be sorted and of width `itemWidth`). */
export function encodeNgoOpening(o: NgoOpening): Uint8Array {
  const n = o.items.length;
  const w = o.itemWidth;
  if (o.order.length !== n) throw new RangeError('opening: order length differs from item count');
  checkBytes('proof', o.proof, 2 * o.suite.scalarLength);
  const out = new Uint8Array(openingLength(o.suite, n, w));
  const head = new Writer()
    .header(KIND.ngoOpening, o.suite)
    .bytes(checkBytes('sessionDigest', o.sessionDigest, NGO_DIGEST_LENGTH))
    .u16(o.index)
    .u8(w)
    .u32(n)
    .bytes(checkBytes('salt', o.salt, NGO_COMMITMENT_SALT_BYTES))
    .finish();
  out.set(head, 0);
  let off = head.length;
  for (const x of o.items) {
    out.set(checkBytes('opening item', x, w), off);
    off += w;
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let p = 0; p < n; p++) {
    dv.setUint32(off, o.order[p] as number);
    off += 4;
  }
  out.set(o.proof, off);
  return out;
}

/**
 * Decode an `ngoOpening`: exact length (checked before any allocation), item width and count in
 * range, items strictly increasing. Whether the order is a permutation and the proof holds is the
 * arbiter's check (`arbiterCheck`), which names the NGO.
 */
export function decodeNgoOpening(bytes: Uint8Array): NgoOpening {
  return decodeWith('ngo opening', bytes, (r) => {
    const suite = r.header(KIND.ngoOpening) as Suite;
    const sessionDigest = r.bytes(NGO_DIGEST_LENGTH).slice();
    const index = r.u16();
    if (index >= NGO_MAX_PARTIES)
      throw new DecodeError('decode.range', `ngo opening: index ${index}`);
    const w = r.u8();
    if (w < 1 || w > NGO_MAX_ITEM_BYTES) throw new DecodeError('decode.range', 'item width');
    const n = r.u32In('list size', 1, NGO_MAX_LIST_SIZE);
    if (bytes.length !== openingLength(suite, n, w)) {
      throw new DecodeError(
        'decode.length',
        `ngo opening: ${bytes.length} bytes, expected ${openingLength(suite, n, w)} for ${n} items`,
      );
    }
    const salt = r.bytes(NGO_COMMITMENT_SALT_BYTES).slice();
    const itemBytes = r.bytes(n * w).slice();
    const items: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const x = itemBytes.subarray(i * w, (i + 1) * w);
      if (i > 0 && compareBytes(items[i - 1] as Uint8Array, x) >= 0) {
        throw new DecodeError('decode.order', `ngo opening: items not strictly increasing at ${i}`);
      }
      items[i] = x;
    }
    const order = new Uint32Array(n);
    for (let p = 0; p < n; p++) order[p] = r.u32();
    const proof = r.bytes(2 * suite.scalarLength).slice();
    return { suite, sessionDigest, index, itemWidth: w, salt, items, order, proof };
  });
}
