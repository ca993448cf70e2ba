/**
 * The quorum's commands (src/cli/cmd-ngo.ts) beyond the happy path of test/cli-e2e-*.test.ts:
 * every `--help` names every flag; a key outside the roster, a run file that does not hold the
 * NGO's own fresh nonce (another run's), a step out of order, an incomplete list on the board
 * and an arbiter's finding each end with their exit status, one line, and nothing written.
 * Two NGOs (k = 2) to keep it short.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND } from '../src/core/constants.js';
import { readLockedHeader } from '../src/core/locked-secret.js';
import { runCli } from './helpers/cli.js';
import { as, ok, refused } from './helpers/cli-e2e.js';

const root = mkdtempSync(join(tmpdir(), 'qpsi-cli-ngo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const p = (...parts: string[]) => join(root, ...parts);
const item = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 32);

const NGO_FLAGS: Record<string, string[]> = {
  'ngo init': ['--roster', '--key', '--list', '--state', '--out'],
  run: ['--roster', '--nonce', '--out'],
  'ngo commit': ['--state', '--run', '--out'],
  'ngo mask': ['--state', '--commitment', '--out', '--workers', '--quiet'],
  'ngo hop': ['--state', '--in', '--out', '--workers', '--quiet'],
  board: ['--roster', '--run', '--chain', '--commitment', '--out'],
  'ngo qualify': ['--state', '--board', '--workers', '--quiet'],
  'ngo contribute': ['--state', '--out'],
  'ngo open': ['--state', '--out'],
  'arbiter check': [
    '--roster',
    '--run',
    '--commitment',
    '--board',
    '--chain',
    '--opening',
    '--contribution',
  ],
};

describe('quorum-psi ngo, run, board, arbiter check', () => {
  beforeAll(async () => {
    for (const j of ['uk', 'ca', 'xx']) await ok(`ngo-${j}`, ['keygen', 'ngo', '--out', p(j)]);
    const pub = (j: string) => readFileSync(p(j, 'ngo-signing.pub'), 'utf8').trim();
    writeFileSync(
      p('roster.json'),
      JSON.stringify({
        suite: 'ristretto255',
        deploymentId: 'cli-ngo-test',
        rule: 2,
        itemWidth: 16,
        members: [
          { jurisdiction: 'UK', signingPublicKey: pub('uk') },
          { jurisdiction: 'CA', signingPublicKey: pub('ca') },
        ],
      }),
    );
    for (const j of ['uk', 'ca']) {
      writeFileSync(p(j, 'list.txt'), ['a', 'b', 'c', j].map(item).join('\n'));
      await ok(`ngo-${j}`, [
        'ngo',
        'init',
        '--roster',
        p('roster.json'),
        '--key',
        p(j, 'ngo-signing.key'),
        '--list',
        p(j, 'list.txt'),
        '--state',
        p(j, 'state'),
        '--out',
        p(j, 'nonce.bin'),
      ]);
    }
    await ok('anyone', [
      'run',
      '--roster',
      p('roster.json'),
      '--nonce',
      p('uk', 'nonce.bin'),
      '--nonce',
      p('ca', 'nonce.bin'),
      '--out',
      p('run.json'),
    ]);
  }, 120_000);

  it('help lists every command; each command’s --help names each of its flags', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    for (const name of Object.keys(NGO_FLAGS)) expect(help.stdout).toContain(`quorum-psi ${name} `);
    for (const [name, flags] of Object.entries(NGO_FLAGS)) {
      const r = await runCli([...name.split(' '), '--help']);
      expect(r.code, name).toBe(0);
      for (const f of flags) expect(r.stdout, `${name} ${f}`).toContain(`${f} `);
    }
    const bare = await runCli(['ngo']);
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe(
      'quorum-psi: "ngo" needs a command (try: quorum-psi ngo --help)',
    );
  }, 120_000);

  it('the state is locked; a step out of order is refused and the state kept', async () => {
    expect(readLockedHeader(new Uint8Array(readFileSync(p('uk', 'state'))))).toMatchObject({
      innerKind: KIND.ngoSetupState,
    });
    const before = readFileSync(p('uk', 'state'));
    await refused(
      'ngo-uk',
      [
        'ngo',
        'mask',
        '--state',
        p('uk', 'state'),
        '--commitment',
        p('uk', 'nonce.bin'),
        '--out',
        p('uk', 'x.bin'),
      ],
      /run "ngo commit" first/,
      [p('uk', 'x.bin')],
    );
    expect(readFileSync(p('uk', 'state')).equals(before)).toBe(true);
  }, 60_000);

  it('a key outside the roster: exit 2, no state and no nonce', async () => {
    mkdirSync(p('xx', 'out'), { recursive: true });
    await refused(
      'ngo-xx',
      [
        'ngo',
        'init',
        '--roster',
        p('roster.json'),
        '--key',
        p('xx', 'ngo-signing.key'),
        '--list',
        p('uk', 'list.txt'),
        '--state',
        p('xx', 'state'),
        '--out',
        p('xx', 'nonce.bin'),
      ],
      /this key is not in .*roster\.json/,
      [p('xx', 'state'), p('xx', 'nonce.bin')],
    );
  }, 60_000);

  it('a run file without the NGO’s own fresh nonce (another run’s) is refused at commit', async () => {
    // UK starts again (a fresh nonce); the run file of the first attempt does not hold it.
    await ok('ngo-uk', [
      'ngo',
      'init',
      '--roster',
      p('roster.json'),
      '--key',
      p('uk', 'ngo-signing.key'),
      '--list',
      p('uk', 'list.txt'),
      '--state',
      p('uk', 'state-2'),
      '--out',
      p('uk', 'nonce-2.bin'),
    ]);
    await refused(
      'ngo-uk',
      [
        'ngo',
        'commit',
        '--state',
        p('uk', 'state-2'),
        '--run',
        p('run.json'),
        '--out',
        p('uk', 'c2.bin'),
      ],
      /ngo\.runNonce\.own/,
      [p('uk', 'c2.bin')],
    );
    expect(readLockedHeader(new Uint8Array(readFileSync(p('uk', 'state-2'))))).toMatchObject({
      innerKind: KIND.ngoSetupState,
    });
  }, 60_000);

  it('a full two-NGO run; the board refuses an incomplete list; the arbiter finds a mismatched opening', async () => {
    for (const j of ['uk', 'ca']) {
      await ok(`ngo-${j}`, [
        'ngo',
        'commit',
        '--state',
        p(j, 'state'),
        '--run',
        p('run.json'),
        '--out',
        p(j, 'commitment.bin'),
      ]);
    }
    const cs = [
      '--commitment',
      p('uk', 'commitment.bin'),
      '--commitment',
      p('ca', 'commitment.bin'),
    ];
    for (const j of ['uk', 'ca']) {
      await ok(`ngo-${j}`, [
        'ngo',
        'mask',
        '--state',
        p(j, 'state'),
        ...cs,
        '--out',
        p(j, 'chain-0.bin'),
      ]);
    }
    // A list masked by its owner only is not ready for the board.
    await refused(
      'anyone',
      [
        'board',
        '--roster',
        p('roster.json'),
        '--run',
        p('run.json'),
        '--chain',
        p('uk', 'chain-0.bin'),
        '--chain',
        p('ca', 'chain-0.bin'),
        '--out',
        p('board.bin'),
      ],
      /1 of 2 stages: not fully masked/,
      [p('board.bin')],
    );
    // CA's hop runs on a pool of two worker threads (issue 15); the board then verifies it.
    await ok('ngo-ca', [
      'ngo',
      'hop',
      '--state',
      p('ca', 'state'),
      '--in',
      p('uk', 'chain-0.bin'),
      '--out',
      p('ca', 'chain-uk-1.bin'),
      '--workers',
      '2',
    ]);
    await ok('ngo-uk', [
      'ngo',
      'hop',
      '--state',
      p('uk', 'state'),
      '--in',
      p('ca', 'chain-0.bin'),
      '--out',
      p('uk', 'chain-ca-1.bin'),
    ]);
    await ok('anyone', [
      'board',
      '--roster',
      p('roster.json'),
      '--run',
      p('run.json'),
      '--chain',
      p('ca', 'chain-uk-1.bin'),
      '--chain',
      p('uk', 'chain-ca-1.bin'),
      ...cs,
      '--out',
      p('board.bin'),
    ]);
    for (const j of ['uk', 'ca']) {
      const out = await ok(`ngo-${j}`, [
        'ngo',
        'qualify',
        '--state',
        p(j, 'state'),
        '--board',
        p('board.bin'),
        '--workers',
        j === 'uk' ? '2' : '1',
      ]);
      expect(out).toMatch(/^3 of 4 items are held by at least 2 jurisdictions/);
      await ok(`ngo-${j}`, ['ngo', 'open', '--state', p(j, 'state'), '--out', p(j, 'opening.bin')]);
    }
    const check = (commitment: string, opening: string) => [
      'arbiter',
      'check',
      '--roster',
      p('roster.json'),
      '--run',
      p('run.json'),
      '--commitment',
      commitment,
      '--board',
      p('board.bin'),
      '--opening',
      opening,
    ];
    expect(await ok('arbiter', check(p('uk', 'commitment.bin'), p('uk', 'opening.bin')))).toMatch(
      /^ok: UK \(ring position 0\) opened its run consistently: 4 items/,
    );
    // CA's commitment with UK's opening: CA is named (exit 3), the verdict on stdout.
    const r = await as('arbiter', check(p('ca', 'commitment.bin'), p('uk', 'opening.bin')));
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^at fault: CA \(ring position 1\): ngo\.opening\.session: /);
    // Evidence that does not hold (not a commitment) shows nothing against anyone: exit 2.
    await refused(
      'arbiter',
      check(p('uk', 'opening.bin'), p('uk', 'opening.bin')),
      /evidence does not hold/,
    );
    expect(existsSync(p('uk', 'opening.bin'))).toBe(true);
  }, 180_000);
});
