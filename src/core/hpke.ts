/**
 * HPKE (RFC 9180) base mode for exactly one suite: DHKEM(X25519, HKDF-SHA256) (`kem_id 0x0020`),
 * HKDF-SHA256 (`kdf_id 0x0001`), ChaCha20-Poly1305 (`aead_id 0x0003`). Synchronous, composed only
 * from `@noble/curves` (X25519), `@noble/hashes` (HKDF, SHA-256) and `@noble/ciphers`
 * (ChaCha20-Poly1305); no `crypto.subtle` (SPEC v2 §2 "Reviewer sealing"). The only platform
 * call is `crypto.getRandomValues`: the default `rng`, and noble's blinding of `X25519(sk, 9)`.
 *
 * Implements, with the RFC's names:
 * - §4 `LabeledExtract` / `LabeledExpand` (`"HPKE-v1" ‖ suite_id ‖ label`, the length `L` as 2
 *   bytes in the expand info); §4.1 KEM `suite_id = "KEM" ‖ I2OSP(0x0020, 2)`, §5.1 HPKE
 *   `suite_id = "HPKE" ‖ I2OSP(0x0020, 2) ‖ I2OSP(0x0001, 2) ‖ I2OSP(0x0003, 2)`;
 * - §4.1 DHKEM `Encap` / `Decap` with `ExtractAndExpand(dh, enc ‖ pkRm)`, and §7.1.4: the X25519
 *   output is checked for all-zero (a low-order public key), which is a typed error, whether
 *   noble throws on the low-order point or returns zeros;
 * - §7.1.3 `DeriveKeyPair` for X25519: `sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm),
 *   "sk", "", 32)`, `pk = X25519(sk, 9)`; `GenerateKeyPair` = `DeriveKeyPair(rng(32))`, so an
 *   injected `rng` replays a fixed ephemeral key (the RFC's test-vector procedure);
 * - §5.1 `KeySchedule` for `mode_base` (empty `psk` and `psk_id`), §5.1.1 `SetupBaseS` /
 *   `SetupBaseR`; §5.2 the context's `ComputeNonce(seq) = base_nonce XOR I2OSP(seq, 12)`, `Seal`,
 *   `Open` (the sequence number advances only on success) and `MessageLimitReachedError`;
 *   §5.3 `Export = LabeledExpand(exporter_secret, "sec", exporter_context, L)`; §6.1 single-shot
 *   `SealBase` / `OpenBase` and §6.2 `SendExportBase` / `ReceiveExportBase`.
 *
 * Keys are 32-byte strings (§7.1.1, §7.1.2). A secret key is the `sk` that `DeriveKeyPair`
 * returns, unclamped, exactly as the RFC's Appendix A vectors (`skRm`, `skEm`) and hpke-js give
 * it; §7.1.2 asks `SerializePrivateKey` to clamp, which changes only bits that X25519 ignores:
 * every scalar is clamped on use (RFC 7748 `decodeScalar25519`, inside noble), so every public
 * key, DH output and derived secret is the same either way.
 *
 * Errors: a wrong argument shape is `TypeError` / `RangeError`; a low-order recipient key in
 * `Encap` is {@link ParameterError} `hpke.publicKey`; a low-order `enc` in `Decap` is
 * {@link DecodeError} `hpke.enc`; a ciphertext shorter than the tag is {@link DecodeError}
 * `decode.truncated`; an AEAD failure is {@link VerificationError} `hpke.open`; an exhausted
 * sequence number is {@link StateError} `hpke.seq`, a destroyed context `hpke.destroyed`.
 *
 * Every input is copied before use and every output is a fresh array, so callers may pass
 * `Buffer` views onto a shared pool and may reuse their buffers afterwards. Timing: noble's X25519
 * is a fixed-length Montgomery ladder with arithmetic conditional swaps (constant-time as far as
 * JavaScript bigints allow); HKDF and ChaCha20-Poly1305 have no secret-dependent branches. The
 * RFC's own labels live here beside the pseudocode they belong to; the library's labels are in
 * src/core/constants.ts.
 * @module
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, copyBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { DecodeError, ParameterError, StateError, VerificationError } from './errors.js';
import { checkBytes, checkInt, checkRng, defaultRng, i2osp, type Rng } from './utils.js';

// ── Suite constants (RFC 9180 §7.1, §7.2, §7.3) ────────────────────────────────────────────────

/** `mode_base` (RFC 9180 §5, Table 1). */
export const HPKE_MODE_BASE = 0x00;
/** DHKEM(X25519, HKDF-SHA256). */
export const HPKE_KEM_ID = 0x0020;
/** HKDF-SHA256. */
export const HPKE_KDF_ID = 0x0001;
/** ChaCha20-Poly1305. */
export const HPKE_AEAD_ID = 0x0003;
/** `Nsecret` of DHKEM(X25519, HKDF-SHA256): shared secret length. */
export const HPKE_N_SECRET = 32;
/** `Nenc`: length of `enc` (the serialized ephemeral public key). */
export const HPKE_N_ENC = 32;
/** `Npk`: serialized public key length. */
export const HPKE_N_PK = 32;
/** `Nsk`: serialized private key length. */
export const HPKE_N_SK = 32;
/** `Nh` of HKDF-SHA256. */
export const HPKE_N_H = 32;
/** `Nk` of ChaCha20-Poly1305: key length. */
export const HPKE_N_K = 32;
/** `Nn` of ChaCha20-Poly1305: nonce length. */
export const HPKE_N_N = 12;
/** `Nt` of ChaCha20-Poly1305: tag length. */
export const HPKE_N_T = 16;

/** §4.1: `suite_id = concat("KEM", I2OSP(kem_id, 2))`. */
export const KEM_SUITE_ID: Uint8Array = concatBytes(utf8ToBytes('KEM'), i2osp(HPKE_KEM_ID, 2));
/** §5.1: `suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2))`. */
export const HPKE_SUITE_ID: Uint8Array = concatBytes(
  utf8ToBytes('HPKE'),
  i2osp(HPKE_KEM_ID, 2),
  i2osp(HPKE_KDF_ID, 2),
  i2osp(HPKE_AEAD_ID, 2),
);

const HPKE_V1 = utf8ToBytes('HPKE-v1');
const EMPTY = new Uint8Array(0);
const LABEL = Object.freeze({
  dkpPrk: utf8ToBytes('dkp_prk'),
  sk: utf8ToBytes('sk'),
  eaePrk: utf8ToBytes('eae_prk'),
  sharedSecret: utf8ToBytes('shared_secret'),
  pskIdHash: utf8ToBytes('psk_id_hash'),
  infoHash: utf8ToBytes('info_hash'),
  secret: utf8ToBytes('secret'),
  key: utf8ToBytes('key'),
  baseNonce: utf8ToBytes('base_nonce'),
  exp: utf8ToBytes('exp'),
  sec: utf8ToBytes('sec'),
});
/** Largest `L` of `LabeledExpand` with HKDF-SHA256: `255 · Nh` (RFC 5869 §2.3). */
const MAX_EXPAND = 255 * HPKE_N_H;
/** §5.2: `seq` must stay below `(1 << (8·Nn)) - 1`. */
const MAX_SEQ = (1n << BigInt(8 * HPKE_N_N)) - 1n;

// ── §4 Labeled KDF ─────────────────────────────────────────────────────────────────────────────

/** `LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm)` (§4). */
export function labeledExtract(
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  const labeledIkm = concatBytes(HPKE_V1, suiteId, label, ikm);
  const prk = extract(sha256, labeledIkm, copyBytes(salt));
  labeledIkm.fill(0);
  return prk;
}

/**
 * `LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖
 * info, L)` (§4). `L` in `[0, 255·Nh]`.
 */
export function labeledExpand(
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: Uint8Array,
  info: Uint8Array,
  L: number,
): Uint8Array {
  checkInt('L', L, 0, MAX_EXPAND);
  const labeledInfo = concatBytes(i2osp(L, 2), HPKE_V1, suiteId, label, info);
  return expand(sha256, copyBytes(prk), labeledInfo, L);
}

// ── §4.1, §7.1 DHKEM(X25519, HKDF-SHA256) ──────────────────────────────────────────────────────

/** An X25519 key pair: `SerializePublicKey` / private key bytes, 32 each (§7.1.1, §7.1.2). */
export interface HpkeKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** `pk(sk) = X25519(sk, 9)` (RFC 7748 §6.1). */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  checkBytes('secretKey', secretKey, HPKE_N_SK);
  return x25519.getPublicKey(copyBytes(secretKey));
}

/**
 * §7.1.3 `DeriveKeyPair(ikm)` for X25519: `dkp_prk = LabeledExtract("", "dkp_prk", ikm)`,
 * `sk = LabeledExpand(dkp_prk, "sk", "", Nsk)`. `ikm` must have at least `Nsk` = 32 bytes (the
 * RFC's SHOULD, enforced).
 */
export function deriveKeyPair(ikm: Uint8Array): HpkeKeyPair {
  checkBytes('ikm', ikm);
  if (ikm.length < HPKE_N_SK) {
    throw new RangeError(`"ikm" expected at least ${HPKE_N_SK} bytes, got ${ikm.length}`);
  }
  const dkpPrk = labeledExtract(KEM_SUITE_ID, EMPTY, LABEL.dkpPrk, copyBytes(ikm));
  const secretKey = labeledExpand(KEM_SUITE_ID, dkpPrk, LABEL.sk, EMPTY, HPKE_N_SK);
  dkpPrk.fill(0);
  return Object.freeze({ publicKey: x25519.getPublicKey(secretKey), secretKey });
}

/** §4 `GenerateKeyPair()` as `DeriveKeyPair(rng(32))`: reproducible under an injected `rng`. */
export function generateKeyPair(rng: Rng = defaultRng): HpkeKeyPair {
  const ikm = copyBytes(checkBytes('rng output', checkRng(rng)(HPKE_N_SK), HPKE_N_SK));
  const kp = deriveKeyPair(ikm);
  ikm.fill(0);
  return kp;
}

/** `DH(sk, pk)` with the §7.1.4 all-zero check; `fail` builds the typed error to throw. */
function dh(sk: Uint8Array, pk: Uint8Array, fail: (cause?: unknown) => Error): Uint8Array {
  let z: Uint8Array;
  try {
    z = x25519.getSharedSecret(sk, pk);
  } catch (e) {
    // noble refuses low-order points itself; §7.1.4 calls this a ValidationError.
    throw fail(e);
  }
  let acc = 0;
  for (let i = 0; i < z.length; i++) acc |= z[i] as number;
  if (acc === 0) throw fail();
  return z;
}

/** §4.1 `ExtractAndExpand(dh, kem_context)`. */
function extractAndExpand(dhOut: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(KEM_SUITE_ID, EMPTY, LABEL.eaePrk, dhOut);
  const sharedSecret = labeledExpand(
    KEM_SUITE_ID,
    eaePrk,
    LABEL.sharedSecret,
    kemContext,
    HPKE_N_SECRET,
  );
  eaePrk.fill(0);
  return sharedSecret;
}

/** Output of {@link encap}. */
export interface Encapsulation {
  readonly sharedSecret: Uint8Array;
  readonly enc: Uint8Array;
}

/**
 * §4.1 `Encap(pkR)`: ephemeral `(skE, pkE) = DeriveKeyPair(rng(32))`, `dh = DH(skE, pkR)`,
 * `enc = pkE`, `shared_secret = ExtractAndExpand(dh, enc ‖ pkR)`.
 * Throws {@link ParameterError} `hpke.publicKey` if `pkR` is a low-order point.
 */
export function encap(recipientPublicKey: Uint8Array, rng: Rng = defaultRng): Encapsulation {
  const pkRm = copyBytes(checkBytes('recipientPublicKey', recipientPublicKey, HPKE_N_PK));
  const eph = generateKeyPair(rng);
  try {
    const z = dh(
      eph.secretKey,
      pkRm,
      (cause) =>
        new ParameterError(
          'hpke.publicKey',
          'recipient public key is a low-order X25519 point (all-zero DH output, RFC 9180 §7.1.4)',
          { cause },
        ),
    );
    const enc = copyBytes(eph.publicKey);
    const sharedSecret = extractAndExpand(z, concatBytes(enc, pkRm));
    z.fill(0);
    return Object.freeze({ sharedSecret, enc });
  } finally {
    eph.secretKey.fill(0);
  }
}

/**
 * §4.1 `Decap(enc, skR)`: `dh = DH(skR, enc)`, `shared_secret = ExtractAndExpand(dh, enc ‖
 * pk(skR))`. Throws {@link DecodeError} `hpke.enc` if `enc` is a low-order point.
 */
export function decap(enc: Uint8Array, recipientSecretKey: Uint8Array): Uint8Array {
  const e = copyBytes(checkBytes('enc', enc, HPKE_N_ENC));
  const skR = copyBytes(checkBytes('recipientSecretKey', recipientSecretKey, HPKE_N_SK));
  try {
    const z = dh(
      skR,
      e,
      (cause) =>
        new DecodeError(
          'hpke.enc',
          '"enc" is a low-order X25519 point (all-zero DH output, RFC 9180 §7.1.4)',
          { cause },
        ),
    );
    const sharedSecret = extractAndExpand(z, concatBytes(e, x25519.getPublicKey(skR)));
    z.fill(0);
    return sharedSecret;
  } finally {
    skR.fill(0);
  }
}

// ── §5.1 Key schedule (mode_base) ───────────────────────────────────────────────────────────────

/** The secrets `KeySchedule` derives (§5.1). */
export interface HpkeKeySchedule {
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

/**
 * §5.1 `KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "")`:
 * `key_schedule_context = mode ‖ LabeledExtract("", "psk_id_hash", "") ‖
 * LabeledExtract("", "info_hash", info)`, `secret = LabeledExtract(shared_secret, "secret", "")`,
 * then `key`, `base_nonce`, `exporter_secret` by `LabeledExpand` with labels `key`, `base_nonce`,
 * `exp`. (`VerifyPSKInputs` holds trivially: base mode, no PSK.)
 */
export function keyScheduleBase(sharedSecret: Uint8Array, info: Uint8Array): HpkeKeySchedule {
  checkBytes('sharedSecret', sharedSecret, HPKE_N_SECRET);
  checkBytes('info', info);
  const pskIdHash = labeledExtract(HPKE_SUITE_ID, EMPTY, LABEL.pskIdHash, EMPTY);
  const infoHash = labeledExtract(HPKE_SUITE_ID, EMPTY, LABEL.infoHash, copyBytes(info));
  const ctx = concatBytes(Uint8Array.of(HPKE_MODE_BASE), pskIdHash, infoHash);
  const secret = labeledExtract(HPKE_SUITE_ID, copyBytes(sharedSecret), LABEL.secret, EMPTY);
  const key = labeledExpand(HPKE_SUITE_ID, secret, LABEL.key, ctx, HPKE_N_K);
  const baseNonce = labeledExpand(HPKE_SUITE_ID, secret, LABEL.baseNonce, ctx, HPKE_N_N);
  const exporterSecret = labeledExpand(HPKE_SUITE_ID, secret, LABEL.exp, ctx, HPKE_N_H);
  secret.fill(0);
  return Object.freeze({ key, baseNonce, exporterSecret });
}

// ── §5.2, §5.3 Encryption contexts ──────────────────────────────────────────────────────────────

/** State shared by both roles: the key schedule and the sequence number `seq`. */
abstract class HpkeContext {
  readonly #key: Uint8Array;
  readonly #baseNonce: Uint8Array;
  readonly #exporterSecret: Uint8Array;
  #seq = 0n;
  #destroyed = false;

  constructor(ks: HpkeKeySchedule) {
    this.#key = copyBytes(ks.key);
    this.#baseNonce = copyBytes(ks.baseNonce);
    this.#exporterSecret = copyBytes(ks.exporterSecret);
  }

  /** The sequence number of the next message. */
  get seq(): bigint {
    return this.#seq;
  }

  #alive(): void {
    if (this.#destroyed) throw new StateError('hpke.destroyed', 'HPKE context: destroyed');
  }

  /**
   * The AEAD under `ComputeNonce(seq) = xor(base_nonce, I2OSP(seq, Nn))` (§5.2). Refuses the
   * last sequence number, as the RFC's `IncrementSeq` does after it: a nonce is never reused.
   */
  protected aeadAtSeq(aad: Uint8Array): ReturnType<typeof chacha20poly1305> {
    this.#alive();
    if (this.#seq >= MAX_SEQ) {
      throw new StateError('hpke.seq', 'HPKE context: message limit reached (RFC 9180 §5.2)');
    }
    const nonce = i2osp(this.#seq, HPKE_N_N);
    for (let i = 0; i < HPKE_N_N; i++) {
      nonce[i] = (nonce[i] as number) ^ (this.#baseNonce[i] as number);
    }
    return chacha20poly1305(this.#key, nonce, aad);
  }

  /** §5.2 `IncrementSeq()`, after a successful `Seal` / `Open`. */
  protected incrementSeq(): void {
    this.#seq += 1n;
  }

  /** §5.3 `Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", ctx, L)`. */
  export(exporterContext: Uint8Array, L: number): Uint8Array {
    checkBytes('exporterContext', exporterContext);
    this.#alive();
    return labeledExpand(
      HPKE_SUITE_ID,
      this.#exporterSecret,
      LABEL.sec,
      copyBytes(exporterContext),
      L,
    );
  }

  /** Overwrite the context's secrets (best effort in JavaScript); later calls throw. */
  destroy(): void {
    this.#destroyed = true;
    this.#key.fill(0);
    this.#baseNonce.fill(0);
    this.#exporterSecret.fill(0);
  }
}

/** §5.2 sender context: `Seal(aad, pt)` and `Export`. */
export class HpkeSenderContext extends HpkeContext {
  /** §5.2 `ContextS.Seal(aad, pt)`: encrypts under `ComputeNonce(seq)`, then `seq += 1`. */
  seal(plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    checkBytes('plaintext', plaintext);
    checkBytes('aad', aad);
    const ct = this.aeadAtSeq(copyBytes(aad)).encrypt(copyBytes(plaintext));
    this.incrementSeq();
    return ct;
  }
}

/** §5.2 recipient context: `Open(aad, ct)` and `Export`. */
export class HpkeRecipientContext extends HpkeContext {
  /**
   * §5.2 `ContextR.Open(aad, ct)`: `seq` advances only on success. A ciphertext shorter than the
   * tag is {@link DecodeError} `decode.truncated`; a failed authentication is
   * {@link VerificationError} `hpke.open`.
   */
  open(ciphertext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
    checkBytes('ciphertext', ciphertext);
    checkBytes('aad', aad);
    if (ciphertext.length < HPKE_N_T) {
      throw new DecodeError(
        'decode.truncated',
        `HPKE ciphertext: ${ciphertext.length} bytes, shorter than the ${HPKE_N_T}-byte tag`,
      );
    }
    const aead = this.aeadAtSeq(copyBytes(aad));
    let pt: Uint8Array;
    try {
      pt = aead.decrypt(copyBytes(ciphertext));
    } catch (e) {
      throw new VerificationError('hpke.open', 'HPKE ciphertext: authentication failed', {
        cause: e,
      });
    }
    this.incrementSeq();
    return pt;
  }
}

/** §5.1.1 `SetupBaseS(pkR, info)`: `(enc, context)`. */
export function setupBaseS(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  rng: Rng = defaultRng,
): { readonly enc: Uint8Array; readonly ctx: HpkeSenderContext } {
  checkBytes('recipientPublicKey', recipientPublicKey, HPKE_N_PK);
  checkBytes('info', info);
  const infoCopy = copyBytes(info);
  const { sharedSecret, enc } = encap(recipientPublicKey, rng);
  const ks = keyScheduleBase(sharedSecret, infoCopy);
  sharedSecret.fill(0);
  const ctx = new HpkeSenderContext(ks);
  wipeSchedule(ks);
  return Object.freeze({ enc, ctx });
}

/** §5.1.1 `SetupBaseR(enc, skR, info)`. */
export function setupBaseR(
  enc: Uint8Array,
  recipientSecretKey: Uint8Array,
  info: Uint8Array,
): HpkeRecipientContext {
  checkBytes('enc', enc, HPKE_N_ENC);
  checkBytes('recipientSecretKey', recipientSecretKey, HPKE_N_SK);
  checkBytes('info', info);
  const infoCopy = copyBytes(info);
  const sharedSecret = decap(enc, recipientSecretKey);
  const ks = keyScheduleBase(sharedSecret, infoCopy);
  sharedSecret.fill(0);
  const ctx = new HpkeRecipientContext(ks);
  wipeSchedule(ks);
  return ctx;
}

function wipeSchedule(ks: HpkeKeySchedule): void {
  ks.key.fill(0);
  ks.baseNonce.fill(0);
  ks.exporterSecret.fill(0);
}

// ── §6 Single-shot APIs ────────────────────────────────────────────────────────────────────────

/** §6.1 `SealBase(pkR, info, aad, pt)`: `(enc, ct)`. */
export function sealBase(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  rng: Rng = defaultRng,
): { readonly enc: Uint8Array; readonly ct: Uint8Array } {
  checkBytes('aad', aad);
  checkBytes('plaintext', plaintext);
  const { enc, ctx } = setupBaseS(recipientPublicKey, info, rng);
  try {
    return Object.freeze({ enc, ct: ctx.seal(plaintext, aad) });
  } finally {
    ctx.destroy();
  }
}

/** §6.1 `OpenBase(enc, skR, info, aad, ct)`. */
export function openBase(
  enc: Uint8Array,
  recipientSecretKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  checkBytes('aad', aad);
  checkBytes('ciphertext', ciphertext);
  const ctx = setupBaseR(enc, recipientSecretKey, info);
  try {
    return ctx.open(ciphertext, aad);
  } finally {
    ctx.destroy();
  }
}

/** §6.2 `SendExportBase(pkR, info, exporter_context, L)`: `(enc, exported)`. */
export function sendExportBase(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  exporterContext: Uint8Array,
  L: number,
  rng: Rng = defaultRng,
): { readonly enc: Uint8Array; readonly exported: Uint8Array } {
  checkBytes('exporterContext', exporterContext);
  checkInt('L', L, 0, MAX_EXPAND);
  const { enc, ctx } = setupBaseS(recipientPublicKey, info, rng);
  try {
    return Object.freeze({ enc, exported: ctx.export(exporterContext, L) });
  } finally {
    ctx.destroy();
  }
}

/** §6.2 `ReceiveExportBase(enc, skR, info, exporter_context, L)`. */
export function receiveExportBase(
  enc: Uint8Array,
  recipientSecretKey: Uint8Array,
  info: Uint8Array,
  exporterContext: Uint8Array,
  L: number,
): Uint8Array {
  checkBytes('exporterContext', exporterContext);
  checkInt('L', L, 0, MAX_EXPAND);
  const ctx = setupBaseR(enc, recipientSecretKey, info);
  try {
    return ctx.export(exporterContext, L);
  } finally {
    ctx.destroy();
  }
}
