/**
 * Benchmark harness (SPEC §10): every protocol step is timed against a *floor*, the raw
 * `@noble/curves` operations it cannot avoid, measured in the same process and run.
 *
 * - {@link timeOp}: milliseconds per operation: warm up, pick a batch size, time several batches
 *   and take the MEDIAN (robust to GC pauses and noisy neighbours).
 * - {@link compare}: times an operation and its floor INTERLEAVED (op, floor, floor, op, …), so
 *   machine noise hits both alike, and reports the median of the per-round ratios `op ÷ floor`
 *   (robust to the machine's speed drifting between rounds, which it does on this VM).
 * - {@link compareFloors}: the same with several floors (one row per floor), the order of the
 *   operation and its floors rotating every round.
 * - {@link printRows}: `name  ops/s  time/op  ×floor  floor` lines (a row's note in brackets).
 *
 * Each bench module (bench/ec.ts, …) exports `run(ctx: BenchContext): Promise<BenchRow[]>` and
 * uses {@link wants} to skip rows the `--filter` excludes. See bench/README.md.
 * @module
 */

/**
 * One measured row. `ratio` is step ÷ floor (null without a floor): from {@link compare}, the
 * median of the per-round ratios, which may differ slightly from `msPerOp / floorMsPerOp`.
 */
export interface BenchRow {
  name: string;
  opsPerSec: number;
  msPerOp: number;
  floorName: string | null;
  floorMsPerOp: number | null;
  ratio: number | null;
  note?: string;
}

/** What bench/index.ts passes to every bench module. */
export interface BenchContext {
  /** Shorter measurements (`--quick`): for smoke runs, not for published numbers. */
  quick: boolean;
  /** Only rows whose name includes this substring (`--filter`), or `null` for all. */
  filter: string | null;
}

/** Signature of a bench module's entry point. */
export type BenchModule = { run(ctx: BenchContext): Promise<BenchRow[]> };

/** Timing options. */
export interface TimeOpts {
  /** Total measured time per operation, spread over the samples (default 450 ms). */
  minMs?: number;
  /** Minimum iterations per sample (default 1). */
  minIters?: number;
  /** Warm-up time before measuring (default 100 ms). */
  warmupMs?: number;
  /** Number of samples whose median is reported (default 15; short samples interleave finely). */
  samples?: number;
}

/** Defaults for a normal run and for `--quick`. */
export const DEFAULT_OPTS: Required<TimeOpts> = {
  minMs: 450,
  minIters: 1,
  warmupMs: 100,
  samples: 15,
};
export const QUICK_OPTS: Required<TimeOpts> = { minMs: 80, minIters: 1, warmupMs: 20, samples: 7 };

/** Options for a context: quick or normal, with per-row overrides. */
export function optsFor(ctx: BenchContext, extra: TimeOpts = {}): Required<TimeOpts> {
  return { ...(ctx.quick ? QUICK_OPTS : DEFAULT_OPTS), ...extra };
}

/** Whether the row `name` passes the context's filter. */
export function wants(ctx: BenchContext, name: string): boolean {
  return ctx.filter === null || name.includes(ctx.filter);
}

// A sink the optimiser cannot see through, so benchmarked results are never dead code.
const sinkBox: { value: unknown } = { value: undefined };
/** Keep a value alive (exported so bench modules can use it in their own loops). */
export function blackhole(x: unknown): void {
  sinkBox.value = x;
}

const now = () => performance.now();

/** Run `fn` `iters` times and return the elapsed milliseconds. */
function runBatch(fn: () => unknown, iters: number): number {
  const t0 = now();
  for (let i = 0; i < iters; i++) sinkBox.value = fn();
  return now() - t0;
}

/** Warm `fn` up for about `warmupMs` and return an estimate of ms per op (at least one call). */
function warmup(fn: () => unknown, warmupMs: number): number {
  let iters = 0;
  const t0 = now();
  do {
    sinkBox.value = fn();
    iters++;
  } while (now() - t0 < warmupMs);
  return (now() - t0) / iters;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function batchSize(estimateMs: number, o: Required<TimeOpts>): number {
  const perSample = o.minMs / o.samples;
  return Math.max(o.minIters, Math.ceil(perSample / Math.max(estimateMs, 1e-6)));
}

/**
 * Milliseconds per call of `fn`: warm up, then `samples` batches of about `minMs / samples`
 * each; the median batch's time per call.
 */
export function timeOp(fn: () => unknown, opts: TimeOpts = {}): number {
  const o = { ...DEFAULT_OPTS, ...opts };
  const iters = batchSize(warmup(fn, o.warmupMs), o);
  const samples: number[] = [];
  for (let s = 0; s < o.samples; s++) samples.push(runBatch(fn, iters) / iters);
  return median(samples);
}

/**
 * A row from measured times: `msPerOp` for the step and, when there is one, the floor's name and
 * time (the ratio is step ÷ floor).
 */
export function row(
  name: string,
  msPerOp: number,
  floor: { name: string; msPerOp: number; ratio?: number } | null = null,
  note?: string,
): BenchRow {
  return {
    name,
    opsPerSec: 1000 / msPerOp,
    msPerOp,
    floorName: floor ? floor.name : null,
    floorMsPerOp: floor ? floor.msPerOp : null,
    ratio: floor ? (floor.ratio ?? msPerOp / floor.msPerOp) : null,
    ...(note ? { note } : {}),
  };
}

/** Divide a row measured per batch of `n` into a per-element row. */
export function perElement(r: BenchRow, n: number, note?: string): BenchRow {
  const ms = r.msPerOp / n;
  const floor =
    r.floorName !== null && r.floorMsPerOp !== null
      ? { name: r.floorName, msPerOp: r.floorMsPerOp / n, ratio: r.ratio ?? undefined }
      : null;
  return row(r.name, ms, floor, note ?? r.note);
}

/**
 * Time `fn` against its `floor`, interleaving their samples in an ABBA pattern (op, floor,
 * floor, op, …) so drift and noise affect both equally. Times are medians; the ratio is the
 * median of the per-round ratios `a_s ÷ b_s` (each round's op and floor run back to back).
 * With `floor === null` only the operation is timed.
 */
export function compare(
  name: string,
  fn: () => unknown,
  floorName: string | null,
  floor: (() => unknown) | null,
  opts: TimeOpts = {},
): BenchRow {
  const o = { ...DEFAULT_OPTS, ...opts };
  if (floor === null) return row(name, timeOp(fn, o));
  const itA = batchSize(warmup(fn, o.warmupMs), o);
  const itB = batchSize(warmup(floor, o.warmupMs), o);
  const a: number[] = [];
  const b: number[] = [];
  for (let s = 0; s < o.samples; s++) {
    if (s % 2 === 0) {
      a.push(runBatch(fn, itA) / itA);
      b.push(runBatch(floor, itB) / itB);
    } else {
      b.push(runBatch(floor, itB) / itB);
      a.push(runBatch(fn, itA) / itA);
    }
  }
  const ratios = a.map((x, s) => x / (b[s] as number));
  return row(name, median(a), {
    name: floorName ?? 'floor',
    msPerOp: median(b),
    ratio: median(ratios),
  });
}

/** One floor of {@link compareFloors}: its row-name suffix, what it is, and the floor itself. */
export interface Floor {
  /** Appended to the row name (ignored for the first floor, whose row is named `name`). */
  suffix: string;
  /** What the floor is (the row's `floorName`). */
  name: string;
  fn: () => unknown;
}

/**
 * Time `fn` against SEVERAL floors in one run: each round times the operation and every floor
 * back to back, the order rotating by one every round (op, F1, F2; F1, F2, op; F2, op, F1; …,
 * with one floor this is {@link compare}'s ABBA pattern), so drift and noise affect all alike.
 * Returns one row per floor: the first named `name`, the others `name + suffix`. Each row's
 * `msPerOp` is the operation's median (the same in every row), `floorMsPerOp` that floor's
 * median, and `ratio` the median over rounds of `op_s ÷ floor_s` for that floor.
 */
export function compareFloors(
  name: string,
  fn: () => unknown,
  floors: readonly Floor[],
  opts: TimeOpts = {},
): BenchRow[] {
  const o = { ...DEFAULT_OPTS, ...opts };
  if (floors.length === 0) return [row(name, timeOp(fn, o))];
  const fns = [fn, ...floors.map((f) => f.fn)];
  const iters = fns.map((f) => batchSize(warmup(f, o.warmupMs), o));
  const times: number[][] = fns.map(() => []);
  for (let s = 0; s < o.samples; s++) {
    for (let t = 0; t < fns.length; t++) {
      const j = (s + t) % fns.length;
      const it = iters[j] as number;
      (times[j] as number[]).push(runBatch(fns[j] as () => unknown, it) / it);
    }
  }
  const a = times[0] as number[];
  return floors.map((f, i) => {
    const b = times[i + 1] as number[];
    return row(i === 0 ? name : name + f.suffix, median(a), {
      name: f.name,
      msPerOp: median(b),
      ratio: median(a.map((x, s) => x / (b[s] as number))),
    });
  });
}

function fmtOps(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (x >= 1) return x.toFixed(x >= 100 ? 0 : 1);
  return x.toPrecision(2);
}

/** Human-readable time: µs below 1 ms, else ms. */
export function fmtTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 3 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Print aligned `name  ops/s  time/op  ×floor  floor` lines. */
export function printRows(rows: BenchRow[]): void {
  const header = ['name', 'ops/s', 'time/op', '×floor', 'floor (time/op)'];
  const cells = rows.map((r) => [
    r.name,
    fmtOps(r.opsPerSec),
    fmtTime(r.msPerOp),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`,
    r.floorName === null
      ? r.note
        ? `[${r.note}]`
        : ''
      : `${r.floorName} (${fmtTime(r.floorMsPerOp as number)})${r.note ? `  [${r.note}]` : ''}`,
  ]);
  const all = [header, ...cells];
  const width = header.map((_, i) => Math.max(...all.map((c) => (c[i] as string).length)));
  const line = (c: string[]) =>
    c
      .map((x, i) =>
        i === 0 || i === c.length - 1
          ? x.padEnd(width[i] as number)
          : x.padStart(width[i] as number),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const c of cells) console.log(line(c));
}
