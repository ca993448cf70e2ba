/**
 * Measure the single-point table's drop rate (docs/decisions.md "Single-point table").
 *
 * Each trial lays out a table of `n` items through the library's own `layoutTable`. Items and
 * nonces are SHA-256 of the trial number, so every run reproduces the same tables (and the same
 * trial `t` uses the same items and nonces for every ratio and slack, so configurations are
 * compared on identical inputs). Table size, per configuration (ratio `r`, slack `s`):
 *   RULE=add (default)  n' = max(3, ⌈r·n⌉, n + s)          (with SLACK=0: raw peeling)
 *   RULE=lib            n' = tableSize(n, r)               (the library's rule; SLACK ignored)
 *   RULE=mult:q         n' = max(3, ⌈r·n⌉, ⌈q·n⌉ + s)
 *   RULE=pow:c          n' = max(3, ⌈r·n⌉, n + s, ⌈c·n^(2/3)⌉)
 * With the default SLACK=0 the raw peeling behaviour is measured. Configurations that give the
 * same `n'` for a size are laid out once per trial and reported under each.
 *   npx tsx scripts/table-drop-rates.ts
 *   SIZES=1000000 RATIOS=1.23,1.25 TRIALS=20 npx tsx scripts/table-drop-rates.ts
 *   SIZES=10,100,1000 RATIOS=1.25 SLACKS=0,32,256 TRIALS=10000 npx tsx scripts/table-drop-rates.ts
 *   RULE=lib SIZES=10,30,100,300,1000,3000,10000,100000 RATIOS=1.23 npx tsx scripts/table-drop-rates.ts
 * Env: SIZES, RATIOS, SLACKS (or SLACK), RULE, TRIALS (default max(10, min(20000, ⌊2e7/n⌋))).
 * Prints, per (size, ratio, slack): cells n', tables, tables that dropped anything (and how many
 * of them dropped fewer than 10 items: a small 2-core rather than a giant one), the failure
 * rate per table (with the 95% upper bound 3/tables when none failed), total and largest drops,
 * drops per item (with the 95% upper bound 3/(n·tables) when none were dropped), mean layout
 * time (layoutTable only, item generation excluded).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { compareBytes } from '../src/core/utils.js';
import { layoutTable, tableSize } from '../src/database/table.js';

function items(n: number, trial: number): Uint8Array[] {
  const out: Uint8Array[] = new Array(n);
  const seed = new Uint8Array(8);
  const dv = new DataView(seed.buffer);
  // One backing buffer: at 10^7 items, a buffer per item costs gigabytes.
  const buf = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) {
    dv.setUint32(0, trial);
    dv.setUint32(4, i);
    const it = buf.subarray(32 * i, 32 * i + 32);
    it.set(sha256(seed));
    out[i] = it;
  }
  return out.sort(compareBytes);
}
function nonces(trial: number): [Uint8Array, Uint8Array, Uint8Array] {
  const t = new Uint8Array(5);
  new DataView(t.buffer).setUint32(1, trial);
  const n = (k: number) => {
    t[0] = k;
    return sha256(t).slice(0, 16);
  };
  return [n(1), n(2), n(3)];
}
const list = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number);
const sizes = list(process.env.SIZES, '100,1000,10000,100000');
const ratios = list(process.env.RATIOS, '1.23,1.25,1.3');
const slacks = list(process.env.SLACKS ?? process.env.SLACK, '0');
const rule = process.env.RULE ?? 'add';
const [ruleKind, ruleArg] = rule.split(':') as [string, string | undefined];
if (
  !['add', 'lib', 'mult', 'pow'].includes(ruleKind) ||
  (ruleKind !== 'add' && ruleKind !== 'lib' && ruleArg === undefined)
) {
  throw new Error(`RULE must be add, lib, mult:q or pow:c, got ${rule}`);
}
const q = Number(ruleArg);
const ceilExact = (x: number) => Math.ceil(x - 1e-9);
function cells(n: number, r: number, s: number): number {
  if (ruleKind === 'lib') return tableSize(n, r);
  let c = Math.max(3, ceilExact(r * n));
  if (ruleKind === 'add') c = Math.max(c, n + s);
  else if (ruleKind === 'mult') c = Math.max(c, ceilExact(q * n) + s);
  else c = Math.max(c, n + s, ceilExact(q * Math.cbrt(n * n)));
  return c;
}
const trialsFor = (n: number) =>
  process.env.TRIALS
    ? Number(process.env.TRIALS)
    : Math.max(10, Math.min(20_000, Math.floor(2e7 / n)));
const exp = (x: number) => x.toExponential(2);
const ub = (x: number) => exp(Math.min(1, x));
/** A table dropping fewer items than this is counted as a small 2-core (not a giant one). */
const SMALL_CORE = 10;

const started = performance.now();
for (const n of sizes) {
  const trials = trialsFor(n);
  const configs: { r: number; s: number; np: number }[] = [];
  for (const r of ratios) for (const s of slacks) configs.push({ r, s, np: cells(n, r, s) });
  const distinct = [...new Set(configs.map((c) => c.np))].sort((a, b) => a - b);
  const stat = new Map(
    distinct.map((np) => [np, { failed: 0, small: 0, drops: 0, maxDrop: 0, ms: 0 }]),
  );
  for (let t = 0; t < trials; t++) {
    const it = items(n, t);
    const nc = nonces(t);
    for (const np of distinct) {
      const st = stat.get(np);
      if (st === undefined) throw new Error('unreachable');
      const t0 = performance.now();
      const d = layoutTable(it, nc, np).dropped.length;
      st.ms += performance.now() - t0;
      if (d > 0) st.failed++;
      if (d > 0 && d < SMALL_CORE) st.small++;
      st.drops += d;
      if (d > st.maxDrop) st.maxDrop = d;
    }
  }
  for (const { r, s, np } of configs) {
    const st = stat.get(np);
    if (st === undefined) throw new Error('unreachable');
    const { failed, small, drops, maxDrop, ms } = st;
    const fail = failed === 0 ? `0 (ub95 ${ub(3 / trials)})` : exp(failed / trials);
    const rate = drops === 0 ? `0 (ub95 ${ub(3 / (n * trials))})` : exp(drops / (n * trials));
    console.log(
      `items=${n} ratio=${r} rule=${rule} slack=${s} cells=${np} (${(np / n).toFixed(3)}/item) ` +
        `tables=${trials} tables-dropping=${failed} (${small} small) fail/table=${fail} drops=${drops} ` +
        `max-drop=${maxDrop} rate/item=${rate} layout=${(ms / trials).toFixed(1)} ms`,
    );
  }
}
console.log(`# total ${((performance.now() - started) / 1000).toFixed(1)} s`);
