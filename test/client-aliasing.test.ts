/**
 * SPEC v2 §5: "the bytes it checked are the bytes it uses: inputs are copied at the boundary,
 * never aliased". Node's `Buffer.prototype.slice` returns a VIEW, so `x.slice()` on a caller's
 * pooled Buffer shares its memory. Every public function of src/voucher/client.ts is called here
 * with pooled, offset Buffer views (and an rng that hands out views of one reused buffer): the result
 * equals the result with plain Uint8Arrays, and overwriting the caller's buffers afterwards
 * changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import {
  ClientAccount,
  ClientDatabase,
  createVoucher,
  createVoucherSealed,
  sealPayload,
} from '../src/voucher/client.js';
import { ServerAccount } from '../src/voucher/server.js';
import {
  BufferPool,
  id,
  item,
  makeWorld,
  payloadFor,
  reusingRng,
  type World,
} from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();

describe.each([ristretto255Sha512, p256Sha256])('client inputs are copied on $name', (suite) => {
  let w: World;
  const seed = new Uint8Array(32).map((_, i) => i * 7 + 1);
  const acctFrom = (db: ClientDatabase) => ClientAccount.fromSeed(seed, { database: db });

  beforeAll(() => {
    w = makeWorld(suite, { threshold: 3, sMax: 2, rate: 0.5, members: 20, seed: 'alias' });
  });

  it('ClientDatabase.load: overwriting the caller’s pdata, root and manifest ids afterwards changes nothing; vouchers still match and are byte-identical', () => {
    const pool = new BufferPool();
    const accepted = {
      deploymentId: te.encode('dep'),
      runId: new Uint8Array(32).fill(9),
      version: 4,
    };
    const plain = ClientDatabase.load(w.built.publicData, w.built.root, accepted);
    const viewed = ClientDatabase.load(pool.view(w.built.publicData), pool.view(w.built.root), {
      deploymentId: pool.view(accepted.deploymentId),
      runId: pool.view(accepted.runId),
      version: 4,
    });
    expect(viewed.root).toEqual(plain.root);
    expect(viewed.databaseId).toEqual(plain.databaseId);
    // The caller reuses its buffers: every cell (none decoded yet), the root and the ids.
    pool.scribble(0x5a);
    expect(viewed.accepted).toEqual(accepted);
    expect(viewed.root).toEqual(w.built.root);
    const a = acctFrom(plain);
    const b = acctFrom(viewed);
    for (let i = 0; i < 6; i++) {
      const input = { item: w.placed[i] as Uint8Array, id: id(i), payload: payloadFor(i) };
      const va = createVoucher(a, plain, input, seededRng(`v${i}`));
      const vb = createVoucher(b, viewed, input, seededRng(`v${i}`));
      expect(vb).toEqual(va);
      expect(w.server.ingest(vb, w.registry).kind).toBe('match');
    }
    expect(() => viewed.decodeAll()).not.toThrow();
  });

  it('ClientAccount.fromSeed / create / fromBytes copy the seed and the state', () => {
    const pool = new BufferPool();
    const seedView = pool.view(seed);
    const fromView = ClientAccount.fromSeed(seedView, { database: w.clientDb });
    const fromPlain = acctFrom(w.clientDb);
    expect(fromView.toBytes()).toEqual(fromPlain.toBytes());
    const stateView = pool.view(fromPlain.toBytes());
    const loaded = ClientAccount.fromBytes(stateView);
    pool.scribble(0);
    expect(fromView.toBytes()).toEqual(fromPlain.toBytes());
    expect(loaded.toBytes()).toEqual(fromPlain.toBytes());
    // create: the rng hands out views of one reused buffer; later outputs must not change the seed.
    const rng = reusingRng(seededRng('create'));
    const created = ClientAccount.create({ database: w.clientDb, rng });
    const expected = ClientAccount.create({ database: w.clientDb, rng: seededRng('create') });
    const before = created.toBytes();
    rng(64);
    expect(created.toBytes()).toEqual(before);
    expect(before).toEqual(expected.toBytes());
    // The same vouchers from all of them.
    const input = { item: w.placed[1] as Uint8Array, id: id(1), payload: payloadFor(1) };
    const v0 = createVoucher(fromPlain, w.clientDb, input, seededRng('same'));
    for (const acct of [fromView, loaded]) {
      expect(createVoucher(acct, w.clientDb, input, seededRng('same'))).toEqual(v0);
    }
  });

  it('createVoucher, sealPayload and createVoucherSealed: views and a reusing rng give the plain result; overwriting them afterwards leaves the account unchanged', () => {
    const a = acctFrom(w.clientDb);
    const b = acctFrom(w.clientDb);
    const serverA = new ServerAccount({ database: w.serverDb });
    const serverB = new ServerAccount({ database: w.serverDb });
    for (let i = 0; i < 10; i++) {
      const pool = new BufferPool();
      const itm = i % 2 ? (w.placed[i] as Uint8Array) : item('n', i);
      const ctx = te.encode(`account-${i}`);
      const plainInput = { item: itm, id: id(i), payload: payloadFor(i), context: ctx };
      const viewInput = {
        item: pool.view(itm),
        id: pool.view(id(i)),
        payload: pool.view(payloadFor(i)),
        context: pool.view(ctx),
      };
      const va = createVoucher(a, w.clientDb, plainInput, seededRng(`c${i}`));
      const vb = createVoucher(b, w.clientDb, viewInput, reusingRng(seededRng(`c${i}`)));
      expect(vb).toEqual(va);
      pool.scribble(i);
      expect(b.toBytes()).toEqual(a.toBytes()); // recorded synthetic ids are copies
      expect(serverB.ingest(vb, w.registry)).toEqual(serverA.ingest(va, w.registry));

      const sa = sealPayload(w.clientDb, plainInput, seededRng(`s${i}`));
      const pool2 = new BufferPool();
      const sb = sealPayload(
        w.clientDb,
        { id: pool2.view(id(i)), payload: pool2.view(payloadFor(i)), context: pool2.view(ctx) },
        reusingRng(seededRng(`s${i}`)),
      );
      expect(sb).toEqual(sa);
      const adView = pool2.view(sa);
      const xa = createVoucherSealed(
        a,
        w.clientDb,
        { item: itm, id: id(i), ad: sa },
        seededRng(`x${i}`),
      );
      const xb = createVoucherSealed(
        b,
        w.clientDb,
        { item: pool2.view(itm), id: pool2.view(id(i)), ad: adView },
        reusingRng(seededRng(`x${i}`)),
      );
      expect(xb).toEqual(xa);
      pool2.scribble(0xee);
      expect(b.toBytes()).toEqual(a.toBytes());
    }
    expect(b.syntheticCount).toBeGreaterThan(0); // synthetic ids were recorded from views
    expect(serverB.toBytes()).toEqual(serverA.toBytes());
    expect(serverA.candidates.length).toBeGreaterThan(b.syntheticCount); // real matches too
  });
});
