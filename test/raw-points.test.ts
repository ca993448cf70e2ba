/**
 * The database rounds' raw points and parallel layout (issue 15; src/core/parallel.ts
 * `pointsToRaw`, the `positions` kernel; src/core/ristretto-limbs.ts raw functions;
 * src/database/cell-rounds.ts `layoutTableAsync`, `subtractPeeledRaw`): each checked against
 * the code it replaces in the build and the audit (noble's points, `subtractPeeled`,
 * `layoutTable`), on both suites.
 */
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { msmEd25519Limbs, msmEd25519Raw } from '../src/core/msm25519-limbs.js';
import {
  createInThreadExecutor,
  pointsToRaw,
  rawPointBytes,
  rawToPoints,
} from '../src/core/parallel.js';
import { prepareMessage } from '../src/core/pool-messages.js';
import {
  decodeRistrettoLimbs,
  decodeRistrettoRaw,
  encodeRawPoint,
  hashToRistrettoRaw,
  isRawIdentity,
  loadRawPoint,
  newRawScratch,
  RAW_POINT_BYTES,
  storeRawPoint,
  subPoints,
} from '../src/core/ristretto-limbs.js';
import { layoutTableAsync, subtractPeeledRaw } from '../src/database/cell-rounds.js';
import { fillerCells, hashFiller, hashItem, subtractPeeled } from '../src/database/items.js';
import {
  cellPositions,
  itemPositions,
  layoutTable,
  peelTable,
  tableSize,
} from '../src/database/table.js';
import { usePools } from './helpers/executors.js';

const pool = usePools([2]);
const te = new TextEncoder();
const SUITES: Suite[] = [ristretto255Sha512, p256Sha256];
const nonces = [1, 2, 3].map((j) => new Uint8Array(16).fill(j)) as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
];

/** `n` distinct items of 32 bytes, sorted (the canonical form). */
function items(n: number, tag = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const b = new Uint8Array(32);
    new DataView(b.buffer).setUint32(0, i);
    b[31] = tag;
    return b;
  });
}

const randomPoint = (suite: Suite, seed: number): Element =>
  suite.hashToGroup(te.encode(`raw ${seed}`), te.encode('raw-points test'));

describe('raw points (pointsToRaw / rawToPoints)', () => {
  for (const suite of SUITES) {
    it(`${suite.name}: round trip, ${rawPointBytes(suite)} bytes a point, the same elements`, () => {
      const pts = [
        suite.G,
        suite.G.double(),
        ...Array.from({ length: 8 }, (_, i) => randomPoint(suite, i)),
      ];
      const raw = pointsToRaw(suite, pts);
      expect(raw.length).toBe(pts.length * rawPointBytes(suite));
      const back = rawToPoints(suite, raw);
      for (let i = 0; i < pts.length; i++) expect(back[i]?.equals(pts[i] as Element)).toBe(true);
    });

    it(`${suite.name}: a run that is not whole points is refused`, () => {
      expect(() => rawToPoints(suite, new Uint8Array(rawPointBytes(suite) + 1))).toThrow(
        RangeError,
      );
    });
  }
  it('ristretto255 is 128 bytes a point, as ristretto-limbs writes them', () => {
    expect(rawPointBytes(ristretto255Sha512)).toBe(RAW_POINT_BYTES);
  });
});

describe('ristretto255 raw points on limbs', () => {
  const suite = ristretto255Sha512;
  const dst = te.encode('raw-points test DST');

  it('hashToRistrettoRaw is the suite hashToGroup (random messages)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (msg) => {
        const out = new Uint8Array(RAW_POINT_BYTES + 8);
        hashToRistrettoRaw(msg, dst, out, 8);
        const [P] = rawToPoints(suite, out.subarray(8));
        expect(P?.equals(suite.hashToGroup(msg, dst))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('load then store gives the canonical raw bytes pointsToRaw gives', () => {
    const raw = pointsToRaw(suite, [randomPoint(suite, 1), randomPoint(suite, 2)]);
    const p = newRawScratch();
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < 2; i++) {
      loadRawPoint(p, raw, i * RAW_POINT_BYTES);
      storeRawPoint(out, i * RAW_POINT_BYTES, p);
    }
    expect(out).toEqual(raw);
  });

  it('subPoints is noble subtract: random pairs, P − P, P − identity, identity − P, P − (−P)', () => {
    const cases: [Element, Element][] = [];
    for (let i = 0; i < 20; i++) cases.push([randomPoint(suite, i), randomPoint(suite, 100 + i)]);
    const P = randomPoint(suite, 7);
    cases.push([P, P], [P, suite.identity], [suite.identity, P], [P, P.negate()]);
    // A torsion-shifted representative of P: its Edwards point plus (0, −1), the same element.
    const ep = (P as unknown as { ep: InstanceType<typeof ed25519.Point> }).ep;
    const shifted = ep.add(new ed25519.Point(0n, 2n ** 255n - 20n, 1n, 0n));
    const T2 = new ristretto255.Point(shifted) as unknown as Element;
    expect(T2.equals(P)).toBe(true);
    cases.push([T2, randomPoint(suite, 9)]);
    const a = newRawScratch();
    const b = newRawScratch();
    const out = new Uint8Array(RAW_POINT_BYTES);
    for (const [x, y] of cases) {
      const raw = pointsToRaw(suite, [x, y]);
      loadRawPoint(a, raw, 0);
      loadRawPoint(b, raw, RAW_POINT_BYTES);
      subPoints(a, a, b);
      storeRawPoint(out, 0, a);
      const [got] = rawToPoints(suite, out);
      expect(got?.equals(x.subtract(y))).toBe(true);
    }
  });

  it('encodeRawPoint is the suite encode; the identity class answers false and writes nothing', () => {
    for (let i = 0; i < 10; i++) {
      const P = randomPoint(suite, 40 + i);
      const out = new Uint8Array(40);
      expect(encodeRawPoint(pointsToRaw(suite, [P]), 0, out, 4)).toBe(true);
      expect(out.subarray(4, 36)).toEqual(suite.encode(P));
    }
    // (0 : 1 : 1 : 0) and (0 : −1 : 1 : 0), both the identity of ristretto255.
    const p = 2n ** 255n - 19n;
    const le = (x: bigint) => {
      const b = new Uint8Array(32);
      for (let i = 0; i < 32; i++) b[i] = Number((x >> BigInt(8 * i)) & 255n);
      return b;
    };
    const pow = (b: bigint, e: bigint) => {
      let r = 1n;
      for (let x = b % p; e > 0n; e >>= 1n, x = (x * x) % p) if (e & 1n) r = (r * x) % p;
      return r;
    };
    const i = pow(2n, (p - 1n) / 4n); // √−1
    expect((i * i) % p).toBe(p - 1n);
    // (0, ±1) and (±√−1, 0): the identity's class E[4], both branches of the test (X = 0, Y = 0).
    for (const [x, y] of [
      [0n, 1n],
      [0n, p - 1n],
      [i, 0n],
      [p - i, 0n],
    ] as const) {
      const raw = new Uint8Array(RAW_POINT_BYTES);
      raw.set(le(x), 0);
      raw.set(le(y), 32);
      raw.set(le(1n), 64);
      expect(isRawIdentity(raw, 0)).toBe(true);
      const out = new Uint8Array(32).fill(0xee);
      expect(encodeRawPoint(raw, 0, out, 0)).toBe(false);
      expect(out.every((b) => b === 0xee)).toBe(true);
    }
  });
});

describe('ristretto255 raw decode and MSM', () => {
  const suite = ristretto255Sha512;

  it('decodeRistrettoRaw decides as decodeRistrettoLimbs and gives its coordinates (random, mutated, edge)', () => {
    const encs: Uint8Array[] = [new Uint8Array(32), new Uint8Array(32).fill(0xff)];
    for (let i = 0; i < 30; i++) {
      const e = suite.encode(randomPoint(suite, 200 + i));
      encs.push(e);
      const m = Uint8Array.from(e);
      m[i % 32] = (m[i % 32] as number) ^ (1 << (i % 8));
      encs.push(m);
    }
    for (const e of encs) {
      const want = decodeRistrettoLimbs(e);
      const out = new Uint8Array(RAW_POINT_BYTES + 3).fill(0xaa);
      const ok = decodeRistrettoRaw(e, out, 3);
      expect(ok).toBe(want !== null);
      if (!want) {
        expect(out.every((x) => x === 0xaa)).toBe(true);
        continue;
      }
      const [P] = rawToPoints(suite, out.subarray(3));
      const c = (P as unknown as { ep: { X: bigint; Y: bigint; Z: bigint; T: bigint } }).ep;
      expect([c.X, c.Y, c.Z, c.T]).toEqual([want.X, want.Y, want.Z, want.T]);
      expect(isRawIdentity(out, 3)).toBe(P?.is0());
    }
  });

  it('msmEd25519Raw is msmEd25519Limbs over the same points, affine and projective mixed', () => {
    const pts: Element[] = [];
    for (let i = 0; i < 40; i++) {
      const P = randomPoint(suite, 300 + i);
      pts.push(i % 2 === 0 ? suite.decode(suite.encode(P)) : P.add(suite.G)); // Z = 1, Z ≠ 1
    }
    pts.push(suite.identity);
    const scalars = pts.map(
      (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc834n) % 2n ** 128n,
    );
    const ep = (P: Element) =>
      (P as unknown as { ep: { X: bigint; Y: bigint; Z: bigint; T: bigint } }).ep;
    const raw = pointsToRaw(suite, pts);
    for (const bits of [undefined, 2, 5, 9]) {
      const a = msmEd25519Raw(raw, scalars, bits);
      const b = msmEd25519Limbs(pts.map(ep), scalars, bits);
      expect(a.equals(b), `window ${bits}`).toBe(true);
    }
    expect(msmEd25519Raw(new Uint8Array(0), []).is0()).toBe(true);
    expect(() => msmEd25519Raw(raw.subarray(1), scalars)).toThrow(RangeError);
  });
});

describe('subtractPeeledRaw is subtractPeeled', () => {
  for (const suite of SUITES) {
    it(`${suite.name}: every base of a 300-item table, dropped items included`, () => {
      const xs = items(300, 7);
      // A tight table (ratio 1.1) so that some items drop.
      const layout = layoutTable(xs, nonces, Math.ceil(300 * 1.1));
      expect(layout.dropped.length).toBeGreaterThan(0);
      const seed = new Uint8Array(32).fill(9);
      const B: Element[] = new Array(layout.size);
      for (const j of fillerCells(layout)) B[j] = hashFiller(suite, seed, j);
      const w = rawPointBytes(suite);
      const raw = new Uint8Array(layout.size * w);
      for (const j of fillerCells(layout)) raw.set(pointsToRaw(suite, [B[j] as Element]), j * w);
      for (const i of layout.order)
        raw.set(
          pointsToRaw(suite, [hashItem(suite, xs[i] as Uint8Array)]),
          (layout.free[i] as number) * w,
        );
      const expected = subtractPeeled(layout, B, (k) =>
        hashItem(suite, xs[layout.order[k] as number] as Uint8Array),
      );
      subtractPeeledRaw(suite, layout, raw);
      const got = rawToPoints(suite, raw);
      for (let j = 0; j < layout.size; j++)
        expect(got[j]?.equals(expected[j] as Element), `cell ${j}`).toBe(true);
    });
  }
});

describe('layoutTableAsync is layoutTable', () => {
  const sizes = [0, 1, 2, 3, 17, 400];
  for (const n of sizes) {
    it(`${n} items: this thread (chunks of 3), a pool of 2 (default chunks and chunks of 7)`, async () => {
      const xs = items(n, 3);
      const size = tableSize(n, 1.27);
      const want = layoutTable(xs, nonces, size);
      for (const opts of [
        { executor: createInThreadExecutor(), chunkSize: 3 },
        { executor: pool(2) },
        { executor: pool(2), chunkSize: 7 },
      ]) {
        const got = await layoutTableAsync(xs, nonces, size, opts);
        expect(got).toEqual(want);
      }
    });
  }

  it('items of different widths, and an empty item, are laid out in this thread, the same layout', async () => {
    for (const xs of [
      [Uint8Array.of(1), Uint8Array.of(1, 2), Uint8Array.of(2)],
      [new Uint8Array(0)],
    ]) {
      const size = tableSize(xs.length, 1.27);
      expect(await layoutTableAsync(xs, nonces, size, { executor: pool(2) })).toEqual(
        layoutTable(xs, nonces, size),
      );
    }
  });

  it('the same errors as layoutTable, before any chunk runs', async () => {
    const xs = items(10);
    const size = tableSize(10, 1.27);
    const unsorted = [xs[1] as Uint8Array, xs[0] as Uint8Array];
    const equalNonces = [nonces[0], nonces[0], nonces[2]] as unknown as typeof nonces;
    type Args = Parameters<typeof layoutTable>;
    const cases: [Args, string][] = [
      [[unsorted, nonces, size], 'unsorted'],
      [[xs, equalNonces, size], 'equal nonces'],
      [[xs, nonces, 2], 'table too small'],
    ];
    for (const [args, what] of cases) {
      let sync: unknown;
      try {
        layoutTable(...args);
      } catch (e) {
        sync = e;
      }
      expect(sync, what).toBeInstanceOf(Error);
      let calls = 0;
      const counting = {
        workers: 1,
        map: () => {
          calls++;
          return Promise.resolve([]);
        },
      };
      await expect(
        layoutTableAsync(...args, {
          executor: counting as never,
        }),
      ).rejects.toThrow((sync as Error).message);
      expect(calls, what).toBe(0);
    }
  });

  it('itemPositions gives cellPositions of each item; peelTable refuses a position out of the table', () => {
    const xs = items(50, 1);
    const size = tableSize(50, 1.27);
    const flat = new Uint8Array(50 * 32);
    for (let i = 0; i < 50; i++) flat.set(xs[i] as Uint8Array, i * 32);
    const pos = itemPositions(nonces, flat, 32, size);
    for (let i = 0; i < 50; i++)
      expect([...pos.subarray(3 * i, 3 * i + 3)]).toEqual(
        cellPositions(nonces, xs[i] as Uint8Array, size),
      );
    expect(() => itemPositions(nonces, flat.subarray(1), 32, size)).toThrow(RangeError);
    const bad = Int32Array.from(pos);
    bad[4] = size;
    expect(() => peelTable(bad, size)).toThrow(RangeError);
    bad[4] = -1;
    expect(() => peelTable(bad, size)).toThrow(RangeError);
  });
});

describe('typed arrays between threads (src/core/pool-messages.ts), results not kept', () => {
  it('a view of a Node Buffer is sent as a copy of its own bytes, not of the whole pool', () => {
    const big = Buffer.alloc(4096, 7);
    const view = big.subarray(10, 20);
    const { value, transfer } = prepareMessage({ bytes: view });
    expect([...value.bytes]).toEqual([...view]);
    expect(value.bytes.buffer.byteLength).toBe(10);
    expect(transfer).toEqual([]);
  });

  it('discardResults: every result reaches onResult, none is kept (this thread and a pool)', async () => {
    for (const ex of [createInThreadExecutor(), pool(2)]) {
      const seen: number[] = [];
      const nonces3 = nonces;
      const out = await ex.map(
        'positions',
        5,
        (i) => ({ nonces: nonces3, nPrime: 50, width: 1, items: Uint8Array.of(i, i + 1) }),
        {
          onResult: (i, r) => {
            expect(r.positions).toHaveLength(6);
            seen.push(i);
          },
          discardResults: true,
        },
      );
      expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
      expect(out.every((r) => r === undefined)).toBe(true);
    }
  });

  it('an Int32Array stays an Int32Array; a whole buffer moves, a view is copied', () => {
    const whole = new Int32Array(1024).map((_, i) => i - 512);
    const { value, transfer } = prepareMessage({ positions: whole });
    expect(value.positions).toBeInstanceOf(Int32Array);
    expect(transfer).toEqual([whole.buffer]);
    const view = whole.subarray(2, 6);
    const { value: v2, transfer: t2 } = prepareMessage({ positions: view });
    expect(v2.positions).toBeInstanceOf(Int32Array);
    expect([...v2.positions]).toEqual([-510, -509, -508, -507]);
    expect(v2.positions.buffer).not.toBe(whole.buffer);
    expect(t2).toEqual([]);
  });
});
