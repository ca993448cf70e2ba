/**
 * `expand_message_xmd` (RFC 9380 §5.3.1) prepared for one DST, for the hashes computed once per
 * list element: the DLEQ composite weights (RFC 9497 `HashToScalar`, SPEC §2.1).
 *
 * For a fixed DST, the first hash input starts with `Z_pad` (one full block of zeros) and ends
 * with `I2OSP(len_in_bytes, 2) ‖ 0x00 ‖ DST_prime`. The expander absorbs `Z_pad` once and copies
 * that hash state per message, saving one compression per call; it also builds no temporary
 * arrays. Outputs are byte-for-byte RFC 9380's (tests: RFC 9380 Appendix K.1 and K.3 vectors,
 * and a comparison with noble's `expand_message_xmd`, test/xmd.test.ts).
 * @module
 */
import type { CHash } from '@noble/hashes/utils.js';
import { concatBytes } from './utils.js';

const OVERSIZE = new TextEncoder().encode('H2C-OVERSIZE-DST-');

/** `msg ↦ expand_message_xmd(msg, dst, lenInBytes)` with hash `H` (a noble hash). */
export function xmdExpander(
  H: CHash,
  dst: Uint8Array,
  lenInBytes: number,
): (msg: Uint8Array) => Uint8Array {
  if (!(dst instanceof Uint8Array) || dst.length === 0) {
    throw new RangeError('expand_message_xmd: DST must be non-empty bytes');
  }
  const b = H.outputLen;
  const ell = Math.ceil(lenInBytes / b);
  if (!Number.isInteger(lenInBytes) || lenInBytes < 1 || lenInBytes > 65535 || ell > 255) {
    throw new RangeError('expand_message_xmd: invalid output length');
  }
  // RFC 9380 §5.3.3: a DST longer than 255 bytes is replaced by its hash.
  const d = dst.length > 255 ? H(concatBytes(OVERSIZE, dst)) : dst;
  const dstPrime = concatBytes(d, Uint8Array.of(d.length));
  // Tail of the first input: I2OSP(len_in_bytes, 2) ‖ I2OSP(0, 1) ‖ DST_prime.
  const tail0 = concatBytes(Uint8Array.of(lenInBytes >> 8, lenInBytes & 0xff, 0), dstPrime);
  const afterZpad = H.create().update(new Uint8Array(H.blockLen));
  // Input of b_1: b_0 ‖ 0x01 ‖ DST_prime; of b_i, i ≥ 2: (b_0 XOR b_(i-1)) ‖ I2OSP(i, 1) ‖ DST_prime.
  const bi = new Uint8Array(b + 1 + dstPrime.length);
  bi.set(dstPrime, b + 1);
  return (msg: Uint8Array): Uint8Array => {
    const b0 = afterZpad.clone().update(msg).update(tail0).digest();
    const out = new Uint8Array(ell * b);
    let prev: Uint8Array = b0;
    for (let i = 1; i <= ell; i++) {
      if (i === 1) bi.set(b0, 0);
      else for (let j = 0; j < b; j++) bi[j] = (b0[j] as number) ^ (prev[j] as number);
      bi[b] = i;
      prev = H(bi);
      out.set(prev, (i - 1) * b);
    }
    return ell * b === lenInBytes ? out : out.slice(0, lenInBytes);
  };
}
