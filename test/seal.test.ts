/**
 * Reviewer sealing (src/seal.ts): RFC 9180 known answers for the exact HPKE suite, round trips,
 * fixed lengths, and rejection of wrong keys, wrong bindings and tampering.
 */

import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError, VerificationError } from '../src/errors.js';
import {
  deriveReviewerKeyPair,
  generateReviewerKeyPair,
  openAsReviewer,
  reviewerPublicKey,
  sealedLength,
  sealedReviewerCount,
  sealToReviewers,
} from '../src/seal.js';
import { bytesToHex, hexToBytes } from '../src/utils.js';
import { seededRng } from './helpers/rng.js';
import V from './vectors/rfc9180-x25519-sha256-chacha20poly1305.json' with { type: 'json' };

const SLOW = !!process.env.QPSI_SLOW;

const ab = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

async function rejects(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected rejection');
}

describe('RFC 9180 A.2.1 known answers (mode 0, kem 0x0020, kdf 0x0001, aead 0x0003)', () => {
  const suite = new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });

  it('is the vector for this suite', () => {
    expect([V.mode, V.kem_id, V.kdf_id, V.aead_id]).toEqual([0, 0x20, 0x01, 0x03]);
    expect([suite.kem.id, suite.kdf.id, suite.aead.id]).toEqual([0x20, 0x01, 0x03]);
  });

  it('DeriveKeyPair(ikmR) and DeriveKeyPair(ikmE) give the vector keys', async () => {
    const r = await deriveReviewerKeyPair(hexToBytes(V.ikmR));
    expect(bytesToHex(r.publicKey)).toBe(V.pkRm);
    expect(bytesToHex(r.secretKey)).toBe(V.skRm);
    expect(bytesToHex(reviewerPublicKey(r.secretKey))).toBe(V.pkRm);
    const e = await deriveReviewerKeyPair(hexToBytes(V.ikmE));
    expect(bytesToHex(e.publicKey)).toBe(V.pkEm);
    expect(bytesToHex(e.secretKey)).toBe(V.skEm);
  });

  it('sender with ikmE reproduces enc, every ciphertext and the export', async () => {
    const pkR = await suite.kem.deserializePublicKey(ab(hexToBytes(V.pkRm)));
    const sender = await suite.createSenderContext({
      recipientPublicKey: pkR,
      info: ab(hexToBytes(V.info)),
      ekm: ab(hexToBytes(V.ikmE)),
    });
    expect(bytesToHex(new Uint8Array(sender.enc))).toBe(V.enc);
    for (const x of V.encryptions) {
      const ct = await sender.seal(ab(hexToBytes(x.pt)), ab(hexToBytes(x.aad)));
      expect(bytesToHex(new Uint8Array(ct))).toBe(x.ct);
    }
    for (const x of V.exports) {
      const v = await sender.export(ab(hexToBytes(x.exporter_context)), x.L);
      expect(bytesToHex(new Uint8Array(v))).toBe(x.exported_value);
    }
  });

  it('recipient with skRm opens every ciphertext', async () => {
    const skR = await suite.kem.deserializePrivateKey(ab(hexToBytes(V.skRm)));
    const recipient = await suite.createRecipientContext({
      recipientKey: skR,
      enc: ab(hexToBytes(V.enc)),
      info: ab(hexToBytes(V.info)),
    });
    for (const x of V.encryptions) {
      const pt = await recipient.open(ab(hexToBytes(x.ct)), ab(hexToBytes(x.aad)));
      expect(bytesToHex(new Uint8Array(pt))).toBe(x.pt);
    }
  });
});

describe('sealToReviewers / openAsReviewer', () => {
  const info = new TextEncoder().encode('database-id-0001');

  it('every reviewer opens; lengths are fixed', async () => {
    const keys = await Promise.all(
      [0, 1, 2].map((i) => generateReviewerKeyPair(seededRng(`rk${i}`))),
    );
    for (const n of [1, 2, 3]) {
      for (const len of [0, 1, 100]) {
        const pt = seededRng(`pt${n}/${len}`)(len);
        const sealed = await sealToReviewers(
          keys.slice(0, n).map((k) => k.publicKey),
          pt,
          info,
        );
        expect(sealed.length).toBe(sealedLength(len, n));
        expect(sealed.length).toBe(2 + 80 * n + len + 16);
        expect(sealedReviewerCount(sealed)).toBe(n);
        for (let i = 0; i < n; i++) {
          const k = keys[i] as (typeof keys)[number];
          expect(await openAsReviewer(k.secretKey, i, sealed, info)).toEqual(pt);
        }
      }
    }
  });

  it('is reproducible byte for byte with an injected rng, fresh without', async () => {
    const keys = await Promise.all([0, 1].map((i) => generateReviewerKeyPair(seededRng(`rk${i}`))));
    const pks = keys.map((k) => k.publicKey);
    const pt = new Uint8Array(40).fill(7);
    const a = await sealToReviewers(pks, pt, info, seededRng('s'));
    const b = await sealToReviewers(pks, pt, info, seededRng('s'));
    expect(a).toEqual(b);
    const c = await sealToReviewers(pks, pt, info);
    const d = await sealToReviewers(pks, pt, info);
    expect(c).not.toEqual(d);
    expect(c.length).toBe(a.length);
  });

  it('a wrong key, wrong index or wrong info fails with VerificationError', async () => {
    const [k0, k1, other] = await Promise.all(
      ['a', 'b', 'c'].map((s) => generateReviewerKeyPair(seededRng(s))),
    );
    if (!k0 || !k1 || !other) throw new Error('unreachable');
    const sealed = await sealToReviewers([k0.publicKey, k1.publicKey], new Uint8Array(32), info);
    expect(await rejects(openAsReviewer(other.secretKey, 0, sealed, info))).toBeInstanceOf(
      VerificationError,
    );
    expect(await rejects(openAsReviewer(k0.secretKey, 1, sealed, info))).toBeInstanceOf(
      VerificationError,
    );
    const wrongInfo = new TextEncoder().encode('database-id-0002');
    expect(await rejects(openAsReviewer(k0.secretKey, 0, sealed, wrongInfo))).toBeInstanceOf(
      VerificationError,
    );
    expect(await rejects(openAsReviewer(k0.secretKey, 2, sealed, info))).toBeInstanceOf(RangeError);
  });

  it('any single bit flip or truncation is rejected with a typed error', async () => {
    const [k0, k1] = await Promise.all(
      ['a', 'b'].map((s) => generateReviewerKeyPair(seededRng(s))),
    );
    if (!k0 || !k1) throw new Error('unreachable');
    const sealed = await sealToReviewers(
      [k0.publicKey, k1.publicKey],
      new Uint8Array(20).fill(1),
      info,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sealed.length * 8 - 1 }),
        fc.integer({ min: 0, max: 1 }),
        async (bit, who) => {
          const t = sealed.slice();
          t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
          const k = who === 0 ? k0 : k1;
          const e = await rejects(openAsReviewer(k.secretKey, who, t, info));
          expect(e instanceof VerificationError || e instanceof DecodeError).toBe(true);
        },
      ),
      { numRuns: SLOW ? 2000 : 150 },
    );
    for (const cut of [0, 1, 2, 81, sealed.length - 17, sealed.length - 1]) {
      const e = await rejects(openAsReviewer(k0.secretKey, 0, sealed.subarray(0, cut), info));
      expect(e instanceof VerificationError || e instanceof DecodeError).toBe(true);
    }
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect(await rejects(openAsReviewer(k0.secretKey, 0, longer, info))).toBeInstanceOf(
      VerificationError,
    );
  });

  it('rejects bad arguments and unusable reviewer keys', async () => {
    const k = await generateReviewerKeyPair(seededRng('a'));
    expect(await rejects(sealToReviewers([], new Uint8Array(1), info))).toBeInstanceOf(RangeError);
    expect(
      await rejects(sealToReviewers([new Uint8Array(31)], new Uint8Array(1), info)),
    ).toBeInstanceOf(RangeError);
    expect(
      await rejects(sealToReviewers([k.publicKey], new Uint8Array(1), new Uint8Array(65))),
    ).toBeInstanceOf(RangeError);
    // The all-zero X25519 point has small order: the DH output is zero and HPKE must refuse.
    expect(
      await rejects(sealToReviewers([new Uint8Array(32)], new Uint8Array(1), info)),
    ).toBeInstanceOf(ParameterError);
    expect(() => sealedLength(-1, 1)).toThrow(RangeError);
    expect(() => sealedLength(1, 0)).toThrow(RangeError);
  });
});
