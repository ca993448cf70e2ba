/**
 * The single-point table inside the protocol (SPEC v2 §4, §6 "single slot", §7), on both suites,
 * with a table small enough that peeling leaves a 2-core:
 * - every placed item's three published cells sum to `α·H(x)`, and its voucher matches;
 * - every dropped item is reported by the builder, its three cells are fillers `α·H_F(seed, j)`
 *   (so nothing about it is in the table), and its voucher is a non-match (a false negative);
 * - the audit's repetition of the peeling on the unblinded side reports the same drops.
 */
import { describe, expect, it } from 'vitest';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { bytesToHex } from '../src/core/utils.js';
import { buildDatabase, hashFiller, hashItem } from '../src/database/builder.js';
import { rateToU32, splitPublicData } from '../src/database/pdata.js';
import { cellPositions, layoutTable, tableSize } from '../src/database/table.js';
import { ClientAccount, ClientDatabase, createVoucher } from '../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { id, item, TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { seededRng } from './helpers/rng.js';

describe.each([ristretto255Sha512, p256Sha256])('a table with drops on $name', (suite: Suite) => {
  const rng = seededRng(`table-protocol-${suite.shortName}`);
  const members = Array.from({ length: 1000 }, (_, i) => item('peel', i));
  // Ratio 1: n' = n + 4·⌊√n⌋ + 32 = 1.156·n for 1,000 items, below the peeling threshold.
  const built = buildDatabase(members, {
    suite,
    rng,
    ratio: 1,
    params: {
      threshold: 2,
      sMax: 0,
      syntheticRate32: rateToU32(0),
      payloadSize: 8,
      reviewerKeys: [TEST_REVIEWER_KEY],
    },
  });
  const { header, cells } = splitPublicData(built.publicData);
  const P = (j: number) => suite.decode(cells[j] as Uint8Array);
  const sumAt = (x: Uint8Array) =>
    cellPositions(header.table.nonces, x, header.table.size)
      .map(P)
      .reduce((acc, Pj) => acc.add(Pj), suite.identity);
  const dropped = new Set(built.dropped.map(bytesToHex));
  const placed = built.items.filter((x) => !dropped.has(bytesToHex(x)));

  it('drops some items and places the rest (the table is below the peeling threshold)', () => {
    expect(header.table.size).toBe(tableSize(1000, 1));
    expect(built.dropped.length).toBeGreaterThan(0);
    expect(placed.length).toBeGreaterThan(0);
    const layout = layoutTable(built.items as Uint8Array[], header.table.nonces, header.table.size);
    expect(layout.dropped.map((i) => bytesToHex(built.items[i] as Uint8Array))).toEqual(
      built.dropped.map(bytesToHex),
    );
  });

  it("every placed item's three cells sum to α·H(x); every dropped item's cells are fillers", () => {
    for (const x of placed) {
      expect(sumAt(x).equals(suite.mul(hashItem(suite, x), built.alpha))).toBe(true);
    }
    for (const x of built.dropped) {
      expect(sumAt(x).equals(suite.mul(hashItem(suite, x), built.alpha))).toBe(false);
      for (const j of cellPositions(header.table.nonces, x, header.table.size)) {
        const filler = suite.mul(hashFiller(suite, built.audit.fillerSeed, j), built.alpha);
        expect(P(j).equals(filler)).toBe(true);
      }
    }
  });

  it('placed items match at the server and dropped items are non-matches', () => {
    const db = ClientDatabase.load(built.publicData, built.root);
    const acct = ClientAccount.create({ database: db, rng });
    const sdb = ServerDatabase.fromBuild(built);
    const server = new ServerAccount({ database: sdb });
    const reg = new DatabaseRegistry().add(sdb);
    const outcome = (x: Uint8Array, i: number) =>
      server.ingest(
        createVoucher(acct, db, { item: x, id: id(i), payload: new Uint8Array(1) }, rng),
        reg,
      ).kind;
    const sample = placed.slice(0, 12);
    sample.forEach((x, i) => {
      expect(outcome(x, i)).toBe('match');
    });
    built.dropped.forEach((x, i) => {
      expect(outcome(x, 1000 + i)).toBe('non-match');
    });
  });
});
