/**
 * RFC 9380 known-answer tests (test/vectors/README.md):
 * - `expand_message_xmd` with SHA-256 and SHA-512 (Appendix K.1 / K.3), the primitive both
 *   suites' `hashToGroup` (noble's implementation) and `hashToScalar` (src/core/xmd.ts, prepared
 *   per DST) stand on: both implementations against every vector;
 * - `P256_XMD:SHA-256_SSWU_RO_` hash-to-curve (Appendix J.1.1) through this library's
 *   `p256Sha256.hashToGroup`, including the intermediate field elements `u` and the mapped
 *   points `Q0`, `Q1`.
 */
import { expand_message_xmd, hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { p256_hasher } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { type Element, p256Sha256 } from '../src/core/group.js';
import { xmdExpander } from '../src/core/xmd.js';
import xmd256 from './vectors/rfc9380-expand_message_xmd_SHA256_38.json' with { type: 'json' };
import xmd512 from './vectors/rfc9380-expand_message_xmd_SHA512_38.json' with { type: 'json' };
import p256Vectors from './vectors/rfc9380-P256_XMD-SHA-256_SSWU_RO.json' with { type: 'json' };

const xmdFiles = [
  { file: xmd256, hash: sha256, name: 'SHA256' },
  { file: xmd512, hash: sha512, name: 'SHA512' },
];

describe('RFC 9380 K.1/K.3: expand_message_xmd', () => {
  for (const { file, hash, name } of xmdFiles) {
    describe(`expand_message_xmd(${name}), DST ${file.DST}`, () => {
      it('vector file is what we think it is', () => {
        expect(file.name).toBe('expand_message_xmd');
        expect(file.hash).toBe(name);
        expect(file.tests).toHaveLength(10);
      });

      for (const t of file.tests) {
        const len = Number.parseInt(t.len_in_bytes, 16);
        it(`msg ${JSON.stringify(t.msg.slice(0, 12))}${t.msg.length > 12 ? '…' : ''}, ${len} bytes`, () => {
          const dstBytes = utf8ToBytes(file.DST);
          // DST_prime = DST ‖ I2OSP(len(DST), 1): pins our reading of the DST field.
          expect(t.DST_prime).toBe(
            bytesToHex(dstBytes) + dstBytes.length.toString(16).padStart(2, '0'),
          );
          const out = expand_message_xmd(utf8ToBytes(t.msg), dstBytes, len, hash);
          expect(out).toHaveLength(len);
          expect(bytesToHex(out)).toBe(t.uniform_bytes);
          const ours = xmdExpander(hash, dstBytes, len)(utf8ToBytes(t.msg));
          expect(bytesToHex(ours)).toBe(t.uniform_bytes);
        });
      }
    });
  }
});

describe('RFC 9380 J.1.1: P256_XMD:SHA-256_SSWU_RO_ via p256Sha256.hashToGroup', () => {
  const dstBytes = utf8ToBytes(p256Vectors.dst);
  const big = (h: string) => BigInt(h);

  it('vector file is the P-256 random-oracle suite with the QUUX DST', () => {
    expect(p256Vectors.ciphersuite).toBe('P256_XMD:SHA-256_SSWU_RO_');
    expect(p256Vectors.dst).toBe('QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_');
    expect(p256Vectors.vectors).toHaveLength(5);
  });

  for (const v of p256Vectors.vectors) {
    it(`msg ${JSON.stringify(v.msg.slice(0, 12))}${v.msg.length > 12 ? '…' : ''}`, () => {
      const msg = utf8ToBytes(v.msg);
      const P = p256Sha256.hashToGroup(msg, dstBytes);
      const { x, y } = P.toAffine();
      expect(x).toBe(big(v.P.x));
      expect(y).toBe(big(v.P.y));

      // Intermediate steps: hash_to_field gives u0, u1; map_to_curve gives Q0, Q1; P = Q0 + Q1.
      const u = hash_to_field(msg, 2, { ...p256_hasher.defaults, DST: dstBytes });
      expect(u.map((e) => e[0])).toEqual(v.u.map(big));
      // For m = 1 noble's mapToCurve takes one field element (its type says bigint[]).
      const mapToCurve = p256_hasher.mapToCurve as unknown as (u: bigint) => Element;
      const Q = u.map((e) => mapToCurve(e[0] as bigint));
      const Qv = [v.Q0, v.Q1];
      Q.forEach((Qi, i) => {
        const a = Qi.toAffine();
        expect(a.x).toBe(big(Qv[i]?.x as string));
        expect(a.y).toBe(big(Qv[i]?.y as string));
      });
      expect((Q[0] as Element).add(Q[1] as Element).equals(P)).toBe(true);

      // The 33-byte compressed encoding carries x and the parity of y, and decodes back to P.
      const enc = p256Sha256.encode(P);
      expect(enc[0]).toBe(y % 2n === 0n ? 0x02 : 0x03);
      expect(bytesToHex(enc.subarray(1))).toBe(v.P.x.slice(2));
      expect(p256Sha256.decode(enc).equals(P)).toBe(true);
    });
  }

  it('the DST is bound: another DST maps the same message elsewhere', () => {
    const msg = utf8ToBytes('abc');
    const other = utf8ToBytes('QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO-');
    expect(p256Sha256.hashToGroup(msg, dstBytes).equals(p256Sha256.hashToGroup(msg, other))).toBe(
      false,
    );
  });
});
