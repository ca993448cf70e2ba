import {
  DB_ID_LENGTH,
  KIND,
  LABEL,
  MAX_ID_LENGTH,
  MAX_S_MAX,
  MAX_THRESHOLD,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, ParameterError } from '../core/errors.js';
import { sealedLength } from '../core/seal-format.js';
import { type Element, isRegisteredSuite, type Suite } from '../core/suite.js';
import { AEAD_KEY_LENGTH, AEAD_TAG_LENGTH, kdf, XNONCE_LENGTH } from '../core/symmetric.js';
import { checkBytes, concatBytes } from '../core/utils.js';
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

// Stored-state integrity lives in core (src/core/state.ts), shared with the quorum's states.
export { appendChecksum, verifyChecksum } from '../core/state.js';

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
