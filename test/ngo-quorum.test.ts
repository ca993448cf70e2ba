import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIG_LABEL } from '../src/core/constants.js';
import { generateProof, verifyProof } from '../src/core/dleq.js';
import { DecodeError, VerificationError } from '../src/core/errors.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { generateSigningKeyPair, signStatement } from '../src/core/sign.js';
import { bytesToHex, compareBytes } from '../src/core/utils.js';
import {
  arbiterCheck,
  assembleBulletin,
  createQuorumRoster,
  hopDleqConfig,
  hopProofBinding,
  intersectContributions,
  mergeJurisdiction,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  type QuorumMessage,
  runIdFromNonces,
  runQuorumLocally,
  stageProducer,
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
  decodeNgoRunNonce,
  elementViews,
  encodeNgoChain,
  encodeNgoContribution,
  type NgoStage,
  stageStatement,
} from '../src/quorum/ngo-messages.js';
import { seededRng } from './helpers/rng.js';

const SLOW = !!process.env.QPSI_SLOW;
const WIDTH = 16;

/** An NGO before merging: its jurisdiction and list. */
interface Org {
  jurisdiction: string;
  items: Uint8Array[];
}

interface Quorum {
  config: QuorumConfig;
  parties: NgoParty[];
  signingKeys: Uint8Array[];
  trusted: TrustedNgo[];
  lists: Uint8Array[][]; // merged list per party
  runNonces: readonly Uint8Array[]; // step 0 messages of this run
}

/** Build one party per jurisdiction (merging organisations of the same jurisdiction). */
function buildQuorum(
  orgs: Org[],
  m: number,
  suite: Suite = ristretto255Sha512,
  seed = 'q',
): Quorum {
  const jurisdictions = [...new Set(orgs.map((o) => o.jurisdiction))];
  const lists = jurisdictions.map((j) =>
    mergeJurisdiction(
      orgs.filter((o) => o.jurisdiction === j).map((o) => o.items),
      WIDTH,
    ),
  );
  const keys = jurisdictions.map((j) => generateSigningKeyPair(seededRng(`${seed}/sig/${j}`)));
  const roster = createQuorumRoster({
    suite,
    deploymentId: new TextEncoder().encode(`deployment-${seed}`),
    m,
    itemWidth: WIDTH,
    members: jurisdictions.map((j, i) => ({
      jurisdiction: j,
      signingPublicKey: (keys[i] as { publicKey: Uint8Array }).publicKey,
    })),
  });
  const { config, runNonces } = startRunLocally(
    roster,
    keys.map((k) => k.secretKey),
    { rng: seededRng(`${seed}/run`) },
  );
  const parties = lists.map(
    (l, i) =>
      new NgoParty(
        config,
        i,
        (keys[i] as { secretKey: Uint8Array }).secretKey,
        l,
        seededRng(`${seed}/party/${i}`),
      ),
  );
  return {
    config,
    parties,
    signingKeys: keys.map((k) => k.secretKey),
    trusted: jurisdictions.map((j, i) => ({
      jurisdiction: j,
      signingPublicKey: (keys[i] as { publicKey: Uint8Array }).publicKey,
    })),
    lists,
    runNonces,
  };
}

/** Random lists over a shared pool, so items are held by 1..k jurisdictions. */
function plantedOrgs(jurisdictions: string[], perList: number, seed: string): Org[] {
  const rng = seededRng(`pool/${seed}`);
  const pool = Array.from({ length: perList * 2 }, () => rng(WIDTH));
  const pick = seededRng(`pick/${seed}`);
  return jurisdictions.map((j, idx) => {
    const items: Uint8Array[] = [];
    // Planted: the first few pool items are held by everyone, the next by every other party.
    for (let i = 0; i < 3; i++) items.push(pool[i] as Uint8Array);
    for (let i = 3; i < 6; i++) if (idx % 2 === 0) items.push(pool[i] as Uint8Array);
    while (items.length < perList) {
      const r = pick(2);
      const x = pool[(((r[0] as number) << 8) | (r[1] as number)) % pool.length] as Uint8Array;
      items.push(x);
    }
    items.push(rng(WIDTH)); // one private item per organisation
    return { jurisdiction: j, items };
  });
}

/** The builder's scope for a quorum's run: its deployment and run id. */
const scopeOf = (q: Quorum) => ({ deploymentId: q.config.deploymentId, runId: q.config.runId });

/** Brute force: items held by ≥ m distinct jurisdictions. */
function groundTruth(orgs: Org[], m: number): string[] {
  const holders = new Map<string, Set<string>>();
  for (const o of orgs) {
    for (const x of o.items) {
      const h = bytesToHex(x);
      if (!holders.has(h)) holders.set(h, new Set());
      holders.get(h)?.add(o.jurisdiction);
    }
  }
  return [...holders.entries()]
    .filter(([, s]) => s.size >= m)
    .map(([h]) => h)
    .sort();
}

const hexList = (xs: readonly Uint8Array[]) => xs.map(bytesToHex).sort();

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('NGO quorum: correctness', () => {
  const cases: { k: number; ms: number[]; suite: Suite }[] = [
    { k: 2, ms: [2], suite: ristretto255Sha512 },
    { k: 3, ms: [2, 3], suite: ristretto255Sha512 },
    { k: 3, ms: [2], suite: p256Sha256 },
    { k: 5, ms: [2, 3, 5], suite: ristretto255Sha512 },
  ];
  for (const { k, ms, suite } of cases) {
    for (const m of ms) {
      it(`intersection equals brute force (k = ${k}, m = ${m}, ${suite.shortName})`, () => {
        const js = Array.from({ length: k }, (_, i) => `J${i}`);
        const orgs = plantedOrgs(js, k === 5 ? 10 : 16, `${k}/${m}/${suite.shortName}`);
        const q = buildQuorum(orgs, m, suite, `c${k}${m}${suite.shortName}`);
        const run = runQuorumLocally(q.parties);
        const res = intersectContributions(run.contributions, q.trusted, m, scopeOf(q));
        const truth = groundTruth(orgs, m);
        expect(truth.length).toBeGreaterThan(0);
        expect(hexList(res.items)).toEqual(truth);
        expect(res.jurisdictions).toEqual(js);
      });
    }
  }

  it('two NGOs of one jurisdiction merge and count once', () => {
    const base = plantedOrgs(['DE', 'FR', 'US'], 12, 'merge');
    const extra = plantedOrgs(['DE'], 8, 'merge-de2'); // second German NGO
    const orgs = [...base, ...extra];
    // An item held only by the two German NGOs must not reach m = 2.
    const onlyDe = new Uint8Array(WIDTH).fill(0xde);
    (orgs[0] as Org).items.push(onlyDe);
    (orgs[3] as Org).items.push(onlyDe);
    for (const m of [2, 3]) {
      const q = buildQuorum(orgs, m, ristretto255Sha512, `merge${m}`);
      expect(q.parties.length).toBe(3);
      const run = runQuorumLocally(q.parties);
      const res = intersectContributions(run.contributions, q.trusted, m, scopeOf(q));
      expect(hexList(res.items)).toEqual(groundTruth(orgs, m));
      expect(hexList(res.items)).not.toContain(bytesToHex(onlyDe));
    }
  });

  it('a roster naming one jurisdiction twice is refused', () => {
    const a = generateSigningKeyPair(seededRng('a'));
    const b = generateSigningKeyPair(seededRng('b'));
    expect(() =>
      createQuorumRoster({
        suite: ristretto255Sha512,
        deploymentId: new Uint8Array(4),
        m: 2,
        itemWidth: WIDTH,
        members: [
          { jurisdiction: 'DE', signingPublicKey: a.publicKey },
          { jurisdiction: 'DE', signingPublicKey: b.publicKey },
        ],
      }),
    ).toThrow(/merge/);
  });
});

describe('NGO quorum: leakage', () => {
  const orgs = plantedOrgs(['A', 'B', 'C', 'D'], 16, 'leak');
  const q = buildQuorum(orgs, 3, ristretto255Sha512, 'leak');
  const run = runQuorumLocally(q.parties);
  const truth = new Set(groundTruth(orgs, 3));

  it('no transcript message carries a non-qualifying item in the clear', () => {
    const all = new Map<string, Uint8Array>();
    for (const l of q.lists) for (const x of l) all.set(bytesToHex(x), x);
    const nonQualifying = [...all.entries()].filter(([h]) => !truth.has(h)).map(([, x]) => x);
    expect(nonQualifying.length).toBeGreaterThan(10);
    expect(run.transcript.length).toBe(4 + 12 + 4 + 1 + 4); // commitments, hops, finals, board, contributions
    for (const msg of run.transcript) {
      for (const x of nonQualifying) expect(contains(msg.bytes, x)).toBe(false);
    }
    // Qualifying items appear in the clear only in contributions.
    for (const msg of run.transcript.filter((t) => t.step !== 'contribution')) {
      for (const h of truth) expect(contains(msg.bytes, all.get(h) as Uint8Array)).toBe(false);
    }
  });

  it("each party's output is exactly its documented leakage (own items × other lists holding them)", () => {
    q.parties.forEach((p, i) => {
      const expected = (q.lists[i] as Uint8Array[]).map((x) => ({
        item: bytesToHex(x),
        lists: q.lists
          .map((l, j) => (j !== i && l.some((y) => compareBytes(x, y) === 0) ? j : -1))
          .filter((j) => j >= 0),
      }));
      const got = p
        .itemHolders()
        .map((h) => ({ item: bytesToHex(h.item), lists: [...h.lists].sort() }));
      expect(got.sort((a, b) => a.item.localeCompare(b.item))).toEqual(
        expected.sort((a, b) => a.item.localeCompare(b.item)),
      );
      expect(hexList(run.qualified[i] as Uint8Array[])).toEqual(
        expected
          .filter((e) => e.lists.length >= 2)
          .map((e) => e.item)
          .sort(),
      );
    });
  });

  it('the builder receives only the signed contributions: Q_i ⊆ X_i, nothing else in the clear', () => {
    run.contributions.forEach((bytes, i) => {
      const c = decodeNgoContribution(bytes);
      expect(c.jurisdiction).toBe(q.config.members[i]?.jurisdiction);
      for (const x of c.items) expect(truth.has(bytesToHex(x))).toBe(true);
      expect(bytes.length).toBe(
        5 +
          32 +
          2 +
          1 +
          c.deploymentId.length +
          32 +
          2 +
          1 +
          1 +
          32 +
          32 +
          1 +
          4 +
          c.items.length * WIDTH +
          64,
      );
    });
  });
});

// ── Malicious hops ──────────────────────────────────────────────────────────────────────────

/**
 * Replace the last stage of a chain in transit by `make(prevPoints, lastStage)` and re-sign it
 * with the producer's own key (a malicious party, not a forger).
 */
function tamperLastStage(
  q: Quorum,
  bytes: Uint8Array,
  make: (
    prev: Element[],
    last: NgoStage,
    n: number,
  ) => { list: Uint8Array; proof: Uint8Array; n?: number },
): Uint8Array {
  const { suite, sessionDigest } = q.config;
  const chain = decodeNgoChain(bytes);
  const s = chain.stages.length;
  const producer = stageProducer(q.config, chain.owner, s - 1);
  const prev = decodeElementList(suite, (chain.stages[s - 2] as NgoStage).list, chain.n);
  const { list, proof, n = chain.n } = make(prev, chain.stages[s - 1] as NgoStage, chain.n);
  const Ne = suite.elementLength;
  const resize = (l: Uint8Array) => {
    const out = new Uint8Array(n * Ne);
    out.set(l.subarray(0, Math.min(l.length, n * Ne)));
    if (n * Ne > l.length) out.set(l.subarray(0, n * Ne - l.length), l.length);
    return out;
  };
  const stages: NgoStage[] = chain.stages
    .slice(0, s - 1)
    .map((st) => ({ ...st, list: resize(st.list) }));
  const body = stageStatement(sessionDigest, chain.owner, s - 1, producer, n, list, proof);
  stages.push({
    list,
    proof,
    signature: signStatement(q.signingKeys[producer] as Uint8Array, SIG_LABEL.ngoStage, body),
  });
  return encodeNgoChain(suite, sessionDigest, chain.owner, n, stages);
}

function expectCulprit(
  fn: () => unknown,
  cls: typeof NgoVerificationError | typeof NgoDecodeError,
  who: number,
  code?: string,
) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  expect((err as NgoVerificationError).culprit.index).toBe(who);
  if (code) expect((err as NgoVerificationError).code).toBe(code);
}

describe('NGO quorum: a tampered hop is caught with the culprit named', () => {
  const suite = ristretto255Sha512;
  const orgs = plantedOrgs(['A', 'B', 'C'], 12, 'evil');
  const MALICIOUS = 1; // party 1 produces stage 1 of list 0 and stage 2 of list 2
  const mkRun = (tamper: (msg: QuorumMessage, q: Quorum) => Uint8Array) => {
    const q = buildQuorum(orgs, 2, suite, 'evil');
    return () =>
      runQuorumLocally(q.parties, {
        intercept: (msg) =>
          msg.step === 'hop' && msg.from === MALICIOUS && msg.owner === 0
            ? tamper(msg, q)
            : msg.bytes,
      });
  };
  const randomScalarProof = (
    q: Quorum,
    owner: number,
    s: number,
    k: bigint,
    C: Element[],
    D: Element[],
  ) =>
    generateProof(
      suite,
      hopDleqConfig(q.config, owner, s),
      k,
      { A: suite.G, B: suite.mulBase(k), C, D },
      seededRng('p'),
    );
  const Ne = suite.elementLength;
  const encodeAll = (pts: Element[]) => {
    const out = new Uint8Array(pts.length * Ne);
    pts.forEach((P, i) => {
      out.set(suite.encode(P), i * Ne);
    });
    return out;
  };

  it('a hop that skips masking is caught by the next verifier', () => {
    const run = mkRun((msg, q) =>
      tamperLastStage(q, msg.bytes, (prev) => ({
        list: encodeAll(prev),
        proof: randomScalarProof(q, 0, 1, 1n, prev, prev),
      })),
    );
    expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.proof');
  });

  it('a hop that uses another key is caught by the next verifier', () => {
    const run = mkRun((msg, q) =>
      tamperLastStage(q, msg.bytes, (prev) => {
        const k2 = suite.randomScalar(seededRng('k2'));
        const out = prev.map((P) => suite.mul(P, k2));
        return { list: encodeAll(out), proof: randomScalarProof(q, 0, 1, k2, prev, out) };
      }),
    );
    expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.proof');
  });

  it('a hop that reorders elements is caught by the next verifier', () => {
    const run = mkRun((msg, q) =>
      tamperLastStage(q, msg.bytes, (_prev, last) => {
        const list = last.list.slice();
        list.set(last.list.subarray(0, Ne), Ne);
        list.set(last.list.subarray(Ne, 2 * Ne), 0);
        return { list, proof: last.proof as Uint8Array };
      }),
    );
    expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.proof');
  });

  it('a hop that replaces one element is caught by the next verifier', () => {
    const run = mkRun((msg, q) =>
      tamperLastStage(q, msg.bytes, (_prev, last) => {
        const list = last.list.slice();
        list.set(suite.encode(suite.hashToGroup(new Uint8Array(1), new Uint8Array(8))), 3 * Ne);
        return { list, proof: last.proof as Uint8Array };
      }),
    );
    expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.proof');
  });

  it('a hop that drops or adds elements is caught by the next verifier', () => {
    for (const delta of [-1, 1]) {
      const run = mkRun((msg, q) =>
        tamperLastStage(q, msg.bytes, (_prev, last, n) => {
          const list = new Uint8Array((n + delta) * Ne);
          list.set(last.list.subarray(0, Math.min(list.length, last.list.length)));
          if (delta > 0) list.set(last.list.subarray(0, Ne), n * Ne);
          return { list, proof: last.proof as Uint8Array, n: n + delta };
        }),
      );
      expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.length');
    }
  });

  it('a hop carrying an invalid point encoding is rejected with DecodeError naming the sender', () => {
    const run = mkRun((msg, q) =>
      tamperLastStage(q, msg.bytes, (_prev, last) => {
        const list = last.list.slice();
        list.fill(0xff, 2 * Ne, 3 * Ne); // non-canonical ristretto255 encoding
        return { list, proof: last.proof as Uint8Array };
      }),
    );
    expectCulprit(run, NgoDecodeError, MALICIOUS);
  });

  it('bytes altered in transit (stage signature) name the sender', () => {
    const run = mkRun((msg) => {
      const b = msg.bytes.slice();
      // Flip a bit inside stage 0 (signed by the owner, party 0): the sender forwarded a forgery.
      b[45 + 1] = (b[45 + 1] as number) ^ 1;
      return b;
    });
    expectCulprit(run, NgoVerificationError, MALICIOUS, 'ngo.hop.signature');
  });

  it('a tampered final hop is caught on the bulletin board, naming its producer', () => {
    // Party 1 produces the last stage (2) of list 2; nobody in the ring verifies it, the board does.
    const q = buildQuorum(orgs, 2, suite, 'evil');
    const run = () =>
      runQuorumLocally(q.parties, {
        intercept: (msg) =>
          msg.step === 'hop' && msg.owner === 2 && msg.to === -1
            ? tamperLastStage(q, msg.bytes, (prev) => ({
                list: encodeAll(prev),
                proof: randomScalarProof(q, 2, 2, 1n, prev, prev),
              }))
            : msg.bytes,
      });
    expectCulprit(run, NgoVerificationError, 1, 'ngo.hop.proof');
  });

  it('a proof replayed from another list or stage fails (binding to owner and stage)', () => {
    const q = buildQuorum(orgs, 2, suite, 'bind');
    const commitments = q.parties.map((p) => p.commit());
    for (const p of q.parties) p.receiveCommitments(commitments);
    const l0 = q.parties.map((p) => p.maskOwnList());
    const s1 = q.parties[1]?.processHop(l0[0] as Uint8Array, 0) as Uint8Array; // list 0 stage 1 by party 1
    const c = decodeNgoChain(s1);
    const C = decodeElementList(suite, (c.stages[0] as NgoStage).list, c.n);
    const D = decodeElementList(suite, (c.stages[1] as NgoStage).list, c.n);
    const K = decodeNgoCommitment(commitments[1] as Uint8Array).maskingKey;
    const st = {
      A: suite.G,
      B: K,
      C,
      D,
      Cbytes: elementViews((c.stages[0] as NgoStage).list, c.n, Ne),
    };
    const proof = (c.stages[1] as NgoStage).proof as Uint8Array;
    expect(verifyProofOk(q, 0, 1, st, proof)).toBe(true);
    expect(verifyProofOk(q, 1, 1, st, proof)).toBe(false);
    expect(verifyProofOk(q, 0, 2, st, proof)).toBe(false);
  });
});

function verifyProofOk(
  q: Quorum,
  owner: number,
  stage: number,
  st: { A: Element; B: Element; C: Element[]; D: Element[] },
  proof: Uint8Array,
): boolean {
  return verifyProof(
    q.config.suite,
    hopDleqConfig(q.config, owner, stage),
    { ...st, binding: hopProofBinding(q.config, owner, stage) },
    proof,
  );
}

// ── Contributions ───────────────────────────────────────────────────────────────────────────

describe('NGO quorum: contributions are authenticated', () => {
  const orgs = plantedOrgs(['A', 'B', 'C'], 10, 'contrib');
  const q = buildQuorum(orgs, 2, ristretto255Sha512, 'contrib');
  const run = runQuorumLocally(q.parties);
  const scope = scopeOf(q);
  const catchErr = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('expected an error');
  };

  it('a forged contribution signature is rejected without naming the NGO it claims', () => {
    const forged = (run.contributions[1] as Uint8Array).slice();
    forged[forged.length - 5] = (forged[forged.length - 5] as number) ^ 0x10;
    const e = catchErr(() =>
      intersectContributions([run.contributions[0] as Uint8Array, forged], q.trusted, 2, scope),
    );
    expect(e).toBeInstanceOf(VerificationError);
    expect(e).not.toBeInstanceOf(NgoVerificationError);
    expect((e as VerificationError).code).toBe('ngo.contribution.signature');
  });

  it('a missing (zeroed) signature is rejected without naming the NGO it claims', () => {
    const c = decodeNgoContribution(run.contributions[2] as Uint8Array);
    const zeroed = encodeNgoContribution({ ...c, signature: new Uint8Array(64) });
    const e = catchErr(() => intersectContributions([zeroed], q.trusted, 2, scope));
    expect((e as VerificationError).code).toBe('ngo.contribution.signature');
    expect(e).not.toBeInstanceOf(NgoVerificationError);
  });

  it('an added item (not covered by the signature) is rejected', () => {
    const c = decodeNgoContribution(run.contributions[0] as Uint8Array);
    const items = [...c.items, new Uint8Array(WIDTH).fill(0xff)].sort(compareBytes);
    const e = catchErr(() =>
      intersectContributions([encodeNgoContribution({ ...c, items })], q.trusted, 2, scope),
    );
    expect((e as NgoVerificationError).code).toBe('ngo.contribution.signature');
  });

  it('a contribution signed by a key outside the trust list is rejected', () => {
    const c = decodeNgoContribution(run.contributions[0] as Uint8Array);
    const rogue = generateSigningKeyPair(seededRng('rogue'));
    const { signature: _s, ...body } = { ...c, signingPublicKey: rogue.publicKey };
    const sig = signStatement(
      rogue.secretKey,
      SIG_LABEL.ngoContribution,
      contributionStatement(body),
    );
    const e = catchErr(() =>
      intersectContributions(
        [encodeNgoContribution({ ...body, signature: sig })],
        q.trusted,
        2,
        scope,
      ),
    );
    expect((e as NgoVerificationError).code).toBe('ngo.contribution.untrusted');
    // A trusted key claiming another jurisdiction is rejected too.
    const swapped = q.trusted.map((t) =>
      t.jurisdiction === 'A' ? { ...t, jurisdiction: 'Z' } : t,
    );
    const e2 = catchErr(() =>
      intersectContributions([run.contributions[0] as Uint8Array], swapped, 2, scope),
    );
    expect((e2 as NgoVerificationError).code).toBe('ngo.contribution.jurisdiction');
  });

  it('a duplicated jurisdiction, another rule m or another deployment is rejected', () => {
    const [a, b] = run.contributions as Uint8Array[];
    expect(
      (
        catchErr(() =>
          intersectContributions([a as Uint8Array, a as Uint8Array], q.trusted, 2, scope),
        ) as VerificationError
      ).code,
    ).toBe('ngo.contribution.duplicate');
    expect(
      (
        catchErr(() =>
          intersectContributions([a as Uint8Array, b as Uint8Array], q.trusted, 3, scope),
        ) as VerificationError
      ).code,
    ).toBe('ngo.contribution.mismatch');
    expect(
      (
        catchErr(() =>
          intersectContributions([a as Uint8Array], q.trusted, 2, {
            ...scope,
            deploymentId: new Uint8Array(3),
          }),
        ) as VerificationError
      ).code,
    ).toBe('ngo.contribution.scope');
  });

  it('a missing contribution only withdraws support (fewer items, never more)', () => {
    const all = intersectContributions(run.contributions, q.trusted, 2, scope).items.map(
      bytesToHex,
    );
    const two = intersectContributions(
      run.contributions.slice(0, 2),
      q.trusted,
      2,
      scope,
    ).items.map(bytesToHex);
    for (const h of two) expect(all).toContain(h);
    expect(two.length).toBeLessThan(all.length);
  });
});

// ── Decoders ────────────────────────────────────────────────────────────────────────────────

describe('NGO quorum: decoders reject malformed input with typed errors', () => {
  const orgs = plantedOrgs(['A', 'B', 'C'], 4, 'fuzz');
  const q = buildQuorum(orgs, 2, ristretto255Sha512, 'fuzz');
  const run = runQuorumLocally(q.parties);
  const hop = run.transcript.find(
    (t) => t.step === 'hop' && t.to === 2 && t.owner === 0,
  ) as QuorumMessage;
  // A fresh receiver for hop messages: same keys, state before processing.
  const fresh = buildQuorum(orgs, 2, ristretto255Sha512, 'fuzz');
  const freshCommitments = fresh.parties.map((p) => p.commit());
  for (const p of fresh.parties) p.receiveCommitments(freshCommitments);
  const f0 = fresh.parties[0]?.maskOwnList() as Uint8Array;
  const f1 = fresh.parties[1]?.processHop(f0, 0) as Uint8Array;
  const receiver = fresh.parties[2] as NgoParty;

  const targets: { name: string; bytes: Uint8Array; check: (b: Uint8Array) => unknown }[] = [
    {
      name: 'ngoCommitment',
      bytes: run.commitments[0] as Uint8Array,
      check: (b) => verifyCommitments(q.config, [b, ...run.commitments.slice(1)]),
    },
    { name: 'ngoMaskedList', bytes: f1, check: (b) => receiver.processHop(b, 1) },
    {
      name: 'ngoBulletin',
      bytes: run.bulletin,
      check: (b) => verifyBulletin(q.config, run.commitments, b),
    },
    {
      name: 'ngoContribution',
      bytes: run.contributions[0] as Uint8Array,
      check: (b) => intersectContributions([b], q.trusted, 2, scopeOf(q)),
    },
    {
      name: 'ngoRunNonce',
      bytes: q.runNonces[1] as Uint8Array,
      check: (b) =>
        runIdFromNonces(q.config, [q.runNonces[0] as Uint8Array, b, q.runNonces[2] as Uint8Array]),
    },
    {
      name: 'ngoOpening',
      bytes: (q.parties[1] as NgoParty).opening(),
      // The arbiter never throws for bad data; its refusal is surfaced as a VerificationError here.
      check: (b) => {
        const v = arbiterCheck(q.config, {
          commitment: run.commitments[1] as Uint8Array,
          bulletin: run.bulletin,
          opening: b,
        });
        if (!v.ok) throw new VerificationError(v.code, v.reason);
      },
    },
  ];
  expect(hop).toBeDefined();

  for (const t of targets) {
    it(`${t.name}: the untouched message is accepted`, () => {
      expect(() => t.check(t.bytes)).not.toThrow();
    });

    it(`${t.name}: every truncation is a DecodeError; every bit flip a DecodeError or VerificationError`, () => {
      const decoders: Record<string, (b: Uint8Array) => unknown> = {
        ngoCommitment: decodeNgoCommitment,
        ngoMaskedList: decodeNgoChain,
        ngoBulletin: decodeNgoBulletin,
        ngoContribution: decodeNgoContribution,
        ngoRunNonce: decodeNgoRunNonce,
        ngoOpening: decodeNgoOpening,
      };
      const decode = decoders[t.name] as (b: Uint8Array) => unknown;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: t.bytes.length - 1 }), (cut) => {
          expect(() => decode(t.bytes.subarray(0, cut))).toThrow(DecodeError);
        }),
        { numRuns: SLOW ? 1000 : 100 },
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: t.bytes.length * 8 - 1 }), (bit) => {
          const b = t.bytes.slice();
          b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
          let err: unknown;
          try {
            t.check(b);
          } catch (e) {
            err = e;
          }
          expect(err instanceof DecodeError || err instanceof VerificationError).toBe(true);
        }),
        { numRuns: SLOW ? 1000 : t.name === 'ngoBulletin' ? 40 : 150 },
      );
      // Trailing bytes are rejected.
      const longer = new Uint8Array(t.bytes.length + 1);
      longer.set(t.bytes);
      expect(() => decode(longer)).toThrow(DecodeError);
    });
  }

  it('assembleBulletin refuses incomplete or repeated chains', () => {
    const finals = run.transcript
      .filter((t) => t.step === 'hop' && t.to === -1)
      .map((t) => t.bytes);
    expect(() => assembleBulletin(q.config, finals)).not.toThrow();
    expect(() =>
      assembleBulletin(q.config, [
        finals[0] as Uint8Array,
        finals[0] as Uint8Array,
        finals[1] as Uint8Array,
      ]),
    ).toThrow();
    expect(() =>
      assembleBulletin(q.config, [hop.bytes, finals[1] as Uint8Array, finals[2] as Uint8Array]),
    ).toThrow();
  });
});
