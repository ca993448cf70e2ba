/**
 * The symmetric layer (SPEC §2): KDF, PRF and AEAD, each a thin, labelled wrapper over audited
 * noble primitives.
 *
 * - KDF: HKDF-SHA-256 (RFC 5869) with a labelled `info`.
 * - PRF: HKDF-Expand-SHA-256 keyed by a 32-byte PRF key, `info = label ‖ 0x00 ‖ input`
 *   (distinct labels per output). Scalars reduced from PRF output use
 *   {@link wideLength} (16 extra bytes, bias ≤ 2^-128); `F_ℓ` values use 16 bytes (bias ≤ 2^-64,
 *   as SPEC asks).
 * - AEAD: XChaCha20-Poly1305 with a random 192-bit nonce for long-lived keys (`adkey`), and
 *   ChaCha20-Poly1305 with the all-zero nonce for keys that encrypt exactly one message (`rkey`,
 *   the slot keys). Opening never throws on bad ciphertext: it returns `null`, which is an
 *   expected outcome (a non-matching voucher), not an error.
 * @module
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { expand, hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { SYM_LABEL_PREFIX } from './constants.js';
import { concatBytes, defaultRng, type Rng } from './utils.js';

/** AEAD key length (bytes). */
export const AEAD_KEY_LENGTH = 32;
/** Poly1305 tag length (bytes). */
export const AEAD_TAG_LENGTH = 16;
/** XChaCha20 nonce length (bytes). */
export const XNONCE_LENGTH = 24;

const te = new TextEncoder();
const ZERO_NONCE = new Uint8Array(12);

function label(l: string): Uint8Array {
  return te.encode(`${SYM_LABEL_PREFIX}${l}`);
}

/** HKDF-SHA-256(ikm, salt = ∅, info = "quorum-psi-v1-" ‖ label ‖ 0x00 ‖ context) → `length` bytes. */
export function kdf(ikm: Uint8Array, lbl: string, context: Uint8Array, length: number): Uint8Array {
  return hkdf(sha256, ikm, undefined, concatBytes(label(lbl), Uint8Array.of(0), context), length);
}

/**
 * PRF(key, label, input) = HKDF-Expand-SHA-256(key, "quorum-psi-v1-" ‖ label ‖ 0x00 ‖ input, length).
 * `key` must be a uniformly random 32-byte key (it is used directly as the HKDF PRK).
 */
export function prf(key: Uint8Array, lbl: string, input: Uint8Array, length: number): Uint8Array {
  return expand(sha256, key, concatBytes(label(lbl), Uint8Array.of(0), input), length);
}

/** Number of PRF bytes to reduce into `[0, p)` with bias ≤ 2^-128. */
export function wideLength(p: bigint): number {
  return Math.ceil(p.toString(2).length / 8) + 16;
}

/** Seal `plaintext` under a long-lived key: `nonce(24) ‖ ciphertext ‖ tag(16)`. */
export function sealRandomNonce(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
  rng: Rng = defaultRng,
): Uint8Array {
  const nonce = rng(XNONCE_LENGTH);
  const ct = xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
  return concatBytes(nonce, ct);
}

/** Open a {@link sealRandomNonce} ciphertext; `null` if it does not authenticate. */
export function openRandomNonce(
  key: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | null {
  if (sealed.length < XNONCE_LENGTH + AEAD_TAG_LENGTH) return null;
  try {
    return xchacha20poly1305(key, sealed.subarray(0, XNONCE_LENGTH), aad).decrypt(
      sealed.subarray(XNONCE_LENGTH),
    );
  } catch {
    return null;
  }
}

/** Seal under a single-use key (fixed all-zero nonce): `ciphertext ‖ tag(16)`. */
export function sealSingleUse(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return chacha20poly1305(key, ZERO_NONCE, aad).encrypt(plaintext);
}

/** Open a {@link sealSingleUse} ciphertext; `null` if it does not authenticate. */
export function openSingleUse(
  key: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | null {
  if (sealed.length < AEAD_TAG_LENGTH) return null;
  try {
    return chacha20poly1305(key, ZERO_NONCE, aad).decrypt(sealed);
  } catch {
    return null;
  }
}
