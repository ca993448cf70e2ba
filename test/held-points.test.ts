/**
 * Held points are raw points between the rounds of a job (src/core/parallel.ts `pointsToRaw` /
 * `rawToPoints`, `KernelContext.hold` / `holdRaw` / `take` / `takeRaw`): the same elements come
 * back, in any projective form, on both suites.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256 } from '../src/core/p256.js';
import { KernelContext, pointsToRaw, rawToPoints } from '../src/core/parallel.js';
import { ristretto255Sha512 } from '../src/core/ristretto255.js';
import { secretMultiplier } from '../src/core/secret-mul.js';

const te = new TextEncoder();

describe.each([ristretto255Sha512, p256Sha256])('held points ($shortName)', (suite) => {
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
    const packed = pointsToRaw(suite, points);
    const back = rawToPoints(suite, packed);
    expect(back).toHaveLength(points.length);
    back.forEach((P, i) => {
      expect(P.equals(points[i] as typeof P), String(i)).toBe(true);
    });
    expect(pointsToRaw(suite, back)).toEqual(packed); // coordinates unchanged, not just the class
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
    // Raw in, raw out (the same bytes, not a copy's coordinates recomputed); then gone.
    const raw = pointsToRaw(suite, points);
    ctx.holdRaw(key, 5, raw, suite);
    expect(ctx.takeRaw(key, 5, points.length)).toBe(raw);
    expect(ctx.takeRaw(key, 5, points.length)).toBeNull();
    ctx.hold(key, 5, points, suite);
    expect(ctx.takeRaw(key, 5, points.length)).toEqual(raw);
    expect(() => ctx.holdRaw(key, 0, raw.subarray(1), suite)).toThrow(RangeError);
  });

  it('refuses bytes that are not whole points', () => {
    expect(() => rawToPoints(suite, new Uint8Array(33))).toThrow(RangeError);
  });
});
