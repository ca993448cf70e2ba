/**
 * `quorum-psi build`, `audit`, `manifest assemble`, `manifest verify` (src/cli/cmd-database.ts;
 * issue 14): the database steps as files between parties. The NGO quorum runs in-process (real
 * signed contributions); every database step is the spawned CLI (test/helpers/cli.ts). Checks
 * the happy path on both suites, the auditor's rollback protection through its state file, and
 * that every refusal is exit 2 with one line on stderr and nothing written.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson } from '../src/cli/io.js';
import { AUDITOR_STATE_LABEL, KIND, PROTOCOL_VERSION } from '../src/core/constants.js';
import type { Suite } from '../src/core/group.js';
import { lockSecret, unlockSecret } from '../src/core/locked-secret.js';
import { p256Sha256 } from '../src/core/p256.js';
import { ristretto255Sha512 } from '../src/core/ristretto255.js';
import { generateReviewerKeyPair } from '../src/core/seal.js';
import { generateSigningKeyPair, type SigningKeyPair } from '../src/core/sign.js';
import { appendChecksum, verifyChecksum } from '../src/core/state.js';
import { bytesToHex, concatBytes, equalBytes } from '../src/core/utils.js';
import {
  acceptDatabase,
  decodeManifest,
  encodeManifest,
  encodeManifestBody,
  type ManifestBody,
  signManifest,
} from '../src/database/manifest.js';
import { decodeHeader, splitPublicData } from '../src/database/pdata.js';
import {
  createQuorumRoster,
  NgoParty,
  runQuorumLocally,
  startRunLocally,
} from '../src/quorum/ngo.js';
import { ServerDatabase } from '../src/voucher/server.js';
import { type CliRun, expectOneLine, runCli } from './helpers/cli.js';
import { threeLists } from './helpers/quorum.js';
import { seededRng } from './helpers/rng.js';

const te = new TextEncoder();
const DAY = 86_400;
const SCRYPT_TEST = { logN: 10, r: 8, p: 1 };
const BUILDER_PASS = 'builder passphrase';

const root = mkdtempSync(join(tmpdir(), 'qpsi-cli-db-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** One NGO: name, jurisdiction, signing key, passphrase of its locked files. */
interface Ngo {
  name: string;
  jurisdiction: string;
  kp: SigningKeyPair;
  pass: string;
  key: string;
}

/**
 * A deployment on disk: roster.json, run.json, three real contributions from an in-process
 * quorum run (15 items held by ≥ 2 of 3 jurisdictions), params.json, policy.json, trust.json
 * and each NGO's locked signing key.
 */
function deployment(suite: Suite) {
  const dir = join(root, suite.shortName);
  mkdirSync(dir);
  const file = (name: string) => join(dir, name);
  const rng = seededRng(`cli-database ${suite.shortName}`);
  const ngos: Ngo[] = [
    ['Alpha', 'UK'],
    ['Beta', 'CA'],
    ['Gamma', 'NL'],
  ].map(([name, jurisdiction]) => ({
    name: name as string,
    jurisdiction: jurisdiction as string,
    kp: generateSigningKeyPair(rng),
    pass: `${name} passphrase`,
    key: file(`${(name as string).toLowerCase()}.key`),
  }));
  const deploymentId = `cli-db-${suite.shortName}`;
  const roster = createQuorumRoster({
    suite,
    deploymentId: te.encode(deploymentId),
    m: 2,
    itemWidth: 16,
    members: ngos.map((n) => ({ jurisdiction: n.jurisdiction, signingPublicKey: n.kp.publicKey })),
  });
  const sks = ngos.map((n) => n.kp.secretKey);
  const { config, runId, runNonces } = startRunLocally(roster, sks, { rng });
  const lists = threeLists(10, 5, 6);
  const parties = [lists.A, lists.B, lists.C].map(
    (items, i) => new NgoParty(config, i, sks[i] as Uint8Array, items, rng),
  );
  const { contributions } = runQuorumLocally(parties);
  const reviewer = generateReviewerKeyPair(rng);
  const json = (name: string, v: unknown) => {
    writeFileSync(file(name), `${JSON.stringify(v, null, 2)}\n`);
    return file(name);
  };
  const policy = (reviewerKey: Uint8Array) => ({
    reviewerKeys: [bytesToHex(reviewerKey)],
    threshold: { min: 2, max: 10 },
    maxSynthetics: { min: 1, max: 10 },
    syntheticRate: { min: 0.01, max: 0.1 },
    payloadSize: { min: 32, max: 128 },
    tableRatio: { min: 1.23, max: 2 },
    maxValidityDays: 30,
  });
  const trust = (id: string) => ({
    deploymentId: id,
    rule: 2,
    ngos: ngos.map((n) => ({
      name: n.name,
      jurisdiction: n.jurisdiction,
      signingPublicKey: bytesToHex(n.kp.publicKey),
    })),
  });
  for (const n of ngos) {
    writeFileSync(
      n.key,
      lockSecret(KIND.signingSecretKey, n.kp.secretKey, n.pass, { scrypt: SCRYPT_TEST }),
    );
  }
  writeFileSync(file('run.json'), runJson(runId, runNonces));
  return {
    suite,
    dir,
    file,
    ngos,
    deploymentId,
    runId,
    contributions: contributions.map((c, i) => {
      writeFileSync(file(`contribution-${i}.bin`), c);
      return file(`contribution-${i}.bin`);
    }),
    roster: json('roster.json', {
      suite: suite.shortName,
      deploymentId,
      rule: 2,
      itemWidth: 16,
      members: ngos.map((n) => ({
        jurisdiction: n.jurisdiction,
        signingPublicKey: bytesToHex(n.kp.publicKey),
      })),
    }),
    run: file('run.json'),
    params: json('params.json', {
      threshold: 3,
      maxSynthetics: 5,
      syntheticRate: 0.05,
      payloadSize: 64,
      reviewerKeys: [bytesToHex(reviewer.publicKey)],
    }),
    policy: json('policy.json', policy(reviewer.publicKey)),
    otherReviewerPolicy: json('policy-other.json', policy(generateReviewerKeyPair(rng).publicKey)),
    trust: json('trust.json', trust(deploymentId)),
    otherDeploymentTrust: json('trust-other.json', trust('another deployment')),
  };
}
type World = ReturnType<typeof deployment>;

const cli = (args: string[], passphrase?: string) =>
  runCli(args, { QPSI_PASSPHRASE: passphrase, QPSI_SCRYPT_LOG_N: '10' });

/** Exit 2 with exactly one line on stderr, `quorum-psi: …`, matching `message`. */
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

/** A manifest body file, decoded by the library (wrapped as a manifest without signatures). */
const bodyOf = (bytes: Uint8Array): ManifestBody => decodeManifest(encodeManifest(bytes, [])).body;

/** An auditor state file decoded by hand from its documented layout; checks its checksum. */
function auditorState(path: string): { deploymentId: string; version: number } {
  const body = verifyChecksum(
    'auditor state',
    AUDITOR_STATE_LABEL,
    bytesOf(path),
    KIND.auditorState,
  );
  expect([...body.subarray(0, 5)]).toEqual([0x51, 0x50, KIND.auditorState, PROTOCOL_VERSION, 0]);
  const n = body[5] as number;
  expect(body.length).toBe(6 + n + 8);
  return {
    deploymentId: new TextDecoder().decode(body.subarray(6, 6 + n)),
    version: Number(new DataView(body.buffer, body.byteOffset).getBigUint64(6 + n)),
  };
}

/** `build` into `dir` (version `version`). */
function build(w: World, out: string, version = 1, extra: string[] = []) {
  return cli(
    [
      'build',
      '--roster',
      w.roster,
      '--run',
      w.run,
      ...w.contributions.flatMap((c) => ['--contribution', c]),
      '--params',
      w.params,
      '--version',
      String(version),
      '--out',
      out,
      ...extra,
    ],
    BUILDER_PASS,
  );
}

interface AuditFiles {
  pdata: string;
  bundle: string;
  body: string;
}
const built = (dir: string): AuditFiles => ({
  pdata: join(dir, 'pdata.bin'),
  bundle: join(dir, 'audit-bundle.bin'),
  body: join(dir, 'manifest-body.bin'),
});

/** `audit` by `ngo` of the files in `db`, with its state `state`, into `out`. */
function audit(
  w: World,
  ngo: Ngo,
  db: AuditFiles,
  state: string,
  out: string,
  opts: { policy?: string; pass?: string } = {},
) {
  return cli(
    [
      'audit',
      '--roster',
      w.roster,
      '--run',
      w.run,
      '--policy',
      opts.policy ?? w.policy,
      '--key',
      ngo.key,
      '--state',
      state,
      '--pdata',
      db.pdata,
      '--bundle',
      db.bundle,
      '--body',
      db.body,
      '--out',
      out,
    ],
    opts.pass ?? ngo.pass,
  );
}

const assemble = (w: World, body: string, signed: string[], out: string) =>
  cli([
    'manifest',
    'assemble',
    '--trust',
    w.trust,
    '--body',
    body,
    ...signed.flatMap((s) => ['--signed', s]),
    '--out',
    out,
  ]);

const verify = (trust: string, pdata: string, manifest: string, extra: string[] = []) =>
  cli(['manifest', 'verify', '--trust', trust, '--pdata', pdata, '--manifest', manifest, ...extra]);

/** Write a one-signature manifest over `body` by `kp` (what `audit` writes), in-process. */
function signedBy(path: string, body: Uint8Array, kp: SigningKeyPair): string {
  writeFileSync(
    path,
    encodeManifest(body, [
      { publicKey: kp.publicKey, signature: signManifest(kp.secretKey, body) },
    ]),
  );
  return path;
}

/** The proposed body of `db` with some fields changed, written to `path`. */
function alteredBody(db: AuditFiles, path: string, change: Partial<ManifestBody>): AuditFiles {
  writeFileSync(path, encodeManifestBody({ ...bodyOf(bytesOf(db.body)), ...change }));
  return { ...db, body: path };
}

// ── Fixtures ──────────────────────────────────────────────────────────────────────────────────

const SLOW = { timeout: 120_000 };
let R: World;
let P: World;
/** The ristretto255 deployment's version-1 build, shared by the tests that only read it. */
let db1: AuditFiles;
let db1Build: CliRun;

beforeAll(async () => {
  R = deployment(ristretto255Sha512);
  P = deployment(p256Sha256);
  db1Build = await build(R, R.file('db1'));
  expect(db1Build.code, db1Build.stderr).toBe(0);
  db1 = built(R.file('db1'));
}, 120_000);

// ── Tests ─────────────────────────────────────────────────────────────────────────────────────

describe.concurrent('build → audit ×2 → manifest assemble → manifest verify', SLOW, () => {
  it('ristretto255: a client accepts; each auditor state moves to version 1 and refuses it again', async () => {
    const w = R;
    const [alpha, beta] = w.ngos as [Ngo, Ngo];
    // build (beforeAll): the summary line, the four files, the locked server secret.
    const pdata = bytesOf(db1.pdata);
    const body = bodyOf(bytesOf(db1.body));
    expect(db1Build.stdout).toBe(
      `built version 1: 15 items in ${splitPublicData(pdata).cells.length} cells, 0 dropped; database id ${bytesToHex(body.databaseId)}, root ${bytesToHex(body.root)} (in ${R.file('db1')})\n`,
    );
    const { header, cells } = splitPublicData(pdata);
    expect(body).toMatchObject({ version: 1, rule: 2, suite: w.suite });
    expect(bytesToHex(body.runId)).toBe(bytesToHex(w.runId));
    expect(new TextDecoder().decode(body.deploymentId)).toBe(w.deploymentId);
    expect(equalBytes(body.pdataHeader, pdata.subarray(0, decodeHeader(pdata).length))).toBe(true);
    expect(body.notAfter - body.notBefore).toBe(30 * DAY + 60);
    expect(Math.abs(body.notBefore + 60 - Date.now() / 1000)).toBeLessThan(120);
    expect(header.params).toMatchObject({ threshold: 3, sMax: 5, payloadSize: 64 });
    const keyFile = w.file('db1/server-db.key');
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    const server = ServerDatabase.fromBytes(
      unlockSecret(bytesOf(keyFile), BUILDER_PASS, KIND.serverDatabaseSecret),
    );
    expect(bytesToHex(server.databaseId)).toBe(bytesToHex(body.databaseId));

    // Two NGOs audit, each with its own key and state.
    const states = [w.file('alpha.state'), w.file('beta.state')];
    const signed = [w.file('alpha-signed.bin'), w.file('beta-signed.bin')];
    const audits = await Promise.all([
      audit(w, alpha, db1, states[0] as string, signed[0] as string),
      audit(w, beta, db1, states[1] as string, signed[1] as string),
    ]);
    for (const [i, a] of audits.entries()) {
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toMatch(
        new RegExp(`^audit ok: signed version 1 of database ${bytesToHex(body.databaseId)} `),
      );
      expect(auditorState(states[i] as string)).toEqual({
        deploymentId: w.deploymentId,
        version: 1,
      });
      const m = decodeManifest(bytesOf(signed[i] as string));
      expect(equalBytes(m.bodyBytes, bytesOf(db1.body))).toBe(true);
      expect(m.signatures.map((s) => bytesToHex(s.publicKey))).toEqual([
        bytesToHex((w.ngos[i] as Ngo).kp.publicKey),
      ]);
    }

    // Assemble and verify; the client library accepts the result too.
    const manifest = w.file('manifest.bin');
    const asm = await assemble(w, db1.body, signed, manifest);
    expect(asm.code, asm.stderr).toBe(0);
    expect(asm.stdout).toMatch(/signed by Alpha \(UK\), Beta \(CA\)/);
    const accepted = acceptDatabase(pdata, bytesOf(manifest), {
      trust: w.ngos.map((n) => ({
        jurisdiction: n.jurisdiction,
        signingPublicKey: n.kp.publicKey,
      })),
      m: 2,
      deploymentId: te.encode(w.deploymentId),
      minVersion: 1,
    });
    expect(accepted.accepted.version).toBe(1);
    expect(cells.length).toBeGreaterThan(15);

    const [ok, rollback, again] = await Promise.all([
      verify(w.trust, db1.pdata, manifest),
      verify(w.trust, db1.pdata, manifest, ['--min-version', '2']),
      // The state says version 1 was signed: a second signature for version 1 is refused.
      audit(w, alpha, db1, states[0] as string, w.file('alpha-signed-again.bin')),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^accepted: version 1 of deployment "${w.deploymentId}", database ${bytesToHex(body.databaseId)}, valid until .*; signed by Alpha \\(UK\\), Beta \\(CA\\)\\n$`,
      ),
    );
    expectOneLine(rollback, /^quorum-psi: refused: manifest\.rollback: /);
    expectOneLine(again, /audit FAILED \(policy\): database version 1 is not above version 1/);
    expect(existsSync(w.file('alpha-signed-again.bin'))).toBe(false);
    expect(auditorState(states[0] as string).version).toBe(1);
  });

  it('p256: build, two audits, assemble and verify', async () => {
    const w = P;
    const [, beta, gamma] = w.ngos as [Ngo, Ngo, Ngo];
    const b = await build(w, w.file('db'), 7);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(
      /^built version 7: 15 items in \d+ cells, 0 dropped; database id [0-9a-f]{32}, root [0-9a-f]{64} /,
    );
    const db = built(w.file('db'));
    const audits = await Promise.all([
      audit(w, beta, db, w.file('beta.state'), w.file('beta-signed.bin')),
      audit(w, gamma, db, w.file('gamma.state'), w.file('gamma-signed.bin')),
    ]);
    for (const a of audits) expect(a.code, a.stderr).toBe(0);
    expect(auditorState(w.file('gamma.state')).version).toBe(7);
    const asm = await assemble(
      w,
      db.body,
      [w.file('beta-signed.bin'), w.file('gamma-signed.bin')],
      w.file('manifest.bin'),
    );
    expect(asm.code, asm.stderr).toBe(0);
    const v = await verify(w.trust, db.pdata, w.file('manifest.bin'), ['--min-version', '7']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^accepted: version 7 .*signed by Beta \(CA\), Gamma \(NL\)\n$/);
  });
});

describe.concurrent('audit refuses: exit 2, one line, no signature, state untouched', SLOW, () => {
  const alpha = () => R.ngos[0] as Ngo;
  /** Audit by Alpha into fresh files named `tag`; asserts nothing was written. */
  async function refused(tag: string, db: AuditFiles, message: RegExp, opts = {}) {
    const state = R.file(`${tag}.state`);
    const out = R.file(`${tag}-signed.bin`);
    expectOneLine(await audit(R, alpha(), db, state, out, opts), message);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(state)).toBe(false);
  }

  it('a policy naming another reviewer key', async () => {
    await refused(
      'other-reviewer',
      db1,
      /^quorum-psi: audit FAILED \(policy\): the header names 1 reviewer key\(s\) the NGOs did not agree on/,
      { policy: R.otherReviewerPolicy },
    );
  });

  it('a wrong passphrase', async () => {
    await refused('wrong-pass', db1, /alpha\.key: wrong passphrase/, {
      pass: (R.ngos[1] as Ngo).pass,
    });
  });

  it('public data with one cell byte changed', async () => {
    const pdata = bytesOf(db1.pdata);
    const at = decodeHeader(pdata).length + 5;
    pdata[at] = (pdata[at] as number) ^ 0x01;
    writeFileSync(R.file('tampered-pdata.bin'), pdata);
    await refused(
      'tampered',
      { ...db1, pdata: R.file('tampered-pdata.bin') },
      /^quorum-psi: audit FAILED \((cell-decode|proof)\): /,
    );
  });

  it('a proposed body with another root, version or window than audited', async () => {
    const body = bodyOf(bytesOf(db1.body));
    const now = Math.floor(Date.now() / 1000);
    await Promise.all([
      refused(
        'other-root',
        alteredBody(db1, R.file('body-root.bin'), { root: new Uint8Array(32).fill(7) }),
        /audit FAILED \(root\): recomputed root differs from the claimed root/,
      ),
      refused(
        'other-version',
        alteredBody(db1, R.file('body-version.bin'), { version: 2 }),
        /body-version\.bin: the proposed manifest body is not the one audited \(version \(2, audited 1\) differs\)/,
      ),
      refused(
        'long-window',
        alteredBody(db1, R.file('body-window.bin'), { notAfter: now + 40 * DAY }),
        /body-window\.bin: the proposed validity window ends in 40\.0 days; this NGO's policy signs at most 30/,
      ),
      refused(
        'ended-window',
        alteredBody(db1, R.file('body-ended.bin'), {
          notBefore: body.notBefore - 9 * DAY,
          notAfter: now - DAY,
        }),
        /the proposed validity window ended at /,
      ),
    ]);
  });

  it('files of another kind, a missing file, a state of another deployment', async () => {
    const other = R.file('other-deployment.state');
    const stateBody = concatBytes(
      Uint8Array.of(0x51, 0x50, KIND.auditorState, PROTOCOL_VERSION, 0, 5),
      te.encode('other'),
      Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 3), // last signed version 3
    );
    writeFileSync(other, appendChecksum(AUDITOR_STATE_LABEL, stateBody));
    const run = (db: AuditFiles, state: string, out: string) => audit(R, alpha(), db, state, out);
    const [bundleAsPdata, missing, otherState, keyAsState] = await Promise.all([
      run({ ...db1, pdata: db1.bundle }, R.file('k1.state'), R.file('k1-signed.bin')),
      run({ ...db1, bundle: R.file('nope.bin') }, R.file('k2.state'), R.file('k2-signed.bin')),
      run(db1, other, R.file('k3-signed.bin')),
      run(db1, alpha().key, R.file('k4-signed.bin')),
    ]);
    expectOneLine(
      bundleAsPdata,
      /audit-bundle\.bin: decode\.kind: .*audit bundle, not public data/,
    );
    expectOneLine(missing, /cannot read audit bundle .*nope\.bin: ENOENT/);
    expectOneLine(
      otherState,
      /other-deployment\.state: the state of deployment "other", not "cli-db-/,
    );
    expectOneLine(keyAsState, /alpha\.key: decode\.integrity: auditor state: checksum mismatch/);
    for (const i of [1, 2, 3, 4]) expect(existsSync(R.file(`k${i}-signed.bin`))).toBe(false);
    expect(existsSync(R.file('k1.state')) || existsSync(R.file('k2.state'))).toBe(false);
    expect(auditorState(other).version).toBe(3);
  });
});

describe.concurrent('manifest assemble and verify refuse', SLOW, () => {
  const ngo = (i: number) => R.ngos[i] as Ngo;
  it('a signature over another body, an untrusted key, too few jurisdictions, a wrong file', async () => {
    const body = bytesOf(db1.body);
    const otherBody = encodeManifestBody({ ...bodyOf(body), version: 9 });
    const alphaOk = signedBy(R.file('asm-alpha.bin'), body, ngo(0).kp);
    const betaOther = signedBy(R.file('asm-beta-other.bin'), otherBody, ngo(1).kp);
    const stranger = signedBy(R.file('asm-stranger.bin'), body, generateSigningKeyPair());
    const outs = [1, 2, 3, 4].map((i) => R.file(`asm-out-${i}.bin`));
    const [other, untrusted, few, wrongKind] = await Promise.all([
      assemble(R, db1.body, [alphaOk, betaOther], outs[0] as string),
      assemble(R, db1.body, [alphaOk, stranger], outs[1] as string),
      assemble(R, db1.body, [alphaOk], outs[2] as string),
      assemble(R, db1.body, [alphaOk, R.contributions[1] as string], outs[3] as string),
    ]);
    expectOneLine(
      other,
      /asm-beta-other\.bin: signs another manifest body than .*manifest-body\.bin/,
    );
    expectOneLine(
      untrusted,
      /asm-stranger\.bin: signed by key [0-9a-f]{64}, which is not in the trust list/,
    );
    expectOneLine(
      few,
      /only 1 distinct jurisdiction\(s\) signed \(UK\); the trust list's rule needs 2/,
    );
    expectOneLine(wrongKind, /contribution-1\.bin: decode\.[a-z]+: /);
    for (const o of outs) expect(existsSync(o)).toBe(false);
  });

  it('verify: a manifest of another deployment, files of another kind', async () => {
    const body = bytesOf(db1.body);
    const manifest = R.file('verify-manifest.bin');
    writeFileSync(
      manifest,
      encodeManifest(
        body,
        [ngo(0), ngo(2)].map((n) => ({
          publicKey: n.kp.publicKey,
          signature: signManifest(n.kp.secretKey, body),
        })),
      ),
    );
    const [ok, otherDeployment, pdataAsManifest, bundleAsPdata] = await Promise.all([
      verify(R.trust, db1.pdata, manifest),
      verify(R.otherDeploymentTrust, db1.pdata, manifest),
      verify(R.trust, db1.pdata, db1.pdata),
      verify(R.trust, db1.bundle, manifest),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/signed by Alpha \(UK\), Gamma \(NL\)\n$/);
    expectOneLine(otherDeployment, /^quorum-psi: refused: manifest\.deployment: /);
    expectOneLine(pdataAsManifest, /db1\/pdata\.bin: decode\.[a-z]+: manifest/);
    expectOneLine(
      bundleAsPdata,
      /audit-bundle\.bin: decode\.kind: .*audit bundle, not public data/,
    );
  });
});

describe.concurrent('build refuses, and every command documents its flags', SLOW, () => {
  it('build: a missing contribution or an existing output is one line, nothing written', async () => {
    const out = R.file('build-missing');
    const missing = await cli(
      [
        'build',
        '--roster',
        R.roster,
        '--run',
        R.run,
        '--contribution',
        R.file('no-such-contribution.bin'),
        '--params',
        R.params,
        '--version',
        '1',
        '--out',
        out,
      ],
      BUILDER_PASS,
    );
    expectOneLine(missing, /cannot read contribution .*no-such-contribution\.bin: ENOENT/);
    expect(existsSync(out)).toBe(false);
    const before = bytesOf(db1.pdata);
    expectOneLine(
      await build(R, R.file('db1')),
      /db1\/pdata\.bin already exists \(not overwritten\)/,
    );
    expect(equalBytes(bytesOf(db1.pdata), before)).toBe(true);
  });

  it('--help of build, audit, manifest assemble and manifest verify names every flag', async () => {
    const flags: Record<string, string[]> = {
      build: ['roster', 'run', 'contribution', 'params', 'version', 'out', 'workers', 'quiet'],
      audit: [
        'roster',
        'run',
        'policy',
        'key',
        'state',
        'pdata',
        'bundle',
        'body',
        'out',
        'workers',
        'quiet',
      ],
      'manifest assemble': ['trust', 'body', 'signed', 'out'],
      'manifest verify': ['trust', 'pdata', 'manifest', 'min-version'],
    };
    const runs = await Promise.all(Object.keys(flags).map((c) => cli([...c.split(' '), '--help'])));
    for (const [i, [command, names]] of Object.entries(flags).entries()) {
      const r = runs[i] as CliRun;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: quorum-psi ${command} `));
      expect(r.stdout).toMatch(/Exit status: 0 .* 2 /s);
      for (const n of names) expect(r.stdout).toContain(`--${n} `);
    }
  });
});
