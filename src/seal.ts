/**
 * Reviewer-only payloads (SPEC §2 "Reviewer sealing", §6 step 1): the associated data that
 * becomes decryptable above the threshold is itself sealed to the NGO reviewers, so the platform
 * only ever handles ciphertext.
 *
 * Construction (KEM/DEM, docs/decisions.md "Reviewer sealing"):
 * - a fresh 32-byte data-encryption key `DEK` encrypts the plaintext once with ChaCha20-Poly1305
 *   (RFC 8439) under the all-zero nonce (the key encrypts exactly one message, SPEC §2);
 * - `DEK` is wrapped to every reviewer with HPKE (RFC 9180) base mode,
 *   DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305, through `@hpke/core`;
 * - the HPKE `info` is `"quorum-psi-v1-seal-dek" ‖ info` (the caller's binding, e.g. the database
 *   id), the HPKE `aad` is `version ‖ count ‖ index` (a wrap cannot move to another slot), and the
 *   body's AAD is `"quorum-psi-v1-seal-body" ‖ len(info) ‖ info ‖ header ‖ every wrap`, so the body
 *   is bound to exactly this set of wraps.
 *
 * Layout (docs/wire-format.md "Sealed payload"), fixed length for a plaintext length and
 * reviewer count ({@link sealedLength}):
 * `version (1) ‖ count (1) ‖ count × (enc (32) ‖ wrappedDek (48)) ‖ body (len + 16)`.
 *
 * Randomness: the DEK comes from `rng`. The ephemeral HPKE keys come from the library's own
 * `GenerateKeyPair` unless an `rng` is injected, in which case each is `DeriveKeyPair(rng(32))`
 * (RFC 9180 §7.1.3), which makes a sealed payload reproducible byte for byte in known-answer tests.
 *
 * HPKE is asynchronous in `@hpke/core` (WebCrypto), so this API is `async`.
 * @module
 */

import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import {
  MAX_REVIEWERS,
  REVIEWER_KEY_LENGTH,
  SEAL_BODY_AAD_LABEL,
  SEAL_HPKE_INFO_LABEL,
  SEAL_MAX_INFO_BYTES,
  SEAL_MAX_PLAINTEXT_BYTES,
  SEAL_VERSION,
} from './constants.js';
import { DecodeError, ParameterError, VerificationError } from './errors.js';
import { checkBytes, checkInt, checkRng, concatBytes, defaultRng, type Rng } from './utils.js';

/** An X25519 reviewer key pair (RFC 9180 `SerializePublicKey` / `SerializePrivateKey`, 32 bytes each). */
export interface ReviewerKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

const DEK_LENGTH = 32;
const ENC_LENGTH = 32; // Nenc of DHKEM(X25519, HKDF-SHA256)
const TAG_LENGTH = 16; // Nt of ChaCha20-Poly1305
const WRAP_LENGTH = DEK_LENGTH + TAG_LENGTH;
const SLOT_LENGTH = ENC_LENGTH + WRAP_LENGTH;
const HEADER_LENGTH = 2;
const ZERO_NONCE = new Uint8Array(12);
const te = new TextEncoder();
const HPKE_INFO_LABEL = te.encode(SEAL_HPKE_INFO_LABEL);
const BODY_AAD_LABEL = te.encode(SEAL_BODY_AAD_LABEL);

let hpkeSuite: CipherSuite | undefined;
/** The one HPKE suite of SPEC §2 (kem 0x0020, kdf 0x0001, aead 0x0003). */
function hpke(): CipherSuite {
  hpkeSuite ??= new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
  return hpkeSuite;
}

/** A fresh `ArrayBuffer` copy (the HPKE library takes `ArrayBuffer`s). */
function ab(b: Uint8Array): ArrayBuffer {
  return b.slice().buffer as ArrayBuffer;
}

/** Length of a sealed payload for a plaintext length and reviewer count. */
export function sealedLength(plaintextLength: number, reviewerCount: number): number {
  checkInt('plaintextLength', plaintextLength, 0, SEAL_MAX_PLAINTEXT_BYTES);
  checkInt('reviewerCount', reviewerCount, 1, MAX_REVIEWERS);
  return HEADER_LENGTH + reviewerCount * SLOT_LENGTH + plaintextLength + TAG_LENGTH;
}

/**
 * A reviewer key pair, `DeriveKeyPair(ikm)` with `ikm = rng(32)` (RFC 9180 §7.1.3): deterministic
 * for a fixed `rng`, uniform for the default CSPRNG.
 */
export async function generateReviewerKeyPair(rng: Rng = defaultRng): Promise<ReviewerKeyPair> {
  checkRng(rng);
  const ikm = rng(32);
  checkBytes('rng output', ikm, 32);
  return deriveReviewerKeyPair(ikm);
}

/** RFC 9180 `DeriveKeyPair(ikm)` for DHKEM(X25519, HKDF-SHA256); `ikm` ≥ 32 bytes. */
export async function deriveReviewerKeyPair(ikm: Uint8Array): Promise<ReviewerKeyPair> {
  checkBytes('ikm', ikm);
  if (ikm.length < 32) throw new RangeError(`"ikm" expected at least 32 bytes, got ${ikm.length}`);
  const kem = hpke().kem;
  const kp = await kem.deriveKeyPair(ab(ikm));
  const publicKey = new Uint8Array(await kem.serializePublicKey(kp.publicKey));
  const secretKey = new Uint8Array(await kem.serializePrivateKey(kp.privateKey));
  return Object.freeze({ publicKey, secretKey });
}

/** The public key of a reviewer secret key (`X25519(sk, 9)`, RFC 7748). */
export function reviewerPublicKey(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, REVIEWER_KEY_LENGTH);
  return x25519.getPublicKey(secretKey);
}

function checkInfo(info: Uint8Array): void {
  checkBytes('info', info);
  if (info.length > SEAL_MAX_INFO_BYTES) {
    throw new RangeError(
      `"info" expected at most ${SEAL_MAX_INFO_BYTES} bytes, got ${info.length}`,
    );
  }
}

function bodyAad(info: Uint8Array, headerAndWraps: Uint8Array): Uint8Array {
  return concatBytes(BODY_AAD_LABEL, Uint8Array.of(info.length), info, headerAndWraps);
}

/**
 * Seal `plaintext` to every reviewer key, bound to `info` (e.g. the database id). The result has
 * length {@link sealedLength}`(plaintext.length, reviewerPublicKeys.length)`.
 * Throws {@link ParameterError} for a reviewer key HPKE rejects (e.g. a low-order X25519 point).
 */
export async function sealToReviewers(
  reviewerPublicKeys: readonly Uint8Array[],
  plaintext: Uint8Array,
  info: Uint8Array,
  rng?: Rng,
): Promise<Uint8Array> {
  if (!Array.isArray(reviewerPublicKeys)) {
    throw new TypeError('"reviewerPublicKeys" expected an array of Uint8Array');
  }
  const n = reviewerPublicKeys.length;
  const out = new Uint8Array(sealedLength(checkBytes('plaintext', plaintext).length, n));
  reviewerPublicKeys.forEach((pk, i) => {
    checkBytes(`reviewerPublicKeys[${i}]`, pk, REVIEWER_KEY_LENGTH);
  });
  checkInfo(info);
  const r = checkRng(rng ?? defaultRng);
  const dek = r(DEK_LENGTH);
  checkBytes('rng output', dek, DEK_LENGTH);
  const suite = hpke();
  const hpkeInfo = ab(concatBytes(HPKE_INFO_LABEL, info));
  out[0] = SEAL_VERSION;
  out[1] = n;
  for (let i = 0; i < n; i++) {
    let recipientPublicKey: CryptoKey;
    try {
      recipientPublicKey = await suite.kem.deserializePublicKey(
        ab(reviewerPublicKeys[i] as Uint8Array),
      );
    } catch (e) {
      throw new ParameterError('seal.reviewerKey', `reviewer key ${i}: not a valid X25519 key`, {
        cause: e,
      });
    }
    // Injected rng: ephemeral key = DeriveKeyPair(rng(32)) (reproducible); else the library's own.
    const ekm = rng === undefined ? undefined : ab(checkBytes('rng output', r(32), 32));
    const wrapAad = ab(Uint8Array.of(SEAL_VERSION, n, i));
    let sealed: { ct: ArrayBuffer; enc: ArrayBuffer };
    try {
      sealed = await suite.seal(
        ekm === undefined
          ? { recipientPublicKey, info: hpkeInfo }
          : { recipientPublicKey, info: hpkeInfo, ekm },
        ab(dek),
        wrapAad,
      );
    } catch (e) {
      throw new ParameterError('seal.reviewerKey', `reviewer key ${i}: HPKE encapsulation failed`, {
        cause: e,
      });
    }
    const off = HEADER_LENGTH + i * SLOT_LENGTH;
    out.set(new Uint8Array(sealed.enc), off);
    out.set(new Uint8Array(sealed.ct), off + ENC_LENGTH);
  }
  const bodyOff = HEADER_LENGTH + n * SLOT_LENGTH;
  const aad = bodyAad(info, out.subarray(0, bodyOff));
  out.set(chacha20poly1305(dek, ZERO_NONCE, aad).encrypt(plaintext), bodyOff);
  dek.fill(0);
  return out;
}

/** Parse the fixed header of a sealed payload; returns the reviewer count. */
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
  if (sealed.length < HEADER_LENGTH + n * SLOT_LENGTH + TAG_LENGTH) {
    throw new DecodeError('decode.truncated', 'sealed payload: truncated');
  }
  return n;
}

/** Number of reviewers a sealed payload is addressed to (strict header check). */
export function sealedReviewerCount(sealed: Uint8Array): number {
  checkBytes('sealed', sealed);
  return parseHeader(sealed);
}

/**
 * Open a sealed payload as reviewer `reviewerIndex` (the position of its key in the list the
 * payload was sealed to, i.e. the manifest's reviewer order).
 * Malformed framing is a {@link DecodeError}; a wrong key, wrong `info`, wrong index or any
 * tampering is a {@link VerificationError} (`seal.open`).
 */
export async function openAsReviewer(
  reviewerSecretKey: Uint8Array,
  reviewerIndex: number,
  sealed: Uint8Array,
  info: Uint8Array,
): Promise<Uint8Array> {
  checkBytes('reviewerSecretKey', reviewerSecretKey, REVIEWER_KEY_LENGTH);
  checkBytes('sealed', sealed);
  checkInfo(info);
  const n = parseHeader(sealed);
  checkInt('reviewerIndex', reviewerIndex, 0, n - 1);
  const suite = hpke();
  const off = HEADER_LENGTH + reviewerIndex * SLOT_LENGTH;
  let dek: Uint8Array;
  try {
    const recipientKey = await suite.kem.deserializePrivateKey(ab(reviewerSecretKey));
    dek = new Uint8Array(
      await suite.open(
        {
          recipientKey,
          enc: ab(sealed.subarray(off, off + ENC_LENGTH)),
          info: ab(concatBytes(HPKE_INFO_LABEL, info)),
        },
        ab(sealed.subarray(off + ENC_LENGTH, off + SLOT_LENGTH)),
        ab(Uint8Array.of(sealed[0] as number, n, reviewerIndex)),
      ),
    );
  } catch (e) {
    throw new VerificationError('seal.open', 'sealed payload: cannot open the key wrap', {
      cause: e,
    });
  }
  if (dek.length !== DEK_LENGTH) {
    throw new VerificationError('seal.open', 'sealed payload: wrapped key has the wrong length');
  }
  const bodyOff = HEADER_LENGTH + n * SLOT_LENGTH;
  try {
    return chacha20poly1305(dek, ZERO_NONCE, bodyAad(info, sealed.subarray(0, bodyOff))).decrypt(
      sealed.subarray(bodyOff),
    );
  } catch (e) {
    throw new VerificationError('seal.open', 'sealed payload: body authentication failed', {
      cause: e,
    });
  } finally {
    dek.fill(0);
  }
}
