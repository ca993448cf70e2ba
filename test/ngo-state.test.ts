/**
 * `NgoParty.toBytes` / `fromBytes` (issue 14): an NGO takes part one process per step. A run in
 * which every party is serialized and restored between every step gives the same commitments,
 * qualified items and contributions (byte for byte) as a run held in memory; a restored party
 * still refuses what it refused before (a list it already processed, masking twice); a damaged,
 * foreign or inconsistent state is a DecodeError.
 */
import { describe, expect, it } from 'vitest';
import { KIND, NGO_PARTY_STATE_LABEL } from '../src/core/constants.js';
import { DecodeError, NgoVerificationError, StateError } from '../src/core/errors.js';
import { ristretto255Sha512 as ristretto } from '../src/core/group.js';
import { p256Sha256 as p256 } from '../src/core/p256.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { appendChecksum } from '../src/core/state.js';
import { bytesToHex } from '../src/core/utils.js';
import {
  assembleBulletin,
  createQuorumRoster,
  NgoParty,
  startRunLocally,
} from '../src/quorum/ngo.js';
import { ClientAccount } from '../src/voucher/client.js';
import { codeOf, thrown } from './helpers/assert.js';
import { hash16, threeLists } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();

function setup(suite: typeof ristretto, seed: string) {
  const rng = seededRng(seed);
  const keys = ['UK', 'CA', 'NL'].map((j) => ({ j, kp: generateSigningKeyPair(rng) }));
  const roster = createQuorumRoster({
    suite,
    deploymentId: te.encode('ngo-state-test'),
    m: 2,
    itemWidth: 16,
    members: keys.map((k) => ({ jurisdiction: k.j, signingPublicKey: k.kp.publicKey })),
  });
  const sks = keys.map((k) => k.kp.secretKey);
  const { config } = startRunLocally(roster, sks, { rng });
  const L = threeLists(6, 3, 4);
  const lists = [L.A, L.B, L.C];
  // Each party gets its own seeded randomness, so two runs draw the same k_i, salt and order.
  const make = () =>
    lists.map(
      (items, i) =>
        new NgoParty(config, i, sks[i] as Uint8Array, items, seededRng(`${seed}-party-${i}`)),
    );
  return { config, make, qualifying: L.qualifying };
}

/** The whole ring; `step(p)` may replace a party between steps (e.g. by its restored copy). */
function ring(parties: NgoParty[], step: (p: NgoParty) => NgoParty) {
  const k = parties.length;
  const at = (i: number) => parties[i] as NgoParty;
  const commitments = parties.map((p) => p.commit());
  for (let i = 0; i < k; i++) parties[i] = step(at(i));
  for (const p of parties) p.receiveCommitments(commitments);
  for (let i = 0; i < k; i++) parties[i] = step(at(i));
  let inflight = parties.map((p) => p.maskOwnList());
  for (let i = 0; i < k; i++) parties[i] = step(at(i));
  for (let r = 1; r < k; r++) {
    inflight = inflight.map((bytes, owner) => {
      const to = (owner + r) % k;
      const out = at(to).processHop(bytes);
      parties[to] = step(at(to));
      return out;
    });
  }
  const board = assembleBulletin(at(0).config, inflight);
  const qualified = parties.map((p) => p.qualify(board));
  for (let i = 0; i < k; i++) parties[i] = step(at(i));
  const contributions = parties.map((p) => p.contribute());
  return { commitments, qualified, contributions, board, parties };
}

describe.each([
  ['ristretto255', ristretto],
  ['P-256', p256],
])('NgoParty state (%s)', (_name, suite) => {
  it('a run restored between every step equals the run held in memory', () => {
    const w = setup(suite, `state-${suite.shortName}`);
    const memory = ring(w.make(), (p) => p);
    const restoredSteps: number[] = [];
    const stored = ring(w.make(), (p) => {
      const bytes = p.toBytes();
      const q = NgoParty.fromBytes(bytes, seededRng(`restore-${restoredSteps.length}`));
      restoredSteps.push(bytes.length);
      // What was stored is what the restored party would store again.
      expect(bytesToHex(q.toBytes())).toBe(bytesToHex(bytes));
      return q;
    });
    expect(restoredSteps.length).toBeGreaterThanOrEqual(12);
    expect(stored.commitments.map(bytesToHex)).toEqual(memory.commitments.map(bytesToHex));
    expect(stored.contributions.map(bytesToHex)).toEqual(memory.contributions.map(bytesToHex));
    expect(stored.qualified.map((q) => q.map(bytesToHex))).toEqual(
      memory.qualified.map((q) => q.map(bytesToHex)),
    );
    // And the run computed the right thing: the qualifying items are found.
    const union = new Set(stored.qualified.flat().map(bytesToHex));
    expect([...union].sort()).toEqual(w.qualifying.map(bytesToHex).sort());
    // The restored party still knows what it learned (its documented leakage).
    expect(stored.parties[0]?.itemHolders()).toEqual(memory.parties[0]?.itemHolders());
  });

  it('a restored party refuses a list it already processed, and masking twice', () => {
    const w = setup(suite, `replay-${suite.shortName}`);
    const parties = w.make();
    const commitments = parties.map((p) => p.commit());
    for (const p of parties) p.receiveCommitments(commitments);
    const chains = parties.map((p) => p.maskOwnList());
    // Party 1 processes list 0 once, is stored and restored, and gets list 0 again.
    (parties[1] as NgoParty).processHop(chains[0] as Uint8Array);
    const again = NgoParty.fromBytes((parties[1] as NgoParty).toBytes());
    const e = thrown(() => again.processHop(chains[0] as Uint8Array));
    expect(e).toBeInstanceOf(NgoVerificationError);
    expect((e as NgoVerificationError).code).toBe('ngo.hop.replay');
    expect(codeOf(() => again.maskOwnList())).toBe('ngo.state');
    expect(thrown(() => again.maskOwnList())).toBeInstanceOf(StateError);
  });
});

describe('NgoParty state: bad bytes', () => {
  const w = setup(ristretto, 'bad-state');
  const party = w.make()[0] as NgoParty;
  const commitments = w.make().map((p) => p.commit());
  party.commit();
  party.receiveCommitments(commitments);
  const good = party.toBytes();

  it('every truncation and every flipped byte is a DecodeError (checksum)', () => {
    for (const cut of [0, 5, 40, good.length - 33, good.length - 1]) {
      expect(thrown(() => NgoParty.fromBytes(good.subarray(0, cut)))).toBeInstanceOf(DecodeError);
    }
    for (let i = 0; i < good.length; i += 7) {
      const b = good.slice();
      b[i] = (b[i] as number) ^ 0x10;
      const e = thrown(() => NgoParty.fromBytes(b));
      expect(e, `byte ${i}`).toBeInstanceOf(DecodeError);
    }
  });

  it('another kind of state is named as such', () => {
    const acct = ClientAccount.create({
      suite: ristretto,
      threshold: 3,
      sMax: 4,
      syntheticRate32: 1000,
      rng: seededRng('acct'),
    }).toBytes();
    const e = thrown(() => NgoParty.fromBytes(acct));
    expect((e as DecodeError).code).toBe('decode.kind');
    expect((e as Error).message).toMatch(/client account state, not an NGO party state/);
  });

  it('fields the protocol never produces are refused even under a valid checksum', () => {
    const body = good.subarray(0, good.length - 32);
    const reseal = (b: Uint8Array) => appendChecksum(NGO_PARTY_STATE_LABEL, b);
    // Locate fields from the encoding: header 5, roster, run id, index, key, k_i, salt, n.
    const rosterLength = 1 + 14 + 2 + 1 + 2 + 3 * (1 + 2 + 32);
    const off = { index: 5 + rosterLength + 32 };
    const keyAt = off.index + 2;
    const kAt = keyAt + 32;
    const nAt = kAt + 32 + 32;
    const itemsAt = nAt + 4;
    const n = new DataView(body.buffer, body.byteOffset).getUint32(nAt);
    const orderAt = itemsAt + 16 * n;
    const cases: [string, (b: Uint8Array) => void][] = [
      ['index beyond the roster', (b) => b.set([0, 3], off.index)],
      ['a signing key not in the roster', (b) => b.set([(b[keyAt] as number) ^ 1], keyAt)],
      ['masking key 0', (b) => b.fill(0, kAt, kAt + 32)],
      ['items out of order', (b) => b.copyWithin(itemsAt, itemsAt + 16, itemsAt + 32)],
      [
        'an order that is not a permutation',
        (b) => b.copyWithin(orderAt, orderAt + 4, orderAt + 8),
      ],
      [
        'a commitment that does not verify',
        (b) => b.set([(b[orderAt + 4 * n + 10] as number) ^ 1], orderAt + 4 * n + 10),
      ],
    ];
    expect(NgoParty.fromBytes(reseal(body.slice())).index).toBe(0);
    for (const [name, change] of cases) {
      const b = body.slice();
      change(b);
      expect(
        thrown(() => NgoParty.fromBytes(reseal(b))),
        name,
      ).toBeInstanceOf(DecodeError);
    }
    // The sanity of the offsets: the kind byte and the item list are where the test thinks.
    expect(good[2]).toBe(KIND.ngoPartyState);
    expect(bytesToHex(body.subarray(itemsAt, itemsAt + 16))).toBe(
      bytesToHex([...threeLists(6, 3, 4).A].sort((a, b) => Buffer.compare(a, b))[0] as Uint8Array),
    );
    expect(hash16('all', 0)).toHaveLength(16);
  });
});
