/**
 * Reviewer sealing (src/core/seal.ts): round trips, fixed lengths, reproducibility, the payload
 * binding of SPEC v2 §6 (a relabelled payload does not open), typed errors on every mutation of
 * the sealed bytes (fuzzed), pooled `Buffer` inputs, and the module's import list. The HPKE
 * layer itself is checked against RFC 9180 and hpke-js in test/hpke.test.ts.
 */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError, VerificationError } from '../src/core/errors.js';
import { deriveKeyPair } from '../src/core/hpke.js';
import {
  deriveReviewerKeyPair,
  encodePayloadBinding,
  generateReviewerKeyPair,
  openAsReviewer,
  type PayloadBinding,
  type ReviewerKeyPair,
  reviewerPublicKey,
  sealedLength,
  sealedReviewerCount,
  sealToReviewers,
} from '../src/core/seal.js';
import { bytesToHex, equalBytes, hexToBytes, type Rng } from '../src/core/utils.js';
import { seededRng } from './helpers/rng.js';
import V from './vectors/rfc9180-x25519-sha256-chacha20poly1305.json' with { type: 'json' };

const SLOW = !!process.env.QPSI_SLOW;
const te = new TextEncoder();

const dbA = hexToBytes('0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a');
const dbB = hexToBytes('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b');
const binding: PayloadBinding = Object.freeze({
  databaseId: dbA,
  voucherId: te.encode('1'),
  context: te.encode('acct-1'),
});

const keys: ReviewerKeyPair[] = [0, 1, 2].map((i) => generateReviewerKeyPair(seededRng(`rk${i}`)));
const key = (i: number) => keys[i] as ReviewerKeyPair;

/** The error `f` throws (fails the test if it returns). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe('sealToReviewers / openAsReviewer', () => {
  it('is synchronous; every reviewer opens; lengths are fixed', () => {
    for (const n of [1, 2, 3]) {
      for (const len of [0, 1, 100]) {
        const pt = seededRng(`pt${n}/${len}`)(len);
        const sealed = sealToReviewers(
          keys.slice(0, n).map((k) => k.publicKey),
          pt,
          binding,
        );
        expect(sealed).toBeInstanceOf(Uint8Array);
        expect(sealed.length).toBe(sealedLength(len, n));
        expect(sealed.length).toBe(2 + 80 * n + len + 16);
        expect(sealedReviewerCount(sealed)).toBe(n);
        for (let i = 0; i < n; i++) {
          expect(openAsReviewer(key(i).secretKey, i, sealed, binding)).toEqual(pt);
        }
      }
    }
  });

  it('is reproducible byte for byte with an injected rng, fresh without', () => {
    const pks = [key(0).publicKey, key(1).publicKey];
    const pt = new Uint8Array(40).fill(7);
    const a = sealToReviewers(pks, pt, binding, seededRng('s'));
    const b = sealToReviewers(pks, pt, binding, seededRng('s'));
    expect(a).toEqual(b);
    const c = sealToReviewers(pks, pt, binding);
    const d = sealToReviewers(pks, pt, binding);
    expect(c).not.toEqual(d);
    expect(c.length).toBe(a.length);
  });

  it('reviewer keys are RFC 9180 DeriveKeyPair (A.2.1 ikmR gives skRm/pkRm)', () => {
    const r = deriveReviewerKeyPair(hexToBytes(V.ikmR));
    expect(bytesToHex(r.secretKey)).toBe(V.skRm);
    expect(bytesToHex(r.publicKey)).toBe(V.pkRm);
    expect(bytesToHex(reviewerPublicKey(r.secretKey))).toBe(V.pkRm);
    const fixed: Rng = () => hexToBytes(V.ikmR);
    expect(bytesToHex(generateReviewerKeyPair(fixed).secretKey)).toBe(V.skRm);
  });

  it('a wrong key or another reviewer’s index fails with VerificationError seal.open', () => {
    const other = generateReviewerKeyPair(seededRng('outsider'));
    const sealed = sealToReviewers(
      [key(0).publicKey, key(1).publicKey],
      new Uint8Array(32),
      binding,
    );
    for (const f of [
      () => openAsReviewer(other.secretKey, 0, sealed, binding),
      () => openAsReviewer(key(0).secretKey, 1, sealed, binding),
      () => openAsReviewer(key(1).secretKey, 0, sealed, binding),
    ]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(VerificationError);
      expect((e as VerificationError).code).toBe('seal.open');
    }
  });

  it('an index not below the payload’s reviewer count is DecodeError seal.index; a bad index is RangeError/TypeError', () => {
    const sealed = sealToReviewers(
      [key(0).publicKey, key(1).publicKey],
      new Uint8Array(3),
      binding,
    );
    for (const i of [2, 3, 15]) {
      const e = thrown(() => openAsReviewer(key(0).secretKey, i, sealed, binding));
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).code).toBe('seal.index');
    }
    expect(thrown(() => openAsReviewer(key(0).secretKey, 16, sealed, binding))).toBeInstanceOf(
      RangeError,
    );
    expect(thrown(() => openAsReviewer(key(0).secretKey, -1, sealed, binding))).toBeInstanceOf(
      RangeError,
    );
    expect(thrown(() => openAsReviewer(key(0).secretKey, 0.5, sealed, binding))).toBeInstanceOf(
      TypeError,
    );
    expect(thrown(() => openAsReviewer(new Uint8Array(31), 0, sealed, binding))).toBeInstanceOf(
      RangeError,
    );
  });

  it('any single bit flip, truncation or extension is rejected with a typed error', () => {
    const sealed = sealToReviewers(
      [key(0).publicKey, key(1).publicKey],
      new Uint8Array(20).fill(1),
      binding,
    );
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const t = sealed.slice();
      t[bit >> 3] = (t[bit >> 3] as number) ^ (1 << (bit & 7));
      const who = bit % 2;
      const e = thrown(() => openAsReviewer(key(who).secretKey, who, t, binding));
      expect(e instanceof VerificationError || e instanceof DecodeError, `bit ${bit}`).toBe(true);
    }
    for (const cut of [0, 1, 2, 81, 161, 162, 177, sealed.length - 1]) {
      const e = thrown(() => openAsReviewer(key(0).secretKey, 0, sealed.subarray(0, cut), binding));
      expect(e instanceof VerificationError || e instanceof DecodeError, `cut ${cut}`).toBe(true);
    }
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect(thrown(() => openAsReviewer(key(0).secretKey, 0, longer, binding))).toBeInstanceOf(
      VerificationError,
    );
  });

  it('framing: version, count and total length are DecodeErrors', () => {
    const sealed = sealToReviewers(
      [key(0).publicKey, key(1).publicKey],
      new Uint8Array(5),
      binding,
    );
    const codeOf = (t: Uint8Array) => {
      const e = thrown(() => openAsReviewer(key(0).secretKey, 0, t, binding));
      expect(e).toBeInstanceOf(DecodeError);
      expect(thrown(() => sealedReviewerCount(t))).toBeInstanceOf(DecodeError);
      return (e as DecodeError).code;
    };
    const v1 = sealed.slice();
    v1[0] = 1; // the v1 format (free-form info) is refused by version
    expect(codeOf(v1)).toBe('decode.version');
    for (const c of [0, 17, 255]) {
      const t = sealed.slice();
      t[1] = c;
      expect(codeOf(t)).toBe('decode.range');
    }
    const three = sealed.slice();
    three[1] = 3; // 2 + 240 + 16 > length
    expect(codeOf(three)).toBe('decode.truncated');
    expect(codeOf(sealed.subarray(0, 2 + 160 + 15))).toBe('decode.truncated');
    expect(codeOf(new Uint8Array(1))).toBe('decode.truncated');
  });
});

describe('payload binding (SPEC v2 §6: payloads are attributable)', () => {
  const pt = te.encode('thumbnail of IMG_0001');
  const pks = [key(0).publicKey, key(1).publicKey];
  const sealed = sealToReviewers(pks, pt, binding, seededRng('binding'));

  it('opens under exactly the binding it was sealed for', () => {
    for (const i of [0, 1]) {
      expect(openAsReviewer(key(i).secretKey, i, sealed, binding)).toEqual(pt);
      // A fresh, equal binding (not the same object) opens too.
      const same = {
        databaseId: Uint8Array.from(dbA),
        voucherId: te.encode('1'),
        context: te.encode('acct-1'),
      };
      expect(openAsReviewer(key(i).secretKey, i, sealed, same)).toEqual(pt);
    }
  });

  it('a relabelled payload (other database id, voucher id or context) is VerificationError seal.open', () => {
    const relabelled: [string, PayloadBinding][] = [
      ['database id', { ...binding, databaseId: dbB }],
      ['voucher id', { ...binding, voucherId: te.encode('2') }],
      ['context', { ...binding, context: te.encode('acct-2') }],
      ['empty context', { ...binding, context: new Uint8Array(0) }],
      // The length prefixes make the encoding unambiguous: shifting bytes between fields fails.
      [
        'voucher id ‖ context shifted',
        { ...binding, voucherId: te.encode('1a'), context: te.encode('cct-1') },
      ],
    ];
    for (const [what, b] of relabelled) {
      for (const i of [0, 1]) {
        const e = thrown(() => openAsReviewer(key(i).secretKey, i, sealed, b));
        expect(e, what).toBeInstanceOf(VerificationError);
        expect((e as VerificationError).code, what).toBe('seal.open');
        expect((e as Error).message).toMatch(/database, voucher and context, or tampered/);
      }
    }
  });

  it('encodePayloadBinding is u8 len ‖ databaseId ‖ u8 len ‖ voucherId ‖ u8 len ‖ context', () => {
    expect(bytesToHex(encodePayloadBinding(binding))).toBe(
      `10${bytesToHex(dbA)}0131` + `06${bytesToHex(te.encode('acct-1'))}`,
    );
    const max = {
      databaseId: dbB,
      voucherId: new Uint8Array(64).fill(1),
      context: new Uint8Array(64).fill(2),
    };
    expect(encodePayloadBinding(max).length).toBe(3 + 16 + 64 + 64);
    const bad: [PayloadBinding, ErrorConstructor][] = [
      [{ ...binding, databaseId: new Uint8Array(15) }, RangeError],
      [{ ...binding, databaseId: new Uint8Array(17) }, RangeError],
      [{ ...binding, voucherId: new Uint8Array(0) }, RangeError],
      [{ ...binding, voucherId: new Uint8Array(65) }, RangeError],
      [{ ...binding, context: new Uint8Array(65) }, RangeError],
      [{ ...binding, context: 'acct-1' as unknown as Uint8Array }, TypeError],
      [null as unknown as PayloadBinding, TypeError],
    ];
    for (const [b, cls] of bad) {
      expect(() => encodePayloadBinding(b)).toThrow(cls);
      expect(() => sealToReviewers(pks, pt, b)).toThrow(cls);
      expect(() => openAsReviewer(key(0).secretKey, 0, sealed, b)).toThrow(cls);
    }
  });
});

describe('fuzz: mutated sealed payloads', () => {
  const pt = te.encode('fuzzed payload, 32 bytes long..!');
  const sealed = sealToReviewers(
    [key(0).publicKey, key(1).publicKey],
    pt,
    binding,
    seededRng('fuzz'),
  );
  const L = sealed.length;
  type Mutation =
    | { kind: 'byte'; at: number; value: number }
    | { kind: 'truncate'; to: number }
    | { kind: 'extend'; extra: Uint8Array }
    | { kind: 'count'; count: number; resize: boolean };
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({
      kind: fc.constant('byte' as const),
      at: fc.nat({ max: L - 1 }),
      value: fc.nat({ max: 255 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), to: fc.nat({ max: L - 1 }) }),
    fc.record({
      kind: fc.constant('extend' as const),
      extra: fc.uint8Array({ minLength: 1, maxLength: 200 }),
    }),
    // The count byte, with the length left alone or made consistent with the new count.
    fc.record({
      kind: fc.constant('count' as const),
      count: fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 255 })),
      resize: fc.boolean(),
    }),
  );
  function apply(m: Mutation): Uint8Array {
    switch (m.kind) {
      case 'byte': {
        const t = sealed.slice();
        t[m.at] = m.value;
        return t;
      }
      case 'truncate':
        return sealed.slice(0, m.to);
      case 'extend': {
        const t = new Uint8Array(L + m.extra.length);
        t.set(sealed);
        t.set(m.extra, L);
        return t;
      }
      case 'count': {
        const want = m.resize ? 2 + 80 * m.count + pt.length + 16 : L;
        const t = new Uint8Array(want);
        t.set(sealed.subarray(0, Math.min(L, want)));
        t[1] = m.count;
        return t;
      }
    }
  }

  it('openAsReviewer throws only DecodeError or VerificationError and never returns another plaintext', () => {
    let opened = 0;
    fc.assert(
      fc.property(mutation, fc.nat({ max: 2 }), (m, who) => {
        const t = apply(m);
        const identical = equalBytes(t, sealed);
        const k = key(who);
        let out: Uint8Array | undefined;
        try {
          out = openAsReviewer(k.secretKey, who, t, binding);
        } catch (e) {
          if (!(e instanceof DecodeError || e instanceof VerificationError)) throw e;
        }
        if (out !== undefined) {
          opened++;
          expect(bytesToHex(out)).toBe(bytesToHex(pt));
          // Every byte is authenticated: only the unmodified payload opens.
          expect(identical).toBe(true);
        }
        try {
          sealedReviewerCount(t);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }),
      { numRuns: SLOW ? 20_000 : 2_000 },
    );
    // The identity mutations (count byte rewritten to 2, a byte rewritten to itself) do open.
    expect(opened).toBeGreaterThan(0);
  });
});

describe('arguments and reviewer keys', () => {
  it('rejects bad arguments (TypeError/RangeError) and low-order reviewer keys (ParameterError)', () => {
    const k = key(0);
    expect(() => sealToReviewers([], new Uint8Array(1), binding)).toThrow(RangeError);
    expect(() =>
      sealToReviewers(new Array(17).fill(k.publicKey), new Uint8Array(1), binding),
    ).toThrow(RangeError);
    expect(() => sealToReviewers([new Uint8Array(31)], new Uint8Array(1), binding)).toThrow(
      RangeError,
    );
    expect(() =>
      sealToReviewers(k.publicKey as unknown as Uint8Array[], new Uint8Array(1), binding),
    ).toThrow(TypeError);
    expect(() => sealToReviewers([k.publicKey], 'x' as unknown as Uint8Array, binding)).toThrow(
      TypeError,
    );
    // Low-order X25519 points: the DH output is all-zero, HPKE (RFC 9180 §7.1.4) must refuse.
    const p = 2n ** 255n - 19n;
    const lowOrder = [0n, 1n, p - 1n, p, p + 1n].map((u) => {
      const b = new Uint8Array(32);
      for (let i = 0, v = u; i < 32; i++, v >>= 8n) b[i] = Number(v & 0xffn);
      return b;
    });
    lowOrder.push(hexToBytes('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'));
    lowOrder.push(hexToBytes('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'));
    for (const bad of lowOrder) {
      for (const list of [[bad], [k.publicKey, bad]]) {
        const e = thrown(() => sealToReviewers(list, new Uint8Array(1), binding));
        expect(e, bytesToHex(bad)).toBeInstanceOf(ParameterError);
        expect((e as ParameterError).code).toBe('seal.reviewerKey');
      }
    }
    // A low-order `enc` inside a sealed payload is tampering: VerificationError.
    const sealed = sealToReviewers([k.publicKey], new Uint8Array(1), binding);
    for (const bad of lowOrder) {
      const t = sealed.slice();
      t.set(bad, 2);
      expect(thrown(() => openAsReviewer(k.secretKey, 0, t, binding))).toBeInstanceOf(
        VerificationError,
      );
    }
    expect(() => sealedLength(-1, 1)).toThrow(RangeError);
    expect(() => sealedLength(1, 0)).toThrow(RangeError);
    expect(() => sealedLength(1, 17)).toThrow(RangeError);
    expect(() => deriveReviewerKeyPair(new Uint8Array(31))).toThrow(RangeError);
    expect(() => generateReviewerKeyPair(() => new Uint8Array(16))).toThrow(RangeError);
    expect(() => reviewerPublicKey(new Uint8Array(33))).toThrow(RangeError);
  });
});

describe('inputs are copied, outputs are fresh (pooled, offset Buffers)', () => {
  /** `bytes` in a `Buffer` view at offset 37 of a 4 KiB allocation filled with 0xa5. */
  function offsetBuffer(bytes: Uint8Array): Buffer {
    const pool = Buffer.allocUnsafe(4096).fill(0xa5);
    const view = pool.subarray(37, 37 + bytes.length);
    view.set(bytes);
    return view;
  }
  const wraps: [string, (b: Uint8Array) => Uint8Array][] = [
    ['offset Buffer', offsetBuffer],
    ['pooled Buffer.from', (b) => Buffer.from(b)],
  ];
  const hex = (x: unknown): unknown =>
    x instanceof Uint8Array
      ? bytesToHex(x)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, hex(v)]))
        : x;
  const bindingOf = (w: (b: Uint8Array) => Uint8Array): PayloadBinding => ({
    databaseId: w(binding.databaseId),
    voucherId: w(binding.voucherId),
    context: w(binding.context),
  });
  const mutateBinding = (b: PayloadBinding) => {
    (b.databaseId as Uint8Array).fill(0x5a);
    (b.voucherId as Uint8Array).fill(0x5a);
    (b.context as Uint8Array).fill(0x5a);
  };

  it('every public function of seal.ts gives the same result; mutating inputs later changes nothing', () => {
    const ikm = seededRng('buf-ikm')(32);
    const pt = te.encode('a payload in a pooled Buffer');
    const pks = [key(0).publicKey, key(1).publicKey];
    const plainSealed = sealToReviewers(pks, pt, binding, seededRng('buf-seal'));
    const expected = {
      encode: hex(encodePayloadBinding(binding)),
      derive: hex(deriveReviewerKeyPair(ikm)),
      generate: hex(generateReviewerKeyPair(() => Uint8Array.from(ikm))),
      pub: hex(reviewerPublicKey(key(1).secretKey)),
      sealed: hex(plainSealed),
      count: sealedReviewerCount(plainSealed),
      opened: hex(openAsReviewer(key(1).secretKey, 1, plainSealed, binding)),
    };
    for (const [name, w] of wraps) {
      const check = <T>(what: string, out: T, want: unknown, mutate: () => void) => {
        expect(hex(out), `${name}: ${what}`).toEqual(want);
        mutate();
        expect(hex(out), `${name}: ${what} after mutating inputs`).toEqual(want);
      };
      const b1 = bindingOf(w);
      check('encodePayloadBinding', encodePayloadBinding(b1), expected.encode, () =>
        mutateBinding(b1),
      );
      const ikm1 = w(ikm);
      check('deriveReviewerKeyPair', deriveReviewerKeyPair(ikm1), expected.derive, () =>
        ikm1.fill(0x5a),
      );
      const ikm2 = w(ikm);
      check(
        'generateReviewerKeyPair',
        generateReviewerKeyPair(() => ikm2),
        expected.generate,
        () => ikm2.fill(0x5a),
      );
      const sk1 = w(key(1).secretKey);
      check('reviewerPublicKey', reviewerPublicKey(sk1), expected.pub, () => sk1.fill(0x5a));
      // sealToReviewers: keys, plaintext, binding and the rng's output all in Buffers.
      const pkViews = pks.map(w);
      const ptView = w(pt);
      const b2 = bindingOf(w);
      const stream = seededRng('buf-seal');
      const rngViews: Uint8Array[] = [];
      const rng: Rng = (n) => {
        const v = w(stream(n));
        rngViews.push(v);
        return v;
      };
      check('sealToReviewers', sealToReviewers(pkViews, ptView, b2, rng), expected.sealed, () => {
        for (const v of [...pkViews, ptView, ...rngViews]) v.fill(0x5a);
        mutateBinding(b2);
      });
      const sealedView = w(plainSealed);
      expect(sealedReviewerCount(sealedView)).toBe(expected.count);
      const sk2 = w(key(1).secretKey);
      const b3 = bindingOf(w);
      check('openAsReviewer', openAsReviewer(sk2, 1, sealedView, b3), expected.opened, () => {
        sealedView.fill(0x5a);
        sk2.fill(0x5a);
        mutateBinding(b3);
      });
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
  it('src/core/seal.ts imports nothing but @noble/* and project files (HPKE is src/core/hpke.ts)', () => {
    const specs = importedModules('../src/core/seal.ts');
    expect(specs).toContain('./hpke.js');
    for (const s of specs) expect(s, s).toMatch(/^(@noble\/(curves|hashes|ciphers)\/|\.\/)/);
    expect(specs.some((s) => s.startsWith('@hpke/'))).toBe(false);
    // The reviewer key pair is exactly HPKE's DeriveKeyPair.
    const ikm = seededRng('dep')(32);
    expect(deriveReviewerKeyPair(ikm)).toEqual(deriveKeyPair(ikm));
  });
});
