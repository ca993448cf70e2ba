/**
 * RFC 9162 §2.1 Merkle Tree Hash (src/database/merkle.ts).
 *
 * Known answers: the Certificate Transparency reference leaves and roots, as published in
 * transparency-dev/merkle `testonly/constants.go` (`LeafInputs`, `RootHashes`; the same values
 * appear in google/certificate-transparency-go and the CT C++ tests), and the inclusion proofs
 * of transparency-dev/merkle `proof/verify_test.go` (`inclusionProofs`, whose leaf numbers are
 * 1-based there and 0-based here). Used as data only.
 *
 * Cross-check: a brute-force recursive implementation written straight from RFC 9162 §2.1.1
 * and §2.1.3.1 (`MTH`, `PATH`), against every tree size 0..70 with fast-check.
 *
 */
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes } from '../src/core/utils.js';
import {
  emptyRoot,
  inclusionProof,
  leafHash,
  MerkleTreeHasher,
  merkleRoot,
  nodeHash,
  rootFromInclusionProof,
  verifyInclusion,
} from '../src/database/merkle.js';

const SLOW = !!process.env.QPSI_SLOW;

// transparency-dev/merkle testonly/constants.go: LeafInputs() and RootHashes() (sizes 0..8).
const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hexToBytes);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// transparency-dev/merkle proof/verify_test.go: inclusionProofs (index made 0-based).
const CT_PROOFS = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

// ── Brute-force reference, straight from RFC 9162 §2.1.1 and §2.1.3.1 ─────────────────────

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function refMTH(d: Uint8Array[]): Uint8Array {
  const n = d.length;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return sha256(concatBytes(Uint8Array.of(0), d[0] as Uint8Array));
  const k = largestPow2Below(n);
  return sha256(concatBytes(Uint8Array.of(1), refMTH(d.slice(0, k)), refMTH(d.slice(k))));
}
function refPATH(m: number, d: Uint8Array[]): Uint8Array[] {
  const n = d.length;
  if (n === 1) return [];
  const k = largestPow2Below(n);
  if (m < k) return [...refPATH(m, d.slice(0, k)), refMTH(d.slice(k))];
  return [...refPATH(m - k, d.slice(k)), refMTH(d.slice(0, k))];
}

const hex = bytesToHex;

describe('Merkle Tree Hash (RFC 9162 §2.1)', () => {
  it('matches the Certificate Transparency reference roots for sizes 0..8', () => {
    for (let n = 0; n <= 8; n++) {
      expect(hex(merkleRoot(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(CT_ROOTS[n]);
    }
    expect(hex(emptyRoot())).toBe(CT_ROOTS[0]);
    expect(hex(leafHash(new Uint8Array(0)))).toBe(CT_ROOTS[1]);
    expect(
      hex(nodeHash(leafHash(CT_LEAVES[0] as Uint8Array), leafHash(CT_LEAVES[1] as Uint8Array))),
    ).toBe(CT_ROOTS[2]);
  });

  it('matches and verifies the reference inclusion proofs', () => {
    for (const v of CT_PROOFS) {
      const leaves = CT_LEAVES.slice(0, v.size);
      const proof = inclusionProof(leaves, v.index);
      expect(proof.map(hex)).toEqual(v.proof);
      const root = hexToBytes(CT_ROOTS[v.size] as string);
      expect(
        verifyInclusion(
          root,
          CT_LEAVES[v.index] as Uint8Array,
          v.index,
          v.size,
          v.proof.map(hexToBytes),
        ),
      ).toBe(true);
    }
  });

  it('agrees with the recursive reference for every size 0..70 (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 70 }),
        fc.nat(),
        (leaves, pick) => {
          const root = merkleRoot(leaves);
          expect(hex(root)).toBe(hex(refMTH(leaves)));
          if (leaves.length === 0) return;
          const m = pick % leaves.length;
          const proof = inclusionProof(leaves, m);
          expect(proof.map(hex)).toEqual(refPATH(m, leaves).map(hex));
          expect(verifyInclusion(root, leaves[m] as Uint8Array, m, leaves.length, proof)).toBe(
            true,
          );
        },
      ),
      { numRuns: SLOW ? 1000 : 150 },
    );
  });

  it('every size 0..40 (70 when slow), every index: incremental roots and proofs verify', () => {
    const data = Array.from({ length: SLOW ? 70 : 40 }, (_, i) => Uint8Array.of(i, i * 7, 255 - i));
    const t = new MerkleTreeHasher();
    expect(hex(t.root())).toBe(CT_ROOTS[0]);
    for (let n = 1; n <= data.length; n++) {
      t.append(data[n - 1] as Uint8Array);
      expect(t.size).toBe(n);
      const leaves = data.slice(0, n);
      const ref = refMTH(leaves);
      expect(hex(t.root())).toBe(hex(ref));
      expect(hex(t.root())).toBe(hex(ref)); // reading the root does not disturb the state
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(leaves, m);
        expect(proof.length).toBe(refPATH(m, leaves).length);
        expect(verifyInclusion(ref, leaves[m] as Uint8Array, m, n, proof)).toBe(true);
      }
    }
  });

  it('merkleRoot accepts any iterable', () => {
    function* gen() {
      yield* CT_LEAVES;
    }
    expect(hex(merkleRoot(gen()))).toBe(CT_ROOTS[8]);
  });

  it('rejects every corrupted inclusion proof (the CT corruption probes)', () => {
    const some = hexToBytes('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const v of CT_PROOFS) {
      const root = hexToBytes(CT_ROOTS[v.size] as string);
      const leaf = CT_LEAVES[v.index] as Uint8Array;
      const proof = v.proof.map(hexToBytes);
      const bad: [Uint8Array, Uint8Array, number, number, Uint8Array[]][] = [
        [root, leaf, v.index - 1, v.size, proof],
        [root, leaf, v.index + 1, v.size, proof],
        [root, leaf, v.index ^ 2, v.size, proof],
        [root, leaf, v.index, v.size * 2, proof],
        [root, leaf, v.index, Math.floor(v.size / 2), proof],
        [root, new TextEncoder().encode('WrongLeaf'), v.index, v.size, proof],
        [hexToBytes(CT_ROOTS[0] as string), leaf, v.index, v.size, proof],
        [some, leaf, v.index, v.size, proof],
        [root, leaf, v.index, v.size, [...proof, new Uint8Array(0)]],
        [root, leaf, v.index, v.size, [...proof, root]],
        [root, leaf, v.index, v.size, [new Uint8Array(0), ...proof]],
        [root, leaf, v.index, v.size, [root, ...proof]],
        [root, leaf, v.index, v.size, proof.slice(0, -1)],
      ];
      if (proof.length > 1)
        bad.push([root, leaf, v.index, v.size, [proof[0] as Uint8Array, some, ...proof.slice(1)]]);
      for (let i = 0; i < proof.length; i++) {
        const flipped = proof.map((p) => p.slice());
        (flipped[i] as Uint8Array)[0] ^= 8;
        bad.push([root, leaf, v.index, v.size, flipped]);
      }
      for (const [r, l, idx, size, p] of bad) {
        if (idx < 0) continue;
        expect(verifyInclusion(r, l, idx, size, p), `${idx}/${size}`).toBe(false);
      }
    }
    // Single-entry tree: the root is the leaf hash and the proof is empty.
    const one = new TextEncoder().encode('data');
    expect(verifyInclusion(leafHash(one), one, 0, 1, [])).toBe(true);
    expect(verifyInclusion(new Uint8Array(0), one, 0, 1, [])).toBe(false);
    // index ≥ size, empty tree.
    expect(rootFromInclusionProof(one, 1, 1, [])).toBeNull();
    expect(rootFromInclusionProof(one, 0, 0, [])).toBeNull();
  });

  it('rejects malformed arguments with TypeError/RangeError', () => {
    expect(() => merkleRoot(['x' as unknown as Uint8Array])).toThrow(TypeError);
    expect(() => leafHash(null as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => inclusionProof([], 0)).toThrow(RangeError);
    expect(() => inclusionProof(CT_LEAVES, 8)).toThrow(RangeError);
    expect(() => inclusionProof(CT_LEAVES, -1)).toThrow(RangeError);
    expect(() => inclusionProof('x' as unknown as Uint8Array[], 0)).toThrow(TypeError);
    expect(() => verifyInclusion(new Uint8Array(32), new Uint8Array(1), 0.5, 2, [])).toThrow(
      TypeError,
    );
    expect(() =>
      verifyInclusion(new Uint8Array(32), new Uint8Array(1), 0, 2, 'p' as unknown as Uint8Array[]),
    ).toThrow(TypeError);
    // A proof element of the wrong type or length is a failed proof, not an exception.
    expect(
      verifyInclusion(new Uint8Array(32), new Uint8Array(1), 0, 2, ['x' as unknown as Uint8Array]),
    ).toBe(false);
  });
});
