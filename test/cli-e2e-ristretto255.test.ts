/**
 * Issue 14: every role as separate `quorum-psi` processes exchanging only files, on ristretto255:
 * three NGOs, the builder, two auditors, a client, the server and the reviewer reach the right
 * reveal at exactly T; then one tampered file per kind is refused by the party that must refuse
 * it. See test/helpers/cli-e2e.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { type E2eWorld, happyPath, tamperCases } from './helpers/cli-e2e.js';

const root = mkdtempSync(join(tmpdir(), 'qpsi-e2e-ristretto255-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('multi-process end to end (ristretto255)', () => {
  let world: E2eWorld | undefined;
  it('every role in its own process and directory: the reveal happens at exactly T', async () => {
    world = await happyPath(root, 'ristretto255');
  }, 300_000);
  it('one tampered file per kind: refused by the party that must refuse it', async () => {
    if (!world) throw new Error('the happy path did not complete');
    await tamperCases(world);
  }, 300_000);
});
