/**
 * The database build and audit in chunks (issue 15; src/database/builder.ts `buildDatabaseAsync`,
 * src/database/audit.ts `auditDatabaseAsync`): on every executor and chunk size, the build is
 * the synchronous build's bytes (public data, root, α, audit material, proof) for the same rng,
 * and the audit's verdict is the synchronous verdict (the same object: kind and reason of every
 * failure), for an honest database and for each class of tampering.
 */
import { describe, expect, it } from 'vitest';
import { MIN_TABLE_RATIO } from '../src/core/constants.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import {
  createInThreadExecutor,
  type ParallelOptions,
  type Progress,
} from '../src/core/parallel.js';
import { concatBytes } from '../src/core/utils.js';
import {
  type AuditOptions,
  auditDatabase,
  auditDatabaseAsync,
  encodeAuditBundle,
} from '../src/database/audit.js';
import {
  type BuildOptions,
  type BuiltDatabase,
  buildDatabase,
  buildDatabaseAsync,
  hashItem,
} from '../src/database/builder.js';
import { computeRoot, rateToU32, splitPublicData } from '../src/database/pdata.js';
import { layoutTable, tableSize } from '../src/database/table.js';
import {
  forgetfulExecutor,
  reversingExecutor,
  shufflingExecutor,
  usePools,
} from './helpers/executors.js';
import { TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { lenientPolicy, quorumWorld } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';
import { useWebWorkerPools } from './helpers/web-workers.js';

const te = new TextEncoder();

const PARAMS = {
  threshold: 3,
  sMax: 2,
  syntheticRate32: rateToU32(0.1),
  payloadSize: 16,
  reviewerKeys: [TEST_REVIEWER_KEY],
};

const pool = usePools([1, 2]);
const webPool = useWebWorkerPools([2]);

const MODES: [string, () => ParallelOptions][] = [
  ['this thread, default chunks', () => ({})],
  ['this thread, chunks of 3', () => ({ executor: createInThreadExecutor(), chunkSize: 3 })],
  [
    'an executor that holds nothing, chunks of 4',
    () => ({ executor: forgetfulExecutor(2), chunkSize: 4 }),
  ],
  [
    'an executor that reports results last chunk first, chunks of 5',
    () => ({ executor: reversingExecutor(2), chunkSize: 5 }),
  ],
  [
    'an executor that reports results in a shuffled order, chunks of 3',
    () => ({ executor: shufflingExecutor(2, 7), chunkSize: 3 }),
  ],
  [
    'an executor that reports results in another shuffled order, chunks of 2',
    () => ({ executor: shufflingExecutor(3, 12345), chunkSize: 2 }),
  ],
  ['a pool of 1 thread, chunks of 4', () => ({ executor: pool(1), chunkSize: 4 })],
  ['a pool of 2 threads, chunks of 4', () => ({ executor: pool(2), chunkSize: 4 })],
  ['a pool of 2 threads, default chunks', () => ({ executor: pool(2) })],
  ['a pool of 2 Web Workers, chunks of 4', () => ({ executor: webPool(2), chunkSize: 4 })],
];

/** Everything a build hands on, as plain comparable values. */
function snapshot(b: BuiltDatabase) {
  return {
    suite: b.suite.name,
    publicData: b.publicData,
    root: b.root,
    databaseId: b.databaseId,
    alpha: b.alpha,
    items: b.items,
    dropped: b.dropped,
    audit: b.audit,
  };
}

/** `count` 16-byte items `it#000`, … (canonical order is their order). */
function items(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const b = new Uint8Array(16);
    b.set(te.encode(`it#${String(i).padStart(3, '0')}`));
    return b;
  });
}

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`buildDatabaseAsync is buildDatabase's bytes (${suite.name})`, () => {
    // Ratio 1 and this seed leave a 2-core: 2 of the 40 items drop (96 cells).
    const dropping: BuildOptions = {
      suite,
      params: PARAMS,
      ratio: MIN_TABLE_RATIO,
      rng: seededRng('drops-3'),
      contributions: [Uint8Array.of(1, 2, 3)],
    };
    const dropItems = items(40);
    const fresh = (o: BuildOptions): BuildOptions => ({ ...o, rng: seededRng('drops-3') });
    const reference = buildDatabase(dropItems, fresh(dropping));

    it('the reference table drops items (a layout with a 2-core)', () => {
      expect(reference.dropped.length).toBeGreaterThan(0);
      expect(splitPublicData(reference.publicData).header.table.size).toBe(
        tableSize(40, MIN_TABLE_RATIO),
      );
    });

    for (const [name, how] of MODES) {
      it(`${name}: the same database, audit material and proof`, async () => {
        const got = await buildDatabaseAsync(dropItems, { ...fresh(dropping), ...how() });
        expect(snapshot(got)).toEqual(snapshot(reference));
      });
    }

    it('chunk sizes at and around the boundaries of the table and of its fillers and items', async () => {
      const n = splitPublicData(reference.publicData).header.table.size;
      const placed = dropItems.length - reference.dropped.length;
      const fillers = n - placed;
      for (const chunkSize of [
        1,
        2,
        5,
        placed - 1,
        placed,
        fillers,
        fillers + 1,
        n - 1,
        n,
        n + 1,
      ]) {
        const got = await buildDatabaseAsync(dropItems, {
          ...fresh(dropping),
          executor: pool(2),
          chunkSize,
        });
        expect(snapshot(got), `chunks of ${chunkSize}`).toEqual(snapshot(reference));
      }
    });

    it('item counts whose table size is a multiple of the chunk size, and one past it', async () => {
      // n' = n + 4·⌊√n⌋ + 32 at ratio 1: 4 → 44 cells (11 chunks of 4), 5 → 45 (one past).
      for (const count of [4, 5, 0]) {
        const opts: BuildOptions = {
          suite,
          params: PARAMS,
          ratio: MIN_TABLE_RATIO,
          itemWidth: 16,
          rng: seededRng(`sizes-${count}`),
        };
        const want = buildDatabase(items(count), opts);
        const got = await buildDatabaseAsync(items(count), {
          ...opts,
          rng: seededRng(`sizes-${count}`),
          executor: pool(2),
          chunkSize: 4,
        });
        expect(snapshot(got), `${count} items`).toEqual(snapshot(want));
      }
    });

    it('progress per chunk: layout (items), then hash (fillers and placed items), blind and prove, up to the table size', async () => {
      const events: Progress[] = [];
      await buildDatabaseAsync(dropItems, {
        ...fresh(dropping),
        executor: pool(2),
        chunkSize: 10,
        onProgress: (p) => events.push(p),
      });
      const n = splitPublicData(reference.publicData).header.table.size;
      for (const phase of ['hash', 'blind', 'prove'] as const) {
        const ev = events.filter((e) => e.phase === phase);
        expect(ev.length, phase).toBeGreaterThanOrEqual(Math.ceil(n / 10));
        expect(ev.every((e) => e.total === n)).toBe(true);
        expect(ev.map((e) => e.done)).toEqual([...ev.map((e) => e.done)].sort((a, b) => a - b));
        expect(ev.at(-1)?.done).toBe(n);
      }
      expect([...new Set(events.map((e) => e.phase))]).toEqual([
        'layout',
        'hash',
        'blind',
        'prove',
      ]);
      const laid = events.filter((e) => e.phase === 'layout');
      expect(laid.length).toBe(Math.ceil(dropItems.length / 10));
      expect(laid.every((e) => e.total === dropItems.length)).toBe(true);
      expect(laid.at(-1)?.done).toBe(dropItems.length);
    });

    it('bad parameters are refused as by buildDatabase (a rejection, nothing run)', async () => {
      const bad = { ...dropping, params: { ...PARAMS, threshold: 1 } };
      expect(() => buildDatabase(dropItems, bad)).toThrow();
      await expect(buildDatabaseAsync(dropItems, { ...bad, executor: pool(1) })).rejects.toThrow();
    });
  });

  describe(`auditDatabaseAsync gives auditDatabase's verdict (${suite.name})`, () => {
    const w = quorumWorld(suite, `par-audit-${suite.name}`);
    const built = buildDatabase(w.items, {
      suite,
      rng: seededRng(`par-audit-${suite.name}`),
      params: PARAMS,
      contributions: w.contributions,
      runId: w.runId,
    });
    const bundle = encodeAuditBundle(built, { version: 1 });
    const policy = lenientPolicy(w, [TEST_REVIEWER_KEY]);
    const base: AuditOptions = {
      claimedRoot: built.root,
      qualifiedItems: w.qualifiedItems,
      policy,
    };
    const { header, headerBytes, cells } = splitPublicData(built.publicData);
    const layout = layoutTable(built.items as Uint8Array[], header.table.nonces, header.table.size);
    const freeCells = new Set(Array.from(layout.order, (i) => layout.free[i] as number));

    /** Public data with its cells changed, and the root of what is published. */
    const republish = (mutate: (cells: Uint8Array[]) => void) => {
      const copy = cells.map((c) => c.slice());
      mutate(copy);
      return { pdata: concatBytes(headerBytes, ...copy), root: computeRoot(headerBytes, copy) };
    };
    const withRoot = (t: { pdata: Uint8Array; root: Uint8Array }) => ({
      pdata: t.pdata,
      bundle,
      opts: { ...base, claimedRoot: t.root },
    });
    let filler = 0;
    while (freeCells.has(filler)) filler++;
    const other = buildDatabase(built.items, {
      suite,
      rng: seededRng('another alpha'),
      params: PARAMS,
      runId: w.runId,
    });
    const wrongRoot = built.root.slice();
    wrongRoot[0] = (wrongRoot[0] as number) ^ 1;
    const forgedContribution = (built.audit.contributions[0] as Uint8Array).slice();
    forgedContribution[forgedContribution.length - 1] =
      (forgedContribution[forgedContribution.length - 1] as number) ^ 1;
    const badScalar = new Uint8Array(2 * suite.scalarLength).fill(0xff);

    const CASES: [
      string,
      string,
      () => { pdata: Uint8Array; bundle: Uint8Array; opts: AuditOptions },
    ][] = [
      ['ok', 'the honest database', () => ({ pdata: built.publicData, bundle, opts: base })],
      [
        'proof',
        'one changed cell',
        () =>
          withRoot(
            republish((c) => {
              c[3] = suite.encode(suite.mulBase(12345n));
            }),
          ),
      ],
      [
        'proof',
        'two cells swapped',
        () =>
          withRoot(
            republish((c) => {
              [c[1], c[2]] = [c[2] as Uint8Array, c[1] as Uint8Array];
            }),
          ),
      ],
      [
        'proof',
        'a filler replaced by α·H(x*) of an item outside X_int',
        () =>
          withRoot(
            republish((c) => {
              c[filler] = suite.encode(
                suite.mul(hashItem(suite, te.encode('a target never agreed on')), built.alpha),
              );
            }),
          ),
      ],
      [
        'cell-decode',
        'a cell that is no element (the last, and one in the middle)',
        () =>
          withRoot(
            republish((c) => {
              c[c.length - 1] = new Uint8Array(suite.elementLength).fill(0xff);
              c[7] = new Uint8Array(suite.elementLength).fill(0xfe);
            }),
          ),
      ],
      [
        'proof',
        'a proof made with another α',
        () => ({
          pdata: built.publicData,
          bundle: encodeAuditBundle(
            { ...built, audit: { ...built.audit, proof: other.audit.proof } },
            { version: 1 },
          ),
          opts: base,
        }),
      ],
      [
        'proof',
        'a proof that is no pair of scalars',
        () => ({
          pdata: built.publicData,
          bundle: encodeAuditBundle(
            { ...built, audit: { ...built.audit, proof: badScalar } },
            { version: 1 },
          ),
          opts: base,
        }),
      ],
      [
        'contributions',
        'a forged contribution',
        () => ({
          pdata: built.publicData,
          bundle: encodeAuditBundle(
            {
              ...built,
              audit: {
                ...built.audit,
                contributions: [forgedContribution, ...built.audit.contributions.slice(1)],
              },
            },
            { version: 1 },
          ),
          opts: base,
        }),
      ],
      [
        'items',
        'X_int with an item the quorum does not back',
        () => ({
          pdata: built.publicData,
          bundle,
          opts: { ...base, qualifiedItems: () => built.items.slice(1) },
        }),
      ],
      [
        'root',
        'a claimed root that is not the root of the public data',
        () => ({ pdata: built.publicData, bundle, opts: { ...base, claimedRoot: wrongRoot } }),
      ],
      [
        'database-id',
        'a bundle naming another database id',
        () => ({
          pdata: built.publicData,
          bundle: encodeAuditBundle({ ...built, databaseId: new Uint8Array(16) }, { version: 1 }),
          opts: base,
        }),
      ],
      [
        'policy',
        'a version not above the last signed (rollback)',
        () => ({
          pdata: built.publicData,
          bundle,
          opts: { ...base, policy: { ...policy, lastSignedVersion: 1 } },
        }),
      ],
      [
        'malformed',
        'truncated public data',
        () => ({ pdata: built.publicData.subarray(0, 50), bundle, opts: base }),
      ],
    ];

    const expected = CASES.map(([, , make]) => {
      const c = make();
      return auditDatabase(c.pdata, c.bundle, c.opts);
    });

    it('the synchronous verdicts are the classes named (each case tampers as intended)', () => {
      expect(expected.map((v) => (v.ok ? 'ok' : v.failure))).toEqual(CASES.map(([k]) => k));
      const decode = expected[4];
      // The first bad cell is reported (the one in the middle).
      expect(decode && !decode.ok && decode.reason.startsWith('cell 7: ')).toBe(true);
    });

    for (const [name, how] of MODES) {
      it(`${name}: every verdict is the synchronous one`, async () => {
        for (const [i, [, what, make]] of CASES.entries()) {
          const c = make();
          const got = await auditDatabaseAsync(c.pdata, c.bundle, { ...c.opts, ...how() });
          expect(got, what).toEqual(expected[i]);
        }
      });
    }

    it('progress per chunk: layout (items), then hash, encode and verify, up to the table size', async () => {
      const events: Progress[] = [];
      const v = await auditDatabaseAsync(built.publicData, bundle, {
        ...base,
        executor: pool(2),
        chunkSize: 8,
        onProgress: (p) => events.push(p),
      });
      expect(v.ok).toBe(true);
      expect([...new Set(events.map((e) => e.phase))]).toEqual([
        'layout',
        'hash',
        'encode',
        'verify',
      ]);
      const laid = events.filter((e) => e.phase === 'layout');
      expect(laid.every((e) => e.total === w.items.length)).toBe(true);
      expect(laid.at(-1)?.done).toBe(w.items.length);
      for (const phase of ['hash', 'encode', 'verify'] as const) {
        const ev = events.filter((e) => e.phase === phase);
        expect(ev.every((e) => e.total === header.table.size)).toBe(true);
        expect(ev.at(-1)?.done).toBe(header.table.size);
      }
    });

    it('a malformed policy is refused as by auditDatabase (thrown there, a rejection here)', async () => {
      const bad = { ...base, policy: { ...policy, reviewerKeys: [] } };
      expect(() => auditDatabase(built.publicData, bundle, bad)).toThrow();
      await expect(auditDatabaseAsync(built.publicData, bundle, bad)).rejects.toThrow();
    });
  });
}

describe('a database built on a pool passes the audit on a pool', () => {
  it('build (pool of 2) → audit (pool of 1): ok, the same verdict as the synchronous audit', async () => {
    const suite: Suite = ristretto255Sha512;
    const w = quorumWorld(suite, 'par-roundtrip');
    const opts = {
      suite,
      params: PARAMS,
      contributions: w.contributions,
      runId: w.runId,
    };
    const built = await buildDatabaseAsync(w.items, {
      ...opts,
      rng: seededRng('roundtrip'),
      executor: pool(2),
    });
    expect(snapshot(built)).toEqual(
      snapshot(buildDatabase(w.items, { ...opts, rng: seededRng('roundtrip') })),
    );
    const bundle = encodeAuditBundle(built, { version: 1 });
    const aopts: AuditOptions = {
      claimedRoot: built.root,
      qualifiedItems: w.qualifiedItems,
      policy: lenientPolicy(w, [TEST_REVIEWER_KEY]),
    };
    const v = await auditDatabaseAsync(built.publicData, bundle, { ...aopts, executor: pool(1) });
    expect(v.ok).toBe(true);
    expect(v).toEqual(auditDatabase(built.publicData, bundle, aopts));
  });
});
