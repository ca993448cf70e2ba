/**
 * The NGO ring's element-wise work on executors (issue 15; src/core/parallel.ts,
 * src/node/worker-pool.ts): the asynchronous party methods give the bytes of the synchronous
 * ones, on this thread and on worker pools of 1, 2 and 3 threads, for both suites; chunk
 * boundaries at list sizes 1, chunk − 1, chunk and chunk + 1; a bad hop or board is caught
 * through the pool with the same error naming the same culprit; the pool ends cleanly.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SIG_LABEL } from '../src/core/constants.js';
import { generateProof } from '../src/core/dleq.js';
import { type Element, p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import {
  chunkSizeFor,
  createInThreadExecutor,
  type ParallelOptions,
  type Progress,
} from '../src/core/parallel.js';
import { generateSigningKeyPair, signStatement } from '../src/core/sign.js';
import { bytesToHex } from '../src/core/utils.js';
import { createWorkerPool } from '../src/node/worker-pool.js';
import { verifyBulletinWithAsync } from '../src/quorum/board.js';
import {
  assembleBulletin,
  createQuorumRoster,
  hopDleqConfig,
  NgoDecodeError,
  NgoParty,
  NgoVerificationError,
  type QuorumConfig,
  stageProducer,
  startRunLocally,
  verifyBulletin,
  verifyCommitments,
} from '../src/quorum/ngo.js';
import {
  decodeElementList,
  decodeNgoChain,
  encodeNgoChain,
  type NgoStage,
  stageStatement,
} from '../src/quorum/ngo-messages.js';
import { forgetfulExecutor, usePools } from './helpers/executors.js';
import { seededRng } from './helpers/rng.js';
import { useWebWorkerPools } from './helpers/web-workers.js';

const WIDTH = 16;
/** The chunk size of most runs: the lists below have 1, CHUNK − 1, CHUNK and CHUNK + 1 items. */
const CHUNK = 4;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const te = new TextEncoder();

function item(tag: string): Uint8Array {
  const b = new Uint8Array(WIDTH);
  b.set(te.encode(tag).subarray(0, WIDTH));
  return b;
}

/**
 * Four NGOs whose lists have 1, 3, 4 and 5 items: `s0` is held by all, `s1` by parties 1-3,
 * the rest by one each (so m = 2 qualifies s0 everywhere and s1 for parties 1-3).
 */
const LISTS = [
  ['s0'],
  ['s0', 's1', 'a1'],
  ['s0', 's1', 'b1', 'b2'],
  ['s0', 's1', 'c1', 'c2', 'c3'],
].map((l) => l.map(item));

interface World {
  suite: Suite;
  config: QuorumConfig;
  signingKeys: Uint8Array[];
  /** Fresh parties, identical for the same world (same keys, same seeded rng per party). */
  parties(): NgoParty[];
}

function world(suite: Suite, seed: string): World {
  const keys = LISTS.map((_, i) => generateSigningKeyPair(seededRng(`${seed}/sig/${i}`)));
  const roster = createQuorumRoster({
    suite,
    deploymentId: te.encode(`parallel-${seed}`),
    m: 2,
    itemWidth: WIDTH,
    members: keys.map((k, i) => ({ jurisdiction: `J${i}`, signingPublicKey: k.publicKey })),
  });
  const { config } = startRunLocally(
    roster,
    keys.map((k) => k.secretKey),
    { rng: seededRng(`${seed}/run`) },
  );
  return {
    suite,
    config,
    signingKeys: keys.map((k) => k.secretKey),
    parties: () =>
      LISTS.map(
        (l, i) =>
          new NgoParty(
            config,
            i,
            (keys[i] as { secretKey: Uint8Array }).secretKey,
            l,
            seededRng(`${seed}/party/${i}`),
          ),
      ),
  };
}

interface Transcript {
  /** Every chain sent, in the order sent (stage 0 of each list, then each hop). */
  messages: string[];
  bulletin: Uint8Array;
  qualified: string[][];
  contributions: string[];
}

/** Commit, mask, every hop (round t: list j by party j + t), board, qualify, contribute. */
async function runRing(parties: NgoParty[], how: ParallelOptions | null): Promise<Transcript> {
  const config = (parties[0] as NgoParty).config;
  const k = parties.length;
  const commitments = parties.map((p) => p.commit());
  for (const p of parties) p.receiveCommitments(commitments);
  const messages: string[] = [];
  const chains: Uint8Array[] = [];
  for (const p of parties) chains.push(how ? await p.maskOwnListAsync(how) : p.maskOwnList());
  messages.push(...chains.map(bytesToHex));
  for (let t = 1; t < k; t++) {
    for (let j = 0; j < k; j++) {
      const p = parties[(j + t) % k] as NgoParty;
      const from = (j + t - 1) % k;
      const bytes = chains[j] as Uint8Array;
      chains[j] = how ? await p.processHopAsync(bytes, from, how) : p.processHop(bytes, from);
      messages.push(bytesToHex(chains[j] as Uint8Array));
    }
  }
  const bulletin = assembleBulletin(config, chains);
  const qualified: string[][] = [];
  for (const p of parties)
    qualified.push(
      (how ? await p.qualifyAsync(bulletin, how) : p.qualify(bulletin)).map(bytesToHex),
    );
  return {
    messages,
    bulletin,
    qualified,
    contributions: parties.map((p) => bytesToHex(p.contribute())),
  };
}

const pool = usePools([1, 2, 3]);
const webPool = useWebWorkerPools([2]);

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`asynchronous party methods on executors (${suite.name})`, () => {
    const w = world(suite, `ring-${suite.shortName}`);
    let reference: Transcript;

    beforeAll(async () => {
      reference = await runRing(w.parties(), null);
    });

    it('the synchronous reference run is a real one (lists masked, items qualified)', () => {
      expect(reference.messages).toHaveLength(4 + 4 * 3);
      const hex = (t: string) => bytesToHex(item(t));
      expect(reference.qualified).toEqual([
        [hex('s0')],
        [hex('s0'), hex('s1')].sort(),
        [hex('s0'), hex('s1')].sort(),
        [hex('s0'), hex('s1')].sort(),
      ]);
    });

    const modes: [string, () => ParallelOptions][] = [
      ['this thread, default chunks', () => ({})],
      [
        'this thread, chunks of 4',
        () => ({ executor: createInThreadExecutor(), chunkSize: CHUNK }),
      ],
      [
        'an executor that holds nothing, chunks of 4',
        () => ({ executor: forgetfulExecutor(2), chunkSize: CHUNK }),
      ],
      ['a pool of 1 thread, chunks of 4', () => ({ executor: pool(1), chunkSize: CHUNK })],
      ['a pool of 2 threads, chunks of 4', () => ({ executor: pool(2), chunkSize: CHUNK })],
      ['a pool of 3 threads, chunks of 4', () => ({ executor: pool(3), chunkSize: CHUNK })],
      ['a pool of 2 threads, chunks of 1', () => ({ executor: pool(2), chunkSize: 1 })],
      ['a pool of 2 Web Workers, chunks of 4', () => ({ executor: webPool(2), chunkSize: CHUNK })],
    ];
    for (const [name, how] of modes) {
      it(`${name}: every message, the board, the qualified items and the contributions are the synchronous bytes`, async () => {
        const got = await runRing(w.parties(), how());
        expect(got.messages).toEqual(reference.messages);
        expect(got.bulletin).toEqual(reference.bulletin);
        expect(got.qualified).toEqual(reference.qualified);
        expect(got.contributions).toEqual(reference.contributions);
      });
    }

    it('the whole board verified on a pool (no hop skipped) gives verifyBulletin’s lists', async () => {
      const commitments = w.parties().map((p) => p.commit());
      const vc = verifyCommitments(w.config, commitments);
      const sync = verifyBulletin(w.config, commitments, reference.bulletin);
      const events: Progress[] = [];
      const got = await verifyBulletinWithAsync(w.config, vc, reference.bulletin, new Map(), {
        executor: pool(2),
        chunkSize: CHUNK,
        onProgress: (p) => events.push(p),
      });
      expect(got.finalLists).toEqual(sync.finalLists);
      expect(got.sizes).toEqual(sync.sizes);
      // 3 hops of each of the 13 elements; progress reaches it.
      expect(events.at(-1)).toEqual({ phase: 'verify', done: 39, total: 39 });
    });

    it('progress is reported per chunk, up to the list size, for masking, hops and proofs', async () => {
      const parties = w.parties();
      const commitments = parties.map((p) => p.commit());
      for (const p of parties) p.receiveCommitments(commitments);
      const events: Progress[] = [];
      const opts = { executor: pool(2), chunkSize: 2, onProgress: (p: Progress) => events.push(p) };
      const l3 = await (parties[3] as NgoParty).maskOwnListAsync(opts);
      const s1 = await (parties[0] as NgoParty).processHopAsync(l3, 3, opts);
      await (parties[1] as NgoParty).processHopAsync(s1, 0, opts);
      // Chunks of 2, 2 and 1 elements, in completion order: three events per phase and list, rising
      // to the list size (5) each time.
      const by = (phase: string) => events.filter((e) => e.phase === phase);
      for (const [phase, lists] of [
        ['mask', 1],
        ['hop', 2],
        ['prove', 2],
      ] as const) {
        const ev = by(phase);
        expect(ev, phase).toHaveLength(3 * lists);
        for (let l = 0; l < lists; l++) {
          const mine = ev.slice(3 * l, 3 * l + 3);
          expect(mine.every((e) => e.total === 5)).toBe(true);
          expect(mine.map((e) => e.done)).toEqual(
            [...mine.map((e) => e.done)].sort((x, y) => x - y),
          );
          expect(mine.at(-1)?.done).toBe(5);
          expect(mine[0]?.done).toBeGreaterThanOrEqual(1);
        }
      }
    });
  });
}

// ── Bad hops and boards through the pool ────────────────────────────────────────────────────

/** Run the synchronous ring up to (not including) the hop of round `t` on list `owner`. */
function ringUntil(parties: NgoParty[], t0: number, owner: number): Uint8Array[] {
  const k = parties.length;
  const commitments = parties.map((p) => p.commit());
  for (const p of parties) p.receiveCommitments(commitments);
  const chains = parties.map((p) => p.maskOwnList());
  for (let t = 1; t < k; t++) {
    for (let j = 0; j < k; j++) {
      if (t === t0 && j === owner) return chains;
      chains[j] = (parties[(j + t) % k] as NgoParty).processHop(
        chains[j] as Uint8Array,
        (j + t - 1) % k,
      );
    }
  }
  return chains;
}

/** Replace stage `t` of a chain and sign it with its producer's key (a malicious producer). */
function tamperStage(
  w: World,
  bytes: Uint8Array,
  t: number,
  make: (
    prev: Uint8Array | null,
    st: NgoStage,
    n: number,
  ) => { list: Uint8Array; proof: Uint8Array | null },
): Uint8Array {
  const { suite, sessionDigest } = w.config;
  const chain = decodeNgoChain(bytes);
  const producer = stageProducer(w.config, chain.owner, t);
  const { list, proof } = make(
    t > 0 ? (chain.stages[t - 1] as NgoStage).list : null,
    chain.stages[t] as NgoStage,
    chain.n,
  );
  const body = stageStatement(sessionDigest, chain.owner, t, producer, chain.n, list, proof);
  const stages = chain.stages.map((st, i) =>
    i === t
      ? {
          list,
          proof,
          signature: signStatement(w.signingKeys[producer] as Uint8Array, SIG_LABEL.ngoStage, body),
        }
      : st,
  );
  return encodeNgoChain(suite, sessionDigest, chain.owner, chain.n, stages);
}

/** {@link tamperStage} on the last stage. */
function tamperLastStage(
  w: World,
  bytes: Uint8Array,
  make: (prev: Uint8Array, last: NgoStage, n: number) => { list: Uint8Array; proof: Uint8Array },
): Uint8Array {
  const s = decodeNgoChain(bytes).stages.length;
  return tamperStage(w, bytes, s - 1, (prev, st, n) => make(prev as Uint8Array, st, n));
}

/** The stage with element `i` replaced by bytes that do not decode (0xff…: neither suite's). */
function undecodable(Ne: number, ...at: number[]) {
  return (_prev: Uint8Array | null, st: NgoStage) => {
    const list = st.list.slice();
    for (const i of at) list.fill(0xff, i * Ne, (i + 1) * Ne);
    return { list, proof: st.proof };
  };
}

/** A stage that skips masking (the previous list again), with a valid proof for the key 1. */
function skipMasking(w: World, owner: number, stage: number) {
  return (prev: Uint8Array, _last: NgoStage, n: number) => {
    const pts: Element[] = decodeElementList(w.suite, prev, n);
    const proof = generateProof(
      w.suite,
      hopDleqConfig(w.config, owner, stage),
      1n,
      { A: w.suite.G, B: w.suite.G, C: pts, D: pts },
      seededRng('k=1'),
    );
    return { list: prev.slice(), proof };
  };
}

async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function sameError(a: unknown, b: unknown) {
  expect(b).toBeInstanceOf((a as object).constructor);
  const pick = (e: unknown) => {
    const x = e as NgoVerificationError;
    return { name: x.name, code: x.code, message: x.message, culprit: x.culprit };
  };
  expect(pick(b)).toEqual(pick(a));
}

for (const suite of [ristretto255Sha512, p256Sha256]) {
  describe(`a bad hop or board through the pool (${suite.name})`, () => {
    const w = world(suite, `bad-${suite.shortName}`);
    // List 3 (5 items): stage 1 by party 0, checked by party 1 in round 2.
    const OWNER = 3;
    const ROUND = 2;
    const RECEIVER = (OWNER + ROUND) % 4;
    const PRODUCER = (OWNER + ROUND - 1) % 4;

    const hopBoth = async (tamper: (bytes: Uint8Array) => Uint8Array) => {
      const a = w.parties();
      const b = w.parties();
      const bad = tamper(ringUntil(a, ROUND, OWNER)[OWNER] as Uint8Array);
      expect(tamper(ringUntil(b, ROUND, OWNER)[OWNER] as Uint8Array)).toEqual(bad);
      const sync = await errorOf(() => (a[RECEIVER] as NgoParty).processHop(bad, PRODUCER));
      const viaPool = await errorOf(() =>
        (b[RECEIVER] as NgoParty).processHopAsync(bad, PRODUCER, {
          executor: pool(2),
          chunkSize: CHUNK,
        }),
      );
      return { sync, viaPool };
    };

    it('a hop that skips masking: ngo.hop.proof naming its producer, as processHop says', async () => {
      const { sync, viaPool } = await hopBoth((bytes) =>
        tamperLastStage(w, bytes, skipMasking(w, OWNER, ROUND - 1)),
      );
      expect(sync).toBeInstanceOf(NgoVerificationError);
      expect((sync as NgoVerificationError).code).toBe('ngo.hop.proof');
      expect((sync as NgoVerificationError).culprit.index).toBe(PRODUCER);
      sameError(sync, viaPool);
    });

    it('undecodable elements in two chunks: the first one is named (element 1), as processHop names it', async () => {
      const Ne = suite.elementLength;
      const { sync, viaPool } = await hopBoth((bytes) =>
        tamperLastStage(w, bytes, (_prev, last) => {
          const list = last.list.slice();
          list.fill(0xff, 4 * Ne, 5 * Ne); // chunk 1
          list.fill(0xff, 1 * Ne, 2 * Ne); // chunk 0
          return { list, proof: last.proof as Uint8Array };
        }),
      );
      expect(sync).toBeInstanceOf(NgoDecodeError);
      expect((sync as NgoDecodeError).culprit.index).toBe(PRODUCER);
      expect((sync as Error).message).toContain('element 1:');
      sameError(sync, viaPool);
    });

    it('undecodable elements in the incoming and the previous stage: the incoming one is named first, as processHop does', async () => {
      const Ne = suite.elementLength;
      const { sync, viaPool } = await hopBoth((bytes) =>
        tamperStage(w, tamperStage(w, bytes, 0, undecodable(Ne, 0)), 1, undecodable(Ne, 3)),
      );
      expect((sync as Error).message).toMatch(/list 3 stage 1: element 3:/);
      sameError(sync, viaPool);
      // With the incoming stage intact, the previous stage's element is named.
      const prevOnly = await hopBoth((bytes) => tamperStage(w, bytes, 0, undecodable(Ne, 2)));
      expect((prevOnly.sync as Error).message).toMatch(/list 3 stage 0: element 2:/);
      sameError(prevOnly.sync, prevOnly.viaPool);
    });

    it('a party whose hop failed on the pool can still process a good list afterwards', async () => {
      const parties = w.parties();
      const chains = ringUntil(parties, ROUND, OWNER);
      const good = chains[OWNER] as Uint8Array;
      const receiver = parties[RECEIVER] as NgoParty;
      const bad = tamperLastStage(w, good, skipMasking(w, OWNER, ROUND - 1));
      await expect(
        receiver.processHopAsync(bad, PRODUCER, { executor: pool(2), chunkSize: CHUNK }),
      ).rejects.toBeInstanceOf(NgoVerificationError);
      const ref = w.parties();
      const refOut = (ref[RECEIVER] as NgoParty).processHop(
        ringUntil(ref, ROUND, OWNER)[OWNER] as Uint8Array,
        PRODUCER,
      );
      expect(
        await receiver.processHopAsync(good, PRODUCER, { executor: pool(2), chunkSize: CHUNK }),
      ).toEqual(refOut);
    });

    it('a tampered final hop on the board: qualifyAsync throws qualify’s error, naming the producer', async () => {
      const run = () => {
        const parties = w.parties();
        const chains = ringUntil(parties, 4, 0); // the whole ring
        // List 3's last stage (3) is party 2's.
        chains[OWNER] = tamperLastStage(w, chains[OWNER] as Uint8Array, skipMasking(w, OWNER, 3));
        return { parties, bulletin: assembleBulletin(w.config, chains) };
      };
      const a = run();
      const b = run();
      expect(b.bulletin).toEqual(a.bulletin);
      const sync = await errorOf(() => (a.parties[0] as NgoParty).qualify(a.bulletin));
      const viaPool = await errorOf(() =>
        (b.parties[0] as NgoParty).qualifyAsync(b.bulletin, {
          executor: pool(3),
          chunkSize: CHUNK,
        }),
      );
      expect((sync as NgoVerificationError).code).toBe('ngo.hop.proof');
      expect((sync as NgoVerificationError).culprit.index).toBe(2);
      sameError(sync, viaPool);
    });

    it('an undecodable element on the board (a final stage, stage 0): qualifyAsync throws qualify’s NgoDecodeError', async () => {
      const Ne = suite.elementLength;
      // Stage 3 of list 3 is party 2's; stage 0 is the owner's (party 3), decoded only as the
      // input of hop 1.
      for (const [t, at, culprit] of [
        [3, [4, 2], 2],
        [0, [1], 3],
      ] as const) {
        const run = () => {
          const parties = w.parties();
          const chains = ringUntil(parties, 4, 0);
          chains[OWNER] = tamperStage(w, chains[OWNER] as Uint8Array, t, undecodable(Ne, ...at));
          return { parties, bulletin: assembleBulletin(w.config, chains) };
        };
        const a = run();
        const b = run();
        const sync = await errorOf(() => (a.parties[0] as NgoParty).qualify(a.bulletin));
        const viaPool = await errorOf(() =>
          (b.parties[0] as NgoParty).qualifyAsync(b.bulletin, {
            executor: pool(2),
            chunkSize: CHUNK,
          }),
        );
        expect(sync).toBeInstanceOf(NgoDecodeError);
        expect((sync as Error).message).toContain(
          `bulletin list 3 stage ${t}: element ${Math.min(...at)}:`,
        );
        expect((sync as NgoDecodeError).culprit.index).toBe(culprit);
        sameError(sync, viaPool);
      }
    });
  });
}

// ── Ordering and the pool's life ────────────────────────────────────────────────────────────

describe('asynchronous calls on one party', () => {
  it('run one after the other in call order; a synchronous step meanwhile is refused', async () => {
    const w = world(ristretto255Sha512, 'order');
    const run = (parties: NgoParty[], sync: boolean) => {
      const commitments = parties.map((p) => p.commit());
      for (const p of parties) p.receiveCommitments(commitments);
      return parties.map((p) =>
        sync ? p.maskOwnList() : p.maskOwnListAsync({ executor: pool(2) }),
      );
    };
    const ref = run(w.parties(), true) as Uint8Array[];
    const a = w.parties();
    const l0 = await Promise.all(run(a, false));
    expect(l0).toEqual(ref);
    // Party 1 gets list 0 and (later) list 3 at once: both calls queue; the second starts when
    // the first is done, so the proofs draw the rng in call order.
    const p1 = a[1] as NgoParty;
    const first = p1.processHopAsync(l0[0] as Uint8Array, 0, { executor: pool(2), chunkSize: 1 });
    expect(() => p1.processHop(l0[0] as Uint8Array, 0)).toThrow(/asynchronous operation/);
    expect(() => p1.opening()).toThrow(/asynchronous operation/);
    const b = w.parties();
    const refP1 = b[1] as NgoParty;
    run(b, true);
    expect(await first).toEqual(refP1.processHop(ref[0] as Uint8Array, 0));
    // Once nothing is pending, synchronous calls work again.
    expect(p1.opening()).toEqual(refP1.opening());
  });

  it('own their message at the call: a change the caller makes while the step waits does not reach it', async () => {
    // Issue 15 (found reviewing the asynchronous methods): the message was copied when the
    // queued step started, so bytes changed after the call and before that were used.
    const w = world(ristretto255Sha512, 'own-at-call');
    const ref = await runRing(w.parties(), null);
    const a = w.parties();
    const commitments = a.map((p) => p.commit());
    for (const p of a) p.receiveCommitments(commitments);
    const l0 = a.map((p) => p.maskOwnList());
    const p1 = a[1] as NgoParty;
    // A step is pending (a hop, which waits for nothing), then the hop whose bytes are changed.
    const pending = p1.processHopAsync(l0[0] as Uint8Array, 0, { executor: pool(2) });
    const incoming = Uint8Array.from(l0[0] as Uint8Array);
    const queued = p1.processHopAsync(incoming, 0, { executor: pool(2) });
    incoming.fill(0); // after the call: must not matter
    expect(bytesToHex(await pending)).toBe(ref.messages[4]);
    // The second hop of the same list is a replay (refused), decided on the bytes of the call.
    await expect(queued).rejects.toThrow(/replay|already/);
    // The board: qualify queued behind a step, then the caller's board zeroed.
    const b = w.parties();
    const t = await runRingUntilBoard(b);
    const q0 = b[0] as NgoParty;
    const before = q0.processHopAsync(t.chains[0] as Uint8Array, 3, { executor: pool(2) });
    const board = Uint8Array.from(t.bulletin);
    const qualified = q0.qualifyAsync(board, { executor: pool(2) });
    board.fill(0);
    await before.catch(() => undefined); // a replay: refused, and the queue goes on
    expect((await qualified).map(bytesToHex)).toEqual(ref.qualified[0]);
  });

  it("transferInput moves the message: the caller's array is detached at the call, the result the same", async () => {
    const w = world(ristretto255Sha512, 'transfer');
    const ref = await runRing(w.parties(), null);
    const b = w.parties();
    const t = await runRingUntilBoard(b);
    const board = Uint8Array.from(t.bulletin); // a whole buffer of its own
    const qualified = (b[2] as NgoParty).qualifyAsync(board, {
      executor: pool(2),
      transferInput: true,
    });
    expect(board.length).toBe(0); // detached: nothing left to read or change
    expect((await qualified).map(bytesToHex)).toEqual(ref.qualified[2]);
    // A view of part of a buffer cannot move: it is copied, the caller's bytes stay.
    const c = w.parties();
    const u = await runRingUntilBoard(c);
    const padded = new Uint8Array(u.bulletin.length + 8);
    padded.set(u.bulletin, 4);
    const view = padded.subarray(4, 4 + u.bulletin.length);
    const q = (c[1] as NgoParty).qualifyAsync(view, { transferInput: true });
    expect(view).toEqual(u.bulletin); // still there, unchanged
    expect((await q).map(bytesToHex)).toEqual(ref.qualified[1]);
    // The hop: its incoming list moved, the caller's array detached, the same bytes out.
    const d = w.parties();
    const commitments = d.map((p) => p.commit());
    for (const p of d) p.receiveCommitments(commitments);
    const l0 = Uint8Array.from((d[0] as NgoParty).maskOwnList());
    const hop = (d[1] as NgoParty).processHopAsync(l0, 0, { transferInput: true });
    expect(l0.length).toBe(0);
    expect(bytesToHex(await hop)).toBe(ref.messages[4]);
  });

  it('a bad options object or message is a rejection, never a synchronous throw', async () => {
    const w = world(ristretto255Sha512, 'reject');
    const [p0] = w.parties() as [NgoParty];
    const bad = null as unknown as { transferInput: boolean };
    await expect(p0.qualifyAsync(new Uint8Array(3), bad)).rejects.toThrow();
    await expect(p0.processHopAsync('x' as unknown as Uint8Array, 0)).rejects.toThrow();
  });
});

/** A ring up to its board (synchronous), for the parties `parties` (fresh). */
async function runRingUntilBoard(
  parties: NgoParty[],
): Promise<{ chains: Uint8Array[]; bulletin: Uint8Array }> {
  const config = (parties[0] as NgoParty).config;
  const k = parties.length;
  const commitments = parties.map((p) => p.commit());
  for (const p of parties) p.receiveCommitments(commitments);
  const chains = parties.map((p) => p.maskOwnList());
  for (let t = 1; t < k; t++)
    for (let j = 0; j < k; j++) {
      const p = parties[(j + t) % k] as NgoParty;
      chains[j] = p.processHop(chains[j] as Uint8Array, (j + t - 1) % k);
    }
  return { chains, bulletin: assembleBulletin(config, chains) };
}

describe('default chunk sizes', () => {
  it('give every thread the same number of chunks, about four, within the bounds', () => {
    for (const workers of [1, 2, 3, 8]) {
      for (const n of [1, 2, 5, 15, 16, 100, 1000, 12_345, 1_000_000, 10_000_000]) {
        const size = chunkSizeFor(n, workers);
        const count = Math.ceil(n / size);
        expect(size, `${n}/${workers}`).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(8192);
        // Equal shares whenever there are enough elements for one chunk per thread.
        if (n >= workers * 16) expect(count % workers, `${n}/${workers}`).toBe(0);
        // Chunks are never much smaller than 16 elements unless the list is.
        if (n >= 4 * workers * 16) expect(size).toBeGreaterThanOrEqual(16);
      }
    }
    expect(chunkSizeFor(1000, 2)).toBe(125);
    expect(chunkSizeFor(1_000_000, 2)).toBe(8065);
    expect(chunkSizeFor(1000, 2, 7)).toBe(7);
    expect(() => chunkSizeFor(10, 2, 0)).toThrow(RangeError);
    expect(() => chunkSizeFor(10, 2, 2.5)).toThrow(RangeError);
  });
});

describe('the worker pool', () => {
  it('runs a kernel’s error as a rejection, and keeps working', async () => {
    const p = pool(2);
    await expect(
      p.map('mask', 2, () => ({
        suite: 0x7f,
        dst: new Uint8Array(1),
        k: 1n,
        width: 1,
        items: new Uint8Array(1),
      })),
    ).rejects.toThrow(/unknown suite id 127/);
    const ok = await p.map('mask', 3, (i) => ({
      suite: ristretto255Sha512.id,
      dst: new Uint8Array(1),
      k: 3n,
      width: 2,
      items: new Uint8Array(2 * (i + 1)).fill(i),
    }));
    const inThread = await createInThreadExecutor().map('mask', 3, (i) => ({
      suite: ristretto255Sha512.id,
      dst: new Uint8Array(1),
      k: 3n,
      width: 2,
      items: new Uint8Array(2 * (i + 1)).fill(i),
    }));
    expect(ok).toEqual(inThread);
    expect(ok.map((r) => r.list.length)).toEqual([32, 64, 96]);
  });

  it('a closed pool refuses work; closing twice is fine; bad sizes are refused', async () => {
    const p = createWorkerPool({ workers: 1 });
    expect(p.workers).toBe(1);
    await p.close();
    await p.close();
    await expect(p.map('release', 1, () => ({ job: 'x' }))).rejects.toThrow(/closed/);
    expect(() => createWorkerPool({ workers: 0 })).toThrow(RangeError);
    expect(() => createWorkerPool({ workers: 1.5 })).toThrow(RangeError);
  });

  it('leaves no handle behind: a process that used a pool exits by itself, closed or not', () => {
    for (const close of [true, false]) {
      const code = `
        const { createWorkerPool } = await import(${JSON.stringify(`${ROOT}src/node/worker-pool.ts`)});
        const { ristretto255Sha512: s } = await import(${JSON.stringify(`${ROOT}src/core/ristretto255.ts`)});
        const pool = createWorkerPool({ workers: 2 });
        const out = await pool.map('mask', 2, () => ({ suite: s.id, dst: new Uint8Array(1), k: 2n, width: 1, items: new Uint8Array(3) }));
        ${close ? 'await pool.close();' : ''}
        console.log('mapped', out.map((r) => r.list.length).join(','));
      `;
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(r.error, `close=${close}`).toBeUndefined(); // not killed by the timeout
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('mapped 96,96');
      expect(r.status).toBe(0);
    }
  });
});
