/**
 * The ristretto255 codec and hash-to-group on limbs (src/core/ristretto-limbs.ts) and the field
 * helpers they use (src/core/ct25519.ts: canonical form, bytes, sign, equality, selection,
 * x^((p-5)/8), inversion):
 * - field helpers against bigint arithmetic, at the edges of the canonical reduction (values
 *   around p and 2^255, limbs at their bounds, negative limbs) and at random;
 * - decode against RFC 9496 Appendix A (valid and invalid encodings) and against
 *   `decodeRistretto` on random, near-canonical, mutated and edge encodings: same decision,
 *   same coordinates;
 * - encode against noble's `toBytes` and `encodeRistretto` on every projective form (random `Z`
 *   scaling, non-canonical coordinates) and 4-torsion shift of random elements;
 * - hash-to-group against RFC 9496 A.3 (one-way map, labels) and the suite's `hashToGroup` on
 *   random and edge messages and DSTs.
 * `QPSI_SLOW=1` multiplies the number of runs by 20.
 */
import {
  ED25519_TORSION_SUBGROUP,
  ed25519,
  ristretto255,
  ristretto255_hasher,
} from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FE_LIMBS,
  type Fe,
  feAbs,
  feCanon,
  feCmov,
  feCneg,
  feEq,
  feFromBigint,
  feFromBytes,
  feInvert,
  feIsNegative,
  feIsZero,
  feNew,
  fePow58,
  feToBytes,
} from '../src/core/ct25519.js';
import { type ExtendedCoords, P } from '../src/core/fe25519.js';
import { ristretto255Sha512 as suite } from '../src/core/group.js';
import { decodeRistretto, encodeRistretto } from '../src/core/ristretto-codec.js';
import {
  decodeRistrettoLimbs,
  encodeRistrettoLimbs,
  fromUniformBytesLimbs,
  hashToRistrettoLimbs,
  hashToRistrettoPoint,
  ristrettoHasherLimbs,
} from '../src/core/ristretto-limbs.js';
import { runs } from './helpers/assert.js';
import { feOf, limbValue } from './helpers/limbs.js';
import vectors from './vectors/rfc9496-ristretto255.json' with { type: 'json' };

const Ed = ed25519.Point;
const R = ristretto255.Point;
type EdPoint = InstanceType<typeof Ed>;
type RPoint = InstanceType<typeof R>;
const q = R.Fn.ORDER;
const L22 = 2 ** 22;
const mod = (x: bigint) => ((x % P) + P) % P;
const ep = (X: RPoint): EdPoint => (X as unknown as { ep: EdPoint }).ep;
const coords = (e: EdPoint): ExtendedCoords => ({ X: e.X, Y: e.Y, Z: e.Z, T: e.T });
const toR = (c: ExtendedCoords): RPoint => new R(new Ed(c.X, c.Y, c.Z, c.T));
const scalarArb = fc.bigInt({ min: 1n, max: q - 1n });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function feBig(x: bigint): Fe {
  const o = feNew();
  feFromBigint(o, x);
  return o;
}
/** Canonical limbs: integers in `[0, 2^22)` with value in `[0, p)`. */
function expectCanonical(o: Fe, want: bigint): void {
  for (const v of o) {
    expect(Number.isInteger(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(L22);
  }
  expect(limbValue(o)).toBe(want);
}

describe('ct25519 field helpers', () => {
  const all = (v: number) => Array.from({ length: FE_LIMBS }, () => v);
  const edgeValues = [
    0n,
    1n,
    18n,
    19n,
    P - 2n,
    P - 1n,
    P,
    P + 1n,
    P + 18n,
    (1n << 255n) - 1n,
    1n << 255n,
    (1n << 255n) + 18n,
    (1n << 255n) + 19n,
    2n * P - 1n,
    2n * P,
    2n * P + 37n,
    (1n << 256n) - 1n,
    (1n << 264n) - 1n,
  ];
  const edgeLimbs = [
    all(L22), // the largest reduced limbs
    all(L22 - 1),
    all(-1), // the smallest reduced limbs: a negative value
    all(0),
    all(2 ** 51),
    all(-(2 ** 51)),
    all(2 ** 52 - 1), // the extremes feCarry accepts
    all(-(2 ** 52) + 1),
    Array.from({ length: FE_LIMBS }, (_, i) => (i % 2 === 0 ? 2 ** 51 : -(2 ** 51))),
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 11 ? -1 : 0)),
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? -1 : 0)),
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 11 ? 8191 : L22 - 1)), // 2^255 - 1
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? L22 - 19 : i === 11 ? 8191 : L22 - 1)), // p
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? L22 - 20 : i === 11 ? 8191 : L22 - 1)), // p-1
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? L22 - 18 : i === 11 ? 8191 : L22 - 1)), // p+1
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? -19 : i === 11 ? 8192 : 0)), // p, signed
    Array.from({ length: FE_LIMBS }, (_, i) => (i === 0 ? -20 : i === 11 ? 8192 : 0)), // p-1, signed
  ];

  it('feCanon / feToBytes: canonical limbs and bytes at the edges', () => {
    const check = (a: Fe) => {
      const want = mod(limbValue(a));
      const o = feNew();
      feCanon(o, a);
      expectCanonical(o, want);
      const out = new Uint8Array(32);
      feToBytes(out, a);
      expect(bytesToHex(out)).toBe(bytesToHex(numberToBytesLE(want, 32)));
      expect(feIsNegative(a)).toBe(Number(want & 1n));
      expect(feIsZero(a)).toBe(want === 0n ? 1 : 0);
    };
    for (const x of edgeValues) check(feBig(x));
    for (const l of edgeLimbs) check(feOf(l));
  });

  it('feCanon aliases, and feToBytes writes at an offset only its 32 bytes', () => {
    const a = feBig(P + 5n);
    feCanon(a, a);
    expectCanonical(a, 5n);
    const out = new Uint8Array(40).fill(0xaa);
    feToBytes(out, feBig(P - 1n), 4);
    expect(bytesToHex(out.subarray(4, 36))).toBe(bytesToHex(numberToBytesLE(P - 1n, 32)));
    expect([...out.subarray(0, 4), ...out.subarray(36)]).toEqual(Array(8).fill(0xaa));
  });

  it('feCanon on random limbs at every bound (property)', () => {
    // [-1, 2^22]: the limbs of reduced elements (feMul / feSqr / feCarry outputs), biased to
    // the ends; then signed limbs of growing magnitude.
    const reduced = fc.oneof(
      fc.constantFrom(-1, 0, L22 - 1, L22),
      fc.integer({ min: -1, max: L22 }),
    );
    const arbs = [1, L22, 2 ** 30, 2 ** 51].map((bound) => fc.integer({ min: -bound, max: bound }));
    for (const limb of [reduced, ...arbs]) {
      fc.assert(
        fc.property(fc.array(limb, { minLength: 12, maxLength: 12 }), (l) => {
          const a = feOf(l);
          const o = feNew();
          feCanon(o, a);
          expectCanonical(o, mod(limbValue(a)));
        }),
        runs(200),
      );
    }
  });

  it('feFromBytes masks bit 255 and does not reduce; round trip with feToBytes', () => {
    fc.assert(
      fc.property(bytes32, (b) => {
        const o = feNew();
        feFromBytes(o, b);
        const want = bytesToNumberLE(b) & ((1n << 255n) - 1n);
        expectCanonical(o, want); // limbs in [0, 2^22), value s mod 2^255 (possibly ≥ p)
        const back = new Uint8Array(32);
        feToBytes(back, o);
        expect(bytesToNumberLE(back)).toBe(want % P);
      }),
      runs(300),
    );
    const buf = new Uint8Array(40);
    buf.set(numberToBytesLE(P + 3n, 32), 8);
    const o = feNew();
    feFromBytes(o, buf, 8);
    expect(limbValue(o)).toBe(P + 3n);
  });

  it('feEq, feCmov, feCneg, feAbs against bigint', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: P - 1n }),
        fc.bigInt({ min: 0n, max: P - 1n }),
        (x, y) => {
          const a = feBig(x);
          const a2 = feBig(x + P); // same value, other limbs
          const b = feBig(y);
          expect(feEq(a, a2)).toBe(1);
          expect(feEq(a, b)).toBe(x === y ? 1 : 0);
          const o = feNew();
          feCmov(o, a, b, 0);
          expect(mod(limbValue(o))).toBe(x);
          feCmov(o, a, b, 1);
          expect(mod(limbValue(o))).toBe(y);
          feCneg(o, a, 1);
          expect(mod(limbValue(o))).toBe(mod(-x));
          feCneg(o, a, 0);
          expect(mod(limbValue(o))).toBe(x);
          feAbs(o, a2);
          expect(mod(limbValue(o))).toBe((x & 1n) === 1n ? mod(-x) : x);
        },
      ),
      runs(200),
    );
    expect(feEq(feBig(0n), feBig(P))).toBe(1);
    expect(feEq(feBig(P - 1n), feOf([-1, ...Array(11).fill(0)]))).toBe(1);
  });

  it('fePow58 is x^((p-5)/8) and feInvert is 1/x (0 for 0), on random and edge values', () => {
    const e = (P - 5n) / 8n;
    const check = (x: bigint) => {
      const o = feNew();
      fePow58(o, feBig(x));
      expect(mod(limbValue(o))).toBe(Ed.Fp.pow(mod(x), e));
      feInvert(o, feBig(x));
      expect(mod(limbValue(o))).toBe(mod(x) === 0n ? 0n : Ed.Fp.inv(mod(x)));
      const a = feBig(x);
      feInvert(a, a); // aliasing
      expect(mod(limbValue(a))).toBe(mod(limbValue(o)));
    };
    for (const x of [0n, 1n, 2n, P - 1n, P, P + 1n, (1n << 255n) - 1n, (1n << 264n) - 1n]) check(x);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: P - 1n }), check), runs(30));
  });
});

const multiples = vectors.small_multiples_of_base.encodings;
const invalid = vectors.invalid_encodings.encodings;

/** decodeRistrettoLimbs makes decodeRistretto's decision, with the same coordinates. */
function expectSameDecode(bytes: Uint8Array): ExtendedCoords | null {
  const got = decodeRistrettoLimbs(bytes);
  expect(got).toEqual(decodeRistretto(bytes));
  return got;
}

describe('decodeRistrettoLimbs = decodeRistretto', () => {
  it('RFC 9496 A.1: the 16 small multiples decode (identity included) and re-encode', () => {
    expect(multiples).toHaveLength(16);
    for (let i = 0; i < 16; i++) {
      const bytes = hexToBytes(multiples[i] as string);
      const d = expectSameDecode(bytes) as ExtendedCoords;
      expect(d).not.toBeNull();
      expect(toR(d).equals(i === 0 ? R.ZERO : R.BASE.multiply(BigInt(i)))).toBe(true);
      expect(bytesToHex(encodeRistrettoLimbs(d))).toBe(multiples[i]);
    }
  });

  it('RFC 9496 A.2: every invalid encoding is rejected', () => {
    expect(invalid.length).toBeGreaterThan(20);
    for (const hex of invalid) {
      expect(decodeRistrettoLimbs(hexToBytes(hex))).toBeNull();
      expect(decodeRistretto(hexToBytes(hex))).toBeNull();
    }
  });

  it('encodings of random elements: accepted, same coordinates', () => {
    fc.assert(
      fc.property(scalarArb, (k) => {
        expect(expectSameDecode(R.BASE.multiply(k).toBytes())).not.toBeNull();
      }),
      runs(150),
    );
  });

  it('random 32-byte strings and even s < p: same decision, both outcomes reached', () => {
    fc.assert(
      fc.property(bytes32, (b) => void expectSameDecode(b)),
      runs(300),
    );
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (P - 1n) / 2n }), (h) => {
        if (expectSameDecode(numberToBytesLE(2n * h, 32)) === null) rejected++;
        else accepted++;
      }),
      runs(300),
    );
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
  });

  it('valid encodings with one bit flipped or a byte replaced: same decision', () => {
    fc.assert(
      fc.property(
        scalarArb,
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        (k, bit, byte) => {
          const bytes = R.BASE.multiply(k).toBytes();
          const flipped = bytes.slice();
          flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
          expectSameDecode(flipped);
          const replaced = bytes.slice();
          replaced[bit & 31] = byte;
          expectSameDecode(replaced);
        },
      ),
      runs(200),
    );
  });

  it('edges of the field encoding: s ≥ p, bit 255, odd s, wrong lengths', () => {
    const sValues = [0n, 1n, 2n, P - 1n, P - 2n, P - 3n, P, P + 1n, P + 2n, (1n << 255n) - 2n];
    for (const s of sValues) {
      const bytes = numberToBytesLE(s, 32);
      expectSameDecode(bytes);
      if (s >= P || (s & 1n) === 1n) expect(decodeRistrettoLimbs(bytes)).toBeNull();
    }
    for (let i = 1; i < 16; i++) {
      const bytes = hexToBytes(multiples[i] as string);
      bytes[31] = (bytes[31] as number) | 0x80; // bit 255 on a valid encoding
      expect(decodeRistrettoLimbs(bytes)).toBeNull();
      // s + p (when it fits in 255 bits): the non-canonical encoding of a valid s.
      const s = bytesToNumberLE(hexToBytes(multiples[i] as string));
      if (s + P < 1n << 255n) expect(decodeRistrettoLimbs(numberToBytesLE(s + P, 32))).toBeNull();
    }
    expect(decodeRistrettoLimbs(new Uint8Array(32))).toEqual({ X: 0n, Y: 1n, Z: 1n, T: 0n });
    expect(decodeRistrettoLimbs(new Uint8Array(31))).toBeNull();
    expect(decodeRistrettoLimbs(new Uint8Array(33))).toBeNull();
  });
});

describe('encodeRistrettoLimbs = noble toBytes = encodeRistretto', () => {
  /** The 4-torsion subgroup E[4]: adding one of these does not change the ristretto255 element. */
  const torsion4 = ED25519_TORSION_SUBGROUP.map((h) => Ed.fromHex(h)).filter((T) =>
    T.double().double().is0(),
  );

  /** `(X : Y : Z : T)` scaled by `z` (another projective form of the same point). */
  const scale = (e: EdPoint, z: bigint): ExtendedCoords => ({
    X: mod(e.X * z),
    Y: mod(e.Y * z),
    Z: mod(e.Z * z),
    T: mod(e.T * z),
  });

  it('E[4] has four points', () => {
    expect(torsion4).toHaveLength(4);
  });

  it('every projective form and 4-torsion shift of random elements', () => {
    fc.assert(
      fc.property(scalarArb, scalarArb, fc.bigInt({ min: 1n, max: P - 1n }), (a, b, z) => {
        const A = R.BASE.multiply(a);
        const B = R.BASE.multiply(b);
        for (const X of [A, A.add(B), A.double()]) {
          const want = bytesToHex(X.toBytes());
          for (const T of torsion4) {
            const e = ep(X).add(T);
            expect(bytesToHex(encodeRistrettoLimbs(coords(e)))).toBe(want);
            expect(bytesToHex(encodeRistretto(coords(e)))).toBe(want);
            const s = scale(e, z);
            expect(bytesToHex(encodeRistrettoLimbs(s))).toBe(want);
            // Non-canonical coordinates (value + p, below 2^264): same bytes.
            const big = { X: s.X + P, Y: s.Y + P, Z: s.Z + P, T: s.T + P };
            expect(bytesToHex(encodeRistrettoLimbs(big))).toBe(want);
          }
        }
      }),
      runs(60),
    );
  });

  it('the identity in every form encodes to zero; decode then encode is the identity', () => {
    for (const T of torsion4) {
      for (const z of [1n, 2n, P - 1n, 12345678901234567890n]) {
        expect(bytesToHex(encodeRistrettoLimbs(scale(T, z)))).toBe('00'.repeat(32));
      }
    }
    fc.assert(
      fc.property(scalarArb, (k) => {
        const bytes = R.BASE.multiply(k).toBytes();
        const d = decodeRistrettoLimbs(bytes) as ExtendedCoords;
        expect(bytesToHex(encodeRistrettoLimbs(d))).toBe(bytesToHex(bytes));
      }),
      runs(100),
    );
  });
});

/** noble's RFC 9496 §4.3.4 FROM_UNIFORM_BYTES (`deriveToCurve`, optional in its type). */
function oneWay(bytes: Uint8Array): RPoint {
  const f = ristretto255_hasher.deriveToCurve;
  if (f === undefined) throw new Error('noble ristretto255_hasher.deriveToCurve is missing');
  return f(bytes) as RPoint;
}

/** The ristretto255 suite's `hashToGroup`, typed as the noble element it returns. */
const suiteHash = (msg: Uint8Array, dst: Uint8Array): RPoint =>
  suite.hashToGroup(msg, dst) as unknown as RPoint;

describe('hash-to-group on limbs = the suite hashToGroup', () => {
  const encodeLimbs = (c: ExtendedCoords) => bytesToHex(encodeRistrettoLimbs(c));

  it('RFC 9496 A.3: one-way map vectors and SHA-512 of the labels', () => {
    const oneWayVectors = vectors.one_way_map_from_uniform_bytes.vectors;
    expect(oneWayVectors.length).toBeGreaterThan(0);
    for (const { input, output } of oneWayVectors) {
      expect(encodeLimbs(fromUniformBytesLimbs(hexToBytes(input)))).toBe(output);
    }
    const { labels, encodings } = vectors.hash_to_group_from_sha512_of_label;
    expect(labels).toHaveLength(encodings.length);
    labels.forEach((label, i) => {
      expect(encodeLimbs(fromUniformBytesLimbs(sha512(utf8ToBytes(label))))).toBe(encodings[i]);
    });
  });

  it('FROM_UNIFORM_BYTES at the edges of the field input (r0 = 0, ≥ p, bit 255)', () => {
    const halves = [0n, 1n, P - 1n, P, P + 1n, (1n << 255n) - 1n, (1n << 256n) - 1n].map((x) =>
      numberToBytesLE(x, 32),
    );
    for (const a of halves) {
      for (const b of halves) {
        const u = new Uint8Array(64);
        u.set(a, 0);
        u.set(b, 32);
        const got = toR(fromUniformBytesLimbs(u));
        const want = oneWay(u);
        expect(got.equals(want)).toBe(true);
        expect(bytesToHex(got.toBytes())).toBe(bytesToHex(want.toBytes()));
      }
    }
    expect(() => fromUniformBytesLimbs(new Uint8Array(63))).toThrow(RangeError);
  });

  it('random 64-byte inputs: the same element as noble deriveToCurve', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (u) => {
        expect(encodeLimbs(fromUniformBytesLimbs(u))).toBe(bytesToHex(oneWay(u).toBytes()));
      }),
      runs(200),
    );
  });

  it('random messages and DSTs (long DSTs included): equal to suite.hashToGroup', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 64 }),
          fc.uint8Array({ minLength: 250, maxLength: 300 }),
          fc.constant(utf8ToBytes('HashToGroup-OPRFV1-\x00-ristretto255-SHA512')),
        ),
        (msg, dst) => {
          const want = suiteHash(msg, dst);
          const got = hashToRistrettoLimbs(msg, dst);
          expect(encodeLimbs(got)).toBe(bytesToHex(suite.encode(want)));
          expect(toR(got).equals(want)).toBe(true);
          expect(hashToRistrettoPoint(msg, dst).equals(want)).toBe(true);
          expect(encodeLimbs(ristrettoHasherLimbs(dst)(msg))).toBe(encodeLimbs(got));
        },
      ),
      runs(200),
    );
  });

  it('edge messages; the DST cache follows DST changes; an empty DST is refused', () => {
    const dstA = utf8ToBytes('QPSI-test-A');
    const dstB = utf8ToBytes('QPSI-test-B');
    const msgs = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(1000).fill(0xff)];
    for (const msg of msgs) {
      for (const dst of [dstA, dstB, dstA]) {
        const got = toR(hashToRistrettoLimbs(msg, dst));
        expect(got.equals(suiteHash(msg, dst))).toBe(true);
        expect(got.is0()).toBe(false);
      }
    }
    // Mutating the caller's DST after a call does not poison the cache.
    const dst = utf8ToBytes('QPSI-test-C');
    hashToRistrettoLimbs(msgs[0] as Uint8Array, dst);
    dst[0] = 0x41;
    const got = toR(hashToRistrettoLimbs(msgs[0] as Uint8Array, dst));
    expect(got.equals(suiteHash(msgs[0] as Uint8Array, dst))).toBe(true);
    expect(() => hashToRistrettoLimbs(new Uint8Array(1), new Uint8Array(0))).toThrow(RangeError);
    expect(() => suite.hashToGroup(new Uint8Array(1), new Uint8Array(0))).toThrow();
  });
});
