/**
 * Feldman VSS (src/threshold/feldman.ts) on both suites.
 *
 * - Honest shares verify; any altered share (x or y) or altered commitment is rejected
 *   (fast-check); combineVerified names the bad share.
 * - Cross-check against an independent implementation: noble's RFC 9591 FROST `trustedDealer`
 *   (`ristretto255_FROST`, `p256_FROST`). For the same polynomial, our shares and commitments
 *   agree byte for byte with FROST's secret shares and VSS commitment. noble's `trustedDealer`
 *   takes the secret as bytes but draws the other coefficients from its `rng`: each coefficient
 *   is `randomScalar(rng)` = `(OS2IP_suite(rng(48)) mod (q − 1)) + 1` (noble `mapHashToField`,
 *   48 = getMinHashLength(q) bytes, the suite's scalar endianness), so feeding it the 48-byte
 *   encoding of `a_i − 1` replays `a_i` exactly (for `a_i ≠ 0`). The test also checks that FROST
 *   made exactly `T − 1` rng calls of 48 bytes.
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import { ristretto255_FROST } from '@noble/curves/ed25519.js';
import { p256_FROST } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, ParameterError, VerificationError } from '../src/core/errors.js';
import { F_ELL, scalarField } from '../src/core/field.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes, i2osp } from '../src/core/utils.js';
import {
  combineVerified,
  commit,
  decodeCommitments,
  encodeCommitments,
  ShareVerificationError,
  verifyShare,
} from '../src/threshold/feldman.js';
import {
  encodeShare,
  polynomialFromCoefficients,
  polynomialFromSeed,
  type Share,
  split,
} from '../src/threshold/shamir.js';
import { expectError, runs, thrown } from './helpers/assert.js';

const SUITES: [string, Suite][] = [
  ['ristretto255', ristretto255Sha512],
  ['p256', p256Sha256],
];

const seed32 = (b: number) => new Uint8Array(32).fill(b);

describe.each(SUITES)('feldman (%s)', (_name, suite) => {
  const F = scalarField(suite);
  const scalar = fc.bigInt({ min: 1n, max: F.p - 1n });

  it('honest shares verify and combineVerified reconstructs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (T, extra, seed) => {
          const poly = polynomialFromSeed(F, T, seed, 'feldman-test');
          const C = commit(suite, poly);
          expect(C.length).toBe(T);
          for (let i = 0; i < T; i++) {
            expect(C[i]?.equals(suite.G.multiply(poly.coefficients[i] as bigint))).toBe(true);
          }
          const xs = Array.from({ length: T + extra }, (_, i) => BigInt(i + 1));
          const shares = xs.map((x) => ({ x, y: poly.evaluate(x) }));
          for (const sh of shares) expect(verifyShare(suite, C, sh)).toBe(true);
          expect(combineVerified(suite, C, shares)).toBe(poly.coefficients[0]);
        },
      ),
      runs(8),
    );
  });

  it('any altered share (x or y) is rejected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        scalar,
        scalar,
        fc.boolean(),
        (T, seed, x, delta, alterX) => {
          const poly = polynomialFromSeed(F, T, seed, 'alter');
          const C = commit(suite, poly);
          const y = poly.evaluate(x);
          expect(verifyShare(suite, C, { x, y })).toBe(true);
          const bad = alterX ? { x: F.add(x, delta), y } : { x, y: F.add(y, delta) };
          // A changed x could land on another point of f only if f(x+δ) = f(x): skip that case.
          fc.pre(bad.x !== 0n && poly.evaluate(bad.x) !== bad.y);
          expect(verifyShare(suite, C, bad)).toBe(false);
        },
      ),
      runs(12),
    );
  });

  it('any altered commitment rejects every honest share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        scalar,
        scalar,
        (T, idx, seed, delta, x) => {
          const poly = polynomialFromSeed(F, T, seed, 'alter-c');
          const C = commit(suite, poly);
          const i = idx % T;
          const C2 = C.slice();
          C2[i] = (C[i] as (typeof C)[number]).add(suite.G.multiply(delta));
          expect(verifyShare(suite, C2, { x, y: poly.evaluate(x) })).toBe(false);
        },
      ),
      runs(12),
    );
  });

  it('malformed shares are rejected, not thrown on', () => {
    const poly = polynomialFromCoefficients(F, [5n, 6n]);
    const C = commit(suite, poly);
    expect(verifyShare(suite, C, { x: 0n, y: 5n })).toBe(false);
    expect(verifyShare(suite, C, { x: 1n + F.p, y: 11n })).toBe(false);
    expect(verifyShare(suite, C, { x: 1n, y: 11n + F.p })).toBe(false);
    expect(verifyShare(suite, C, { x: 1n, y: 11n })).toBe(true);
  });

  it('combineVerified throws a VerificationError naming the bad share', () => {
    const poly = polynomialFromSeed(F, 3, seed32(4), 'combine');
    const C = commit(suite, poly);
    const shares: Share[] = [1n, 2n, 3n, 4n, 5n].map((x) => ({ x, y: poly.evaluate(x) }));
    for (const badIdx of [0, 2, 4]) {
      const tampered = shares.slice();
      const s = tampered[badIdx] as Share;
      tampered[badIdx] = { x: s.x, y: F.add(s.y, 1n) };
      const e = thrown(() => combineVerified(suite, C, tampered));
      expect(e).toBeInstanceOf(ShareVerificationError);
      expect(e).toBeInstanceOf(VerificationError);
      expect((e as ShareVerificationError).code).toBe('feldman.share');
      expect((e as ShareVerificationError).x).toBe(s.x);
      expect((e as Error).message).toContain(`0x${s.x.toString(16)}`);
    }
    expectError(
      () => combineVerified(suite, C, shares.slice(0, 2)),
      ParameterError,
      'shamir.too-few',
    );
    expectError(
      () => combineVerified(suite, C, [shares[0] as Share, shares[0] as Share, shares[1] as Share]),
      ParameterError,
      'shamir.duplicate-x',
    );
  });

  it('commitments encode/decode strictly', () => {
    const poly = polynomialFromSeed(F, 4, seed32(5), 'codec');
    const C = commit(suite, poly);
    const bytes = encodeCommitments(suite, C);
    const Ne = suite.elementLength;
    expect(bytes.length).toBe(4 * Ne);
    const back = decodeCommitments(suite, bytes, 4);
    expect(back.every((P, i) => P.equals(C[i] as (typeof C)[number]))).toBe(true);
    expectError(() => decodeCommitments(suite, bytes, 3), DecodeError, 'decode.commitments.count');
    expectError(
      () => decodeCommitments(suite, bytes.subarray(1)),
      DecodeError,
      'decode.commitments.length',
    );
    expectError(
      () => decodeCommitments(suite, new Uint8Array(0)),
      DecodeError,
      'decode.commitments.length',
    );
    // The identity element and a non-canonical/off-group encoding in the second slot.
    const withZero = bytes.slice();
    withZero.fill(0, Ne, 2 * Ne);
    expect(thrown(() => decodeCommitments(suite, withZero))).toBeInstanceOf(DecodeError);
    const withFF = bytes.slice();
    withFF.fill(0xff, Ne, 2 * Ne);
    expect(thrown(() => decodeCommitments(suite, withFF))).toBeInstanceOf(DecodeError);
    // Every single-bit flip either fails to decode or decodes to different commitments.
    for (let bit = 0; bit < bytes.length * 8; bit += 13) {
      const flipped = bytes.slice();
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      const e = thrown(() => {
        const D = decodeCommitments(suite, flipped);
        expect(D.some((P, i) => !P.equals(C[i] as (typeof C)[number]))).toBe(true);
      });
      if (e !== undefined) expect(e).toBeInstanceOf(DecodeError);
    }
  });

  it('zero coefficients commit to the identity, which is not encodable; wrong field refused', () => {
    const poly = polynomialFromCoefficients(F, [0n, 3n]);
    const C = commit(suite, poly);
    expect(C[0]?.is0()).toBe(true);
    expect(verifyShare(suite, C, { x: 2n, y: 6n })).toBe(true);
    expectError(() => encodeCommitments(suite, C), ParameterError, 'feldman.identity');
    expectError(
      () => commit(suite, polynomialFromCoefficients(F_ELL, [1n, 2n])),
      ParameterError,
      'feldman.field',
    );
  });
});

describe('feldman: cross-check with noble RFC 9591 FROST trustedDealer', () => {
  const cases = [
    ['ristretto255', ristretto255Sha512, ristretto255_FROST],
    ['p256', p256Sha256, p256_FROST],
  ] as const;
  for (const [name, suite, frost] of cases) {
    it(`${name}: same coefficients → identical shares, verifying shares and VSS commitments`, () => {
      const F = scalarField(suite);
      const wide = 48;
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 5 }),
          fc.integer({ min: 0, max: 3 }),
          fc.array(fc.bigInt({ min: 1n, max: F.p - 1n }), { minLength: 5, maxLength: 5 }),
          (T, extra, pool) => {
            const n = T + extra;
            const coeffs = pool.slice(0, T);
            // Replay a_1..a_{T-1} through FROST's rng: 48-byte encoding of a_i − 1.
            const calls: number[] = [];
            let next = 1;
            const rng = (len?: number) => {
              if (len === undefined) throw new Error('FROST rng called without a length');
              calls.push(len);
              const v = (coeffs[next++] as bigint) - 1n;
              const be = i2osp(v, len);
              return F.isLE ? be.reverse() : be;
            };
            const deal = frost.trustedDealer(
              { min: T, max: n },
              undefined,
              F.toBytes(coeffs[0] as bigint),
              rng,
            );
            expect(calls).toEqual(new Array(T - 1).fill(wide));

            const poly = polynomialFromCoefficients(F, coeffs);
            const ours = encodeCommitments(suite, commit(suite, poly));
            expect(ours).toEqual(concatBytes(...deal.public.commitments));
            const frostShares: Share[] = [];
            for (let i = 1; i <= n; i++) {
              const id = frost.Identifier.fromNumber(i);
              const theirs = deal.secretShares[id];
              expect(theirs).toBeDefined();
              const y = poly.evaluate(BigInt(i));
              const enc = encodeShare(F, { x: BigInt(i), y });
              // Our share encoding is x ‖ y; FROST's signing share is y, its identifier is x.
              expect(enc.subarray(F.bytes)).toEqual(theirs?.signingShare);
              expect(enc.subarray(0, F.bytes)).toEqual(F.toBytes(BigInt(i)));
              expect(suite.encode(suite.mulBase(y))).toEqual(deal.public.verifyingShares[id]);
              // FROST accepts our share against its public package.
              expect(() =>
                frost.validateSecret({ identifier: id, signingShare: F.toBytes(y) }, deal.public),
              ).not.toThrow();
              frostShares.push({
                x: BigInt(i),
                y: F.fromBytes(theirs?.signingShare as Uint8Array),
              });
            }
            // Our verification accepts FROST's shares against FROST's commitments.
            const C = decodeCommitments(suite, concatBytes(...deal.public.commitments), T);
            for (const sh of frostShares) expect(verifyShare(suite, C, sh)).toBe(true);
            expect(combineVerified(suite, C, frostShares)).toBe(coeffs[0]);
          },
        ),
        runs(6),
      );
    });
  }

  it('split(rng) feeds the same polynomial shape FROST uses (shares at 1..n)', () => {
    const suite = ristretto255Sha512;
    const F = scalarField(suite);
    const { shares, polynomial } = split(99n, { threshold: 3, xs: [1n, 2n, 3n, 4n] }, (n) =>
      new Uint8Array(n).fill(3),
    );
    const calls: number[] = [];
    const deal = ristretto255_FROST.trustedDealer(
      { min: 3, max: 4 },
      undefined,
      F.toBytes(99n),
      (len?: number) => {
        if (len === undefined) throw new Error('FROST rng called without a length');
        calls.push(len);
        const a = polynomial.coefficients[calls.length] as bigint;
        return i2osp(a - 1n, len).reverse();
      },
    );
    for (const sh of shares) {
      const id = ristretto255_FROST.Identifier.fromNumber(Number(sh.x));
      expect(deal.secretShares[id]?.signingShare).toEqual(F.toBytes(sh.y));
    }
  });
});
