/**
 * Role: NGO in the quorum (SPEC §3). Three child-protection NGOs in three jurisdictions find,
 * without showing each other their other entries, which hashes at least m = 2 jurisdictions
 * hold. Only those hashes go to the builder, each NGO signing its own contribution.
 *
 *   npx tsx examples/ngo.ts
 *
 *  NGO_i                                           other NGOs / bulletin board / builder
 *  ─────                                           ─────────────────────────────────────
 *  commit(): K_i, |X_i|, signed list digest ─────▶ all NGOs
 *  commitments of all NGOs ◀────────────────────── all NGOs (verified: receiveCommitments)
 *  maskOwnList(): [k_i·H_M(x)], secret order ────▶ NGO_{i+1}
 *  list j, stages so far ◀──────────────────────── NGO_{i-1}
 *  processHop(): check proof, ·k_i, DLEQ proof ──▶ NGO_{i+1} (or the board after k-1 hops)
 *  bulletin board (all fully-masked lists) ◀────── anyone assembles it
 *  qualify(): own items in ≥ m-1 other lists
 *  contribute(): Q_i in the clear, signed ───────▶ builder (intersectContributions)
 *
 * One NGO (or a link) that skips masking or alters a list is caught at the next hop, by name.
 */
import { createHash } from 'node:crypto';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  assembleBulletin,
  createQuorumConfig,
  intersectContributions,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
} from 'quorum-psi/ngo';
import { generateSigningKeyPair } from 'quorum-psi/sign';

const te = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const item = (tag: string) =>
  new Uint8Array(createHash('sha256').update(`example item/${tag}`).digest()); // 32-byte "hashes"
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => item(`${tag}/${i}`));

// Each NGO's private hash list: some hashes are shared, most are not.
const all3 = range('all three', 4);
const ukCa = range('uk+ca', 3);
const caNl = range('ca+nl', 2);
const lists = {
  UK: [...all3, ...ukCa, ...range('uk only', 8)],
  CA: [...all3, ...ukCa, ...caNl, ...range('ca only', 8)],
  NL: [...all3, ...caNl, ...range('nl only', 8)],
};
const m = 2;

// Set-up, agreed out of band: the roster (jurisdiction + Ed25519 key, in ring order), the rule m,
// the item width and a deployment id. Each NGO keeps its own signing secret key.
const keys = Object.fromEntries(Object.keys(lists).map((j) => [j, generateSigningKeyPair()]));
const config = createQuorumConfig({
  suite: ristretto255Sha512,
  deploymentId: te.encode('example deployment 2025-06'),
  m,
  itemWidth: 32,
  members: Object.keys(lists).map((j) => ({
    jurisdiction: j,
    signingPublicKey: keys[j]?.publicKey as Uint8Array,
  })),
});
const newParties = () =>
  Object.entries(lists).map(
    ([j, items], i) => new NgoParty(config, i, keys[j]?.secretKey as Uint8Array, items),
  );

/** The ring: in a deployment every arrow is a network message; here it is a function call. */
function runRing(
  parties: NgoParty[],
  tamper?: (bytes: Uint8Array, owner: number, from: number) => Uint8Array,
) {
  const k = parties.length;
  // Step 1: commitments, then everybody checks everybody's.
  const commitments = parties.map((p) => p.commit());
  for (const p of parties) p.receiveCommitments(commitments);
  // Step 2: each NGO masks its own list. Step 3: each list visits every other NGO once.
  let inFlight = parties.map((p) => p.maskOwnList());
  for (let hop = 1; hop < k; hop++) {
    inFlight = inFlight.map((bytes, owner) => {
      const from = (owner + hop - 1) % k;
      const to = (owner + hop) % k;
      const sent = tamper ? tamper(bytes, owner, from) : bytes;
      return (parties[to] as NgoParty).processHop(sent, from);
    });
  }
  // Step 4: the bulletin board. Step 5: each NGO finds its qualifying items.
  const board = assembleBulletin(config, inFlight);
  for (const p of parties) p.qualify(board);
  // Step 6: signed contributions to the builder.
  return { board, contributions: parties.map((p) => p.contribute()) };
}

const parties = newParties();
const { board, contributions } = runRing(parties);
console.log(`quorum of ${parties.length} NGOs, rule m = ${m}, suite ${config.suite.name}`);
for (const p of parties) {
  const holders = p.itemHolders();
  const shared = holders.filter((h) => h.lists.length > 0).length;
  console.log(
    `  ${p.jurisdiction}: ${p.listSize} items; ${shared} held elsewhere too (all it learns); contributes ${holders.filter((h) => h.lists.length >= m - 1).length}`,
  );
}
console.log(`  bulletin board: ${board.length} bytes, every hop carries a verifiable DLEQ proof`);

// What the builder does with the contributions: verify them against its trust list.
const trust = Object.keys(lists).map((j) => ({
  jurisdiction: j,
  publicKey: keys[j]?.publicKey as Uint8Array,
}));
const xInt = intersectContributions(contributions, trust, m).items.map(hex);

// Ground truth by brute force: items held by ≥ m jurisdictions.
const count = new Map<string, number>();
for (const l of Object.values(lists))
  for (const x of l) count.set(hex(x), (count.get(hex(x)) ?? 0) + 1);
const expected = [...count].filter(([, n]) => n >= m).map(([h]) => h);
expected.sort();
if (JSON.stringify(xInt) !== JSON.stringify(expected))
  throw new Error('quorum result differs from the brute-force intersection');
console.log(`  X_int: ${xInt.length} items held by ≥ ${m} jurisdictions (checked by brute force)`);

// A dishonest hop: the CA party's output for UK's list is altered in transit (one byte). The
// next NGO checks the DLEQ proof and the stage signature, and names the sender.
try {
  runRing(newParties(), (bytes, owner, from) => {
    if (owner !== 0 || from !== 1) return bytes;
    const bad = bytes.slice();
    bad[bad.length - 100] = (bad[bad.length - 100] as number) ^ 1;
    return bad;
  });
  throw new Error('a tampered hop was NOT detected');
} catch (e) {
  if (!(e instanceof NgoVerificationError || e instanceof NgoDecodeError)) throw e;
  const who = e.culprit.jurisdiction;
  if (who !== 'CA') throw new Error(`tampered hop blamed on ${who}, expected CA`);
  console.log(`  tampered hop caught: ${e.code}, culprit ${who}`);
}
console.log('ngo example: ok');
