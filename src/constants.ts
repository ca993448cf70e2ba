/**
 * Every domain-separation label, version byte and size limit used by quorum-psi, in one place
 * (SPEC §2: DSTs are bound to the suite; STYLE: "All domain-separation strings, version bytes and
 * size limits live in one constants file").
 *
 * DST scheme: `quorum-psi-v1-<suite>-<purpose>` where `<suite>` is the short suite name
 * (`ristretto255` or `p256`). See docs/decisions.md ("DST scheme").
 * @module
 */

/** Protocol version carried in every DST and every encoded object. */
export const PROTOCOL_VERSION = 1;

/** Prefix of every domain-separation tag. */
export const DST_PREFIX = 'quorum-psi-v1-';

/** Short suite names as they appear in DSTs. */
export type SuiteShortName = 'ristretto255' | 'p256';

/** Purposes of hash-to-group and hash-to-scalar DSTs (SPEC §2). */
export const DST_PURPOSE = Object.freeze({
  /** `H(x)`: an item to a group element (SPEC §2). */
  item: 'item',
  /** `H_F(seed, j)`: a filler cell's base element (SPEC §2, §4 step 3). */
  filler: 'filler',
  /** `H_M(x)`: an item in the NGO masking ring (SPEC §2, §3). */
  ngoMask: 'ngo-mask',
} as const);

/** Purposes of DLEQ proof contexts (SPEC §2.1: "the context string is this library's, per suite and purpose"). */
export const DLEQ_PURPOSE = Object.freeze({
  /** Builder proves `(G, L)` and `(B_j, P_j)` share `α` (SPEC §4 step 5). */
  audit: 'dleq-audit',
  /** An NGO ring hop proves it multiplied every element by its key (SPEC §3 step 3). */
  ngoHop: 'dleq-ngo-hop',
  /** Generic purpose for tests and callers that bring their own statements. */
  generic: 'dleq-generic',
} as const);

/** Build the DST `quorum-psi-v1-<suite>-<purpose>` as bytes. */
export function dst(suite: SuiteShortName, purpose: string): Uint8Array {
  return new TextEncoder().encode(`${DST_PREFIX}${suite}-${purpose}`);
}

/** Width in bytes of the composite index in this library's DLEQ transcripts (SPEC §2.1). */
export const DLEQ_INDEX_BYTES = 8;
/** Width in bytes of the composite index in RFC 9497 §2.2.1. */
export const RFC9497_INDEX_BYTES = 2;

/**
 * Precomputation window for fixed-base multiplication tables (noble `precompute(W)`):
 * the table for one point holds `⌈256/W⌉ · 2^(W-1)` points. W = 8 is noble's default for `G`;
 * measured in bench/ (see docs/decisions.md "Precomputation windows").
 */
export const FIXED_BASE_WINDOW = 8;

/**
 * Batch size at and above which variable-time MSM switches from noble's `mulAddUnsafe`
 * (shared doubling chain, fastest for small batches) to `pippenger` (bucket method).
 * Measured in bench/ (see docs/decisions.md "MSM").
 */
export const MSM_PIPPENGER_THRESHOLD = 512;

// ── Wire format (docs/wire-format.md) ───────────────────────────────────────────────────────

/** Magic bytes at the start of every encoded object: ASCII "QP". */
export const MAGIC: Uint8Array = Uint8Array.of(0x51, 0x50);

/** Object kinds (byte 2 of every header). */
export const KIND = Object.freeze({
  publicData: 0x01,
  voucher: 0x02,
  accountState: 0x03,
  serverAccountState: 0x04,
  serverDatabaseSecret: 0x05,
  auditBundle: 0x06,
  manifest: 0x07,
  ngoCommitment: 0x10,
  ngoMaskedList: 0x11,
  ngoBulletin: 0x12,
  ngoContribution: 0x13,
} as const);
