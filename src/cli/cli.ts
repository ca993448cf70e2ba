#!/usr/bin/env node
/**
 * `quorum-psi` command line: `demo` (the whole story, narrated) and `simulate` (the real role
 * code on the caller's files, with serialized messages between the roles). Node only; the
 * library itself has no Node-specific code.
 *
 * Exit codes: 0 when the run completed (whatever its outcome), 2 for bad usage or input (one
 * line on stderr, no stack trace), 1 for an internal error.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sha256 } from '@noble/hashes/sha2.js';
import { DEFAULT_TABLE_RATIO, MAX_TABLE_RATIO, MIN_POLICY_TABLE_RATIO } from '../core/constants.js';
import { QuorumPsiError } from '../core/errors.js';
import { findSuite, type Suite } from '../core/group.js';
import { generateReviewerKeyPair, openAsReviewer } from '../core/seal.js';
import { bytesToHex, concatList, hexToBytes } from '../core/utils.js';
import { splitPublicData } from '../database/pdata.js';
import { smallestThreshold } from '../threshold/params.js';
import { ClientAccount, createVoucher } from '../voucher/client.js';
import {
  DatabaseRegistry,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../voucher/server.js';
import { CLIENT_COMMANDS } from './cmd-client.js';
import { DATABASE_COMMANDS } from './cmd-database.js';
import { ArbiterFinding, NGO_COMMANDS } from './cmd-ngo.js';
import { SERVER_COMMANDS } from './cmd-server.js';
import { CliUsageError, type Command } from './io.js';
import { cmdKeygen, KEYGEN_HELP } from './keys.js';
import {
  type SimEvent,
  type SimNgo,
  type SimUpload,
  type SimulateInput,
  seededRng,
  setupDeployment,
  simulate,
  TAMPER_KINDS,
  type TamperKind,
} from './simulate.js';

const USAGE_HEAD = `usage:
  quorum-psi demo [--suite ristretto255|p256] [--seed HEX]
  quorum-psi simulate --ngo NAME:JURISDICTION:FILE [--ngo …] --rule M --client FILE --threshold T
                      [--suite ristretto255|p256] [--seed HEX] [--synthetic-rate P]
                      [--max-synthetics S] [--table-ratio R] [--payload-size N]
                      [--tamper ${TAMPER_KINDS.join('|')}] [--json]
  quorum-psi keygen ngo|auditor|reviewer --out DIR
  quorum-psi help`;

/** The usage text: the in-process commands, then one line per file-driven command. */
function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `${USAGE_HEAD}

Every role from files, one command per protocol step (docs/runbooks.md):
${COMMANDS.map((c) => `  quorum-psi ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "quorum-psi demo --help", "quorum-psi simulate --help", "quorum-psi keygen --help" or
"quorum-psi COMMAND --help" (e.g. "quorum-psi ngo hop --help") for what each flag does and the
files each command reads and writes.`;
}

const DEMO_HELP = `usage: quorum-psi demo [--suite ristretto255|p256] [--seed HEX]

Plays one deployment end to end with the real role code (three NGOs, builder, auditors, client,
server, reviewer), then shows the platform's attempts to get around the safeguards.

  --suite S    group suite: ristretto255 (default) or p256
  --seed HEX   seed of every party's randomness (default: a fixed seed, so runs repeat);
               a different seed gives a different run`;

const SIMULATE_HELP = `usage: quorum-psi simulate --ngo NAME:JURISDICTION:FILE [--ngo …] --rule M --client FILE
                           --threshold T [options]

Runs the protocol on your files: the NGO quorum, build, audit, manifest, client, server, reveal
and reviewer, passing only serialized messages between the roles.

required:
  --ngo NAME:JURISDICTION:FILE  one NGO (repeat, at least two): its name, its jurisdiction, and
                                a file of hex items, one per line, all the same width ("#"
                                starts a comment line)
  --rule M                      a hash enters the database when at least M distinct
                                jurisdictions hold it (2 ≤ M ≤ number of jurisdictions)
  --client FILE                 the client's uploads: lines "ID_HEX ITEM_HEX"
  --threshold T                 real matches an account needs before anything is revealed,
                                in [2, 1024]

options:
  --suite S             ristretto255 (default) or p256
  --seed HEX            seed of every party's randomness; the same seed repeats the run byte
                        for byte (default: fresh randomness)
  --synthetic-rate P    probability that a voucher is synthetic, in (0, 1) (default 0.05)
  --max-synthetics S    cap on synthetic vouchers per account, in [1, 500] (default 90)
  --table-ratio R       cells per item of the database table, in [${MIN_POLICY_TABLE_RATIO}, ${MAX_TABLE_RATIO}] (default ${DEFAULT_TABLE_RATIO};
                        the table also gets a small-size margin)
  --payload-size N      bytes every payload is padded to, in [32, 4096] (default 64)
  --tamper KIND         tamper with one step and show which party catches it (default none):
                        ${TAMPER_KINDS.join(', ')}
  --json                print one JSON object instead of text

Exit status: 0 when the run completed (whatever its outcome), 2 for bad usage or input.`;

function parseHex(s: string, where: string): Uint8Array {
  const t = s.trim().toLowerCase();
  if (t.length === 0 || t.length % 2 !== 0 || !/^[0-9a-f]+$/.test(t))
    throw new CliUsageError(`${where}: not a hex string: "${s.trim().slice(0, 40)}"`);
  return hexToBytes(t);
}

function readLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliUsageError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return text.split(/\r?\n/).map((l) => l.trim());
}

function parseNumber(
  name: string,
  v: string | undefined,
  def: number,
  check: (x: number) => boolean,
  what: string,
): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x) || !check(x))
    throw new CliUsageError(`--${name} must be ${what}, got "${v}"`);
  return x;
}

function suiteArg(v: string | undefined): Suite {
  const s = findSuite(v ?? 'ristretto255');
  if (!s) throw new CliUsageError(`--suite must be ristretto255 or p256, got "${v}"`);
  return s;
}

// ── simulate ──────────────────────────────────────────────────────────────────────────────

async function cmdSimulate(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      ngo: { type: 'string', multiple: true },
      rule: { type: 'string' },
      client: { type: 'string' },
      threshold: { type: 'string' },
      suite: { type: 'string' },
      seed: { type: 'string' },
      'synthetic-rate': { type: 'string' },
      'max-synthetics': { type: 'string' },
      'table-ratio': { type: 'string' },
      'payload-size': { type: 'string' },
      tamper: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const ngoSpecs = values.ngo ?? [];
  if (ngoSpecs.length < 2)
    throw new CliUsageError('at least two --ngo NAME:JURISDICTION:FILE are required');
  if (!values.client) throw new CliUsageError('--client FILE is required');
  if (values.rule === undefined) throw new CliUsageError('--rule M is required');
  if (values.threshold === undefined) throw new CliUsageError('--threshold T is required');
  const suite = suiteArg(values.suite);
  let width: number | null = null;
  const names = new Set<string>();
  const ngos: SimNgo[] = ngoSpecs.map((spec) => {
    const parts = spec.split(':');
    if (parts.length < 3 || !parts[0] || !parts[1] || !parts.slice(2).join(':')) {
      throw new CliUsageError(`--ngo expects NAME:JURISDICTION:FILE, got "${spec}"`);
    }
    const [name, jurisdiction] = parts as [string, string];
    const file = parts.slice(2).join(':');
    if (names.has(name)) throw new CliUsageError(`--ngo: duplicate NGO name "${name}"`);
    names.add(name);
    const items: Uint8Array[] = [];
    readLines(file).forEach((line, i) => {
      if (line === '' || line.startsWith('#')) return;
      const x = parseHex(line, `${file}:${i + 1}`);
      if (width === null) width = x.length;
      else if (x.length !== width)
        throw new CliUsageError(
          `${file}:${i + 1}: item of ${x.length} bytes, but items are ${width} bytes wide`,
        );
      items.push(x);
    });
    if (items.length === 0) throw new CliUsageError(`${file}: no items`);
    return { name, jurisdiction, items };
  });
  if ((width ?? 0) > 64) throw new CliUsageError(`items are ${width} bytes; at most 64`);
  const k = new Set(ngos.map((n) => n.jurisdiction)).size;
  const rule = parseNumber(
    'rule',
    values.rule,
    2,
    (x) => Number.isInteger(x) && x >= 2,
    'an integer ≥ 2',
  );
  if (rule > k)
    throw new CliUsageError(`--rule ${rule} exceeds the number of jurisdictions (${k})`);
  const uploads: SimUpload[] = [];
  readLines(values.client).forEach((line, i) => {
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/\s+/);
    if (f.length !== 2)
      throw new CliUsageError(`${values.client}:${i + 1}: expected "ID_HEX ITEM_HEX"`);
    const id = parseHex(f[0] as string, `${values.client}:${i + 1}`);
    if (id.length > 64)
      throw new CliUsageError(`${values.client}:${i + 1}: id longer than 64 bytes`);
    const item = parseHex(f[1] as string, `${values.client}:${i + 1}`);
    // An item of another width could never match: refuse it instead of uploading a dud.
    if (item.length !== width)
      throw new CliUsageError(
        `${values.client}:${i + 1}: item of ${item.length} bytes, but the NGO lists' items are ${width} bytes wide`,
      );
    uploads.push({ id, item });
  });
  const tamper = (values.tamper ?? 'none') as TamperKind;
  if (!TAMPER_KINDS.includes(tamper))
    throw new CliUsageError(
      `--tamper must be one of ${TAMPER_KINDS.join('|')}, got "${values.tamper}"`,
    );
  const input: SimulateInput = {
    suite,
    ngos,
    rule,
    uploads,
    threshold: parseNumber(
      'threshold',
      values.threshold,
      30,
      (x) => Number.isInteger(x) && x >= 2 && x <= 1024,
      'an integer in [2, 1024]',
    ),
    syntheticRate: parseNumber(
      'synthetic-rate',
      values['synthetic-rate'],
      0.05,
      (x) => x > 0 && x < 1,
      'in (0, 1) (synthetic vouchers are a safeguard: p = 0 is refused by every audit policy)',
    ),
    maxSynthetics: parseNumber(
      'max-synthetics',
      values['max-synthetics'],
      90,
      (x) => Number.isInteger(x) && x >= 1 && x <= 500,
      'an integer in [1, 500]',
    ),
    tableRatio: parseNumber(
      'table-ratio',
      values['table-ratio'],
      DEFAULT_TABLE_RATIO,
      (x) => x >= MIN_POLICY_TABLE_RATIO && x <= MAX_TABLE_RATIO,
      `in [${MIN_POLICY_TABLE_RATIO}, ${MAX_TABLE_RATIO}] (every NGO's audit policy refuses tables below the peeling threshold)`,
    ),
    payloadSize: parseNumber(
      'payload-size',
      values['payload-size'],
      64,
      (x) => Number.isInteger(x) && x >= 32 && x <= 4096,
      'an integer in [32, 4096]',
    ),
    tamper,
    ...(values.seed !== undefined ? { rng: seededRng(parseHex(values.seed, '--seed')) } : {}),
    ...(values.json ? {} : { onEvent: printEvent }),
  };
  const res = await simulate(input);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
    return;
  }
  const lines = [
    '',
    `intersection: ${res.intersection.length} items admitted, ${res.dropped} dropped, root ${res.root ?? '—'}`,
    `audit: ${res.auditOk ? 'ok' : res.auditFailures.length === 0 ? 'not run (no database was built)' : `FAILED — ${res.auditFailures[0]}`}`,
    `client: ${res.clientAccepted ? 'accepted the database' : `refused — ${res.clientRefusal ?? 'no database'}`}`,
    `vouchers: ${res.vouchers} (${res.syntheticIssued} synthetic), candidates at the server: ${res.candidates}`,
    `reveal: ${res.revealOutcome}${res.revealed ? ` — ids ${res.revealedIds.join(', ')}` : ''}`,
    `tamper: ${res.tamper.kind}${res.tamper.kind === 'none' ? '' : !res.tamper.applied ? ` — ${res.tamper.reason}` : res.tamper.detected ? ` — detected by ${res.tamper.by}: ${res.tamper.reason}` : ' — NOT detected'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const PHASE_TITLE: Record<string, string> = {
  'ngo-quorum': 'NGO quorum (verifiable k-party intersection)',
  build: 'Builder: single-point table, blinding, Merkle root',
  audit: 'NGO audit of the database',
  manifest: 'Manifest co-signed by the auditing NGOs',
  'client-accept': 'Client checks the manifest quorum, deployment, version and root',
  update: 'Database update to version 2, then version 1 served again',
  vouchers: 'Client creates vouchers',
  ingest: 'Server ingests vouchers',
  reveal: 'Server reveal attempt',
  review: 'Reviewer opens the sealed payloads',
};

/**
 * Each phase ends as one summary line on stdout. On a terminal a transient "… phase" line on
 * stderr shows what is running and is erased when the phase ends; elsewhere (a pipe, a log) only
 * the summaries are written, so no phase is printed twice.
 */
function printEvent(e: SimEvent): void {
  const title = PHASE_TITLE[e.phase] ?? e.phase;
  if (e.type === 'phase-start') {
    if (process.stderr.isTTY) process.stderr.write(`… ${title}`);
  } else if (e.type === 'progress') {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K… ${title} ${e.done}/${e.total}`);
  } else {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stdout.write(`  ${PHASE_TITLE[e.phase] ?? e.phase}: ${e.summary} (${fmtMs(e.ms)})\n`);
  }
}

/** `1 voucher`, `2 vouchers`. */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

// ── demo ──────────────────────────────────────────────────────────────────────────────────

async function cmdDemo(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { suite: { type: 'string' }, seed: { type: 'string' } },
  });
  const suite = suiteArg(values.suite);
  const rng = seededRng(
    values.seed ? parseHex(values.seed, '--seed') : new TextEncoder().encode('quorum-psi demo'),
  );
  const out = (s = '') => process.stdout.write(`${s}\n`);
  const T = 30;
  const sMax = 90;
  const p = 0.05;
  const hash = (tag: string, i: number) => sha256(new TextEncoder().encode(`${tag}/${i}`));
  // Three NGOs in three jurisdictions; planted overlaps.
  const shared = (tag: string, n: number) => Array.from({ length: n }, (_, i) => hash(tag, i));
  const all3 = shared('all-three', 60);
  const ab = shared('alpha-beta', 30);
  const bc = shared('beta-gamma', 25);
  const ac = shared('alpha-gamma', 20);
  const ngos: SimNgo[] = [
    {
      name: 'NGO Alpha',
      jurisdiction: 'UK',
      items: [...all3, ...ab, ...ac, ...shared('alpha-only', 150)],
    },
    {
      name: 'NGO Beta',
      jurisdiction: 'CA',
      items: [...all3, ...ab, ...bc, ...shared('beta-only', 150)],
    },
    {
      name: 'NGO Gamma',
      jurisdiction: 'NL',
      items: [...all3, ...bc, ...ac, ...shared('gamma-only', 150)],
    },
  ];
  const known = [...all3, ...ab, ...bc, ...ac];
  out(`quorum-psi demo — suite ${suite.name}`);
  out();
  out(
    `Three child-protection NGOs in three jurisdictions hold hash lists (${ngos.map((n) => `${n.name} (${n.jurisdiction}): ${n.items.length}`).join(', ')}).`,
  );
  out(
    `Rule m = 2: a hash enters the database only if at least 2 jurisdictions hold it (${known.length} do; ${ngos.reduce((a, n) => a + n.items.length, 0) - 3 * all3.length - 2 * (ab.length + bc.length + ac.length)} are held by one only).`,
  );
  out(
    `Threshold T = ${T}: SPEC §8's helper gives ${smallestThreshold({ falsePositiveRate: 1e-6, itemsPerPeriod: 5.5e6, targetAccountFalseFlag: 1e-12 })} for 1e-6 false positives per image, 5.5 million images a year and a 1e-12 yearly false-flag target (Apple's published figure); synthetic rate p = ${p}, cap s_max = ${sMax}.`,
  );
  out();
  const t0 = performance.now();
  const input: SimulateInput = {
    suite,
    ngos,
    rule: 2,
    uploads: [],
    threshold: T,
    syntheticRate: p,
    maxSynthetics: sMax,
    tableRatio: DEFAULT_TABLE_RATIO,
    payloadSize: 64,
    rng,
    onEvent: printEvent,
  };
  const d = await setupDeployment(input);
  const { db, built, reviewer } = d;
  if (!db || !built || !reviewer) throw new Error('demo deployment was refused');
  out();
  out('What each party learned so far:');
  for (const [who, what] of Object.entries(d.result.learned)) out(`  ${who}: ${what}`);
  out();

  // Uploads: non-matching photos and synthetics, until exactly T-1 real matches are in.
  // The account takes T, s_max and p from the accepted database and pins them.
  const account = ClientAccount.create({ database: db, rng });
  const serverDb = ServerDatabase.fromBytes(ServerDatabase.fromBuild(built).toBytes());
  const server = new ServerAccount({ database: serverDb });
  const registry = new DatabaseRegistry().add(serverDb);
  let real = 0;
  let n = 0;
  let nextKnown = 0;
  const context = new TextEncoder().encode('account 4711');
  const upload = (item: Uint8Array, isKnown: boolean) => {
    const id = Uint8Array.of(0x70, n >> 8, n & 0xff);
    const before = account.syntheticCount;
    const v = createVoucher(
      account,
      db,
      { item, id, payload: new TextEncoder().encode(`photo #${n}: flagged evidence`), context },
      rng,
    );
    n++;
    if (isKnown && account.syntheticCount === before) real++;
    return server.ingest(v, registry);
  };
  const tU = performance.now();
  if (process.stderr.isTTY)
    process.stderr.write('… Client uploads photos (a few match known hashes)');
  while (real < T - 1) {
    const isKnown = n % 7 === 3;
    upload(isKnown ? (known[nextKnown++] as Uint8Array) : hash('family-photo', n), isKnown);
    if (process.stderr.isTTY && n % 10 === 0)
      process.stderr.write(
        `\r\x1b[K… Client uploads photos: ${plural(n, 'voucher')}, ${real} real`,
      );
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  out(
    `  Client: ${plural(n, 'voucher')}, ${real} real matches (T − 1), ${account.syntheticCount} synthetic (${fmtMs(performance.now() - tU)})`,
  );
  let r = server.reveal();
  out(
    `  Server: ${server.candidates.length} candidates (real and synthetic look alike); reveal attempt → ${r.kind}`,
  );
  out('  The server cannot tell which candidates are real, and opens nothing.');
  out();
  while (real < T) upload(known[nextKnown++] as Uint8Array, true);
  r = server.reveal();
  out(`  One more real match (T = ${T}) → reveal attempt → ${r.kind}`);
  if (r.kind !== 'revealed') throw new Error(`expected a reveal, got ${r.kind}`);
  out(
    `  Server: ${r.revealed.length} real matches and ${r.syntheticIds.length} synthetic ids told apart; each payload is sealed (${r.revealed[0]?.ad.length ?? 0} bytes) to the NGO reviewer.`,
  );
  const first = r.revealed[0];
  if (first) {
    const binding = { databaseId: first.databaseId, voucherId: first.id, context };
    const opened = unpadPayload(openAsReviewer(reviewer.secretKey, 0, first.ad, binding));
    out(
      `  Reviewer opens id ${bytesToHex(first.id)} of "account 4711": "${new TextDecoder().decode(opened)}" (and ${r.revealed.length - 1} more)`,
    );
    try {
      openAsReviewer(reviewer.secretKey, 0, first.ad, {
        ...binding,
        context: new TextEncoder().encode('account 1234'),
      });
      out('  Reviewer: ACCEPTED a relabelled payload (this would be a bug)');
    } catch (e) {
      out(
        `  The platform relabels it as account 1234's: the reviewer refuses — ${(e as QuorumPsiError).code}`,
      );
    }
  }
  out();

  // The safeguards against the platform itself (SPEC v2 §5).
  out('The platform tries to get around the safeguards:');
  const own = d.auditVariant(
    { reviewerKeys: [reviewer.publicKey, generateReviewerKeyPair(rng).publicKey] },
    2,
  );
  out(
    `  It names its own key as a second reviewer in the header → ${own.map((v) => `${v.ngo}: ${v.ok ? 'ok (this would be a bug)' : `audit FAILED (${v.failure})`}`).join(', ')}`,
  );
  out(`    reason: ${own.find((v) => !v.ok)?.reason ?? '—'}`);
  const p0 = d.auditVariant({ syntheticRate32: 0 }, 2);
  out(
    `  It announces no synthetic vouchers (p = 0) → ${p0.every((v) => !v.ok) ? `every audit FAILED (${p0[0]?.failure}): ${p0[0]?.reason}` : 'accepted by some NGO (this would be a bug)'}`,
  );
  const v2 = d.publish(2);
  const acc2 = v2.manifest ? d.accept(v2.pdata, v2.manifest) : 'no manifest';
  out(
    `  It publishes database version 2, audited and co-signed → client: ${typeof acc2 === 'string' ? `refused (${acc2})` : `accepted version ${acc2.accepted?.version}`}`,
  );
  const back = d.accept(d.publicData, d.manifest as Uint8Array);
  out(
    `  Then it serves the still-valid version 1 again → client: ${typeof back === 'string' ? `refused — ${back}` : 'ACCEPTED (this would be a bug)'}`,
  );
  // A tampered database: one cell changed after the NGOs signed.
  const { headerBytes, cells } = splitPublicData(v2.pdata);
  const next: Uint8Array[] = cells.map((c) => c.slice());
  next[1] = suite.encode(suite.mulBase(suite.randomScalar(rng)));
  const changed = d.accept(concatList([headerBytes, ...next]), v2.manifest as Uint8Array);
  out(
    `  It changes one cell of version 2 after the manifest was signed → client: ${typeof changed === 'string' ? `refused — ${changed}` : 'ACCEPTED (this would be a bug)'}`,
  );
  out();
  out(`Done in ${fmtMs(performance.now() - t0)}. Try: npm run simulate -- --help`);
  out('Each role from its own files, one command per step: npx tsx src/cli/cli.ts help,');
  out('and docs/runbooks.md.');
}

// ── main ──────────────────────────────────────────────────────────────────────────────────

/** The file-driven commands, one per protocol step (docs/cli-design.md, docs/runbooks.md). */
const COMMANDS: readonly Command[] = [
  ...NGO_COMMANDS,
  ...DATABASE_COMMANDS,
  ...CLIENT_COMMANDS,
  ...SERVER_COMMANDS,
];

/** The command named by the first one or two words of `argv`, and the rest of `argv`. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

/** `quorum-psi GROUP` alone (e.g. `ngo`): the group's commands and what each does. */
function groupHelp(group: string): string | null {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  if (members.length === 0) return null;
  const width = Math.max(...members.map((c) => c.name.length));
  return `usage: quorum-psi ${group} ${members.map((c) => c.name.slice(group.length + 1)).join('|')} …\n\n${members
    .map((c) => `  quorum-psi ${c.name.padEnd(width)}  ${c.summary}`)
    .join(
      '\n',
    )}\n\nRun "quorum-psi ${members[0]?.name} --help" (and so on) for each command's flags and files.`;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    const found = findCommand(argv);
    if (found) {
      if (found.rest.includes('--help') || found.rest.includes('-h'))
        process.stdout.write(`${found.command.help}\n`);
      else await found.command.run(found.rest);
      return 0;
    }
    const group = cmd === undefined ? null : groupHelp(cmd);
    if (group !== null) {
      if (wantsHelp && rest.length === 1) {
        process.stdout.write(`${group}\n`);
        return 0;
      }
      if (rest.length === 0)
        throw new CliUsageError(`"${cmd}" needs a command (try: quorum-psi ${cmd} --help)`);
      throw new CliUsageError(
        `unknown command "${cmd} ${rest[0]}" (try: quorum-psi ${cmd} --help)`,
      );
    }
    if (cmd === 'keygen') {
      if (wantsHelp) process.stdout.write(`${KEYGEN_HELP}\n`);
      else await cmdKeygen(rest);
    } else if (cmd === 'demo') {
      if (wantsHelp) process.stdout.write(`${DEMO_HELP}\n`);
      else await cmdDemo(rest);
    } else if (cmd === 'simulate') {
      if (wantsHelp) process.stdout.write(`${SIMULATE_HELP}\n`);
      else await cmdSimulate(rest);
    } else if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h')
      process.stdout.write(`${usage()}\n`);
    else throw new CliUsageError(`unknown command "${cmd}" (try: quorum-psi help)`);
    return 0;
  } catch (e) {
    if (e instanceof ArbiterFinding) return e.exitCode;
    if (e instanceof CliUsageError) {
      process.stderr.write(`quorum-psi: ${e.message}\n`);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`quorum-psi: ${(e as Error).message.split('\n')[0]}\n`);
      return 2;
    }
    if (e instanceof QuorumPsiError) {
      process.stderr.write(`quorum-psi: ${e.code}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`quorum-psi: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

// `quorum-psi … | head`: a reader that stops early is not an error of this command.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
