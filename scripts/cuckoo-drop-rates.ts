/**
 * Measure the cuckoo layout's drop rate (docs/decisions.md "Cuckoo layout").
 *
 * Items and nonces are SHA-256 of fixed seeds, so every run reproduces the same tables.
 *   npx tsx scripts/cuckoo-drop-rates.ts
 *   SIZES=1000000 RATIOS=2.1,2.0 KICKS=1000,100000 TRIALS=1 npx tsx scripts/cuckoo-drop-rates.ts
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes } from '../src/core/utils.js';
import { layoutCuckoo, tableSize } from '../src/database/cuckoo.js';

function items(n: number, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    out.push(sha256(Uint8Array.of(seed, i & 255, (i >> 8) & 255, (i >> 16) & 255, i >>> 24)));
  }
  return out.sort(compareBytes);
}
function nonces(seed: number): [Uint8Array, Uint8Array] {
  return [sha256(Uint8Array.of(1, seed)).slice(0, 16), sha256(Uint8Array.of(2, seed)).slice(0, 16)];
}
const list = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number);
const sizes = list(process.env.SIZES, '10000,100000');
const ratios = list(process.env.RATIOS, '2.1,2.0,1.5,1.2,1.05');
const kicks = list(process.env.KICKS, '1000');
const trials = Number(process.env.TRIALS ?? 3);

for (const n of sizes) {
  for (const r of ratios) {
    for (const k of kicks) {
      const per: number[] = [];
      let ms = 0;
      for (let s = 0; s < trials; s++) {
        const it = items(n, s);
        const t0 = performance.now();
        per.push(layoutCuckoo(it, nonces(s), tableSize(n, r), k).dropped.length);
        ms += performance.now() - t0;
      }
      const rate = per.reduce((a, b) => a + b, 0) / (n * trials);
      console.log(
        `items=${n} ratio=${r} kicks=${k} tables=${trials} drops=[${per.join(',')}] ` +
          `rate=${rate.toExponential(2)} layout=${(ms / trials).toFixed(0)} ms`,
      );
    }
  }
}
