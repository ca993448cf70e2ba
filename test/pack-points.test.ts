/**
 * Held points are packed into 64-bit words between the rounds of a job (src/core/parallel.ts
 * `packPoints` / `unpackPoints`, `KernelContext.hold` / `take`): the same elements come back,
 * in any projective form, on both suites.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256 } from '../src/core/p256.js';
import { KernelContext, packPoints, unpackPoints } from '../src/core/parallel.js';
import { ristretto255Sha512 } from '../src/core/ristretto255.js';
import { secretMultiplier } from '../src/core/secret-mul.js';

const te = new TextEncoder();

describe.each([ristretto255Sha512, p256Sha256])('packed points ($shortName)', (suite) => {
  const dst = te.encode('pack-test');
  // Affine (decoded, hashed), projective (sums, limb products) and the identity.
  const points = [
    suite.decode(suite.encode(suite.hashToGroup(te.encode('a'), dst))),
    suite.hashToGroup(te.encode('b'), dst),
    suite.hashToGroup(te.encode('c'), dst).add(suite.G),
    secretMultiplier(suite, 12345678901234567890n)(suite.G),
    suite.identity,
  ];

  it('round-trips every point to an equal element with equal coordinates', () => {
    const packed = packPoints(suite, points);
    const back = unpackPoints(suite, packed);
    expect(back).toHaveLength(points.length);
    back.forEach((P, i) => {
      expect(P.equals(points[i] as typeof P), String(i)).toBe(true);
    });
    expect(packPoints(suite, back)).toEqual(packed); // coordinates unchanged, not just the class
  });

  it('KernelContext: take returns the held points once, only for the same range; forget drops them', () => {
    const ctx = new KernelContext();
    const key = { job: 'j', chunk: 0 };
    ctx.hold(key, 10, points, suite);
    expect(ctx.take(key, 11, points.length)).toBeNull(); // another range: refused and forgotten
    expect(ctx.heldJobs).toBe(0);
    ctx.hold(key, 10, points, suite);
    const got = ctx.take(key, 10, points.length);
    expect(got?.map((P) => suite.encode(P.is0() ? suite.G : P))).toEqual(
      points.map((P) => suite.encode(P.is0() ? suite.G : P)),
    );
    expect(ctx.take(key, 10, points.length)).toBeNull();
    ctx.hold(key, 0, points, suite);
    ctx.forget(key);
    expect(ctx.heldJobs).toBe(0);
  });

  it('refuses a word array that is not whole points', () => {
    expect(() => unpackPoints(suite, new BigUint64Array(3))).toThrow(RangeError);
  });
});
