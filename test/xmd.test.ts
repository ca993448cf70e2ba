/**
 * src/core/xmd.ts, the prepared `expand_message_xmd` behind `Suite.hashToScalar` and the DLEQ
 * composite weights: equal to noble's `expand_message_xmd` and noble's RFC 9497 `hashToScalar`
 * on random inputs, across output lengths, oversized DSTs and reuse of one expander. The RFC 9380
 * vectors run in test/rfc9380.test.ts, the RFC 9497 ones (weights included) in test/rfc9497.test.ts.
 */
import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { ristretto255_hasher } from '@noble/curves/ed25519.js';
import { p256_hasher } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { xmdExpander } from '../src/core/xmd.js';

const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const dstArb = fc.uint8Array({ minLength: 1, maxLength: 300 }); // > 255: the oversize rule

describe('xmdExpander = noble expand_message_xmd', () => {
  for (const [name, H] of [
    ['SHA-256', sha256],
    ['SHA-512', sha512],
  ] as const) {
    it(`${name}: random messages, DSTs (some > 255 bytes) and lengths`, () => {
      fc.assert(
        fc.property(bytes(400), dstArb, fc.integer({ min: 1, max: 300 }), (msg, dst, len) => {
          expect(xmdExpander(H, dst, len)(msg)).toEqual(expand_message_xmd(msg, dst, len, H));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: one expander reused on many messages gives each message's output`, () => {
      const dst = new TextEncoder().encode('reuse');
      const expand = xmdExpander(H, dst, 96);
      const msgs = fc.sample(bytes(300), 50);
      const first = msgs.map((m) => expand(m));
      msgs.forEach((m, i) => {
        expect(expand(m)).toEqual(first[i]);
        expect(first[i]).toEqual(expand_message_xmd(m, dst, 96, H));
      });
    });
  }

  it('rejects an empty DST and impossible lengths', () => {
    expect(() => xmdExpander(sha512, new Uint8Array(0), 64)).toThrow(RangeError);
    expect(() => xmdExpander(sha512, Uint8Array.of(1), 0)).toThrow(RangeError);
    expect(() => xmdExpander(sha512, Uint8Array.of(1), 65536)).toThrow(RangeError);
    expect(() => xmdExpander(sha256, Uint8Array.of(1), 255 * 32 + 1)).toThrow(RangeError); // ell > 255
    expect(xmdExpander(sha256, Uint8Array.of(1), 255 * 32)(new Uint8Array(3))).toHaveLength(8160);
  });
});

describe('Suite.hashToScalar / scalarHasher = noble RFC 9497 hashToScalar', () => {
  const cases = [
    { suite: ristretto255Sha512, noble: ristretto255_hasher },
    { suite: p256Sha256, noble: p256_hasher },
  ];
  for (const { suite, noble } of cases) {
    it(suite.name, () => {
      fc.assert(
        fc.property(bytes(200), dstArb, (msg, dst) => {
          const want = noble.hashToScalar(msg, { DST: dst });
          expect(suite.hashToScalar(msg, dst)).toBe(want);
          expect(suite.scalarHasher(dst)(msg)).toBe(want);
        }),
        { numRuns: 200 },
      );
    });
  }
});
