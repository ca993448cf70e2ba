/**
 * Every domain-separation label, version byte and size limit used by quorum-psi, in one place
 * (SPEC §2: DSTs are bound to the suite; STYLE: "All domain-separation strings, version bytes and
 * size limits live in one constants file").
 *
 * DST scheme: `quorum-psi-v1-<suite>-<purpose>` where `<suite>` is the short suite name
 * (`ristretto255` or `p256`). See docs/decisions.md ("DST scheme").
 * @module constants
 */

/**
 * Wire-format version carried in every encoded object (byte 3 of the common header). Version 2
 * was SPEC v2's safeguard formats (manifest bound to deployment, run and version;
 * integrity-checked states; item width and reviewer keys required in the public data). Version 3
 * is SPEC v2's single-point table: three cell-hash nonces in the public data and one slot per
 * voucher; objects of version 2 are refused, because a two-slot voucher or a two-nonce table
 * cannot be read as the new ones. The DSTs keep the `v1` prefix that SPEC §2 names: the
 * hash-to-group and proof domains did not change meaning.
 */
export const PROTOCOL_VERSION = 3;

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
  /** An NGO's opening proves its stage-0 list is `k_i·H_M(x)` of its committed items (SPEC v2 §3). */
  ngoOpening: 'dleq-ngo-opening',
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
 * Precomputation window for the fixed-base tables of long-lived public points such as `L`
 * (noble `precompute(W)`; the table holds `⌈256/W⌉ · 2^(W-1)` points). `G` keeps noble's own
 * table (window 6 for `Point.BASE`). Measured in docs/decisions.md "Precomputation windows".
 */
export const FIXED_BASE_WINDOW = 8;

/**
 * Batch size at and above which variable-time MSM uses the suite's bucket method
 * (src/core/msm25519.ts for ristretto255, src/core/msm-p256.ts for P-256) instead of noble's
 * `mulAddUnsafe`. Both bucket methods are faster than `mulAddUnsafe` from two points on
 * (measured: docs/decisions.md "Bucket MSMs"); a single point is one `multiplyUnsafe`.
 */
export const MSM_BUCKET_THRESHOLD: Readonly<Record<SuiteShortName, number>> = Object.freeze({
  ristretto255: 2,
  p256: 2,
});

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
  /** A secret encrypted under a passphrase (src/core/locked-secret.ts). */
  lockedSecret: 0x08,
  /** Inner kinds of locked secrets: a raw 32-byte Ed25519 signing secret key… */
  signingSecretKey: 0x09,
  /** …and a raw 32-byte X25519 reviewer secret key. */
  reviewerSecretKey: 0x0a,
  /** An NGO's quorum party between protocol steps (`NgoParty.toBytes`; holds `k_i`: lock it). */
  ngoPartyState: 0x0b,
  /** An NGO before its run starts (CLI `ngo init`: roster, key, list, own run nonce). */
  ngoSetupState: 0x0c,
  /** An auditing NGO's record of the database versions it signed (CLI `audit`). */
  auditorState: 0x0d,
  ngoCommitment: 0x10,
  ngoMaskedList: 0x11,
  ngoBulletin: 0x12,
  ngoContribution: 0x13,
  /** An NGO's signed run nonce (SPEC v2 §3 step 0). */
  ngoRunNonce: 0x14,
  /** An NGO's accountable opening of its run, for an arbiter (SPEC v2 §3). */
  ngoOpening: 0x15,
} as const);

/** What each object kind is, in words (for error messages: a person reads them). */
export const KIND_NAME: Readonly<Record<number, string>> = Object.freeze({
  [KIND.publicData]: 'public data',
  [KIND.voucher]: 'a voucher',
  [KIND.accountState]: 'a client account state',
  [KIND.serverAccountState]: 'a server account state',
  [KIND.serverDatabaseSecret]: 'a server database secret',
  [KIND.auditBundle]: 'an audit bundle',
  [KIND.manifest]: 'a manifest',
  [KIND.lockedSecret]: 'a locked secret',
  [KIND.signingSecretKey]: 'a signing secret key',
  [KIND.reviewerSecretKey]: 'a reviewer secret key',
  [KIND.ngoPartyState]: 'an NGO party state',
  [KIND.ngoSetupState]: 'an NGO set-up state',
  [KIND.auditorState]: 'an auditor state',
  [KIND.ngoCommitment]: 'an NGO commitment',
  [KIND.ngoMaskedList]: 'an NGO masked list',
  [KIND.ngoBulletin]: 'an NGO bulletin board',
  [KIND.ngoContribution]: 'an NGO contribution',
  [KIND.ngoRunNonce]: 'an NGO run nonce',
  [KIND.ngoOpening]: 'an NGO opening',
});

// ── Symmetric layer labels (src/core/symmetric.ts; docs/protocol.md "Key derivation") ────────────

/** Prefix of every KDF/PRF label. */
export const SYM_LABEL_PREFIX = 'quorum-psi-v1-';

/** KDF and PRF labels (each output of the protocol has its own). */
export const LABEL = Object.freeze({
  /** Account secrets from the account seed (SPEC §6 "Account state"). */
  accountAdkey: 'account-adkey',
  accountShamir: 'account-shamir',
  accountFkey: 'account-fkey',
  accountDhf: 'account-dhf',
  /** Per-voucher PRF outputs from `fkey` and `id` (SPEC §6 step 2). */
  prfShareX: 'prf-share-x',
  prfDummyZ: 'prf-dummy-z',
  prfDhfX: 'prf-dhf-x',
  prfDummyR: 'prf-dummy-r',
  prfSynthetic: 'prf-synthetic',
  /** AEAD key for `adct` from `adkey` (SPEC §6 step 1). */
  adKey: 'ad-key',
  /** Slot key from `S_j` (SPEC §6 step 4). */
  slotKey: 'slot-key',
  /** AAD of `rct` and `adct`. */
  rctAad: 'rct',
  adctAad: 'adct',
  /** Filler seed expansion `H_F(seed, j)` input. */
  filler: 'filler',
} as const);

// ── Database, voucher and account limits (docs/wire-format.md) ──────────────────────────────

/** Length of the database id (leading bytes of the Merkle root, SPEC §4 step 4). */
export const DB_ID_LENGTH = 16;
/** Length of each cell-hash nonce (SPEC §4 step 1: 128-bit nonces). */
export const NONCE_LENGTH = 16;
/** Length of the filler seed (SPEC §4 step 1). */
export const FILLER_SEED_LENGTH = 32;
/** Length of an X25519 reviewer public key. */
export const REVIEWER_KEY_LENGTH = 32;
/** Largest supported threshold `T`. */
export const MAX_THRESHOLD = 1024;
/** Largest supported synthetic cap / DHF width `s_max` (PRF output for `r'` stays ≤ 8160 bytes). */
export const MAX_S_MAX = 500;
/** Largest payload (bytes, before padding). */
export const MAX_PAYLOAD_SIZE = 65_535 - 2;
/** Most reviewer keys a database may name. */
export const MAX_REVIEWERS = 16;
/** Largest table (cells). */
export const MAX_TABLE_CELLS = 1 << 26;
/** Voucher identifiers: 1 to 64 bytes. */
export const MAX_ID_LENGTH = 64;
/**
 * Default table ratio `n' / |X_int|` of the single-point table (SPEC v2 §4): just above the
 * peeling threshold of random 3-uniform hypergraphs (≈ 1.2218); `tableSize` adds the
 * finite-size margin `TABLE_SQRT_SLACK·⌊√n⌋ + SMALL_TABLE_SLACK`. Chosen from the drop rates
 * measured in docs/decisions.md "Single-point table".
 */
export const DEFAULT_TABLE_RATIO = 1.23;
/** Account seed length. */
export const ACCOUNT_SEED_LENGTH = 32;
/** Largest number of candidate tuples / non-matching ids a server account state may hold. */
export const MAX_ACCOUNT_ENTRIES = 1 << 22;
/** Items (hashes) are 1 to 64 bytes. */
export const MAX_ITEM_LENGTH = 64;

// ── Single-point table, Merkle hashing and parameter helper (src/database/table.ts,
//    src/database/merkle.ts, src/threshold/params.ts; docs/protocol.md "Single-point table",
//    docs/decisions.md "Single-point table") ─────────────────────────────────────────────────

/** Label of the cell hash `h_j(y, M)` (SPEC §4 step 1); the nonce separates `h1`, `h2`, `h3` and databases. */
export const CELL_HASH_LABEL = 'quorum-psi-v1-cell-hash';
/** Label of the cell-hash nonces derived from a quorum run id (src/database/table.ts). */
export const CELL_NONCE_LABEL = 'quorum-psi-v1-cell-nonce';
/** Smallest table: three cells, so every item has three distinct positions. */
export const MIN_TABLE_CELLS = 3;
/**
 * Finite-size margin of the single-point table (SPEC v2 §4), part of the layout rule:
 * `n' = ⌈ratio·n⌉ + TABLE_SQRT_SLACK·⌊√n⌋ + SMALL_TABLE_SLACK`. Near the threshold a random
 * table of `n` items keeps a 2-core with a probability that falls with `√n·(ratio − 1.2218)`,
 * so small tables need relatively more room; measured in docs/decisions.md "Single-point table".
 */
export const TABLE_SQRT_SLACK = 4;
/** The constant term of the finite-size margin (see {@link TABLE_SQRT_SLACK}). */
export const SMALL_TABLE_SLACK = 32;
/**
 * Smallest table ratio `n' / |X_int|` the builder accepts (below 1 items are dropped by
 * pigeonhole). Ratios below the peeling threshold (≈ 1.2218) drop a large share of the items:
 * useful only to test drops; an audit policy cannot allow them ({@link MIN_POLICY_TABLE_RATIO}).
 */
export const MIN_TABLE_RATIO = 1;
/**
 * Smallest `ratio.min` an NGO's audit policy may set: the default ratio, above the peeling
 * threshold, so that no policy admits a table that drops a large share of `X_int`.
 */
export const MIN_POLICY_TABLE_RATIO = DEFAULT_TABLE_RATIO;
/** Largest accepted table ratio. */
export const MAX_TABLE_RATIO = 16;
/** Largest Poisson mean accepted by the threshold helper (SPEC §8). */
export const MAX_POISSON_LAMBDA = 1e9;

// ---------------------------------------------------------------------------------------------
// Prime fields, secret sharing and the detectable hash function (src/core/field.ts,
// src/threshold/shamir.ts, src/threshold/feldman.ts, src/threshold/dhf.ts; SPEC §2, §6, §7).
// See docs/decisions.md "Fields, Shamir and DHF".
// ---------------------------------------------------------------------------------------------

/** The detectable-hash field modulus `ℓ = 2^64 − 59` (SPEC §6), the largest 64-bit prime. */
export const DHF_MODULUS: bigint = (1n << 64n) - 59n;

/**
 * Bytes taken beyond a field's canonical length before reducing uniform bytes into the field:
 * `len(p) + 8` bytes give a statistical distance from uniform of at most `p / 2^(8·len(p)+64)
 * ≤ 2^-64` (SPEC §2: "outputs reduced into a field with bias ≤ 2^-64").
 */
export const FIELD_REDUCE_EXTRA_BYTES = 8;

/** HKDF-Extract salt for every seed-derived field element (polynomial and DHF coefficients). */
export const SEED_KDF_SALT = 'quorum-psi-v1-seed-derive';

/** HKDF-Expand `info` purposes for seed-derived field elements; each is length-prefixed in `info`. */
export const SEED_KDF_PURPOSE = Object.freeze({
  /** Coefficients `a_0..a_{T-1}` of a Shamir polynomial (SPEC §6: `f`, `f(0) = adkey`). */
  shamirPolynomial: 'shamir-polynomial',
  /** Pseudorandom non-zero, distinct Shamir x-coordinates for `split` with a seed and a count. */
  shamirX: 'shamir-x',
  /** Coefficients of the DHF polynomials `p_1..p_s` (SPEC §6: the detectable-hash key). */
  dhfKey: 'dhf-key',
} as const);

/** Minimum length of a seed from which polynomials and DHF keys are derived (bytes). */
export const SEED_MIN_BYTES = 32;

/** Largest Shamir threshold `T` (polynomial degree `T − 1`) accepted by split, combine and Feldman. */
export const SHAMIR_MAX_THRESHOLD = 4096;

/** Largest number of shares `split` will produce in one call. */
export const SHAMIR_MAX_SHARES = 1 << 20;

/** Largest DHF threshold `T` (polynomials of degree ≤ `T − 2`). */
export const DHF_MAX_T = 4096;

/** Largest DHF width `s` (number of polynomials, also `s_max`). */
export const DHF_MAX_S = 4096;

/**
 * Detection tries at most this many kernel vectors (each costs one elimination) before reporting
 * `excess`. Bounds the work a malicious client can force with crafted dependent columns.
 */
export const DHF_DETECT_MAX_ATTEMPTS = 16;

// ── Reviewer sealing, statement signatures, NGO quorum (src/core/seal.ts, src/core/sign.ts,
//    src/quorum/; docs/wire-format.md "Sealed payload", "Signed statements", "NGO quorum
//    messages") ───────────────────────────────────────────────────────────────────────────────

/**
 * Version byte at the start of a sealed reviewer payload. 2: sealed under a `PayloadBinding`
 * (database id, voucher id, context; SPEC v2 §6); version 1 bound only a free-form `info` and
 * is refused.
 */
export const SEAL_VERSION = 2;
/** Largest application context of a payload binding (e.g. an account identifier), bytes. */
export const SEAL_MAX_CONTEXT_BYTES = 64;
/** Largest plaintext a payload may seal (bytes). */
export const SEAL_MAX_PLAINTEXT_BYTES = 1 << 24;
/** HPKE `info` prefix of the per-reviewer key wrap; the encoded payload binding follows. */
export const SEAL_HPKE_INFO_LABEL = 'quorum-psi-v1-seal-dek';
/** AAD prefix of the payload body AEAD; the encoded payload binding, header and wraps follow. */
export const SEAL_BODY_AAD_LABEL = 'quorum-psi-v1-seal-body';

/** Prefix of every signed statement: `"quorum-psi-v1-sig-" ‖ label ‖ 0x00 ‖ body`. */
export const SIG_PREFIX = 'quorum-psi-v1-sig-';
/** Signature statement labels (ASCII `[a-z0-9-]`, never containing 0x00). */
export const SIG_LABEL = Object.freeze({
  /** NGO commitment to its list and masking key (SPEC §3 step 1). */
  ngoCommitment: 'ngo-commitment',
  /** One stage of a masked list in the ring (SPEC §3 steps 2-3). */
  ngoStage: 'ngo-stage',
  /** NGO contribution `Q_i` to the builder (SPEC §3 step 6). */
  ngoContribution: 'ngo-contribution',
  /** NGO run nonce (SPEC v2 §3 step 0). */
  ngoRunNonce: 'ngo-run-nonce',
  /** Database manifest co-signature (SPEC §5 step 4). */
  manifest: 'manifest',
} as const);

/** Most NGO parties (jurisdictions) in one quorum. */
export const NGO_MAX_PARTIES = 64;
/** Most items in one NGO list (2^24). */
export const NGO_MAX_LIST_SIZE = 1 << 24;
/** Widest item in an NGO list (bytes). */
export const NGO_MAX_ITEM_BYTES = 64;
/** Longest deployment id (bytes). */
export const NGO_MAX_DEPLOYMENT_ID_BYTES = 64;
/** Longest jurisdiction label (UTF-8 bytes). */
export const NGO_MAX_JURISDICTION_BYTES = 64;
/** Hash labels of the NGO quorum digests (SHA-256 over `label ‖ 0x00 ‖ …`). */
export const NGO_DIGEST_LABEL = Object.freeze({
  /** The roster: suite, deployment id, m, item width, members (signed into run nonces). */
  roster: 'quorum-psi-v1-ngo-roster',
  /** The run id: roster digest and every member's run nonce in roster order (SPEC v2 §3 step 0). */
  runId: 'quorum-psi-v1-ngo-run',
  /** The session digest `σ`: roster digest and run id. */
  session: 'quorum-psi-v1-ngo-session',
  /** The salted commitment to a sorted list `X_i` (SPEC §3 step 1). */
  listCommitment: 'quorum-psi-v1-ngo-list',
  /** A list of group-element encodings at one ring stage. */
  maskedList: 'quorum-psi-v1-ngo-masked-list',
  /** The sorted contribution `Q_i` (SPEC §3 step 6). */
  contribution: 'quorum-psi-v1-ngo-contribution',
} as const);
/** Length of a quorum run id (SPEC v2 §3 step 0: a SHA-256 digest of every NGO's run nonce). */
export const RUN_ID_LENGTH = 32;
/** Length of the random salt of an NGO list commitment. */
export const NGO_COMMITMENT_SALT_BYTES = 32;
/** Length of an NGO run nonce (SPEC v2 §3 step 0; the run id is {@link RUN_ID_LENGTH} bytes). */
export const NGO_RUN_NONCE_BYTES = 32;

// ── Stored-state integrity (src/voucher/client.ts, src/voucher/server.ts; SPEC v2 §6, §7;
//    docs/wire-format.md "Integrity checksum") ──────────────────────────────────────────────

/** Length of the SHA-256 checksum that ends every stored state. */
export const STATE_CHECKSUM_LENGTH = 32;
/**
 * Domain labels of the stored-state checksums, `SHA-256(label ‖ 0x00 ‖ body)`: one per kind of
 * state, so the checksum of one kind never verifies as another.
 */
export const STATE_CHECKSUM_LABEL = Object.freeze({
  /** Client account state (kind 0x03). */
  clientAccount: 'quorum-psi-v1-state-client-account',
  /** Server account state (kind 0x04). */
  serverAccount: 'quorum-psi-v1-state-server-account',
  /** Server database secret (kind 0x05). */
  serverDatabase: 'quorum-psi-v1-state-server-database',
} as const);

/**
 * Checksum labels of the quorum's and the auditor's stored states, apart from
 * {@link STATE_CHECKSUM_LABEL} so that a client bundle, which never reads them, does not carry
 * them.
 */
export const NGO_PARTY_STATE_LABEL = 'quorum-psi-v1-state-ngo-party';
export const NGO_SETUP_STATE_LABEL = 'quorum-psi-v1-state-ngo-setup';
export const AUDITOR_STATE_LABEL = 'quorum-psi-v1-state-auditor';
