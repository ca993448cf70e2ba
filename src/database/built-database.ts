/**
 * What a database build hands on (SPEC §4 steps 4-5): the {@link BuiltDatabase} the platform
 * keeps (public data, root, `α` for the server) and the {@link AuditMaterial} the NGOs audit,
 * with the binding of the audit proof that the builder proves and every auditor verifies.
 *
 * The builder produces these; the server takes its secret from a {@link BuiltDatabase} and the
 * audit bundle is encoded from one, so the shapes live here, below all three.
 * @module
 */
import type { Suite } from '../core/group.js';
import { concatBytes, lengthPrefixed } from '../core/utils.js';

/** Everything the builder produces. */
export interface BuiltDatabase {
  readonly suite: Suite;
  /** `pdata`: what clients download. */
  readonly publicData: Uint8Array;
  /** Merkle root of `pdata`. */
  readonly root: Uint8Array;
  /** Leading 16 bytes of the root. */
  readonly databaseId: Uint8Array;
  /** The server's secret `α` (keep it in the server: `ServerDatabase.fromBuild`, voucher/). */
  readonly alpha: bigint;
  /** The canonical item list `X_int` (sorted, deduplicated). */
  readonly items: readonly Uint8Array[];
  /** Items that could not be placed in the table (reported, SPEC §4 step 2). */
  readonly dropped: readonly Uint8Array[];
  /** Audit material for the NGOs (SPEC §4 step 5). */
  readonly audit: AuditMaterial;
}

/** Audit material (SPEC §4 step 5); encoded as an audit bundle by database/audit.ts. */
export interface AuditMaterial {
  readonly items: readonly Uint8Array[];
  readonly nonces: readonly [Uint8Array, Uint8Array, Uint8Array];
  readonly fillerSeed: Uint8Array;
  readonly contributions: readonly Uint8Array[];
  /** Batched DLEQ proof: `(G, L)` and `(B_j, P_j)` for all cells share `α`. */
  readonly proof: Uint8Array;
}

/**
 * The binding context of the audit proof (SPEC v2 §2.1: "for the audit the database header,
 * root, filler seed and nonces"): `u16 len ‖ header ‖ root (32) ‖ filler seed (32)`. The header
 * holds `L`, every voucher parameter, `n'`, the item width and the three nonces.
 */
export function auditProofBinding(
  headerBytes: Uint8Array,
  root: Uint8Array,
  fillerSeed: Uint8Array,
): Uint8Array {
  return concatBytes(lengthPrefixed(headerBytes), root, fillerSeed);
}
