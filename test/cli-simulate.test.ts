/**
 * The `quorum-psi simulate` command contract (src/cli/cli.ts), tested by spawning the CLI on files
 * in a temp directory and checking its `--json` output against ground truth computed here:
 * - the intersection is exactly the items held by ≥ m jurisdictions (brute force);
 * - the revealed ids are exactly the matching uploads that were not made synthetic, and every
 *   matching upload is revealed or synthetic; with a negligible synthetic rate exactly the
 *   matching ids (`--synthetic-rate 0` is refused: every audit policy requires synthetics);
 * - the same `--seed` reproduces the same root and outcome;
 * - each `--tamper` kind is detected by the party that must catch it, on both suites;
 * - malformed input exits non-zero with one specific line on stderr and no stack trace.
 *
 * The CLI runs through test/helpers/cli.ts (tsx's own entry point, at most three at once). Runs
 * are small (3 NGOs × ~18 items, 15 uploads, T = 4, s_max = 4).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const T = 4;
const M = 2;

// ── Ground truth ────────────────────────────────────────────────────────────────────────────
const h = (tag: string) => createHash('sha256').update(`cli-simulate/${tag}`).digest('hex');
const range = (tag: string, n: number) => Array.from({ length: n }, (_, i) => h(`${tag}/${i}`));
const all3 = range('all3', 5);
const ab = range('ab', 4);
const bc = range('bc', 3);
const ac = range('ac', 3);
const ngoLists: Record<string, { jurisdiction: string; items: string[] }> = {
  alpha: { jurisdiction: 'UK', items: [...all3, ...ab, ...ac, ...range('a', 6)] },
  beta: { jurisdiction: 'CA', items: [...all3, ...ab, ...bc, ...range('b', 6)] },
  gamma: { jurisdiction: 'NL', items: [...all3, ...bc, ...ac, ...range('c', 6)] },
};
/** Items held by ≥ M distinct jurisdictions, by brute force. */
const expectedIntersection = (() => {
  const holders = new Map<string, Set<string>>();
  for (const { jurisdiction, items } of Object.values(ngoLists)) {
    for (const x of items) holders.set(x, (holders.get(x) ?? new Set()).add(jurisdiction));
  }
  return [...holders]
    .filter(([, js]) => js.size >= M)
    .map(([x]) => x)
    .sort();
})();
// 15 uploads: 8 in the intersection, 2 held by one jurisdiction only, 5 innocent.
const uploads: { id: string; item: string }[] = [
  ...[all3[0], all3[3], ab[1], ab[2], bc[0], bc[2], ac[0], ac[1]],
  ...[ngoLists.alpha?.items.at(-1), ngoLists.gamma?.items.at(-2)],
  ...range('innocent', 5),
].map((item, i) => ({ id: `c0${i.toString(16).padStart(2, '0')}`, item: item as string }));
const matchingIds = uploads
  .filter((u) => expectedIntersection.includes(u.item))
  .map((u) => u.id)
  .sort();

// ── Running the CLI ─────────────────────────────────────────────────────────────────────────
const cli = (args: string[]) => runCli(args);

let dir = '';
const file = (name: string) => join(dir, name);
const ngoArgs = () =>
  Object.entries(ngoLists).flatMap(([name, { jurisdiction }]) => [
    '--ngo',
    `${name}:${jurisdiction}:${file(`${name}.txt`)}`,
  ]);
const baseArgs = (extra: string[] = []) => [
  'simulate',
  ...ngoArgs(),
  '--rule',
  String(M),
  '--client',
  file('client.txt'),
  '--threshold',
  String(T),
  '--max-synthetics',
  '4',
  '--seed',
  '00ff',
  '--json',
  ...extra,
];

interface SimJson {
  suite: string;
  intersection: string[];
  dropped: number;
  root: string | null;
  auditOk: boolean;
  clientAccepted: boolean;
  vouchers: number;
  candidates: number;
  syntheticIssued: number;
  revealed: boolean;
  revealedIds: string[];
  syntheticIds: string[];
  reviewerOpened: { id: string; payload: string }[];
  tamper: {
    kind: string;
    applied: boolean;
    detected: boolean;
    by: string | null;
    reason: string | null;
  };
  timings: Record<string, number>;
}

/** Run a simulation that must complete: exit 0 and exactly one JSON object on stdout. */
async function simulateJson(extra: string[] = []): Promise<SimJson> {
  const r = await cli(baseArgs(extra));
  expect(r.stderr, 'stderr of a --json run').toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SimJson;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpsi-cli-'));
  for (const [name, { items }] of Object.entries(ngoLists)) {
    writeFileSync(file(`${name}.txt`), `# ${name}\n${items.join('\n')}\n`);
  }
  writeFileSync(
    file('client.txt'),
    `# ID_HEX ITEM_HEX\n${uploads.map((u) => `${u.id} ${u.item}`).join('\n')}\n`,
  );
  const good = ngoLists.alpha?.items ?? [];
  writeFileSync(file('bad-hex.txt'), `${good[0]}\n${good[1]?.replace(/^../, 'zz')}\n`);
  writeFileSync(file('mixed.txt'), `${good[0]}\n${good[1]?.slice(0, 32)}\n`);
  const [u0, u1] = uploads as [(typeof uploads)[0], (typeof uploads)[0]];
  writeFileSync(
    file('client-narrow.txt'),
    `${u0.id} ${u0.item}\n${u1.id} ${u1.item.slice(0, 32)}\n`,
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ── Tests ───────────────────────────────────────────────────────────────────────────────────
// Every test waits for a free slot among three CLI runs, so its time includes the queue.
const SLOW = { timeout: 180_000 };

describe.concurrent('quorum-psi simulate --json', SLOW, () => {
  it('reports the quorum intersection, the audit, and exactly the real matches', async () => {
    const [a, b] = await Promise.all([simulateJson(), simulateJson()]);
    // Shape.
    for (const key of [
      'intersection',
      'dropped',
      'root',
      'auditOk',
      'clientAccepted',
      'vouchers',
      'candidates',
      'revealed',
      'revealedIds',
      'syntheticIds',
      'tamper',
      'timings',
    ]) {
      expect(a, key).toHaveProperty(key);
    }
    // The NGO quorum admits exactly the items held by ≥ m jurisdictions.
    expect(a.intersection).toEqual(expectedIntersection);
    // This seed's table places every item (a few percent of small tables drop one, a false
    // negative this test could not attribute to an item).
    expect(a.dropped).toBe(0);
    expect(a.root).toMatch(/^[0-9a-f]{64}$/);
    expect(a.auditOk).toBe(true);
    expect(a.clientAccepted).toBe(true);
    expect(a.vouchers).toBe(uploads.length);
    // 8 matching uploads, p = 0.05: at least T of them are real.
    expect(a.revealed).toBe(true);
    expect(a.revealedIds).toEqual([...a.revealedIds].sort());
    expect(a.revealedIds.length).toBeGreaterThanOrEqual(T);
    // Revealed ids are matching ids; every matching id is revealed or synthetic; every candidate
    // is one or the other; a synthetic voucher always opens, so every synthetic is a candidate.
    for (const id of a.revealedIds) expect(matchingIds).toContain(id);
    expect(a.syntheticIds.filter((id) => a.revealedIds.includes(id))).toEqual([]);
    expect(
      [...a.revealedIds, ...a.syntheticIds.filter((id) => matchingIds.includes(id))].sort(),
    ).toEqual(matchingIds);
    expect(a.revealedIds.length + a.syntheticIds.length).toBe(a.candidates);
    expect(a.syntheticIds.length).toBe(a.syntheticIssued);
    // The reviewer opened exactly the revealed payloads.
    expect(a.reviewerOpened.map((o) => o.id)).toEqual(a.revealedIds);
    expect(a.tamper).toEqual({
      kind: 'none',
      applied: false,
      detected: false,
      by: null,
      reason: null,
    });
    for (const phase of ['ngo-quorum', 'build', 'audit', 'client-accept', 'vouchers', 'ingest']) {
      expect(typeof a.timings[phase], phase).toBe('number');
    }
    // The same seed reproduces the run.
    expect(b.root).toBe(a.root);
    expect({ ...b, timings: {} }).toEqual({ ...a, timings: {} });
  });

  it('with a negligible synthetic rate reveals exactly the matching ids', async () => {
    const r = await simulateJson(['--synthetic-rate', '1e-9', '--seed', '0abc']);
    expect(r.syntheticIds).toEqual([]);
    expect(r.candidates).toBe(matchingIds.length);
    expect(r.revealedIds).toEqual(matchingIds);
  });

  it('below the threshold reveals nothing', async () => {
    const r = await simulateJson([
      '--synthetic-rate',
      '1e-9',
      '--threshold',
      String(matchingIds.length + 1),
    ]);
    expect(r.candidates).toBe(matchingIds.length);
    expect(r.revealed).toBe(false);
    expect(r.revealedIds).toEqual([]);
    expect(r.reviewerOpened).toEqual([]);
  });

  it('--rule 3 admits only the items all three jurisdictions hold', async () => {
    const r = await simulateJson(['--rule', '3']);
    expect(r.intersection).toEqual([...all3].sort());
  });
});

describe.concurrent.each(['ristretto255', 'p256'])('--tamper on %s', SLOW, (suite) => {
  const run = (kind: string) => simulateJson(['--suite', suite, '--tamper', kind]);

  it('cell: the client refuses the database', async () => {
    const r = await run('cell');
    expect(r.auditOk).toBe(true);
    expect(r.clientAccepted).toBe(false);
    expect(r.tamper).toMatchObject({ kind: 'cell', applied: true, detected: true, by: 'client' });
    expect(r.vouchers).toBe(0);
  });

  it.each(['filler', 'extra-item'])('%s: the audit fails', async (kind) => {
    const r = await run(kind);
    expect(r.auditOk).toBe(false);
    expect(r.clientAccepted).toBe(false);
    expect(r.tamper).toMatchObject({ kind, applied: true, detected: true, by: 'audit' });
    expect(r.tamper.reason).toMatch(kind === 'filler' ? /proof/ : /items/);
  });

  it('manifest: the client refuses m − 1 jurisdictions', async () => {
    const r = await run('manifest');
    expect(r.auditOk).toBe(true);
    expect(r.clientAccepted).toBe(false);
    expect(r.tamper).toMatchObject({
      kind: 'manifest',
      applied: true,
      detected: true,
      by: 'client',
    });
    expect(r.tamper.reason).toMatch(/manifest\.quorum/);
  });

  it.each([
    ['reviewer', /reviewer key\(s\) the NGOs did not agree on/],
    ['synthetic-rate', /synthetic rate p = 0 is outside/],
  ])('%s: every NGO audit fails against its own policy', async (kind, reason) => {
    const r = await run(kind as string);
    expect(r.auditOk).toBe(false);
    expect(r.clientAccepted).toBe(false);
    expect(r.tamper).toMatchObject({ kind, applied: true, detected: true, by: 'audit' });
    expect(r.tamper.reason).toMatch(/policy/);
    expect(r.tamper.reason).toMatch(reason as RegExp);
    expect(r.vouchers).toBe(0);
  });

  it('rollback: the client refuses version 1 after accepting version 2, and keeps version 2', async () => {
    const r = await run('rollback');
    expect(r.auditOk).toBe(true);
    expect(r.tamper).toMatchObject({
      kind: 'rollback',
      applied: true,
      detected: true,
      by: 'client',
    });
    expect(r.tamper.reason).toMatch(/manifest\.rollback/);
    expect(r.clientAccepted).toBe(true);
    expect(r.vouchers).toBe(uploads.length);
  });

  it('hop: the next NGO catches it', async () => {
    const r = await run('hop');
    expect(r.tamper).toMatchObject({ kind: 'hop', applied: true, detected: true, by: 'ngo' });
    expect(r.root).toBeNull();
    expect(r.clientAccepted).toBe(false);
  });
});

describe.concurrent('malformed input: exit 2, one line on stderr, no stack trace', SLOW, () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'missing file',
      () => baseArgs().map((a) => a.replace('beta.txt', 'no-such-file.txt')),
      /cannot read .*no-such-file\.txt: ENOENT/,
    ],
    [
      'bad hex',
      () => baseArgs().map((a) => a.replace('gamma.txt', 'bad-hex.txt')),
      /bad-hex\.txt:2: not a hex string/,
    ],
    [
      'mixed widths',
      () => baseArgs().map((a) => a.replace('gamma.txt', 'mixed.txt')),
      /mixed\.txt:2: item of 16 bytes, but items are 32 bytes wide/,
    ],
    ['unknown flag', () => baseArgs(['--frobnicate']), /Unknown option '--frobnicate'/],
    [
      'a client item of another width than the lists',
      () => baseArgs().map((a) => a.replace('client.txt', 'client-narrow.txt')),
      /client-narrow\.txt:2: item of 16 bytes, but the NGO lists' items are 32 bytes wide/,
    ],
    [
      '--synthetic-rate 0',
      () => baseArgs(['--synthetic-rate', '0']),
      /--synthetic-rate must be in \(0, 1\)/,
    ],
    [
      '--rule above the number of jurisdictions',
      () => baseArgs().map((a, i, all) => (all[i - 1] === '--rule' ? '4' : a)),
      /--rule 4 exceeds the number of jurisdictions \(3\)/,
    ],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const r = await cli(args());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^quorum-psi: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe.concurrent('text output and help (issue 14 rough edges)', SLOW, () => {
  it('prints each phase once when not on a terminal, and names a hop culprit by its NGO name', async () => {
    const r = await cli([...baseArgs(['--tamper', 'hop']).filter((a) => a !== '--json')]);
    expect(r.code).toBe(0);
    // stderr is a pipe here: no transient "… phase" lines, only the summaries on stdout.
    expect(r.stderr).toBe('');
    const quorumLines = r.stdout.split('\n').filter((l) => l.includes('NGO quorum'));
    expect(quorumLines).toHaveLength(1);
    // The run stopped at the ring: the audit did not run (no empty "FAILED —" reason).
    expect(r.stdout).toMatch(/^audit: not run \(no database was built\)$/m);
    expect(r.stdout).not.toMatch(/FAILED — $/m);
    // The tampering party is the second NGO of the ring: named as the operator named it.
    expect(r.stdout).toMatch(/culprit: beta \(CA\), ring position 1\)/);
    expect(r.stdout).not.toMatch(/culprit: party/);
  });

  it('demo --help and simulate --help describe every flag with its default; help points to them', async () => {
    const demo = await cli(['demo', '--help']);
    expect(demo.code).toBe(0);
    for (const flag of ['--suite', '--seed']) expect(demo.stdout).toContain(flag);
    const sim = await cli(['simulate', '--help']);
    expect(sim.code).toBe(0);
    const flags = [
      '--ngo',
      '--rule',
      '--client',
      '--threshold',
      '--suite',
      '--seed',
      '--synthetic-rate',
      '--max-synthetics',
      '--table-ratio',
      '--payload-size',
      '--tamper',
      '--json',
    ];
    for (const flag of flags) {
      // Each flag starts a line of its own and is followed by a description.
      expect(sim.stdout).toMatch(new RegExp(`^  ${flag}\\b.*\\S\\s{2,}\\S`, 'm'));
    }
    for (const d of ['(default 0.05)', '(default 90)', '(default 64)', '(default none)']) {
      expect(sim.stdout).toContain(d);
    }
    const help = await cli(['help']);
    expect(help.stdout).toContain('quorum-psi simulate --help');
  });
});
