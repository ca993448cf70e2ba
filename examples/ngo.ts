/**
 * Role: NGO in the quorum (SPEC §3). Three child-protection NGOs in three jurisdictions find,
 * without showing each other their other entries, which hashes at least m = 2 jurisdictions
 * hold. Only those hashes go to the builder, each NGO signing its own contribution, bound to
 * this deployment and this run of the quorum. Each NGO can later open its run to an arbiter.
 *
 *   npx tsx examples/ngo.ts
 *
 *  NGO_i                                           other NGOs / bulletin board / builder / arbiter
 *  ─────                                           ───────────────────────────────────────────────
 *  createRunNonce(): fresh nonce, signed ────────▶ all NGOs (step 0, SPEC v2)
 *  run nonces of all NGOs ◀─────────────────────── all NGOs; runIdFromNonces() checks every
 *                                                  signature and that its own nonce is in: the
 *                                                  run id, bound into every later message
 *  commit(): K_i, |X_i|, signed list digest ─────▶ all NGOs
 *  commitments of all NGOs ◀────────────────────── all NGOs (verified: receiveCommitments)
 *  maskOwnList(): [k_i·H_M(x)], secret order ────▶ NGO_{i+1}
 *  list j, stages so far ◀──────────────────────── NGO_{i-1}
 *  processHop(): check proof, ·k_i, DLEQ proof ──▶ NGO_{i+1} (or the board after k-1 hops)
 *  bulletin board (all fully-masked lists) ◀────── anyone assembles it
 *  qualify(): own items in ≥ m-1 other lists
 *  contribute(): Q_i in the clear, signed ───────▶ builder (intersectContributions, scoped to
 *                                                  this deployment and run id)
 *  opening(): list, salt, order, DLEQ proof ─────▶ arbiter, if ever asked (arbiterCheck)
 *
 * One NGO (or a link) that skips masking or alters a list is caught at the next hop, by name.
 */
import { createHash } from 'node:crypto';
import { VerificationError } from 'quorum-psi/errors';
import { ristretto255Sha512 } from 'quorum-psi/group';
import {
  arbiterCheck,
  assembleBulletin,
  createQuorumConfig,
  createQuorumRoster,
  createRunNonce,
  intersectContributions,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  runIdFromNonces,
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
const secretKey = (j: string) => keys[j]?.secretKey as Uint8Array;
const deploymentId = te.encode('example deployment 2025-06');
const roster = createQuorumRoster({
  suite: ristretto255Sha512,
  deploymentId,
  m,
  itemWidth: 32,
  members: Object.keys(lists).map((j) => ({
    jurisdiction: j,
    signingPublicKey: keys[j]?.publicKey as Uint8Array,
  })),
});

/**
 * Step 0 (SPEC v2): every run of the quorum gets a fresh run id. Each NGO signs a fresh nonce
 * and sends it to the others; each checks all k signatures and that its own nonce is in the run
 * id (else the run could be a replay of an old one). No message, proof or contribution of one
 * run is valid in another.
 */
function startRun(): QuorumConfig {
  const drawn = Object.keys(lists).map((j, i) => createRunNonce(roster, i, secretKey(j)));
  const messages = drawn.map((d) => d.message); // in a deployment: broadcast to every NGO
  const runIds = drawn.map((d, index) =>
    runIdFromNonces(roster, messages, { index, nonce: d.nonce }),
  );
  if (runIds.some((id) => hex(id) !== hex(runIds[0] as Uint8Array)))
    throw new Error('NGOs derived different run ids');
  return createQuorumConfig({ ...roster, runId: runIds[0] as Uint8Array });
}
const newParties = (config: QuorumConfig) =>
  Object.entries(lists).map(([j, items], i) => new NgoParty(config, i, secretKey(j), items));

/** The ring: in a deployment every arrow is a network message; here it is a function call. */
function runRing(
  config: QuorumConfig,
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
  return { commitments, board, contributions: parties.map((p) => p.contribute()) };
}

const config = startRun();
const parties = newParties(config);
const { commitments, board, contributions } = runRing(config, parties);
console.log(`quorum of ${parties.length} NGOs, rule m = ${m}, suite ${config.suite.name}`);
console.log(`  run id ${hex(config.runId)} (from ${parties.length} signed run nonces)`);
for (const p of parties) {
  const holders = p.itemHolders();
  const shared = holders.filter((h) => h.lists.length > 0).length;
  console.log(
    `  ${p.jurisdiction}: ${p.listSize} items; ${shared} held elsewhere too (all it learns); contributes ${holders.filter((h) => h.lists.length >= m - 1).length}`,
  );
}
console.log(`  bulletin board: ${board.length} bytes, every hop carries a verifiable DLEQ proof`);

// What the builder does with the contributions: verify them against its trust list, for its
// deployment and the run id it was told (both required).
const trust = Object.keys(lists).map((j) => ({
  jurisdiction: j,
  signingPublicKey: keys[j]?.publicKey as Uint8Array,
}));
const scope = { deploymentId, runId: config.runId };
const xInt = intersectContributions(contributions, trust, m, scope).items.map(hex);

// Ground truth by brute force: items held by ≥ m jurisdictions.
const count = new Map<string, number>();
for (const l of Object.values(lists))
  for (const x of l) count.set(hex(x), (count.get(hex(x)) ?? 0) + 1);
const expected = [...count].filter(([, n]) => n >= m).map(([h]) => h);
expected.sort();
if (JSON.stringify(xInt) !== JSON.stringify(expected))
  throw new Error('quorum result differs from the brute-force intersection');
console.log(`  X_int: ${xInt.length} items held by ≥ ${m} jurisdictions (checked by brute force)`);

// Accountability (SPEC v2 §3): the commitment is checkable. Asked by an arbiter (a court, an
// oversight body), NGO CA opens its run: its list, salt, order and a DLEQ proof that the stage 0
// it signed and published is its committed list masked under its committed key K_i. The arbiter
// checks it against the signed commitment and the bulletin board (and the contribution against
// the opened list), and learns nothing about k_i.
const ca = parties[1] as NgoParty;
const verdict = arbiterCheck(config, {
  commitment: commitments[1] as Uint8Array,
  bulletin: board,
  opening: ca.opening(),
  contribution: contributions[1] as Uint8Array,
});
if (!verdict.ok) throw new Error(`arbiter refused an honest opening: ${verdict.reason}`);
console.log(
  `  arbiter: ${verdict.party.jurisdiction}'s opening confirmed (${verdict.listSize} committed items masked as published; contribution within its committed list)`,
);

// A dishonest hop: the CA party's output for UK's list is altered in transit (one byte). The
// next NGO checks the DLEQ proof and the stage signature, and names the sender. (A new attempt
// is a new run: fresh run nonces, a fresh run id.)
const rerun = startRun();
try {
  runRing(rerun, newParties(rerun), (bytes, owner, from) => {
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

// Contributions are bound to their run: the builder of the second run refuses the first run's.
try {
  intersectContributions(contributions, trust, m, { deploymentId, runId: rerun.runId });
  throw new Error("another run's contributions were accepted");
} catch (e) {
  if (!(e instanceof VerificationError) || e.code !== 'ngo.contribution.scope') throw e;
  console.log(
    `  contributions of run ${hex(config.runId).slice(0, 8)}… refused in run ${hex(rerun.runId).slice(0, 8)}…: ${e.code}`,
  );
}
console.log('ngo example: ok');
