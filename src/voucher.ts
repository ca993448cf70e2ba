/**
 * Voucher wire format and lengths (SPEC §6 step 5; docs/wire-format.md "Voucher").
 *
 * ```
 * voucher = header(kind 0x02, suite) ‖ database id (16) ‖ u8 |id| ‖ id
 *         ‖ slot_a ‖ slot_b ‖ rct
 * slot    = Q (Ne) ‖ ct (48 = AEAD(slot key, rkey) : 32 + 16)
 * rct     = AEAD(rkey, r ‖ adct ‖ x ‖ y)      (single-use key, zero nonce)
 * r       = (s + 1) × u64 big-endian           (x', r_1 … r_s), each < ℓ
 * adct    = nonce (24) ‖ AEAD(adkey-key, ad)   ad = padded payload, sealed to the reviewers
 * ```
 *
 * Every voucher of a database, real or synthetic, matching or not, has the same length for the
 * same id length: every length above depends only on the public parameters.
 * @module
 */
import { DB_ID_LENGTH, KIND, MAX_ID_LENGTH } from './constants.js';
import { decodeWith, Writer } from './encoding.js';
import { DecodeError } from './errors.js';
import type { Suite } from './group.js';
import type { VoucherParams } from './pdata.js';
import { sealedLength } from './seal.js';
import { AEAD_KEY_LENGTH, AEAD_TAG_LENGTH, XNONCE_LENGTH } from './symmetric.js';

/** Serialized voucher. */
export type VoucherBytes = Uint8Array;

/** Length of a slot ciphertext: the 32-byte `rkey` plus a tag. */
export const SLOT_CT_LENGTH = AEAD_KEY_LENGTH + AEAD_TAG_LENGTH;

/** Padded payload length: `u16 length ‖ payload ‖ zeros`. */
export function paddedLength(params: VoucherParams): number {
  return params.payloadSize + 2;
}

/** Length of `ad`: the padded payload, sealed to the reviewers when there are any. */
export function adLength(params: VoucherParams): number {
  const n = params.reviewerKeys.length;
  return n === 0 ? paddedLength(params) : sealedLength(paddedLength(params), n);
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
    2 * (suite.elementLength + SLOT_CT_LENGTH) +
    rctLength(suite, params)
  );
}

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
  readonly slots: readonly [VoucherSlot, VoucherSlot];
  readonly rct: Uint8Array;
}

/** Encode a voucher. */
export function encodeVoucher(v: VoucherEnvelope): VoucherBytes {
  const w = new Writer()
    .header(KIND.voucher, v.suite)
    .bytes(v.databaseId)
    .u8(v.id.length)
    .bytes(v.id);
  for (const s of v.slots) w.bytes(s.Q).bytes(s.ct);
  return w.bytes(v.rct).finish();
}

/** Largest `rct` accepted by the envelope decoder (the server then checks the exact length). */
const MAX_RCT = 1 << 20;

/**
 * Decode a voucher envelope strictly: header, id length in `[1, 64]`, slot lengths; `rct` is
 * the rest (its exact length is checked against the database's parameters by the server).
 * `Q` is not decoded here (the server decodes it as part of the slot check).
 */
export function decodeVoucher(bytes: Uint8Array): VoucherEnvelope {
  return decodeWith('voucher', bytes, (r) => {
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
    const slot = (): VoucherSlot => ({
      Q: r.bytes(suite.elementLength),
      ct: r.bytes(SLOT_CT_LENGTH),
    });
    const slots: [VoucherSlot, VoucherSlot] = [slot(), slot()];
    if (r.remaining < AEAD_TAG_LENGTH || r.remaining > MAX_RCT) {
      throw new DecodeError('decode.length', `voucher: rct of ${r.remaining} bytes`);
    }
    const rct = r.bytes(r.remaining);
    return { suite, databaseId, id, slots, rct };
  });
}
