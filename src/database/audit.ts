/**
 * Audit bundle and NGO audit of a database (SPEC §4 step 5, §5 steps 1-4).
 *
 * The builder hands the NGOs an audit bundle: the database version it proposes, `X_int`, the
 * signed contributions, the filler seed and one batched DLEQ proof that `(G, L)` and every
 * `(B_j, P_j)` share `α`, bound to the header, root and filler seed (SPEC v2 §2.1; the nonces and
 * cells are in the public data). An auditing NGO, given the public data, the root the builder
 * claims and **its own policy** ({@link AuditPolicy}, never the builder's word):
 * 1. checks every contribution's signature and that `X_int` is exactly the set of items backed
 *    by ≥ `m` distinct jurisdictions, all from the policy's deployment and quorum run;
 * 2. repeats the deterministic peeling of the single-point table from `X_int` and the nonces,
 *    recomputes every `B_j` on the unblinded side (fillers and `H(x) − B_a − B_b`), decodes
 *    every cell and verifies the batched DLEQ proof against `L` (one proof, every cell once);
 * 3. recomputes the root byte for byte and compares it with the claimed root;
 * 4. (v2) checks the header against the policy: the reviewer keys are exactly the agreed ones
 *    (the platform can never name itself, or nobody), and `T`, `s_max`, `p`, the payload size and
 *    the table ratio lie within the policy's bounds; the cell-hash nonces are the ones derived
 *    from the policy's quorum run id; the version exceeds the last one it signed.
 * The verdict says which check failed; {@link auditDatabase} never throws for bad data. Only an
 * `ok` verdict should be followed by signing the manifest ({@link manifestBodyFor}).
 * @module audit
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { bulkCodec } from '../core/bulk-codec.js';
import {
  DB_ID_LENGTH,
  DLEQ_PURPOSE,
  FILLER_SEED_LENGTH,
  KIND,
  MAX_ITEM_LENGTH,
  MAX_S_MAX,
  MAX_TABLE_CELLS,
  MAX_TABLE_RATIO,
  MAX_THRESHOLD,
  MIN_POLICY_TABLE_RATIO,
  NGO_MAX_DEPLOYMENT_ID_BYTES,
  REVIEWER_KEY_LENGTH,
  RUN_ID_LENGTH,
} from '../core/constants.js';
import { compositeSeed, dleqConfig, verifyProof, verifyProofFromComposites } from '../core/dleq.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError, QuorumPsiError } from '../core/errors.js';
import type { Element, Suite } from '../core/group.js';
import {
  type BasesResult,
  firstError,
  inThreadExecutor,
  type ParallelOptions,
  sumPartials,
} from '../core/parallel.js';
import {
  bytesToHex,
  checkBytes,
  compareBytes,
  copyBytes,
  equalBytes,
  i2osp,
} from '../core/utils.js';
import { decodeNgoContribution } from '../quorum/ngo-messages.js';
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
import type { ManifestBody } from './manifest.js';
import {
  computeRoot,
  databaseId,
  decodeHeader,
  type PublicHeader,
  splitPublicData,
} from './pdata.js';
import { cellNoncesForRun, layoutTable, type TableLayout, tableSize } from './table.js';

export type { ParallelOptions, Progress } from '../core/parallel.js';

/** Decoded audit bundle. */
export interface AuditBundle {
  readonly suite: Suite;
  /** The database version the builder proposes (a sequence number that only grows, SPEC v2 §5). */
  readonly version: number;
  readonly databaseId: Uint8Array;
  readonly fillerSeed: Uint8Array;
  /** `X_int` in canonical order. */
  readonly items: readonly Uint8Array[];
  readonly proof: Uint8Array;
  /** Signed NGO contributions (encoded; src/quorum/ngo-messages.ts). */
  readonly contributions: readonly Uint8Array[];
}

/**
 * `header(kind 0x06, suite) ‖ u64 version ‖ database id (16) ‖ filler seed (32) ‖ u32 |X_int| ‖
 * (u8 len ‖ item)* ‖ proof (2·Ns) ‖ u32 #contributions ‖ (u32 len ‖ contribution)*`.
 * `version` is the database version the builder proposes (≥ 1, greater than every version
 * published before for the deployment).
 */
export function encodeAuditBundle(db: BuiltDatabase, opts: { version: number }): Uint8Array {
  const version = opts?.version;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ParameterError(
      'audit.version',
      `database version must be an integer ≥ 1, got ${version}`,
    );
  }
  const w = new Writer()
    .header(KIND.auditBundle, db.suite)
    .u64(version)
    .bytes(db.databaseId)
    .bytes(db.audit.fillerSeed)
    .u32(db.audit.items.length);
  for (const x of db.audit.items) w.u8(x.length).bytes(x);
  w.bytes(db.audit.proof).u32(db.audit.contributions.length);
  for (const c of db.audit.contributions) w.vec32(c);
  return w.finish();
}

/** Strict decoding of an audit bundle; items must be canonical (sorted, distinct). */
export function decodeAuditBundle(bytes: Uint8Array): AuditBundle {
  return decodeWith('audit bundle', bytes, (r) => {
    const suite = r.header(KIND.auditBundle) as Suite;
    const v = r.u64();
    if (v < 1n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new DecodeError('decode.range', 'audit bundle: version out of range');
    }
    const version = Number(v);
    const id = r.bytes(DB_ID_LENGTH).slice();
    const fillerSeed = r.bytes(FILLER_SEED_LENGTH).slice();
    const n = r.u32In('items', 0, MAX_TABLE_CELLS);
    const items: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const len = r.u8();
      if (len < 1 || len > MAX_ITEM_LENGTH)
        throw new DecodeError('decode.range', 'audit bundle: item length');
      const x = r.bytes(len).slice();
      if (i > 0 && compareBytes(items[i - 1] as Uint8Array, x) >= 0) {
        throw new DecodeError('decode.noncanonical', 'audit bundle: items not sorted and distinct');
      }
      items.push(x);
    }
    const proof = r.bytes(2 * suite.scalarLength).slice();
    const nc = r.u32In('contributions', 0, 1 << 16);
    const contributions: Uint8Array[] = [];
    for (let i = 0; i < nc; i++) contributions.push(r.vec32('contribution', 1 << 30).slice());
    return { suite, version, databaseId: id, fillerSeed, items, proof, contributions };
  });
}

/** SHA-256 digest of the canonical `X_int`: `u32 count ‖ (u8 len ‖ item)*` (bound in the manifest). */
export function itemsDigest(items: readonly Uint8Array[]): Uint8Array {
  const h = sha256.create().update(i2osp(items.length, 4));
  for (const x of items) h.update(Uint8Array.of(x.length)).update(x);
  return h.digest();
}

/** Why an audit failed. */
export type AuditFailure =
  | 'malformed'
  | 'contributions'
  | 'items'
  | 'suite'
  | 'database-id'
  | 'cell-decode'
  | 'proof'
  | 'root'
  /** SPEC v2 §5 step 4: the header or bundle is outside the auditing NGO's own policy. */
  | 'policy';

/** Inclusive bounds `[min, max]`. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/**
 * An auditing NGO's own policy (SPEC v2 §5 step 4). Everything here comes from the NGO's own
 * configuration (agreed among the NGOs), never from the builder.
 */
export interface AuditPolicy {
  /** The deployment this NGO audits for. */
  readonly deploymentId: Uint8Array;
  /** The run id of the quorum run this NGO took part in (SPEC v2 §3 step 0). */
  readonly runId: Uint8Array;
  /**
   * Exactly the reviewer X25519 public keys the NGOs agreed on (as a set: order is free, nothing
   * may be missing or added). The platform can never name itself, or nobody.
   */
  readonly reviewerKeys: readonly Uint8Array[];
  /** Bounds on `T`. */
  readonly threshold: Bounds;
  /** Bounds on `s_max` (the minimum must be ≥ 1: synthetic vouchers are a safeguard). */
  readonly sMax: Bounds;
  /**
   * Bounds on the synthetic rate `p` as a fraction (the minimum must be ≥ 2^-32, i.e. > 0). The
   * header's 32-bit value `v` passes when `⌊min·2^32⌋ ≤ v ≤ ⌊max·2^32⌋` (what `rateToU32` gives).
   */
  readonly syntheticRate: Bounds;
  /** Bounds on the payload size in bytes. */
  readonly payloadSize: Bounds;
  /**
   * Bounds on the table ratio `n' / |X_int|`: the table must have a size `tableSize` gives for a
   * ratio in these bounds; `min` may not be below `MIN_POLICY_TABLE_RATIO` (the default ratio).
   */
  readonly ratio: Bounds;
  /**
   * The highest database version this NGO has signed for the deployment (0 if none): the
   * bundle's version must be greater, so a signature can never be obtained for a rollback.
   */
  readonly lastSignedVersion: number;
}

/** Check that a policy is well formed (throws {@link ParameterError}; a programmer error, not data). */
export function checkAuditPolicy(p: AuditPolicy): void {
  const bad = (what: string, msg: string): never => {
    throw new ParameterError(`audit.policy.${what}`, `audit policy: ${msg}`);
  };
  if (p === null || typeof p !== 'object') throw new TypeError('"policy" expected an AuditPolicy');
  const dep = checkBytes('policy.deploymentId', p.deploymentId);
  if (dep.length < 1 || dep.length > NGO_MAX_DEPLOYMENT_ID_BYTES)
    bad('deployment', `deployment id must be 1..${NGO_MAX_DEPLOYMENT_ID_BYTES} bytes`);
  checkBytes('policy.runId', p.runId, RUN_ID_LENGTH);
  if (!Array.isArray(p.reviewerKeys) || p.reviewerKeys.length < 1)
    bad('reviewers', 'at least one agreed reviewer key is required');
  const keys = new Set<string>();
  for (const k of p.reviewerKeys) {
    keys.add(bytesToHex(checkBytes('policy.reviewerKeys[]', k, REVIEWER_KEY_LENGTH)));
  }
  if (keys.size !== p.reviewerKeys.length) bad('reviewers', 'a reviewer key is listed twice');
  const bounds = (what: string, b: Bounds, lo: number, hi: number, integer: boolean) => {
    if (
      b === null ||
      typeof b !== 'object' ||
      typeof b.min !== 'number' ||
      typeof b.max !== 'number' ||
      !(b.min >= lo && b.min <= b.max && b.max <= hi) ||
      (integer && !(Number.isSafeInteger(b.min) && Number.isSafeInteger(b.max)))
    ) {
      bad(what, `${what} bounds must satisfy ${lo} ≤ min ≤ max ≤ ${hi}`);
    }
  };
  bounds('threshold', p.threshold, 2, MAX_THRESHOLD, true);
  bounds('sMax', p.sMax, 1, MAX_S_MAX, true);
  // p is announced as a 32-bit fraction: the smallest non-zero rate is 2^-32.
  bounds('syntheticRate', p.syntheticRate, 2 ** -32, 1, false);
  bounds('payloadSize', p.payloadSize, 0, 65_533, true);
  // A policy may not admit tables below the peeling threshold (they drop much of X_int).
  bounds('ratio', p.ratio, MIN_POLICY_TABLE_RATIO, MAX_TABLE_RATIO, false);
  if (!Number.isSafeInteger(p.lastSignedVersion) || p.lastSignedVersion < 0)
    bad('version', 'lastSignedVersion must be an integer ≥ 0');
}

/** Verdict of {@link auditDatabase}. */
export type AuditVerdict =
  | {
      readonly ok: true;
      readonly root: Uint8Array;
      readonly databaseId: Uint8Array;
      readonly itemsDigest: Uint8Array;
      readonly cells: number;
      /** Items of `X_int` the layout could not place (reported, not a failure). */
      readonly dropped: number;
      /** The deployment, quorum run and rule `m` of the contributions (equal to the policy's). */
      readonly deploymentId: Uint8Array;
      readonly runId: Uint8Array;
      readonly rule: number;
      /** The database version the builder proposed (greater than the policy's last signed). */
      readonly version: number;
      /** The canonical public-data header that was audited (the first Merkle leaf). */
      readonly pdataHeader: Uint8Array;
    }
  | { readonly ok: false; readonly failure: AuditFailure; readonly reason: string };

/** Options of {@link auditDatabase}. */
export interface AuditOptions {
  /** The root the builder claims (it goes into the manifest). */
  claimedRoot: Uint8Array;
  /**
   * Step 1: verify the contributions and return the set of items backed by ≥ m distinct
   * jurisdictions (src/quorum/contributions.ts `intersectContributions` with the NGO's trust
   * list, `m`, deployment and run). Throws a {@link QuorumPsiError} naming a forged or missing contribution.
   */
  qualifiedItems: (contributions: readonly Uint8Array[]) => readonly Uint8Array[];
  /** The auditing NGO's own policy (SPEC v2 §5 step 4). */
  policy: AuditPolicy;
}

const fail = (failure: AuditFailure, reason: string): AuditVerdict => ({
  ok: false,
  failure,
  reason,
});

/** `p` against its bounds on the header's own 32-bit scale (`rateToU32` floors). */
function rateViolation(header: PublicHeader, b: Bounds): string | null {
  const v = header.params.syntheticRate32;
  const lo = Math.floor(b.min * 2 ** 32);
  const hi = Math.min(Math.floor(b.max * 2 ** 32), 2 ** 32 - 1);
  return v >= lo && v <= hi
    ? null
    : `synthetic rate p = ${Number((v / 2 ** 32).toPrecision(6))} is outside the policy's [${b.min}, ${b.max}]`;
}

/**
 * SPEC v2 §5 step 4: the header against the NGO's own policy. Returns the reason it fails, or
 * `null`. `items` is `|X_int|` (for the table ratio).
 */
function policyViolation(header: PublicHeader, items: number, policy: AuditPolicy): string | null {
  const { params, table } = header;
  const agreed = new Set(policy.reviewerKeys.map(bytesToHex));
  const named = params.reviewerKeys.map(bytesToHex);
  const unexpected = named.filter((k) => !agreed.has(k));
  if (unexpected.length > 0) {
    return `the header names ${unexpected.length} reviewer key(s) the NGOs did not agree on (${unexpected
      .map((k) => k.slice(0, 16))
      .join(', ')})`;
  }
  const missing = [...agreed].filter((k) => !named.includes(k));
  if (missing.length > 0) return `the header omits ${missing.length} agreed reviewer key(s)`;
  const within = (what: string, v: number, b: Bounds, show = String(v)) =>
    v >= b.min && v <= b.max
      ? null
      : `${what} = ${show} is outside the policy's [${b.min}, ${b.max}]`;
  // The builder's size for a ratio r is tableSize(|X_int|, r) (with the small-table rule):
  // accept exactly the sizes a ratio within the bounds produces.
  const sizeFor = (r: number) => {
    try {
      return tableSize(items, r);
    } catch {
      return MAX_TABLE_CELLS; // a ratio whose table exceeds the maximum: no upper limit below it
    }
  };
  const ratioText = items === 0 ? 'n/a (no item)' : (table.size / items).toFixed(3);
  return (
    within('T', params.threshold, policy.threshold) ??
    within('s_max', params.sMax, policy.sMax) ??
    rateViolation(header, policy.syntheticRate) ??
    within('payload size', params.payloadSize, policy.payloadSize) ??
    (table.size >= sizeFor(policy.ratio.min) && table.size <= sizeFor(policy.ratio.max)
      ? null
      : `table of ${table.size} cells for ${items} items (ratio ${ratioText}) is outside what the policy's ratios [${policy.ratio.min}, ${policy.ratio.max}] give`)
  );
}

/**
 * Audit a database (SPEC §5 steps 1-4) against the auditing NGO's own policy. Never throws for
 * bad data (malformed bytes, forged contributions, a header outside the policy): the verdict says
 * why. A malformed `policy` is a programmer error ({@link ParameterError}, thrown).
 */
export function auditDatabase(
  pdata: Uint8Array,
  bundleBytes: Uint8Array,
  opts: AuditOptions,
): AuditVerdict {
  const owned = ownedOptions(opts);
  try {
    const pre = auditPrelude(pdata, bundleBytes, owned);
    if ('ok' in pre) return pre;
    // Step 2: layout, bases, cells, proof (bound to header, recomputed root and filler seed).
    const { suite, bundle, headerBytes, cells, header } = pre;
    const root = computeRoot(headerBytes, cells);
    const layout = layoutTable(
      bundle.items as Uint8Array[],
      header.table.nonces,
      header.table.size,
    );
    const B = cellBases(suite, bundle.items, layout, bundle.fillerSeed);
    const P: Element[] = new Array(cells.length);
    const codec = bulkCodec(suite);
    for (let j = 0; j < cells.length; j++) {
      try {
        P[j] = codec.decode(cells[j] as Uint8Array);
      } catch (e) {
        return fail('cell-decode', `cell ${j}: ${(e as Error).message}`);
      }
    }
    let proofOk: boolean;
    try {
      proofOk = verifyProof(
        suite,
        dleqConfig(suite, DLEQ_PURPOSE.audit),
        {
          A: suite.G,
          B: header.L,
          C: B,
          D: P,
          Dbytes: cells,
          binding: auditProofBinding(headerBytes, root, bundle.fillerSeed),
        },
        bundle.proof,
        bulkCodec(suite).msmVartime,
      );
    } catch (e) {
      if (e instanceof DecodeError) return fail('proof', `proof malformed: ${e.message}`);
      throw e;
    }
    return auditConclusion(pre, owned, root, layout, proofOk);
  } catch (e) {
    // Any typed failure not classified below (e.g. a layout the parameters make impossible) is
    // reported, never thrown: the contract is a verdict for every input.
    if (e instanceof QuorumPsiError) return fail('malformed', e.message);
    throw e;
  }
}

/**
 * {@link auditDatabase} with the recomputation and the proof's composites cut into chunks and
 * run on `opts.executor` (default: this thread, yielding between chunks; `quorum-psi/workers` for
 * a pool of Node worker threads), issue 15. The same verdict as {@link auditDatabase} (the same
 * object: for a failure, the same kind and reason), whatever the executor and chunk size. Steps
 * 1 and 4 run here; then four rounds of chunks:
 * 0. `positions` (progress phase `layout`): the items' cell positions; here, the peeling;
 * 1. `hash` (phase `hash`): every filler and placed item to the group, as raw points, while this
 *    thread computes the root; here, in reverse peeling order, `B_c = H(x) − B_a − B_b`
 *    (additions only, on limbs for ristretto255);
 * 2. `bases` (phase `encode`): the rebuilt bases encoded; here, the proof's seed;
 * 3. `composites` (phase `verify`): the cells decoded, the partial composites `Σ d_j·B_j` and
 *    `Σ d_j·P_j`; here, a cell that does not decode (the first), then the one proof checked from
 *    the sums ({@link verifyProofFromComposites}), then the root.
 */
export async function auditDatabaseAsync(
  pdata: Uint8Array,
  bundleBytes: Uint8Array,
  opts: AuditOptions & ParallelOptions,
): Promise<AuditVerdict> {
  const owned = ownedOptions(opts);
  try {
    const pre = auditPrelude(pdata, bundleBytes, owned);
    if ('ok' in pre) return pre;
    const { suite, bundle, headerBytes, cells, header } = pre;
    const Ne = suite.elementLength;
    const layout = await layoutTableAsync(
      bundle.items as Uint8Array[],
      header.table.nonces,
      header.table.size,
      opts,
    );
    // The bases are hashed on the executor while this thread computes the root.
    const hashing = cellBasesAsync(suite, bundle.items, layout, bundle.fillerSeed, opts);
    hashing.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    const root = computeRoot(headerBytes, cells);
    const B = await hashing;
    const ex = opts.executor ?? inThreadExecutor();
    const n = layout.size;
    const c = cellChunks(ex, n, opts);
    if (cells.length !== n)
      throw new RangeError('audit: the public data holds another number of cells than the table');
    // The cells as one run of bytes: splitPublicData's own copy of the public data (never the
    // caller's bytes, which could change while the chunks run).
    const cellBytes = new Uint8Array(
      headerBytes.buffer,
      headerBytes.byteOffset + headerBytes.length,
      n * Ne,
    );
    let nothingHeld = false;
    let verdict: AuditVerdict;
    try {
      const encoded = await encodeBases(c, suite, B, null, 'encode');
      const basesBytes = new Uint8Array(n * Ne);
      for (let i = 0; i < c.count; i++)
        basesBytes.set((encoded[i] as BasesResult).bases, c.range(i)[0] * Ne);
      const cfg = dleqConfig(suite, DLEQ_PURPOSE.audit);
      const L = header.L;
      const seed = compositeSeed(
        suite,
        cfg,
        suite.encode(L),
        elementViews(basesBytes, Ne),
        cells,
        auditProofBinding(headerBytes, root, bundle.fillerSeed),
      );
      const parts = await cellComposites(
        c,
        suite,
        basesBytes,
        cellBytes,
        { cfg, seed, withZ: true },
        'verify',
      );
      nothingHeld = true; // round 3 took every chunk's held points
      const bad = firstError(parts.map((r) => r.errors[1] ?? null));
      if (bad) return fail('cell-decode', `cell ${bad.index}: ${bad.message}`);
      let proofOk: boolean;
      try {
        proofOk = verifyProofFromComposites(
          suite,
          cfg,
          {
            A: suite.G,
            B: L,
            M: sumPartials(
              suite,
              parts.map((r) => r.M[0] ?? null),
            ),
            Z: sumPartials(
              suite,
              parts.map((r) => r.Z[0] ?? null),
            ),
          },
          bundle.proof,
        );
      } catch (e) {
        if (e instanceof DecodeError) return fail('proof', `proof malformed: ${e.message}`);
        throw e;
      }
      verdict = auditConclusion(pre, owned, root, layout, proofOk);
    } finally {
      // After a failure between the rounds, the threads drop the points they held.
      if (!nothingHeld) await releaseHeld(c);
    }
    return verdict;
  } catch (e) {
    if (e instanceof QuorumPsiError) return fail('malformed', e.message);
    throw e;
  }
}

/** `n` views of `Ne` bytes each into `bytes`. */
function elementViews(bytes: Uint8Array, Ne: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(bytes.length / Ne);
  for (let i = 0; i < out.length; i++) out[i] = bytes.subarray(i * Ne, (i + 1) * Ne);
  return out;
}

/**
 * The options copied, the policy checked: the bytes checked are the bytes used (the caller's
 * `qualifiedItems` runs mid-audit, so the claimed root and the policy are copied first; pdata
 * and the bundle are copied by their decoders). A Buffer's slice() would be a view.
 */
function ownedOptions(opts: AuditOptions): AuditOptions {
  checkAuditPolicy(opts.policy);
  const p = opts.policy;
  return {
    claimedRoot:
      opts.claimedRoot instanceof Uint8Array ? copyBytes(opts.claimedRoot) : opts.claimedRoot,
    qualifiedItems: opts.qualifiedItems,
    policy: {
      ...p,
      deploymentId: copyBytes(p.deploymentId),
      runId: copyBytes(p.runId),
      reviewerKeys: p.reviewerKeys.map(copyBytes),
    },
  };
}

/** What steps 1 and 4 leave for step 2: the decoded inputs and the contributions' claims. */
interface AuditState {
  readonly suite: Suite;
  readonly bundle: AuditBundle;
  readonly header: PublicHeader;
  readonly headerBytes: Uint8Array;
  readonly cells: Uint8Array[];
  readonly claimed: {
    readonly deploymentId: Uint8Array;
    readonly runId: Uint8Array;
    readonly rule: number;
  };
}

/** Decoding, step 1 (contributions, `X_int`) and step 4 (policy): a failure, or what step 2 needs. */
function auditPrelude(
  pdata: Uint8Array,
  bundleBytes: Uint8Array,
  opts: AuditOptions,
): AuditVerdict | AuditState {
  const { policy } = opts;
  let bundle: AuditBundle;
  let parts: ReturnType<typeof splitPublicData>;
  try {
    bundle = decodeAuditBundle(bundleBytes);
    parts = splitPublicData(pdata);
  } catch (e) {
    if (e instanceof QuorumPsiError) return fail('malformed', e.message);
    throw e;
  }
  const { header, headerBytes, cells } = parts;
  const suite = header.suite;
  if (bundle.suite !== suite) return fail('suite', 'bundle and public data name different suites');
  if (!(opts.claimedRoot instanceof Uint8Array) || opts.claimedRoot.length !== 32)
    return fail('root', 'the claimed root is not 32 bytes');
  // Step 1: contributions (deployment and run of the policy), then X_int.
  const claimed = {
    deploymentId: undefined as Uint8Array | undefined,
    runId: undefined as Uint8Array | undefined,
    rule: 0,
  };
  for (const [i, bytes] of bundle.contributions.entries()) {
    let c: ReturnType<typeof decodeNgoContribution>;
    try {
      c = decodeNgoContribution(bytes);
    } catch (e) {
      if (e instanceof QuorumPsiError)
        return fail('contributions', `contribution ${i}: ${e.message}`);
      throw e;
    }
    if (!equalBytes(c.deploymentId, policy.deploymentId))
      return fail('contributions', `contribution ${i} belongs to another deployment`);
    if (!equalBytes(c.runId, policy.runId))
      return fail(
        'contributions',
        `contribution ${i} belongs to another quorum run (not the run this NGO took part in)`,
      );
    if (c.suite !== suite) return fail('contributions', `contribution ${i} names another suite`);
    if (c.itemWidth !== header.table.itemWidth)
      return fail(
        'contributions',
        `contribution ${i}: item width ${c.itemWidth}, the header says ${header.table.itemWidth}`,
      );
    if (claimed.rule !== 0 && c.m !== claimed.rule)
      return fail('contributions', `contributions disagree on the rule m`);
    claimed.deploymentId = c.deploymentId;
    claimed.runId = c.runId;
    claimed.rule = c.m;
  }
  if (claimed.rule === 0) return fail('contributions', 'the bundle holds no contribution');
  let qualified: Uint8Array[];
  try {
    qualified = canonicalItems(opts.qualifiedItems(bundle.contributions));
  } catch (e) {
    if (e instanceof QuorumPsiError) return fail('contributions', e.message);
    throw e;
  }
  if (
    qualified.length !== bundle.items.length ||
    qualified.some((x, i) => !equalBytes(x, bundle.items[i] as Uint8Array))
  ) {
    // Counted through hash sets: linear, as every audit step must be for a million items.
    const inQualified = new Set(qualified.map(bytesToHex));
    const inBundle = new Set(bundle.items.map(bytesToHex));
    const extra = [...inBundle].filter((x) => !inQualified.has(x)).length;
    const missing = [...inQualified].filter((y) => !inBundle.has(y)).length;
    return fail(
      'items',
      `X_int differs from the quorum-backed set: ${extra} item(s) not backed by m jurisdictions, ${missing} missing`,
    );
  }
  if (bundle.items.some((x) => x.length !== header.table.itemWidth))
    return fail('items', `an item of X_int is not ${header.table.itemWidth} bytes wide`);

  // Step 4 first (cheap, and what a platform naming its own reviewer key must hit): the header
  // against the NGO's own policy, and the proposed version against the last one signed.
  const violation = policyViolation(header, bundle.items.length, policy);
  if (violation !== null) return fail('policy', violation);
  // The cell-hash nonces must be the ones the quorum run fixes: a builder choosing them could
  // grind them until chosen items share their three cells and drop.
  const runNonces = cellNoncesForRun(policy.runId);
  if (!runNonces.every((n, j) => equalBytes(n, header.table.nonces[j] as Uint8Array))) {
    return fail(
      'policy',
      'the cell-hash nonces are not the ones derived from the quorum run id (a builder choosing them could make chosen items drop)',
    );
  }
  if (bundle.version <= policy.lastSignedVersion) {
    return fail(
      'policy',
      `database version ${bundle.version} is not above version ${policy.lastSignedVersion}, the last this NGO signed (rollback)`,
    );
  }

  return {
    suite,
    bundle,
    header,
    headerBytes,
    cells,
    claimed: {
      deploymentId: claimed.deploymentId as Uint8Array,
      runId: claimed.runId as Uint8Array,
      rule: claimed.rule,
    },
  };
}

/** After step 2: the proof's verdict, then step 3 (root, database id) and the ok verdict. */
function auditConclusion(
  pre: AuditState,
  opts: AuditOptions,
  root: Uint8Array,
  layout: TableLayout,
  proofOk: boolean,
): AuditVerdict {
  const { bundle, cells, headerBytes, claimed } = pre;
  if (!proofOk) {
    return fail(
      'proof',
      'the cells are not α·B_j for the bases rebuilt from X_int, the nonces and the filler seed',
    );
  }

  // Step 3: root.
  if (!equalBytes(root, opts.claimedRoot))
    return fail('root', 'recomputed root differs from the claimed root');
  const id = databaseId(root);
  if (!equalBytes(id, bundle.databaseId))
    return fail('database-id', 'bundle names another database id');
  return {
    ok: true,
    root,
    databaseId: id,
    itemsDigest: itemsDigest(bundle.items),
    cells: cells.length,
    dropped: layout.dropped.length,
    deploymentId: claimed.deploymentId.slice(),
    runId: claimed.runId.slice(),
    rule: claimed.rule,
    version: bundle.version,
    pdataHeader: copyBytes(headerBytes),
  };
}

/**
 * The manifest body an auditor signs after an `ok` verdict (SPEC v2 §5 step 5): every field —
 * deployment id, run id, database version, rule, root, header, `X_int` digest — comes from what
 * the audit checked, never from the builder's word alone. `pdata` must be the public data that
 * was audited: a different header is a {@link ParameterError} (`audit.verdict`), so an NGO can
 * never be led to sign a header it did not audit.
 */
export function manifestBodyFor(
  pdata: Uint8Array,
  verdict: Extract<AuditVerdict, { ok: true }>,
  validity: { notBefore: number; notAfter: number },
): ManifestBody {
  const { header, length } = decodeHeader(pdata);
  const headerBytes = verdict.pdataHeader;
  if (length !== headerBytes.length || !equalBytes(pdata.subarray(0, length), headerBytes)) {
    throw new ParameterError(
      'audit.verdict',
      'manifestBodyFor: the public data is not the one this verdict is for',
    );
  }
  return {
    suite: header.suite,
    deploymentId: copyBytes(verdict.deploymentId),
    runId: copyBytes(verdict.runId),
    version: verdict.version,
    databaseId: copyBytes(verdict.databaseId),
    root: copyBytes(verdict.root),
    pdataHeader: Uint8Array.from(headerBytes),
    itemsDigest: copyBytes(verdict.itemsDigest),
    rule: verdict.rule,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
  };
}
