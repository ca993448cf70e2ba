/**
 * What a mutated voucher does to the server state (SPEC §7; docs/security.md "Threshold
 * vouchers"), on both suites. This replaces a v1 claim that "any mutation leaves the state
 * unchanged", whose test skipped the id: a flipped bit in the id is a valid voucher for a new id
 * (the slot opens, `rct`'s AAD does not), so it gives `non-match` and records that new id.
 *
 * What is true, and checked here for vouchers the server already holds (a real match, a
 * synthetic candidate and a non-match):
 * - every single-bit mutation OUTSIDE the id leaves `ServerAccount.toBytes()` byte-identical,
 *   whatever the outcome (duplicate, non-match, malformed, unknown database, parameter mismatch,
 *   invalid), and the outcome is never `match` or `conflict`;
 * - every single-bit mutation INSIDE the id gives `non-match` and changes the state only by
 *   adding that mutated id to the non-match ids (candidates unchanged).
 * And for a voucher the server does not hold yet: a mutation outside the id never plants a
 * candidate (SPEC v2: one slot, so no byte outside the id can change and the voucher still
 * open): the state afterwards is the state before, or the state before plus the voucher's id as
 * a non-match.
 *
 * Outside the id, one bit per byte position is flipped (bit `(3·position + k) mod 8` for the
 * k-th voucher, so all bit indices occur); all 8 bits of every byte under `QPSI_SLOW=1`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DB_ID_LENGTH } from '../src/core/constants.js';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { createVoucher } from '../src/voucher/client.js';
import { ServerAccount } from '../src/voucher/server.js';
import { item, makeWorld, payloadFor, type World } from './helpers/protocol.js';

const SLOW = !!process.env.QPSI_SLOW;
const ID_LENGTH = 16;
const ID_OFFSET = 5 + DB_ID_LENGTH + 1; // header ‖ database id ‖ u8 |id|

function flip(v: Uint8Array, byte: number, bit: number): Uint8Array {
  const m = v.slice();
  m[byte] = (m[byte] as number) ^ (1 << bit);
  return m;
}

function bitsFor(position: number, k: number): number[] {
  return SLOW ? [0, 1, 2, 3, 4, 5, 6, 7] : [(3 * position + k) % 8];
}

describe.each([ristretto255Sha512, p256Sha256])(
  'voucher mutations at the server on $name',
  (suite) => {
    let w: World;
    const held: Record<'real' | 'synthetic' | 'non-match', Uint8Array> = {} as never;
    let fresh: Uint8Array;
    let base: Uint8Array;

    beforeAll(() => {
      w = makeWorld(suite, { threshold: 3, sMax: 1, rate: 0.5, members: 20, seed: 'mutation' });
      // 16-byte random ids: no two ids of the state are one bit apart.
      const make = (itm: Uint8Array, n: number) =>
        createVoucher(
          w.account,
          w.clientDb,
          { item: itm, id: w.rng(ID_LENGTH), payload: payloadFor(n) },
          w.rng,
        );
      for (let i = 0; !held.real || !held.synthetic; i++) {
        const before = w.account.syntheticCount;
        const v = make(w.placed[i] as Uint8Array, i);
        expect(w.server.ingest(v, w.registry).kind).toBe('match');
        if (w.account.syntheticCount > before) held.synthetic = v;
        else held.real ??= v;
      }
      held['non-match'] = make(item('other', 1), 100);
      expect(w.server.ingest(held['non-match'], w.registry).kind).toBe('non-match');
      w.server.ingest(make(item('other', 2), 101), w.registry);
      fresh = make(w.placed[19] as Uint8Array, 119);
      expect(fresh[ID_OFFSET - 1]).toBe(ID_LENGTH);
      base = w.server.toBytes();
    });

    it.each(['real', 'synthetic', 'non-match'] as const)(
      'every single-bit mutation outside the id of a held %s voucher leaves the state byte-identical, never match or conflict',
      (kind) => {
        const v = held[kind];
        const k = ['real', 'synthetic', 'non-match'].indexOf(kind);
        const acct = ServerAccount.fromBytes(base);
        const seen = new Set<string>();
        let n = 0;
        for (let p = 0; p < v.length; p++) {
          if (p >= ID_OFFSET && p < ID_OFFSET + ID_LENGTH) continue;
          for (const bit of bitsFor(p, k)) {
            const out = acct.ingest(flip(v, p, bit), w.registry);
            seen.add(out.kind);
            expect(out.kind, `byte ${p} bit ${bit}`).not.toBe('match');
            expect(out.kind, `byte ${p} bit ${bit}`).not.toBe('conflict');
            expect(acct.toBytes(), `byte ${p} bit ${bit}: state changed`).toEqual(base);
            n++;
          }
        }
        expect(n).toBeGreaterThanOrEqual(v.length - ID_LENGTH);
        // The mutations reached every stage: envelope, database lookup and the slot, which no
        // longer opens (a one-slot voucher has no part that can change and still open).
        expect(seen.has('malformed')).toBe(true);
        expect(seen.has('unknown-database')).toBe(true);
        expect(seen.has('non-match')).toBe(true);
        expect(seen.has('duplicate')).toBe(false);
      },
    );

    it.each(['real', 'synthetic', 'non-match'] as const)(
      'every single-bit mutation inside the id of a held %s voucher gives non-match and only adds that id to the non-match ids',
      (kind) => {
        const v = held[kind];
        const before = ServerAccount.fromBytes(base);
        for (let p = ID_OFFSET; p < ID_OFFSET + ID_LENGTH; p++) {
          for (let bit = 0; bit < 8; bit++) {
            const m = flip(v, p, bit);
            const acct = ServerAccount.fromBytes(base);
            const out = acct.ingest(m, w.registry);
            const mutatedId = m.slice(ID_OFFSET, ID_OFFSET + ID_LENGTH);
            expect(out).toEqual({ kind: 'non-match', id: mutatedId });
            expect(acct.candidates).toEqual(before.candidates);
            expect(acct.nonMatchIds).toEqual([...before.nonMatchIds, mutatedId]);
          }
        }
      },
    );

    it('a mutation outside the id of a voucher not yet held never plants another candidate', () => {
      const intact = ServerAccount.fromBytes(base);
      expect(intact.ingest(fresh, w.registry).kind).toBe('match');
      const afterIntact = intact.toBytes();
      const freshId = fresh.slice(ID_OFFSET, ID_OFFSET + ID_LENGTH);
      const before = ServerAccount.fromBytes(base);
      const kinds = new Set<string>();
      for (let p = 0; p < fresh.length; p++) {
        if (p >= ID_OFFSET && p < ID_OFFSET + ID_LENGTH) continue;
        for (const bit of bitsFor(p, 3)) {
          const acct = ServerAccount.fromBytes(base);
          const out = acct.ingest(flip(fresh, p, bit), w.registry);
          kinds.add(out.kind);
          const state = acct.toBytes();
          const where = `byte ${p} bit ${bit} (${out.kind})`;
          expect(out.kind, where).not.toBe('match');
          if (out.kind === 'non-match') {
            expect(acct.candidates, where).toEqual(before.candidates);
            expect(acct.nonMatchIds, where).toEqual([...before.nonMatchIds, freshId]);
          } else expect(state, where).toEqual(base);
        }
      }
      // SPEC v2 single slot: every byte outside the id is checked (Q and ct by the slot key, rct
      // by its AEAD), so no mutation is still a match; the intact voucher is.
      expect(afterIntact).not.toEqual(base);
      expect(kinds.has('match')).toBe(false);
      expect(kinds.has('non-match')).toBe(true);
    });
  },
);
