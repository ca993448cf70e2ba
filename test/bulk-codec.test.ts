/**
 * `bulkCodec` (src/core/bulk-codec.ts): on both suites, the same elements, bytes and errors as
 * the suite's own decode, encode and hash-to-group, including what the limbs refuse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulkCodec } from '../src/core/bulk-codec.js';
import { DecodeError } from '../src/core/errors.js';
import { p256Sha256 } from '../src/core/p256.js';
import { ristretto255Sha512 } from '../src/core/ristretto255.js';
import type { Suite } from '../src/core/suite.js';

const te = new TextEncoder();

/** The outcome of a decode: the encoding it gives back, or the error's class and code. */
function outcome(suite: Suite, f: () => ReturnType<Suite['decode']>): string {
  try {
    return `ok ${Buffer.from(suite.encode(f())).toString('hex')}`;
  } catch (e) {
    return `${(e as Error).constructor.name} ${(e as DecodeError).code ?? (e as Error).message}`;
  }
}

describe.each([ristretto255Sha512, p256Sha256])('bulkCodec ($shortName)', (suite) => {
  const codec = bulkCodec(suite);
  const Ne = suite.elementLength;
  const dst = te.encode('bulk-codec-test');

  it('decode: the same element or the same typed error as suite.decode, on valid, mutated and random bytes', () => {
    const valid = (i: number) => suite.encode(suite.hashToGroup(te.encode(`v${i}`), dst));
    fc.assert(
      fc.property(
        fc.nat(10_000),
        fc.nat(Ne - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ minLength: Ne, maxLength: Ne }),
        (i, at, x, random) => {
          const good = valid(i);
          const bad = good.slice();
          bad[at] = (bad[at] as number) ^ x;
          for (const b of [good, bad, random])
            expect(outcome(suite, () => codec.decode(b))).toBe(
              outcome(suite, () => suite.decode(b)),
            );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('decode: the identity, all-ones, wrong lengths and non-bytes fail exactly as suite.decode', () => {
    const cases: unknown[] = [
      new Uint8Array(Ne),
      new Uint8Array(Ne).fill(0xff),
      new Uint8Array(Ne - 1),
      new Uint8Array(Ne + 1),
      new Uint8Array(0),
      'not bytes',
    ];
    for (const b of cases) {
      const mine = outcome(suite, () => codec.decode(b as Uint8Array));
      expect(mine).not.toMatch(/^ok/);
      expect(mine).toBe(outcome(suite, () => suite.decode(b as Uint8Array)));
    }
    let err: unknown = null;
    try {
      codec.decode(new Uint8Array(Ne));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
  });

  it('msmVartime: the suite’s sum, for batches of 0..40 points with zero, edge and random scalars', () => {
    const pts = Array.from({ length: 40 }, (_, i) => suite.hashToGroup(te.encode(`m${i}`), dst));
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: suite.order - 1n }), { maxLength: 40 }),
        (sc) => {
          const P = pts.slice(0, sc.length);
          const got = codec.msmVartime(P, sc);
          expect(got.equals(suite.msmVartime(P, sc))).toBe(true);
        },
      ),
      { numRuns: suite.shortName === 'ristretto255' ? 60 : 15 },
    );
    expect(codec.msmVartime([suite.G, suite.G.negate()], [5n, 5n]).is0()).toBe(true);
  });

  it('encode / encodeAll / hashToGroup: the suite’s bytes; the identity refused as the suite refuses it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (msg) => {
        const H = codec.hashToGroup(msg, dst);
        expect(H.equals(suite.hashToGroup(msg, dst))).toBe(true);
        const pts = [H, H.add(suite.G), H.double()];
        expect(codec.encodeAll(pts)).toEqual(suite.encodeAll(pts));
        expect(codec.encode(H)).toEqual(suite.encode(H));
      }),
      { numRuns: suite.shortName === 'ristretto255' ? 100 : 20 },
    );
    expect(() => codec.encode(suite.identity)).toThrow();
    expect(outcome(suite, () => codec.decode(codec.encode(suite.identity)))).toBe(
      outcome(suite, () => suite.decode(suite.encode(suite.identity))),
    );
  });
});
