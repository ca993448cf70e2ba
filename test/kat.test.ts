/**
 * Known-answer vectors for quorum-psi's own objects (public data, root, server secret, account
 * state, vouchers, server account state), regenerated from fixed seeds and compared byte for byte
 * with the committed test/vectors/quorum-psi-v1-kat.json.
 */
import { describe, expect, it } from 'vitest';
import { computeKat } from './helpers/kat.js';
import kat from './vectors/quorum-psi-v1-kat.json' with { type: 'json' };

describe('quorum-psi v1 known-answer vectors', () => {
  it('reproduce byte for byte', async () => {
    const now = await computeKat();
    expect(now.length).toBe(kat.cases.length);
    for (let i = 0; i < now.length; i++) expect(now[i]).toEqual(kat.cases[i]);
  });

  it('cover every kind of voucher and a reveal', () => {
    for (const c of kat.cases) {
      const kinds = new Set(c.vouchers.map((v) => v.kind));
      expect(kinds.has('real-match')).toBe(true);
      expect(kinds.has('non-match')).toBe(true);
      expect(kinds.has('synthetic')).toBe(true);
      expect(c.reveal.kind).toBe('revealed');
    }
  });
});
