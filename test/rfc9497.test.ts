/**
 * RFC 9497 Appendix A known-answer tests for `ristretto255-SHA512` and `P256-SHA256`
 * (test/vectors/README.md; the file's decaf448, P-384 and P-521 entries are ignored).
 *
 * For every vector this checks, with this library's group and DLEQ code:
 * - DeriveKeyPair (§3.2.1): `skSm = HashToScalar(seed ‖ lp(keyInfo) ‖ 0x00, "DeriveKeyPair" ‖ ctx)`
 *   and `pkSm = skSm·G` (pins `hashToScalar` with a caller DST);
 * - HashToGroup and Blind: `BlindedElement = Blind · HashToGroup(Input, groupDST)`;
 * - BlindEvaluate: `EvaluationElement = skSm · BlindedElement` (modes 0, 1), or for POPRF
 *   (mode 2, §3.3.3) `EvaluationElement = t⁻¹ · BlindedElement` with
 *   `t = skSm + HashToScalar("Info" ‖ I2OSP(len(info), 2) ‖ info, "HashToScalar-" ‖ ctx)`;
 * - Finalize: `Output = Hash(lp(Input) [‖ lp(Info)] ‖ lp(Blind⁻¹·EvaluationElement) ‖ "Finalize")`;
 * - the batched DLEQ proof (modes 1, 2): `generateProof` with the RFC's proof randomness
 *   replayed through `rng` reproduces `Proof.proof` byte for byte, and `verifyProof` accepts
 *   it. VOPRF proves `skSm: G → pkSm, BlindedElement → EvaluationElement`; POPRF proves
 *   `t: G → t·G, EvaluationElement → BlindedElement` (roles of C and D swapped).
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { dleqConfig, generateProof, rfc9497Config, verifyProof } from '../src/core/dleq.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { concatBytes, i2osp } from '../src/core/utils.js';
import vectorFile from './vectors/rfc9497-oprf-allVectors.json' with { type: 'json' };

/** The shape of one entry of the vector file (hex strings; batches comma-separated). */
interface VectorEntry {
  identifier: string;
  mode: number;
  groupDST: string;
  seed: string;
  keyInfo: string;
  skSm: string;
  pkSm?: string;
  vectors: {
    Batch: number;
    Input: string;
    Blind: string;
    BlindedElement: string;
    EvaluationElement: string;
    Output: string;
    Info?: string;
    Proof?: { proof: string; r: string };
  }[];
}
const allVectors = vectorFile as VectorEntry[];

/** `I2OSP(len(x), 2) ‖ x`. */
const lp = (x: Uint8Array) => concatBytes(i2osp(x.length, 2), x);

/**
 * An rng that makes `suite.randomScalar` return `r`: randomScalar computes
 * `(x mod (q-1)) + 1` from 48 bytes in the suite's endianness, so feed it `r - 1`.
 */
function replayScalar(suite: Suite, r: bigint): (n: number) => Uint8Array {
  const littleEndian = suite.encodeScalar(1n)[0] === 1;
  return (n: number) => {
    const be = i2osp(r - 1n, n);
    return littleEndian ? be.reverse() : be;
  };
}

const split = (s: string) => s.split(',').map(hexToBytes);

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`RFC 9497 ${suite.name}`, () => {
    const entries = allVectors.filter((e) => e.identifier === suite.name);

    it('has modes 0, 1 and 2 with 2 + 3 + 3 vectors', () => {
      expect(entries.map((e) => e.mode)).toEqual([0, 1, 2]);
      expect(entries.map((e) => e.vectors.length)).toEqual([2, 3, 3]);
    });

    for (const entry of entries) {
      const mode = entry.mode as 0 | 1 | 2;
      const cfg = rfc9497Config(suite, mode);
      const skSm = suite.decodeScalar(hexToBytes(entry.skSm));

      describe(`mode ${mode}`, () => {
        it('groupDST is "HashToGroup-" ‖ the context of rfc9497Config', () => {
          expect(entry.groupDST).toBe(
            bytesToHex(concatBytes(utf8ToBytes('HashToGroup-'), cfg.context)),
          );
          expect(cfg.indexBytes).toBe(2);
        });

        it('DeriveKeyPair(seed, keyInfo) gives skSm, and pkSm = skSm·G', () => {
          const msg = concatBytes(
            hexToBytes(entry.seed),
            lp(hexToBytes(entry.keyInfo)),
            Uint8Array.of(0),
          );
          const dkpDst = concatBytes(utf8ToBytes('DeriveKeyPair'), cfg.context);
          expect(suite.hashToScalar(msg, dkpDst)).toBe(skSm);
          expect(entry.pkSm === undefined).toBe(mode === 0);
          if (entry.pkSm !== undefined) {
            expect(bytesToHex(suite.encode(suite.mulBase(skSm)))).toBe(entry.pkSm);
          }
        });

        for (const [vi, v] of entry.vectors.entries()) {
          it(`vector ${vi} (batch ${v.Batch}): blind, evaluate, finalize${mode > 0 ? ', proof' : ''}`, () => {
            const groupDST = hexToBytes(entry.groupDST);
            const inputs = split(v.Input);
            const blinds = split(v.Blind).map((b) => suite.decodeScalar(b));
            const blinded = split(v.BlindedElement);
            const evaluated = split(v.EvaluationElement);
            const outputs = split(v.Output);
            for (const list of [inputs, blinds, blinded, evaluated, outputs]) {
              expect(list).toHaveLength(v.Batch);
            }

            // POPRF key tweak (§3.3.3).
            let key = skSm;
            let info: Uint8Array | undefined;
            if (mode === 2 && v.Info !== undefined) {
              info = hexToBytes(v.Info);
              const framedInfo = concatBytes(utf8ToBytes('Info'), lp(info));
              const m = suite.hashToScalar(
                framedInfo,
                concatBytes(utf8ToBytes('HashToScalar-'), cfg.context),
              );
              key = suite.scalarAdd(skSm, m);
            }
            expect(mode !== 2 || info !== undefined).toBe(true);

            const Bl: Element[] = [];
            const Ev: Element[] = [];
            for (let i = 0; i < v.Batch; i++) {
              const input = inputs[i] as Uint8Array;
              const blind = blinds[i] as bigint;
              const H = suite.hashToGroup(input, groupDST);
              const blindedElement = suite.mul(H, blind);
              expect(bytesToHex(suite.encode(blindedElement))).toBe(
                bytesToHex(blinded[i] as Uint8Array),
              );
              const evaluationElement =
                mode === 2
                  ? suite.mul(blindedElement, suite.scalarInv(key))
                  : suite.mul(blindedElement, key);
              expect(bytesToHex(suite.encode(evaluationElement))).toBe(
                bytesToHex(evaluated[i] as Uint8Array),
              );
              // The decoder accepts the vector encodings and yields the same elements.
              expect(suite.decode(blinded[i] as Uint8Array).equals(blindedElement)).toBe(true);
              expect(suite.decode(evaluated[i] as Uint8Array).equals(evaluationElement)).toBe(true);
              Bl.push(blindedElement);
              Ev.push(evaluationElement);

              const unblinded = suite.encode(suite.mul(evaluationElement, suite.scalarInv(blind)));
              const transcript =
                info === undefined
                  ? concatBytes(lp(input), lp(unblinded), utf8ToBytes('Finalize'))
                  : concatBytes(lp(input), lp(info), lp(unblinded), utf8ToBytes('Finalize'));
              expect(bytesToHex(suite.hash(transcript))).toBe(bytesToHex(outputs[i] as Uint8Array));
            }

            if (mode === 0) {
              expect(v.Proof).toBeUndefined();
              return;
            }
            if (v.Proof === undefined) throw new Error('mode 1/2 vector without Proof');
            const B = suite.mulBase(key);
            if (mode === 1) expect(bytesToHex(suite.encode(B))).toBe(entry.pkSm);
            const st =
              mode === 1 ? { A: suite.G, B, C: Bl, D: Ev } : { A: suite.G, B, C: Ev, D: Bl };
            const rBytes = hexToBytes(v.Proof.r);
            const r = suite.decodeScalar(rBytes);
            const rng = replayScalar(suite, r);
            // The replayed rng really yields r (independent of the proof code).
            expect(bytesToHex(suite.encodeScalar(suite.randomScalar(rng)))).toBe(v.Proof.r);

            const proof = generateProof(suite, cfg, key, st, rng);
            expect(bytesToHex(proof)).toBe(v.Proof.proof);
            const vectorProof = hexToBytes(v.Proof.proof);
            expect(verifyProof(suite, cfg, st, vectorProof)).toBe(true);
            // Bound to its context and its statement.
            expect(
              verifyProof(suite, rfc9497Config(suite, mode === 1 ? 2 : 1), st, vectorProof),
            ).toBe(false);
            expect(verifyProof(suite, dleqConfig(suite, 'dleq-generic'), st, vectorProof)).toBe(
              false,
            );
            expect(verifyProof(suite, cfg, { ...st, C: st.D, D: st.C }, vectorProof)).toBe(false);
          });
        }
      });
    }
  });
}
