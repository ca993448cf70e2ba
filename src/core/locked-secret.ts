/**
 * Secrets at rest under a passphrase (issue 14; docs/wire-format.md "Locked secret"): an NGO's
 * masking and signing keys, a reviewer key, the database secret `α`, an account seed — any
 * encoded secret a party keeps on disk between protocol steps.
 *
 * ```
 * locked = header(kind 0x08, suite 0) ‖ u8 inner kind ‖ u8 KDF (0x01 = scrypt)
 *        ‖ u8 log2 N ‖ u8 r ‖ u8 p ‖ salt (16) ‖ nonce (24) ‖ ciphertext (|secret| + 16)
 * key    = scrypt(passphrase (UTF-8, NFC), salt, N, r, p, 32 bytes)
 * ciphertext = XChaCha20-Poly1305(key, nonce, secret, aad = every byte before the ciphertext)
 * ```
 *
 * The KDF is memory-hard (scrypt from `@noble/hashes`; default `N = 2^17, r = 8, p = 1`, 128 MiB,
 * RFC 7914 §2's interactive-use order of magnitude); the AEAD (from `@noble/ciphers`) authenticates
 * the header too, so a changed parameter, kind or salt fails like a wrong passphrase. A wrong
 * passphrase is a {@link VerificationError} `secret.passphrase` with one clear message; malformed
 * bytes, another object kind or a locked secret of another inner kind are {@link DecodeError}s.
 * Decoding refuses work factors above `2^20` (1 GiB with `r = 8`), so a crafted file cannot make a
 * party allocate without bound. Salt and nonce come from the CSPRNG (injectable `rng`).
 * @module locked-secret
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { KIND, KIND_NAME } from './constants.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError, ParameterError, VerificationError } from './errors.js';
import { checkBytes, concatBytes, defaultRng, type Rng } from './utils.js';

/** scrypt work factors of a locked secret. */
export interface ScryptParams {
  /** `log2 N`, in `[MIN_LOG_N, MAX_LOG_N]`. */
  readonly logN: number;
  /** Block size `r`, in `[1, 32]`. */
  readonly r: number;
  /** Parallelism `p`, in `[1, 16]`. */
  readonly p: number;
}

/** The default work factors: `N = 2^17, r = 8, p = 1` (128 MiB, about a second in JavaScript). */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ logN: 17, r: 8, p: 1 });
/** Smallest `log2 N` accepted (fast, for tests only: never below 2^10). */
export const MIN_LOG_N = 10;
/** Largest `log2 N` accepted when locking or unlocking. */
export const MAX_LOG_N = 20;
/** Largest scrypt memory `128·N·r` accepted (1 GiB). */
const MAX_MEMORY = 2 ** 30;

const KDF_SCRYPT = 0x01;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 24;
const TAG_LENGTH = 16;

function checkScrypt(p: ScryptParams, where: 'lock' | 'unlock'): void {
  const ok =
    p !== null &&
    typeof p === 'object' &&
    Number.isInteger(p.logN) &&
    p.logN >= MIN_LOG_N &&
    p.logN <= MAX_LOG_N &&
    Number.isInteger(p.r) &&
    p.r >= 1 &&
    p.r <= 32 &&
    Number.isInteger(p.p) &&
    p.p >= 1 &&
    p.p <= 16 &&
    128 * 2 ** p.logN * p.r <= MAX_MEMORY;
  if (ok) return;
  const msg = `scrypt parameters out of range (log2 N in [${MIN_LOG_N}, ${MAX_LOG_N}], r in [1, 32], p in [1, 16], at most 1 GiB)`;
  if (where === 'lock') throw new ParameterError('secret.kdf', msg);
  throw new DecodeError('decode.range', `locked secret: ${msg}`);
}

function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  if (typeof passphrase === 'string') {
    if (passphrase.length === 0) throw new ParameterError('secret.passphrase', 'empty passphrase');
    return new TextEncoder().encode(passphrase.normalize('NFC'));
  }
  const b = checkBytes('passphrase', passphrase);
  if (b.length === 0) throw new ParameterError('secret.passphrase', 'empty passphrase');
  return Uint8Array.from(b);
}

function deriveKey(pass: Uint8Array, salt: Uint8Array, k: ScryptParams): Uint8Array {
  return scrypt(pass, salt, { N: 2 ** k.logN, r: k.r, p: k.p, dkLen: 32, maxmem: MAX_MEMORY + 1 });
}

/**
 * Encrypt `secret` (an encoded object of kind `innerKind`) under `passphrase`.
 * @param innerKind - the kind of the object locked (e.g. `KIND.serverDatabaseSecret`), checked
 *   again by {@link unlockSecret}.
 * @param opts.scrypt - work factors (default {@link DEFAULT_SCRYPT}).
 * @param opts.rng - randomness for the salt and nonce (default: platform CSPRNG).
 */
export function lockSecret(
  innerKind: number,
  secret: Uint8Array,
  passphrase: string | Uint8Array,
  opts: { scrypt?: ScryptParams; rng?: Rng } = {},
): Uint8Array {
  if (!Number.isInteger(innerKind) || innerKind < 0 || innerKind > 0xff)
    throw new RangeError('"innerKind" expected a byte');
  const plain = Uint8Array.from(checkBytes('secret', secret));
  const pass = passphraseBytes(passphrase);
  const k = opts.scrypt ?? DEFAULT_SCRYPT;
  checkScrypt(k, 'lock');
  const rng = opts.rng ?? defaultRng;
  const salt = Uint8Array.from(rng(SALT_LENGTH));
  const nonce = Uint8Array.from(rng(NONCE_LENGTH));
  const head = new Writer()
    .header(KIND.lockedSecret, null)
    .u8(innerKind)
    .u8(KDF_SCRYPT)
    .u8(k.logN)
    .u8(k.r)
    .u8(k.p)
    .bytes(salt)
    .bytes(nonce)
    .finish();
  const ct = xchacha20poly1305(deriveKey(pass, salt, k), nonce, head).encrypt(plain);
  return concatBytes(head, ct);
}

/** What {@link readLockedHeader} reports without a passphrase. */
export interface LockedSecretInfo {
  /** Kind of the locked object (`KIND` value). */
  readonly innerKind: number;
  readonly scrypt: ScryptParams;
}

function parse(bytes: Uint8Array): {
  info: LockedSecretInfo;
  salt: Uint8Array;
  nonce: Uint8Array;
  head: Uint8Array;
  ct: Uint8Array;
} {
  const own = bytes instanceof Uint8Array ? Uint8Array.from(bytes) : bytes;
  return decodeWith('locked secret', own, (r) => {
    r.header(KIND.lockedSecret, true);
    const innerKind = r.u8();
    const kdf = r.u8();
    if (kdf !== KDF_SCRYPT)
      throw new DecodeError('decode.range', `locked secret: unknown KDF 0x${kdf.toString(16)}`);
    const k: ScryptParams = { logN: r.u8(), r: r.u8(), p: r.u8() };
    checkScrypt(k, 'unlock');
    const salt = r.bytes(SALT_LENGTH);
    const nonce = r.bytes(NONCE_LENGTH);
    const headLength = own.length - r.remaining;
    if (r.remaining < TAG_LENGTH)
      throw new DecodeError('decode.truncated', 'locked secret: truncated ciphertext');
    const ct = r.bytes(r.remaining);
    return {
      info: { innerKind, scrypt: k },
      salt,
      nonce,
      head: own.subarray(0, headLength),
      ct,
    };
  });
}

/** The inner kind and work factors of a locked secret, without unlocking it (strict decoding). */
export function readLockedHeader(bytes: Uint8Array): LockedSecretInfo {
  return parse(bytes).info;
}

/**
 * Decrypt a locked secret of kind `expectedKind`. Returns a fresh copy of the secret.
 * @throws DecodeError for malformed bytes, another object, a locked secret of another inner kind
 *   (`decode.kind`) or work factors out of range; VerificationError `secret.passphrase` when the
 *   passphrase is wrong or the bytes were altered (the AEAD cannot tell the two apart).
 */
export function unlockSecret(
  bytes: Uint8Array,
  passphrase: string | Uint8Array,
  expectedKind: number,
): Uint8Array {
  const { info, salt, nonce, head, ct } = parse(bytes);
  if (info.innerKind !== expectedKind) {
    const name = (x: number) => KIND_NAME[x] ?? `an object of kind 0x${x.toString(16)}`;
    throw new DecodeError(
      'decode.kind',
      `locked secret: this holds ${name(info.innerKind)}, not ${name(expectedKind)}`,
    );
  }
  const pass = passphraseBytes(passphrase);
  try {
    return xchacha20poly1305(deriveKey(pass, salt, info.scrypt), nonce, head).decrypt(ct);
  } catch {
    throw new VerificationError(
      'secret.passphrase',
      'locked secret: wrong passphrase (or the file was altered)',
    );
  }
}
