/**
 * SPEC v2 §6 "an id's fate is fixed at its first voucher", on both suites.
 *
 * In v1 an id was synthetic only while the synthetic counter was below `s_max`, and every
 * synthetic voucher spent the counter again. Once it was spent, re-uploading a synthetic id (a
 * second database version, another device restored from the account bytes) made a *real*
 * voucher: a synthetic candidate came back `non-match` (or `conflict`) while a real match came
 * back `duplicate`, so a server below `T` could pick out every synthetic candidate.
 *
 * Here the account records the ids it made synthetic; a recorded id is always synthetic with the
 * same share and DHF value, and a re-upload never spends the counter. The server's outcome
 * sequence per id is then `match, duplicate, duplicate, …` for real and synthetic candidates
 * alike.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512 } from '../src/core/group.js';
import { bytesToHex } from '../src/core/utils.js';
import { ClientAccount, type ClientDatabase } from '../src/voucher/client.js';
import { ServerAccount } from '../src/voucher/server.js';
import { addVersion, id, item, makeWorld, upload, type World } from './helpers/protocol.js';

const SLOW = !!process.env.QPSI_SLOW;

type Kind = string;

/** Records every outcome kind per id (hex) in order. */
class OutcomeLog {
  readonly seq = new Map<string, Kind[]>();
  add(i: number, kind: Kind): void {
    const k = bytesToHex(id(i));
    const s = this.seq.get(k) ?? [];
    s.push(kind);
    this.seq.set(k, s);
  }
  of(i: number): Kind[] {
    return this.seq.get(bytesToHex(id(i))) ?? [];
  }
}

describe.each([ristretto255Sha512, p256Sha256])('synthetic fate on $name', (suite) => {
  const T = 10;
  const sMax = 4;
  const N = 16; // ids 0..15: even ids are database members (8 < T real candidates at most)
  let w: World;
  let db2: ClientDatabase;

  beforeAll(() => {
    // p = 0.5 fills s_max = 4 within the first uploads, well below T.
    w = makeWorld(suite, { threshold: T, sMax, rate: 0.5, members: 40, seed: 'fate' });
    db2 = addVersion(w, 'fate-v2'); // a second build, registered at the server
  });

  const itemOf = (i: number) => (i % 2 === 0 ? (w.members[i] as Uint8Array) : item('photo', i));

  it('re-uploads under a second database version and from restored devices: every candidate id gives duplicate, synthetic and real alike', () => {
    const acct = ClientAccount.create({ database: w.clientDb, rng: w.rng });
    const server = new ServerAccount({ database: w.serverDb });
    const log = new OutcomeLog();
    const send = (a: ClientAccount, db: ClientDatabase, i: number) => {
      const out = server.ingest(upload(w, itemOf(i), i, a, db), w.registry);
      log.add(i, out.kind);
    };

    // First pass under database version 1, with account snapshots taken along the way.
    const snapshots: { upTo: number; bytes: Uint8Array }[] = [];
    for (let i = 0; i < N; i++) {
      send(acct, w.clientDb, i);
      if (i % 4 === 3) snapshots.push({ upTo: i + 1, bytes: acct.toBytes() });
    }
    // The test is meaningful only if s_max is filled below T, with synthetic ids among the
    // candidates.
    expect(acct.syntheticCount).toBe(sMax);
    const synthetic = new Set(acct.syntheticIds.map(bytesToHex));
    const isSynthetic = (i: number) => synthetic.has(bytesToHex(id(i)));
    const candidates = [...Array(N).keys()].filter((i) => log.of(i)[0] === 'match');
    const realMatches = candidates.filter((i) => !isSynthetic(i));
    expect(candidates.filter(isSynthetic).length).toBe(sMax);
    expect(realMatches.length).toBeGreaterThan(0);
    expect(realMatches.length).toBeLessThan(T);

    // Re-upload every id: same device under version 2, then under version 1 again.
    for (let i = 0; i < N; i++) send(acct, db2, i);
    for (let i = 0; i < N; i++) send(acct, w.clientDb, i);
    expect(acct.syntheticCount).toBe(sMax); // re-uploads never spend the counter
    // A second device restored from each snapshot re-uploads every id whose first voucher the
    // snapshot already knew, under both versions.
    for (const { upTo, bytes } of snapshots) {
      const device = ClientAccount.fromBytes(bytes);
      for (let i = 0; i < upTo; i++) {
        send(device, db2, i);
        send(device, w.clientDb, i);
      }
      expect(device.syntheticIds.map(bytesToHex).every((h) => synthetic.has(h))).toBe(true);
    }
    // A device restored from the final state re-uploads everything once more.
    const last = ClientAccount.fromBytes(acct.toBytes());
    for (let i = 0; i < N; i++) send(last, i % 2 ? db2 : w.clientDb, i);
    // Top up so that every id was uploaded the same number of times.
    const most = Math.max(...[...Array(N).keys()].map((i) => log.of(i).length));
    for (let i = 0; i < N; i++) while (log.of(i).length < most) send(acct, db2, i);

    const all = [...log.seq.values()].flat();
    expect(all).not.toContain('conflict');
    // Every re-upload of a candidate id is a duplicate; a non-candidate stays a non-match.
    for (const i of candidates) {
      expect(log.of(i)).toEqual(['match', ...Array(most - 1).fill('duplicate')]);
    }
    for (let i = 0; i < N; i++) {
      if (!candidates.includes(i)) expect(log.of(i)).toEqual(Array(most).fill('non-match'));
    }
    // The server's per-id outcome sequence for synthetic ids equals that for real matching ids.
    const seqs = (ids: number[]) => new Set(ids.map((i) => log.of(i).join(',')));
    expect(seqs(candidates.filter(isSynthetic))).toEqual(seqs(realMatches));
    expect(server.candidates.length).toBe(candidates.length);
    expect(server.reveal().kind).toBe('below-threshold');
  });

  it('property: over random upload, re-upload, device and version sequences, the outcome kinds per id never separate synthetic from real candidates below T', () => {
    let syntheticReuploadsWhenFull = 0;
    const U = 10; // id universe; even ids are members: at most 5 < T real candidates
    const step = fc.record({
      id: fc.nat({ max: U - 1 }),
      device: fc.nat({ max: 2 }),
      version: fc.nat({ max: 1 }),
      // Reload the device from the shared state before uploading (otherwise it may be stale).
      sync: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(step, { minLength: 1, maxLength: SLOW ? 60 : 24 }),
        (seed, steps) => {
          const dbs = [w.clientDb, db2];
          const server = new ServerAccount({ database: w.serverDb });
          // The account state the devices share (persisted after each upload batch).
          let shared = ClientAccount.fromSeed(seed, { database: w.clientDb }).toBytes();
          let sharedVersion = 0;
          const devices = [0, 1, 2].map(() => ({
            acct: ClientAccount.fromBytes(shared),
            base: 0,
            knows: new Set<number>(),
          }));
          const uploaded = new Set<number>();
          const log = new OutcomeLog();
          for (const s of steps) {
            const d = devices[s.device] as (typeof devices)[number];
            // A device uploads an id its state has not seen only after loading the shared
            // state (devices that do not share updates are outside the guarantee, see
            // docs/security.md); it re-uploads known ids from whatever state it holds.
            if (s.sync || !d.knows.has(s.id)) {
              d.acct = ClientAccount.fromBytes(shared);
              d.base = sharedVersion;
              d.knows = new Set(uploaded);
            }
            const v = upload(w, itemOf(s.id), s.id, d.acct, dbs[s.version]);
            log.add(s.id, server.ingest(v, w.registry).kind);
            uploaded.add(s.id);
            d.knows.add(s.id);
            if (d.base === sharedVersion) {
              shared = d.acct.toBytes();
              d.base = ++sharedVersion;
            }
          }
          const final = ClientAccount.fromBytes(shared);
          const synthetic = new Set(final.syntheticIds.map(bytesToHex));
          expect(final.syntheticCount).toBeLessThanOrEqual(sMax);
          // Candidates: match, then only duplicates; the others: only non-matches. So the
          // multiset of outcome kinds of an id is {match: 1, duplicate: n-1} for every candidate
          // uploaded n times, synthetic or real, and never contains a conflict.
          for (const [k, seq] of log.seq) {
            const rest = seq[0] === 'match' ? 'duplicate' : 'non-match';
            expect(seq.slice(1).every((x) => x === rest)).toBe(true);
            if (synthetic.has(k)) {
              expect(seq[0]).toBe('match');
              if (seq.length > 1 && final.syntheticCount === sMax) syntheticReuploadsWhenFull++;
            }
          }
          expect(server.reveal().kind).toBe('below-threshold');
        },
      ),
      // A fixed seed: the coverage check below must not depend on the draw (30 random runs
      // occasionally re-upload no synthetic id after s_max is spent).
      { numRuns: SLOW ? 100 : 30, seed: 20261130 },
    );
    // The runs exercised the v1 failure: synthetic ids re-uploaded once s_max was spent.
    expect(syntheticReuploadsWhenFull).toBeGreaterThan(0);
  });
});
