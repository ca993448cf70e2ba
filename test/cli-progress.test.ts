/**
 * The CLI's progress on stderr (src/cli/io.ts `progressReporter`, issue 15): a bar redrawn in
 * place on a terminal and cleared at the end; otherwise one line per tenth of a large phase and
 * nothing for a small one; nothing at all with --quiet.
 */
import { describe, expect, it } from 'vitest';
import { PROGRESS_MIN_LINES, progressReporter } from '../src/cli/io.js';

function run(opts: { quiet?: boolean; tty: boolean }, total: number, step: number) {
  const out: string[] = [];
  const r = progressReporter('ngo hop', { ...opts, write: (s) => out.push(s) });
  for (let done = step; done < total + step; done += step) {
    r.onProgress({ phase: 'hop', done: Math.min(done, total), total });
  }
  r.done();
  return out;
}

describe('progressReporter', () => {
  it('not a terminal: one line per tenth of a large phase, in order, the last at 100%', () => {
    const total = 10 * PROGRESS_MIN_LINES;
    const lines = run({ tty: false }, total, 997);
    expect(lines.length).toBe(10);
    expect(lines.every((l) => /^ngo hop: hop \d+\/100000 \(\d+%\)\n$/.test(l))).toBe(true);
    const pct = lines.map((l) => Number(/\((\d+)%\)/.exec(l)?.[1]));
    expect(pct).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  });

  it('not a terminal: a phase below the size threshold prints nothing', () => {
    expect(run({ tty: false }, PROGRESS_MIN_LINES - 1, 100)).toEqual([]);
  });

  it('a terminal: the bar is redrawn in place and cleared at the end', () => {
    const out = run({ tty: true }, 50, 50);
    expect(out[0]).toMatch(/^\rngo hop: hop \[#{24}\] 100% 50\/50/);
    expect(out.at(-1)).toBe('\r\u001b[K');
    expect(out.join('')).not.toContain('\n');
  });

  it('--quiet: nothing, terminal or not', () => {
    expect(run({ quiet: true, tty: true }, 10 * PROGRESS_MIN_LINES, 1000)).toEqual([]);
    expect(run({ quiet: true, tty: false }, 10 * PROGRESS_MIN_LINES, 1000)).toEqual([]);
  });
});
