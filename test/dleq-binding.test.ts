/**
 * SPEC v2 §2.1: the seed of a library-configured batched DLEQ proof binds the whole statement
 * and the caller's binding context, so every composite weight depends on every element.
 *
 * With RFC 9497's seed (public key and context only) the weight `d_i` depends on element `i`
 * alone; a prover who knows `k` could then search each element's error independently (Wagner's
 * k-tree attack on the audit proof and on NGO hops). These tests fail on that behaviour.
 */
import { describe, expect, it } from 'vitest';
import { DLEQ_PURPOSE } from '../src/core/constants.js';
import {
  compositeWeights,
  dleqConfig,
  generateProof,
  rfc9497Config,
  verifyProof,
} from '../src/core/dleq.js';
import { type Element, p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { auditProofBinding, buildDatabase, cellBases } from '../src/database/builder.js';
import { rateToU32, splitPublicData } from '../src/database/pdata.js';
import { layoutTable } from '../src/database/table.js';
import { item } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

const REVIEWER = new Uint8Array(32).fill(9);

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`${suite.name}: statement-bound composite weights`, () => {
    const rng = seededRng(`dleq-binding-${suite.shortName}`);
    const n = 12;
    const k = suite.randomScalar(rng);
    const B = suite.mulBase(k);
    const Bm = suite.encode(B);
    const C: Element[] = Array.from({ length: n }, () => suite.mulBase(suite.randomScalar(rng)));
    const D = C.map((P) => suite.mul(P, k));
    const Cb = C.map((P) => suite.encode(P));
    const Db = D.map((P) => suite.encode(P));
    const other = suite.encode(suite.mulBase(suite.randomScalar(rng)));
    const cfg = dleqConfig(suite, DLEQ_PURPOSE.generic);
    const base = compositeWeights(suite, cfg, Bm, Cb, Db);

    it('every weight changes when any single input C_j or output D_j changes', () => {
      for (let j = 0; j < n; j++) {
        for (const side of ['C', 'D'] as const) {
          const C2 = side === 'C' ? Cb.map((x, i) => (i === j ? other : x)) : Cb;
          const D2 = side === 'D' ? Db.map((x, i) => (i === j ? other : x)) : Db;
          const d = compositeWeights(suite, cfg, Bm, C2, D2);
          for (let i = 0; i < n; i++)
            expect(d[i], `${side}_${j} changed, weight ${i}`).not.toBe(base[i]);
        }
      }
    });

    it('every weight changes when the binding context changes (one byte, or absent vs present)', () => {
      const b1 = new Uint8Array(40).fill(1);
      const b2 = b1.slice();
      b2[39] = 2;
      const d1 = compositeWeights(suite, cfg, Bm, Cb, Db, b1);
      const d2 = compositeWeights(suite, cfg, Bm, Cb, Db, b2);
      for (let i = 0; i < n; i++) {
        expect(d1[i]).not.toBe(d2[i]);
        expect(d1[i]).not.toBe(base[i]);
      }
    });

    it('RFC 9497 weights (kept for the RFC vectors) depend on their own element only', () => {
      // The property the library configuration removes: documents why it is not used elsewhere.
      const rfc = rfc9497Config(suite, 1);
      const r0 = compositeWeights(suite, rfc, Bm, Cb, Db);
      const r1 = compositeWeights(
        suite,
        rfc,
        Bm,
        Cb.map((x, i) => (i === 3 ? other : x)),
        Db,
      );
      for (let i = 0; i < n; i++) {
        if (i === 3) expect(r1[i]).not.toBe(r0[i]);
        else expect(r1[i]).toBe(r0[i]);
      }
      expect(() => compositeWeights(suite, rfc, Bm, Cb, Db, new Uint8Array(1))).toThrow(RangeError);
    });

    it('a proof verifies only under the binding context it was made for', () => {
      const binding = new TextEncoder().encode('what this proof is about');
      const st = { A: suite.G, B, C, D, binding };
      const proof = generateProof(suite, cfg, k, st, rng);
      expect(verifyProof(suite, cfg, st, proof)).toBe(true);
      expect(verifyProof(suite, cfg, { ...st, binding: binding.subarray(1) }, proof)).toBe(false);
      expect(verifyProof(suite, cfg, { ...st, binding: undefined }, proof)).toBe(false);
    });
  });

  describe(`${suite.name}: the audit proof is bound to header, root and filler seed`, () => {
    const rng = seededRng(`dleq-binding-audit-${suite.shortName}`);
    const items = Array.from({ length: 20 }, (_, i) => item('bound', i));
    const built = buildDatabase(items, {
      suite,
      rng,
      params: {
        threshold: 3,
        sMax: 2,
        syntheticRate32: rateToU32(0.1),
        payloadSize: 16,
        reviewerKeys: [REVIEWER],
      },
    });
    const { header, headerBytes, cells } = splitPublicData(built.publicData);
    const layout = layoutTable(built.items as Uint8Array[], header.table.nonces, header.table.size);
    const Bs = cellBases(suite, built.items, layout, built.audit.fillerSeed);
    const P = cells.map((c) => suite.decode(c));
    const cfg = dleqConfig(suite, DLEQ_PURPOSE.audit);
    const verify = (binding: Uint8Array) =>
      verifyProof(
        suite,
        cfg,
        { A: suite.G, B: header.L, C: Bs, D: P, Dbytes: cells, binding },
        built.audit.proof,
      );

    it('verifies with the database binding and fails with any other header, root or filler seed', () => {
      const { root } = built;
      const seed = built.audit.fillerSeed;
      expect(verify(auditProofBinding(headerBytes, root, seed))).toBe(true);
      const flip = (b: Uint8Array, i: number) => {
        const c = b.slice();
        c[i] = (c[i] as number) ^ 1;
        return c;
      };
      expect(verify(auditProofBinding(flip(headerBytes, 10), root, seed))).toBe(false);
      expect(verify(auditProofBinding(headerBytes, flip(root, 0), seed))).toBe(false);
      expect(verify(auditProofBinding(headerBytes, root, flip(seed, 31)))).toBe(false);
    });
  });
}
