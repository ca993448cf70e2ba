/**
 * Regenerate test/vectors/quorum-psi-v1-kat.json (run: `npm run vectors`).
 * Only run this when the wire format or derivations change on purpose; the test
 * test/kat.test.ts fails on any unintended change.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '../src/core/constants.js';
import { computeKat } from '../test/helpers/kat.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'test', 'vectors', 'quorum-psi-v1-kat.json');
const cases = computeKat();
// `version`: the wire-format version of every object in the file (PROTOCOL_VERSION, SPEC v2).
writeFileSync(
  out,
  `${JSON.stringify({ source: 'quorum-psi, scripts/gen-vectors.ts (fixed seeds; see test/helpers/kat.ts)', version: PROTOCOL_VERSION, cases }, null, 1)}\n`,
);
console.log(`wrote ${cases.length} cases to ${out}`);
