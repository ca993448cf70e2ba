// Two-party PSI with OpenMined psi.js 2.0.6 (WebAssembly, P-256; one direction, no proofs), for
// the comparison of issue 15 (bench/README.md "Two-party comparison"): wall clock from key
// creation to the intersection, for n items per side with half of them shared. Run it in a
// scratch directory, never as a dependency of this project (its install script downloads from
// outside the npm registry; with --ignore-scripts the package still holds its WebAssembly):
//   mkdir /tmp/psijs && cd /tmp/psijs && npm init -y
//   npm install @openmined/psi.js@2.0.6 --ignore-scripts
//   cp <this repository>/bench/compare/psijs.mjs . && node psijs.mjs 2000,20000
import { createHash } from 'node:crypto';
import PSI from '@openmined/psi.js';

const psi = await PSI();
const item = (t, i) => createHash('sha256').update(`${t}/${i}`).digest('hex').slice(0, 32);
for (const n of (process.argv[2] ?? '2000,20000').split(',').map(Number)) {
  for (const [name, ds] of [
    ['Raw', psi.dataStructure.Raw],
    ['GCS', psi.dataStructure.GCS],
  ]) {
    const shared = Array.from({ length: n / 2 }, (_, i) => item('s', i));
    const a = [...shared, ...Array.from({ length: n / 2 }, (_, i) => item('a', i))];
    const b = [...shared, ...Array.from({ length: n / 2 }, (_, i) => item('b', i))];
    const t0 = performance.now();
    const server = psi.server.createWithNewKey(true);
    const client = psi.client.createWithNewKey(true);
    const setup = server.createSetupMessage(1e-9, b.length, a, ds);
    const request = client.createRequest(b);
    const response = server.processRequest(request);
    const inter = client.getIntersection(setup, response);
    const ms = performance.now() - t0;
    if (inter.length !== n / 2) throw new Error(`intersection ${inter.length} != ${n / 2}`);
    console.log(`psi.js 2.0.6 ${name} n=${n}: ${(ms / 1000).toFixed(2)} s`);
  }
}
