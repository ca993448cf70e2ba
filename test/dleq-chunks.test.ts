/**
 * The batched DLEQ proof computed in chunks (issue 15; src/core/dleq.ts): the seed once over the
 * whole statement, the weights of any index range from it, partial composites added up, one
 * proof. Everything must equal the whole-batch computation, for both suites.
 */
import { describe, expect, it } from 'vitest';
import { bulkCodec } from '../src/core/bulk-codec.js';
import { DLEQ_PURPOSE } from '../src/core/constants.js';
import {
  compositeSeed,
  compositeWeights,
  compositeWeightsAt,
  dleqConfig,
  generateProof,
  generateProofFromComposites,
  rfc9497Config,
  verifyProof,
  verifyProofFromComposites,
} from '../src/core/dleq.js';
import { DecodeError } from '../src/core/errors.js';
import { type Element, p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`DLEQ in chunks (${suite.name})`, () => {
    const rng = seededRng(`dleq-chunks/${suite.name}`);
    const n = 11;
    const k = suite.randomScalar(rng);
    const B = suite.mulBase(k);
    const C = Array.from({ length: n }, (_, i) =>
      suite.hashToGroup(Uint8Array.of(i), te.encode('C')),
    );
    const D = C.map((P) => suite.mul(P, k));
    const Cb = C.map((P) => suite.encode(P));
    const Db = D.map((P) => suite.encode(P));
    const Bm = suite.encode(B);
    const cfg = dleqConfig(suite, DLEQ_PURPOSE.generic);
    const binding = te.encode('binding');
    const st = { A: suite.G, B, C, D, binding };
    const sum = (ps: Element[]) => ps.reduce((a, P) => a.add(P), suite.identity);

    it('the weights of every chunking are the whole batch’s weights at the same indices', () => {
      const whole = compositeWeights(suite, cfg, Bm, Cb, Db, binding);
      const seed = compositeSeed(suite, cfg, Bm, Cb, Db, binding);
      for (const size of [1, 3, 4, 10, 11]) {
        const parts: bigint[] = [];
        for (let lo = 0; lo < n; lo += size) {
          const hi = Math.min(n, lo + size);
          parts.push(
            ...compositeWeightsAt(suite, cfg, seed, lo, Cb.slice(lo, hi), Db.slice(lo, hi), n),
          );
        }
        expect(parts, `chunks of ${size}`).toEqual(whole);
      }
      // The index is bound: a chunk placed at another offset gets other weights.
      const at0 = compositeWeightsAt(suite, cfg, seed, 0, Cb.slice(3, 5), Db.slice(3, 5), n);
      expect(at0).not.toEqual(whole.slice(3, 5));
      // The seed binds the whole statement: another binding, other weights everywhere.
      const other = compositeSeed(suite, cfg, Bm, Cb, Db, te.encode('other'));
      expect(compositeWeightsAt(suite, cfg, other, 0, Cb, Db, n)[0]).not.toBe(whole[0]);
    });

    it('the RFC 9497 configuration chunks the same way (2-byte index, seed without the statement)', () => {
      const rfc = rfc9497Config(suite, 1);
      const whole = compositeWeights(suite, rfc, Bm, Cb, Db);
      const seed = compositeSeed(suite, rfc, Bm, Cb, Db);
      const parts = [
        ...compositeWeightsAt(suite, rfc, seed, 0, Cb.slice(0, 5), Db.slice(0, 5), n),
        ...compositeWeightsAt(suite, rfc, seed, 5, Cb.slice(5), Db.slice(5), n),
      ];
      expect(parts).toEqual(whole);
      expect(() =>
        compositeWeightsAt(suite, rfc, seed, 0, Cb.slice(0, 1), Db.slice(0, 1), 65_537),
      ).toThrow(RangeError);
    });

    it('ranges outside the batch, mismatched chunks and wrong encodings are refused', () => {
      const seed = compositeSeed(suite, cfg, Bm, Cb, Db, binding);
      expect(() =>
        compositeWeightsAt(suite, cfg, seed, 10, Cb.slice(0, 2), Db.slice(0, 2), n),
      ).toThrow(RangeError);
      expect(() =>
        compositeWeightsAt(suite, cfg, seed, -1, Cb.slice(0, 1), Db.slice(0, 1), n),
      ).toThrow(RangeError);
      expect(() =>
        compositeWeightsAt(suite, cfg, seed, 0, Cb.slice(0, 2), Db.slice(0, 1), n),
      ).toThrow(RangeError);
      expect(() =>
        compositeWeightsAt(
          suite,
          cfg,
          seed,
          0,
          [(Cb[0] as Uint8Array).subarray(1)],
          Db.slice(0, 1),
          n,
        ),
      ).toThrow(RangeError);
    });

    it('partial composites add up to the whole; the proof from them is generateProof’s, byte for byte', () => {
      const seed = compositeSeed(suite, cfg, Bm, Cb, Db, binding);
      const Ms: Element[] = [];
      const Zs: Element[] = [];
      for (const [lo, hi] of [
        [0, 4],
        [4, 8],
        [8, 11],
      ] as const) {
        const d = compositeWeightsAt(suite, cfg, seed, lo, Cb.slice(lo, hi), Db.slice(lo, hi), n);
        Ms.push(suite.msmVartime(C.slice(lo, hi), d));
        Zs.push(suite.msmVartime(D.slice(lo, hi), d));
      }
      const M = sum(Ms);
      const Z = sum(Zs);
      const whole = compositeWeights(suite, cfg, Bm, Cb, Db, binding);
      expect(suite.encode(M)).toEqual(suite.encode(suite.msmVartime(C, whole)));
      expect(suite.encode(Z)).toEqual(suite.encode(suite.mul(M, k)));

      const ref = generateProof(suite, cfg, k, st, seededRng('r'));
      const fromParts = generateProofFromComposites(
        suite,
        cfg,
        k,
        { A: suite.G, B, M },
        seededRng('r'),
      );
      expect(fromParts).toEqual(ref);
      expect(
        generateProofFromComposites(suite, cfg, k, { A: suite.G, B, M }, seededRng('r2')),
      ).not.toEqual(ref);

      expect(verifyProofFromComposites(suite, cfg, { A: suite.G, B, M, Z }, ref)).toBe(true);
      expect(verifyProof(suite, cfg, st, ref)).toBe(true);
      // A wrong composite (one chunk missing) or another key: rejected, as verifyProof rejects.
      const Mbad = sum(Ms.slice(1));
      const Zbad = sum(Zs.slice(1));
      expect(verifyProofFromComposites(suite, cfg, { A: suite.G, B, M: Mbad, Z: Zbad }, ref)).toBe(
        false,
      );
      const B2 = suite.mulBase(k + 1n);
      expect(verifyProofFromComposites(suite, cfg, { A: suite.G, B: B2, M, Z }, ref)).toBe(false);
      expect(verifyProof(suite, cfg, { ...st, B: B2 }, ref)).toBe(false);
      // The identity as a composite is refused as in verifyProof.
      expect(
        verifyProofFromComposites(
          suite,
          cfg,
          { A: suite.G, B, M: suite.identity, Z: suite.identity },
          ref,
        ),
      ).toBe(false);
    });

    it('a malformed proof is the same DecodeError from composites as from the statement', () => {
      const ref = generateProof(suite, cfg, k, st, seededRng('r'));
      const M = suite.msmVartime(C, compositeWeights(suite, cfg, Bm, Cb, Db, binding));
      const comp = { A: suite.G, B, M, Z: suite.mul(M, k) };
      const code = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return e instanceof DecodeError ? e.code : `other: ${(e as Error).message}`;
        }
        return 'no error';
      };
      const short = ref.subarray(1);
      const unreduced = ref.slice();
      unreduced.fill(0xff, 0, suite.scalarLength);
      for (const bad of [short, unreduced]) {
        expect(code(() => verifyProofFromComposites(suite, cfg, comp, bad))).toBe(
          code(() => verifyProof(suite, cfg, st, bad)),
        );
      }
      expect(code(() => verifyProof(suite, cfg, st, short))).toBe('decode.proof.length');
      expect(() => verifyProofFromComposites(suite, cfg, { A: suite.G, B, M }, ref)).toThrow(
        TypeError,
      );
    });

    it("the composites MSM passed in (the party's limb MSM) gives the same proof and verdict; a wrong one is used and fails", () => {
      const codec = bulkCodec(suite);
      const a = generateProof(suite, cfg, k, st, seededRng('msm-in'));
      const b = generateProof(suite, cfg, k, st, seededRng('msm-in'), codec.msmVartime);
      expect(b).toEqual(a);
      expect(verifyProof(suite, cfg, st, a, codec.msmVartime)).toBe(true);
      // An MSM that ignores its input makes the composites wrong: it is the one used.
      const wrong = () => suite.G;
      expect(verifyProof(suite, cfg, st, a, wrong)).toBe(false);
      expect(
        verifyProof(suite, cfg, st, generateProof(suite, cfg, k, st, seededRng('w'), wrong)),
      ).toBe(false);
    });
  });
}
