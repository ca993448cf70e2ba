/**
 * `quorum-psi` commands: server ingest, server reveal, reviewer open (issue 14;
 * docs/cli-design.md). Node only.
 *
 * The server keeps one state file per account, `DIR/<account>.state` (`ServerAccount.toBytes`,
 * integrity-checked), so accounts are independent units of work: any number of `server ingest`
 * processes may run at once on one directory as long as each owns distinct accounts; an exclusive
 * lock file `DIR/<account>.lock` makes a second process on the same account stop instead of
 * losing the first one's vouchers.
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DB_ID_LENGTH, KIND, MAX_ID_LENGTH, SEAL_MAX_CONTEXT_BYTES } from '../core/constants.js';
import { QuorumPsiError } from '../core/errors.js';
import { openAsReviewer, sealedReviewerCount } from '../core/seal.js';
import { bytesToHex } from '../core/utils.js';
import {
  DatabaseRegistry,
  type IngestOutcome,
  ServerAccount,
  ServerDatabase,
  unpadPayload,
} from '../voucher/server.js';
import {
  about,
  CliUsageError,
  type Command,
  decodeFrames,
  getPassphrase,
  JsonFields,
  PASSPHRASE_ENV,
  parseFlags,
  parseHex,
  readInput,
  readJson,
  refuseExisting,
  say,
  unlockFile,
  writeFiles,
} from './io.js';

const te = new TextEncoder();

// ── Account names ─────────────────────────────────────────────────────────────────────────────

/**
 * An account name: the client's `--account NAME`, the server's `--account ID` and the reveal's
 * `"account"` are one string. It names the server's state file (so: a safe file name) and is the
 * context every sealed payload is bound to (so: at most 64 bytes).
 */
const ACCOUNT_NAME = new RegExp(`^(?!\\.)[A-Za-z0-9._-]{1,${SEAL_MAX_CONTEXT_BYTES}}$`);

/** The rule of {@link ACCOUNT_NAME}, in words (for help texts). */
export const ACCOUNT_NAME_RULE = `1..${SEAL_MAX_CONTEXT_BYTES} characters A-Z a-z 0-9 . _ -, not starting with "."`;

/** `name`, checked against the account name rule (one line naming `where` otherwise). */
export function checkAccountName(name: string, where: string): string {
  if (!ACCOUNT_NAME.test(name))
    throw new CliUsageError(
      `${where}: account name must be ${ACCOUNT_NAME_RULE}, got "${name.slice(0, 80)}"`,
    );
  return name;
}

/** The account's state file, and a one-line error if it is missing. */
function loadAccount(dir: string, account: string): ServerAccount {
  const path = join(dir, `${account}.state`);
  if (!existsSync(path))
    throw new CliUsageError(`no state for account ${account} (${path} does not exist)`);
  const bytes = readInput(path, 'server account state');
  return about(path, () => ServerAccount.fromBytes(bytes));
}

// ── server ingest ─────────────────────────────────────────────────────────────────────────────

const INGEST_HELP = `usage: quorum-psi server ingest --db F [--db F …] --state DIR --account ID [--in F|-]

Ingests one account's voucher stream (SPEC v2 §7): each voucher is checked against the live
databases and becomes a candidate (match), a non-match, or is set aside (duplicate, conflict,
unknown database, parameter mismatch, invalid, malformed) without affecting the others. The
whole stream's framing is checked before anything is ingested.

flags:
  --db F         a live database secret (repeat for every live version; at least one): the
                 "server-db.key" a build wrote, locked under the passphrase. A new account takes
                 its T and s_max from the first --db.
  --state DIR    the directory of account states (created if missing)
  --account ID   the account the vouchers belong to (the client's --account NAME):
                 ${ACCOUNT_NAME_RULE}
  --in F|-       the voucher stream, (u32 big-endian length ‖ voucher)* as "client voucher"
                 writes it (default -: standard input)

files:
  DIR/ID.state   the account's state (binary, integrity-checked); read if present, created
                 otherwise, replaced atomically once the whole stream is ingested
  DIR/ID.lock    held (created exclusively, holding the process id) while this process works on
                 the account, removed at the end; if it exists another process owns the account,
                 and this one stops. A lock left by a killed process must be removed by hand.

One worker per account at a time; distinct accounts are independent, so many processes may
share one DIR, e.g.  ls in/ | xargs -P 4 -I{} quorum-psi server ingest --db db.key --state st
--account {} --in in/{}  (or a scheduler that never gives one account to two workers).

Standard output: one JSON line per voucher, in stream order, printed once the state is saved:
  {"account":ID,"index":i,"outcome":KIND,"id":hex,"databaseId":hex,"reason":text}
where index counts from 0, KIND is match, non-match, duplicate, conflict, unknown-database,
parameter-mismatch, invalid or malformed, and id / databaseId / reason appear when the outcome
has them (databaseId for unknown-database; reason for conflict, parameter-mismatch, invalid and
malformed).

The passphrase (for the database secrets) is read from ${PASSPHRASE_ENV}, or asked on a terminal.
Exit status: 0 when the stream was ingested (whatever each voucher's outcome); 2 for bad usage
or input: a damaged stream (e.g. a truncated record), an unreadable or damaged state or
database secret, a wrong passphrase, an account held by another process (one line; the state is
not written); 1 internal error.`;

/** One NDJSON line for an ingest outcome. */
function outcomeLine(account: string, index: number, o: IngestOutcome): string {
  const rec: Record<string, string | number> = { account, index, outcome: o.kind };
  switch (o.kind) {
    case 'match':
    case 'non-match':
    case 'duplicate':
      rec.id = bytesToHex(o.id);
      break;
    case 'conflict':
      rec.id = bytesToHex(o.id);
      rec.reason = o.reason;
      break;
    case 'invalid':
      rec.id = bytesToHex(o.id);
      rec.reason = o.reason;
      break;
    case 'unknown-database':
      rec.databaseId = bytesToHex(o.databaseId);
      break;
    case 'parameter-mismatch':
      rec.reason = o.reason;
      break;
    case 'malformed':
      rec.reason = `${o.error.code}: ${o.error.message}`;
      break;
  }
  return JSON.stringify(rec);
}

/** Take the account's lock file, or stop with one line if another process holds it. */
function takeLock(dir: string, account: string): { path: string; fd: number } {
  const path = join(dir, `${account}.lock`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliUsageError(
      `cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw new CliUsageError(
        `account ${account} is being ingested by another process (${path}; remove it if no process holds it)`,
      );
    throw new CliUsageError(`cannot create ${path}: ${code ?? String(e)}`);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch {
    // The lock is the file's existence; its content only helps a person.
  }
  return { path, fd };
}

async function runIngest(argv: string[]): Promise<void> {
  const v = parseFlags(
    argv,
    {
      db: { type: 'string', multiple: true },
      state: { type: 'string' },
      account: { type: 'string' },
      in: { type: 'string' },
    },
    ['db', 'state', 'account'],
  );
  const dir = v.state as string;
  const account = checkAccountName(v.account as string, '--account');
  const inPath = v.in ?? '-';
  // The whole framing first: a damaged stream ingests nothing.
  const records = decodeFrames(
    readInput(inPath, 'voucher stream'),
    inPath === '-' ? 'standard input' : inPath,
  );
  const passphrase = await getPassphrase({ confirm: false, what: 'the database secrets' });
  const registry = new DatabaseRegistry();
  const seen = new Set<string>();
  let first: ServerDatabase | undefined;
  for (const path of v.db as string[]) {
    const { secret } = unlockFile(path, KIND.serverDatabaseSecret, passphrase);
    const db = about(path, () => ServerDatabase.fromBytes(secret));
    const id = bytesToHex(db.databaseId);
    if (seen.has(id)) throw new CliUsageError(`${path}: database ${id} is given twice`);
    seen.add(id);
    registry.add(db);
    first ??= db;
  }
  const lock = takeLock(dir, account);
  let lines: string[];
  try {
    const statePath = join(dir, `${account}.state`);
    const state = existsSync(statePath)
      ? loadAccount(dir, account)
      : new ServerAccount({ database: first as ServerDatabase });
    // ingest never throws for a bad voucher: each outcome is a value, the batch goes on.
    lines = records.map((r, i) => outcomeLine(account, i, state.ingest(r, registry)));
    writeFiles([[statePath, state.toBytes(), 0o600]], { replace: true });
  } finally {
    closeSync(lock.fd);
    rmSync(lock.path, { force: true });
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}

// ── server reveal ─────────────────────────────────────────────────────────────────────────────

const REVEAL_HELP = `usage: quorum-psi server reveal --state DIR --account ID --out revealed.json

A reveal attempt on one account (SPEC v2 §7): below the threshold T nothing is revealed (the
candidates, real and synthetic, look alike); at T real matches the server tells real from
synthetic candidates and recovers each real match's sealed payload, which only the NGOs'
reviewer can open. The state is read, not changed.

flags (all required):
  --state DIR          the directory of account states ("server ingest" writes DIR/ID.state)
  --account ID         the account: ${ACCOUNT_NAME_RULE}
  --out revealed.json  the result (JSON; never overwritten):
    { "account": ID, "outcome": "revealed" | "below-threshold" | "excess-synthetics" |
      "inconsistent", "candidates": n,
      "revealed": [{ "id": hex, "databaseId": hex, "sealed": hex }, …],
      "syntheticIds": [hex, …], "reason": text (only for inconsistent) }
    "revealed" and "syntheticIds" are empty unless the outcome is revealed. Hand it to the
    reviewer ("quorum-psi reviewer open"): the sealed payloads are bound to ID.

Prints one line: the outcome.
Exit status: 0 when the attempt ran, whatever its outcome (below-threshold is not an error);
2 for bad usage or input (a missing or damaged state, an existing output; nothing written);
1 internal error.`;

async function runReveal(argv: string[]): Promise<void> {
  const v = parseFlags(
    argv,
    { state: { type: 'string' }, account: { type: 'string' }, out: { type: 'string' } },
    ['state', 'account', 'out'],
  );
  const account = checkAccountName(v.account as string, '--account');
  const outPath = v.out as string;
  refuseExisting([outPath]);
  const state = loadAccount(v.state as string, account);
  const r = state.reveal();
  const candidates = state.candidates.length;
  const result = {
    account,
    outcome: r.kind,
    candidates,
    revealed:
      r.kind === 'revealed'
        ? r.revealed.map((x) => ({
            id: bytesToHex(x.id),
            databaseId: bytesToHex(x.databaseId),
            sealed: bytesToHex(x.ad),
          }))
        : [],
    syntheticIds: r.kind === 'revealed' ? r.syntheticIds.map(bytesToHex) : [],
    ...(r.kind === 'inconsistent' ? { reason: r.reason } : {}),
  };
  writeFiles([[outPath, `${JSON.stringify(result, null, 2)}\n`, 0o600]]);
  if (r.kind === 'revealed')
    say(
      `account ${account}: revealed, ${r.revealed.length} real matches and ${r.syntheticIds.length} synthetic ids (${outPath})`,
    );
  else if (r.kind === 'inconsistent') say(`account ${account}: inconsistent: ${r.reason}`);
  else say(`account ${account}: ${r.kind} (${candidates} candidates)`);
}

// ── reviewer open ─────────────────────────────────────────────────────────────────────────────

const OUTCOMES = ['revealed', 'below-threshold', 'excess-synthetics', 'inconsistent'];

const OPEN_HELP = `usage: quorum-psi reviewer open --key reviewer.key --in revealed.json --out DIR

Opens the payloads of a reveal ("quorum-psi server reveal" writes revealed.json), as the NGOs'
reviewer: each sealed payload is opened for the binding the platform claims (database id,
voucher id, and the reveal's "account" as context), so a payload the platform relabelled as
another account's, or not sealed to this reviewer, is refused. Every payload must open before any
is written.

flags (all required):
  --key reviewer.key   your reviewer secret key ("quorum-psi keygen reviewer"), locked under the
                       passphrase
  --in revealed.json   the reveal result (JSON, checked strictly: unknown fields are refused)
  --out DIR            where to write the payloads (created if missing): DIR/<id hex>.payload,
                       the payload's bytes as the client wrote them; existing files are never
                       overwritten

The passphrase is read from ${PASSPHRASE_ENV}, or asked on a terminal.
Prints one line per payload: its id and its text (quoted; "N bytes, not printable" otherwise).
A reveal with no payloads (outcome other than revealed) prints one line and writes nothing.
Exit status: 0 on success; 2 for bad usage or input (a payload that does not open is named; a
wrong passphrase; nothing written); 1 internal error.`;

/** A reveal result as `server reveal` writes it. */
interface RevealFile {
  account: string;
  outcome: string;
  revealed: { id: Uint8Array; databaseId: Uint8Array; sealed: Uint8Array }[];
}

function loadReveal(path: string): RevealFile {
  const f = new JsonFields(readJson(path, 'reveal result'), path);
  const account = checkAccountName(f.string('account'), `${path}: "account"`);
  const outcome = f.string('outcome');
  if (!OUTCOMES.includes(outcome))
    throw new CliUsageError(`${path}: "outcome" must be one of ${OUTCOMES.join(', ')}`);
  f.integer('candidates', 0, 2 ** 32);
  const hexList = (name: string, x: unknown, i: number) => {
    if (typeof x !== 'string') throw new CliUsageError(`${path}: ${name}[${i}] must be hex`);
    return parseHex(x, `${path}: ${name}[${i}]`);
  };
  const seen = new Set<string>();
  const revealed = f.array('revealed').map((x, i) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x))
      throw new CliUsageError(`${path}: revealed[${i}] must be an object`);
    const rf = new JsonFields(x as Record<string, unknown>, `${path}: revealed[${i}]`);
    const entry = {
      id: rf.hex('id'),
      databaseId: rf.hex('databaseId', DB_ID_LENGTH),
      sealed: rf.hex('sealed'),
    };
    rf.done();
    if (entry.id.length > MAX_ID_LENGTH)
      throw new CliUsageError(`${path}: revealed[${i}]: id longer than ${MAX_ID_LENGTH} bytes`);
    const key = bytesToHex(entry.id);
    if (seen.has(key)) throw new CliUsageError(`${path}: id ${key} is listed twice`);
    seen.add(key);
    return entry;
  });
  f.array('syntheticIds').forEach((x, i) => {
    hexList('syntheticIds', x, i);
  });
  f.string('reason', true);
  f.done();
  if (outcome !== 'revealed' && revealed.length > 0)
    throw new CliUsageError(`${path}: payloads listed under outcome ${outcome}`);
  return { account, outcome, revealed };
}

/** Printable text (no control or bidirectional-override characters), or null. */
function printable(b: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return null;
  }
  return /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text) ? null : text;
}

/**
 * Open one revealed payload: the reviewer's slot is found by trying each (a slot for another
 * reviewer, or a binding that differs, does not open), then the padding is removed.
 */
function openOne(
  sk: Uint8Array,
  r: RevealFile['revealed'][number],
  context: Uint8Array,
  where: string,
  account: string,
): Uint8Array {
  const n = about(where, () => sealedReviewerCount(r.sealed));
  const binding = { databaseId: r.databaseId, voucherId: r.id, context };
  for (let index = 0; index < n; index++) {
    let padded: Uint8Array;
    try {
      padded = openAsReviewer(sk, index, r.sealed, binding);
    } catch (e) {
      if (e instanceof QuorumPsiError) continue; // another reviewer's slot, or not for us
      throw e;
    }
    return about(where, () => unpadPayload(padded));
  }
  throw new CliUsageError(
    `${where}: the payload does not open with this key for account "${account}" (relabelled from another account or database, or not sealed to this reviewer)`,
  );
}

async function runOpen(argv: string[]): Promise<void> {
  const v = parseFlags(
    argv,
    { key: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' } },
    ['key', 'in', 'out'],
  );
  const inPath = v.in as string;
  const outDir = v.out as string;
  const reveal = loadReveal(inPath);
  if (reveal.revealed.length === 0) {
    say(`${inPath}: nothing to open (outcome ${reveal.outcome})`);
    return;
  }
  const targets = reveal.revealed.map((r) => join(outDir, `${bytesToHex(r.id)}.payload`));
  refuseExisting(targets);
  const passphrase = await getPassphrase({ confirm: false, what: 'the reviewer key' });
  const { secret: sk } = unlockFile(v.key as string, KIND.reviewerSecretKey, passphrase);
  const context = te.encode(reveal.account);
  let opened: Uint8Array[];
  try {
    opened = reveal.revealed.map((r) =>
      openOne(sk, r, context, `${inPath}: id ${bytesToHex(r.id)}`, reveal.account),
    );
  } finally {
    sk.fill(0);
  }
  writeFiles(targets.map((t, i) => [t, opened[i] as Uint8Array, 0o600] as const));
  reveal.revealed.forEach((r, i) => {
    const p = opened[i] as Uint8Array;
    const text = printable(p);
    say(
      `${bytesToHex(r.id)}: ${text === null ? `${p.length} bytes, not printable` : JSON.stringify(text)}`,
    );
  });
}

export const SERVER_COMMANDS: readonly Command[] = [
  {
    name: 'server ingest',
    summary: "ingest one account's voucher stream; one JSON outcome line per voucher",
    help: INGEST_HELP,
    run: runIngest,
  },
  {
    name: 'server reveal',
    summary: 'a reveal attempt on one account; the sealed payloads of its real matches',
    help: REVEAL_HELP,
    run: runReveal,
  },
  {
    name: 'reviewer open',
    summary: "open a reveal's sealed payloads with the reviewer key, for the account it names",
    help: OPEN_HELP,
    run: runOpen,
  },
];
