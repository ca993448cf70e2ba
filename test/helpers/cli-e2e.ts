/**
 * The multi-process end-to-end run (issue 14): three NGOs, the builder, two auditors, a client,
 * the server and the reviewer, each a separate `quorum-psi` invocation in its own directory, with
 * its own passphrase, exchanging only files. Used by test/cli-e2e-*.test.ts, one file per suite
 * so that vitest runs the suites side by side.
 *
 * Every party writes into its own directory; another party reads what it was sent from there
 * (as if the file had been mailed). The ground truth (which items at least `m` NGOs hold, which
 * uploads match) is computed here by brute force.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliRun, expectOneLine, runCli } from './cli.js';

export const T = 3;
export const M = 2;
export const JURISDICTIONS = ['UK', 'CA', 'NL'] as const;
type J = (typeof JURISDICTIONS)[number];

const h16 = (tag: string) =>
  createHash('sha256').update(`cli-e2e/${tag}`).digest('hex').slice(0, 32);
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => h16(`${tag}/${i}`));

/** The NGOs' lists: `all` held by the three, `ukca` by two, the rest by one. */
export const LISTS: Record<J, string[]> = (() => {
  const all = range('all', 4);
  const ukca = range('ukca', 3);
  return {
    UK: [...all, ...ukca, ...range('uk', 4)],
    CA: [...all, ...ukca, ...range('ca', 4)],
    NL: [...all, ...range('nl', 4)],
  };
})();

/** Items held by at least M jurisdictions (brute force). */
export const QUALIFYING: string[] = (() => {
  const count = new Map<string, number>();
  for (const j of JURISDICTIONS) for (const x of LISTS[j]) count.set(x, (count.get(x) ?? 0) + 1);
  return [...count]
    .filter(([, c]) => c >= M)
    .map(([x]) => x)
    .sort();
})();

/**
 * A party's passphrase: each organisation has its own. The builder and the server are both the
 * platform: the server unlocks the database secret its build system locked.
 */
export const pass = (party: string) =>
  `passphrase of ${party === 'builder' || party === 'server' ? 'the platform' : party}`;

/** Run the CLI as `party` (its passphrase; cheap scrypt for the test). */
export function as(party: string, args: string[]): Promise<CliRun> {
  return runCli(args, { QPSI_PASSPHRASE: pass(party), QPSI_SCRYPT_LOG_N: '10' });
}

/** Expect success; returns stdout. */
export async function ok(party: string, args: string[]): Promise<string> {
  const r = await as(party, args);
  expect(r.stderr, `${party}: quorum-psi ${args.join(' ')}`).toBe('');
  expect(r.code, `${party}: quorum-psi ${args.join(' ')}`).toBe(0);
  return r.stdout;
}

/**
 * Expect a refusal: exit 2, exactly one line on stderr matching `message`, and none of `outputs`
 * written.
 */
export async function refused(
  party: string,
  args: string[],
  message: RegExp,
  outputs: readonly string[] = [],
): Promise<string> {
  const r = await as(party, args);
  expectOneLine(r, message);
  for (const o of outputs) expect(existsSync(o), `${o} must not be written`).toBe(false);
  return r.stderr.trim();
}

/** A byte-flipped copy of `from` written to `to` (at `at`, from the end when negative). */
export function flipped(from: string, to: string, at: number): string {
  const b = readFileSync(from);
  const i = at < 0 ? b.length + at : at;
  b[i] = (b[i] as number) ^ 0x01;
  writeFileSync(to, b);
  return to;
}

/** Everything the happy path leaves behind, for the tamper cases. */
export interface E2eWorld {
  readonly root: string;
  readonly dir: (party: string) => string;
  readonly ngo: Record<J, string>;
  readonly files: {
    readonly roster: string;
    readonly run: string;
    readonly trust: string;
    readonly board: string;
    readonly build: string;
    readonly params: Record<string, unknown>;
    readonly commitmentFlags: string[];
    readonly contributionFlags: string[];
    /** `owner:stage` → the file of that stage of that list. */
    readonly chains: Record<string, string>;
  };
}

/** Ring order: stage t of list i is made by NGO (i + t) mod 3. */
const next = (i: number, t: number) => JURISDICTIONS[(i + t) % 3] as J;

/**
 * The whole protocol through the CLI for `suite`, checking each party's output on the way, and
 * the reveal at exactly T. Returns the directories for the tamper cases.
 */
export async function happyPath(root: string, suite: 'ristretto255' | 'p256'): Promise<E2eWorld> {
  const dir = (party: string) => {
    const d = join(root, party);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const ngo = Object.fromEntries(JURISDICTIONS.map((j) => [j, dir(`ngo-${j}`)])) as Record<
    J,
    string
  >;
  const pub = (path: string) => readFileSync(path, 'utf8').trim();

  // ── Keys: each party makes its own and hands on the public half ──────────────────────────
  for (const j of JURISDICTIONS) {
    await ok(`ngo-${j}`, ['keygen', 'ngo', '--out', ngo[j]]);
    writeFileSync(join(ngo[j], 'list.txt'), `# ${j}'s list\n${LISTS[j].join('\n')}\n`);
  }
  const auditors = ['UK', 'CA'] as const;
  for (const j of auditors)
    await ok(`auditor-${j}`, ['keygen', 'auditor', '--out', dir(`auditor-${j}`)]);
  await ok('reviewer', ['keygen', 'reviewer', '--out', dir('reviewer')]);
  const reviewerKey = pub(join(dir('reviewer'), 'reviewer.pub'));

  // ── What the NGOs agreed on (each keeps its own copy) ─────────────────────────────────────
  const roster = {
    suite,
    deploymentId: `e2e-${suite}`,
    rule: M,
    itemWidth: 16,
    members: JURISDICTIONS.map((j) => ({
      jurisdiction: j,
      signingPublicKey: pub(join(ngo[j], 'ngo-signing.pub')),
    })),
  };
  const rosterFile = join(root, 'roster.json');
  writeFileSync(rosterFile, JSON.stringify(roster, null, 2));
  const trust = {
    deploymentId: roster.deploymentId,
    rule: M,
    ngos: auditors.map((j) => ({
      name: `${j} hotline`,
      jurisdiction: j,
      signingPublicKey: pub(join(dir(`auditor-${j}`), 'auditor-signing.pub')),
    })),
  };
  const trustFile = join(root, 'trust.json');
  writeFileSync(trustFile, JSON.stringify(trust, null, 2));

  // ── Step 0: run nonces, the run file ──────────────────────────────────────────────────────
  for (const j of JURISDICTIONS) {
    const out = await ok(`ngo-${j}`, [
      'ngo',
      'init',
      '--roster',
      rosterFile,
      '--key',
      join(ngo[j], 'ngo-signing.key'),
      '--list',
      join(ngo[j], 'list.txt'),
      '--state',
      join(ngo[j], 'state'),
      '--out',
      join(ngo[j], 'nonce.bin'),
    ]);
    expect(out).toMatch(new RegExp(`^${j} \\(ring position \\d of 3\\): ${LISTS[j].length} items`));
  }
  const runFile = join(dir('board'), 'run.json');
  await ok('board', [
    'run',
    '--roster',
    rosterFile,
    ...JURISDICTIONS.flatMap((j) => ['--nonce', join(ngo[j], 'nonce.bin')]),
    '--out',
    runFile,
  ]);

  // ── Steps 1-3: commitments, masking, hops ─────────────────────────────────────────────────
  for (const j of JURISDICTIONS) {
    await ok(`ngo-${j}`, [
      'ngo',
      'commit',
      '--state',
      join(ngo[j], 'state'),
      '--run',
      runFile,
      '--out',
      join(ngo[j], 'commitment.bin'),
    ]);
  }
  const commitmentFlags = JURISDICTIONS.flatMap((j) => [
    '--commitment',
    join(ngo[j], 'commitment.bin'),
  ]);
  const chains: Record<string, string> = {};
  for (const [i, j] of JURISDICTIONS.entries()) {
    chains[`${i}:0`] = join(ngo[j], `list-${i}-stage-0.bin`);
    await ok(`ngo-${j}`, [
      'ngo',
      'mask',
      '--state',
      join(ngo[j], 'state'),
      ...commitmentFlags,
      '--out',
      chains[`${i}:0`] as string,
    ]);
  }
  // An operator's backup of each state after masking (the hop tamper case restores one).
  for (const j of JURISDICTIONS)
    copyFileSync(join(ngo[j], 'state'), join(ngo[j], 'state.after-mask'));
  for (const t of [1, 2]) {
    for (let i = 0; i < 3; i++) {
      const j = next(i, t);
      chains[`${i}:${t}`] = join(ngo[j], `list-${i}-stage-${t}.bin`);
      await ok(`ngo-${j}`, [
        'ngo',
        'hop',
        '--state',
        join(ngo[j], 'state'),
        '--in',
        chains[`${i}:${t - 1}`] as string,
        '--out',
        chains[`${i}:${t}`] as string,
      ]);
    }
  }
  const boardFile = join(dir('board'), 'board.bin');
  await ok('board', [
    'board',
    '--roster',
    rosterFile,
    '--run',
    runFile,
    ...[0, 1, 2].flatMap((i) => ['--chain', chains[`${i}:2`] as string]),
    ...commitmentFlags,
    '--out',
    boardFile,
  ]);

  // ── Steps 4-6: qualify, contribute ────────────────────────────────────────────────────────
  for (const j of JURISDICTIONS) {
    const own = LISTS[j].filter((x) => QUALIFYING.includes(x)).length;
    const out = await ok(`ngo-${j}`, [
      'ngo',
      'qualify',
      '--state',
      join(ngo[j], 'state'),
      '--board',
      boardFile,
    ]);
    expect(out).toMatch(new RegExp(`^${own} of ${LISTS[j].length} items`));
    await ok(`ngo-${j}`, [
      'ngo',
      'contribute',
      '--state',
      join(ngo[j], 'state'),
      '--out',
      join(ngo[j], 'contribution.bin'),
    ]);
  }
  const contributionFlags = JURISDICTIONS.flatMap((j) => [
    '--contribution',
    join(ngo[j], 'contribution.bin'),
  ]);

  // ── Build (the platform), audit (two NGOs), manifest ──────────────────────────────────────
  const params = {
    threshold: T,
    maxSynthetics: 4,
    // Negligible (the policy still requires p > 0), so the reveal happens at exactly T: with a
    // real rate a real match may be made synthetic (the synthetic tests live elsewhere).
    syntheticRate: 1e-9,
    payloadSize: 64,
    reviewerKeys: [reviewerKey],
  };
  writeFileSync(join(dir('builder'), 'params.json'), JSON.stringify(params));
  const build = join(dir('builder'), 'v1');
  const buildOut = await ok('builder', [
    'build',
    '--roster',
    rosterFile,
    '--run',
    runFile,
    ...contributionFlags,
    '--params',
    join(dir('builder'), 'params.json'),
    '--version',
    '1',
    '--out',
    build,
  ]);
  expect(buildOut).toMatch(new RegExp(`${QUALIFYING.length} items`));
  const policy = {
    reviewerKeys: [reviewerKey],
    threshold: { min: T, max: T },
    maxSynthetics: { min: 1, max: 10 },
    syntheticRate: { min: 1e-9, max: 0.1 },
    payloadSize: { min: 32, max: 256 },
    tableRatio: { min: 1.23, max: 1.3 },
    maxValidityDays: 31,
  };
  for (const j of auditors) {
    const a = dir(`auditor-${j}`);
    writeFileSync(join(a, 'policy.json'), JSON.stringify(policy));
    await ok(`auditor-${j}`, [
      'audit',
      '--roster',
      rosterFile,
      '--run',
      runFile,
      '--policy',
      join(a, 'policy.json'),
      '--key',
      join(a, 'auditor-signing.key'),
      '--state',
      join(a, 'audited.state'),
      '--pdata',
      join(build, 'pdata.bin'),
      '--bundle',
      join(build, 'audit-bundle.bin'),
      '--body',
      join(build, 'manifest-body.bin'),
      '--out',
      join(a, 'signed-v1.bin'),
    ]);
  }
  await ok('builder', [
    'manifest',
    'assemble',
    '--trust',
    trustFile,
    '--body',
    join(build, 'manifest-body.bin'),
    ...auditors.flatMap((j) => ['--signed', join(dir(`auditor-${j}`), 'signed-v1.bin')]),
    '--out',
    join(build, 'manifest.bin'),
  ]);

  // ── The client ────────────────────────────────────────────────────────────────────────────
  const client = dir('client');
  await ok('client', [
    'client',
    'accept',
    '--trust',
    trustFile,
    '--state',
    join(client, 'state'),
    '--pdata',
    join(build, 'pdata.bin'),
    '--manifest',
    join(build, 'manifest.bin'),
  ]);
  // T − 1 matching uploads and three innocent ones first; then the T-th match.
  const matching = QUALIFYING.slice(0, T);
  const uploads = [
    ...matching
      .slice(0, T - 1)
      .map((item, i) => ({ id: `0a0${i}`, item, payload: `photo ${i}`, matches: true })),
    ...range('innocent', 3).map((item, i) => ({
      id: `0b0${i}`,
      item,
      payload: `holiday ${i}`,
      matches: false,
    })),
    // An item only UK holds: below the rule, never matches.
    { id: '0c00', item: LISTS.UK.at(-1) as string, payload: 'single', matches: false },
  ];
  const last = {
    id: '0d00',
    item: matching[T - 1] as string,
    payload: 'photo last',
    matches: true,
  };
  const server = dir('server');
  /**
   * Round `r`: the client makes vouchers for `list`, the server ingests them (one NDJSON line
   * each) and attempts a reveal; returns the outcome lines and the reveal file's content.
   */
  const round = async (r: number, list: typeof uploads) => {
    const uploadFile = join(client, `uploads-${r}.txt`);
    writeFileSync(uploadFile, list.map((u) => `${u.id} ${u.item} ${u.payload}`).join('\n'));
    const vouchers = join(client, `vouchers-${r}.bin`);
    await ok('client', [
      'client',
      'voucher',
      '--state',
      join(client, 'state'),
      '--account',
      'alice',
      '--uploads',
      uploadFile,
      '--out',
      vouchers,
    ]);
    const account = ['--state', join(server, 'accounts'), '--account', 'alice'];
    const ndjson = await ok('server', [
      'server',
      'ingest',
      '--db',
      join(build, 'server-db.key'),
      ...account,
      '--in',
      vouchers,
    ]);
    const revealFile = join(server, `reveal-${r}.json`);
    await ok('server', ['server', 'reveal', ...account, '--out', revealFile]);
    return {
      lines: ndjson
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { outcome: string; id?: string }),
      reveal: JSON.parse(readFileSync(revealFile, 'utf8')),
    };
  };

  // ── T − 1 real matches: ingested, nothing revealed ───────────────────────────────────────
  const first = await round(1, uploads);
  expect(first.lines).toHaveLength(uploads.length);
  for (const l of first.lines) expect(['match', 'non-match']).toContain(l.outcome);
  expect(first.reveal.outcome).toBe('below-threshold');
  expect(first.reveal.revealed ?? []).toEqual([]);

  // ── The T-th match: revealed, exactly the real matches ───────────────────────────────────
  const revealed = (await round(2, [last])).reveal;
  expect(revealed.outcome).toBe('revealed');
  const all = [...uploads, last];
  const realIds = all
    .filter((u) => u.matches)
    .map((u) => u.id)
    .sort();
  const got = (revealed.revealed as { id: string }[]).map((r) => r.id).sort();
  expect(got).toEqual(realIds);
  expect(revealed.syntheticIds).toEqual([]);

  // ── The reviewer opens exactly the revealed payloads ─────────────────────────────────────
  const opened = join(dir('reviewer'), 'opened');
  await ok('reviewer', [
    'reviewer',
    'open',
    '--key',
    join(dir('reviewer'), 'reviewer.key'),
    '--in',
    join(server, 'reveal-2.json'),
    '--out',
    opened,
  ]);
  const files = readdirSync(opened).sort();
  expect(files).toEqual(got.map((id) => `${id}.payload`).sort());
  for (const id of got) {
    const u = all.find((x) => x.id === id);
    expect(readFileSync(join(opened, `${id}.payload`), 'utf8')).toBe(u?.payload);
  }
  return {
    root,
    dir,
    ngo,
    files: {
      roster: rosterFile,
      run: runFile,
      trust: trustFile,
      board: boardFile,
      build,
      params,
      commitmentFlags,
      contributionFlags,
      chains,
    },
  };
}

/**
 * One tampered file per kind, each refused by the party that must refuse it, with its message,
 * and nothing written; run after {@link happyPath} on its directories.
 */
export async function tamperCases(w: E2eWorld): Promise<void> {
  const { dir, ngo, files } = w;
  const t = dir('tampered');
  const at = (name: string) => join(t, name);
  const build = files.build;
  const auditArgs = (j: 'UK' | 'CA', b: string, out: string, state = 'audited.state') => {
    const a = dir(`auditor-${j}`);
    return [
      'audit',
      '--roster',
      files.roster,
      '--run',
      files.run,
      '--policy',
      join(a, 'policy.json'),
      '--key',
      join(a, 'auditor-signing.key'),
      '--state',
      join(a, state),
      '--pdata',
      join(b, 'pdata.bin'),
      '--bundle',
      join(b, 'audit-bundle.bin'),
      '--body',
      join(b, 'manifest-body.bin'),
      '--out',
      out,
    ];
  };

  // A hop whose list was altered in transit: NL (restored from its backup) names CA, its producer.
  copyFileSync(join(ngo.NL, 'state.after-mask'), at('nl.state'));
  await refused(
    'ngo-NL',
    [
      'ngo',
      'hop',
      '--state',
      at('nl.state'),
      '--in',
      flipped(files.chains['0:1'] as string, at('chain.bin'), 200),
      '--out',
      at('hop-out.bin'),
    ],
    /ngo\.hop\.signature: .*culprit: CA, ring position 1/,
    [at('hop-out.bin')],
  );
  // A commitment altered in transit: named by its position.
  const c = [...files.commitmentFlags];
  c[3] = flipped(c[3] as string, at('commitment.bin'), -10);
  await refused(
    'ngo-UK',
    ['ngo', 'mask', '--state', join(ngo.UK, 'state'), ...c, '--out', at('mask-out.bin')],
    /ngo\.commitment\.signature: .*culprit: CA/,
    [at('mask-out.bin')],
  );
  // A bulletin board with one element changed: every NGO refuses to qualify; its state is kept.
  const before = readFileSync(join(ngo.UK, 'state'));
  await refused(
    'ngo-UK',
    [
      'ngo',
      'qualify',
      '--state',
      join(ngo.UK, 'state'),
      '--board',
      flipped(files.board, at('board.bin'), 300),
    ],
    // A stage altered after signing proves nothing against the NGO it names: no culprit.
    /ngo\.bulletin\.signature: .*not attributable/,
  );
  expect(readFileSync(join(ngo.UK, 'state')).equals(before)).toBe(true);
  // A run file whose run id does not match its nonces.
  const run = JSON.parse(readFileSync(files.run, 'utf8'));
  run.runId = run.runId.replace(/^./, (ch: string) => (ch === '0' ? '1' : '0'));
  writeFileSync(at('run.json'), JSON.stringify(run));
  await refused(
    'board',
    [
      'board',
      '--roster',
      files.roster,
      '--run',
      at('run.json'),
      ...[0, 1, 2].flatMap((i) => ['--chain', files.chains[`${i}:2`] as string]),
      '--out',
      at('board-out.bin'),
    ],
    /run id does not match its nonces/,
    [at('board-out.bin')],
  );
  // A contribution altered after signing: the builder refuses to build.
  const contribs = [...files.contributionFlags];
  contribs[1] = flipped(contribs[1] as string, at('contribution.bin'), -70);
  await refused(
    'builder',
    [
      'build',
      '--roster',
      files.roster,
      '--run',
      files.run,
      ...contribs,
      '--params',
      join(dir('builder'), 'params.json'),
      '--version',
      '5',
      '--out',
      at('build-x'),
    ],
    /contribution/i,
    [at('build-x')],
  );
  // Public data changed before the audit: the auditor refuses to sign.
  const pd = at('pdata-changed');
  mkdirSync(pd);
  for (const f of ['audit-bundle.bin', 'manifest-body.bin'])
    copyFileSync(join(build, f), join(pd, f));
  flipped(join(build, 'pdata.bin'), join(pd, 'pdata.bin'), -5);
  await refused(
    'auditor-UK',
    auditArgs('UK', pd, at('signed-x.bin'), 'fresh.state'),
    /audit FAILED/,
    [at('signed-x.bin'), join(dir('auditor-UK'), 'fresh.state')],
  );
  // The platform names its own reviewer key: it builds, but no NGO signs (its own policy).
  await ok('platform', ['keygen', 'reviewer', '--out', dir('platform')]);
  const own = readFileSync(join(dir('platform'), 'reviewer.pub'), 'utf8').trim();
  writeFileSync(
    at('params.json'),
    JSON.stringify({
      ...files.params,
      reviewerKeys: [...(files.params.reviewerKeys as string[]), own],
    }),
  );
  await ok('builder', [
    'build',
    '--roster',
    files.roster,
    '--run',
    files.run,
    ...files.contributionFlags,
    '--params',
    at('params.json'),
    '--version',
    '2',
    '--out',
    at('build-own-reviewer'),
  ]);
  await refused(
    'auditor-CA',
    auditArgs('CA', at('build-own-reviewer'), at('signed-y.bin'), 'fresh.state'),
    /audit FAILED \(policy\): .*reviewer key/,
    [at('signed-y.bin')],
  );
  // One jurisdiction's signature alone: the builder cannot assemble it, the client refuses it.
  const signedUK = join(dir('auditor-UK'), 'signed-v1.bin');
  await refused(
    'builder',
    [
      'manifest',
      'assemble',
      '--trust',
      files.trust,
      '--body',
      join(build, 'manifest-body.bin'),
      '--signed',
      signedUK,
      '--out',
      at('manifest-x.bin'),
    ],
    /jurisdiction/,
    [at('manifest-x.bin')],
  );
  const fresh = (name: string) => ['--state', at(name)];
  await refused(
    'client',
    [
      'client',
      'accept',
      '--trust',
      files.trust,
      ...fresh('client-1'),
      '--pdata',
      join(build, 'pdata.bin'),
      '--manifest',
      signedUK,
    ],
    /manifest\.quorum/,
    [at('client-1')],
  );
  // A cell changed after the NGOs signed: the client refuses.
  await refused(
    'client',
    [
      'client',
      'accept',
      '--trust',
      files.trust,
      ...fresh('client-2'),
      '--pdata',
      flipped(join(build, 'pdata.bin'), at('pdata.bin'), -3),
      '--manifest',
      join(build, 'manifest.bin'),
    ],
    /manifest\.root/,
    [at('client-2')],
  );
  // The wrong file: an audit bundle handed over as public data.
  await refused(
    'client',
    [
      'client',
      'accept',
      '--trust',
      files.trust,
      ...fresh('client-3'),
      '--pdata',
      join(build, 'audit-bundle.bin'),
      '--manifest',
      join(build, 'manifest.bin'),
    ],
    /audit bundle/,
    [at('client-3')],
  );
  // A wrong passphrase: one line, nothing written.
  const r = await runCli(
    ['ngo', 'contribute', '--state', join(ngo.NL, 'state'), '--out', at('contribution-x.bin')],
    { QPSI_PASSPHRASE: 'not the passphrase', QPSI_SCRYPT_LOG_N: '10' },
  );
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^quorum-psi: .*wrong passphrase/);
  expect(existsSync(at('contribution-x.bin'))).toBe(false);
  // A voucher altered in the stream: that voucher alone is refused, the others are ingested.
  const stream = readFileSync(join(dir('client'), 'vouchers-1.bin'));
  const first = stream.readUInt32BE(0);
  stream[4 + first + 4 + 40] = (stream[4 + first + 4 + 40] as number) ^ 1; // inside voucher 2
  writeFileSync(at('vouchers.bin'), stream);
  const out = await ok('server', [
    'server',
    'ingest',
    '--db',
    join(build, 'server-db.key'),
    '--state',
    at('accounts'),
    '--account',
    'bob',
    '--in',
    at('vouchers.bin'),
  ]);
  const outcomes = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).outcome as string);
  // Vouchers 1 and 2 are the two real matches; voucher 2 is the altered one.
  expect(outcomes).toHaveLength(6);
  expect(outcomes[1]).not.toBe('match');
  expect(outcomes[0]).toBe('match');
  expect(outcomes.slice(2)).toEqual(['non-match', 'non-match', 'non-match', 'non-match']);
  // A truncated stream: refused before anything is ingested; no state for the account.
  writeFileSync(at('truncated.bin'), stream.subarray(0, stream.length - 9));
  await refused(
    'server',
    [
      'server',
      'ingest',
      '--db',
      join(build, 'server-db.key'),
      '--state',
      at('accounts'),
      '--account',
      'carol',
      '--in',
      at('truncated.bin'),
    ],
    /truncated/,
    [join(at('accounts'), 'carol.state')],
  );
  // The platform relabels alice's reveal as bob's: the reviewer refuses to open it.
  const reveal = JSON.parse(readFileSync(join(dir('server'), 'reveal-2.json'), 'utf8'));
  writeFileSync(at('reveal.json'), JSON.stringify({ ...reveal, account: 'bob' }));
  await refused(
    'reviewer',
    [
      'reviewer',
      'open',
      '--key',
      join(dir('reviewer'), 'reviewer.key'),
      '--in',
      at('reveal.json'),
      '--out',
      at('opened'),
    ],
    /.+/,
    [at('opened')],
  );
  // Rollback: version 2 is built, audited, co-signed and accepted; version 1 served again is refused.
  const v2 = at('v2');
  await ok('builder', [
    'build',
    '--roster',
    files.roster,
    '--run',
    files.run,
    ...files.contributionFlags,
    '--params',
    join(dir('builder'), 'params.json'),
    '--version',
    '2',
    '--out',
    v2,
  ]);
  for (const j of ['UK', 'CA'] as const)
    await ok(`auditor-${j}`, auditArgs(j, v2, join(v2, `signed-${j}.bin`)));
  await ok('builder', [
    'manifest',
    'assemble',
    '--trust',
    files.trust,
    '--body',
    join(v2, 'manifest-body.bin'),
    '--signed',
    join(v2, 'signed-UK.bin'),
    '--signed',
    join(v2, 'signed-CA.bin'),
    '--out',
    join(v2, 'manifest.bin'),
  ]);
  const clientState = join(dir('client'), 'state');
  await ok('client', [
    'client',
    'accept',
    '--trust',
    files.trust,
    '--state',
    clientState,
    '--pdata',
    join(v2, 'pdata.bin'),
    '--manifest',
    join(v2, 'manifest.bin'),
  ]);
  await refused(
    'client',
    [
      'client',
      'accept',
      '--trust',
      files.trust,
      '--state',
      clientState,
      '--pdata',
      join(build, 'pdata.bin'),
      '--manifest',
      join(build, 'manifest.bin'),
    ],
    /manifest\.rollback/,
  );
  // And an auditor never signs version 1 again once it signed version 2.
  await refused('auditor-UK', auditArgs('UK', build, at('signed-again.bin')), /version/, [
    at('signed-again.bin'),
  ]);
}
