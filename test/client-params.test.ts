/**
 * Parameters the client and server states pin, and the client's argument checks, on both suites:
 * - SPEC v2 §6: out-of-range `T`, `s_max`, `p` or a value that is not a suite is a
 *   `ParameterError`, for `ClientAccount` and for `new ServerAccount` (which v1 accepted);
 *   both may take their values from a database;
 * - an item that is not the database's item width is a `ParameterError` (`params.item-width`),
 *   where v1 made a voucher that silently never matched;
 * - `ClientDatabase.load(pdata, root, accepted)` keeps a copy of the accepted manifest's
 *   deployment id, run id and version.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { rateToU32 } from '../src/database/pdata.js';
import {
  type AccountOptions,
  ClientAccount,
  ClientDatabase,
  createVoucher,
  createVoucherSealed,
  sealPayload,
} from '../src/voucher/client.js';
import { ServerAccount } from '../src/voucher/server.js';
import { id, makeWorld, payloadFor, type World } from './helpers/protocol.js';

function parameterError(f: () => unknown, code: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `expected ParameterError ${code}`).toBeInstanceOf(ParameterError);
  expect(err).toMatchObject({ code });
}

const badSuites: unknown[] = [{}, { id: 1 }, 'ristretto255-SHA512', 1, null];

describe.each([ristretto255Sha512, p256Sha256])('pinned parameters on $name', (suite) => {
  let w: World;
  beforeAll(() => {
    w = makeWorld(suite, { threshold: 3, sMax: 2, rate: 0.25, members: 12 });
  });

  it('ClientAccount: T, s_max or p out of range, or a non-suite, is a ParameterError', () => {
    const ok = { suite, threshold: 3, sMax: 2, syntheticRate32: 0 };
    const seed = new Uint8Array(32).fill(7);
    const cases: [Partial<Record<keyof typeof ok, unknown>>, string][] = [
      ...[0, 1, 1025, 2.5, Number.NaN, -3, '3', undefined].map(
        (threshold) => [{ threshold }, 'params.threshold'] as [object, string],
      ),
      ...[-1, 501, 1.5, Number.NaN, undefined].map(
        (sMax) => [{ sMax }, 'params.sMax'] as [object, string],
      ),
      ...[-1, 2 ** 32, 0.5, Number.NaN, undefined].map(
        (syntheticRate32) => [{ syntheticRate32 }, 'params.synthetic-rate'] as [object, string],
      ),
      ...badSuites.map((s) => [{ suite: s }, 'params.suite'] as [object, string]),
    ];
    for (const [over, code] of cases) {
      const opts = { ...ok, ...over } as unknown as AccountOptions;
      parameterError(() => ClientAccount.fromSeed(seed, opts), code);
      parameterError(() => ClientAccount.create(opts), code);
    }
    // Boundaries are accepted.
    for (const over of [{ threshold: 2 }, { threshold: 1024 }, { sMax: 0 }, { sMax: 500 }]) {
      expect(() => ClientAccount.fromSeed(seed, { ...ok, ...over })).not.toThrow();
    }
    expect(() =>
      ClientAccount.fromSeed(seed, { ...ok, syntheticRate32: 2 ** 32 - 1 }),
    ).not.toThrow();
  });

  it('new ServerAccount with T or s_max out of range, or a non-suite, is a ParameterError; it may take them from a ServerDatabase', () => {
    const ok = { suite, threshold: 3, sMax: 2 };
    const cases: [object, string][] = [
      ...[0, 1, 1025, 2.5, Number.NaN, undefined].map(
        (threshold) => [{ threshold }, 'params.threshold'] as [object, string],
      ),
      ...[-1, 501, 0.5, undefined].map((sMax) => [{ sMax }, 'params.sMax'] as [object, string]),
      ...badSuites.map((s) => [{ suite: s }, 'params.suite'] as [object, string]),
    ];
    for (const [over, code] of cases) {
      parameterError(
        () =>
          new ServerAccount({ ...ok, ...over } as ConstructorParameters<typeof ServerAccount>[0]),
        code,
      );
    }
    const fromDb = new ServerAccount({ database: w.serverDb });
    expect([fromDb.suite, fromDb.threshold, fromDb.sMax]).toEqual([suite, 3, 2]);
    parameterError(
      () => new ServerAccount({ database: w.serverDb, threshold: 4 }),
      'params.threshold',
    );
    parameterError(() => new ServerAccount({ database: w.serverDb, sMax: 1 }), 'params.sMax');
    const other: Suite = suite === ristretto255Sha512 ? p256Sha256 : ristretto255Sha512;
    parameterError(() => new ServerAccount({ database: w.serverDb, suite: other }), 'params.suite');
    expect(() => new ServerAccount({ database: w.serverDb, threshold: 3, sMax: 2 })).not.toThrow();
  });

  it('ClientAccount.create / fromSeed take suite, T, s_max and p from an accepted ClientDatabase', () => {
    const a = ClientAccount.fromSeed(new Uint8Array(32).fill(1), { database: w.clientDb });
    expect([a.suite, a.threshold, a.sMax, a.syntheticRate32]).toEqual([
      suite,
      3,
      2,
      rateToU32(0.25),
    ]);
    const b = ClientAccount.fromBytes(a.toBytes());
    expect([b.suite, b.threshold, b.sMax, b.syntheticRate32]).toEqual([
      suite,
      3,
      2,
      rateToU32(0.25),
    ]);
    expect(b.toBytes()).toEqual(a.toBytes());
    expect(() => ClientAccount.create({ database: w.built as never })).toThrow(TypeError);
  });

  it('an item that is not the database item width is a ParameterError (params.item-width) and changes nothing', () => {
    expect(w.clientDb.header.table.itemWidth).toBe(32);
    const acct = ClientAccount.create({ database: w.clientDb, rng: w.rng });
    const before = acct.toBytes();
    for (const len of [0, 1, 16, 31, 33, 64]) {
      const item = new Uint8Array(len).fill(3);
      parameterError(
        () => createVoucher(acct, w.clientDb, { item, id: id(1), payload: payloadFor(1) }, w.rng),
        'params.item-width',
      );
      const ad = sealPayload(w.clientDb, { id: id(1), payload: payloadFor(1) }, w.rng);
      parameterError(
        () => createVoucherSealed(acct, w.clientDb, { item, id: id(1), ad }, w.rng),
        'params.item-width',
      );
    }
    // A member shortened by its last byte would never have matched: it is refused instead.
    const member = w.members[0] as Uint8Array;
    parameterError(
      () =>
        createVoucher(acct, w.clientDb, {
          item: member.subarray(0, 31),
          id: id(2),
          payload: payloadFor(2),
        }),
      'params.item-width',
    );
    expect(acct.toBytes()).toEqual(before);
    // The right width works and matches.
    const v = createVoucher(acct, w.clientDb, { item: member, id: id(2), payload: payloadFor(2) });
    expect(w.server.ingest(v, w.registry).kind).toBe('match');
  });

  it('ClientDatabase.load keeps a copy of the accepted manifest (deployment id, run id, version)', () => {
    expect(ClientDatabase.load(w.built.publicData, w.built.root).accepted).toBeUndefined();
    const accepted = {
      deploymentId: new TextEncoder().encode('deployment-A'),
      runId: new Uint8Array(32).fill(0xab),
      version: 7,
    };
    const db = ClientDatabase.load(w.built.publicData, w.built.root, accepted);
    expect(db.accepted).toEqual(accepted);
    expect(db.accepted).not.toBe(accepted);
    accepted.deploymentId.fill(0);
    accepted.runId.fill(0);
    accepted.version = 8;
    expect(db.accepted).toEqual({
      deploymentId: new TextEncoder().encode('deployment-A'),
      runId: new Uint8Array(32).fill(0xab),
      version: 7,
    });
    const bad = [
      { deploymentId: 'x', runId: new Uint8Array(32), version: 1 },
      { deploymentId: new Uint8Array(1), runId: null, version: 1 },
      { deploymentId: new Uint8Array(1), runId: new Uint8Array(32), version: -1 },
      { deploymentId: new Uint8Array(1), runId: new Uint8Array(32), version: 1.5 },
    ];
    for (const a of bad) {
      expect(() => ClientDatabase.load(w.built.publicData, w.built.root, a as never)).toThrow(
        /deploymentId|runId|version/,
      );
    }
  });
});
