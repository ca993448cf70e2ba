/**
 * SPEC v2 §5, §7: inputs are copied at the boundary, never aliased, and nothing the server
 * returns aliases its state. Every public function of src/voucher/server.ts is called with pooled,
 * offset Node Buffer views (`Buffer.prototype.slice` of such a view is another view): the result
 * equals the result with plain Uint8Arrays, and overwriting the caller's buffers afterwards
 * changes nothing. Mutating what the server returned (outcome ids, candidates, non-match ids,
 * revealed ids, payloads and database ids) changes nothing either.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import type { BuiltDatabase } from '../src/database/builder.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { BufferPool, item, makeWorld, upload, type World } from './helpers/protocol.js';

describe.each([ristretto255Sha512, p256Sha256])(
  'server inputs and outputs are copied on $name',
  (suite) => {
    const T = 3;
    let w: World;
    let vouchers: Uint8Array[];

    beforeAll(() => {
      w = makeWorld(suite, { threshold: T, sMax: 1, rate: 0.5, members: 20, seed: 'srv-alias' });
      // T + 1 real or synthetic candidates (enough for a reveal) and two non-matches.
      vouchers = [];
      for (let i = 0; i < T + 2; i++) vouchers.push(upload(w, w.placed[i] as Uint8Array, i));
      vouchers.push(upload(w, item('n', 50), 50), upload(w, item('n', 51), 51));
    });

    it('ServerDatabase.fromBuild and fromBytes copy their inputs', () => {
      const pool = new BufferPool();
      const b = w.built;
      const viewed: BuiltDatabase = {
        ...b,
        publicData: pool.view(b.publicData),
        root: pool.view(b.root),
        databaseId: pool.view(b.databaseId),
      };
      const fromView = ServerDatabase.fromBuild(viewed);
      const secretView = pool.view(w.serverDb.toBytes());
      const loaded = ServerDatabase.fromBytes(secretView);
      pool.scribble(0x33);
      expect(fromView.toBytes()).toEqual(w.serverDb.toBytes());
      expect(loaded.toBytes()).toEqual(w.serverDb.toBytes());
      expect(fromView.databaseId).toEqual(w.built.databaseId);
      // They still check vouchers: a registry of each gives the same outcomes.
      for (const db of [fromView, loaded]) {
        const acct = new ServerAccount({ database: db });
        const reg = new DatabaseRegistry().add(db);
        const ref = new ServerAccount({ database: w.serverDb });
        expect(acct.ingestBatch(vouchers, reg)).toEqual(ref.ingestBatch(vouchers, w.registry));
        expect(acct.toBytes()).toEqual(ref.toBytes());
      }
    });

    it('ingest and ingestBatch: views give the plain outcomes; overwriting them afterwards leaves the state unchanged', () => {
      const plain = new ServerAccount({ database: w.serverDb });
      const one = new ServerAccount({ database: w.serverDb });
      const batch = new ServerAccount({ database: w.serverDb });
      const pool = new BufferPool();
      const expected = vouchers.map((v) => plain.ingest(v, w.registry));
      const got = vouchers.map((v) => one.ingest(pool.view(v), w.registry));
      const gotBatch = batch.ingestBatch(
        vouchers.map((v) => pool.view(v)),
        w.registry,
      );
      expect(got).toEqual(expected);
      expect(gotBatch).toEqual(expected);
      pool.scribble(0xa5);
      expect(one.toBytes()).toEqual(plain.toBytes());
      expect(batch.toBytes()).toEqual(plain.toBytes());
      expect(got).toEqual(expected); // the outcome ids are copies too
      // Re-ingesting the plain vouchers: duplicates and known non-matches, as for the plain state.
      expect(one.ingestBatch(vouchers, w.registry)).toEqual(
        plain.ingestBatch(vouchers, w.registry),
      );
    });

    it('ServerAccount.fromBytes copies its input', () => {
      const acct = new ServerAccount({ database: w.serverDb });
      acct.ingestBatch(vouchers, w.registry);
      const bytes = acct.toBytes();
      const pool = new BufferPool();
      const loaded = ServerAccount.fromBytes(pool.view(bytes));
      pool.scribble(0);
      expect(loaded.toBytes()).toEqual(bytes);
      expect(loaded.reveal()).toEqual(acct.reveal());
    });

    it('mutating outcome ids, candidates, non-match ids and reveal results changes nothing', () => {
      const acct = new ServerAccount({ database: w.serverDb });
      for (const out of acct.ingestBatch(vouchers, w.registry)) {
        if ('id' in out) out.id.fill(0xff);
      }
      const bytes = acct.toBytes();
      const first = acct.reveal();
      expect(first.kind).toBe('revealed');
      const snapshot = structuredClone(first);
      if (first.kind === 'revealed') {
        for (const r of first.revealed) {
          r.id.fill(1);
          r.ad.fill(2);
          r.databaseId.fill(3);
        }
        for (const s of first.syntheticIds) s.fill(4);
      }
      for (const c of acct.candidates) {
        c.id.fill(5);
        c.adct.fill(6);
        c.databaseId.fill(7);
        c.r.fill(0n);
      }
      for (const n of acct.nonMatchIds) n.fill(8);
      expect(acct.toBytes()).toEqual(bytes);
      expect(acct.reveal()).toEqual(snapshot);
      // The same as a state that never handed anything out.
      const fresh = new ServerAccount({ database: w.serverDb });
      fresh.ingestBatch(vouchers, w.registry);
      expect(fresh.toBytes()).toEqual(bytes);
    });
  },
);
