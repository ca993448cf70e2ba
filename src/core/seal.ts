/**
 * Reviewer-only payloads (SPEC §2 "Reviewer sealing", §6 step 1; v2 §6 "payloads are
 * attributable"): the associated data that becomes decryptable above the threshold is itself
 * sealed to the NGO reviewers, so the platform only ever handles ciphertext, and it is bound to
 * the database, the voucher and the account it was made for, so the platform cannot relabel it.
 *
 * Construction (KEM/DEM, docs/decisions.md "Reviewer sealing"):
 * - a fresh 32-byte data-encryption key `DEK` encrypts the plaintext once with ChaCha20-Poly1305
 *   (RFC 8439) under the all-zero nonce (the key encrypts exactly one message, SPEC §2);
 * - `DEK` is wrapped to every reviewer with HPKE (RFC 9180) `SealBase`, DHKEM(X25519,
 *   HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305 (src/core/hpke.ts, synchronous, noble only);
 * - binding: `B = encodePayloadBinding(databaseId, voucherId, context)`. The HPKE `info` of every
 *   wrap is `"quorum-psi-v1-seal-dek" ‖ B`, the HPKE `aad` is `version ‖ count ‖ index` (a wrap
 *   cannot move to another slot), and the body's AAD is `"quorum-psi-v1-seal-body" ‖ B ‖ header ‖
 *   every wrap`, so the body is bound to the binding and to exactly this set of wraps. A reviewer
 *   opens only under the binding it expects: a payload relabelled to another database, voucher or
 *   context fails authentication exactly like a tampered one.
 *
 * Layout (docs/wire-format.md "Sealed payload"), fixed length for a plaintext length and
 * reviewer count ({@link sealedLength}):
 * `version (1) ‖ count (1) ‖ count × (enc (32) ‖ wrappedDek (48)) ‖ body (len + 16)`.
 *
 * Randomness: `rng` gives the DEK, then one 32-byte `ikm` per reviewer for the ephemeral key
 * `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3), so an injected `rng` reproduces a sealed payload byte
 * for byte.
 *
 * Errors: the caller's own argument shapes are `TypeError` / `RangeError`; anything read from
 * the sealed bytes is a {@link DecodeError} (framing, count, length, an index beyond the count)
 * or a {@link VerificationError} `seal.open` (authentication, binding). Inputs are copied before
 * use, outputs are fresh arrays: pooled `Buffer` views are fine.
 * @module seal
 */

import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { copyBytes } from '@noble/hashes/utils.js';
import {
  DB_ID_LENGTH,
  MAX_ID_LENGTH,
  MAX_REVIEWERS,
  REVIEWER_KEY_LENGTH,
  SEAL_BODY_AAD_LABEL,
  SEAL_HPKE_INFO_LABEL,
  SEAL_MAX_CONTEXT_BYTES,
  SEAL_MAX_PLAINTEXT_BYTES,
  SEAL_VERSION,
} from './constants.js';
import { DecodeError, ParameterError, VerificationError } from './errors.js';
import { deriveKeyPair, type HpkeKeyPair, openBase, publicKeyOf, sealBase } from './hpke.js';
import {
  SEAL_DEK_LENGTH as DEK_LENGTH,
  SEAL_ENC_LENGTH as ENC_LENGTH,
  SEAL_HEADER_LENGTH as HEADER_LENGTH,
  SEAL_SLOT_LENGTH as SLOT_LENGTH,
  sealedLength,
  SEAL_TAG_LENGTH as TAG_LENGTH,
} from './seal-format.js';
import { checkBytes, checkInt, checkRng, concatBytes, defaultRng, type Rng } from './utils.js';

/** An X25519 reviewer key pair (RFC 9180 §7.1.1 / §7.1.2, 32 bytes each). */
export type ReviewerKeyPair = HpkeKeyPair;

/** What a sealed payload is bound to (SPEC v2 §6 "payloads are attributable"). */
export interface PayloadBinding {
  /** Database id (16 bytes) the voucher was made for. */
  readonly databaseId: Uint8Array;
  /** The voucher's id (1..64 bytes). */
  readonly voucherId: Uint8Array;
  /** Application context, e.g. the account identifier the platform will claim (0..64 bytes). */
  readonly context: Uint8Array;
}

const ZERO_NONCE = new Uint8Array(12);
const te = new TextEncoder();
const HPKE_INFO_LABEL = te.encode(SEAL_HPKE_INFO_LABEL);
const BODY_AAD_LABEL = te.encode(SEAL_BODY_AAD_LABEL);

/**
 * `u8 len ‖ databaseId ‖ u8 len ‖ voucherId ‖ u8 len ‖ context`: the binding as bytes. Lengths
 * are checked (database id 16 bytes, voucher id 1..64, context 0..64); `RangeError` otherwise.
 */
export function encodePayloadBinding(b: PayloadBinding): Uint8Array {
  if (typeof b !== 'object' || b === null) {
    throw new TypeError('"binding" expected an object { databaseId, voucherId, context }');
  }
  const databaseId = checkBytes('binding.databaseId', b.databaseId, DB_ID_LENGTH);
  const voucherId = checkBytes('binding.voucherId', b.voucherId);
  const context = checkBytes('binding.context', b.context);
  if (voucherId.length < 1 || voucherId.length > MAX_ID_LENGTH) {
    throw new RangeError(
      `"binding.voucherId" expected 1..${MAX_ID_LENGTH} bytes, got ${voucherId.length}`,
    );
  }
  if (context.length > SEAL_MAX_CONTEXT_BYTES) {
    throw new RangeError(
      `"binding.context" expected 0..${SEAL_MAX_CONTEXT_BYTES} bytes, got ${context.length}`,
    );
  }
  return concatBytes(
    Uint8Array.of(databaseId.length),
    databaseId,
    Uint8Array.of(voucherId.length),
    voucherId,
    Uint8Array.of(context.length),
    context,
  );
}

/**
 * Length of a sealed payload for a plaintext length and reviewer count (src/core/seal-format.ts,
 * apart from the sealing code so that the server's voucher-length checks do not bundle it).
 */
export { sealedLength } from './seal-format.js';

/**
 * A reviewer key pair, `DeriveKeyPair(ikm)` with `ikm = rng(32)` (RFC 9180 §7.1.3): deterministic
 * for a fixed `rng`, uniform for the default CSPRNG.
 */
export function generateReviewerKeyPair(rng: Rng = defaultRng): ReviewerKeyPair {
  checkRng(rng);
  const ikm = copyBytes(checkBytes('rng output', rng(32), 32));
  const kp = deriveKeyPair(ikm);
  ikm.fill(0);
  return kp;
}

/** RFC 9180 `DeriveKeyPair(ikm)` for DHKEM(X25519, HKDF-SHA256); `ikm` ≥ 32 bytes. */
export function deriveReviewerKeyPair(ikm: Uint8Array): ReviewerKeyPair {
  return deriveKeyPair(ikm);
}

/** The public key of a reviewer secret key (`X25519(sk, 9)`, RFC 7748). */
export function reviewerPublicKey(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, REVIEWER_KEY_LENGTH);
  return publicKeyOf(secretKey);
}

/** HPKE `info` of every wrap: `"quorum-psi-v1-seal-dek" ‖ B`. */
function wrapInfo(encodedBinding: Uint8Array): Uint8Array {
  return concatBytes(HPKE_INFO_LABEL, encodedBinding);
}

/** Body AAD: `"quorum-psi-v1-seal-body" ‖ B ‖ header ‖ every wrap` (`B` is self-delimiting). */
function bodyAad(encodedBinding: Uint8Array, headerAndWraps: Uint8Array): Uint8Array {
  return concatBytes(BODY_AAD_LABEL, encodedBinding, headerAndWraps);
}

/**
 * Seal `plaintext` to every reviewer key, bound to `binding` (SPEC v2 §6). The result has length
 * {@link sealedLength}`(plaintext.length, reviewerPublicKeys.length)`.
 * Throws {@link ParameterError} `seal.reviewerKey` for a low-order X25519 reviewer key.
 */
export function sealToReviewers(
  reviewerPublicKeys: readonly Uint8Array[],
  plaintext: Uint8Array,
  binding: PayloadBinding,
  rng: Rng = defaultRng,
): Uint8Array {
  if (!Array.isArray(reviewerPublicKeys)) {
    throw new TypeError('"reviewerPublicKeys" expected an array of Uint8Array');
  }
  const n = reviewerPublicKeys.length;
  const out = new Uint8Array(sealedLength(checkBytes('plaintext', plaintext).length, n));
  const keys = reviewerPublicKeys.map((pk, i) =>
    copyBytes(checkBytes(`reviewerPublicKeys[${i}]`, pk, REVIEWER_KEY_LENGTH)),
  );
  const pt = copyBytes(plaintext);
  const encodedBinding = encodePayloadBinding(binding);
  const r = checkRng(rng);
  const dek = copyBytes(checkBytes('rng output', r(DEK_LENGTH), DEK_LENGTH));
  const info = wrapInfo(encodedBinding);
  out[0] = SEAL_VERSION;
  out[1] = n;
  try {
    keys.forEach((pk, i) => {
      let wrapped: { readonly enc: Uint8Array; readonly ct: Uint8Array };
      try {
        wrapped = sealBase(pk, info, Uint8Array.of(SEAL_VERSION, n, i), dek, r);
      } catch (e) {
        if (e instanceof ParameterError) {
          throw new ParameterError(
            'seal.reviewerKey',
            `reviewer key ${i}: a low-order X25519 point, unusable for sealing`,
            { cause: e },
          );
        }
        throw e;
      }
      const off = HEADER_LENGTH + i * SLOT_LENGTH;
      out.set(wrapped.enc, off);
      out.set(wrapped.ct, off + ENC_LENGTH);
    });
    const bodyOff = HEADER_LENGTH + n * SLOT_LENGTH;
    const aad = bodyAad(encodedBinding, out.subarray(0, bodyOff));
    out.set(chacha20poly1305(dek, ZERO_NONCE, aad).encrypt(pt), bodyOff);
    return out;
  } finally {
    dek.fill(0);
  }
}

/**
 * Parse the fixed header of a sealed payload and check its total length: `2 + 80·n + body` with
 * `16 ≤ body ≤ 16 + SEAL_MAX_PLAINTEXT_BYTES`, i.e. exactly {@link sealedLength} of some plaintext
 * length. Returns the reviewer count `n`.
 */
function parseHeader(sealed: Uint8Array): number {
  if (sealed.length < HEADER_LENGTH) {
    throw new DecodeError('decode.truncated', 'sealed payload: truncated header');
  }
  if (sealed[0] !== SEAL_VERSION) {
    throw new DecodeError('decode.version', `sealed payload: unsupported version ${sealed[0]}`);
  }
  const n = sealed[1] as number;
  if (n < 1 || n > MAX_REVIEWERS) {
    throw new DecodeError(
      'decode.range',
      `sealed payload: reviewer count ${n} outside [1, ${MAX_REVIEWERS}]`,
    );
  }
  const body = sealed.length - HEADER_LENGTH - n * SLOT_LENGTH;
  if (body < TAG_LENGTH) {
    throw new DecodeError(
      'decode.truncated',
      `sealed payload: ${sealed.length} bytes, less than the ${HEADER_LENGTH + n * SLOT_LENGTH + TAG_LENGTH} that ${n} reviewer(s) need`,
    );
  }
  if (body > TAG_LENGTH + SEAL_MAX_PLAINTEXT_BYTES) {
    throw new DecodeError(
      'decode.length',
      `sealed payload: body of ${body} bytes exceeds the ${SEAL_MAX_PLAINTEXT_BYTES}-byte plaintext limit`,
    );
  }
  return n;
}

/** Number of reviewers a sealed payload is addressed to (strict header and length check). */
export function sealedReviewerCount(sealed: Uint8Array): number {
  checkBytes('sealed', sealed);
  return parseHeader(sealed);
}

/**
 * Open a sealed payload as reviewer `reviewerIndex` (the position of its key in the list the
 * payload was sealed to, i.e. the manifest's reviewer order), only if it was sealed under exactly
 * the `expected` binding (SPEC v2 §6).
 *
 * Malformed framing, a wrong length, or an index not below the payload's reviewer count is a
 * {@link DecodeError}; a wrong key, wrong index, another binding or any tampering is a
 * {@link VerificationError} `seal.open`. `TypeError` / `RangeError` only for the caller's own
 * arguments (a secret key that is not 32 bytes, an index that is not an integer in `[0, 15]`,
 * a malformed `expected`).
 */
export function openAsReviewer(
  reviewerSecretKey: Uint8Array,
  reviewerIndex: number,
  sealed: Uint8Array,
  expected: PayloadBinding,
): Uint8Array {
  const sk = copyBytes(checkBytes('reviewerSecretKey', reviewerSecretKey, REVIEWER_KEY_LENGTH));
  checkInt('reviewerIndex', reviewerIndex, 0, MAX_REVIEWERS - 1);
  const s = copyBytes(checkBytes('sealed', sealed));
  const encodedBinding = encodePayloadBinding(expected);
  try {
    const n = parseHeader(s);
    if (reviewerIndex >= n) {
      throw new DecodeError(
        'seal.index',
        `sealed payload: addressed to ${n} reviewer(s), no slot for index ${reviewerIndex}`,
      );
    }
    const off = HEADER_LENGTH + reviewerIndex * SLOT_LENGTH;
    let dek: Uint8Array;
    try {
      dek = openBase(
        s.subarray(off, off + ENC_LENGTH),
        sk,
        wrapInfo(encodedBinding),
        Uint8Array.of(s[0] as number, n, reviewerIndex),
        s.subarray(off + ENC_LENGTH, off + SLOT_LENGTH),
      );
    } catch (e) {
      if (e instanceof DecodeError || e instanceof VerificationError) throw notForUs(e);
      throw e;
    }
    try {
      if (dek.length !== DEK_LENGTH) throw notForUs();
      const bodyOff = HEADER_LENGTH + n * SLOT_LENGTH;
      const aad = bodyAad(encodedBinding, s.subarray(0, bodyOff));
      try {
        return chacha20poly1305(dek, ZERO_NONCE, aad).decrypt(s.subarray(bodyOff));
      } catch (e) {
        throw notForUs(e);
      }
    } finally {
      dek.fill(0);
    }
  } finally {
    sk.fill(0);
  }
}

function notForUs(cause?: unknown): VerificationError {
  return new VerificationError(
    'seal.open',
    'sealed payload: not sealed to this key and index for this database, voucher and context, or tampered',
    { cause },
  );
}
