/**
 * Voucher wire format, lengths, and what the client and the server both derive from a voucher
 * (SPEC §6 steps 1-5 with v2 "single slot", §7; docs/wire-format.md "Voucher").
 *
 * ```
 * voucher = header(kind 0x02, suite) ‖ database id (16) ‖ u8 |id| ‖ id ‖ slot ‖ rct
 * slot    = Q (Ne) ‖ ct (48 = AEAD(slot key, rkey) : 32 + 16)
 * rct     = AEAD(rkey, r ‖ adct ‖ x ‖ y)      (single-use key, zero nonce)
 * r       = (s + 1) × u64 big-endian           (x', r_1 … r_s), each < ℓ
 * adct    = nonce (24) ‖ AEAD(adkey-key, ad)   ad = seal(padded payload) to the reviewers,
 *                                              bound to (database id, id, context)
 * ```
 *
 * Every voucher of a database, real or synthetic, matching or not, has the same length for the
 * same id length: every length above depends only on the public parameters.
 *
 * Also here, because both roles need them and a role never imports another: the slot key and
 * the AADs of `rct` and `adct` (SPEC §6 steps 1, 3, 4), the payload padding (a reviewer unpads
 * after opening), and the integrity checksum that ends every stored state (SPEC v2 §6, §7).
 * @module voucher
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  DB_ID_LENGTH,
  KIND,
  KIND_NAME,
  LABEL,
  MAGIC,
  MAX_ID_LENGTH,
  MAX_S_MAX,
  MAX_THRESHOLD,
  STATE_CHECKSUM_LABEL,
  STATE_CHECKSUM_LENGTH,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { sealedLength } from '../core/seal-format.js';
import { type Element, isRegisteredSuite, type Suite } from '../core/suite.js';
import { AEAD_KEY_LENGTH, AEAD_TAG_LENGTH, kdf, XNONCE_LENGTH } from '../core/symmetric.js';
import { checkBytes, concatBytes, equalBytes } from '../core/utils.js';
import type { VoucherParams } from '../database/pdata.js';

/** Serialized voucher. */
export type VoucherBytes = Uint8Array;

/** Length of a slot ciphertext: the 32-byte `rkey` plus a tag. */
export const SLOT_CT_LENGTH = AEAD_KEY_LENGTH + AEAD_TAG_LENGTH;

/** Padded payload length: `u16 length ‖ payload ‖ zeros`. */
export function paddedLength(params: VoucherParams): number {
  return params.payloadSize + 2;
}

/**
 * Length of `ad`: the padded payload sealed to the database's reviewer keys (every database
 * names at least one, SPEC v2 §5).
 */
export function adLength(params: VoucherParams): number {
  return sealedLength(paddedLength(params), params.reviewerKeys.length);
}

/**
 * Pad a payload to the database's payload size (SPEC §6 step 1): `u16 |payload| ‖ payload ‖
 * zeros`, {@link paddedLength} bytes. `RangeError` if the payload is longer than the size.
 */
export function padPayload(params: VoucherParams, payload: Uint8Array): Uint8Array {
  checkBytes('payload', payload);
  if (payload.length > params.payloadSize) {
    throw new RangeError(
      `"payload" is ${payload.length} bytes, the database allows ${params.payloadSize}`,
    );
  }
  const padded = new Uint8Array(paddedLength(params));
  padded[0] = payload.length >>> 8;
  padded[1] = payload.length & 0xff;
  padded.set(payload, 2);
  return padded;
}

/**
 * Inverse of {@link padPayload}, for a reviewer after `openAsReviewer`: strict (the length must
 * fit and the padding must be zeros), a {@link DecodeError} otherwise. Returns a fresh copy.
 */
export function unpadPayload(padded: Uint8Array): Uint8Array {
  checkBytes('padded', padded);
  if (padded.length < 2) throw new DecodeError('decode.truncated', 'padded payload: truncated');
  const n = ((padded[0] as number) << 8) | (padded[1] as number);
  if (n > padded.length - 2)
    throw new DecodeError('decode.range', 'padded payload: length exceeds padding');
  for (let i = 2 + n; i < padded.length; i++) {
    if (padded[i] !== 0)
      throw new DecodeError('decode.invalid', 'padded payload: non-zero padding');
  }
  return Uint8Array.from(padded.subarray(2, 2 + n));
}

/** Length of `adct`. */
export function adctLength(params: VoucherParams): number {
  return XNONCE_LENGTH + adLength(params) + AEAD_TAG_LENGTH;
}

/** Length of the encoded DHF value `r = (x', r_1 … r_s)`. */
export function dhfValueLength(params: VoucherParams): number {
  return 8 * (params.sMax + 1);
}

/** Length of the `rct` plaintext `r ‖ adct ‖ x ‖ y`. */
export function rctPlaintextLength(suite: Suite, params: VoucherParams): number {
  return dhfValueLength(params) + adctLength(params) + 2 * suite.scalarLength;
}

/** Length of `rct`. */
export function rctLength(suite: Suite, params: VoucherParams): number {
  return rctPlaintextLength(suite, params) + AEAD_TAG_LENGTH;
}

/** Total voucher length for an id of `idLength` bytes. */
export function voucherLength(suite: Suite, params: VoucherParams, idLength: number): number {
  return (
    5 +
    DB_ID_LENGTH +
    1 +
    idLength +
    suite.elementLength +
    SLOT_CT_LENGTH +
    rctLength(suite, params)
  );
}

/**
 * The parameters both an account's client state and its server state pin (SPEC v2 §6, §7): a
 * suite of this library, `2 ≤ T ≤ MAX_THRESHOLD`, `0 ≤ s_max ≤ MAX_S_MAX`. Throws
 * {@link ParameterError} (`params.suite`, `params.threshold`, `params.sMax`).
 */
export function checkAccountParams(suite: unknown, threshold: unknown, sMax: unknown): void {
  if (!isRegisteredSuite(suite)) {
    throw new ParameterError('params.suite', "suite must be one of the library's suites");
  }
  const chk = (code: string, name: string, v: unknown, max: number, min: number) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new ParameterError(code, `${name} must be an integer in [${min}, ${max}], got ${v}`);
    }
  };
  chk('params.threshold', 'threshold', threshold, MAX_THRESHOLD, 2);
  chk('params.sMax', 'sMax', sMax, MAX_S_MAX, 0);
}

// ── Keys and associated data both roles derive (SPEC §6 steps 1, 3, 4; §7) ──────────────────

/** Slot key `KDF(S, suite id ‖ database id ‖ Q)` (SPEC §6 step 4, v2 single slot). */
export function slotKey(
  suite: Suite,
  dbId: Uint8Array,
  Qbytes: Uint8Array,
  S: Element,
): Uint8Array {
  return kdf(
    suite.encode(S),
    LABEL.slotKey,
    concatBytes(Uint8Array.of(suite.id), dbId, Qbytes),
    32,
  );
}

/** Associated data of `rct`: `database id ‖ u8 |id| ‖ id` (SPEC §6 step 3). */
export function rctAad(dbId: Uint8Array, id: Uint8Array): Uint8Array {
  return concatBytes(dbId, Uint8Array.of(id.length), id);
}

/** Associated data of `adct`: `0x61 ‖ database id ‖ u8 |id| ‖ id` (SPEC §6 step 1). */
export function adctAad(dbId: Uint8Array, id: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x61), dbId, Uint8Array.of(id.length), id);
}

// ── Stored-state integrity (SPEC v2 §6, §7; docs/wire-format.md "Integrity checksum") ──────

function stateChecksum(label: string, body: Uint8Array): Uint8Array {
  return sha256(concatBytes(new TextEncoder().encode(label), Uint8Array.of(0), body));
}

/** `body ‖ SHA-256(label ‖ 0x00 ‖ body)`: a stored state with its integrity checksum. */
export function appendChecksum(label: string, body: Uint8Array): Uint8Array {
  return concatBytes(body, stateChecksum(label, body));
}

/** The checksum label of each kind of stored state. */
const STATE_LABEL_BY_KIND: ReadonlyMap<number, string> = new Map([
  [KIND.accountState, STATE_CHECKSUM_LABEL.clientAccount],
  [KIND.serverAccountState, STATE_CHECKSUM_LABEL.serverAccount],
  [KIND.serverDatabaseSecret, STATE_CHECKSUM_LABEL.serverDatabase],
]);

/**
 * Copy `bytes` (never alias the caller's buffer), verify the checksum that ends it, and return
 * the body (a view of the private copy). Every failure is a {@link DecodeError}: `decode.truncated`
 * below the checksum's length, `decode.integrity` for a mismatch. `TypeError` for a non-byte array.
 */
export function verifyChecksum(
  what: string,
  label: string,
  bytes: Uint8Array,
  kind?: number,
): Uint8Array {
  checkBytes(what, bytes);
  const own = Uint8Array.from(bytes);
  if (own.length < STATE_CHECKSUM_LENGTH) {
    throw new DecodeError('decode.truncated', `${what}: shorter than its checksum`);
  }
  const body = own.subarray(0, own.length - STATE_CHECKSUM_LENGTH);
  const sum = own.subarray(body.length);
  if (!equalBytes(stateChecksum(label, body), sum)) {
    // Another kind of stored state (a person handed over the wrong file) is named as such, but
    // only when its own checksum proves it: a flipped kind byte is corruption, not another kind.
    const k = own.length > 2 && own[0] === MAGIC[0] && own[1] === MAGIC[1] ? own[2] : undefined;
    if (kind !== undefined && k !== undefined && k !== kind) {
      const name = (x: number) => KIND_NAME[x] ?? `an unknown object (kind 0x${x.toString(16)})`;
      const other = STATE_LABEL_BY_KIND.get(k);
      if (other !== undefined && equalBytes(stateChecksum(other, body), sum)) {
        throw new DecodeError('decode.kind', `${what}: this is ${name(k)}, not ${name(kind)}`);
      }
      throw new DecodeError(
        'decode.integrity',
        `${what}: checksum mismatch (its header names ${name(k)}: corrupted, or not ${name(kind)})`,
      );
    }
    throw new DecodeError(
      'decode.integrity',
      `${what}: checksum mismatch (corrupted, truncated or not this kind of state)`,
    );
  }
  return body;
}

// ── Envelope ─────────────────────────────────────────────────────────────────────────────────

/** A slot as carried on the wire (`Q` still encoded). */
export interface VoucherSlot {
  readonly Q: Uint8Array;
  readonly ct: Uint8Array;
}

/** A decoded voucher envelope (no cryptographic check yet). */
export interface VoucherEnvelope {
  readonly suite: Suite;
  readonly databaseId: Uint8Array;
  readonly id: Uint8Array;
  /** The voucher's one slot (SPEC v2 §6 "single slot"). */
  readonly slot: VoucherSlot;
  readonly rct: Uint8Array;
}

/** Encode a voucher. */
export function encodeVoucher(v: VoucherEnvelope): VoucherBytes {
  const w = new Writer()
    .header(KIND.voucher, v.suite)
    .bytes(v.databaseId)
    .u8(v.id.length)
    .bytes(v.id);
  return w.bytes(v.slot.Q).bytes(v.slot.ct).bytes(v.rct).finish();
}

/** Largest `rct` accepted by the envelope decoder (the server then checks the exact length). */
const MAX_RCT = 1 << 20;

/**
 * Decode a voucher envelope strictly: header, id length in `[1, 64]`, slot lengths; `rct` is
 * the rest (its exact length is checked against the database's parameters by the server).
 * `Q` is not decoded here (the server decodes it as part of the slot check). The input is copied
 * first: the envelope's fields are views of that private copy, never of the caller's buffer.
 */
export function decodeVoucher(bytes: Uint8Array): VoucherEnvelope {
  // A private copy: the envelope's fields never alias the caller's buffer.
  const own = bytes instanceof Uint8Array ? Uint8Array.from(bytes) : bytes;
  return decodeWith('voucher', own, (r) => {
    const suite = r.header(KIND.voucher) as Suite;
    const databaseId = r.bytes(DB_ID_LENGTH);
    const idLen = r.u8();
    if (idLen < 1 || idLen > MAX_ID_LENGTH) {
      throw new DecodeError(
        'decode.range',
        `voucher: id length ${idLen} outside [1, ${MAX_ID_LENGTH}]`,
      );
    }
    const id = r.bytes(idLen);
    const slot: VoucherSlot = { Q: r.bytes(suite.elementLength), ct: r.bytes(SLOT_CT_LENGTH) };
    if (r.remaining < AEAD_TAG_LENGTH || r.remaining > MAX_RCT) {
      throw new DecodeError('decode.length', `voucher: rct of ${r.remaining} bytes`);
    }
    const rct = r.bytes(r.remaining);
    return { suite, databaseId, id, slot, rct };
  });
}
