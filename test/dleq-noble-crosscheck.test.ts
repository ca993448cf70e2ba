/**
 * Cross-check of src/core/dleq.ts against an independent implementation of RFC 9497: noble's own
 * OPRF module (`ristretto255_oprf`, `p256_oprf`), which has its own transcript and proof code.
 *
 * With the RFC configuration (`rfc9497Config`), for random keys, inputs and batches of 1..6:
 * - noble's VOPRF / POPRF proofs verify under our `verifyProof`;
 * - our `generateProof`, fed the same rng bytes, produces byte-identical proofs (noble's
 *   RandomScalar is the same wide reduction, so the same bytes give the same `r`);
 * - noble's `finalize` / `finalizeBatch` accept our proofs, and the outputs equal noble's
 *   non-interactive `evaluate`;
 * - noble rejects proofs made under this library's own configuration (context and 8-byte index).
 */
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { p256_oprf } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DLEQ_PURPOSE } from '../src/core/constants.js';
import { dleqConfig, generateProof, rfc9497Config, verifyProof } from '../src/core/dleq.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { concatBytes, i2osp, utf8ToBytes } from '../src/core/utils.js';
import { runs } from './helpers/assert.js';

/** `xs[i]`, failing loudly instead of yielding `undefined`. */
function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`index ${i} out of range`);
  return x;
}

/** noble's VOPRF `evaluate` exists at runtime (abstract/oprf.js) but is missing from its types. */
type Evaluate = { evaluate(secretKey: Uint8Array, input: Uint8Array): Uint8Array };

const cases = [
  { suite: ristretto255Sha512, oprf: ristretto255_oprf },
  { suite: p256Sha256, oprf: p256_oprf },
];

for (const { suite, oprf } of cases) {
  const q = suite.order;
  const scalar = fc.bigInt({ min: 1n, max: q - 1n });
  const seed48 = fc.uint8Array({ minLength: 48, maxLength: 48 });
  const inputs = fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), {
    minLength: 1,
    maxLength: 6,
  });

  /** Client side, done with our group code: blinded = blind · HashToGroup(input, "HashToGroup-" ‖ ctx). */
  function blindAll(mode: 1 | 2, xs: Uint8Array[], blinds: bigint[]) {
    const groupDst = concatBytes(utf8ToBytes('HashToGroup-'), rfc9497Config(suite, mode).context);
    return xs.map((x, i) =>
      suite.mul(suite.hashToGroup(x, groupDst), blinds[i % blinds.length] as bigint),
    );
  }

  describe(`${suite.name}: VOPRF (mode 1) against noble`, () => {
    const cfg = rfc9497Config(suite, 1);

    it('noble proofs verify under verifyProof, and generateProof reproduces them byte for byte', () => {
      fc.assert(
        fc.property(
          scalar,
          inputs,
          fc.array(scalar, { minLength: 1, maxLength: 6 }),
          seed48,
          (k, xs, blinds, seed) => {
            const sk = suite.encodeScalar(k);
            const pk = suite.encode(suite.mulBase(k));
            const blinded = blindAll(1, xs, blinds);
            const res = oprf.voprf.blindEvaluateBatch(
              sk,
              pk,
              blinded.map((b) => suite.encode(b)),
              () => Uint8Array.from(seed),
            );
            const D = res.evaluated.map((e) => suite.decode(e));
            D.forEach((d, i) => {
              expect(d.equals(suite.mul(at(blinded, i), k))).toBe(true);
            });
            const st = { A: suite.G, B: suite.mulBase(k), C: blinded, D };
            expect(verifyProof(suite, cfg, st, res.proof)).toBe(true);
            expect(generateProof(suite, cfg, k, st, () => Uint8Array.from(seed))).toEqual(
              res.proof,
            );
          },
        ),
        runs(5),
      );
    });

    it('noble finalize / finalizeBatch accept our proofs and give noble evaluate outputs', () => {
      fc.assert(
        fc.property(scalar, inputs, scalar, (k, xs, blind) => {
          const sk = suite.encodeScalar(k);
          const pk = suite.encode(suite.mulBase(k));
          const blinds = xs.map((_, i) => suite.scalarAdd(blind, BigInt(i)) || 1n);
          const blinded = blindAll(1, xs, blinds);
          const evaluated = blinded.map((b) => suite.mul(b, k));
          const proof = generateProof(suite, cfg, k, {
            A: suite.G,
            B: suite.mulBase(k),
            C: blinded,
            D: evaluated,
          });
          const items = xs.map((input, i) => ({
            input,
            blind: suite.encodeScalar(at(blinds, i)),
            evaluated: suite.encode(at(evaluated, i)),
            blinded: suite.encode(at(blinded, i)),
          }));
          const outs = oprf.voprf.finalizeBatch(items, pk, proof);
          for (const [i, o] of outs.entries()) {
            expect(o).toEqual((oprf.voprf as unknown as Evaluate).evaluate(sk, at(xs, i)));
          }
          if (xs.length === 1) {
            const it0 = at(items, 0);
            expect(
              oprf.voprf.finalize(it0.input, it0.blind, it0.evaluated, it0.blinded, pk, proof),
            ).toEqual(outs[0]);
          }
          // noble rejects a proof made under this library's configuration for the same statement.
          const ours = generateProof(suite, dleqConfig(suite, DLEQ_PURPOSE.generic), k, {
            A: suite.G,
            B: suite.mulBase(k),
            C: blinded,
            D: evaluated,
          });
          expect(() => oprf.voprf.finalizeBatch(items, pk, ours)).toThrow();
          // ... and under the RFC context with the 8-byte index (only the index width differs).
          const wide = generateProof(
            suite,
            { context: cfg.context, indexBytes: 8, bindStatement: false },
            k,
            {
              A: suite.G,
              B: suite.mulBase(k),
              C: blinded,
              D: evaluated,
            },
          );
          expect(() => oprf.voprf.finalizeBatch(items, pk, wide)).toThrow();
        }),
        runs(4),
      );
    });
  });

  describe(`${suite.name}: POPRF (mode 2) against noble`, () => {
    const cfg = rfc9497Config(suite, 2);

    it('tweaked-key proofs (C = evaluated, D = blinded) agree with noble both ways', () => {
      fc.assert(
        fc.property(
          scalar,
          fc.uint8Array({ maxLength: 20 }),
          inputs,
          fc.array(scalar, { minLength: 1, maxLength: 6 }),
          seed48,
          (k, info, xs, blinds, seed) => {
            const sk = suite.encodeScalar(k);
            const framedInfo = concatBytes(utf8ToBytes('Info'), i2osp(info.length, 2), info);
            const m = suite.hashToScalar(
              framedInfo,
              concatBytes(utf8ToBytes('HashToScalar-'), cfg.context),
            );
            const t = suite.scalarAdd(k, m);
            fc.pre(t !== 0n);
            const tweakedKey = suite.mulBase(t);
            const blinded = blindAll(2, xs, blinds);
            const evaluated = blinded.map((b) => suite.mul(b, suite.scalarInv(t)));
            const st = { A: suite.G, B: tweakedKey, C: evaluated, D: blinded };

            const po = oprf.poprf(info);
            const res = po.blindEvaluateBatch(
              sk,
              blinded.map((b) => suite.encode(b)),
              () => Uint8Array.from(seed),
            );
            for (const [i, e] of res.evaluated.entries()) {
              expect(e).toEqual(suite.encode(at(evaluated, i)));
            }
            expect(verifyProof(suite, cfg, st, res.proof)).toBe(true);
            const proof = generateProof(suite, cfg, t, st, () => Uint8Array.from(seed));
            expect(proof).toEqual(res.proof);

            const items = xs.map((input, i) => ({
              input,
              blind: suite.encodeScalar(at(blinds, i % blinds.length)),
              evaluated: suite.encode(at(evaluated, i)),
              blinded: suite.encode(at(blinded, i)),
            }));
            const outs = po.finalizeBatch(
              items,
              generateProof(suite, cfg, t, st),
              suite.encode(tweakedKey),
            );
            for (const [i, o] of outs.entries()) expect(o).toEqual(po.evaluate(sk, at(xs, i)));
          },
        ),
        runs(4),
      );
    });
  });
}

describe('cross-check sanity', () => {
  it('noble and this library agree on the suite names used in the RFC context', () => {
    expect(ristretto255_oprf.name).toBe(ristretto255Sha512.name);
    expect(p256_oprf.name).toBe(p256Sha256.name);
  });
});
