/**
 * The layout lengths of a sealed payload (docs/wire-format.md "Sealed payload"; src/core/seal.ts):
 * `version (1) ‖ count (1) ‖ count × (enc (32) ‖ wrappedDek (48)) ‖ body (len + 16)`.
 *
 * Arithmetic only, apart from the sealing code: the voucher format (and so the server, which
 * checks voucher lengths but never seals nor opens a payload) needs {@link sealedLength}, and a
 * server bundle must not carry HPKE, X25519 and the reviewer seal (docs/decisions.md "Suites as
 * separate modules; bundle budgets"). src/core/seal.ts takes its lengths from here.
 * @module
 */
import { MAX_REVIEWERS, SEAL_MAX_PLAINTEXT_BYTES } from './constants.js';
import { checkInt } from './utils.js';

/** The data-encryption key wrapped to every reviewer. */
export const SEAL_DEK_LENGTH = 32;
/** HPKE `Nenc` of DHKEM(X25519, HKDF-SHA256): the encapsulated key (RFC 9180 §7.1). */
export const SEAL_ENC_LENGTH = 32;
/** ChaCha20-Poly1305 tag, `Nt` (RFC 9180 §7.3, RFC 8439). */
export const SEAL_TAG_LENGTH = 16;
/** One reviewer's slot: `enc ‖ wrappedDek` (the DEK and its tag). */
export const SEAL_SLOT_LENGTH = SEAL_ENC_LENGTH + SEAL_DEK_LENGTH + SEAL_TAG_LENGTH;
/** `version ‖ count`. */
export const SEAL_HEADER_LENGTH = 2;

/** Length of a sealed payload for a plaintext length and reviewer count. */
export function sealedLength(plaintextLength: number, reviewerCount: number): number {
  checkInt('plaintextLength', plaintextLength, 0, SEAL_MAX_PLAINTEXT_BYTES);
  checkInt('reviewerCount', reviewerCount, 1, MAX_REVIEWERS);
  return SEAL_HEADER_LENGTH + reviewerCount * SEAL_SLOT_LENGTH + plaintextLength + SEAL_TAG_LENGTH;
}
