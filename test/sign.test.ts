/**
 * Statement signatures (src/core/sign.ts): RFC 8032 test 1 as a sanity check of the primitive, the
 * exact statement encoding, label separation, bit flips and wrong keys.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIG_LABEL } from '../src/core/constants.js';
import {
  generateSigningKeyPair,
  signingPublicKey,
  signStatement,
  statementMessage,
  verifyStatement,
} from '../src/core/sign.js';
import { bytesToHex, hexToBytes } from '../src/core/utils.js';

const SLOW = !!process.env.QPSI_SLOW;

// RFC 8032 §7.1, TEST 1 (empty message).
const RFC8032_T1 = {
  secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

describe('Ed25519 primitive (RFC 8032 §7.1 TEST 1)', () => {
  it('reproduces the public key and signature, and verifies strictly', () => {
    const sk = hexToBytes(RFC8032_T1.secretKey);
    expect(bytesToHex(signingPublicKey(sk))).toBe(RFC8032_T1.publicKey);
    const sig = ed25519.sign(new Uint8Array(0), sk);
    expect(bytesToHex(sig)).toBe(RFC8032_T1.signature);
    expect(
      ed25519.verify(sig, new Uint8Array(0), hexToBytes(RFC8032_T1.publicKey), { zip215: false }),
    ).toBe(true);
  });
});

describe('signStatement / verifyStatement', () => {
  const kp = generateSigningKeyPair(() => new Uint8Array(32).fill(3));
  const body = new TextEncoder().encode('statement body');

  it('signs exactly "quorum-psi-v1-sig-" ‖ label ‖ 0x00 ‖ body', () => {
    const msg = statementMessage('ngo-contribution', body);
    expect(new TextDecoder().decode(msg.subarray(0, 18))).toBe('quorum-psi-v1-sig-');
    expect(new TextDecoder().decode(msg.subarray(18, 34))).toBe('ngo-contribution');
    expect(msg[34]).toBe(0);
    expect(msg.subarray(35)).toEqual(body);
    const sig = signStatement(kp.secretKey, 'ngo-contribution', body);
    expect(ed25519.verify(sig, msg, kp.publicKey)).toBe(true);
    expect(verifyStatement(kp.publicKey, 'ngo-contribution', body, sig)).toBe(true);
  });

  it('separates labels (a signature under one label is invalid under every other)', () => {
    const labels = Object.values(SIG_LABEL);
    for (const a of labels) {
      const sig = signStatement(kp.secretKey, a, body);
      for (const b of labels) expect(verifyStatement(kp.publicKey, b, body, sig)).toBe(a === b);
    }
    // Moving bytes between label and body does not produce a valid statement either.
    const sig = signStatement(kp.secretKey, 'ab', new TextEncoder().encode('c'));
    expect(verifyStatement(kp.publicKey, 'a', new TextEncoder().encode('bc'), sig)).toBe(false);
    expect(verifyStatement(kp.publicKey, 'abc', new Uint8Array(0), sig)).toBe(false);
  });

  it('any bit flip in signature or body, or a wrong key, fails', () => {
    const sig = signStatement(kp.secretKey, SIG_LABEL.manifest, body);
    const other = generateSigningKeyPair(() => new Uint8Array(32).fill(4));
    expect(verifyStatement(other.publicKey, SIG_LABEL.manifest, body, sig)).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 8 + body.length * 8 - 1 }), (bit) => {
        const s = sig.slice();
        const b = body.slice();
        if (bit < 512) s[bit >> 3] = (s[bit >> 3] as number) ^ (1 << (bit & 7));
        else b[(bit - 512) >> 3] = (b[(bit - 512) >> 3] as number) ^ (1 << (bit & 7));
        expect(verifyStatement(kp.publicKey, SIG_LABEL.manifest, b, s)).toBe(false);
      }),
      { numRuns: SLOW ? 3000 : 300 },
    );
  });

  it('never throws on malformed keys or signatures; rejects non-canonical s', () => {
    const sig = signStatement(kp.secretKey, SIG_LABEL.manifest, body);
    for (const pk of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(32).fill(0xff), null]) {
      expect(verifyStatement(pk as Uint8Array, SIG_LABEL.manifest, body, sig)).toBe(false);
    }
    for (const s of [
      new Uint8Array(0),
      new Uint8Array(63),
      new Uint8Array(64).fill(0xff),
      undefined,
    ]) {
      expect(verifyStatement(kp.publicKey, SIG_LABEL.manifest, body, s as Uint8Array)).toBe(false);
    }
    // s + L: same group equation, rejected by strict RFC 8032 (malleability).
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i] as number);
    const s2 = s + L;
    const mall = sig.slice();
    let v = s2;
    for (let i = 32; i < 64; i++) {
      mall[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    if (v === 0n) expect(verifyStatement(kp.publicKey, SIG_LABEL.manifest, body, mall)).toBe(false);
  });

  it('rejects malformed labels as programmer errors', () => {
    expect(() => signStatement(kp.secretKey, '', body)).toThrow(RangeError);
    expect(() => signStatement(kp.secretKey, 'a\u0000b', body)).toThrow(RangeError);
    expect(() => signStatement(kp.secretKey, 'Upper', body)).toThrow(RangeError);
    expect(() => signStatement(new Uint8Array(31), 'x', body)).toThrow(RangeError);
  });
});
