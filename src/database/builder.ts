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

import { bulkCodec } from '../core/bulk-codec.js';
import {
  DEFAULT_TABLE_RATIO,
  DLEQ_PURPOSE,
  FILLER_SEED_LENGTH,
  NONCE_LENGTH,
} from '../core/constants.js';
import {
  compositeSeed,
  dleqConfig,
  generateProof,
  generateProofFromComposites,
} from '../core/dleq.js';
import { ParameterError } from '../core/errors.js';
import {
  type BasesResult,
  inThreadExecutor,
  type ParallelOptions,
  sumPartials,
} from '../core/parallel.js';
import { ristretto255Sha512 } from '../core/ristretto255.js';
import { secretMultiplier } from '../core/secret-mul.js';
import type { Element, Suite } from '../core/suite.js';
import { concatList, copyBytes, defaultRng, type Rng } from '../core/utils.js';
import { auditProofBinding, type BuiltDatabase } from './built-database.js';
import {
  cellBasesAsync,
  cellChunks,
  cellComposites,
  encodeBases,
  layoutTableAsync,
  releaseHeld,
} from './cell-rounds.js';
import { canonicalItems, cellBases } from './items.js';
import {
  checkVoucherParams,
  computeRoot,
  databaseId,
  encodeHeader,
  type VoucherParams,
} from './pdata.js';
import { cellNoncesForRun, layoutTable, type TableLayout, tableSize } from './table.js';

export type { ParallelOptions, Progress } from '../core/parallel.js';
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

/** What a build decides before the cells: randomness drawn, layout made. */
interface BuildPlan {
  readonly suite: Suite;
  readonly rng: Rng;
  readonly params: VoucherParams;
  readonly nonces: [Uint8Array, Uint8Array, Uint8Array];
  readonly fillerSeed: Uint8Array;
  readonly alpha: bigint;
  readonly items: Uint8Array[];
  readonly itemWidth: number;
  readonly layout: TableLayout;
  readonly L: Element;
  readonly Lbytes: Uint8Array;
  readonly contributions: readonly Uint8Array[] | undefined;
}

/** Steps 1-2 and `L` (the same for the synchronous and asynchronous builds). */
function planBuild(itemsIn: readonly Uint8Array[], opts: BuildOptions): BuildPlan {
  const pre = prePlan(itemsIn, opts);
  return finishPlan(pre, layoutTable(pre.items, pre.nonces, pre.size));
}

/** {@link planBuild} with the layout's positions on `opts.executor` (`layoutTableAsync`). */
async function planBuildAsync(
  itemsIn: readonly Uint8Array[],
  opts: BuildOptions & ParallelOptions,
): Promise<BuildPlan> {
  const pre = prePlan(itemsIn, opts);
  return finishPlan(pre, await layoutTableAsync(pre.items, pre.nonces, pre.size, opts));
}

/** A plan before its layout: step 1, and the canonical items and table size of step 2. */
type PrePlan = Omit<BuildPlan, 'layout' | 'L' | 'Lbytes'> & { readonly size: number };

function prePlan(itemsIn: readonly Uint8Array[], opts: BuildOptions): PrePlan {
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
  return {
    suite,
    rng,
    params: opts.params,
    nonces,
    fillerSeed,
    alpha,
    items,
    itemWidth,
    size: tableSize(items.length, ratio),
    contributions: opts.contributions,
  };
}

function finishPlan(pre: PrePlan, layout: TableLayout): BuildPlan {
  const { size: _size, ...rest } = pre;
  const L = pre.suite.mulBase(pre.alpha);
  return { ...rest, layout, L, Lbytes: pre.suite.encode(L) };
}

function headerOf(plan: BuildPlan): Uint8Array {
  const { suite, params, layout, itemWidth, nonces, Lbytes } = plan;
  return encodeHeader(suite, params, { size: layout.size, itemWidth, nonces }, Lbytes);
}

function builtDatabase(
  plan: BuildPlan,
  publicData: Uint8Array,
  root: Uint8Array,
  proof: Uint8Array,
): BuiltDatabase {
  const { items, layout } = plan;
  return Object.freeze({
    suite: plan.suite,
    publicData,
    root,
    databaseId: databaseId(root),
    alpha: plan.alpha,
    items,
    dropped: layout.dropped.map((i) => items[i] as Uint8Array),
    audit: Object.freeze({
      items,
      nonces: plan.nonces,
      fillerSeed: plan.fillerSeed,
      contributions: (plan.contributions ?? []).map((c) => Uint8Array.from(c)),
      proof,
    }),
  });
}

/** Build a blinded database from `X_int` (SPEC §4). */
export function buildDatabase(itemsIn: readonly Uint8Array[], opts: BuildOptions): BuiltDatabase {
  const plan = planBuild(itemsIn, opts);
  const { suite, alpha, L } = plan;

  // Step 3: blinding.
  const B = cellBases(suite, plan.items, plan.layout, plan.fillerSeed);
  const mul = secretMultiplier(suite, alpha);
  const P: Element[] = B.map((b) => mul(b));
  const cells = bulkCodec(suite).encodeAll(P);

  // Step 4: public data and root.
  const headerBytes = headerOf(plan);
  const publicData = concatList([headerBytes, ...cells]);
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
      binding: auditProofBinding(headerBytes, root, plan.fillerSeed),
    },
    plan.rng,
    bulkCodec(suite).msmVartime,
  );
  return builtDatabase(plan, publicData, root, proof);
}

/** `n` views of `Ne` bytes each into `bytes`. */
function elementViews(bytes: Uint8Array, Ne: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(bytes.length / Ne);
  for (let i = 0; i < out.length; i++) out[i] = bytes.subarray(i * Ne, (i + 1) * Ne);
  return out;
}

/**
 * {@link buildDatabase} with the element-wise work cut into chunks and run on `opts.executor`
 * (default: this thread, yielding between chunks; `quorum-psi/workers` for a pool of Node worker
 * threads), issue 15. Returns the same {@link BuiltDatabase} (public data, root, `α`, audit
 * material, proof: the same bytes) as {@link buildDatabase} with the same `rng` state, whatever
 * the executor and chunk size. Four rounds of chunks, with the sequential steps here between
 * them:
 * 0. `positions` (progress phase `layout`): the items' cell positions; here, the peeling;
 * 1. `hash` (phase `hash`): every filler and every placed item to the group, as raw points; here,
 *    in reverse peeling order, `B_c = H(x) − B_a − B_b` (additions only, on limbs for
 *    ristretto255);
 * 2. `bases` (phase `blind`): `α·B_j` by the constant-time multiplication, cells and bases
 *    encoded; here, the header, the public data, the Merkle root and the proof's seed (one
 *    sequential hash over every `B_j`, `P_j`);
 * 3. `composites` (phase `prove`): the partial composites `Σ d_j·B_j` at the global indices;
 *    here, their sum `M`, `α·M` and the one proof ({@link generateProofFromComposites}).
 */
export async function buildDatabaseAsync(
  itemsIn: readonly Uint8Array[],
  opts: BuildOptions & ParallelOptions,
): Promise<BuiltDatabase> {
  const plan = await planBuildAsync(itemsIn, opts);
  const { suite, alpha, L, layout } = plan;
  const Ne = suite.elementLength;
  const ex = opts.executor ?? inThreadExecutor();
  const B = await cellBasesAsync(suite, plan.items, layout, plan.fillerSeed, opts);

  const n = layout.size;
  const c = cellChunks(ex, n, opts);
  let nothingHeld = false;
  try {
    const blinded = await encodeBases(c, suite, B, alpha, 'blind');
    const headerBytes = headerOf(plan);
    const publicData = new Uint8Array(headerBytes.length + n * Ne);
    publicData.set(headerBytes, 0);
    const basesBytes = new Uint8Array(n * Ne);
    for (let i = 0; i < c.count; i++) {
      const r = blinded[i] as BasesResult;
      publicData.set(r.cells as Uint8Array, headerBytes.length + c.range(i)[0] * Ne);
      basesBytes.set(r.bases, c.range(i)[0] * Ne);
    }
    const cellBytes = publicData.subarray(headerBytes.length);
    const cells = elementViews(cellBytes, Ne);
    const root = computeRoot(headerBytes, cells);
    const cfg = dleqConfig(suite, DLEQ_PURPOSE.audit);
    const seed = compositeSeed(
      suite,
      cfg,
      plan.Lbytes,
      elementViews(basesBytes, Ne),
      cells,
      auditProofBinding(headerBytes, root, plan.fillerSeed),
    );
    const parts = await cellComposites(
      c,
      suite,
      basesBytes,
      cellBytes,
      { cfg, seed, withZ: false },
      'prove',
    );
    nothingHeld = true; // round 3 took every chunk's held points
    const M = sumPartials(
      suite,
      parts.map((r) => r.M[0] ?? null),
    );
    const proof = generateProofFromComposites(suite, cfg, alpha, { A: suite.G, B: L, M }, plan.rng);
    return builtDatabase(plan, publicData, root, proof);
  } finally {
    // After a failure between the rounds, the threads drop the points they held.
    if (!nothingHeld) await releaseHeld(c);
  }
}
