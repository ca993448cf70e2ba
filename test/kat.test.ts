/**
 * Known-answer vectors for quorum-psi's own objects (public data, root, server secret, account
 * state, vouchers with sealed payloads, server account state, what the reviewer opens),
 * regenerated from fixed seeds and compared byte for byte with the committed
 * test/vectors/quorum-psi-v1-kat.json (wire-format version 3: single-point table, one slot per voucher;
 * the file name keeps the DST prefix).
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../src/core/constants.js';
import { computeKat } from './helpers/kat.js';
import kat from './vectors/quorum-psi-v1-kat.json' with { type: 'json' };

describe(`quorum-psi known-answer vectors (wire format v${PROTOCOL_VERSION})`, () => {
  it('reproduce byte for byte', () => {
    const now = computeKat();
    expect(now.length).toBe(kat.cases.length);
    for (let i = 0; i < now.length; i++) expect(now[i]).toEqual(kat.cases[i]);
  });

  it('are objects of the current wire-format version', () => {
    expect(kat.version).toBe(PROTOCOL_VERSION);
    for (const c of kat.cases) {
      // Common header: "QP" ‖ kind ‖ version ‖ suite id.
      const objects = [
        c.publicData,
        c.serverDatabaseSecret,
        c.accountStateAfter,
        c.serverAccountState,
        ...c.vouchers.map((v) => v.voucher),
      ];
      for (const hex of objects) {
        expect(hex.slice(0, 4)).toBe('5150');
        expect(Number.parseInt(hex.slice(6, 8), 16)).toBe(PROTOCOL_VERSION);
      }
    }
  });

  it('cover every kind of voucher, a reveal and the reviewer opening exactly the real matches', () => {
    for (const c of kat.cases) {
      const kinds = new Set(c.vouchers.map((v) => v.kind));
      expect(kinds.has('real-match')).toBe(true);
      expect(kinds.has('non-match')).toBe(true);
      expect(kinds.has('synthetic')).toBe(true);
      expect(c.reveal.kind).toBe('revealed');
      const real = c.vouchers.filter((v) => v.kind === 'real-match');
      expect([...c.reveal.revealedIds].sort()).toEqual(real.map((v) => v.id).sort());
      expect(c.reveal.reviewerOpened.map((o) => o.id)).toEqual(c.reveal.revealedIds);
      for (const o of c.reveal.reviewerOpened) {
        expect(o.payload).toBe(real.find((v) => v.id === o.id)?.payload);
      }
    }
  });
});
