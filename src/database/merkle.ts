/**
 * Merkle Tree Hash with SHA-256: implements RFC 9162 §2.1 (identical to RFC 6962 §2.1), used for
 * the root of the public data (SPEC §4 step 4) and for single-cell inclusion proofs.
 *
 * - `MTH({}) = SHA-256()`;
 * - `MTH({d}) = SHA-256(0x00 ‖ d)` (leaf hash);
 * - `MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))` with `k` the largest power of two
 *   below `n` (node hash).
 *
 * The root is computed bottom-up with a stack of perfect subtrees (at most `log2 n + 1`
 * hashes), which is the same tree as the RFC's recursive split: the stack holds the perfect
 * subtrees of sizes given by the binary digits of `n`, left to right, and folding it from the
 * right reproduces the split at the largest power of two. No recursion, O(log n) memory for the
 * root; O(n) for proofs. Inclusion proofs and their verification follow RFC 9162 §2.1.3.
 *
 * Everything here works on public data; nothing is constant-time except the final root
 * comparison, which need not be.
 * @module merkle
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { checkBytes, checkInt, equalBytes } from '../core/utils.js';

/** Length of every hash in the tree (SHA-256). */
export const MERKLE_HASH_LENGTH = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
// A pristine SHA-256 state cloned into a work state for every hash: hashing a million leaves
// then allocates nothing per hash (noble's one-shot `sha256()` builds a new hasher each call,
// which costs more than the two compressions of a node). Safe to share: no call yields midway.
const INIT = sha256.create();
const WORK = sha256.create();

function leafHashInto(data: Uint8Array, out: Uint8Array): void {
  INIT._cloneInto(WORK).update(LEAF_PREFIX).update(data).digestInto(out);
}
function nodeHashInto(left: Uint8Array, right: Uint8Array, out: Uint8Array): void {
  INIT._cloneInto(WORK).update(NODE_PREFIX).update(left).update(right).digestInto(out);
}

/** `MTH({}) = SHA-256()`: the root of the empty tree. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Leaf hash `SHA-256(0x00 ‖ data)` (RFC 9162 §2.1.1). */
export function leafHash(data: Uint8Array): Uint8Array {
  checkBytes('data', data);
  const out = new Uint8Array(MERKLE_HASH_LENGTH);
  leafHashInto(data, out);
  return out;
}

/** Node hash `SHA-256(0x01 ‖ left ‖ right)` (RFC 9162 §2.1.1), for two 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  checkBytes('left', left, MERKLE_HASH_LENGTH);
  checkBytes('right', right, MERKLE_HASH_LENGTH);
  const out = new Uint8Array(MERKLE_HASH_LENGTH);
  nodeHashInto(left, right, out);
  return out;
}

/** Enough stack slots for any tree this library can address (leaf counts below 2^53). */
const MAX_DEPTH = 54;

/**
 * Incremental Merkle Tree Hash: append leaf data one by one, read the root at any time. Holds
 * one hash per set bit of the leaf count.
 */
export class MerkleTreeHasher {
  /** Roots of the perfect subtrees, largest (leftmost) first, 32 bytes each. */
  private readonly stack = new Uint8Array(MAX_DEPTH * MERKLE_HASH_LENGTH);
  private depth = 0;
  private count = 0;
  private readonly cur = new Uint8Array(MERKLE_HASH_LENGTH);

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  private slot(i: number): Uint8Array {
    return this.stack.subarray(i * MERKLE_HASH_LENGTH, (i + 1) * MERKLE_HASH_LENGTH);
  }

  /** Append one leaf's data (it is hashed as a leaf here). */
  append(data: Uint8Array): this {
    checkBytes('data', data);
    const h = this.cur;
    leafHashInto(data, h);
    // Merge equal-sized perfect subtrees: one merge per trailing 1-bit of the old count.
    for (let c = this.count; c % 2 === 1; c = Math.floor(c / 2)) {
      this.depth--;
      nodeHashInto(this.slot(this.depth), h, h);
    }
    this.slot(this.depth).set(h);
    this.depth++;
    this.count++;
    return this;
  }

  /** `MTH` of the leaves appended so far. */
  root(): Uint8Array {
    if (this.depth === 0) return emptyRoot();
    const h = this.slot(this.depth - 1).slice();
    for (let i = this.depth - 2; i >= 0; i--) nodeHashInto(this.slot(i), h, h);
    return h;
  }
}

/** `MTH(D[n])` of the given leaf data, in order (RFC 9162 §2.1.1). */
export function merkleRoot(leaves: Iterable<Uint8Array>): Uint8Array {
  const t = new MerkleTreeHasher();
  for (const d of leaves) t.append(d);
  return t.root();
}

/**
 * Audit path `PATH(index, D[n])` for the leaf at `index` (RFC 9162 §2.1.3.1), deepest sibling
 * first. Hashes the whole tree: O(n) time and memory.
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Array.isArray(leaves)) throw new TypeError('"leaves" expected an array of Uint8Array');
  const n = leaves.length;
  checkInt('index', index, 0, Math.max(0, n - 1));
  if (n === 0) throw new RangeError('"index": the tree is empty');
  let level: Uint8Array[] = leaves.map((d) => leafHash(d));
  const proof: Uint8Array[] = [];
  let idx = index;
  while (level.length > 1) {
    const sib = idx % 2 === 0 ? idx + 1 : idx - 1;
    // A node without a sibling (the last one of an odd level) is carried up unchanged: this is
    // the RFC's split, seen bottom-up.
    if (sib < level.length) proof.push(level[sib] as Uint8Array);
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Uint8Array);
    level = next;
    idx = Math.floor(idx / 2);
  }
  return proof;
}

/**
 * The root implied by an inclusion proof (RFC 9162 §2.1.3.2), or `null` if the proof has the
 * wrong shape for `(index, size)` (wrong number of hashes, wrong hash length, index ≥ size).
 */
export function rootFromInclusionProof(
  leafData: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  checkBytes('leafData', leafData);
  checkInt('index', index, 0, Number.MAX_SAFE_INTEGER);
  checkInt('size', size, 0, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(proof)) throw new TypeError('"proof" expected an array of Uint8Array');
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(leafData);
  for (const p of proof) {
    if (!(p instanceof Uint8Array) || p.length !== MERKLE_HASH_LENGTH) return null;
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * Check that `leafData` is the leaf at `index` of the tree of `size` leaves with root `root`
 * (RFC 9162 §2.1.3.2). A mismatch is an outcome, not an error: returns `false`.
 */
export function verifyInclusion(
  root: Uint8Array,
  leafData: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): boolean {
  checkBytes('root', root);
  const r = rootFromInclusionProof(leafData, index, size, proof);
  return r !== null && equalBytes(r, root);
}
