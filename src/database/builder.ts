/**
 * Database build (SPEC §4 steps 1-5), run by the platform's builder.
 *
 * 1. Nonces first: the three 128-bit cell-hash nonces are derived from the quorum run id
 *    (fixed before `X_int` exists, checked by every audit), the 32-byte filler seed is sampled
 *    before the items are looked at; neither depends on them.
 * 2. Layout (SPEC v2 §4 "single-point table"): three positions per item, deterministic peeling
 *    of a table of `n' = tableSize(|X_int|, ratio)` cells (src/database/table.ts); items left in
 *    the 2-core are dropped and reported.
 * 3. Blinding: secret `α`, public `L = α·G`; cell `j` holds `P_j = α·B_j`, where fillers are
 *    `B_j = H_F(seed, j)` and, in reverse peeling order, each placed item's free cell gets
 *    `B_c = H(x) − (its other two B)` (src/database/items.ts), so that
 *    `P_{h1(x)} + P_{h2(x)} + P_{h3(x)} = α·H(x)`.
 * 4. Public data and its Merkle root; the database id is the root's first 16 bytes.
 * 5. Audit material: `X_int`, the nonces, the filler seed, the contributions and one batched
 *    DLEQ proof that `(G, L)` and every `(B_j, P_j)` share `α`.
 *
 * `α` is the only long-term secret; it is multiplied in constant time (noble `multiply`).
 * @module builder
 */
import {
  DEFAULT_TABLE_RATIO,
  DLEQ_PURPOSE,
  FILLER_SEED_LENGTH,
  NONCE_LENGTH,
} from '../core/constants.js';
import { dleqConfig, generateProof } from '../core/dleq.js';
import { ParameterError } from '../core/errors.js';
import { ristretto255Sha512 } from '../core/ristretto255.js';
import type { Element, Suite } from '../core/suite.js';
import { concatBytes, copyBytes, defaultRng, type Rng } from '../core/utils.js';
import { auditProofBinding, type BuiltDatabase } from './built-database.js';
import { canonicalItems, cellBases } from './items.js';
import {
  checkVoucherParams,
  computeRoot,
  databaseId,
  encodeHeader,
  type VoucherParams,
} from './pdata.js';
import { cellNoncesForRun, layoutTable, tableSize } from './table.js';

// The builder's subpath (`quorum-psi/builder`) also carries what it shares with the auditor, the
// server and the client: the item hashes and the shape of its output.
export {
  type AuditMaterial,
  auditProofBinding,
  type BuiltDatabase,
} from './built-database.js';
export { canonicalItems, cellBases, hashFiller, hashItem, itemDst } from './items.js';

/** Inputs of {@link buildDatabase}. */
export interface BuildOptions {
  /** Group suite (default ristretto255-SHA512). */
  suite?: Suite;
  /** Voucher parameters announced to clients. */
  params: VoucherParams;
  /** Table ratio `n' / |X_int|` (default {@link DEFAULT_TABLE_RATIO}, 1.23; small tables get more, see `tableSize`). */
  ratio?: number;
  /**
   * Width in bytes of every item (the deployment's item width). Default: the width of the first
   * item; required when `X_int` is empty. Every item must have it.
   */
  itemWidth?: number;
  /** Signed NGO contributions backing the items (opaque here; checked by the audit). */
  contributions?: readonly Uint8Array[];
  /**
   * The id of the quorum run whose contributions back `X_int` (SPEC v2 §3 step 0). The cell-hash
   * nonces are derived from it (`cellNoncesForRun`), so they are fixed before `X_int` exists and
   * the builder cannot grind them to make chosen items collide and drop; every audit checks
   * them. Without it the nonces come from `rng` (tests, benchmarks), and every audit refuses
   * the database.
   */
  runId?: Uint8Array;
  /** Randomness (default: platform CSPRNG). */
  rng?: Rng;
}

/** Build a blinded database from `X_int` (SPEC §4). */
export function buildDatabase(itemsIn: readonly Uint8Array[], opts: BuildOptions): BuiltDatabase {
  // The builder's default suite is ristretto255 (a builder that passes P-256 still bundles it).
  const suite = opts.suite ?? ristretto255Sha512;
  const rng = opts.rng ?? defaultRng;
  const ratio = opts.ratio ?? DEFAULT_TABLE_RATIO;
  // Refuse bad parameters before any work (the header check would find them only at the end).
  checkVoucherParams(opts.params);
  // Step 1: nonces and filler seed BEFORE looking at the items. Owned copies: an rng may hand
  // out views of a buffer it reuses, and these are kept in the returned audit material.
  const nonces: [Uint8Array, Uint8Array, Uint8Array] =
    opts.runId !== undefined
      ? cellNoncesForRun(opts.runId)
      : [copyBytes(rng(NONCE_LENGTH)), copyBytes(rng(NONCE_LENGTH)), copyBytes(rng(NONCE_LENGTH))];
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
  const layout = layoutTable(items, nonces, size);

  // Step 3: blinding.
  const L = suite.mulBase(alpha);
  const Lbytes = suite.encode(L);
  const B = cellBases(suite, items, layout, fillerSeed);
  const P: Element[] = B.map((b) => suite.mul(b, alpha));
  const cells = suite.encodeAll(P);

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
    dropped: layout.dropped.map((i) => items[i] as Uint8Array),
    audit: Object.freeze({
      items,
      nonces,
      fillerSeed,
      contributions: (opts.contributions ?? []).map((c) => Uint8Array.from(c)),
      proof,
    }),
  });
}
