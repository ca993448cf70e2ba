/**
 * `quorum-psi server ingest`, `server reveal` and `reviewer open` (src/cli/cmd-server.ts; issue
 * 14), spawned through test/helpers/cli.ts on files a real deployment produced in-process
 * (src/cli/simulate.ts `setupDeployment`: NGO quorum, build, audit, co-signed manifest):
 * - the whole chain through the CLI on both suites: client accept → client voucher → server
 *   ingest (one NDJSON line per voucher) → server reveal → reviewer open (exactly the matching
 *   payloads, with their text);
 * - below T the reveal is an outcome, not an error, and the reviewer has nothing to open;
 * - a malformed voucher spoils only its own line; a damaged stream or state ingests nothing;
 * - one process per account (lock file), distinct accounts in parallel in one directory;
 * - the reviewer refuses a payload relabelled as another account's, and a wrong passphrase.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrames } from '../src/cli/io.js';
import { type Deployment, setupDeployment } from '../src/cli/simulate.js';
import { DEFAULT_TABLE_RATIO, KIND } from '../src/core/constants.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { lockSecret } from '../src/core/locked-secret.js';
import { generateReviewerKeyPair, sealToReviewers } from '../src/core/seal.js';
import { bytesToHex } from '../src/core/utils.js';
import { ClientAccount, createVoucher } from '../src/voucher/client.js';
import { DatabaseRegistry, ServerAccount, ServerDatabase } from '../src/voucher/server.js';
import { padPayload } from '../src/voucher/voucher.js';
import { type CliRun, expectOneLine, runCli } from './helpers/cli.js';
import { hash16 as item16 } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

const PASS = 'platform passphrase';
const T = 3;
const te = new TextEncoder();
const SCRYPT = { scrypt: { logN: 10, r: 8, p: 1 } };

const root = mkdtempSync(join(tmpdir(), 'qpsi-server-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], passphrase: string | undefined = PASS) =>
  runCli(args, { QPSI_PASSPHRASE: passphrase, QPSI_SCRYPT_LOG_N: '10' });
const ok = (r: CliRun) => expect(r.code, r.stderr).toBe(0);

/** What the tests need of a deployment, written into `dir`. */
interface Fixture {
  d: Deployment;
  dir: string;
  /** The database's items (each matches). */
  items: readonly Uint8Array[];
  /** The locked server database secret and reviewer key. */
  dbKey: string;
  reviewerKey: string;
  serverDb: ServerDatabase;
}

/**
 * A deployment accepted in-process: three NGOs (UK, CA, NL), rule 2, 8 qualifying 16-byte items,
 * T = 3, s_max = 4, payload size 48, a negligible synthetic rate (2^-32: no upload turns
 * synthetic). Writes trust.json, pdata.bin, manifest.bin, server-db.key and reviewer.key (both
 * locked under PASS).
 */
async function fixture(suite: Suite, name: string): Promise<Fixture> {
  const shared = Array.from({ length: 8 }, (_, i) => item16('shared', i));
  const d = await setupDeployment({
    suite,
    rule: 2,
    ngos: [
      { name: 'NGO A', jurisdiction: 'UK', items: [...shared, item16('a', 0)] },
      { name: 'NGO B', jurisdiction: 'CA', items: [...shared, item16('b', 0)] },
      { name: 'NGO C', jurisdiction: 'NL', items: [...shared.slice(0, 4), item16('c', 0)] },
    ],
    uploads: [],
    threshold: T,
    syntheticRate: 2 ** -32,
    maxSynthetics: 4,
    tableRatio: DEFAULT_TABLE_RATIO,
    payloadSize: 48,
    rng: seededRng(`cli-server-${name}`),
  });
  if (!d.db || !d.built || !d.manifest || !d.reviewer) throw new Error('fixture refused');
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const serverDb = ServerDatabase.fromBuild(d.built);
  const trust = {
    deploymentId: 'quorum-psi-simulate',
    rule: 2,
    ngos: d.trust.map((t) => ({
      name: t.name,
      jurisdiction: t.jurisdiction,
      signingPublicKey: bytesToHex(t.signingPublicKey),
    })),
  };
  writeFileSync(join(dir, 'trust.json'), JSON.stringify(trust));
  writeFileSync(join(dir, 'pdata.bin'), d.publicData);
  writeFileSync(join(dir, 'manifest.bin'), d.manifest);
  const dbKey = join(dir, 'server-db.key');
  const reviewerKey = join(dir, 'reviewer.key');
  writeFileSync(dbKey, lockSecret(KIND.serverDatabaseSecret, serverDb.toBytes(), PASS, SCRYPT));
  writeFileSync(
    reviewerKey,
    lockSecret(KIND.reviewerSecretKey, d.reviewer.secretKey, PASS, SCRYPT),
  );
  return { d, dir, items: d.built.items, dbKey, reviewerKey, serverDb };
}

/** Vouchers made in-process for `account`: ids `tag:i`, payload `payload of <id>`. */
function vouchers(
  f: Fixture,
  account: string,
  rows: { id: string; item: Uint8Array }[],
): Uint8Array[] {
  const db = f.d.db as NonNullable<Deployment['db']>;
  const acct = ClientAccount.create({ database: db, rng: seededRng(`account ${account}`) });
  return rows.map((r) =>
    createVoucher(acct, db, {
      item: r.item,
      id: te.encode(r.id),
      payload: te.encode(`payload of ${r.id}`),
      context: te.encode(account),
    }),
  );
}

/** Rows: `n` matching items then `m` items not in the database. */
function rows(f: Fixture, tag: string, n: number, m: number) {
  return [
    ...f.items.slice(0, n).map((item, i) => ({ id: `${tag}:${i}`, item })),
    ...Array.from({ length: m }, (_, i) => ({ id: `${tag}:x${i}`, item: item16('none', i) })),
  ];
}

const hex = (s: string) => bytesToHex(te.encode(s));
const ingestLines = (r: CliRun) =>
  r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const loadState = (path: string) => ServerAccount.fromBytes(new Uint8Array(readFileSync(path)));

describe.each([ristretto255Sha512, p256Sha256])(
  'the whole chain through the CLI on $name',
  (suite) => {
    it('accept → voucher → ingest → reveal → the reviewer opens exactly the matching payloads', async () => {
      const f = await fixture(suite, `chain-${suite.shortName}`);
      const p = (name: string) => join(f.dir, name);
      ok(
        await cli([
          'client',
          'accept',
          '--trust',
          p('trust.json'),
          '--state',
          p('client'),
          '--pdata',
          p('pdata.bin'),
          '--manifest',
          p('manifest.bin'),
        ]),
      );
      const uploads = [
        ...f.items.slice(0, T).map((x, i) => ({ id: `aa0${i}`, item: x, text: `evidence ${i} ✓` })),
        ...[0, 1].map((i) => ({ id: `bb0${i}`, item: item16('none', i), text: `holiday ${i}` })),
      ];
      writeFileSync(
        p('uploads.txt'),
        uploads.map((u) => `${u.id} ${bytesToHex(u.item)} ${u.text}\n`).join(''),
      );
      ok(
        await cli([
          'client',
          'voucher',
          '--state',
          p('client'),
          '--account',
          'alice',
          '--uploads',
          p('uploads.txt'),
          '--out',
          p('vouchers.bin'),
        ]),
      );
      const ingest = await cli([
        'server',
        'ingest',
        '--db',
        f.dbKey,
        '--state',
        p('server'),
        '--account',
        'alice',
        '--in',
        p('vouchers.bin'),
      ]);
      ok(ingest);
      expect(ingestLines(ingest)).toEqual(
        uploads.map((u, i) => ({
          account: 'alice',
          index: i,
          outcome: i < T ? 'match' : 'non-match',
          id: u.id,
        })),
      );
      expect(readdirSync(p('server'))).toEqual(['alice.state']);
      expect(loadState(p('server/alice.state')).candidates).toHaveLength(T);

      const reveal = await cli([
        'server',
        'reveal',
        '--state',
        p('server'),
        '--account',
        'alice',
        '--out',
        p('revealed.json'),
      ]);
      ok(reveal);
      expect(reveal.stdout).toMatch(/^account alice: revealed, 3 real matches and 0 synthetic ids/);
      const revealed = JSON.parse(readFileSync(p('revealed.json'), 'utf8'));
      expect(Object.keys(revealed)).toEqual([
        'account',
        'outcome',
        'candidates',
        'revealed',
        'syntheticIds',
      ]);
      expect(revealed).toMatchObject({ account: 'alice', outcome: 'revealed', candidates: T });
      expect(revealed.syntheticIds).toEqual([]);
      expect(revealed.revealed.map((x: { id: string }) => x.id).sort()).toEqual(
        uploads.slice(0, T).map((u) => u.id),
      );
      for (const x of revealed.revealed)
        expect(x.databaseId).toBe(bytesToHex(f.serverDb.databaseId));

      const open = await cli([
        'reviewer',
        'open',
        '--key',
        f.reviewerKey,
        '--in',
        p('revealed.json'),
        '--out',
        p('opened'),
      ]);
      ok(open);
      expect(readdirSync(p('opened')).sort()).toEqual(
        uploads.slice(0, T).map((u) => `${u.id}.payload`),
      );
      for (const u of uploads.slice(0, T))
        expect(readFileSync(p(`opened/${u.id}.payload`), 'utf8')).toBe(u.text);
      expect(open.stdout.trimEnd().split('\n').sort()).toEqual(
        uploads.slice(0, T).map((u) => `${u.id}: ${JSON.stringify(u.text)}`),
      );
    });
  },
);

describe('server ingest, reveal and reviewer open on one deployment', () => {
  let f: Fixture;
  const p = (name: string) => join(f.dir, name);
  const stream = (name: string, records: Uint8Array[]) => {
    writeFileSync(p(name), encodeFrames(records));
    return p(name);
  };
  const ingestArgs = (state: string, account: string, input: string) => [
    'server',
    'ingest',
    '--db',
    f.dbKey,
    '--state',
    state,
    '--account',
    account,
    '--in',
    input,
  ];

  beforeAll(async () => {
    f = await fixture(ristretto255Sha512, 'one');
  });

  it('below T: the reveal is an outcome (exit 0), the reviewer has nothing to open', async () => {
    const input = stream('bob.bin', vouchers(f, 'bob', rows(f, 'bob', T - 1, 2)));
    const ingest = await cli(ingestArgs(p('below'), 'bob', input));
    ok(ingest);
    expect(ingestLines(ingest).map((l) => l.outcome)).toEqual([
      'match',
      'match',
      'non-match',
      'non-match',
    ]);
    const reveal = await cli([
      'server',
      'reveal',
      '--state',
      p('below'),
      '--account',
      'bob',
      '--out',
      p('bob.json'),
    ]);
    ok(reveal);
    expect(reveal.stdout).toBe('account bob: below-threshold (2 candidates)\n');
    expect(JSON.parse(readFileSync(p('bob.json'), 'utf8'))).toEqual({
      account: 'bob',
      outcome: 'below-threshold',
      candidates: T - 1,
      revealed: [],
      syntheticIds: [],
    });
    const open = await cli([
      'reviewer',
      'open',
      '--key',
      f.reviewerKey,
      '--in',
      p('bob.json'),
      '--out',
      p('bob-opened'),
    ]);
    ok(open);
    expect(open.stdout).toMatch(/nothing to open \(outcome below-threshold\)/);
    expect(existsSync(p('bob-opened'))).toBe(false);
  });

  it('a malformed voucher in the middle spoils only its line; the others are ingested and saved', async () => {
    const vs = vouchers(f, 'carol', rows(f, 'carol', 2, 2));
    const bad = (vs[1] as Uint8Array).slice();
    bad[0] = (bad[0] as number) ^ 0xff; // not a voucher any more
    // A voucher for database version 2, which this server was not given (--db is version 1).
    const v2 = f.d.publish(2);
    const db2 = f.d.accept(v2.pdata, v2.manifest as Uint8Array);
    if (typeof db2 === 'string') throw new Error(db2);
    const acct = ClientAccount.create({ database: db2 });
    const other = createVoucher(acct, db2, {
      item: f.items[0] as Uint8Array,
      id: te.encode('carol:v2'),
      payload: new Uint8Array(0),
    });
    const input = stream('carol.bin', [vs[0], bad, vs[2], other, vs[3]] as Uint8Array[]);
    const r = await cli(ingestArgs(p('mixed'), 'carol', input));
    ok(r);
    const lines = ingestLines(r);
    expect(lines.map((l) => [l.index, l.outcome])).toEqual([
      [0, 'match'],
      [1, 'malformed'],
      [2, 'non-match'],
      [3, 'unknown-database'],
      [4, 'non-match'],
    ]);
    expect(lines[1]?.reason).toMatch(/^decode\.\S+: /);
    expect(lines[1]?.id).toBeUndefined();
    expect(lines[3]).toEqual({
      account: 'carol',
      index: 3,
      outcome: 'unknown-database',
      databaseId: bytesToHex(db2.databaseId),
    });
    const state = loadState(p('mixed/carol.state'));
    expect(state.candidates.map((c) => bytesToHex(c.id))).toEqual([hex('carol:0')]);
    expect(state.nonMatchIds.map(bytesToHex).sort()).toEqual([hex('carol:x0'), hex('carol:x1')]);
  });

  it('--in defaults to standard input (here empty: no vouchers, an empty state)', async () => {
    const r = await cli([
      'server',
      'ingest',
      '--db',
      f.dbKey,
      '--state',
      p('stdin'),
      '--account',
      'judy',
    ]);
    ok(r);
    expect(r.stdout).toBe('');
    const state = loadState(p('stdin/judy.state'));
    expect(state.candidates).toHaveLength(0);
    expect(state.threshold).toBe(T);
  });

  it('a truncated stream, a corrupted state: exit 2, one line, nothing written', async () => {
    const full = encodeFrames(vouchers(f, 'dan', rows(f, 'dan', 2, 1)));
    writeFileSync(p('dan-truncated.bin'), full.subarray(0, full.length - 10));
    // A valid state with one byte changed.
    const good = new ServerAccount({ database: f.serverDb });
    good.ingest(
      vouchers(f, 'erin', rows(f, 'erin', 1, 0))[0] as Uint8Array,
      new DatabaseRegistry().add(f.serverDb),
    );
    const corrupted = good.toBytes();
    corrupted[20] = (corrupted[20] as number) ^ 1;
    mkdirSync(p('corrupt'), { recursive: true });
    writeFileSync(p('corrupt/erin.state'), corrupted);
    const [truncated, ingestCorrupt, revealCorrupt] = await Promise.all([
      cli(ingestArgs(p('truncated'), 'dan', p('dan-truncated.bin'))),
      cli(
        ingestArgs(
          p('corrupt'),
          'erin',
          stream('erin.bin', vouchers(f, 'erin', rows(f, 'erin2', 1, 0))),
        ),
      ),
      cli([
        'server',
        'reveal',
        '--state',
        p('corrupt'),
        '--account',
        'erin',
        '--out',
        p('erin.json'),
      ]),
    ]);
    expectOneLine(truncated, /dan-truncated\.bin: record 3: truncated$/);
    expect(existsSync(p('truncated'))).toBe(false);
    expectOneLine(ingestCorrupt, /erin\.state: decode\.integrity: /);
    expectOneLine(revealCorrupt, /erin\.state: decode\.integrity: /);
    expect(new Uint8Array(readFileSync(p('corrupt/erin.state')))).toEqual(corrupted);
    expect(readdirSync(p('corrupt'))).toEqual(['erin.state']); // the lock was released
    expect(existsSync(p('erin.json'))).toBe(false);
  });

  it('one process per account: a held lock stops a second ingest; distinct accounts run in parallel', async () => {
    const dir = p('shared');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'frank.lock'), '12345\n');
    const held = await cli(
      ingestArgs(dir, 'frank', stream('frank.bin', vouchers(f, 'frank', rows(f, 'frank', 1, 0)))),
    );
    expectOneLine(
      held,
      /account frank is being ingested by another process \(.*frank\.lock; remove it if no process holds it\)/,
    );
    expect(readdirSync(dir)).toEqual(['frank.lock']); // the other process's lock is kept
    rmSync(join(dir, 'frank.lock'));

    const gina = stream('gina.bin', vouchers(f, 'gina', rows(f, 'gina', 2, 1)));
    const hugo = stream('hugo.bin', vouchers(f, 'hugo', rows(f, 'hugo', 3, 0)));
    const [g, h] = await Promise.all([
      cli(ingestArgs(dir, 'gina', gina)),
      cli(ingestArgs(dir, 'hugo', hugo)),
    ]);
    ok(g);
    ok(h);
    expect(ingestLines(g).every((l) => l.account === 'gina')).toBe(true);
    expect(ingestLines(h).map((l) => l.outcome)).toEqual(['match', 'match', 'match']);
    expect(readdirSync(dir).sort()).toEqual(['gina.state', 'hugo.state']);
    expect(loadState(join(dir, 'gina.state')).candidates.map((c) => bytesToHex(c.id))).toEqual([
      hex('gina:0'),
      hex('gina:1'),
    ]);
    expect(loadState(join(dir, 'gina.state')).nonMatchIds.map(bytesToHex)).toEqual([
      hex('gina:x0'),
    ]);
    expect(loadState(join(dir, 'hugo.state')).candidates.map((c) => bytesToHex(c.id))).toEqual([
      hex('hugo:0'),
      hex('hugo:1'),
      hex('hugo:2'),
    ]);
    // The same stream again: every voucher is a duplicate, the state keeps its candidates.
    const again = await cli(ingestArgs(dir, 'hugo', hugo));
    ok(again);
    expect(ingestLines(again).map((l) => l.outcome)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(loadState(join(dir, 'hugo.state')).candidates).toHaveLength(3);
  });

  it('the reviewer finds its slot among several; refuses a relabelled payload, another database, a wrong passphrase, an unknown field', async () => {
    // A reveal of account "ivy", made in-process as `server reveal` writes it.
    const server = new ServerAccount({ database: f.serverDb });
    const registry = new DatabaseRegistry().add(f.serverDb);
    for (const v of vouchers(f, 'ivy', rows(f, 'ivy', T, 0))) server.ingest(v, registry);
    const r = server.reveal();
    if (r.kind !== 'revealed') throw new Error(`expected a reveal, got ${r.kind}`);
    const reveal = {
      account: 'ivy',
      outcome: 'revealed',
      candidates: T,
      revealed: r.revealed.map((x) => ({
        id: bytesToHex(x.id),
        databaseId: bytesToHex(x.databaseId),
        sealed: bytesToHex(x.ad),
      })),
      syntheticIds: [],
    };
    writeFileSync(p('ivy.json'), JSON.stringify(reveal));
    writeFileSync(p('ivy-relabelled.json'), JSON.stringify({ ...reveal, account: 'mallory' }));
    writeFileSync(p('ivy-extra.json'), JSON.stringify({ ...reveal, extra: 1 }));
    // Only the last payload claims another database: the two before it open, yet none is written.
    const lastOther = reveal.revealed.map((x, i) =>
      i === T - 1 ? { ...x, databaseId: 'ff'.repeat(16) } : x,
    );
    writeFileSync(p('ivy-last.json'), JSON.stringify({ ...reveal, revealed: lastOther }));
    const open = (input: string, out: string, pass = PASS) =>
      cli(['reviewer', 'open', '--key', f.reviewerKey, '--in', p(input), '--out', p(out)], pass);
    // A payload sealed to two reviewers, this one second: its slot is found by trying each.
    const db = f.d.db as NonNullable<Deployment['db']>;
    const twoId = te.encode('two-reviewers');
    const twoBinding = { databaseId: db.databaseId, voucherId: twoId, context: te.encode('ivy') };
    const reviewers = [
      generateReviewerKeyPair(seededRng('another reviewer')).publicKey,
      (f.d.reviewer as { publicKey: Uint8Array }).publicKey,
    ];
    const sealed = sealToReviewers(
      reviewers,
      padPayload(db.params, te.encode('second slot')),
      twoBinding,
    );
    writeFileSync(
      p('ivy-two.json'),
      JSON.stringify({
        ...reveal,
        revealed: [
          {
            id: bytesToHex(twoId),
            databaseId: bytesToHex(db.databaseId),
            sealed: bytesToHex(sealed),
          },
        ],
      }),
    );
    const [relabelled, wrongPass, extra, last, two] = await Promise.all([
      open('ivy-relabelled.json', 'o1'),
      open('ivy.json', 'o2', 'not the passphrase'),
      open('ivy-extra.json', 'o3'),
      open('ivy-last.json', 'o5'),
      open('ivy-two.json', 'o6'),
    ]);
    ok(two);
    expect(two.stdout).toBe(`${bytesToHex(twoId)}: "second slot"\n`);
    expect(readFileSync(p(`o6/${bytesToHex(twoId)}.payload`), 'utf8')).toBe('second slot');
    expectOneLine(
      relabelled,
      new RegExp(
        `ivy-relabelled\\.json: id ${hex('ivy:0')}: the payload does not open with this key for account "mallory"`,
      ),
    );
    expectOneLine(wrongPass, /reviewer\.key: wrong passphrase/);
    expectOneLine(extra, /ivy-extra\.json: unknown field "extra"/);
    expectOneLine(
      last,
      new RegExp(
        `ivy-last\\.json: id ${bytesToHex(r.revealed[T - 1]?.id as Uint8Array)}: the payload does not open`,
      ),
    );
    for (const o of ['o1', 'o2', 'o3', 'o5']) expect(existsSync(p(o))).toBe(false);
    // The same file under its own account opens.
    const good = await open('ivy.json', 'o4');
    ok(good);
    expect(readdirSync(p('o4')).sort()).toEqual([0, 1, 2].map((i) => `${hex(`ivy:${i}`)}.payload`));
    expect(readFileSync(p(`o4/${hex('ivy:1')}.payload`), 'utf8')).toBe('payload of ivy:1');
  });
});

describe('--help', () => {
  it('names every flag of each command, its files and exit statuses', async () => {
    const [ingest, reveal, open] = await Promise.all([
      cli(['server', 'ingest', '--help']),
      cli(['server', 'reveal', '--help']),
      cli(['reviewer', 'open', '--help']),
    ]);
    for (const [r, words] of [
      [
        ingest,
        ['--db', '--state', '--account', '--in', 'default -', 'xargs -P', '.lock', 'Exit status'],
      ],
      [reveal, ['--state', '--account', '--out', 'below-threshold', 'Exit status']],
      [open, ['--key', '--in', '--out', '<id hex>.payload', 'Exit status']],
    ] as const) {
      ok(r);
      for (const w of words) expect(r.stdout).toContain(w);
    }
  });
});
