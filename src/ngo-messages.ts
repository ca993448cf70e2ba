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
 * - `ngoContribution` (0x13): `Q_i` in the clear (sorted), with the signed contribution statement.
 *
 * Decoders here check framing only; group elements stay bytes until a role decodes them strictly
 * (`decodeElementList`), so a verifier pays for point decoding only where it needs the points.
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  KIND,
  NGO_COMMITMENT_SALT_BYTES,
  NGO_DIGEST_LABEL,
  NGO_MAX_DEPLOYMENT_ID_BYTES,
  NGO_MAX_ITEM_BYTES,
  NGO_MAX_JURISDICTION_BYTES,
  NGO_MAX_LIST_SIZE,
  NGO_MAX_PARTIES,
} from './constants.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError, ParameterError } from './errors.js';
import type { Element, Suite } from './group.js';
import { SIGNATURE_LENGTH, SIGNING_PUBLIC_KEY_LENGTH } from './sign.js';
import { checkBytes, compareBytes } from './utils.js';

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

/**
 * Public parameters every party and the builder agree on before the protocol. The ring order is
 * the order of `members`: stage `t` of list `i` is produced by member `(i + t) mod k`.
 */
export interface QuorumConfig {
  readonly suite: Suite;
  readonly deploymentId: Uint8Array;
  /** Rule: an item qualifies when held by at least `m` jurisdictions (2 ≤ m ≤ k). */
  readonly m: number;
  /** Width of every item in bytes (1..64). */
  readonly itemWidth: number;
  readonly members: readonly NgoMember[];
  /** `SHA-256("quorum-psi-v1-ngo-session" ‖ 0x00 ‖ suite ‖ deployment id ‖ m ‖ width ‖ roster)`. */
  readonly sessionDigest: Uint8Array;
}

/** Validate and freeze a quorum configuration, computing its session digest. */
export function createQuorumConfig(opts: {
  suite: Suite;
  deploymentId: Uint8Array;
  m: number;
  itemWidth: number;
  members: readonly NgoMember[];
}): QuorumConfig {
  const { suite, m, itemWidth } = opts;
  const deploymentId = checkBytes('deploymentId', opts.deploymentId).slice();
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
      signingPublicKey: mem.signingPublicKey.slice(),
    });
  });
  const roster: Uint8Array[] = [];
  for (const mem of members)
    roster.push(vec8(jurisdictionBytes(mem.jurisdiction)), mem.signingPublicKey);
  const sessionDigest = taggedHash(
    NGO_DIGEST_LABEL.session,
    Uint8Array.of(suite.id),
    vec8(deploymentId),
    u16(m),
    Uint8Array.of(itemWidth),
    u16(k),
    ...roster,
  );
  return Object.freeze({
    suite,
    deploymentId,
    m,
    itemWidth,
    members: Object.freeze(members),
    sessionDigest,
  });
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
    const signedBody = bytes.subarray(0, r.offset);
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

/** A decoded masked-list chain (views into the input bytes). */
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

/** Decode an `ngoMaskedList` chain (framing only; elements stay bytes). */
export function decodeNgoChain(bytes: Uint8Array): NgoChain {
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
  for (let i = 0; i < n; i++) {
    try {
      out[i] = suite.decode(list.subarray(i * Ne, (i + 1) * Ne));
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
export function decodeNgoBulletin(bytes: Uint8Array): NgoBulletin {
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
      const c = decodeNgoChain(cb);
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
 * `suite ‖ session ‖ index ‖ vec8 deployment id ‖ m ‖ vec8 jurisdiction ‖ signing key ‖
 *  commitment digest ‖ digest of sorted Q_i`.
 */
export function contributionStatement(c: Omit<NgoContribution, 'signature'>): Uint8Array {
  return new Writer()
    .u8(c.suite.id)
    .bytes(c.sessionDigest)
    .u16(c.index)
    .bytes(vec8(c.deploymentId))
    .u16(c.m)
    .bytes(vec8(jurisdictionBytes(c.jurisdiction)))
    .bytes(c.signingPublicKey)
    .bytes(c.commitmentDigest)
    .bytes(contributionItemsDigest(c.items, c.itemWidth))
    .finish();
}

/** Encode a contribution (items must already be sorted and deduplicated). */
export function encodeNgoContribution(c: NgoContribution): Uint8Array {
  const w = new Writer()
    .header(KIND.ngoContribution, c.suite)
    .bytes(c.sessionDigest)
    .u16(c.index)
    .bytes(vec8(c.deploymentId))
    .u16(c.m)
    .bytes(vec8(jurisdictionBytes(c.jurisdiction)))
    .bytes(c.signingPublicKey)
    .bytes(c.commitmentDigest)
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
