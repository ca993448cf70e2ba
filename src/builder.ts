/**
 * Database build (SPEC §4 steps 1-5), run by the platform's builder.
 *
 * 1. Nonces first: the two 128-bit cell-hash nonces and the 32-byte filler seed are sampled
 *    before the items are looked at, and never resampled because of them.
 * 2. Layout: deterministic cuckoo table of `n' = ⌈ratio·|X_int|⌉` cells (src/cuckoo.ts); items
 *    that cannot be placed are dropped and reported.
 * 3. Blinding: secret `α`, public `L = α·G`; cell `j` holds `P_j = α·B_j` with `B_j = H(x)` for
 *    a placed item `x` and `B_j = H_F(seed, j)` for a filler.
 * 4. Public data and its Merkle root; the database id is the root's first 16 bytes.
 * 5. Audit material: `X_int`, the nonces, the filler seed, the contributions and one batched
 *    DLEQ proof that `(G, L)` and every `(B_j, P_j)` share `α`.
 *
 * `α` is the only long-term secret; it is multiplied in constant time (noble `multiply`).
 * @module
 */
import {
  DEFAULT_TABLE_RATIO,
  DLEQ_PURPOSE,
  DST_PURPOSE,
  dst,
  FILLER_SEED_LENGTH,
  MAX_ITEM_LENGTH,
  NONCE_LENGTH,
} from './constants.js';
import { layoutCuckoo, tableSize } from './cuckoo.js';
import { dleqConfig, generateProof } from './dleq.js';
import { ParameterError } from './errors.js';
import { DEFAULT_SUITE, type Element, SUITES, type Suite } from './group.js';
import {
  checkVoucherParams,
  computeRoot,
  databaseId,
  encodeHeader,
  type VoucherParams,
} from './pdata.js';
import {
  compareBytes,
  concatBytes,
  copyBytes,
  defaultRng,
  i2osp,
  lengthPrefixed,
  type Rng,
} from './utils.js';

/** Inputs of {@link buildDatabase}. */
export interface BuildOptions {
  /** Group suite (default ristretto255-SHA512). */
  suite?: Suite;
  /** Voucher parameters announced to clients. */
  params: VoucherParams;
  /** Table ratio `n' / |X_int|` (default 2.1). */
  ratio?: number;
  /**
   * Width in bytes of every item (the deployment's item width). Default: the width of the first
   * item; required when `X_int` is empty. Every item must have it.
   */
  itemWidth?: number;
  /** Signed NGO contributions backing the items (opaque here; checked by the audit). */
  contributions?: readonly Uint8Array[];
  /** Randomness (default: platform CSPRNG). */
  rng?: Rng;
}

/** Everything the builder produces. */
export interface BuiltDatabase {
  readonly suite: Suite;
  /** `pdata`: what clients download. */
  readonly publicData: Uint8Array;
  /** Merkle root of `pdata`. */
  readonly root: Uint8Array;
  /** Leading 16 bytes of the root. */
  readonly databaseId: Uint8Array;
  /** The server's secret `α` (keep it in the server; see server.ts `encodeDatabaseSecret`). */
  readonly alpha: bigint;
  /** The canonical item list `X_int` (sorted, deduplicated). */
  readonly items: readonly Uint8Array[];
  /** Items that could not be placed in the table (reported, SPEC §4 step 2). */
  readonly dropped: readonly Uint8Array[];
  /** Audit material for the NGOs (SPEC §4 step 5). */
  readonly audit: AuditMaterial;
}

/** Audit material (SPEC §4 step 5); encoded as an audit bundle by src/audit.ts. */
export interface AuditMaterial {
  readonly items: readonly Uint8Array[];
  readonly nonces: readonly [Uint8Array, Uint8Array];
  readonly fillerSeed: Uint8Array;
  readonly contributions: readonly Uint8Array[];
  /** Batched DLEQ proof: `(G, L)` and `(B_j, P_j)` for all cells share `α`. */
  readonly proof: Uint8Array;
}

/** `H(x)`: an item to the group (SPEC §2). */
export function hashItem(suite: Suite, item: Uint8Array): Element {
  return suite.hashToGroup(item, itemDst(suite));
}

const itemDsts = new Map<Suite, Uint8Array>(
  SUITES.map((s) => [s, dst(s.shortName, DST_PURPOSE.item)]),
);
const fillerDsts = new Map<Suite, Uint8Array>(
  SUITES.map((s) => [s, dst(s.shortName, DST_PURPOSE.filler)]),
);
/** The DST of `H` for a suite. */
export function itemDst(suite: Suite): Uint8Array {
  return itemDsts.get(suite) ?? dst(suite.shortName, DST_PURPOSE.item);
}

/** `H_F(seed, j) = HashToGroup(seed ‖ I2OSP(j, 4))` with the filler DST (SPEC §2, §4 step 3). */
export function hashFiller(suite: Suite, seed: Uint8Array, j: number): Element {
  const d = fillerDsts.get(suite) ?? dst(suite.shortName, DST_PURPOSE.filler);
  return suite.hashToGroup(concatBytes(seed, i2osp(j, 4)), d);
}

/** Sort and deduplicate items bytewise (the canonical form of `X_int`). */
export function canonicalItems(items: readonly Uint8Array[]): Uint8Array[] {
  for (const x of items) {
    if (!(x instanceof Uint8Array) || x.length === 0 || x.length > MAX_ITEM_LENGTH) {
      throw new ParameterError('items.length', `items must be 1..${MAX_ITEM_LENGTH} bytes`);
    }
  }
  // Owned copies: the caller's arrays (possibly views onto a shared Buffer pool) are never kept.
  const sorted = items.map((x) => Uint8Array.from(x)).sort(compareBytes);
  return sorted.filter((x, i) => i === 0 || compareBytes(sorted[i - 1] as Uint8Array, x) !== 0);
}

/**
 * The base elements `B_j` of every cell: `H(x)` for placed items and `H_F(seed, j)` for fillers.
 * Shared by the builder and the audit (which recomputes them from the bundle).
 */
export function cellBases(
  suite: Suite,
  items: readonly Uint8Array[],
  layout: Int32Array,
  fillerSeed: Uint8Array,
): Element[] {
  const B: Element[] = new Array(layout.length);
  for (let j = 0; j < layout.length; j++) {
    const idx = layout[j] as number;
    B[j] = idx >= 0 ? hashItem(suite, items[idx] as Uint8Array) : hashFiller(suite, fillerSeed, j);
  }
  return B;
}

/**
 * The binding context of the audit proof (SPEC v2 §2.1: "for the audit the database header,
 * root, filler seed and nonces"): `u16 len ‖ header ‖ root (32) ‖ filler seed (32)`. The header
 * holds `L`, every voucher parameter, `n'`, the item width and both nonces.
 */
export function auditProofBinding(
  headerBytes: Uint8Array,
  root: Uint8Array,
  fillerSeed: Uint8Array,
): Uint8Array {
  return concatBytes(lengthPrefixed(headerBytes), root, fillerSeed);
}

/** Build a blinded database from `X_int` (SPEC §4). */
export function buildDatabase(itemsIn: readonly Uint8Array[], opts: BuildOptions): BuiltDatabase {
  const suite = opts.suite ?? DEFAULT_SUITE;
  const rng = opts.rng ?? defaultRng;
  const ratio = opts.ratio ?? DEFAULT_TABLE_RATIO;
  // Refuse bad parameters before any work (the header check would find them only at the end).
  checkVoucherParams(opts.params);
  // Step 1: nonces and filler seed BEFORE looking at the items. Owned copies: an rng may hand
  // out views of a buffer it reuses, and these are kept in the returned audit material.
  const nonces: [Uint8Array, Uint8Array] = [
    copyBytes(rng(NONCE_LENGTH)),
    copyBytes(rng(NONCE_LENGTH)),
  ];
  const fillerSeed = copyBytes(rng(FILLER_SEED_LENGTH));
  const alpha = suite.randomScalar(rng);

  // Step 2: deterministic layout.
  const items = canonicalItems(itemsIn);
  const itemWidth = opts.itemWidth ?? items[0]?.length;
  if (itemWidth === undefined) {
    throw new ParameterError('params.item-width', 'itemWidth is required for an empty X_int');
  }
  if (items.some((x) => x.length !== itemWidth)) {
    throw new ParameterError('params.item-width', `every item must be ${itemWidth} bytes`);
  }
  const size = tableSize(items.length, ratio);
  const { cells: layout, dropped } = layoutCuckoo(items, nonces, size);

  // Step 3: blinding.
  const L = suite.mulBase(alpha);
  const Lbytes = suite.encode(L);
  const B = cellBases(suite, items, layout, fillerSeed);
  const P: Element[] = new Array(size);
  const cells: Uint8Array[] = new Array(size);
  for (let j = 0; j < size; j++) {
    P[j] = suite.mul(B[j] as Element, alpha);
    cells[j] = suite.encode(P[j] as Element);
  }

  // Step 4: public data and root.
  const headerBytes = encodeHeader(suite, opts.params, { size, itemWidth, nonces }, Lbytes);
  const publicData = concatBytes(headerBytes, ...cells);
  const root = computeRoot(headerBytes, cells);

  // Step 5: audit proof over all cells (B_j → P_j under α, with G → L).
  const proof = generateProof(
    suite,
    dleqConfig(suite, DLEQ_PURPOSE.audit),
    alpha,
    {
      A: suite.G,
      B: L,
      C: B,
      D: P,
      Dbytes: cells,
      binding: auditProofBinding(headerBytes, root, fillerSeed),
    },
    rng,
  );

  return Object.freeze({
    suite,
    publicData,
    root,
    databaseId: databaseId(root),
    alpha,
    items,
    dropped: dropped.map((i) => items[i] as Uint8Array),
    audit: Object.freeze({
      items,
      nonces,
      fillerSeed,
      contributions: (opts.contributions ?? []).map((c) => Uint8Array.from(c)),
      proof,
    }),
  });
}
