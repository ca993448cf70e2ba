/**
 * SPEC v2 §3: run ids (step 0), contributions bound to their run, hop proofs bound to their
 * context, accountable openings checked by an arbiter, and culprits that are never the party a
 * forger claimed to be.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIG_LABEL } from '../src/core/constants.js';
import { verifyProof } from '../src/core/dleq.js';
import { DecodeError, ParameterError, VerificationError } from '../src/core/errors.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { generateSigningKeyPair, type SigningKeyPair, signStatement } from '../src/core/sign.js';
import { compareBytes } from '../src/core/utils.js';
import {
  type ArbiterVerdict,
  arbiterCheck,
  assembleBulletin,
  createQuorumConfig,
  createQuorumRoster,
  createRunNonce,
  hopDleqConfig,
  hopProofBinding,
  intersectContributions,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  type QuorumMessage,
  type QuorumRoster,
  runIdFromNonces,
  runQuorumLocally,
  startRunLocally,
  type TrustedNgo,
  verifyBulletin,
  verifyCommitments,
} from '../src/quorum/ngo.js';
import {
  contributionStatement,
  decodeElementList,
  decodeNgoBulletin,
  decodeNgoChain,
  decodeNgoCommitment,
  decodeNgoContribution,
  decodeNgoOpening,
  elementViews,
  encodeNgoContribution,
  encodeNgoOpening,
  listCommitment,
  type NgoContribution,
  type NgoStage,
} from '../src/quorum/ngo-messages.js';
import { seededRng } from './helpers/rng.js';

const SLOW = !!process.env.QPSI_SLOW;
const WIDTH = 16;
const te = new TextEncoder();
const SUITES: Suite[] = [ristretto255Sha512, p256Sha256];

/** The fixed part of a quorum: roster, keys, lists. Each run draws its own run id and parties. */
interface Fixture {
  roster: QuorumRoster;
  keys: SigningKeyPair[];
  trusted: TrustedNgo[];
  lists: Uint8Array[][];
}

const item = (tag: string, i: number) => {
  const b = new Uint8Array(WIDTH);
  b.set(te.encode(`${tag}:${i}`).subarray(0, WIDTH));
  return b;
};

/** Three jurisdictions A, B, C; items `s:*` shared by all, `ab:*` by A and B, the rest private. */
function fixture(suite: Suite, seed: string, size = 8): Fixture {
  const js = ['A', 'B', 'C'];
  const keys = js.map((j) => generateSigningKeyPair(seededRng(`${seed}/sig/${j}`)));
  const lists = js.map((j, idx) => {
    const l: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) l.push(item('s', i));
    if (idx < 2) for (let i = 0; i < 2; i++) l.push(item('ab', i));
    while (l.length < size) l.push(item(`own-${j}`, l.length));
    return l;
  });
  const roster = createQuorumRoster({
    suite,
    deploymentId: te.encode(`deployment-${seed}`),
    m: 2,
    itemWidth: WIDTH,
    members: js.map((j, i) => ({
      jurisdiction: j,
      signingPublicKey: (keys[i] as SigningKeyPair).publicKey,
    })),
  });
  const trusted = js.map((j, i) => ({
    jurisdiction: j,
    signingPublicKey: (keys[i] as SigningKeyPair).publicKey,
  }));
  return { roster, keys, trusted, lists };
}

/** A fresh run of the fixture: step 0, then one party per member. */
function newRun(f: Fixture, runSeed: string) {
  const { config, runNonces } = startRunLocally(
    f.roster,
    f.keys.map((k) => k.secretKey),
    { rng: seededRng(`${runSeed}/nonces`) },
  );
  const parties = f.lists.map(
    (l, i) =>
      new NgoParty(
        config,
        i,
        (f.keys[i] as SigningKeyPair).secretKey,
        l,
        seededRng(`${runSeed}/party/${i}`),
      ),
  );
  return { config, parties, runNonces };
}

const scopeOf = (config: QuorumConfig) => ({
  deploymentId: config.deploymentId,
  runId: config.runId,
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** A contribution re-signed by `signer` after `edit` (a malicious or foreign signer). */
function resign(
  bytes: Uint8Array,
  signer: SigningKeyPair,
  edit: (c: Omit<NgoContribution, 'signature'>) => Omit<NgoContribution, 'signature'>,
): Uint8Array {
  const { signature: _s, ...body } = decodeNgoContribution(bytes);
  const nb = edit(body);
  return encodeNgoContribution({
    ...nb,
    signature: signStatement(
      signer.secretKey,
      SIG_LABEL.ngoContribution,
      contributionStatement(nb),
    ),
  });
}

// ── Step 0: run ids ─────────────────────────────────────────────────────────────────────────

for (const suite of SUITES) {
  describe(`NGO quorum step 0: the run id digests a signed nonce of every member (${suite.shortName})`, () => {
    const f = fixture(suite, 'step0');
    const sks = f.keys.map((k) => k.secretKey);

    it('every member signs a fresh nonce; the run id changes with every run and every nonce, not with their order', () => {
      const r1 = startRunLocally(f.roster, sks, { rng: seededRng('run-1') });
      const r2 = startRunLocally(f.roster, sks, { rng: seededRng('run-2') });
      expect(r1.runId).toHaveLength(32);
      expect(r1.runId).not.toEqual(r2.runId);
      expect(r1.config.rosterDigest).toEqual(r2.config.rosterDigest);
      expect(r1.config.sessionDigest).not.toEqual(r2.config.sessionDigest);
      // Order of arrival does not matter; each position is the member's own index.
      const shuffled = [r1.runNonces[2], r1.runNonces[0], r1.runNonces[1]] as Uint8Array[];
      expect(runIdFromNonces(f.roster, shuffled)).toEqual(r1.runId);
      // Replacing any single member's nonce (with its own, validly signed nonce of run 2)
      // changes the run id.
      for (let i = 0; i < 3; i++) {
        const mixed = r1.runNonces.map((b, j) => (j === i ? r2.runNonces[j] : b)) as Uint8Array[];
        expect(runIdFromNonces(f.roster, mixed)).not.toEqual(r1.runId);
      }
    });

    it("a member refuses a run id that does not use its own fresh nonce (a replayed run's nonce)", () => {
      const old = startRunLocally(f.roster, sks, { rng: seededRng('old-run') });
      const fresh = createRunNonce(f.roster, 1, sks[1] as Uint8Array, seededRng('fresh'));
      const others = [0, 2].map((i) =>
        createRunNonce(f.roster, i, sks[i] as Uint8Array, seededRng(`o${i}`)),
      );
      const honest = [others[0]?.message, fresh.message, others[1]?.message] as Uint8Array[];
      expect(() =>
        runIdFromNonces(f.roster, honest, { index: 1, nonce: fresh.nonce }),
      ).not.toThrow();
      // The transport replays member 1's nonce of the old run (validly signed by member 1).
      const replayed = [others[0]?.message, old.runNonces[1], others[1]?.message] as Uint8Array[];
      const e = catchErr(() =>
        runIdFromNonces(f.roster, replayed, { index: 1, nonce: fresh.nonce }),
      );
      expect((e as VerificationError).code).toBe('ngo.runNonce.own');
      // The whole old run replayed is refused the same way.
      const e2 = catchErr(() =>
        runIdFromNonces(f.roster, old.runNonces, { index: 1, nonce: fresh.nonce }),
      );
      expect((e2 as VerificationError).code).toBe('ngo.runNonce.own');
    });

    it('nonces must be one per member, each signed by that member over this roster', () => {
      const r = startRunLocally(f.roster, sks, { rng: seededRng('r') });
      const [n0, n1, n2] = r.runNonces as Uint8Array[];
      expect(
        catchErr(() => runIdFromNonces(f.roster, [n0 as Uint8Array, n1 as Uint8Array])),
      ).toBeInstanceOf(ParameterError);
      const dup = catchErr(() =>
        runIdFromNonces(f.roster, [n0 as Uint8Array, n1 as Uint8Array, n1 as Uint8Array]),
      );
      expect((dup as VerificationError).code).toBe('ngo.runNonce.duplicate');
      // Member 0's key signing a nonce in member 2's name: refused, and nobody is named.
      const forged = createRunNonce(
        f.roster,
        0,
        sks[0] as Uint8Array,
        seededRng('f'),
      ).message.slice();
      forged[5 + 1 + f.roster.deploymentId.length + 32 + 1] = 2; // index field := 2
      const eSig = catchErr(() =>
        runIdFromNonces(f.roster, [n0 as Uint8Array, n1 as Uint8Array, forged]),
      );
      expect((eSig as VerificationError).code).toBe('ngo.runNonce.signature');
      expect(eSig).not.toBeInstanceOf(NgoVerificationError);
      // A nonce signed for another roster (another deployment) is refused.
      const otherRoster = createQuorumRoster({ ...f.roster, deploymentId: te.encode('elsewhere') });
      const foreign = createRunNonce(otherRoster, 2, sks[2] as Uint8Array, seededRng('x')).message;
      const eSes = catchErr(() =>
        runIdFromNonces(f.roster, [n0 as Uint8Array, n1 as Uint8Array, foreign]),
      );
      expect((eSes as VerificationError).code).toBe('ngo.runNonce.session');
      // Every bit flip of a nonce message is a DecodeError or a VerificationError.
      fc.assert(
        fc.property(fc.integer({ min: 0, max: (n2 as Uint8Array).length * 8 - 1 }), (bit) => {
          const b = (n2 as Uint8Array).slice();
          b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
          const err = catchErr(() =>
            runIdFromNonces(f.roster, [n0 as Uint8Array, n1 as Uint8Array, b], {
              index: 2,
              nonce: decodeNonce(n2 as Uint8Array),
            }),
          );
          expect(err instanceof DecodeError || err instanceof VerificationError).toBe(true);
        }),
        { numRuns: SLOW ? 1000 : 200 },
      );
    });

    it('createQuorumConfig requires a 32-byte run id', () => {
      // @ts-expect-error the run id is required
      expect(() => createQuorumConfig({ ...f.roster })).toThrow(TypeError);
      expect(() => createQuorumConfig({ ...f.roster, runId: new Uint8Array(31) })).toThrow(
        RangeError,
      );
    });
  });
}

/** The nonce field of a run-nonce message (last 32 bytes before the signature). */
function decodeNonce(msg: Uint8Array): Uint8Array {
  return msg.slice(msg.length - 64 - 32, msg.length - 64);
}

describe('NGO quorum: nothing of one run is valid in another (same deployment, roster and lists)', () => {
  for (const suite of SUITES) {
    it(`a commitment, a hop, a bulletin and a contribution of run 1 are refused in run 2 (${suite.shortName})`, () => {
      const f = fixture(suite, `runs-${suite.shortName}`);
      const run1 = newRun(f, 'run-1');
      const out1 = runQuorumLocally(run1.parties);
      const hop1 = out1.transcript.find(
        (t) => t.step === 'hop' && t.owner === 0 && t.to === 1,
      ) as QuorumMessage;
      // Run 2 of the same deployment, roster and lists; only the run nonces differ.
      const run2 = newRun(f, 'run-2');
      expect(run2.config.deploymentId).toEqual(run1.config.deploymentId);
      expect(run2.config.rosterDigest).toEqual(run1.config.rosterDigest);
      expect(run2.config.runId).not.toEqual(run1.config.runId);
      const commitments2 = run2.parties.map((p) => p.commit());
      // Commitment of run 1, delivered by party 0 in run 2.
      const eC = catchErr(() =>
        verifyCommitments(run2.config, [
          out1.commitments[0] as Uint8Array,
          ...commitments2.slice(1),
        ]),
      );
      expect((eC as NgoVerificationError).code).toBe('ngo.commitment.session');
      expect((eC as NgoVerificationError).culprit.index).toBe(0);
      for (const p of run2.parties) p.receiveCommitments(commitments2);
      // Hop of run 1 (list 0, stage 0), delivered by party 0 to party 1 in run 2.
      const eH = catchErr(() => run2.parties[1]?.processHop(hop1.bytes, 0));
      expect((eH as NgoVerificationError).code).toBe('ngo.hop.session');
      // Bulletin of run 1.
      const eB = catchErr(() => verifyBulletin(run2.config, commitments2, out1.bulletin));
      expect(eB).toBeInstanceOf(VerificationError);
      expect((eB as VerificationError).code).toBe('ngo.bulletin.session');
      // Contribution of run 1, offered to the builder of run 2: refused, and it blames nobody
      // (anyone can replay an NGO's old, validly signed contribution).
      const eQ = catchErr(() =>
        intersectContributions(out1.contributions, f.trusted, 2, scopeOf(run2.config)),
      );
      expect(eQ).toBeInstanceOf(VerificationError);
      expect(eQ).not.toBeInstanceOf(NgoVerificationError);
      expect((eQ as VerificationError).code).toBe('ngo.contribution.scope');
      // In its own run everything is accepted.
      expect(() => verifyBulletin(run1.config, out1.commitments, out1.bulletin)).not.toThrow();
      expect(
        intersectContributions(out1.contributions, f.trusted, 2, scopeOf(run1.config)).items,
      ).toHaveLength(5);
    });
  }

  for (const suite of SUITES) {
    it(`a contribution carries its deployment and run id, and the builder requires both (${suite.shortName})`, () => {
      const f = fixture(suite, 'scope');
      const run = newRun(f, 'scope-run');
      const out = runQuorumLocally(run.parties);
      for (const bytes of out.contributions) {
        const c = decodeNgoContribution(bytes);
        expect(c.runId).toEqual(run.config.runId);
        expect(c.deploymentId).toEqual(run.config.deploymentId);
      }
      expect(() =>
        // @ts-expect-error the scope is required
        intersectContributions(out.contributions, f.trusted, 2),
      ).toThrow(TypeError);
      expect(() =>
        // @ts-expect-error the run id is required
        intersectContributions(out.contributions, f.trusted, 2, {
          deploymentId: run.config.deploymentId,
        }),
      ).toThrow(TypeError);
      const other = catchErr(() =>
        intersectContributions(out.contributions, f.trusted, 2, {
          ...scopeOf(run.config),
          deploymentId: te.encode('another-deployment'),
        }),
      );
      expect(other).toBeInstanceOf(VerificationError);
      expect(other).not.toBeInstanceOf(NgoVerificationError);
      expect((other as VerificationError).code).toBe('ngo.contribution.scope');
    });
  }
});

// ── Hop proofs bound to (session, owner, stage) ─────────────────────────────────────────────

describe('NGO quorum: hop proofs are bound to their session, owner and stage', () => {
  for (const suite of SUITES) {
    it(`a hop proof verifies under its (session, owner, stage) only (${suite.shortName})`, () => {
      const f = fixture(suite, `bind-${suite.shortName}`);
      const run = newRun(f, 'bind-1');
      const commitments = run.parties.map((p) => p.commit());
      for (const p of run.parties) p.receiveCommitments(commitments);
      const l0 = run.parties[0]?.maskOwnList() as Uint8Array;
      const s1 = run.parties[1]?.processHop(l0, 0) as Uint8Array; // list 0, stage 1, by party 1
      const c = decodeNgoChain(s1);
      const Ne = suite.elementLength;
      const st = {
        A: suite.G,
        B: decodeNgoCommitment(commitments[1] as Uint8Array).maskingKey,
        C: decodeElementList(suite, (c.stages[0] as NgoStage).list, c.n),
        D: decodeElementList(suite, (c.stages[1] as NgoStage).list, c.n),
        Cbytes: elementViews((c.stages[0] as NgoStage).list, c.n, Ne),
        Dbytes: elementViews((c.stages[1] as NgoStage).list, c.n, Ne),
      };
      const proof = (c.stages[1] as NgoStage).proof as Uint8Array;
      const other = newRun(f, 'bind-2').config; // same roster, another run: another session
      const check = (
        ctx: { cfg: QuorumConfig; owner: number; stage: number },
        bind: { cfg: QuorumConfig; owner: number; stage: number } | null,
      ) =>
        verifyProof(
          suite,
          hopDleqConfig(ctx.cfg, ctx.owner, ctx.stage),
          bind ? { ...st, binding: hopProofBinding(bind.cfg, bind.owner, bind.stage) } : st,
          proof,
        );
      const own = { cfg: run.config, owner: 0, stage: 1 };
      expect(check(own, own)).toBe(true);
      // The proof carries a binding: without it, it fails.
      expect(check(own, null)).toBe(false);
      // Any other owner, stage or session fails, whether it differs in the context, the
      // binding, or both.
      for (const alt of [
        { cfg: run.config, owner: 2, stage: 1 },
        { cfg: run.config, owner: 0, stage: 2 },
        { cfg: other, owner: 0, stage: 1 },
      ]) {
        expect(check(own, alt)).toBe(false);
        expect(check(alt, own)).toBe(false);
        expect(check(alt, alt)).toBe(false);
      }
    });
  }
});

// ── Accountable openings ────────────────────────────────────────────────────────────────────

const expectBlamed = (v: ArbiterVerdict, index: number, code: string) => {
  expect(v.ok).toBe(false);
  if (v.ok) return;
  expect(v.culprit?.index).toBe(index);
  expect(v.code).toBe(code);
  expect(v.reason.length).toBeGreaterThan(0);
};

describe('NGO quorum: accountable openings and the arbiter', () => {
  for (const suite of SUITES) {
    it(`an arbiter confirms every honest NGO's opening, against the board or its stage-0 message (${suite.shortName})`, () => {
      const f = fixture(suite, `open-${suite.shortName}`);
      const run = newRun(f, 'open');
      const out = runQuorumLocally(run.parties);
      run.parties.forEach((p, i) => {
        const opening = p.opening();
        const o = decodeNgoOpening(opening);
        expect(o.index).toBe(i);
        expect(o.items.length).toBe(p.listSize);
        const stage0 = out.transcript.find(
          (t) => t.step === 'hop' && t.owner === i && t.from === i,
        ) as QuorumMessage;
        for (const where of [{ bulletin: out.bulletin }, { stage0: stage0.bytes }]) {
          const v = arbiterCheck(run.config, {
            commitment: out.commitments[i] as Uint8Array,
            opening,
            contribution: out.contributions[i] as Uint8Array,
            ...where,
          });
          expect(v).toEqual({
            ok: true,
            party: { index: i, jurisdiction: p.jurisdiction },
            listSize: p.listSize,
          });
        }
      });
    });

    it(`names an NGO that committed to list A but masked a list B of the same size (${suite.shortName})`, () => {
      const f = fixture(suite, `cheat-${suite.shortName}`);
      const run = newRun(f, 'cheat');
      const CHEATER = 1;
      const key = (f.keys[CHEATER] as SigningKeyPair).secretKey;
      const listA = f.lists[CHEATER] as Uint8Array[];
      // Guesses: items of the other NGOs' private lists, as many as A holds.
      const listB = [...(f.lists[0] as Uint8Array[]), ...(f.lists[2] as Uint8Array[])]
        .filter((x) => !listA.some((y) => compareBytes(x, y) === 0))
        .slice(0, listA.length);
      expect(listB.length).toBe(listA.length);
      // Two objects on one rng stream: the same k_i, salt and order; one holds A, one B.
      const honestA = new NgoParty(run.config, CHEATER, key, listA, seededRng('cheater'));
      const guessB = new NgoParty(run.config, CHEATER, key, listB, seededRng('cheater'));
      expect(honestA.maskingPublicKey).toEqual(guessB.maskingPublicKey);
      const commitments = run.parties.map((p, i) =>
        i === CHEATER ? honestA.commit() : p.commit(),
      );
      run.parties.forEach((p, i) => {
        if (i !== CHEATER) p.receiveCommitments(commitments);
      });
      // The cheater drives the ring with B (its own view of the commitments holds B's).
      guessB.commit();
      guessB.receiveCommitments(commitments.map((c, i) => (i === CHEATER ? guessB.commit() : c)));
      const actors = run.parties.map((p, i) => (i === CHEATER ? guessB : p));
      let inflight = actors.map((p) => p.maskOwnList());
      for (let r = 1; r < 3; r++)
        inflight = inflight.map((b, owner) =>
          (actors[(owner + r) % 3] as NgoParty).processHop(b, (owner + r - 1) % 3),
        );
      const bulletin = assembleBulletin(run.config, inflight);
      // Nobody in the ring notices: every proof holds, the honest NGOs qualify normally.
      for (const [i, p] of run.parties.entries())
        if (i !== CHEATER) expect(() => p.qualify(bulletin)).not.toThrow();
      expect(() => guessB.qualify(bulletin)).not.toThrow();
      // The old check (the commitment opens to A) passes, although B was masked.
      const ca = honestA.commitmentOpening();
      expect(listCommitment(ca.items, WIDTH, ca.salt)).toEqual(
        decodeNgoCommitment(commitments[CHEATER] as Uint8Array).listCommitment,
      );
      // Both of the cheater's possible openings fail, naming it.
      const evidence = { commitment: commitments[CHEATER] as Uint8Array, bulletin };
      expectBlamed(
        arbiterCheck(run.config, { ...evidence, opening: honestA.opening() }),
        CHEATER,
        'ngo.opening.proof',
      );
      expectBlamed(
        arbiterCheck(run.config, { ...evidence, opening: guessB.opening() }),
        CHEATER,
        'ngo.opening.commitment',
      );
      // A mix (A's list and salt, B's proof) fails too.
      const mix = {
        ...decodeNgoOpening(honestA.opening()),
        proof: decodeNgoOpening(guessB.opening()).proof,
      };
      expectBlamed(
        arbiterCheck(run.config, { ...evidence, opening: encodeNgoOpening(mix) }),
        CHEATER,
        'ngo.opening.proof',
      );
      // The honest NGOs' openings are confirmed on the same board.
      for (const i of [0, 2]) {
        const v = arbiterCheck(run.config, {
          commitment: commitments[i] as Uint8Array,
          bulletin,
          opening: (run.parties[i] as NgoParty).opening(),
        });
        expect(v.ok).toBe(true);
      }
    });
  }

  for (const suite of SUITES) {
    it(`names an NGO whose contribution holds an item outside its committed list (${suite.shortName})`, () => {
      const f = fixture(suite, 'contrib-item');
      const run = newRun(f, 'ci');
      const out = runQuorumLocally(run.parties);
      const B = 1;
      const kB = f.keys[B] as SigningKeyPair;
      const outside = item('never-committed', 0);
      const padded = resign(out.contributions[B] as Uint8Array, kB, (c) => ({
        ...c,
        items: [...c.items, outside].sort(compareBytes),
      }));
      // The builder cannot tell: the contribution is validly signed and of this run.
      const contributions = out.contributions.map((c, i) => (i === B ? padded : c));
      expect(() =>
        intersectContributions(contributions, f.trusted, 2, scopeOf(run.config)),
      ).not.toThrow();
      const evidence = {
        commitment: out.commitments[B] as Uint8Array,
        bulletin: out.bulletin,
        opening: (run.parties[B] as NgoParty).opening(),
      };
      expect(arbiterCheck(run.config, { ...evidence, contribution: out.contributions[B] }).ok).toBe(
        true,
      );
      expectBlamed(
        arbiterCheck(run.config, { ...evidence, contribution: padded }),
        B,
        'ngo.contribution.item',
      );
      // A contribution that is not B's (signed by A), or not of this run, proves nothing against B.
      const byA = resign(out.contributions[B] as Uint8Array, f.keys[0] as SigningKeyPair, (c) => ({
        ...c,
        signingPublicKey: (f.keys[0] as SigningKeyPair).publicKey,
      }));
      const vA = arbiterCheck(run.config, { ...evidence, contribution: byA });
      expect(vA.ok === false && vA.culprit === null && vA.code === 'ngo.arbiter.contribution').toBe(
        true,
      );
      const otherRun = resign(out.contributions[B] as Uint8Array, kB, (c) => ({
        ...c,
        runId: new Uint8Array(32).fill(7),
      }));
      const vR = arbiterCheck(run.config, { ...evidence, contribution: otherRun });
      expect(vR.ok === false && vR.culprit === null).toBe(true);
    });
  }

  for (const suite of SUITES) {
    it(`a mutated or truncated opening is refused with a reason naming the NGO, never an exception (${suite.shortName})`, () => {
      const f = fixture(suite, 'fuzz-open', 4);
      const run = newRun(f, 'fo');
      const out = runQuorumLocally(run.parties);
      const I = 2;
      const opening = (run.parties[I] as NgoParty).opening();
      const evidence = { commitment: out.commitments[I] as Uint8Array, bulletin: out.bulletin };
      expect(arbiterCheck(run.config, { ...evidence, opening }).ok).toBe(true);
      // Every byte, one flipped bit each, and random byte replacements.
      for (let pos = 0; pos < opening.length; pos++) {
        const b = opening.slice();
        b[pos] = (b[pos] as number) ^ (1 << (pos % 8));
        const v = arbiterCheck(run.config, { ...evidence, opening: b });
        expect(v.ok).toBe(false);
        if (!v.ok) {
          expect(v.culprit?.index).toBe(I);
          expect(v.reason).toMatch(/party 2/);
        }
      }
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: opening.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          (pos, x) => {
            const b = opening.slice();
            b[pos] = (b[pos] as number) ^ x;
            const v = arbiterCheck(run.config, { ...evidence, opening: b });
            expect(v.ok === false && v.culprit?.index === I).toBe(true);
          },
        ),
        { numRuns: SLOW ? 2000 : 200 },
      );
      for (let cut = 0; cut < opening.length; cut += 7) {
        const v = arbiterCheck(run.config, { ...evidence, opening: opening.subarray(0, cut) });
        expect(v.ok === false && v.code === 'ngo.opening.malformed' && v.culprit?.index === I).toBe(
          true,
        );
      }
      // A valid permutation other than the real order fails the proof.
      const o = decodeNgoOpening(opening);
      const swapped = o.order.slice();
      [swapped[0], swapped[1]] = [swapped[1] as number, swapped[0] as number];
      expectBlamed(
        arbiterCheck(run.config, {
          ...evidence,
          opening: encodeNgoOpening({ ...o, order: swapped }),
        }),
        I,
        'ngo.opening.proof',
      );
      // Mutated evidence (commitment or board) never throws and never names the NGO on its own.
      for (const [what, bytes] of [
        ['commitment', evidence.commitment],
        ['bulletin', evidence.bulletin],
      ] as const) {
        fc.assert(
          fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
            const b = bytes.slice();
            b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
            const v = arbiterCheck(run.config, { ...evidence, [what]: b, opening });
            if (!v.ok) expect(v.culprit).toBeNull();
          }),
          { numRuns: SLOW ? 1000 : 60 },
        );
      }
    });
  }
});

// ── Culprits ────────────────────────────────────────────────────────────────────────────────

for (const suite of SUITES) {
  describe(`NGO quorum: a forger never makes an innocent NGO the culprit (${suite.shortName})`, () => {
    const f = fixture(suite, 'culprits');
    const run = newRun(f, 'cu');
    const out = runQuorumLocally(run.parties);
    const scope = scopeOf(run.config);
    const [kA, kB] = f.keys as [SigningKeyPair, SigningKeyPair];
    const realB = out.contributions[1] as Uint8Array;
    const blamesB = (e: unknown) =>
      e instanceof NgoVerificationError && e.culprit.jurisdiction === 'B';
    const attempt = (forged: Uint8Array) => {
      try {
        intersectContributions([out.contributions[0] as Uint8Array, forged], f.trusted, 2, scope);
        return null;
      } catch (e) {
        return e;
      }
    };

    it("a contribution claiming NGO B's identity, not validly signed by B, never names B", () => {
      const attacker = generateSigningKeyPair(seededRng('attacker'));
      const cases: [string, Uint8Array, string][] = [
        // Signed by an attacker key, claiming B (jurisdiction, index, its own key).
        [
          'attacker key',
          resign(realB, attacker, (c) => ({ ...c, signingPublicKey: attacker.publicKey })),
          'ngo.contribution.untrusted',
        ],
        // Carrying B's key, signed by the attacker.
        [
          'attacker signs as B',
          resign(realB, attacker, (c) => ({ ...c, items: c.items.slice(1) })),
          'ngo.contribution.signature',
        ],
        // Carrying B's key, signed by NGO A.
        [
          'A signs as B',
          resign(realB, kA, (c) => ({ ...c, items: c.items.slice(1) })),
          'ngo.contribution.signature',
        ],
      ];
      for (const [name, forged, code] of cases) {
        const e = attempt(forged);
        expect(e, name).toBeInstanceOf(VerificationError);
        expect(blamesB(e), name).toBe(false);
        expect(e, name).not.toBeInstanceOf(NgoVerificationError);
        expect((e as VerificationError).code, name).toBe(code);
      }
      // NGO A's valid signature on a statement claiming B: A is named, never B.
      const aAsB = resign(out.contributions[0] as Uint8Array, kA, (c) => ({
        ...c,
        jurisdiction: 'B',
        index: 1,
      }));
      const e = catchErr(() => intersectContributions([aAsB], f.trusted, 2, scope));
      expect((e as NgoVerificationError).code).toBe('ngo.contribution.jurisdiction');
      expect((e as NgoVerificationError).culprit.jurisdiction).toBe('A');
      // Any single bit flip of B's real contribution never names B.
      fc.assert(
        fc.property(fc.integer({ min: 0, max: realB.length * 8 - 1 }), (bit) => {
          const b = realB.slice();
          b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
          const err = attempt(b);
          expect(
            err === null || err instanceof DecodeError || err instanceof VerificationError,
          ).toBe(true);
          expect(blamesB(err)).toBe(false);
        }),
        { numRuns: SLOW ? 2000 : 300 },
      );
    });

    it('only a validly signed contribution names its signer', () => {
      const e = catchErr(() =>
        intersectContributions([resign(realB, kB, (c) => ({ ...c, m: 3 }))], f.trusted, 2, scope),
      );
      expect((e as NgoVerificationError).code).toBe('ngo.contribution.mismatch');
      expect((e as NgoVerificationError).culprit).toEqual({ index: 1, jurisdiction: 'B' });
      // Two different contributions signed by B name B; a byte-identical repeat names nobody.
      const e2 = catchErr(() =>
        intersectContributions(
          [realB, resign(realB, kB, (c) => ({ ...c, items: c.items.slice(1) }))],
          f.trusted,
          2,
          scope,
        ),
      );
      expect((e2 as NgoVerificationError).culprit.jurisdiction).toBe('B');
      const e3 = catchErr(() => intersectContributions([realB, realB], f.trusted, 2, scope));
      expect((e3 as VerificationError).code).toBe('ngo.contribution.duplicate');
      expect(e3).not.toBeInstanceOf(NgoVerificationError);
    });

    it('in the ring, an invalid signature names the transport sender, never the producer it names', () => {
      const fresh = () => newRun(f, 'cu-ring').parties;
      // Hop: party 1 forwards list 0 with owner 0's stage-0 signature broken.
      const e1 = catchErr(() =>
        runQuorumLocally(fresh(), {
          intercept: (msg) => {
            if (msg.step !== 'hop' || msg.owner !== 0 || msg.from !== 1) return msg.bytes;
            const b = msg.bytes.slice();
            const n = decodeNgoChain(b).n;
            const sigAt = 45 + n * suite.elementLength; // stage 0's signature
            b[sigAt] = (b[sigAt] as number) ^ 1;
            return b;
          },
        }),
      );
      expect((e1 as NgoVerificationError).code).toBe('ngo.hop.signature');
      expect((e1 as NgoVerificationError).culprit.index).toBe(1);
      // Commitment: party 2 delivers party 0's (validly signed) commitment of this run as its own.
      let c0: Uint8Array | null = null;
      const e2 = catchErr(() =>
        runQuorumLocally(fresh(), {
          intercept: (msg) => {
            if (msg.step === 'commitment' && msg.from === 0) c0 = msg.bytes;
            return msg.step === 'commitment' && msg.from === 2 ? (c0 as Uint8Array) : msg.bytes;
          },
        }),
      );
      expect((e2 as NgoVerificationError).code).toBe('ngo.commitment.session');
      expect((e2 as NgoVerificationError).culprit.index).toBe(2);
      // Commitment with a broken signature, delivered by party 2: party 2 is the sender.
      const e3 = catchErr(() =>
        runQuorumLocally(fresh(), {
          intercept: (msg) => {
            if (msg.step !== 'commitment' || msg.from !== 2) return msg.bytes;
            const b = msg.bytes.slice();
            b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
            return b;
          },
        }),
      );
      expect((e3 as NgoVerificationError).code).toBe('ngo.commitment.signature');
      expect((e3 as NgoVerificationError).culprit.index).toBe(2);
    });

    it('on the bulletin board (no sender among the parties), a forged stage names nobody', () => {
      const board = decodeNgoBulletin(out.bulletin);
      // Alter the last stage of list 2 (produced by party 1) after it was signed.
      const chainBytes = (board.chainBytes[2] as Uint8Array).slice();
      chainBytes[chainBytes.length - 1] = (chainBytes[chainBytes.length - 1] as number) ^ 1;
      const forged = assembleBulletin(run.config, [
        board.chainBytes[0] as Uint8Array,
        board.chainBytes[1] as Uint8Array,
        chainBytes,
      ]);
      const e = catchErr(() => verifyBulletin(run.config, out.commitments, forged));
      expect((e as VerificationError).code).toBe('ngo.bulletin.signature');
      expect(e).not.toBeInstanceOf(NgoVerificationError);
      // Also through a party's own check of the board (which skips hops it already verified).
      const e2 = catchErr(() => run.parties[0]?.qualify(forged));
      expect((e2 as VerificationError).code).toBe('ngo.bulletin.signature');
      expect(e2).not.toBeInstanceOf(NgoVerificationError);
    });
  });
}
