/**
 * Ed25519 signatures over domain-separated statements (SPEC §2 "Signatures").
 *
 * Every signed message is
 * `"quorum-psi-v1-sig-" (18 ASCII bytes) ‖ label (ASCII [a-z0-9-], 1..64 bytes) ‖ 0x00 ‖ body`.
 * The label (one per statement type, {@link SIG_LABEL}) cannot contain 0x00, so the separator
 * makes the encoding injective: no statement under one label is a statement under another.
 * The body is the statement's canonical byte encoding (docs/wire-format.md "Signed statements").
 *
 * Signing is RFC 8032 Ed25519 (pure, no prehash) from `@noble/curves`; verification is strict
 * RFC 8032 (`zip215: false`: canonical `R`, `A` and `s < L`) and returns a boolean, never throwing
 * on malformed key or signature bytes.
 * @module sign
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { SIG_PREFIX } from './constants.js';
import { checkBytes, checkRng, concatBytes, copyBytes, defaultRng, type Rng } from './utils.js';

/** An Ed25519 key pair: 32-byte secret key (RFC 8032 seed) and 32-byte public key. */
export interface SigningKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Length of an Ed25519 public key, secret key (seed) and signature. */
/**
 * An NGO the application (or the builder, or an auditing NGO) trusts: configured locally, never
 * taken from data. The same shape serves the trust list of the builder and auditors
 * (`intersectContributions`) and the client's (`acceptDatabase`); `signingPublicKey` is named as
 * in a roster entry (`NgoMember`).
 */
export interface TrustedNgo {
  /** A display name (used in messages). */
  readonly name?: string;
  readonly jurisdiction: string;
  /** The NGO's Ed25519 public key. */
  readonly signingPublicKey: Uint8Array;
}

export const SIGNING_PUBLIC_KEY_LENGTH = 32;
export const SIGNING_SECRET_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

const PREFIX = new TextEncoder().encode(SIG_PREFIX);
const LABEL_RE = /^[a-z0-9-]{1,64}$/;

function labelBytes(label: string): Uint8Array {
  if (typeof label !== 'string')
    throw new TypeError(`"label" expected string, got ${typeof label}`);
  if (!LABEL_RE.test(label)) throw new RangeError(`"label" must match [a-z0-9-]{1,64}: "${label}"`);
  return new TextEncoder().encode(label);
}

/** The exact signed message: `"quorum-psi-v1-sig-" ‖ label ‖ 0x00 ‖ body`. */
export function statementMessage(label: string, body: Uint8Array): Uint8Array {
  checkBytes('body', body);
  return concatBytes(PREFIX, labelBytes(label), Uint8Array.of(0), body);
}

/** A fresh key pair; the secret key is `rng(32)` (deterministic for a fixed `rng`). */
export function generateSigningKeyPair(rng: Rng = defaultRng): SigningKeyPair {
  checkRng(rng);
  // An owned copy: an rng may hand out views of a buffer it reuses.
  const secretKey = copyBytes(
    checkBytes('rng output', rng(SIGNING_SECRET_KEY_LENGTH), SIGNING_SECRET_KEY_LENGTH),
  );
  return Object.freeze({ secretKey, publicKey: ed25519.getPublicKey(secretKey) });
}

/** The public key of an Ed25519 secret key. */
export function signingPublicKey(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, SIGNING_SECRET_KEY_LENGTH);
  return ed25519.getPublicKey(secretKey);
}

/** Sign `body` under `label` (deterministic RFC 8032 Ed25519). Returns 64 bytes. */
export function signStatement(secretKey: Uint8Array, label: string, body: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, SIGNING_SECRET_KEY_LENGTH);
  return ed25519.sign(statementMessage(label, body), secretKey);
}

/**
 * Strict RFC 8032 verification of a statement signature. Returns `false` (never throws) for a
 * wrong signature, a malformed or non-canonical key or signature, or bytes of the wrong length.
 * Throws only for programmer errors: a label outside `[a-z0-9-]{1,64}` or a non-byte `body`.
 */
export function verifyStatement(
  publicKey: Uint8Array,
  label: string,
  body: Uint8Array,
  signature: Uint8Array,
): boolean {
  const msg = statementMessage(label, body);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== SIGNING_PUBLIC_KEY_LENGTH)
    return false;
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) return false;
  try {
    return ed25519.verify(signature, msg, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
