/**
 * Audit bundle and NGO audit of a database (SPEC §4 step 5, §5 steps 1-3).
 *
 * The builder hands the NGOs an audit bundle: `X_int`, the signed contributions, the filler
 * seed and one batched DLEQ proof that `(G, L)` and every `(B_j, P_j)` share `α` (the nonces
 * and cells are in the public data). An auditing NGO, given the public data and the root the
 * builder claims:
 * 1. checks every contribution's signature and that `X_int` is exactly the set of items backed
 *    by ≥ `m` distinct jurisdictions;
 * 2. rebuilds the cuckoo layout from `X_int` and the nonces, recomputes every `B_j`, decodes
 *    every cell and verifies the batched DLEQ proof against `L`;
 * 3. recomputes the root byte for byte and compares it with the claimed root.
 * The verdict says which check failed. Only an `ok` verdict should be followed by signing the
 * manifest ({@link manifestBodyFor}).
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { type BuiltDatabase, canonicalItems, cellBases } from './builder.js';
import {
  DB_ID_LENGTH,
  DLEQ_PURPOSE,
  FILLER_SEED_LENGTH,
  KIND,
  MAX_ITEM_LENGTH,
  MAX_TABLE_CELLS,
} from './constants.js';
import { layoutCuckoo } from './cuckoo.js';
import { dleqConfig, verifyProof } from './dleq.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError, QuorumPsiError } from './errors.js';
import type { Element, Suite } from './group.js';
import type { ManifestBody } from './manifest.js';
import { computeRoot, databaseId, splitPublicData } from './pdata.js';
import { bytesToHex, compareBytes, concatBytes, equalBytes, i2osp } from './utils.js';

/** Decoded audit bundle. */
export interface AuditBundle {
  readonly suite: Suite;
  readonly databaseId: Uint8Array;
  readonly fillerSeed: Uint8Array;
  /** `X_int` in canonical order. */
  readonly items: readonly Uint8Array[];
  readonly proof: Uint8Array;
  /** Signed NGO contributions (encoded; src/ngo.ts). */
  readonly contributions: readonly Uint8Array[];
}

/**
 * `header(kind 0x06, suite) ‖ database id (16) ‖ filler seed (32) ‖ u32 |X_int| ‖ (u8 len ‖ item)*
 * ‖ proof (2·Ns) ‖ u32 #contributions ‖ (u32 len ‖ contribution)*`.
 */
export function encodeAuditBundle(db: BuiltDatabase): Uint8Array {
  const w = new Writer()
    .header(KIND.auditBundle, db.suite)
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
    return { suite, databaseId: id, fillerSeed, items, proof, contributions };
  });
}

/** SHA-256 digest of the canonical `X_int`: `u32 count ‖ (u8 len ‖ item)*` (bound in the manifest). */
export function itemsDigest(items: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [i2osp(items.length, 4)];
  for (const x of items) parts.push(Uint8Array.of(x.length), x);
  return sha256(concatBytes(...parts));
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
  | 'root';

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
    }
  | { readonly ok: false; readonly failure: AuditFailure; readonly reason: string };

/** Options of {@link auditDatabase}. */
export interface AuditOptions {
  /** The root the builder claims (it goes into the manifest). */
  claimedRoot: Uint8Array;
  /**
   * Step 1: verify the contributions and return the set of items backed by ≥ m distinct
   * jurisdictions (src/ngo.ts `contributionCheck` builds this from the trust list and `m`).
   * Throws a {@link QuorumPsiError} naming a forged or missing contribution.
   */
  qualifiedItems: (contributions: readonly Uint8Array[]) => readonly Uint8Array[];
}

const fail = (failure: AuditFailure, reason: string): AuditVerdict => ({
  ok: false,
  failure,
  reason,
});

/** Audit a database (SPEC §5 steps 1-3). Never throws for bad data: the verdict says why. */
export function auditDatabase(
  pdata: Uint8Array,
  bundleBytes: Uint8Array,
  opts: AuditOptions,
): AuditVerdict {
  let bundle: AuditBundle;
  let parts: ReturnType<typeof splitPublicData>;
  try {
    bundle = decodeAuditBundle(bundleBytes);
    parts = splitPublicData(pdata);
  } catch (e) {
    return fail('malformed', (e as Error).message);
  }
  const { header, headerBytes, cells } = parts;
  const suite = header.suite;
  if (bundle.suite !== suite) return fail('suite', 'bundle and public data name different suites');

  // Step 1: contributions and X_int.
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

  // Step 2: layout, bases, cells, proof.
  const { cells: layout, dropped } = layoutCuckoo(
    bundle.items as Uint8Array[],
    header.table.nonces,
    header.table.size,
  );
  const B = cellBases(suite, bundle.items, layout, bundle.fillerSeed);
  const P: Element[] = new Array(cells.length);
  for (let j = 0; j < cells.length; j++) {
    try {
      P[j] = suite.decode(cells[j] as Uint8Array);
    } catch (e) {
      return fail('cell-decode', `cell ${j}: ${(e as Error).message}`);
    }
  }
  let proofOk: boolean;
  try {
    proofOk = verifyProof(
      suite,
      dleqConfig(suite, DLEQ_PURPOSE.audit),
      { A: suite.G, B: header.L, C: B, D: P, Dbytes: cells },
      bundle.proof,
    );
  } catch (e) {
    if (e instanceof DecodeError) return fail('proof', `proof malformed: ${e.message}`);
    throw e;
  }
  if (!proofOk) {
    return fail(
      'proof',
      'the cells are not α·B_j for the bases rebuilt from X_int, the nonces and the filler seed',
    );
  }

  // Step 3: root.
  const root = computeRoot(headerBytes, cells);
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
    dropped: dropped.length,
  };
}

/** The manifest body an auditor signs after an `ok` verdict. */
export function manifestBodyFor(
  pdata: Uint8Array,
  verdict: Extract<AuditVerdict, { ok: true }>,
  rule: number,
  validity: { notBefore: number; notAfter: number },
): ManifestBody {
  const { header, headerBytes } = splitPublicData(pdata);
  return {
    suite: header.suite,
    databaseId: verdict.databaseId,
    root: verdict.root,
    pdataHeader: headerBytes.slice(),
    itemsDigest: verdict.itemsDigest,
    rule,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
  };
}
