/**
 * src/core/hpke.ts: RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 /
 * ChaCha20-Poly1305, on noble alone. Known answers from RFC 9180 Appendix A.2.1
 * (test/vectors/rfc9180-x25519-sha256-chacha20poly1305.json), interoperability both ways with the
 * maintained hpke-js (`@hpke/core`, a dev dependency only), low-order key rejection, pooled
 * `Buffer` inputs, and the module's import list.
 */

import { readFileSync } from 'node:fs';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { numberToBytesLE } from '@noble/curves/utils.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DecodeError, ParameterError, StateError, VerificationError } from '../src/core/errors.js';
import {
  decap,
  deriveKeyPair,
  encap,
  generateKeyPair,
  HPKE_AEAD_ID,
  HPKE_KDF_ID,
  HPKE_KEM_ID,
  HPKE_SUITE_ID,
  KEM_SUITE_ID,
  keyScheduleBase,
  labeledExpand,
  labeledExtract,
  openBase,
  publicKeyOf,
  receiveExportBase,
  sealBase,
  sendExportBase,
  setupBaseR,
  setupBaseS,
} from '../src/core/hpke.js';
import { bytesToHex, concatBytes, hexToBytes, type Rng } from '../src/core/utils.js';
import { seededRng } from './helpers/rng.js';
import V from './vectors/rfc9180-x25519-sha256-chacha20poly1305.json' with { type: 'json' };

const SLOW = !!process.env.QPSI_SLOW;
const te = new TextEncoder();
const h = hexToBytes;
/** A fixed 32-byte "random" source: replays `ikm` (the RFC's ikmE procedure). */
const fixed =
  (ikm: Uint8Array): Rng =>
  () =>
    ikm.slice();

/** A plain `ArrayBuffer` copy for hpke-js. */
const ab = (b: Uint8Array): ArrayBuffer => Uint8Array.from(b).buffer;
const u8 = (b: ArrayBuffer): Uint8Array => new Uint8Array(b);

const theirs = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Chacha20Poly1305(),
});

/**
 * `bytes` copied into a `Buffer` view at byte offset 37 of a 4 KiB allocation whose other bytes
 * are 0xa5: `.buffer` is the whole allocation, so code that reads `.buffer` instead of the view
 * sees the wrong bytes.
 */
function offsetBuffer(bytes: Uint8Array): Buffer {
  const pool = Buffer.allocUnsafe(4096).fill(0xa5);
  const view = pool.subarray(37, 37 + bytes.length);
  view.set(bytes);
  return view;
}

/** `Buffer.from` of a small array: a view onto Node's shared allocation pool. */
function pooledBuffer(bytes: Uint8Array): Buffer {
  const b = Buffer.from(bytes);
  return b;
}

describe('RFC 9180 A.2.1 known answers (mode_base, kem 0x0020, kdf 0x0001, aead 0x0003)', () => {
  it('is the vector for this suite, and the suite ids are those of §4.1 and §5.1', () => {
    expect([V.mode, V.kem_id, V.kdf_id, V.aead_id]).toEqual([0, 0x20, 0x01, 0x03]);
    expect([HPKE_KEM_ID, HPKE_KDF_ID, HPKE_AEAD_ID]).toEqual([0x20, 0x01, 0x03]);
    expect(bytesToHex(KEM_SUITE_ID)).toBe(bytesToHex(concatBytes(te.encode('KEM'), h('0020'))));
    expect(bytesToHex(HPKE_SUITE_ID)).toBe(
      bytesToHex(concatBytes(te.encode('HPKE'), h('002000010003'))),
    );
  });

  it('DeriveKeyPair(ikmE) and DeriveKeyPair(ikmR) give skEm/pkEm and skRm/pkRm', () => {
    const e = deriveKeyPair(h(V.ikmE));
    expect(bytesToHex(e.secretKey)).toBe(V.skEm);
    expect(bytesToHex(e.publicKey)).toBe(V.pkEm);
    const r = deriveKeyPair(h(V.ikmR));
    expect(bytesToHex(r.secretKey)).toBe(V.skRm);
    expect(bytesToHex(r.publicKey)).toBe(V.pkRm);
    expect(bytesToHex(publicKeyOf(h(V.skRm)))).toBe(V.pkRm);
    expect(bytesToHex(generateKeyPair(fixed(h(V.ikmR))).secretKey)).toBe(V.skRm);
  });

  it('Encap(pkR) with ephemeral ikmE gives enc and shared_secret; Decap(enc, skR) agrees', () => {
    const { enc, sharedSecret } = encap(h(V.pkRm), fixed(h(V.ikmE)));
    expect(bytesToHex(enc)).toBe(V.enc);
    expect(bytesToHex(sharedSecret)).toBe(V.shared_secret);
    expect(bytesToHex(decap(h(V.enc), h(V.skRm)))).toBe(V.shared_secret);
  });

  it('KeySchedule gives key_schedule_context, secret, key, base_nonce, exporter_secret', () => {
    // The two intermediate values, recomputed from the §5.1 pseudocode through the labeled KDF.
    const empty = new Uint8Array(0);
    const ksc = concatBytes(
      Uint8Array.of(0),
      labeledExtract(HPKE_SUITE_ID, empty, te.encode('psk_id_hash'), empty),
      labeledExtract(HPKE_SUITE_ID, empty, te.encode('info_hash'), h(V.info)),
    );
    expect(bytesToHex(ksc)).toBe(V.key_schedule_context);
    const secret = labeledExtract(HPKE_SUITE_ID, h(V.shared_secret), te.encode('secret'), empty);
    expect(bytesToHex(secret)).toBe(V.secret);
    expect(bytesToHex(labeledExpand(HPKE_SUITE_ID, secret, te.encode('key'), ksc, 32))).toBe(V.key);
    const ks = keyScheduleBase(h(V.shared_secret), h(V.info));
    expect(bytesToHex(ks.key)).toBe(V.key);
    expect(bytesToHex(ks.baseNonce)).toBe(V.base_nonce);
    expect(bytesToHex(ks.exporterSecret)).toBe(V.exporter_secret);
  });

  it('the sender context reproduces every encryption (nonce = base_nonce XOR seq) and the export', () => {
    const { enc, ctx } = setupBaseS(h(V.pkRm), h(V.info), fixed(h(V.ikmE)));
    expect(bytesToHex(enc)).toBe(V.enc);
    for (const x of V.encryptions) {
      expect(ctx.seq).toBe(BigInt(x.sequence_number));
      // The vector's nonce is base_nonce XOR I2OSP(seq, 12).
      const nonce = h(V.base_nonce);
      nonce[11] = (nonce[11] as number) ^ x.sequence_number;
      expect(bytesToHex(nonce)).toBe(x.nonce);
      expect(bytesToHex(ctx.seal(h(x.pt), h(x.aad)))).toBe(x.ct);
    }
    for (const x of V.exports) {
      expect(bytesToHex(ctx.export(h(x.exporter_context), x.L))).toBe(x.exported_value);
    }
  });

  it('the recipient context opens every encryption in order and exports the same value', () => {
    const ctx = setupBaseR(h(V.enc), h(V.skRm), h(V.info));
    for (const x of V.encryptions) {
      expect(bytesToHex(ctx.open(h(x.ct), h(x.aad)))).toBe(x.pt);
    }
    for (const x of V.exports) {
      expect(bytesToHex(ctx.export(h(x.exporter_context), x.L))).toBe(x.exported_value);
    }
  });

  it('single-shot SealBase/OpenBase and SendExportBase/ReceiveExportBase match the first message', () => {
    const first = V.encryptions[0] as (typeof V.encryptions)[number];
    const s = sealBase(h(V.pkRm), h(V.info), h(first.aad), h(first.pt), fixed(h(V.ikmE)));
    expect(bytesToHex(s.enc)).toBe(V.enc);
    expect(bytesToHex(s.ct)).toBe(first.ct);
    expect(bytesToHex(openBase(h(V.enc), h(V.skRm), h(V.info), h(first.aad), h(first.ct)))).toBe(
      first.pt,
    );
    const x = V.exports[0] as (typeof V.exports)[number];
    const se = sendExportBase(h(V.pkRm), h(V.info), h(x.exporter_context), x.L, fixed(h(V.ikmE)));
    expect(bytesToHex(se.enc)).toBe(V.enc);
    expect(bytesToHex(se.exported)).toBe(x.exported_value);
    expect(
      bytesToHex(receiveExportBase(h(V.enc), h(V.skRm), h(V.info), h(x.exporter_context), x.L)),
    ).toBe(x.exported_value);
  });
});

describe('interoperability with hpke-js (@hpke/core) in both directions', () => {
  const lengths = fc.constantFrom(0, 1, 16, 22, 64, 169, 300);
  const bytesOf = (len: fc.Arbitrary<number>) =>
    len.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  const input = fc.record({
    ikmR: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    ikmE: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    info: bytesOf(lengths),
    aad: fc.oneof(fc.constant(new Uint8Array(0)), bytesOf(lengths)),
    pt: bytesOf(fc.constantFrom(0, 1, 32, 100, 1000)),
  });
  const runs = SLOW ? 300 : 40;

  it('DeriveKeyPair gives the same key pair as hpke-js for random ikm', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 64 }), async (ikm) => {
        const kp = await theirs.kem.deriveKeyPair(ab(ikm));
        const ours = deriveKeyPair(ikm);
        expect(bytesToHex(ours.publicKey)).toBe(
          bytesToHex(u8(await theirs.kem.serializePublicKey(kp.publicKey))),
        );
        expect(bytesToHex(ours.secretKey)).toBe(
          bytesToHex(u8(await theirs.kem.serializePrivateKey(kp.privateKey))),
        );
      }),
      { numRuns: runs },
    );
  });

  it('ours seals, hpke-js opens (random keys, with and without aad, several lengths)', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ ikmR, ikmE, info, aad, pt }) => {
        // A recipient key made by hpke-js itself.
        const kp = await theirs.kem.deriveKeyPair(ab(ikmR));
        const pkR = u8(await theirs.kem.serializePublicKey(kp.publicKey));
        const { enc, ct } = sealBase(pkR, info, aad, pt, fixed(ikmE));
        const opened = await theirs.open(
          { recipientKey: kp, enc: ab(enc), info: ab(info) },
          ab(ct),
          ab(aad),
        );
        expect(bytesToHex(u8(opened))).toBe(bytesToHex(pt));
      }),
      { numRuns: runs },
    );
  });

  it('hpke-js seals, ours opens (random keys, with and without aad, several lengths)', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ ikmR, ikmE, info, aad, pt }) => {
        const r = generateKeyPair(fixed(ikmR));
        const recipientPublicKey = await theirs.kem.deserializePublicKey(ab(r.publicKey));
        const params =
          ikmE[0] === 0
            ? { recipientPublicKey, info: ab(info) }
            : { recipientPublicKey, info: ab(info), ekm: ab(ikmE) };
        const sealed = await theirs.seal(params, ab(pt), ab(aad));
        expect(bytesToHex(openBase(u8(sealed.enc), r.secretKey, info, aad, u8(sealed.ct)))).toBe(
          bytesToHex(pt),
        );
        if ('ekm' in params) {
          // Same ephemeral ikm: byte-identical output.
          const ours = sealBase(r.publicKey, info, aad, pt, fixed(ikmE));
          expect(bytesToHex(ours.enc)).toBe(bytesToHex(u8(sealed.enc)));
          expect(bytesToHex(ours.ct)).toBe(bytesToHex(u8(sealed.ct)));
        }
      }),
      { numRuns: runs },
    );
  });

  it('multi-message contexts and exports agree both ways', async () => {
    const r = generateKeyPair(seededRng('interop-ctx-r'));
    const info = te.encode('interop context');
    const msgs = [0, 1, 2, 3, 4].map((i) => seededRng(`m${i}`)(10 * i + 3));
    const aads = msgs.map((_, i) => te.encode(`aad-${i}`));
    // hpke-js sender → our recipient context.
    const sender = await theirs.createSenderContext({
      recipientPublicKey: await theirs.kem.deserializePublicKey(ab(r.publicKey)),
      info: ab(info),
    });
    const ours = setupBaseR(u8(sender.enc), r.secretKey, info);
    for (const [i, m] of msgs.entries()) {
      const ct = u8(await sender.seal(ab(m), ab(aads[i] as Uint8Array)));
      expect(bytesToHex(ours.open(ct, aads[i]))).toBe(bytesToHex(m));
    }
    for (const L of [0, 1, 32, 100]) {
      const ctxBytes = te.encode(`exp-${L}`);
      expect(bytesToHex(ours.export(ctxBytes, L))).toBe(
        bytesToHex(u8(await sender.export(ab(ctxBytes), L))),
      );
    }
    // Our sender context → hpke-js recipient.
    const { enc, ctx } = setupBaseS(r.publicKey, info);
    const recipient = await theirs.createRecipientContext({
      recipientKey: await theirs.kem.deserializePrivateKey(ab(r.secretKey)),
      enc: ab(enc),
      info: ab(info),
    });
    for (const [i, m] of msgs.entries()) {
      const ct = ctx.seal(m, aads[i]);
      expect(bytesToHex(u8(await recipient.open(ab(ct), ab(aads[i] as Uint8Array))))).toBe(
        bytesToHex(m),
      );
    }
    expect(bytesToHex(ctx.export(info, 48))).toBe(
      bytesToHex(u8(await recipient.export(ab(info), 48))),
    );
  });
});

/** Every X25519 u-coordinate whose DH output is all-zero for every clamped scalar, plus aliases. */
function lowOrderEncodings(): Uint8Array[] {
  const p = 2n ** 255n - 19n;
  const points = [
    0n,
    1n,
    p - 1n,
    325606250916557431795983626356110631294008115727848805560023387167927233504n,
    39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  ];
  const out: Uint8Array[] = [];
  for (const u of points) {
    out.push(numberToBytesLE(u, 32));
    // Non-canonical aliases: u + p (when it fits in 255 bits) and the ignored top bit set.
    if (u + p < 2n ** 255n) out.push(numberToBytesLE(u + p, 32));
    const top = numberToBytesLE(u, 32);
    top[31] = (top[31] as number) | 0x80;
    out.push(top);
  }
  return out;
}

describe('errors', () => {
  it('a low-order recipient key is a ParameterError in Encap (hpke-js refuses it too)', async () => {
    const low = lowOrderEncodings();
    expect(low.length).toBe(12);
    for (const pk of low) {
      let e: unknown;
      try {
        encap(pk, seededRng('eph'));
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as ParameterError).code).toBe('hpke.publicKey');
      expect(() => sealBase(pk, new Uint8Array(0), new Uint8Array(0), new Uint8Array(1))).toThrow(
        ParameterError,
      );
      await expect(
        theirs.seal(
          { recipientPublicKey: await theirs.kem.deserializePublicKey(ab(pk)) },
          ab(new Uint8Array(1)),
        ),
      ).rejects.toThrow();
    }
  });

  it('a low-order enc is a DecodeError in Decap and OpenBase', () => {
    const r = generateKeyPair(seededRng('r'));
    for (const enc of lowOrderEncodings()) {
      let e: unknown;
      try {
        decap(enc, r.secretKey);
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).code).toBe('hpke.enc');
      expect(() =>
        openBase(enc, r.secretKey, new Uint8Array(0), new Uint8Array(0), new Uint8Array(16)),
      ).toThrow(DecodeError);
    }
  });

  it('Open: a short ciphertext is a DecodeError; a wrong key, info, aad or bit is a VerificationError', () => {
    const r = generateKeyPair(seededRng('r'));
    const other = generateKeyPair(seededRng('o'));
    const info = te.encode('info');
    const aad = te.encode('aad');
    const { enc, ct } = sealBase(r.publicKey, info, aad, te.encode('hello'), seededRng('e'));
    expect(() => openBase(enc, r.secretKey, info, aad, ct.subarray(0, 15))).toThrow(DecodeError);
    const tries: [string, () => unknown][] = [
      ['key', () => openBase(enc, other.secretKey, info, aad, ct)],
      ['info', () => openBase(enc, r.secretKey, te.encode('infO'), aad, ct)],
      ['aad', () => openBase(enc, r.secretKey, info, new Uint8Array(0), ct)],
      ['enc', () => openBase(other.publicKey, r.secretKey, info, aad, ct)],
    ];
    for (let bit = 0; bit < ct.length * 8; bit++) {
      const t = ct.slice();
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
      tries.push([`bit ${bit}`, () => openBase(enc, r.secretKey, info, aad, t)]);
    }
    for (const [what, f] of tries) {
      let e: unknown;
      try {
        f();
      } catch (err) {
        e = err;
      }
      expect(e, what).toBeInstanceOf(VerificationError);
      expect((e as VerificationError).code, what).toBe('hpke.open');
    }
  });

  it('a failed Open does not advance the sequence number; a destroyed context refuses', () => {
    const r = generateKeyPair(seededRng('r'));
    const { enc, ctx } = setupBaseS(r.publicKey, new Uint8Array(0), seededRng('e'));
    const c0 = ctx.seal(te.encode('zero'));
    const c1 = ctx.seal(te.encode('one'));
    const rc = setupBaseR(enc, r.secretKey, new Uint8Array(0));
    expect(() => rc.open(c1)).toThrow(VerificationError);
    expect(rc.seq).toBe(0n);
    expect(new TextDecoder().decode(rc.open(c0))).toBe('zero');
    expect(new TextDecoder().decode(rc.open(c1))).toBe('one');
    expect(rc.seq).toBe(2n);
    rc.destroy();
    expect(() => rc.export(new Uint8Array(0), 32)).toThrow(StateError);
    ctx.destroy();
    expect(() => ctx.seal(new Uint8Array(1))).toThrow(StateError);
  });

  it('argument shapes are TypeError / RangeError', () => {
    const r = generateKeyPair(seededRng('r'));
    const z = new Uint8Array(0);
    expect(() => deriveKeyPair(new Uint8Array(31))).toThrow(RangeError);
    expect(() => deriveKeyPair('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => generateKeyPair(() => new Uint8Array(31))).toThrow(RangeError);
    expect(() => generateKeyPair(1 as unknown as Rng)).toThrow(TypeError);
    expect(() => encap(new Uint8Array(31))).toThrow(RangeError);
    expect(() => decap(new Uint8Array(33), r.secretKey)).toThrow(RangeError);
    expect(() => decap(r.publicKey, new Uint8Array(31))).toThrow(RangeError);
    expect(() => publicKeyOf(new Uint8Array(33))).toThrow(RangeError);
    expect(() => keyScheduleBase(new Uint8Array(31), z)).toThrow(RangeError);
    expect(() => labeledExpand(HPKE_SUITE_ID, new Uint8Array(32), z, z, 255 * 32 + 1)).toThrow(
      RangeError,
    );
    expect(labeledExpand(HPKE_SUITE_ID, new Uint8Array(32), z, z, 255 * 32).length).toBe(8160);
    expect(() => sendExportBase(r.publicKey, z, z, -1)).toThrow(RangeError);
    expect(() => sealBase(r.publicKey, z, z, 'x' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('inputs are copied, outputs are fresh', () => {
  /** Run `f` on plain copies, on offset `Buffer` views and on pooled `Buffer`s of `args`. */
  function sameOnBuffers<T>(args: Uint8Array[], f: (...a: Uint8Array[]) => T): T {
    const plain = f(...args.map((a) => Uint8Array.from(a)));
    for (const wrap of [offsetBuffer, pooledBuffer]) {
      const views = args.map(wrap);
      for (const v of views) {
        if (v.length > 0) expect(v.buffer.byteLength).toBeGreaterThan(v.length);
      }
      if (wrap === offsetBuffer) {
        for (const v of views) expect(v.byteOffset).toBe(37);
      }
      const out = f(...views);
      expect(show(out)).toEqual(show(plain));
      // Mutating every input afterwards changes nothing already returned.
      const before = show(out);
      for (const v of views) v.fill(0x5a);
      expect(show(out)).toEqual(before);
    }
    return plain;
  }
  const show = (x: unknown): unknown =>
    x instanceof Uint8Array
      ? bytesToHex(x)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, show(v)]))
        : x;
  const rngFrom = (b: Uint8Array): Rng => {
    // Hands out `b` itself (the caller's buffer), as a careless rng might.
    return () => b;
  };

  it('every public function of hpke.ts gives the same result on pooled, offset Buffers', () => {
    const ikmR = seededRng('buf-ikmR')(32);
    const ikmE = seededRng('buf-ikmE')(32);
    const r = deriveKeyPair(ikmR);
    const info = te.encode('pooled info');
    const aad = te.encode('pooled aad');
    const pt = te.encode('pooled plaintext bytes');
    const suiteId = HPKE_SUITE_ID;
    sameOnBuffers([suiteId, info, aad, pt], (s, a, b, c) =>
      labeledExtract(s as Uint8Array, a as Uint8Array, b as Uint8Array, c as Uint8Array),
    );
    sameOnBuffers([suiteId, ikmR, aad, info], (s, a, b, c) =>
      labeledExpand(s as Uint8Array, a as Uint8Array, b as Uint8Array, c as Uint8Array, 40),
    );
    sameOnBuffers([ikmR], (a) => deriveKeyPair(a as Uint8Array));
    sameOnBuffers([ikmR], (a) => generateKeyPair(rngFrom(a as Uint8Array)));
    sameOnBuffers([r.secretKey], (a) => publicKeyOf(a as Uint8Array));
    sameOnBuffers([r.publicKey, ikmE], (a, b) => encap(a as Uint8Array, rngFrom(b as Uint8Array)));
    const { enc, ct } = sealBase(r.publicKey, info, aad, pt, fixed(ikmE));
    sameOnBuffers([enc, r.secretKey], (a, b) => decap(a as Uint8Array, b as Uint8Array));
    sameOnBuffers([decap(enc, r.secretKey), info], (a, b) =>
      keyScheduleBase(a as Uint8Array, b as Uint8Array),
    );
    sameOnBuffers([r.publicKey, info, aad, pt, ikmE], (a, b, c, d, e) =>
      sealBase(
        a as Uint8Array,
        b as Uint8Array,
        c as Uint8Array,
        d as Uint8Array,
        rngFrom(e as Uint8Array),
      ),
    );
    sameOnBuffers([enc, r.secretKey, info, aad, ct], (a, b, c, d, e) =>
      openBase(a as Uint8Array, b as Uint8Array, c as Uint8Array, d as Uint8Array, e as Uint8Array),
    );
    sameOnBuffers([r.publicKey, info, aad, ikmE], (a, b, c, e) =>
      sendExportBase(
        a as Uint8Array,
        b as Uint8Array,
        c as Uint8Array,
        33,
        rngFrom(e as Uint8Array),
      ),
    );
    sameOnBuffers([enc, r.secretKey, info, aad], (a, b, c, d) =>
      receiveExportBase(a as Uint8Array, b as Uint8Array, c as Uint8Array, d as Uint8Array, 33),
    );
    // Contexts: the setup inputs are copied, so mutating them before use changes nothing.
    sameOnBuffers([r.publicKey, info, ikmE, pt, aad], (a, b, e, c, d) => {
      const s = setupBaseS(a as Uint8Array, b as Uint8Array, rngFrom(e as Uint8Array));
      (a as Uint8Array).fill(1);
      (b as Uint8Array).fill(1);
      (e as Uint8Array).fill(1);
      const c0 = s.ctx.seal(c as Uint8Array, d as Uint8Array);
      return { enc: s.enc, c0, x: s.ctx.export(d as Uint8Array, 16) };
    });
    sameOnBuffers([enc, r.secretKey, info, ct, aad], (a, b, c, d, e) => {
      const rc = setupBaseR(a as Uint8Array, b as Uint8Array, c as Uint8Array);
      (a as Uint8Array).fill(1);
      (b as Uint8Array).fill(1);
      (c as Uint8Array).fill(1);
      return { pt: rc.open(d as Uint8Array, e as Uint8Array), x: rc.export(e as Uint8Array, 16) };
    });
  });

  it('runs without crypto.subtle (only getRandomValues, for noble; rng injected)', () => {
    // noble's fixed-base multiply blinds with getRandomValues; nothing needs WebCrypto's subtle.
    const getRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    vi.stubGlobal('crypto', { getRandomValues });
    try {
      expect(globalThis.crypto.subtle).toBeUndefined();
      const r = generateKeyPair(seededRng('nowebcrypto-r'));
      const { enc, ct } = sealBase(
        r.publicKey,
        te.encode('i'),
        te.encode('a'),
        te.encode('p'),
        seededRng('nowebcrypto-e'),
      );
      expect(
        new TextDecoder().decode(openBase(enc, r.secretKey, te.encode('i'), te.encode('a'), ct)),
      ).toBe('p');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

/** Module specifiers a source file imports or re-exports (static and dynamic). */
function importedModules(path: string): string[] {
  const src = readFileSync(new URL(path, import.meta.url), 'utf8');
  const specs = new Set<string>();
  for (const re of [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]?([^'"`)]*)/g,
    /\brequire\s*\(\s*['"`]?([^'"`)]*)/g,
  ]) {
    for (const m of src.matchAll(re)) specs.add(m[1] as string);
  }
  return [...specs].sort();
}

describe('dependencies', () => {
  it('src/core/hpke.ts imports nothing but @noble/* and project files', () => {
    const specs = importedModules('../src/core/hpke.ts');
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) expect(s, s).toMatch(/^(@noble\/(curves|hashes|ciphers)\/|\.\/)/);
    expect(specs).toContain('@noble/curves/ed25519.js');
    expect(specs).toContain('@noble/hashes/hkdf.js');
    expect(specs).toContain('@noble/ciphers/chacha.js');
  });

  it('the package ships hpke-js as a dev dependency only; runtime dependencies are noble', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies).sort()).toEqual([
      '@noble/ciphers',
      '@noble/curves',
      '@noble/hashes',
    ]);
    for (const d of ['@hpke/core', '@hpke/dhkem-x25519', '@hpke/chacha20poly1305']) {
      expect(pkg.devDependencies[d], d).toBeDefined();
    }
  });
});
