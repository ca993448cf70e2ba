/**
 * `npm run bench` entry point (SPEC §10). Runs the bench groups in order; a group whose file
 * does not exist yet is skipped.
 *
 *   tsx bench/index.ts [--quick] [--filter SUBSTR] [--json]
 *
 * - `--quick`: short measurements (smoke runs; not for published numbers);
 * - `--filter SUBSTR`: only groups whose name includes SUBSTR, or else only rows whose name does;
 * - `--json`: print ONLY a JSON array of rows to stdout (progress on stderr); every row carries
 *   a `machine` property (CPU model, cores, Node version) so the numbers stay self-describing.
 * See bench/README.md.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BenchContext, type BenchModule, type BenchRow, printRows } from './harness.js';

/** Bench groups, in the order they run. */
const GROUPS = ['./ec.ts', './threshold.ts', './protocol.ts', './ngo.ts'];

function parseArgs(argv: string[]): { ctx: BenchContext; json: boolean } {
  let quick = false;
  let json = false;
  let filter: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--json') json = true;
    else if (a === '--filter') {
      const v = argv[++i];
      if (v === undefined || v === '') throw new RangeError('--filter needs a substring');
      filter = v;
    } else if (a?.startsWith('--filter=')) filter = a.slice('--filter='.length) || null;
    else throw new RangeError(`unknown argument ${a} (expected --quick, --json, --filter SUBSTR)`);
  }
  return { ctx: { quick, filter }, json };
}

/** One line naming the machine: CPU model, logical cores, Node version, platform. */
export function machine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${cpus.length} cores, Node ${process.version}, ${os.platform()}-${os.arch()}`;
}

async function main(): Promise<void> {
  const { ctx, json } = parseArgs(process.argv.slice(2));
  const log = (s: string) => (json ? process.stderr.write(`${s}\n`) : console.log(s));
  const m = machine();
  log(`quorum-psi benchmarks — ${m}${ctx.quick ? ' (quick)' : ''}`);
  const all: BenchRow[] = [];
  for (const rel of GROUPS) {
    const group = rel.replace(/^\.\/|\.ts$/g, '');
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (!existsSync(file)) continue;
    // A filter naming the group runs all of it; otherwise the group runs only matching rows.
    const groupMatches = ctx.filter !== null && group.includes(ctx.filter);
    const groupCtx: BenchContext = { ...ctx, filter: groupMatches ? null : ctx.filter };
    const mod = (await import(rel)) as BenchModule;
    log(`\n[${group}]`);
    const t0 = performance.now();
    const rows = (await mod.run(groupCtx)).filter(
      (r) => groupCtx.filter === null || r.name.includes(groupCtx.filter),
    );
    if (rows.length === 0) {
      log('(no rows)');
      continue;
    }
    if (!json) printRows(rows);
    else log(`${rows.length} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    all.push(...rows);
  }
  if (json)
    process.stdout.write(
      `${JSON.stringify(
        all.map((r) => ({ ...r, machine: m })),
        null,
        2,
      )}\n`,
    );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
