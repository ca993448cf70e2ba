/**
 * `quorum-psi client accept` and `client voucher` (src/cli/cmd-client.ts; issue 14), spawned
 * through test/helpers/cli.ts on files a real deployment produced in-process (NGO quorum, build,
 * audit, co-signed manifest: src/cli/simulate.ts `setupDeployment`):
 * - accept keeps the database, its manifest, the trust list and a locked account; the vouchers it
 *   then makes match exactly the database's items at the server, and their payloads open for the
 *   reviewer only under the account name given (both suites);
 * - accept refuses another deployment's manifest, untrusted signers, a changed cell, a rollback
 *   and a database announcing other pinned parameters: exit 2, one line, the state untouched;
 * - voucher checks every upload line before making any voucher, and writes nothing on failure.
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
import { decodeFrames } from '../src/cli/io.js';
import { type Deployment, setupDeployment } from '../src/cli/simulate.js';
import { DEFAULT_TABLE_RATIO, KIND } from '../src/core/constants.js';
import { p256Sha256, ristretto255Sha512, type Suite } from '../src/core/group.js';
import { readLockedHeader, unlockSecret } from '../src/core/locked-secret.js';
import { openAsReviewer } from '../src/core/seal.js';
import { generateSigningKeyPair } from '../src/core/sign.js';
import { bytesToHex, concatBytes } from '../src/core/utils.js';
import { splitPublicData } from '../src/database/pdata.js';
import { ClientAccount } from '../src/voucher/client.js';
import {
  DatabaseRegistry,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../src/voucher/server.js';
import { thrown } from './helpers/assert.js';
import { type CliRun, expectOneLine, runCli } from './helpers/cli.js';
import { hash16 as item16 } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

const PASS = 'client passphrase';
const T = 3;
const PAYLOAD_SIZE = 48;
const te = new TextEncoder();

const root = mkdtempSync(join(tmpdir(), 'qpsi-client-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], passphrase: string | undefined = PASS) =>
  runCli(args, { QPSI_PASSPHRASE: passphrase, QPSI_SCRYPT_LOG_N: '10' });
const ok = (r: CliRun) => expect(r.code, r.stderr).toBe(0);

/**
 * A deployment accepted in-process: three NGOs (UK, CA, NL), rule 2, 8 qualifying 16-byte items,
 * T = `threshold`, s_max = 4, a negligible synthetic rate (2^-32: no upload turns synthetic).
 * The signing keys depend on the seed only (they are drawn first), so two deployments of one
 * seed share a trust list.
 */
async function deployment(
  suite: Suite,
  seed: string,
  threshold = T,
  syntheticRate = 2 ** -32,
): Promise<Deployment> {
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
    threshold,
    syntheticRate,
    maxSynthetics: 4,
    tableRatio: DEFAULT_TABLE_RATIO,
    payloadSize: PAYLOAD_SIZE,
    rng: seededRng(seed),
  });
  if (!d.db || !d.built || !d.manifest || !d.reviewer) throw new Error('fixture refused');
  return d;
}

function trustJson(
  trust: Deployment['trust'],
  deploymentId = 'quorum-psi-simulate',
  rule = 2,
): string {
  return JSON.stringify({
    deploymentId,
    rule,
    ngos: trust.map((t) => ({
      name: t.name,
      jurisdiction: t.jurisdiction,
      signingPublicKey: bytesToHex(t.signingPublicKey),
    })),
  });
}

/** Write `files` (name → contents) into a new directory under the test root. */
function dirWith(name: string, files: Record<string, string | Uint8Array>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, data] of Object.entries(files)) writeFileSync(join(dir, f), data);
  return dir;
}

/** Every file of a directory and its bytes (to check a state is untouched). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f)).toString('hex');
  return out;
}

const bytes = (path: string) => new Uint8Array(readFileSync(path));

describe.each([ristretto255Sha512, p256Sha256])(
  'client accept, client voucher on $name',
  (suite) => {
    it('accepts, then makes vouchers that match exactly the database items, bound to the account name', async () => {
      const d = await deployment(suite, `cli-client-${suite.name}`);
      const built = d.built as NonNullable<Deployment['built']>;
      const dir = dirWith(`happy-${suite.shortName}`, {
        'trust.json': trustJson(d.trust),
        'pdata.bin': d.publicData,
        'manifest.bin': d.manifest as Uint8Array,
      });
      const state = join(dir, 'state');
      const a = await cli([
        'client',
        'accept',
        '--trust',
        join(dir, 'trust.json'),
        '--state',
        state,
        '--pdata',
        join(dir, 'pdata.bin'),
        '--manifest',
        join(dir, 'manifest.bin'),
      ]);
      ok(a);
      expect(a.stdout).toMatch(/^accepted database version 1 .*account created\n$/);
      expect(readdirSync(state).sort()).toEqual([
        'account.key',
        'database.manifest',
        'database.pdata',
        'trust.json',
      ]);
      expect(bytes(join(state, 'database.manifest'))).toEqual(d.manifest);
      expect(bytes(join(state, 'database.pdata'))).toEqual(d.publicData);
      const lockedBefore = bytes(join(state, 'account.key'));
      expect(readLockedHeader(lockedBefore).scrypt.logN).toBe(10);
      const accountBefore = ClientAccount.fromBytes(
        unlockSecret(lockedBefore, PASS, KIND.accountState),
      );
      expect(accountBefore.suite).toBe(suite);
      expect(accountBefore.threshold).toBe(T);

      // Uploads: the database's T items and three that are not in it, among comments and blanks.
      const matching = built.items.slice(0, T);
      const others = [0, 1, 2].map((i) => item16('not-listed', i));
      const rows = [
        ...matching.map((x, i) => ({ id: `01${i.toString(16).padStart(2, '0')}`, item: x })),
        ...others.map((x, i) => ({ id: `02${i.toString(16).padStart(2, '0')}`, item: x })),
      ].map((r, i) => ({ ...r, payload: `photo ${i}: é ${r.id}` }));
      writeFileSync(
        join(dir, 'uploads.txt'),
        `# id item payload\n\n${rows.map((r) => `${r.id} ${bytesToHex(r.item)} ${r.payload}`).join('\r\n')}\n`,
      );
      const out = join(dir, 'vouchers.bin');
      const v = await cli([
        'client',
        'voucher',
        '--state',
        state,
        '--account',
        'acct-7',
        '--uploads',
        join(dir, 'uploads.txt'),
        '--out',
        out,
      ]);
      ok(v);
      expect(v.stdout).toBe(`6 vouchers written to ${out}\n`);
      const records = decodeFrames(bytes(out), out);
      expect(records).toHaveLength(rows.length);

      // The account file: re-locked with its own work factors, the same account.
      const lockedAfter = bytes(join(state, 'account.key'));
      expect(lockedAfter).not.toEqual(lockedBefore);
      expect(readLockedHeader(lockedAfter).scrypt.logN).toBe(10);
      expect(unlockSecret(lockedAfter, PASS, KIND.accountState)).toEqual(accountBefore.toBytes());

      // At the server: the T listed items match, the others do not; at T they are revealed.
      const serverDb = ServerDatabase.fromBuild(built);
      const server = new ServerAccount({ database: serverDb });
      const registry = new DatabaseRegistry().add(serverDb);
      const outcomes = records.map((r) => server.ingest(r, registry));
      expect(outcomes.map((o) => o.kind)).toEqual([
        'match',
        'match',
        'match',
        'non-match',
        'non-match',
        'non-match',
      ]);
      expect(outcomes.map((o) => ('id' in o ? bytesToHex(o.id) : ''))).toEqual(
        rows.map((r) => r.id),
      );
      const r = server.reveal();
      if (r.kind !== 'revealed') throw new Error(`expected a reveal, got ${r.kind}`);
      expect(r.syntheticIds).toEqual([]);
      const sk = (d.reviewer as { secretKey: Uint8Array }).secretKey;
      const texts = r.revealed.map((x) => {
        const binding = { databaseId: x.databaseId, voucherId: x.id, context: te.encode('acct-7') };
        // Bound to the account name: another name does not open it.
        expect(
          thrown(() => openAsReviewer(sk, 0, x.ad, { ...binding, context: te.encode('acct-8') })),
        ).toBeDefined();
        return new TextDecoder().decode(unpadPayload(openAsReviewer(sk, 0, x.ad, binding)));
      });
      expect(texts.sort()).toEqual(rows.slice(0, T).map((x) => x.payload));
    });
  },
);

describe('client voucher records the ids it made synthetic', () => {
  it('p = 1/2: the synthetic ids are in the account file, and exactly they match at the server', async () => {
    const d = await deployment(ristretto255Sha512, 'cli-client-synthetic', T, 0.5);
    const built = d.built as NonNullable<Deployment['built']>;
    const dir = dirWith('synthetic', {
      'trust.json': trustJson(d.trust),
      'pdata.bin': d.publicData,
      'manifest.bin': d.manifest as Uint8Array,
    });
    const state = join(dir, 'state');
    ok(
      await cli([
        'client',
        'accept',
        '--trust',
        join(dir, 'trust.json'),
        '--state',
        state,
        '--pdata',
        join(dir, 'pdata.bin'),
        '--manifest',
        join(dir, 'manifest.bin'),
      ]),
    );
    // 40 items outside the database: at p = 1/2 fewer than s_max = 4 of them turn synthetic
    // with probability about 1e-8 (the account seed is fresh randomness).
    const ids = Array.from({ length: 40 }, (_, i) => `c0${i.toString(16).padStart(2, '0')}`);
    writeFileSync(
      join(dir, 'uploads.txt'),
      ids.map((id, i) => `${id} ${bytesToHex(item16('outside', i))} x\n`).join(''),
    );
    const out = join(dir, 'vouchers.bin');
    ok(
      await cli([
        'client',
        'voucher',
        '--state',
        state,
        '--account',
        'acct',
        '--uploads',
        join(dir, 'uploads.txt'),
        '--out',
        out,
      ]),
    );
    const account = ClientAccount.fromBytes(
      unlockSecret(bytes(join(state, 'account.key')), PASS, KIND.accountState),
    );
    expect(account.syntheticCount).toBe(4);
    const serverDb = ServerDatabase.fromBuild(built);
    const server = new ServerAccount({ database: serverDb });
    const registry = new DatabaseRegistry().add(serverDb);
    const matched = decodeFrames(bytes(out), out).flatMap((r) => {
      const o = server.ingest(r, registry);
      return o.kind === 'match' ? [bytesToHex(o.id)] : [];
    });
    expect(matched.sort()).toEqual(account.syntheticIds.map(bytesToHex).sort());
  });
});

describe('client accept refuses, and leaves the state untouched', () => {
  let d: Deployment;
  let dir: string;
  const pdata = () => join(dir, 'v1.pdata');
  const manifest = () => join(dir, 'v1.manifest');
  const acceptArgs = (trust: string, state: string, p: string, m: string) => [
    'client',
    'accept',
    '--trust',
    trust,
    '--state',
    state,
    '--pdata',
    p,
    '--manifest',
    m,
  ];

  beforeAll(async () => {
    d = await deployment(ristretto255Sha512, 'cli-client-refusals');
    const v2 = d.publish(2);
    const { headerBytes, cells } = splitPublicData(d.publicData);
    const changed: Uint8Array[] = cells.map((c) => c.slice());
    // Another valid point where the manifest signed cell 1.
    const suite = ristretto255Sha512;
    changed[1] = suite.encode(suite.mulBase(suite.randomScalar(seededRng('changed cell'))));
    const untrusted = d.trust.map((t) => ({
      ...t,
      signingPublicKey: generateSigningKeyPair(seededRng(`other-${t.name}`)).publicKey,
    }));
    dir = dirWith('refusals', {
      'trust.json': trustJson(d.trust),
      'trust-other-deployment.json': trustJson(d.trust, 'another-deployment'),
      'trust-untrusted.json': trustJson(untrusted),
      'v1.pdata': d.publicData,
      'v1.manifest': d.manifest as Uint8Array,
      'v2.pdata': v2.pdata,
      'v2.manifest': v2.manifest as Uint8Array,
      'cell.pdata': concatBytes(headerBytes, ...changed),
    });
  });

  it('another deployment, untrusted signers, a changed cell: nothing is written', async () => {
    const [dep, untrusted, cell] = await Promise.all([
      cli(
        acceptArgs(join(dir, 'trust-other-deployment.json'), join(dir, 's1'), pdata(), manifest()),
      ),
      cli(acceptArgs(join(dir, 'trust-untrusted.json'), join(dir, 's2'), pdata(), manifest())),
      cli(
        acceptArgs(join(dir, 'trust.json'), join(dir, 's3'), join(dir, 'cell.pdata'), manifest()),
      ),
    ]);
    expectOneLine(dep, /^quorum-psi: refused: manifest\.deployment: /);
    expectOneLine(untrusted, /^quorum-psi: refused: manifest\.quorum: .*0 distinct trusted/);
    expectOneLine(cell, /^quorum-psi: refused: manifest\.root: /);
    for (const s of ['s1', 's2', 's3']) expect(existsSync(join(dir, s))).toBe(false);
  });

  it('a rollback to version 1 after version 2 is refused; version 2 again keeps the account', async () => {
    const state = join(dir, 'rollback');
    const trust = join(dir, 'trust.json');
    const v2 = await cli(acceptArgs(trust, state, join(dir, 'v2.pdata'), join(dir, 'v2.manifest')));
    ok(v2);
    expect(v2.stdout).toMatch(/^accepted database version 2 .*account created/);
    const before = snapshot(state);
    expectOneLine(
      await cli(acceptArgs(trust, state, pdata(), manifest())),
      /^quorum-psi: refused: manifest\.rollback: .*version 1 is older than version 2/,
    );
    expect(snapshot(state)).toEqual(before);
    const again = await cli(
      acceptArgs(trust, state, join(dir, 'v2.pdata'), join(dir, 'v2.manifest')),
    );
    ok(again);
    expect(again.stdout).toMatch(/^accepted database version 2 .*account kept/);
    expect(snapshot(state)).toEqual(before);
  });

  it('a database announcing another T than the account pinned is refused', async () => {
    // Same seed: same NGO keys and deployment, version 1, but T = 4.
    const other = await deployment(ristretto255Sha512, 'cli-client-refusals', 4);
    expect(trustJson(other.trust)).toBe(trustJson(d.trust));
    writeFileSync(join(dir, 't4.pdata'), other.publicData);
    writeFileSync(join(dir, 't4.manifest'), other.manifest as Uint8Array);
    const state = join(dir, 'pinned');
    const trust = join(dir, 'trust.json');
    ok(await cli(acceptArgs(trust, state, pdata(), manifest())));
    const before = snapshot(state);
    expectOneLine(
      await cli(acceptArgs(trust, state, join(dir, 't4.pdata'), join(dir, 't4.manifest'))),
      /^quorum-psi: refused: params\.pinned: the database announces T = 4 \(account: 3\)/,
    );
    expect(snapshot(state)).toEqual(before);
  });
});

describe('client voucher checks every line first, and writes nothing on failure', () => {
  let dir: string;
  let state: string;
  let item: string;

  beforeAll(async () => {
    const d = await deployment(ristretto255Sha512, 'cli-client-voucher-input');
    item = bytesToHex((d.built as NonNullable<Deployment['built']>).items[0] as Uint8Array);
    dir = dirWith('voucher-input', {
      'trust.json': trustJson(d.trust),
      'pdata.bin': d.publicData,
      'manifest.bin': d.manifest as Uint8Array,
    });
    state = join(dir, 'state');
    ok(
      await cli([
        'client',
        'accept',
        '--trust',
        join(dir, 'trust.json'),
        '--state',
        state,
        '--pdata',
        join(dir, 'pdata.bin'),
        '--manifest',
        join(dir, 'manifest.bin'),
      ]),
    );
  });

  it('bad lines, a bad name, a wrong passphrase, an existing output, no database: exit 2, one line', async () => {
    const good = `0001 ${item} first\n0002 ${item} second\n`;
    const cases: {
      name: string;
      uploads: string;
      account?: string;
      pass?: string;
      message: RegExp;
    }[] = [
      {
        name: 'hex',
        uploads: `${good}00zz ${item} x\n`,
        message: /hex\.txt:3: id: not a hex string/,
      },
      {
        name: 'width',
        uploads: `0001 ${item.slice(2)} x\n`,
        message: /width\.txt:1: item is 15 bytes; this database's items are 16 bytes/,
      },
      {
        name: 'payload',
        uploads: `# header\n0001 ${item} ${'x'.repeat(PAYLOAD_SIZE + 1)}\n`,
        message: /payload\.txt:2: payload is 49 bytes; this database allows 48/,
      },
      {
        name: 'duplicate',
        uploads: `${good}\n0001 ${item} again\n`,
        message: /duplicate\.txt:4: id 0001 already used on line 1/,
      },
      { name: 'fields', uploads: `0001\n`, message: /fields\.txt:1: expected "ID_HEX ITEM_HEX/ },
      { name: 'empty', uploads: `# nothing\n\n`, message: /empty\.txt: no uploads/ },
      {
        name: 'account',
        uploads: good,
        account: '../x',
        message: /--account: account name must be/,
      },
      {
        name: 'passphrase',
        uploads: good,
        pass: 'not the passphrase',
        message: /account\.key: wrong passphrase/,
      },
    ];
    const before = snapshot(state);
    const runs = await Promise.all(
      cases.map((c) => {
        const file = join(dir, `${c.name}.txt`);
        writeFileSync(file, c.uploads);
        return cli(
          [
            'client',
            'voucher',
            '--state',
            state,
            '--account',
            c.account ?? 'acct',
            '--uploads',
            file,
            '--out',
            join(dir, `${c.name}.bin`),
          ],
          c.pass ?? PASS,
        );
      }),
    );
    runs.forEach((r, i) => {
      expectOneLine(r, (cases[i] as (typeof cases)[number]).message);
    });
    for (const c of cases) expect(existsSync(join(dir, `${c.name}.bin`))).toBe(false);
    expect(snapshot(state)).toEqual(before);

    writeFileSync(join(dir, 'exists.bin'), 'already here');
    const [exists, noDb] = await Promise.all([
      cli([
        'client',
        'voucher',
        '--state',
        state,
        '--account',
        'acct',
        '--uploads',
        join(dir, 'duplicate.txt'),
        '--out',
        join(dir, 'exists.bin'),
      ]),
      cli([
        'client',
        'voucher',
        '--state',
        join(dir, 'nothing'),
        '--account',
        'acct',
        '--uploads',
        join(dir, 'duplicate.txt'),
        '--out',
        join(dir, 'no-db.bin'),
      ]),
    ]);
    expectOneLine(exists, /exists\.bin already exists \(not overwritten\)/);
    expect(readFileSync(join(dir, 'exists.bin'), 'utf8')).toBe('already here');
    expectOneLine(noDb, /no accepted database .*run "quorum-psi client accept" first/);
    expect(existsSync(join(dir, 'no-db.bin'))).toBe(false);
    expect(snapshot(state)).toEqual(before);
  });
});

describe('--help', () => {
  it('names every flag of each client command, its files and exit statuses', async () => {
    const [accept, voucher] = await Promise.all([
      cli(['client', 'accept', '--help']),
      cli(['client', 'voucher', '--help']),
    ]);
    ok(accept);
    ok(voucher);
    for (const f of ['--trust', '--state', '--pdata', '--manifest', 'account.key', 'Exit status'])
      expect(accept.stdout).toContain(f);
    for (const f of [
      '--state',
      '--account',
      '--uploads',
      '--out',
      'ID_HEX ITEM_HEX',
      'Exit status',
    ])
      expect(voucher.stdout).toContain(f);
  });
});
