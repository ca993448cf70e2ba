/**
 * `quorum-psi` commands: client accept, client voucher (issue 14; docs/cli-design.md). Node only.
 *
 * The client's state directory holds what the device keeps between runs:
 * - `trust.json`: a copy of the trust list the last database was accepted under (the client's
 *   own configuration: deployment id, rule `m`, trusted NGO keys);
 * - `database.pdata`, `database.manifest`: the last accepted public data and its manifest (the
 *   manifest's version is the highest version accepted, so a rollback is refused);
 * - `account.key`: the account state (`ClientAccount.toBytes`: the account seed and the ids made
 *   synthetic) locked under the client's passphrase.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KIND, MAX_ID_LENGTH } from '../core/constants.js';
import { QuorumPsiError } from '../core/errors.js';
import { bytesToHex } from '../core/utils.js';
import {
  type AcceptedDatabase,
  acceptDatabase,
  decodeManifest,
  type TrustedNgo,
} from '../database/manifest.js';
import { ClientAccount, type ClientDatabase, createVoucher } from '../voucher/client.js';
import { ACCOUNT_NAME_RULE, checkAccountName } from './cmd-server.js';
import {
  about,
  CliUsageError,
  type Command,
  commitStep,
  encodeFrames,
  getPassphrase,
  loadTrust,
  lock,
  PASSPHRASE_ENV,
  parseFlags,
  parseHex,
  readInput,
  readText,
  refuseExisting,
  SCRYPT_ENV,
  say,
  unlockFile,
  writeFiles,
} from './io.js';

const te = new TextEncoder();

/** The files of a client state directory. */
function stateFiles(dir: string) {
  return {
    trust: join(dir, 'trust.json'),
    pdata: join(dir, 'database.pdata'),
    manifest: join(dir, 'database.manifest'),
    account: join(dir, 'account.key'),
  };
}

/** `acceptDatabase`, a refusal (or malformed bytes) as one line `refused: code: message`. */
function accept(
  pdata: Uint8Array,
  manifest: Uint8Array,
  opts: { trust: TrustedNgo[]; rule: number; deploymentId: Uint8Array; minVersion: number },
  prefix = 'refused',
): AcceptedDatabase {
  try {
    return acceptDatabase(pdata, manifest, {
      trust: opts.trust,
      m: opts.rule,
      deploymentId: opts.deploymentId,
      minVersion: opts.minVersion,
    });
  } catch (e) {
    if (e instanceof QuorumPsiError)
      throw new CliUsageError(`${prefix}: ${e.code}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * SPEC v2 §6: an account keeps the suite, `T`, `s_max` and `p` of the first database it accepted;
 * a database announcing other values is refused (one line).
 */
function checkPinned(account: ClientAccount, db: ClientDatabase, prefix: string): void {
  const p = db.params;
  const diffs: string[] = [];
  if (account.suite !== db.suite)
    diffs.push(`suite ${db.suite.name} (account: ${account.suite.name})`);
  if (account.threshold !== p.threshold)
    diffs.push(`T = ${p.threshold} (account: ${account.threshold})`);
  if (account.sMax !== p.sMax) diffs.push(`s_max = ${p.sMax} (account: ${account.sMax})`);
  if (account.syntheticRate32 !== p.syntheticRate32)
    diffs.push(`p = ${p.syntheticRate32}/2^32 (account: ${account.syntheticRate32}/2^32)`);
  if (diffs.length > 0) {
    throw new CliUsageError(
      `${prefix}: params.pinned: the database announces ${diffs.join(', ')}; the account keeps the parameters of the first database it accepted`,
    );
  }
}

/** The highest version accepted so far: the stored manifest's (0 when there is none). */
function storedVersion(path: string): number {
  if (!existsSync(path)) return 0;
  const bytes = readInput(path, 'stored manifest');
  return about(path, () => decodeManifest(bytes).body.version);
}

// ── client accept ─────────────────────────────────────────────────────────────────────────────

const ACCEPT_HELP = `usage: quorum-psi client accept --trust trust.json --state DIR --pdata F --manifest F

Checks a database the platform published, as a client device does before making any voucher
(SPEC v2 §5): the manifest must carry valid signatures from keys of YOUR trust list covering at
least "rule" distinct jurisdictions, name your deployment, be inside its validity window, carry a
version no lower than the highest you accepted before (no rollback), and match the public data
byte for byte (header and Merkle root); L and the cells must be valid and distinct. On acceptance
the database becomes the one "client voucher" uses.

flags (all required):
  --trust trust.json  your trust list (JSON, your own configuration, never taken from the platform):
                      { "deploymentId": "text", "rule": m,
                        "ngos": [{ "name", "jurisdiction", "signingPublicKey": "hex" }, …] }
  --state DIR         your state directory (created if missing)
  --pdata F           the public data (binary, as published)
  --manifest F        its manifest (binary, co-signed by the auditing NGOs)

state directory (replaced atomically on acceptance, untouched on refusal):
  DIR/database.pdata     the accepted public data
  DIR/database.manifest  its manifest; its version is the highest version accepted so far
                         (0 when missing), below which every manifest is refused
  DIR/trust.json         a copy of --trust ("client voucher" re-checks the database with it)
  DIR/account.key        your account (seed and synthetic ids), locked under your passphrase;
                         created at the first acceptance. It pins the suite, T, s_max and p of
                         that database: a later database announcing others is refused.

The passphrase (for the account) is read from ${PASSPHRASE_ENV}, or asked on a terminal (twice when
the account is created); ${SCRYPT_ENV} (10..20, default 17) sets scrypt's work factor of a new
account file.

Prints one line: the version accepted, and whether the account was created or kept.
Exit status: 0 accepted; 2 refused (one line "refused: <code>: <message>", the state untouched)
or bad usage or input (one line, nothing written); 1 internal error.`;

async function runAccept(argv: string[]): Promise<void> {
  const v = parseFlags(
    argv,
    {
      trust: { type: 'string' },
      state: { type: 'string' },
      pdata: { type: 'string' },
      manifest: { type: 'string' },
    },
    ['trust', 'state', 'pdata', 'manifest'],
  );
  const trustPath = v.trust as string;
  const files = stateFiles(v.state as string);
  const { deploymentId, rule, trust } = loadTrust(trustPath);
  const trustText = readText(trustPath, 'trust list');
  const pdata = readInput(v.pdata as string, 'public data');
  const manifest = readInput(v.manifest as string, 'manifest');
  const minVersion = storedVersion(files.manifest);
  const db = accept(pdata, manifest, { trust, rule, deploymentId, minVersion });
  const hadAccount = existsSync(files.account);
  const passphrase = await getPassphrase({ confirm: !hadAccount, what: 'the client account' });
  const out: [string, Uint8Array | string, number][] = [];
  if (hadAccount) {
    const { secret } = unlockFile(files.account, KIND.accountState, passphrase);
    const account = about(files.account, () => ClientAccount.fromBytes(secret));
    checkPinned(account, db, 'refused');
  } else {
    const account = ClientAccount.create({ database: db });
    out.push([files.account, lock(KIND.accountState, account.toBytes(), passphrase), 0o600]);
  }
  // The manifest last: its version is the highest version accepted.
  out.push([files.trust, trustText, 0o644]);
  out.push([files.pdata, pdata, 0o644]);
  out.push([files.manifest, manifest, 0o644]);
  writeFiles(out, { replace: true });
  const p = db.params;
  say(
    `accepted database version ${db.accepted.version} (id ${bytesToHex(db.databaseId)}, suite ${db.suite.name}, T = ${p.threshold}, payload size ${p.payloadSize}); account ${hadAccount ? 'kept' : 'created'}`,
  );
}

// ── client voucher ────────────────────────────────────────────────────────────────────────────

const VOUCHER_HELP = `usage: quorum-psi client voucher --state DIR --account NAME --uploads F --out vouchers.bin

Makes one voucher per upload against the database accepted by "client accept" (re-checked now
with the trust list stored beside it: an expired or damaged database is refused), and updates the
account (ids made synthetic are recorded, so an id's fate never changes). Every line is checked
before any voucher is made; nothing is written unless every voucher is.

flags (all required):
  --state DIR        your state directory (written by "client accept")
  --account NAME     the account the platform knows you by:
                     ${ACCOUNT_NAME_RULE}.
                     It is bound into every sealed payload, so the platform cannot present a
                     payload as another account's: the reviewer opens it only for this NAME
  --uploads F        your uploads (UTF-8 text), one per line: ID_HEX ITEM_HEX PAYLOAD_TEXT…
                     ID_HEX: the upload's id (1..64 bytes, unique in the file); ITEM_HEX: the item
                     (exactly the database's item width); PAYLOAD_TEXT: the rest of the line after
                     the whitespace that follows ITEM_HEX (may be empty; leading whitespace is
                     not part of it), at most the database's payload size in UTF-8 bytes.
                     Blank lines and lines starting with # are skipped.
  --out vouchers.bin the voucher stream to hand to the platform (never overwritten):
                     (u32 big-endian length ‖ voucher)*, one record per upload, in file order

state directory: reads DIR/trust.json, DIR/database.pdata, DIR/database.manifest; replaces
DIR/account.key (locked again with its own work factors).

The passphrase is read from ${PASSPHRASE_ENV}, or asked on a terminal.
Prints one line: the number of vouchers written.
Exit status: 0 on success; 2 for bad usage or input (a bad upload line is named; nothing is
written); 1 internal error.`;

/** One parsed upload line. */
interface Upload {
  line: number;
  id: Uint8Array;
  item: Uint8Array;
  payload: Uint8Array;
}

/** Parse and check every upload line against the database (nothing is made before all pass). */
function readUploads(path: string, db: ClientDatabase): Upload[] {
  const width = db.header.table.itemWidth;
  const max = db.params.payloadSize;
  const seen = new Map<string, number>();
  const out: Upload[] = [];
  readText(path, 'upload list')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const where = `${path}:${i + 1}`;
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      const m = /^\s*(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) throw new CliUsageError(`${where}: expected "ID_HEX ITEM_HEX PAYLOAD_TEXT…"`);
      const id = parseHex(m[1] as string, `${where}: id`);
      if (id.length > MAX_ID_LENGTH)
        throw new CliUsageError(`${where}: id is ${id.length} bytes, at most ${MAX_ID_LENGTH}`);
      const item = parseHex(m[2] as string, `${where}: item`);
      if (item.length !== width)
        throw new CliUsageError(
          `${where}: item is ${item.length} bytes; this database's items are ${width} bytes`,
        );
      const payload = te.encode(m[3] ?? '');
      if (payload.length > max)
        throw new CliUsageError(
          `${where}: payload is ${payload.length} bytes; this database allows ${max}`,
        );
      const key = bytesToHex(id);
      const first = seen.get(key);
      if (first !== undefined)
        throw new CliUsageError(`${where}: id ${key} already used on line ${first}`);
      seen.set(key, i + 1);
      out.push({ line: i + 1, id, item, payload });
    });
  if (out.length === 0) throw new CliUsageError(`${path}: no uploads`);
  return out;
}

async function runVoucher(argv: string[]): Promise<void> {
  const v = parseFlags(
    argv,
    {
      state: { type: 'string' },
      account: { type: 'string' },
      uploads: { type: 'string' },
      out: { type: 'string' },
    },
    ['state', 'account', 'uploads', 'out'],
  );
  const dir = v.state as string;
  const outPath = v.out as string;
  const name = checkAccountName(v.account as string, '--account');
  const files = stateFiles(dir);
  refuseExisting([outPath]);
  for (const f of [files.manifest, files.pdata, files.trust, files.account]) {
    if (!existsSync(f))
      throw new CliUsageError(
        `${dir}: no accepted database (${f} is missing; run "quorum-psi client accept" first)`,
      );
  }
  // Re-check the stored pair as a fresh acceptance at its own version (no rollback possible).
  const { deploymentId, rule, trust } = loadTrust(files.trust);
  const manifest = readInput(files.manifest, 'stored manifest');
  const pdata = readInput(files.pdata, 'stored public data');
  const minVersion = storedVersion(files.manifest);
  const db = accept(
    pdata,
    manifest,
    { trust, rule, deploymentId, minVersion },
    `${dir}: the stored database is refused`,
  );
  const uploads = readUploads(v.uploads as string, db);
  const passphrase = await getPassphrase({ confirm: false, what: 'the client account' });
  const { secret, locked } = unlockFile(files.account, KIND.accountState, passphrase);
  const account = about(files.account, () => ClientAccount.fromBytes(secret));
  checkPinned(account, db, `${files.account}: the stored database is refused`);
  const context = te.encode(name);
  const vouchers = uploads.map((u) =>
    about(`${v.uploads}:${u.line}`, () =>
      createVoucher(account, db, { item: u.item, id: u.id, payload: u.payload, context }),
    ),
  );
  // The account is renamed first: a crash in between leaves the ids' fates recorded, never lost.
  commitStep(
    [[outPath, encodeFrames(vouchers), 0o644]],
    [[files.account, lock(KIND.accountState, account.toBytes(), passphrase, locked), 0o600]],
    { statesFirst: true },
  );
  say(`${vouchers.length} voucher${vouchers.length === 1 ? '' : 's'} written to ${outPath}`);
}

export const CLIENT_COMMANDS: readonly Command[] = [
  {
    name: 'client accept',
    summary: 'check a published database and its manifest against your trust list; keep it',
    help: ACCEPT_HELP,
    run: runAccept,
  },
  {
    name: 'client voucher',
    summary: 'make the vouchers for a list of uploads against the accepted database',
    help: VOUCHER_HELP,
    run: runVoucher,
  },
];
