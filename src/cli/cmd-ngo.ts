/**
 * `quorum-psi` commands of the NGO quorum (SPEC v2 §3; issue 14; docs/cli-design.md): `run`,
 * `ngo init | commit | mask | hop | qualify | contribute | open`, `board` and `arbiter check`.
 * Each NGO keeps one state file between steps, locked under its passphrase (it holds the signing
 * key, the masking key `k_i` and the private list): a set-up state (kind 0x0c) until the run id is
 * known, then the {@link NgoParty} state (kind 0x0b). Node only.
 * @module
 */

import {
  KIND,
  KIND_NAME,
  NGO_MAX_LIST_SIZE,
  NGO_RUN_NONCE_BYTES,
  NGO_SETUP_STATE_LABEL,
} from '../core/constants.js';
import { decodeWith, Writer } from '../core/encoding.js';
import { DecodeError, NgoDecodeError, NgoVerificationError } from '../core/errors.js';
import type { Suite } from '../core/group.js';
import { readLockedHeader } from '../core/locked-secret.js';
import { SIGNING_SECRET_KEY_LENGTH, signingPublicKey } from '../core/sign.js';
import { appendChecksum, verifyChecksum } from '../core/state.js';
import { bytesToHex, compareBytes, equalBytes } from '../core/utils.js';
import { arbiterCheck } from '../quorum/arbiter.js';
import { assembleBulletin, verifyBulletin, verifyCommitments } from '../quorum/board.js';
import { canonicalList } from '../quorum/lists.js';
import {
  decodeNgoChainView,
  decodeNgoCommitment,
  type QuorumConfig,
  type QuorumRoster,
  readRoster,
  writeRoster,
} from '../quorum/ngo-messages.js';
import { NgoParty } from '../quorum/party.js';
import { createRunNonce, runIdFromNonces } from '../quorum/run.js';
import {
  about,
  CliUsageError,
  type Command,
  commitStep,
  getPassphrase,
  loadRoster,
  loadRun,
  lock,
  parseFlags,
  readInput,
  readItems,
  runJson,
  say,
  unlockFile,
  writeFiles,
} from './io.js';
import { PARALLEL_FLAGS, PARALLEL_HELP, withExecutor } from './parallel-flags.js';

const STATE_HELP = `The state file holds the NGO's signing key, masking key and private list, locked under the
passphrase (environment variable QPSI_PASSPHRASE, or asked on a terminal; never a flag). Keep it
secret and backed up; it is replaced atomically at each step.`;

const EXIT_HELP = `Exit status: 0 on success; 2 for bad usage or input (one line on stderr, nothing written): a
missing or malformed file, a file of another kind, a message of another run, deployment or
suite, a wrong passphrase, or a message that fails verification (the line names the culprit).`;

// ── The NGO's set-up state (before the run id exists) ─────────────────────────────────────────

/** What `ngo init` keeps until `ngo commit`: roster, own position and key, run nonce, list. */
interface NgoSetup {
  readonly roster: QuorumRoster;
  readonly index: number;
  readonly signingSecretKey: Uint8Array;
  readonly runNonce: Uint8Array;
  readonly items: readonly Uint8Array[];
}

/**
 * `header(kind 0x0c, suite) ‖ roster ‖ u16 index ‖ signing key (32) ‖ run nonce (32) ‖ u32 n ‖
 * n × item (sorted, distinct) ‖ checksum (32)`; stored only locked.
 */
function encodeSetup(s: NgoSetup): Uint8Array {
  const w = new Writer().header(KIND.ngoSetupState, s.roster.suite);
  writeRoster(w, s.roster).u16(s.index).bytes(s.signingSecretKey).bytes(s.runNonce);
  w.u32(s.items.length);
  for (const x of s.items) w.bytes(x);
  return appendChecksum(NGO_SETUP_STATE_LABEL, w.finish());
}

function decodeSetup(bytes: Uint8Array): NgoSetup {
  const what = 'NGO set-up state';
  const body = verifyChecksum(what, NGO_SETUP_STATE_LABEL, bytes, KIND.ngoSetupState);
  return decodeWith(what, body, (r) => {
    const suite = r.header(KIND.ngoSetupState) as Suite;
    const roster = readRoster(r, suite);
    const index = r.u16();
    if (index >= roster.members.length)
      throw new DecodeError('decode.range', `${what}: index ${index}`);
    const signingSecretKey = r.bytes(SIGNING_SECRET_KEY_LENGTH).slice();
    const member = roster.members[index] as { signingPublicKey: Uint8Array };
    if (!equalBytes(signingPublicKey(signingSecretKey), member.signingPublicKey))
      throw new DecodeError('decode.range', `${what}: key is not roster entry ${index}'s`);
    const runNonce = r.bytes(NGO_RUN_NONCE_BYTES).slice();
    const n = r.u32In('list size', 1, NGO_MAX_LIST_SIZE);
    const items: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const x = r.bytes(roster.itemWidth).slice();
      if (i > 0 && compareBytes(items[i - 1] as Uint8Array, x) >= 0)
        throw new DecodeError('decode.noncanonical', `${what}: items not sorted and distinct`);
      items.push(x);
    }
    return { roster, index, signingSecretKey, runNonce, items };
  });
}

/** The locked state file of an NGO: set-up or party, whichever it holds. */
type NgoState =
  | { readonly kind: 'setup'; readonly setup: NgoSetup; readonly locked: Uint8Array }
  | { readonly kind: 'party'; readonly party: NgoParty; readonly locked: Uint8Array };

async function openState(path: string): Promise<{ state: NgoState; passphrase: string }> {
  const locked = readInput(path, 'NGO state');
  const inner = about(path, () => readLockedHeader(locked)).innerKind;
  if (inner !== KIND.ngoSetupState && inner !== KIND.ngoPartyState) {
    throw new CliUsageError(
      `${path}: this holds ${KIND_NAME[inner] ?? `kind 0x${inner.toString(16)}`}, not an NGO state`,
    );
  }
  const passphrase = await getPassphrase({ confirm: false, what: path });
  const { secret } = unlockFile(path, inner, passphrase);
  const state: NgoState =
    inner === KIND.ngoSetupState
      ? { kind: 'setup', setup: about(path, () => decodeSetup(secret)), locked }
      : { kind: 'party', party: about(path, () => NgoParty.fromBytes(secret)), locked };
  return { state, passphrase };
}

/** The party of a state file past `ngo commit`. */
async function openParty(path: string) {
  const { state, passphrase } = await openState(path);
  if (state.kind !== 'party')
    throw new CliUsageError(
      `${path}: the run has not started for this NGO: run "ngo commit" first`,
    );
  return { party: state.party, passphrase, locked: state.locked };
}

/** The party's state, locked again with the same work factors. */
function partyFile(path: string, party: NgoParty, passphrase: string, like: Uint8Array) {
  return [path, lock(KIND.ngoPartyState, party.toBytes(), passphrase, like), 0o600] as const;
}

/**
 * A library failure of the quorum as one line: a verification failure names its culprit by
 * jurisdiction and ring position.
 */
function quorumStep<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NgoVerificationError || e instanceof NgoDecodeError) {
      const msg = e.message.replace(/ \(culprit: party \d+, [^)]*\)$/, '');
      throw new CliUsageError(
        `${path}: ${e.code}: ${msg} (culprit: ${e.culprit.jurisdiction}, ring position ${e.culprit.index})`,
        { cause: e },
      );
    }
    return about(path, () => {
      throw e;
    });
  }
}

/** A quorum step's library call, awaited, with its failures as one line (see quorumStep). */
async function quorumStepAsync<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    return quorumStep(path, () => {
      throw e;
    });
  }
}

function rosterDescription(config: QuorumConfig, index: number): string {
  return `${config.members[index]?.jurisdiction} (ring position ${index} of ${config.members.length})`;
}

// ── Commands ──────────────────────────────────────────────────────────────────────────────────

const ngoInit: Command = {
  name: 'ngo init',
  summary: "start a run: lock the NGO's key and list into a state file, sign a fresh run nonce",
  help: `usage: quorum-psi ngo init --roster roster.json --key ngo-signing.key --list LIST
                          --state STATE --out NONCE

SPEC v2 §3 step 0 for one NGO. Reads the roster the NGOs agreed on, the NGO's locked signing key
(its public half must be in the roster: that fixes the NGO's ring position) and its list; draws a
fresh 32-byte run nonce and signs it.

  --roster FILE   roster.json: { "suite", "deploymentId", "rule", "itemWidth",
                  "members": [{ "jurisdiction", "signingPublicKey" (hex) }, …] } in ring order
  --key FILE      the NGO's signing key (quorum-psi keygen ngo), locked under the passphrase
  --list FILE     the NGO's list (merged across its jurisdiction): one hex item of itemWidth bytes
                  per line; "#" lines and blank lines are skipped; duplicates count once
  --state FILE    the NGO's state file to create (must not exist)
  --out FILE      the signed run nonce to send to every other NGO (binary, kind 0x14)

Then: collect every NGO's nonce file and run "quorum-psi run".
${STATE_HELP}
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        roster: { type: 'string' },
        key: { type: 'string' },
        list: { type: 'string' },
        state: { type: 'string' },
        out: { type: 'string' },
      },
      ['roster', 'key', 'list', 'state', 'out'],
    );
    const roster = loadRoster(f.roster as string);
    const items = canonicalList(readItems(f.list as string, roster.itemWidth));
    const passphrase = await getPassphrase({ confirm: false, what: f.key as string });
    const { secret: sk, locked } = unlockFile(f.key as string, KIND.signingSecretKey, passphrase);
    const pk = signingPublicKey(sk);
    const index = roster.members.findIndex((m) => equalBytes(m.signingPublicKey, pk));
    if (index < 0)
      throw new CliUsageError(
        `${f.key}: this key is not in ${f.roster} (public key ${bytesToHex(pk)})`,
      );
    const nonce = createRunNonce(roster, index, sk);
    const setup = encodeSetup({
      roster,
      index,
      signingSecretKey: sk,
      runNonce: nonce.nonce,
      items,
    });
    writeFiles([
      [f.state as string, lock(KIND.ngoSetupState, setup, passphrase, locked), 0o600],
      [f.out as string, nonce.message],
    ]);
    say(
      `${roster.members[index]?.jurisdiction} (ring position ${index} of ${roster.members.length}): ${items.length} items; run nonce written to ${f.out}`,
    );
  },
};

const run: Command = {
  name: 'run',
  summary: 'combine the NGOs’ signed run nonces into the run file (anyone may do it)',
  help: `usage: quorum-psi run --roster roster.json --nonce FILE [--nonce FILE …] --out run.json

SPEC v2 §3 step 0: verifies one signed run nonce per roster member (each signed by that member
over this roster) and writes the run file: { "runId": hex, "runNonces": [hex, …] }. Every party
recomputes the run id from it against its own roster; each NGO also checks that its own fresh
nonce is in it (ngo commit).

  --roster FILE   roster.json (as for ngo init)
  --nonce FILE    one NGO's run nonce (ngo init --out); repeat once per NGO, any order
  --out FILE      the run file to write (must not exist)
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        roster: { type: 'string' },
        nonce: { type: 'string', multiple: true },
        out: { type: 'string' },
      },
      ['roster', 'nonce', 'out'],
    );
    const roster = loadRoster(f.roster as string);
    const files = f.nonce as string[];
    const nonces = files.map((p) => readInput(p, 'run nonce'));
    const runId = about(files.join(', '), () => runIdFromNonces(roster, nonces));
    writeFiles([[f.out as string, runJson(runId, nonces)]]);
    say(`run id ${bytesToHex(runId)} (${nonces.length} NGOs)`);
  },
};

const ngoCommit: Command = {
  name: 'ngo commit',
  summary: 'join the run: check the run file holds this NGO’s nonce, commit to the list',
  help: `usage: quorum-psi ngo commit --state STATE --run run.json --out COMMITMENT

SPEC §3 step 1. Checks the run file against the NGO's own roster (kept in its state) and that it
holds the fresh nonce this NGO drew (a run id without it may be an old run's); then draws the
masking key k_i, the commitment salt and the private order, and signs the commitment (K_i = k_i·G,
|X_i|, a salted digest of the list).

  --state FILE   the NGO's state (from ngo init); becomes the party's state
  --run FILE     run.json (quorum-psi run)
  --out FILE     the signed commitment to send to every other NGO (binary, kind 0x10)
${STATE_HELP}
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      { state: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' } },
      ['state', 'run', 'out'],
    );
    const statePath = f.state as string;
    const { state, passphrase } = await openState(statePath);
    if (state.kind !== 'setup')
      throw new CliUsageError(`${statePath}: this NGO has already committed to its run`);
    const { setup } = state;
    const { config, runNonces } = loadRun(setup.roster, f.run as string);
    about(f.run as string, () =>
      runIdFromNonces(setup.roster, runNonces, { index: setup.index, nonce: setup.runNonce }),
    );
    const party = new NgoParty(config, setup.index, setup.signingSecretKey, setup.items);
    const commitment = party.commit();
    commitStep(
      [[f.out as string, commitment]],
      [partyFile(statePath, party, passphrase, state.locked)],
    );
    say(
      `${rosterDescription(config, party.index)}: committed to ${party.listSize} items; commitment written to ${f.out}`,
    );
  },
};

/** The `k` commitments in ring order, whatever order the files came in. */
function commitmentsInOrder(config: QuorumConfig, files: readonly string[]): Uint8Array[] {
  const k = config.members.length;
  if (files.length !== k)
    throw new CliUsageError(`expected ${k} commitments (one per NGO), got ${files.length}`);
  const byIndex: (Uint8Array | undefined)[] = new Array(k);
  for (const path of files) {
    const bytes = readInput(path, 'commitment');
    const c = about(path, () => decodeNgoCommitment(bytes));
    if (c.index >= k || byIndex[c.index])
      throw new CliUsageError(`${path}: a second commitment for ring position ${c.index}`);
    byIndex[c.index] = bytes;
  }
  return byIndex as Uint8Array[];
}

const ngoMask: Command = {
  name: 'ngo mask',
  summary: 'verify every commitment, mask the own list and send it into the ring',
  help: `usage: quorum-psi ngo mask --state STATE --commitment FILE [--commitment FILE …] --out CHAIN

SPEC §3 step 2. Verifies the k commitments (one per NGO, any order; each must be of this run and
signed by its NGO), then masks the own list (L_0 = k_i·H_M(x) in the private order) and signs it.

  --state FILE        the NGO's state (after ngo commit)
  --commitment FILE   every NGO's commitment, the own included; repeat once per NGO
  --out FILE          the masked list (binary, kind 0x11): send it to the next NGO in the ring
${PARALLEL_HELP}
${STATE_HELP}
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        state: { type: 'string' },
        commitment: { type: 'string', multiple: true },
        out: { type: 'string' },
        ...PARALLEL_FLAGS,
      },
      ['state', 'commitment', 'out'],
    );
    const statePath = f.state as string;
    const { party, passphrase, locked } = await openParty(statePath);
    const files = f.commitment as string[];
    const commitments = commitmentsInOrder(party.config, files);
    quorumStep(files.join(', '), () => party.receiveCommitments(commitments));
    const chain = await withExecutor('ngo mask', f, party.listSize, (opts) =>
      quorumStepAsync(statePath, () => party.maskOwnListAsync(opts)),
    );
    commitStep([[f.out as string, chain]], [partyFile(statePath, party, passphrase, locked)]);
    const k = party.config.members.length;
    say(
      `masked ${party.listSize} items; send ${f.out} to ${rosterDescription(party.config, (party.index + 1) % k)}`,
    );
  },
};

const ngoHop: Command = {
  name: 'ngo hop',
  summary: 'verify a masked list from the previous NGO, mask it again with a proof',
  help: `usage: quorum-psi ngo hop --state STATE --in CHAIN --out CHAIN

SPEC §3 step 3. Verifies the incoming list (of this run, routed to this NGO, signed, of the
committed length, with a valid proof for the previous hop, never processed before), multiplies
every element by k_i in constant time, proves it (one batched DLEQ proof) and signs it. Run once
for each other NGO's list.

  --state FILE   the NGO's state (after ngo mask)
  --in FILE      the masked list received from the previous NGO in the ring
  --out FILE     the list with this NGO's stage added: for the next NGO, or, when every NGO has
                 masked it, for the bulletin board (the command says which)
${PARALLEL_HELP}
${STATE_HELP}
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        state: { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        ...PARALLEL_FLAGS,
      },
      ['state', 'in', 'out'],
    );
    const statePath = f.state as string;
    const { party, passphrase, locked } = await openParty(statePath);
    const incoming = readInput(f.in as string, 'masked list');
    // A file that is no masked list at all (the wrong file handed over) names no culprit.
    const n = about(f.in as string, () => decodeNgoChainView(incoming)).n;
    const out = await withExecutor('ngo hop', f, n, (opts) =>
      // The list read is the party's from here: moved, not copied (it is not used again).
      quorumStepAsync(f.in as string, () =>
        party.processHopAsync(incoming, undefined, { ...opts, transferInput: true }),
      ),
    );
    commitStep([[f.out as string, out]], [partyFile(statePath, party, passphrase, locked)]);
    const chain = decodeNgoChainView(out);
    const k = party.config.members.length;
    const owner = party.config.members[chain.owner]?.jurisdiction;
    say(
      chain.stages.length === k
        ? `${owner}'s list is masked by every NGO: send ${f.out} to the bulletin board`
        : `${owner}'s list: send ${f.out} to ${rosterDescription(party.config, (party.index + 1) % k)}`,
    );
  },
};

const board: Command = {
  name: 'board',
  summary: 'assemble the bulletin board from the k fully masked lists (anyone may do it)',
  help: `usage: quorum-psi board --roster roster.json --run run.json --chain FILE [--chain FILE …]
                      [--commitment FILE …] --out board.bin

SPEC §3 step 4. Puts the k fully masked lists (one per NGO, any order) on the bulletin board. The
board carries no signature of its own: every stage in it is signed by its producer, and every NGO
verifies the whole board before qualifying (ngo qualify). With the k commitments the assembler
verifies every hop first, so a bad hop is named before the board is published.

  --roster FILE       roster.json
  --run FILE          run.json
  --chain FILE        one fully masked list (the last ngo hop of each list); repeat once per NGO
  --commitment FILE   optional: every NGO's commitment, to verify the board before writing it
  --out FILE          the bulletin board (binary, kind 0x12)
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        roster: { type: 'string' },
        run: { type: 'string' },
        chain: { type: 'string', multiple: true },
        commitment: { type: 'string', multiple: true },
        out: { type: 'string' },
      },
      ['roster', 'run', 'chain', 'out'],
    );
    const { config } = loadRun(loadRoster(f.roster as string), f.run as string);
    const files = f.chain as string[];
    const chains = files.map((path) => {
      const bytes = readInput(path, 'masked list');
      const c = about(path, () => decodeNgoChainView(bytes));
      if (c.suite !== config.suite || !equalBytes(c.sessionDigest, config.sessionDigest))
        throw new CliUsageError(`${path}: a masked list of another run, deployment or suite`);
      if (c.stages.length !== config.members.length)
        throw new CliUsageError(
          `${path}: ${config.members[c.owner]?.jurisdiction ?? c.owner}'s list has ${c.stages.length} of ${config.members.length} stages: not fully masked`,
        );
      return bytes;
    });
    const bulletin = about(files.join(', '), () => assembleBulletin(config, chains));
    if (f.commitment) {
      const commitments = commitmentsInOrder(config, f.commitment);
      quorumStep(f.commitment.join(', '), () => verifyCommitments(config, commitments));
      quorumStep(files.join(', '), () => verifyBulletin(config, commitments, bulletin));
    }
    writeFiles([[f.out as string, bulletin]]);
    say(
      `bulletin board of ${chains.length} lists written to ${f.out}${f.commitment ? ' (every hop verified)' : ''}`,
    );
  },
};

const ngoQualify: Command = {
  name: 'ngo qualify',
  summary: 'verify the whole bulletin board and find the own items at least m NGOs hold',
  help: `usage: quorum-psi ngo qualify --state STATE --board board.bin

SPEC §3 steps 4-5. Verifies every chain on the board (hops this NGO verified or made itself are
not verified twice) and that its own list is the one it masked, then finds its qualifying items:
those whose fully masked value is in at least m − 1 other lists. Prints how many qualify.

  --state FILE   the NGO's state (after its hops); the qualifying items are kept in it
  --board FILE   the bulletin board (quorum-psi board)
${PARALLEL_HELP}
${STATE_HELP}
${EXIT_HELP}`,
  async run(argv) {
    const f = parseFlags(
      argv,
      { state: { type: 'string' }, board: { type: 'string' }, ...PARALLEL_FLAGS },
      ['state', 'board'],
    );
    const statePath = f.state as string;
    const { party, passphrase, locked } = await openParty(statePath);
    const bulletin = readInput(f.board as string, 'bulletin board');
    const qualified = await withExecutor(
      'ngo qualify',
      f,
      bulletin.length / party.config.suite.elementLength,
      // The board read is the party's from here: moved, not copied (it is not used again).
      (opts) =>
        quorumStepAsync(f.board as string, () =>
          party.qualifyAsync(bulletin, { ...opts, transferInput: true }),
        ),
    );
    commitStep([], [partyFile(statePath, party, passphrase, locked)]);
    say(
      `${qualified.length} of ${party.listSize} items are held by at least ${party.config.m} jurisdictions`,
    );
  },
};

/** `--state S --out F`: a message made from the party, which is not changed. */
async function writeFromParty(
  argv: string[],
  make: (party: NgoParty) => Uint8Array,
  done: (out: string, party: NgoParty) => string,
): Promise<void> {
  const f = parseFlags(argv, { state: { type: 'string' }, out: { type: 'string' } }, [
    'state',
    'out',
  ]);
  const { party } = await openParty(f.state as string);
  const bytes = about(f.state as string, () => make(party));
  writeFiles([[f.out as string, bytes]]);
  say(done(f.out as string, party));
}

const ngoContribute: Command = {
  name: 'ngo contribute',
  summary: 'sign the qualifying items for the builder',
  help: `usage: quorum-psi ngo contribute --state STATE --out CONTRIBUTION

SPEC §3 step 6. Writes the NGO's signed contribution: its qualifying items in the clear, bound
to the deployment, the run and its commitment. Send it to the builder (it reaches the
auditors inside the audit bundle).

  --state FILE   the NGO's state (after ngo qualify); not changed
  --out FILE     the contribution (binary, kind 0x13)
${STATE_HELP}
${EXIT_HELP}`,
  run: (argv) =>
    writeFromParty(
      argv,
      (party) => party.contribute(),
      (out) => `contribution written to ${out}`,
    ),
};

const ngoOpen: Command = {
  name: 'ngo open',
  summary: 'open the NGO’s run to an arbiter (list, salt, order and a proof)',
  help: `usage: quorum-psi ngo open --state STATE --out OPENING

SPEC v2 §3 "accountable openings": writes the NGO's opening of its run for an arbiter: its
sorted list, the commitment salt, its stage-0 order and a batched DLEQ proof that its stage-0
list is k_i·H_M(x) of those items in that order. It reveals the NGO's whole list (not k_i): hand it
only to the arbiter the NGOs agreed on.

  --state FILE   the NGO's state (after ngo mask); not changed
  --out FILE     the opening (binary, kind 0x15)
${STATE_HELP}
${EXIT_HELP}`,
  run: (argv) =>
    writeFromParty(
      argv,
      (party) => party.opening(),
      (out, party) => `opening of ${party.listSize} items written to ${out} (for the arbiter only)`,
    ),
};

const arbiter: Command = {
  name: 'arbiter check',
  summary: 'check an NGO’s opening against its signed commitment and masked list',
  help: `usage: quorum-psi arbiter check --roster roster.json --run run.json --commitment FILE
                              (--board FILE | --chain FILE) --opening FILE [--contribution FILE]

SPEC v2 §3: checks that an NGO's opening matches its signed commitment and its signed stage 0
(from the bulletin board, or any chain of its list), and optionally that a contribution signed
by the NGO holds only committed items.

  --roster FILE         roster.json
  --run FILE            run.json
  --commitment FILE     the NGO's signed commitment (it names the NGO)
  --board FILE          the bulletin board of the run, or
  --chain FILE          any masked list of the NGO's own list (e.g. the one it sent into the ring)
  --opening FILE        the NGO's opening (ngo open)
  --contribution FILE   optional: a contribution said to be the NGO's

Exit status: 0 when the opening holds (prints the NGO and its list size); 3 when it does not, and
the NGO is at fault (prints the code and the reason, naming the NGO); 2 for bad usage or input,
including evidence that does not hold by itself (not signed by the NGO, of another run): it shows
nothing against anyone.`,
  async run(argv) {
    const f = parseFlags(
      argv,
      {
        roster: { type: 'string' },
        run: { type: 'string' },
        commitment: { type: 'string' },
        board: { type: 'string' },
        chain: { type: 'string' },
        opening: { type: 'string' },
        contribution: { type: 'string' },
      },
      ['roster', 'run', 'commitment', 'opening'],
    );
    if ((f.board === undefined) === (f.chain === undefined))
      throw new CliUsageError('give exactly one of --board and --chain');
    const { config } = loadRun(loadRoster(f.roster as string), f.run as string);
    const verdict = arbiterCheck(config, {
      commitment: readInput(f.commitment as string, 'commitment'),
      ...(f.board !== undefined ? { bulletin: readInput(f.board, 'bulletin board') } : {}),
      ...(f.chain !== undefined ? { stage0: readInput(f.chain, 'masked list') } : {}),
      opening: readInput(f.opening as string, 'opening'),
      ...(f.contribution !== undefined
        ? { contribution: readInput(f.contribution, 'contribution') }
        : {}),
    });
    if (verdict.ok) {
      say(
        `ok: ${verdict.party.jurisdiction} (ring position ${verdict.party.index}) opened its run consistently: ${verdict.listSize} items`,
      );
      return;
    }
    if (verdict.culprit === null)
      throw new CliUsageError(`evidence does not hold: ${verdict.code}: ${verdict.reason}`);
    process.stdout.write(
      `at fault: ${verdict.culprit.jurisdiction} (ring position ${verdict.culprit.index}): ${verdict.code}: ${verdict.reason}\n`,
    );
    throw new ArbiterFinding();
  },
};

/** `arbiter check` found the NGO at fault: exit status 3 (the verdict is already printed). */
export class ArbiterFinding extends Error {
  readonly exitCode = 3;
}

export const NGO_COMMANDS: readonly Command[] = [
  ngoInit,
  run,
  ngoCommit,
  ngoMask,
  ngoHop,
  board,
  ngoQualify,
  ngoContribute,
  ngoOpen,
  arbiter,
];
