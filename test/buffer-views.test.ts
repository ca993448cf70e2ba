/**
 * SPEC v2 safeguards, defect 10: "inputs are aliased, not copied". Node's `Buffer`s are views onto
 * a shared pool, and `Buffer.prototype.slice` returns another VIEW, so a library that keeps
 * `x.slice()` of a caller's Buffer keeps the caller's memory. Every public function of the
 * audit, manifest, builder, public-data, NGO, DLEQ, signature, Merkle, table, group, Shamir,
 * Feldman, DHF, field and symmetric modules that takes bytes is called here twice: once with
 * plain `Uint8Array`s, once with every byte argument a view at its own non-zero offset inside one
 * pooled `Buffer` (and, where it takes an `rng`, with an rng that hands out views of one reused
 * buffer). Each test asserts that
 *   (i) the two calls give the same result (compared byte for byte, objects re-encoded);
 *   (ii) the call wrote nothing into the caller's buffers; and
 *   (iii) after the call, overwriting the whole pool with random bytes (the caller reusing its
 *        buffers) changes nothing the call returned or any object it built.
 * Stateful objects (`NgoParty`, the `ClientDatabase` of `acceptDatabase`, the cell hasher cache,
 * `Suite.scalarHasher`, `MerkleTreeHasher`) are driven further after the overwrite and must
 * behave exactly as their plain-array twins.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compositeWeights, dleqConfig, generateProof, verifyProof } from '../src/core/dleq.js';
import { F_ELL, fieldElementsFromSeed, primeField, scalarField } from '../src/core/field.js';
import { p256Sha256, ristretto255Sha512, SUITES, type Suite } from '../src/core/group.js';
import {
  generateSigningKeyPair,
  signingPublicKey,
  signStatement,
  statementMessage,
  verifyStatement,
} from '../src/core/sign.js';
import {
  kdf,
  openRandomNonce,
  openSingleUse,
  prf,
  sealRandomNonce,
  sealSingleUse,
} from '../src/core/symmetric.js';
import { bytesToHex, type Rng } from '../src/core/utils.js';
import {
  type AuditPolicy,
  type AuditVerdict,
  auditDatabase,
  decodeAuditBundle,
  encodeAuditBundle,
  itemsDigest,
  manifestBodyFor,
} from '../src/database/audit.js';
import {
  auditProofBinding,
  type BuiltDatabase,
  buildDatabase,
  canonicalItems,
  hashFiller,
  hashItem,
} from '../src/database/builder.js';
import {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  signingJurisdictions,
  signManifest,
} from '../src/database/manifest.js';
import {
  inclusionProof,
  leafHash,
  MerkleTreeHasher,
  merkleRoot,
  nodeHash,
  rootFromInclusionProof,
  verifyInclusion,
} from '../src/database/merkle.js';
import {
  computeRoot,
  databaseId,
  decodeHeader,
  encodeHeader,
  rateToU32,
  splitPublicData,
} from '../src/database/pdata.js';
import { cellHash, cellPositions, layoutTable } from '../src/database/table.js';
import {
  arbiterCheck,
  assembleBulletin,
  createQuorumConfig,
  createQuorumRoster,
  createRunNonce,
  intersectContributions,
  mergeJurisdiction,
  NgoParty,
  type QuorumConfig,
  type QuorumRosterOptions,
  runIdFromNonces,
  verifyBulletin,
  verifyCommitments,
} from '../src/quorum/ngo.js';
import {
  decodeNgoBulletin,
  decodeNgoChain,
  decodeNgoCommitment,
  decodeNgoContribution,
  decodeNgoOpening,
  decodeNgoRunNonce,
} from '../src/quorum/ngo-messages.js';
import {
  decodeDhfValue,
  dhfEvaluate,
  dhfKeyFromSeed,
  dhfRandomValue,
  dhfValueFromBytes,
  dhfXFromBytes,
  encodeDhfValue,
} from '../src/threshold/dhf.js';
import {
  combineVerified,
  decodeCommitments,
  encodeCommitments,
  commit as feldmanCommit,
} from '../src/threshold/feldman.js';
import {
  decodeShare,
  polynomialFromSeed,
  shareXFromBytes,
  split,
} from '../src/threshold/shamir.js';
import { ClientAccount, type ClientDatabase, createVoucher } from '../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { BufferPool, id, payloadFor, TEST_REVIEWER_KEY } from './helpers/protocol.js';
import { hash16, lenientPolicy } from './helpers/quorum.js';
import { seededRng, xorshiftRng } from './helpers/rng.js';

const te = new TextEncoder();
let scrambles = 0;

/** Overwrite every byte of the pool with fresh pseudo-random bytes (the caller reusing it). */
function scramble(pool: BufferPool): void {
  pool.pool.set(xorshiftRng(0x9e3779b9 + scrambles++)(pool.pool.length));
}

/**
 * An rng that returns the bytes of `inner` in views of ONE reused pooled buffer (a pooled
 * generator); `scribble()` overwrites that buffer without consuming `inner`.
 */
function reusedRng(inner: Rng): Rng & { scribble(): void } {
  const buf = Buffer.allocUnsafe(1 << 14);
  const rng = (n: number) => {
    const v = buf.subarray(11, 11 + n);
    v.set(inner(n));
    return v;
  };
  return Object.assign(rng, {
    scribble: () => buf.set(xorshiftRng(0x51ed + scrambles++)(buf.length)),
  });
}

const isSuite = (x: unknown): boolean => SUITES.includes(x as Suite);

/**
 * `x` with every `Uint8Array` in it (inside arrays and plain objects) replaced by a view of the
 * pool holding the same bytes, each at its own offset. Suites, points and functions are kept.
 */
function deepView<T>(pool: BufferPool, x: T): T {
  if (x instanceof Uint8Array) {
    const v = pool.view(x);
    expect(Buffer.isBuffer(v) && v.byteOffset > 0).toBe(true);
    return v as unknown as T;
  }
  if (Array.isArray(x)) return x.map((e) => deepView(pool, e)) as unknown as T;
  if (x !== null && typeof x === 'object' && !isSuite(x)) {
    if (Object.getPrototypeOf(x) !== Object.prototype) return x;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, deepView(pool, v)])) as T;
  }
  return x;
}

/** A comparable picture of a value: bytes as hex, points encoded, bigints as strings. */
function snap(x: unknown): unknown {
  if (x instanceof Uint8Array) return `bytes:${bytesToHex(x)}`;
  if (typeof x === 'bigint') return `${x}n`;
  if (x instanceof BigUint64Array || x instanceof Int32Array || x instanceof Uint32Array)
    return Array.from(x, String);
  if (isSuite(x)) return `suite:${(x as Suite).name}`;
  if (typeof x === 'function') return 'fn';
  if (Array.isArray(x)) return x.map(snap);
  if (x instanceof Set) return [...x].map(snap).sort();
  if (x !== null && typeof x === 'object') {
    const p = x as { toBytes?: () => Uint8Array; is0?: () => boolean };
    if (typeof p.is0 === 'function' && typeof p.toBytes === 'function')
      return `point:${bytesToHex(p.toBytes())}`;
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, snap(v)]));
  }
  return x;
}

/**
 * Call `fn` with the plain `args` and a seeded rng, then with pooled views of every byte array in
 * `args` and the same rng stream handed out in views of one reused buffer. Asserts (i) equal
 * results, (ii) untouched inputs, (iii) results unchanged after the pool and the rng buffer are
 * overwritten. Returns both results and the pool.
 */
function viewCheck<A extends unknown[], R>(
  what: string,
  fn: (rng: Rng, ...args: A) => R,
  args: [...A],
  seed = `rng-${what}`,
): { plain: R; viewed: R; vargs: A; pool: BufferPool } {
  const before = snap(args);
  const plain = fn(seededRng(seed), ...(args as A));
  expect(snap(args), `${what}: the plain call wrote into its inputs`).toEqual(before);
  const want = snap(plain);
  const pool = new BufferPool();
  const vargs = deepView(pool, args) as A;
  const rng = reusedRng(seededRng(seed));
  const viewed = fn(rng, ...vargs);
  expect(snap(viewed), `${what}: views give another result than plain arrays`).toEqual(want);
  expect(snap(vargs), `${what}: the call wrote into the caller's Buffer`).toEqual(before);
  scramble(pool);
  rng.scribble(); // the rng's buffer is reused too
  expect(snap(viewed), `${what}: overwriting the caller's buffers changed the result`).toEqual(
    want,
  );
  return { plain, viewed, vargs, pool };
}

// ── A small NGO quorum, a database built from its contributions, audited and signed ─────────

const JURISDICTIONS = ['UK', 'CA', 'NL'];
const M = 2;
const lists = (() => {
  const all = Array.from({ length: 6 }, (_, i) => hash16('all', i));
  const ab = Array.from({ length: 3 }, (_, i) => hash16('ab', i));
  const own = (t: string, n: number) => Array.from({ length: n }, (_, i) => hash16(t, i));
  return [
    [...all, ...ab, ...own('a', 2)],
    [...ab, ...all, ...own('b', 1), all[0] as Uint8Array], // unsorted, with a duplicate
    [...all, ...own('c', 4)],
  ];
})();

/** How a run passes bytes: plain, or as pooled views overwritten after every call. */
interface Io {
  arg<T>(x: T): T;
  /** After a call: the caller reuses every buffer it handed over. */
  after(): void;
  /** The caller reuses a buffer the library returned to it. */
  reuse(b: Uint8Array): void;
  rng(i: number): Rng;
}

const plainIo = (tag: string): Io => ({
  arg: (x) => x,
  after: () => {},
  reuse: () => {},
  rng: (i) => seededRng(`${tag}-${i}`),
});

function viewIo(tag: string): Io {
  const pool = new BufferPool();
  const rngs: ReturnType<typeof reusedRng>[] = [];
  return {
    arg: (x) => deepView(pool, x),
    after: () => {
      scramble(pool);
      for (const r of rngs) r.scribble();
    },
    reuse: (b) => b.fill(0xee),
    rng: (i) => {
      const r = reusedRng(seededRng(`${tag}-${i}`));
      rngs.push(r);
      return r;
    },
  };
}

function rosterSetup(suite: Suite) {
  const rng = seededRng(`buffer-views-keys-${suite.shortName}`);
  const keys = JURISDICTIONS.map(() => generateSigningKeyPair(rng));
  const rosterOpts: QuorumRosterOptions = {
    suite,
    deploymentId: te.encode(`buffer-views-${suite.shortName}`),
    m: M,
    itemWidth: 16,
    members: JURISDICTIONS.map((j, i) => ({
      jurisdiction: j,
      signingPublicKey: (keys[i] as { publicKey: Uint8Array }).publicKey,
    })),
  };
  return { keys, rosterOpts, sks: keys.map((k) => k.secretKey) };
}

/** SPEC v2 §3 step 0 through `io`: roster, signed run nonces, run id, configuration. */
function startRun(suite: Suite, io: Io) {
  const { rosterOpts, sks } = rosterSetup(suite);
  const roster = createQuorumRoster(io.arg(rosterOpts));
  io.after();
  const drawn = sks.map((sk, i) => {
    const d = createRunNonce(roster, i, io.arg(sk), io.rng(100 + i));
    io.after();
    return d;
  });
  const messages = drawn.map((d) => Uint8Array.from(d.message));
  const runIds = drawn.map((d, i) => {
    const r = runIdFromNonces(roster, io.arg(messages), { index: i, nonce: io.arg(d.nonce) });
    io.after();
    return r;
  });
  const config = createQuorumConfig(io.arg({ ...rosterOpts, runId: runIds[0] as Uint8Array }));
  io.after();
  return { roster, drawn, runIds, config };
}

/** The quorum protocol among three local parties, every message passing through `io`. */
function runParties(config: QuorumConfig, io: Io) {
  const { sks } = rosterSetup(config.suite);
  const k = JURISDICTIONS.length;
  const parties = lists.map(
    (items, i) => new NgoParty(config, i, io.arg(sks[i] as Uint8Array), io.arg(items), io.rng(i)),
  );
  io.after();
  const commitments = parties.map((p) => {
    const c = p.commit();
    const sent = Uint8Array.from(c);
    io.reuse(c);
    return sent;
  });
  for (const p of parties) {
    p.receiveCommitments(io.arg(commitments));
    io.after();
  }
  let inflight = parties.map((p) => p.maskOwnList());
  const hops: Uint8Array[] = [...inflight];
  for (let r = 1; r < k; r++) {
    inflight = inflight.map((bytes, owner) => {
      const out = (parties[(owner + r) % k] as NgoParty).processHop(
        io.arg(bytes),
        (owner + r - 1) % k,
      );
      io.after();
      return out;
    });
    hops.push(...inflight);
  }
  const bulletin = assembleBulletin(config, io.arg(inflight));
  io.after();
  const qualified = parties.map((p) => {
    const q = p.qualify(io.arg(bulletin));
    io.after();
    const kept = q.map((x) => Uint8Array.from(x));
    for (const x of q) io.reuse(x);
    return kept;
  });
  const opened = parties.map((p) => {
    const o = p.commitmentOpening();
    const kept = { items: o.items.map((x) => Uint8Array.from(x)), salt: Uint8Array.from(o.salt) };
    for (const x of o.items) io.reuse(x);
    for (const h of p.itemHolders()) io.reuse(h.item);
    return kept;
  });
  return {
    commitments,
    hops,
    bulletin,
    qualified,
    opened,
    contributions: parties.map((p) => p.contribute()),
    openings: parties.map((p) => p.opening()),
    holders: parties.map((p) => p.itemHolders()),
    parties,
  };
}

function world(suite: Suite) {
  const { keys, rosterOpts } = rosterSetup(suite);
  const { config } = startRun(suite, plainIo(`run-${suite.shortName}`));
  const run = runParties(config, plainIo(`party-${suite.shortName}`));
  const trust = JURISDICTIONS.map((j, i) => ({
    name: `NGO-${j}`,
    jurisdiction: j,
    signingPublicKey: (keys[i] as { publicKey: Uint8Array }).publicKey,
  }));
  const scope = { deploymentId: rosterOpts.deploymentId, runId: config.runId };
  const qualifiedItems = (c: readonly Uint8Array[]) =>
    intersectContributions(c, trust, M, scope).items;
  const items = qualifiedItems(run.contributions);
  const built = buildDatabase(items, {
    suite,
    rng: seededRng(`build-${suite.shortName}`),
    params: {
      threshold: 3,
      sMax: 2,
      syntheticRate32: rateToU32(0.5),
      payloadSize: 16,
      reviewerKeys: [TEST_REVIEWER_KEY],
    },
    contributions: run.contributions,
    runId: config.runId,
  });
  const bundle = encodeAuditBundle(built, { version: 1 });
  const policy: AuditPolicy = lenientPolicy(scope, [TEST_REVIEWER_KEY]);
  const verdict = auditDatabase(built.publicData, bundle, {
    claimedRoot: built.root,
    qualifiedItems,
    policy,
  });
  if (!verdict.ok) throw new Error(`world: audit failed: ${verdict.reason}`);
  const validity = { notBefore: 1000, notAfter: 2000 };
  const body = manifestBodyFor(built.publicData, verdict, validity);
  const bodyBytes = encodeManifestBody(body);
  const signatures = keys
    .slice(0, 2)
    .map((kp) => ({ publicKey: kp.publicKey, signature: signManifest(kp.secretKey, bodyBytes) }));
  const manifest = encodeManifest(bodyBytes, signatures);
  return {
    suite,
    keys,
    rosterOpts,
    config,
    run,
    trust,
    scope,
    qualifiedItems,
    items,
    built,
    bundle,
    policy,
    verdict,
    validity,
    body,
    bodyBytes,
    signatures,
    manifest,
  };
}

describe.each([ristretto255Sha512, p256Sha256])('buffer views on $name', (suite) => {
  let w: ReturnType<typeof world>;
  let built: BuiltDatabase;
  beforeAll(() => {
    w = world(suite);
    built = w.built;
  });

  it('buildDatabase, canonicalItems, hashItem, hashFiller, auditProofBinding: item, reviewer-key and contribution views and a reusing rng give the plain database; overwriting them afterwards changes nothing it returned', () => {
    const items = Array.from({ length: 20 }, (_, i) => hash16('db', 19 - i));
    const params = {
      threshold: 3,
      sMax: 2,
      syntheticRate32: rateToU32(0.25),
      payloadSize: 16,
      reviewerKeys: [TEST_REVIEWER_KEY, new Uint8Array(32).fill(3)],
    };
    viewCheck(
      'buildDatabase',
      (rng, its, p, contributions, runId) =>
        buildDatabase(its, { suite, rng, params: p, contributions, runId }),
      [items, params, w.run.contributions, w.config.runId],
    );
    viewCheck('canonicalItems', (_r, its) => canonicalItems(its), [items]);
    viewCheck('hashItem', (_r, x) => hashItem(suite, x), [items[0] as Uint8Array]);
    viewCheck('hashFiller', (_r, s) => hashFiller(suite, s, 7), [built.audit.fillerSeed]);
    viewCheck('auditProofBinding', (_r, h, r, s) => auditProofBinding(h, r, s), [
      splitPublicData(built.publicData).headerBytes,
      built.root,
      built.audit.fillerSeed,
    ]);
  });

  it('encodeAuditBundle, decodeAuditBundle, itemsDigest: views give the plain bundle; the decoded bundle keeps copies', () => {
    viewCheck('encodeAuditBundle', (_r, db) => encodeAuditBundle(db, { version: 1 }), [
      { ...built, audit: { ...built.audit } } as BuiltDatabase,
    ]);
    const { viewed } = viewCheck('decodeAuditBundle', (_r, b) => decodeAuditBundle(b), [w.bundle]);
    const again = { ...built, databaseId: viewed.databaseId, audit: { ...built.audit, ...viewed } };
    expect(encodeAuditBundle(again, viewed)).toEqual(w.bundle);
    viewCheck('itemsDigest', (_r, its) => itemsDigest(its), [w.items]);
  });

  it('auditDatabase: views of pdata, bundle, claimed root and policy give the plain verdict, also when the caller overwrites them during the audit (from its qualifiedItems callback)', () => {
    const audit = (
      pdata: Uint8Array,
      bundle: Uint8Array,
      claimedRoot: Uint8Array,
      policy: AuditPolicy,
    ) => auditDatabase(pdata, bundle, { claimedRoot, qualifiedItems: w.qualifiedItems, policy });
    viewCheck('auditDatabase', (_r, ...a) => audit(...a), [
      built.publicData,
      w.bundle,
      built.root,
      w.policy,
    ]);
    // Check-then-use: the callback runs after the header, bundle and policy were checked and
    // before the cells, proof, root and policy bounds are used.
    const pool = new BufferPool();
    const [pdata, bundle, claimedRoot, policy] = deepView(pool, [
      built.publicData,
      w.bundle,
      built.root,
      w.policy,
    ] as const);
    const verdict = auditDatabase(pdata, bundle, {
      claimedRoot,
      policy,
      qualifiedItems: (c) => {
        const q = w.qualifiedItems(c);
        scramble(pool);
        return q;
      },
    });
    expect(snap(verdict)).toEqual(snap(w.verdict));
  });

  it('manifestBodyFor, encodeManifestBody, signManifest, encodeManifest, decodeManifest, signingJurisdictions: views give the plain manifest; what they return keeps copies', () => {
    const { viewed: body } = viewCheck(
      'manifestBodyFor',
      (_r, pdata, verdict) =>
        manifestBodyFor(pdata, verdict as Extract<AuditVerdict, { ok: true }>, w.validity),
      [built.publicData, w.verdict],
    );
    expect(encodeManifestBody(body)).toEqual(w.bodyBytes);
    viewCheck('encodeManifestBody', (_r, b) => encodeManifestBody(b), [w.body]);
    viewCheck('signManifest', (_r, sk, b) => signManifest(sk, b), [
      (w.keys[0] as { secretKey: Uint8Array }).secretKey,
      w.bodyBytes,
    ]);
    viewCheck('encodeManifest', (_r, b, s) => encodeManifest(b, s), [w.bodyBytes, w.signatures]);
    const { viewed: m } = viewCheck('decodeManifest', (_r, b) => decodeManifest(b), [w.manifest]);
    expect(encodeManifest(m.bodyBytes, m.signatures)).toEqual(w.manifest);
    const { viewed: js } = viewCheck(
      'signingJurisdictions',
      (_r, man, trust) => signingJurisdictions(man, trust),
      [decodeManifest(w.manifest), w.trust],
    );
    expect([...js].sort()).toEqual(['CA', 'UK']);
  });

  it('acceptDatabase: views of pdata, manifest, trust list and deployment id give the plain database; after they are overwritten its cells decode as before and its vouchers match', () => {
    const accept = (
      pdata: Uint8Array,
      manifest: Uint8Array,
      trust: typeof w.trust,
      dep: Uint8Array,
    ) =>
      acceptDatabase(pdata, manifest, { trust, m: M, deploymentId: dep, minVersion: 0, now: 1500 });
    const args = [built.publicData, w.manifest, w.trust, w.rosterOpts.deploymentId] as const;
    const plain = accept(...args);
    const pool = new BufferPool();
    const viewed = accept(...deepView(pool, args));
    const picture = (db: ClientDatabase) => ({
      root: snap(db.root),
      id: snap(db.databaseId),
      accepted: snap(db.accepted),
      header: snap(db.header),
    });
    expect(picture(viewed)).toEqual(picture(plain));
    scramble(pool);
    expect(picture(viewed)).toEqual(picture(plain));
    expect(() => viewed.decodeAll()).not.toThrow();
    const size = viewed.header.table.size;
    for (let j = 0; j < size; j++) {
      expect(suite.encode(viewed.cell(j))).toEqual(suite.encode(plain.cell(j)));
    }
    const serverDb = ServerDatabase.fromBuild(built);
    const registry = new DatabaseRegistry().add(serverDb);
    const server = new ServerAccount({ database: serverDb });
    const seed = new Uint8Array(32).fill(42);
    const a = ClientAccount.fromSeed(seed, { database: plain });
    const b = ClientAccount.fromSeed(seed, { database: viewed });
    const dropped = new Set(built.dropped.map(bytesToHex));
    const placed = w.items.filter((x) => !dropped.has(bytesToHex(x)));
    for (let i = 0; i < 3; i++) {
      const input = { item: placed[i] as Uint8Array, id: id(i), payload: payloadFor(i) };
      const va = createVoucher(a, plain, input, seededRng(`v${i}`));
      const vb = createVoucher(b, viewed, input, seededRng(`v${i}`));
      expect(vb).toEqual(va);
      expect(server.ingest(vb, registry).kind).toBe('match');
    }
  });

  it('decodeHeader, splitPublicData, computeRoot, databaseId, encodeHeader: views give the plain result; the returned header bytes, cells and ids are copies', () => {
    viewCheck('decodeHeader', (_r, p) => decodeHeader(p), [built.publicData]);
    const { viewed } = viewCheck('splitPublicData', (_r, p) => splitPublicData(p), [
      built.publicData,
    ]);
    expect(computeRoot(viewed.headerBytes, viewed.cells)).toEqual(built.root);
    const parts = splitPublicData(built.publicData);
    viewCheck('computeRoot', (_r, h, c) => computeRoot(h, c), [parts.headerBytes, parts.cells]);
    viewCheck('databaseId', (_r, r) => databaseId(r), [built.root]);
    const { header } = parts;
    viewCheck('encodeHeader', (_r, params, table, L) => encodeHeader(suite, params, table, L), [
      { ...header.params, reviewerKeys: [...header.params.reviewerKeys] },
      { ...header.table, nonces: [...header.table.nonces] as [Uint8Array, Uint8Array, Uint8Array] },
      header.Lbytes,
    ]);
  });

  it('createQuorumRoster, createRunNonce, runIdFromNonces, createQuorumConfig: views and a reusing rng give the plain roster, nonces, run id and configuration; overwriting them afterwards changes none of them', () => {
    const plain = startRun(suite, plainIo(`cfg-${suite.shortName}`));
    const viewed = startRun(suite, viewIo(`cfg-${suite.shortName}`));
    expect(snap(viewed)).toEqual(snap(plain));
    expect(new Set(viewed.runIds.map(bytesToHex)).size).toBe(1);
  });

  it('NgoParty: items, signing key, commitments, hop messages and the bulletin as views (overwritten after every call), a reusing rng, and the caller reusing what commit(), qualify(), commitmentOpening() and itemHolders() returned: every message and outcome equals the plain run', () => {
    const tag = `ngo-${suite.shortName}`;
    const plain = runParties(w.config, plainIo(tag));
    const viewed = runParties(w.config, viewIo(tag));
    const { parties: _p, ...a } = plain;
    const { parties: _v, ...b } = viewed;
    expect(snap(b)).toEqual(snap(a));
    // Every party's opening convinces the arbiter, from the viewed run as from the plain one.
    for (let i = 0; i < JURISDICTIONS.length; i++) {
      const evidence = {
        commitment: viewed.commitments[i] as Uint8Array,
        bulletin: viewed.bulletin,
        opening: viewed.openings[i] as Uint8Array,
        contribution: viewed.contributions[i] as Uint8Array,
      };
      expect(arbiterCheck(w.config, evidence).ok).toBe(true);
    }
  });

  it('intersectContributions, mergeJurisdiction, verifyCommitments, verifyBulletin, arbiterCheck: views give the plain result; what they return keeps copies', () => {
    viewCheck(
      'intersectContributions',
      (_r, c, trust, scope) => intersectContributions(c, trust, M, scope),
      [w.run.contributions, w.trust, w.scope],
    );
    viewCheck('mergeJurisdiction', (_r, ls) => mergeJurisdiction(ls, 16), [lists]);
    viewCheck('verifyCommitments', (_r, c) => verifyCommitments(w.config, c), [w.run.commitments]);
    viewCheck('verifyBulletin', (_r, c, b) => verifyBulletin(w.config, c, b), [
      w.run.commitments,
      w.run.bulletin,
    ]);
    for (let i = 0; i < JURISDICTIONS.length; i++) {
      const { viewed } = viewCheck(`arbiterCheck ${i}`, (_r, e) => arbiterCheck(w.config, e), [
        {
          commitment: w.run.commitments[i] as Uint8Array,
          stage0: w.run.hops[i] as Uint8Array,
          opening: w.run.openings[i] as Uint8Array,
          contribution: w.run.contributions[i] as Uint8Array,
        },
      ]);
      expect(viewed.ok).toBe(true);
    }
  });

  it('decodeNgoCommitment, decodeNgoChain, decodeNgoBulletin, decodeNgoContribution, decodeNgoOpening, decodeNgoRunNonce: a decoded message keeps no view of the caller’s bytes', () => {
    const { drawn } = startRun(suite, plainIo(`dec-${suite.shortName}`));
    viewCheck('decodeNgoCommitment', (_r, b) => decodeNgoCommitment(b), [
      w.run.commitments[1] as Uint8Array,
    ]);
    viewCheck('decodeNgoChain', (_r, b) => decodeNgoChain(b), [w.run.hops[4] as Uint8Array]);
    viewCheck('decodeNgoBulletin', (_r, b) => decodeNgoBulletin(b), [w.run.bulletin]);
    viewCheck('decodeNgoContribution', (_r, b) => decodeNgoContribution(b), [
      w.run.contributions[0] as Uint8Array,
    ]);
    viewCheck('decodeNgoOpening', (_r, b) => decodeNgoOpening(b), [
      w.run.openings[2] as Uint8Array,
    ]);
    viewCheck('decodeNgoRunNonce', (_r, b) => decodeNgoRunNonce(b), [
      (drawn[1] as { message: Uint8Array }).message,
    ]);
  });

  it('generateProof, verifyProof, compositeWeights: views of the configuration, encodings, binding and proof give the plain proof, verdict and weights', () => {
    const k = suite.randomScalar(seededRng('dleq-k'));
    const C = Array.from({ length: 5 }, (_, i) => hashItem(suite, hash16('dleq', i)));
    const D = C.map((P) => suite.mul(P, k));
    const st = {
      A: suite.G,
      B: suite.mulBase(k),
      C,
      D,
      Cbytes: C.map((P) => suite.encode(P)),
      Dbytes: D.map((P) => suite.encode(P)),
      binding: te.encode('buffer-views binding'),
    };
    const cfg = dleqConfig(suite, 'dleq-test');
    const { plain: proof } = viewCheck(
      'generateProof',
      (rng, c, s) => generateProof(suite, c, k, s, rng),
      [cfg, st],
    );
    const { viewed: ok } = viewCheck('verifyProof', (_r, c, s, p) => verifyProof(suite, c, s, p), [
      cfg,
      st,
      proof,
    ]);
    expect(ok).toBe(true);
    viewCheck(
      'compositeWeights',
      (_r, c, Bm, Cb, Db, b) => compositeWeights(suite, c, Bm, Cb, Db, b),
      [cfg, suite.encode(st.B), st.Cbytes, st.Dbytes, st.binding],
    );
  });

  it('Suite.decode, decodeScalar, hashToGroup, hashToScalar, scalarHasher, randomScalar: views give the plain element or scalar; a prepared hasher keeps its own DST', () => {
    const P = hashItem(suite, hash16('group', 1));
    viewCheck('Suite.decode', (_r, b) => suite.decode(b), [suite.encode(P)]);
    viewCheck('Suite.decodeScalar', (_r, b) => suite.decodeScalar(b), [
      suite.encodeScalar(123456789n),
    ]);
    const msg = te.encode('buffer-views message');
    const dst = te.encode('QUORUM-PSI-TEST-buffer-views');
    viewCheck('Suite.hashToGroup', (_r, m, d) => suite.hashToGroup(m, d), [msg, dst]);
    viewCheck('Suite.hashToScalar', (_r, m, d) => suite.hashToScalar(m, d), [msg, dst]);
    const { viewed: hasher } = viewCheck('Suite.scalarHasher', (_r, d) => suite.scalarHasher(d), [
      dst,
    ]);
    expect(hasher(msg)).toBe(suite.hashToScalar(msg, dst));
    viewCheck('Suite.randomScalar', (rng) => suite.randomScalar(rng), []);
  });

  it('Shamir split (seeded and rng), polynomialFromSeed, shareXFromBytes, decodeShare and the scalar field’s fromBytes: views give the plain result and are not written to; Feldman decodeCommitments likewise', () => {
    const F = scalarField(suite);
    const seed = new Uint8Array(32).map((_, i) => i * 3 + 1);
    const label = te.encode('buffer-views');
    const secret = 987654321n;
    const { viewed } = viewCheck(
      'split (seed)',
      (_r, s, l) => split(secret, { threshold: 3, count: 5, field: F, seed: s, label: l }),
      [seed, label],
    );
    viewCheck('split (rng)', (rng) => split(secret, { threshold: 3, count: 5, field: F }, rng), []);
    viewCheck('polynomialFromSeed', (_r, s, l) => polynomialFromSeed(F, 3, s, l), [seed, label]);
    viewCheck('shareXFromBytes', (_r, b) => shareXFromBytes(F, b), [new Uint8Array(48).fill(9)]);
    const share = viewed.shares[1] as { x: bigint; y: bigint };
    const enc = new Uint8Array([...F.toBytes(share.x), ...F.toBytes(share.y)]);
    viewCheck('decodeShare', (_r, b) => decodeShare(F, b), [enc]);
    viewCheck('scalar field fromBytes', (_r, b) => F.fromBytes(b), [F.toBytes(share.y)]);
    viewCheck('fieldElementsFromSeed', (_r, s, l) => fieldElementsFromSeed(F, s, 'test', l, 4), [
      seed,
      label,
    ]);
    const commitments = feldmanCommit(suite, viewed.polynomial);
    const { viewed: decoded } = viewCheck(
      'decodeCommitments',
      (_r, b) => decodeCommitments(suite, b, 3),
      [encodeCommitments(suite, commitments)],
    );
    expect(combineVerified(suite, decoded, viewed.shares)).toBe(secret);
  });
});

describe('buffer views, suite-independent modules', () => {
  it('generateSigningKeyPair, signingPublicKey, statementMessage, signStatement, verifyStatement: views and a reusing rng give the plain keys, message, signature and verdict', () => {
    const { plain: kp } = viewCheck(
      'generateSigningKeyPair',
      (rng) => generateSigningKeyPair(rng),
      [],
    );
    const body = te.encode('buffer-views statement');
    viewCheck('signingPublicKey', (_r, sk) => signingPublicKey(sk), [kp.secretKey]);
    viewCheck('statementMessage', (_r, b) => statementMessage('test-label', b), [body]);
    const { plain: sig } = viewCheck(
      'signStatement',
      (_r, sk, b) => signStatement(sk, 'test-label', b),
      [kp.secretKey, body],
    );
    const { viewed: ok } = viewCheck(
      'verifyStatement',
      (_r, pk, b, s) => verifyStatement(pk, 'test-label', b, s),
      [kp.publicKey, body, sig],
    );
    expect(ok).toBe(true);
  });

  it('merkleRoot, MerkleTreeHasher, leafHash, nodeHash, inclusionProof, rootFromInclusionProof, verifyInclusion: views give the plain root, proof and verdict', () => {
    const leaves = Array.from({ length: 11 }, (_, i) => te.encode(`leaf ${i}`.repeat(i + 1)));
    const { plain: root } = viewCheck('merkleRoot', (_r, l) => merkleRoot(l), [leaves]);
    const { viewed: hasher } = viewCheck(
      'MerkleTreeHasher.append',
      (_r, l) => {
        const h = new MerkleTreeHasher();
        for (const x of l) h.append(x);
        return h;
      },
      [leaves],
    );
    expect(hasher.root()).toEqual(root);
    viewCheck('leafHash', (_r, d) => leafHash(d), [leaves[3] as Uint8Array]);
    viewCheck('nodeHash', (_r, a, b) => nodeHash(a, b), [root, leafHash(leaves[0] as Uint8Array)]);
    const { plain: proof } = viewCheck('inclusionProof', (_r, l) => inclusionProof(l, 6), [leaves]);
    viewCheck('rootFromInclusionProof', (_r, d, p) => rootFromInclusionProof(d, 6, 11, p), [
      leaves[6] as Uint8Array,
      proof,
    ]);
    const { viewed: ok } = viewCheck(
      'verifyInclusion',
      (_r, r, d, p) => verifyInclusion(r, d, 6, 11, p),
      [root, leaves[6] as Uint8Array, proof],
    );
    expect(ok).toBe(true);
  });

  it('cellHash, cellPositions, layoutTable: views give the plain positions and layout; the per-nonce hasher cache keeps its own copy of a nonce the caller later reuses', () => {
    const nonce = (t: number) => new Uint8Array(16).map((_, i) => (i * 29 + t) & 0xff);
    const [n1, n2, n3] = [nonce(1), nonce(2), nonce(5)];
    const items = Array.from({ length: 20 }, (_, i) => hash16('table', i)).sort((a, b) =>
      bytesToHex(a) < bytesToHex(b) ? -1 : 1,
    );
    const N = 1_000_003;
    viewCheck('cellHash', (_r, n, x) => cellHash(n, x, N), [n1, items[0] as Uint8Array]);
    type N3 = [Uint8Array, Uint8Array, Uint8Array];
    viewCheck('cellPositions', (_r, ns, x) => cellPositions(ns as N3, x, N), [
      [n1, n2, n3],
      items[1] as Uint8Array,
    ]);
    viewCheck('layoutTable', (_r, its, ns) => layoutTable(its, ns as N3, 42), [
      items,
      [n1, n2, n3],
    ]);
    // The caller hashes under N_1 from a pooled buffer, then reuses that buffer for nonce R.
    const R = nonce(99);
    const want = items.map((x) => cellHash(R, x, N));
    // Evict R's hasher from the cache of recent nonces.
    for (let t = 10; t < 20; t++) cellHash(nonce(t), items[0] as Uint8Array, N);
    const pool = new BufferPool();
    const v = pool.view(n1);
    cellHash(v, items[0] as Uint8Array, N);
    v.set(R);
    expect(items.map((x) => cellHash(R, x, N))).toEqual(want);
    expect(items.map((x) => cellPositions([R, n2, n3], x, N)[0])).toEqual(want);
  });

  it('dhfKeyFromSeed, dhfXFromBytes, dhfValueFromBytes, decodeDhfValue, dhfRandomValue, F_ℓ and little-endian field decoding: views give the plain key and values and are not written to', () => {
    const seed = new Uint8Array(40).map((_, i) => i + 7);
    const { viewed: key } = viewCheck('dhfKeyFromSeed', (_r, s, l) => dhfKeyFromSeed(s, 4, 3, l), [
      seed,
      te.encode('label'),
    ]);
    viewCheck('dhfXFromBytes', (_r, b) => dhfXFromBytes(b), [seed.subarray(0, 16)]);
    viewCheck('dhfValueFromBytes', (_r, b) => dhfValueFromBytes(1, b), [seed.subarray(0, 32)]);
    const r = dhfEvaluate(key, 123456789n);
    viewCheck('decodeDhfValue', (_r, b) => decodeDhfValue(b, 3), [encodeDhfValue(r)]);
    viewCheck('dhfRandomValue', (rng) => dhfRandomValue(3, rng), []);
    viewCheck('F_ℓ fromBytes', (_r, b) => F_ELL.fromBytes(b), [F_ELL.toBytes(2n ** 63n + 5n)]);
    viewCheck('F_ℓ fromBytesReduce', (_r, b) => F_ELL.fromBytesReduce(b), [seed]);
    const F = primeField(2n ** 127n - 1n, { isLE: true });
    viewCheck('little-endian fromBytes', (_r, b) => F.fromBytes(b), [F.toBytes(2n ** 100n + 3n)]);
  });

  it('kdf, prf, sealRandomNonce, openRandomNonce, sealSingleUse, openSingleUse: views at unaligned offsets and a reusing rng give the plain outputs', () => {
    const key = new Uint8Array(32).map((_, i) => i * 5 + 2);
    const msg = te.encode('buffer-views plaintext, longer than one ChaCha block? no, but odd: 41');
    const aad = te.encode('aad');
    viewCheck('kdf', (_r, ikm, ctx) => kdf(ikm, 'test', ctx, 48), [key, aad]);
    viewCheck('prf', (_r, k, x) => prf(k, 'test', x, 40), [key, msg]);
    const { plain: sealed } = viewCheck(
      'sealRandomNonce',
      (rng, k, m, a) => sealRandomNonce(k, m, a, rng),
      [key, msg, aad],
    );
    const { viewed: opened } = viewCheck(
      'openRandomNonce',
      (_r, k, s, a) => openRandomNonce(k, s, a),
      [key, sealed, aad],
    );
    expect(opened).toEqual(msg);
    const { plain: single } = viewCheck('sealSingleUse', (_r, k, m, a) => sealSingleUse(k, m, a), [
      key,
      msg,
      aad,
    ]);
    const { viewed: opened1 } = viewCheck(
      'openSingleUse',
      (_r, k, s, a) => openSingleUse(k, s, a),
      [key, single, aad],
    );
    expect(opened1).toEqual(msg);
  });
});
