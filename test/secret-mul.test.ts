/**
 * `secretMultiplier` (src/core/secret-mul.ts): the same element as the suite's `mul` on both
 * suites (limbs on ristretto255, noble on P-256), reused over many points, and the range check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p256Sha256 } from '../src/core/p256.js';
import { ristretto255Sha512 } from '../src/core/ristretto255.js';
import { secretMultiplier } from '../src/core/secret-mul.js';

const te = new TextEncoder();

describe.each([ristretto255Sha512, p256Sha256])('secretMultiplier ($shortName)', (suite) => {
  const dst = te.encode('secret-mul-test');
  const point = (i: number) => suite.hashToGroup(te.encode(`p${i}`), dst);

  it('equals suite.mul over many points with one prepared scalar (encodings compared)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: suite.order - 1n }), fc.nat(1000), (k, i) => {
        const mul = secretMultiplier(suite, k);
        for (const P of [point(i), point(i + 1), suite.G, point(i).add(suite.G)]) {
          expect(suite.encode(mul(P))).toEqual(suite.encode(suite.mul(P, k)));
        }
      }),
      { numRuns: suite.shortName === 'ristretto255' ? 60 : 15 },
    );
  });

  it('edge scalars: 1, 2, q-1, q-2 and 2^k around the order', () => {
    const q = suite.order;
    const P = point(7);
    for (const k of [1n, 2n, 15n, 16n, q - 1n, q - 2n, 1n << 128n, (1n << 252n) % q]) {
      if (k <= 0n) continue;
      expect(suite.encode(secretMultiplier(suite, k)(P)), String(k)).toEqual(
        suite.encode(suite.mul(P, k)),
      );
    }
    // k·(identity) is the identity.
    expect(secretMultiplier(suite, 5n)(suite.identity).equals(suite.identity)).toBe(true);
  });

  it('refuses 0, q and negative scalars (every secret scalar of the protocol is in [1, q))', () => {
    for (const k of [0n, suite.order, suite.order + 1n, -1n]) {
      expect(() => secretMultiplier(suite, k), String(k)).toThrow(RangeError);
    }
  });
});
